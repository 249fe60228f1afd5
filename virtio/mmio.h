/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_MMIO_H
#define LKVM_VIRTIO_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include "virtio/virtio.h"

#define VIRTIO_MMIO_SIZE		0x200
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050

/* A virtio-mmio (version 2) window onto a device (Virtio 1.2, 4.2). */
struct virtio_mmio {
	struct virtio_dev *dev;
	int irq_fd;		/* eventfd: one edge on the device's SPI */
};

/* Attach @dev; the device's interrupt becomes a write to @irq_fd. */
void virtio_mmio_init(struct virtio_mmio *m, struct virtio_dev *dev, int irq_fd);

/* An access to the window at @offset (an mmio_handler_fn; any thread). */
void virtio_mmio_access(void *opaque, uint64_t offset, uint8_t *data,
			uint32_t len, bool is_write);

#endif
