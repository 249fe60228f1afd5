/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_PCI_H
#define LKVM_VIRTIO_PCI_H

#include "hw/pci.h"
#include "virtio/virtio.h"

/* One vector per queue and one for configuration changes. */
#define VIRTIO_PCI_MAX_VECTORS	(VIRTIO_MAX_QUEUES + 1)

/* BAR 0's layout: the virtio structures, the MSI-X table and its PBA. */
#define VPCI_COMMON_OFF		0x0000
#define VPCI_ISR_OFF		0x1000
#define VPCI_DEVICE_OFF		0x2000
#define VPCI_NOTIFY_OFF		0x3000
#define VPCI_NOTIFY_MULT	4
#define VPCI_MSIX_TABLE_OFF	0x4000
#define VPCI_MSIX_PBA_OFF	0x5000
#define VPCI_BAR_SIZE		0x8000

/* An MSI-X table entry's four 32-bit words (PCI 3.0, 6.8.2.6). */
enum { MSIX_ADDR_LO, MSIX_ADDR_HI, MSIX_DATA, MSIX_CTRL_WORD };

struct msix_entry {
	uint32_t word[4];
};

struct virtio_pci;

/* What the VMM does for a virtio-pci function (called under the device lock). */
struct virtio_pci_ops {
	/* MSI-X vector @v's message changed or was unmasked: route it. */
	void (*msix_route)(struct virtio_pci *vp, unsigned int v);
	/* BAR 0 moved to @addr (0: no decode): move the notify ioeventfds. */
	void (*notify_moved)(struct virtio_pci *vp, uint64_t old, uint64_t addr);
};

/* A modern (virtio 1.x only) virtio-pci function (Virtio 1.2, 4.1). */
struct virtio_pci {
	struct pci_function fn;
	struct virtio_dev *dev;
	const struct virtio_pci_ops *ops;
	void *opaque;
	bool has_msix;			/* offered: the host can deliver MSIs */
	unsigned int nr_vectors;
	struct msix_entry msix[VIRTIO_PCI_MAX_VECTORS];
	uint32_t msix_pending;		/* the PBA */
	int vector_fd[VIRTIO_PCI_MAX_VECTORS];	/* eventfds, irqfd-bound */
};

/*
 * Build the function's config space for @dev: IDs, class, BAR 0 and the
 * virtio capabilities, and an MSI-X capability when @vector_fds is not
 * NULL (one eventfd per vector). Does not plug it into a host.
 */
void virtio_pci_init(struct virtio_pci *vp, struct virtio_dev *dev,
		     const struct virtio_pci_ops *ops, void *opaque,
		     const int *vector_fds);

/* Is MSI-X enabled by the driver? */
bool virtio_pci_msix_enabled(const struct virtio_pci *vp);

#endif
