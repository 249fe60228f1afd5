// SPDX-License-Identifier: GPL-2.0
/*
 * The ECAM host bridge. Config writes go through a per-byte write mask,
 * which also gives BAR sizing (PCI 3.0, 6.2.5.1): writing all-ones reads
 * back ~(size - 1) with the type bits. After each write the BARs' decode
 * is recomputed, and a function hears of a BAR that moved (its ioeventfds
 * follow it).
 */
#include <errno.h>
#include <string.h>

#include "hw/pci.h"

void pci_host_init(struct pci_host *host, uint64_t mmio_base, uint64_t mmio_size,
		   void (*set_intx)(void *, unsigned int, bool), void *opaque)
{
	memset(host, 0, sizeof(*host));
	pthread_mutex_init(&host->lock, NULL);
	pthread_mutex_init(&host->intx_lock, NULL);
	host->mmio_base = mmio_base;
	host->mmio_size = mmio_size;
	host->set_intx = set_intx;
	host->opaque = opaque;
}

void pci_host_destroy(struct pci_host *host)
{
	pthread_mutex_destroy(&host->lock);
	pthread_mutex_destroy(&host->intx_lock);
}

void pci_function_init(struct pci_function *fn, const struct pci_function_ops *ops,
		       uint16_t vendor, uint16_t device, uint32_t class_code,
		       uint8_t revision, uint16_t subsys_vendor, uint16_t subsys_id)
{
	memset(fn, 0, sizeof(*fn));
	fn->ops = ops;
	put_le16(fn->cfg + PCI_VENDOR_ID, vendor);
	put_le16(fn->cfg + PCI_DEVICE_ID, device);
	fn->cfg[PCI_REVISION_ID] = revision;
	fn->cfg[PCI_CLASS_PROG] = class_code;
	put_le16(fn->cfg + PCI_CLASS_PROG + 1, class_code >> 8);
	put_le16(fn->cfg + PCI_SUBSYSTEM_VENDOR_ID, subsys_vendor);
	put_le16(fn->cfg + PCI_SUBSYSTEM_ID, subsys_id);
	fn->cfg[PCI_INTERRUPT_PIN] = 1;		/* INTA */
	put_le16(fn->wmask + PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		  PCI_COMMAND_INTX_DISABLE);
	fn->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

void pci_function_add_bar(struct pci_function *fn, int bar, uint32_t size)
{
	/* 32-bit non-prefetchable memory: the type bits [3:0] read 0. */
	fn->bar_size[bar] = size;
	put_le32(fn->wmask + PCI_BAR0 + 4 * bar, ~(size - 1));
}

int pci_host_add(struct pci_host *host, struct pci_function *fn)
{
	for (unsigned int slot = 0; slot < PCI_MAX_SLOTS; slot++) {
		if (host->slots[slot])
			continue;
		host->slots[slot] = fn;
		fn->host = host;
		fn->slot = slot;
		return slot;
	}
	return -ENOSPC;
}

void pci_set_intx(struct pci_function *fn, bool level)
{
	struct pci_host *host = fn->host;
	unsigned int line = pci_intx_line(fn->slot);
	bool was, now;

	pthread_mutex_lock(&host->intx_lock);
	if (fn->intx != level) {
		was = host->intx_count[line] > 0;
		host->intx_count[line] += level ? 1 : -1;
		fn->intx = level;
		now = host->intx_count[line] > 0;
		if (was != now)
			host->set_intx(host->opaque, line, now);
	}
	pthread_mutex_unlock(&host->intx_lock);
}

/* Where BAR @bar decodes: memory decode on, wholly inside the window. */
static uint64_t bar_decode(const struct pci_host *host, const struct pci_function *fn,
			   int bar)
{
	uint64_t size = fn->bar_size[bar];
	uint64_t addr = get_le32(fn->cfg + PCI_BAR0 + 4 * bar) & ~0xfull;

	if (!size || !(get_le16(fn->cfg + PCI_COMMAND) & PCI_COMMAND_MEMORY))
		return 0;
	if (addr < host->mmio_base || addr - host->mmio_base > host->mmio_size - size)
		return 0;
	return addr;
}

static void update_bars(struct pci_host *host, struct pci_function *fn)
{
	for (int bar = 0; bar < PCI_NR_BARS; bar++) {
		uint64_t addr = bar_decode(host, fn, bar), old = fn->bar_mapped[bar];

		if (addr == old)
			continue;
		fn->bar_mapped[bar] = addr;
		if (fn->ops->bar_moved)
			fn->ops->bar_moved(fn, bar, old, addr);
	}
}

static void config_write(struct pci_host *host, struct pci_function *fn,
			 uint32_t reg, const uint8_t *data, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++) {
		uint8_t m = fn->wmask[reg + i];

		fn->cfg[reg + i] = (fn->cfg[reg + i] & ~m) | (data[i] & m);
	}
	if (fn->ops->config_written)
		fn->ops->config_written(fn, reg, len);
	update_bars(host, fn);
}

int pci_function_load_config(struct pci_function *fn, const uint8_t *cfg)
{
	for (unsigned int i = 0; i < PCI_CFG_SIZE; i++)
		if ((cfg[i] ^ fn->cfg[i]) & ~fn->wmask[i])
			return -EINVAL;
	pthread_mutex_lock(&fn->host->lock);
	memcpy(fn->cfg, cfg, PCI_CFG_SIZE);
	update_bars(fn->host, fn);
	pthread_mutex_unlock(&fn->host->lock);
	return 0;
}

/*
 * ECAM: bus [27:20], device [19:15], function [14:12], register [11:0].
 * Absent functions read all-ones (no vendor); the extended space reads 0
 * (no extended capabilities). Accesses must be naturally aligned.
 */
void pci_ecam_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		     bool is_write)
{
	struct pci_host *host = opaque;
	unsigned int bus = offset >> 20, slot = (offset >> 15) & 31;
	unsigned int func = (offset >> 12) & 7;
	uint32_t reg = offset & 0xfff;
	struct pci_function *fn;

	pthread_mutex_lock(&host->lock);
	fn = bus == 0 && func == 0 ? host->slots[slot] : NULL;
	if (!is_write)
		memset(data, fn ? 0 : 0xff, len);
	if (fn && reg < PCI_CFG_SIZE && (len == 1 || len == 2 || len == 4) &&
	    !(reg % len)) {
		if (is_write) {
			config_write(host, fn, reg, data, len);
		} else {
			if (fn->ops->config_read)
				fn->ops->config_read(fn, reg, len);
			memcpy(data, fn->cfg + reg, len);
		}
	}
	pthread_mutex_unlock(&host->lock);
}

void pci_mmio_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		     bool is_write)
{
	struct pci_host *host = opaque;
	uint64_t addr = host->mmio_base + offset;
	struct pci_function *hit = NULL;
	int hit_bar = 0;

	pthread_mutex_lock(&host->lock);
	for (unsigned int s = 0; s < PCI_MAX_SLOTS && !hit; s++) {
		struct pci_function *fn = host->slots[s];

		for (int bar = 0; fn && bar < PCI_NR_BARS && !hit; bar++) {
			uint64_t base = fn->bar_mapped[bar];

			if (base && addr >= base && addr - base < fn->bar_size[bar]) {
				hit = fn;
				hit_bar = bar;
				offset = addr - base;
			}
		}
	}
	pthread_mutex_unlock(&host->lock);
	if (hit)
		hit->ops->bar_access(hit, hit_bar, offset, data, len, is_write);
	else if (!is_write)
		memset(data, 0xff, len);	/* master abort */
}
