/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_VIRTIO_PCI_FIXTURE_H
#define LKVM_TESTS_UNIT_VIRTIO_PCI_FIXTURE_H

/*
 * What the virtio unit tests share: a small guest RAM and its layout, and
 * a virtio-rng on virtio-pci behind its own ECAM bridge, driven as a
 * driver would (Virtio 1.2 4.1 offsets written out), with the bridge's
 * and the function's callbacks recorded.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/le.h"
#include "hw/pci.h"
#include "tests/unit/helpers.h"
#include "virtio/pci.h"
#include "virtio/rng.h"

#define GPA		0x40000000ull
#define MEM_SIZE	0x10000
#define DESC		(GPA + 0x0000)
#define AVAIL		(GPA + 0x1000)
#define USED		(GPA + 0x2000)
#define BUF		(GPA + 0x8000)
#define QSIZE		8
#define MMIO_WIN	0x10000000ull
#define BAR_ADDR	0x10100000ull

/* How many times an eventfd was signalled since the last look. */
static inline uint64_t signals(int fd)
{
	eventfd_t v = 0;

	return eventfd_read(fd, &v) ? 0 : v;
}

struct pci_fixture {
	struct vq_guest_mem mem;
	bool own_mem;
	struct virtio_rng rng;
	struct virtio_pci vp;
	struct pci_host host;
	int vector_fds[VIRTIO_PCI_MAX_VECTORS];
	int intx_level[4];
	uint64_t notify_at;
	unsigned int routes;
};

static inline void set_intx(void *opaque, unsigned int line, bool level)
{
	struct pci_fixture *f = opaque;

	f->intx_level[line] = level;
}

static inline void msix_route(struct virtio_pci *vp, unsigned int v)
{
	struct pci_fixture *f = vp->opaque;

	(void)v;
	f->routes++;
}

static inline void notify_moved(struct virtio_pci *vp, uint64_t old, uint64_t addr)
{
	struct pci_fixture *f = vp->opaque;

	(void)old;
	f->notify_at = addr;
}

static const struct virtio_pci_ops test_vpci_ops = {
	.msix_route = msix_route,
	.notify_moved = notify_moved,
};

static inline uint32_t cfg_read(struct pci_fixture *f, unsigned int slot, uint32_t reg,
				uint32_t len)
{
	uint8_t d[4] = { 0 };

	pci_ecam_access(&f->host, slot << 15 | reg, d, len, false);
	return get_le32(d);
}

static inline void cfg_write(struct pci_fixture *f, uint32_t reg, uint32_t len, uint32_t v)
{
	uint8_t d[4];

	put_le32(d, v);
	pci_ecam_access(&f->host, reg, d, len, true);
}

static inline uint32_t bar_read(struct pci_fixture *f, uint64_t off, uint32_t len)
{
	uint8_t d[8] = { 0 };

	pci_mmio_access(&f->host, BAR_ADDR - MMIO_WIN + off, d, len, false);
	return get_le32(d);
}

static inline void bar_write(struct pci_fixture *f, uint64_t off, uint32_t len, uint32_t v)
{
	uint8_t d[8] = { 0 };

	put_le32(d, v);
	pci_mmio_access(&f->host, BAR_ADDR - MMIO_WIN + off, d, len, true);
}

/* The function, with MSI-X or INTx only, over @ram (NULL: RAM of its own). */
static inline struct pci_fixture *pci_setup_on(bool msix, uint8_t *ram)
{
	struct pci_fixture *f = calloc(1, sizeof(*f));

	f->own_mem = !ram;
	if (!ram) {
		ram = aligned_alloc(4096, MEM_SIZE);
		memset(ram, 0, MEM_SIZE);
	}
	f->mem = (struct vq_guest_mem){ GPA, MEM_SIZE, ram };
	for (int v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++)
		f->vector_fds[v] = eventfd(0, EFD_NONBLOCK);
	assert_int_equal(virtio_rng_init(&f->rng, &f->mem), 0);
	pci_host_init(&f->host, MMIO_WIN, 0x1000000, set_intx, f);
	virtio_pci_init(&f->vp, &f->rng.dev, &test_vpci_ops, f,
			msix ? f->vector_fds : NULL);
	assert_int_equal(pci_host_add(&f->host, &f->vp.fn), 0);
	return f;
}

static inline struct pci_fixture *pci_setup(bool msix)
{
	return pci_setup_on(msix, NULL);
}

static inline void pci_teardown(struct pci_fixture *f)
{
	virtio_dev_destroy(&f->rng.dev);
	for (int v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++)
		close(f->vector_fds[v]);
	pci_host_destroy(&f->host);
	if (f->own_mem)
		free(f->mem.host);
	free(f);
}

/* BAR 0 placed, VERSION_1 negotiated, queue 0 set up but not enabled. */
static inline void pci_driver_init(struct pci_fixture *f)
{
	cfg_write(f, 0x10, 4, BAR_ADDR);
	cfg_write(f, 0x04, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	bar_write(f, 0x14, 1, 1 | 2);
	bar_write(f, 0x08, 4, 1);
	bar_write(f, 0x0c, 4, 1);		/* VERSION_1 */
	bar_write(f, 0x14, 1, 1 | 2 | 8);
	assert_int_equal(bar_read(f, 0x14, 1), 1 | 2 | 8);
	bar_write(f, 0x16, 2, 0);
	bar_write(f, 0x18, 2, QSIZE);
	bar_write(f, 0x20, 4, (uint32_t)DESC);
	bar_write(f, 0x24, 4, DESC >> 32);
	bar_write(f, 0x28, 4, (uint32_t)AVAIL);
	bar_write(f, 0x2c, 4, AVAIL >> 32);
	bar_write(f, 0x30, 4, (uint32_t)USED);
	bar_write(f, 0x34, 4, USED >> 32);
}

/*
 * One writable buffer made available, and (with event-idx) an interrupt
 * asked for once it is used.
 */
static inline void pci_make_available(struct pci_fixture *f)
{
	uint8_t *desc = f->mem.host + (DESC - GPA), *avail = f->mem.host + (AVAIL - GPA);
	uint16_t idx = get_le16(avail + 2);

	put_le64(desc, BUF);
	put_le32(desc + 8, 16);
	put_le16(desc + 12, 2);
	put_le16(avail + 4 + 2 * (idx % QSIZE), 0);
	put_le16(avail + 2, idx + 1);
	put_le16(avail + 4 + 2 * QSIZE, idx);
}

/* The I/O thread's turn for queue 0. */
static inline void pci_serve(struct pci_fixture *f)
{
	struct virtio_dev *dev = &f->rng.dev;

	pthread_mutex_lock(&dev->lock);
	virtio_queue_notify(dev, 0);
	pthread_mutex_unlock(&dev->lock);
}

/* One buffer made available and kicked, then served. */
static inline void run_request(struct pci_fixture *f)
{
	pci_make_available(f);
	bar_write(f, VPCI_NOTIFY_OFF, 2, 0);
	assert_int_equal(signals(f->rng.dev.queues[0].notify_fd), 1);
	pci_serve(f);
}

#endif
