/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_PCI_H
#define LKVM_HW_PCI_H

/*
 * A PCI host bridge with an ECAM window (PCIe 6.0, 7.2.2), bus 0 only, in
 * the DT as pci-host-ecam-generic. Functions are conventional type-0
 * headers with 32-bit memory BARs; the guest (or its firmware) places the
 * BARs in the host's MMIO window and the bridge routes accesses there.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/le.h"

#define PCI_MAX_SLOTS		32
#define PCI_NR_BARS		6

#define PCI_VENDOR_ID		0x00
#define PCI_DEVICE_ID		0x02
#define PCI_COMMAND		0x04
#define  PCI_COMMAND_MEMORY	0x0002
#define  PCI_COMMAND_MASTER	0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS		0x06
#define  PCI_STATUS_CAP_LIST	0x0010
#define PCI_REVISION_ID		0x08
#define PCI_CLASS_PROG		0x09
#define PCI_HEADER_TYPE		0x0e
#define PCI_BAR0		0x10
#define PCI_SUBSYSTEM_VENDOR_ID	0x2c
#define PCI_SUBSYSTEM_ID	0x2e
#define PCI_CAPABILITY_LIST	0x34
#define PCI_INTERRUPT_LINE	0x3c
#define PCI_INTERRUPT_PIN	0x3d
#define PCI_CFG_SIZE		256

struct pci_function;

struct pci_function_ops {
	/* An access inside BAR @bar at @offset (any thread, no bridge lock). */
	void (*bar_access)(struct pci_function *fn, int bar, uint64_t offset,
			   uint8_t *data, uint32_t len, bool is_write);
	/* Optional: the guest wrote config bytes [@offset, +@len) (bridge lock held). */
	void (*config_written)(struct pci_function *fn, uint32_t offset, uint32_t len);
	/* Optional: refresh config bytes [@offset, +@len) before a read. */
	void (*config_read)(struct pci_function *fn, uint32_t offset, uint32_t len);
	/* Optional: BAR @bar now decodes at @addr (0: nowhere), was @old. */
	void (*bar_moved)(struct pci_function *fn, int bar, uint64_t old, uint64_t addr);
};

struct pci_function {
	uint8_t cfg[PCI_CFG_SIZE];	/* little-endian, as the guest reads it */
	uint8_t wmask[PCI_CFG_SIZE];	/* the bits the guest may write */
	uint32_t bar_size[PCI_NR_BARS];	/* power of two; 0: no such BAR */
	uint64_t bar_mapped[PCI_NR_BARS];	/* where it decodes now, 0: nowhere */
	const struct pci_function_ops *ops;
	struct pci_host *host;
	unsigned int slot;
	bool intx;			/* asserting INTA */
};

struct pci_host {
	pthread_mutex_t lock;
	struct pci_function *slots[PCI_MAX_SLOTS];
	uint64_t mmio_base, mmio_size;	/* the window BARs may use */
	/*
	 * Apart from @lock: a device raises INTx under its own lock, which
	 * config accesses take inside @lock.
	 */
	pthread_mutex_t intx_lock;
	unsigned int intx_count[4];	/* functions asserting each line */
	/* Set legacy interrupt line @line (0-3: INTA-INTD after swizzling). */
	void (*set_intx)(void *opaque, unsigned int line, bool level);
	void *opaque;
};

void pci_host_init(struct pci_host *host, uint64_t mmio_base, uint64_t mmio_size,
		   void (*set_intx)(void *, unsigned int, bool), void *opaque);
void pci_host_destroy(struct pci_host *host);

/*
 * Prepare a type-0 header: IDs, class, INTA, and no BARs yet. The caller
 * then adds BARs and capabilities. pci_host_add() plugs it into the first
 * free slot and returns the slot, or -ENOSPC.
 */
void pci_function_init(struct pci_function *fn, const struct pci_function_ops *ops,
		       uint16_t vendor, uint16_t device, uint32_t class_code,
		       uint8_t revision, uint16_t subsys_vendor, uint16_t subsys_id);
void pci_function_add_bar(struct pci_function *fn, int bar, uint32_t size);
int pci_host_add(struct pci_host *host, struct pci_function *fn);

/* The legacy interrupt line (0-3) of a slot's INTA. */
static inline unsigned int pci_intx_line(unsigned int slot)
{
	return slot % 4;
}

/*
 * A snapshot's copy of @fn's config space, taken back: -EINVAL unless its
 * read-only bytes and bits are @fn's (the same function); then the BARs
 * decode where it says, and bar_moved() tells @fn.
 */
int pci_function_load_config(struct pci_function *fn, const uint8_t *cfg);

/* Assert or deassert @fn's INTA; lines shared by several slots are ORed. */
void pci_set_intx(struct pci_function *fn, bool level);

/* MMIO handlers: the ECAM window, and the BAR window at mmio_base. */
void pci_ecam_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		     bool is_write);
void pci_mmio_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		     bool is_write);

#endif
