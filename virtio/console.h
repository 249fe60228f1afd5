/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_CONSOLE_H
#define LKVM_VIRTIO_CONSOLE_H

#include <stddef.h>

#include "virtio/virtio.h"

#define VIRTIO_CONSOLE_CONFIG_SIZE	12
#define VIRTIO_CONSOLE_PENDING		512

/* virtio-console with one port, the guest's hvc0 (Virtio 1.2, 5.3). */
struct virtio_console {
	struct virtio_dev dev;
	/* The guest's output (I/O or vCPU thread); must not block. */
	void (*transmit)(void *opaque, const uint8_t *buf, size_t len);
	/* Input the guest has no buffers for yet, delivered in order. */
	uint8_t pending[VIRTIO_CONSOLE_PENDING];
	size_t pending_len;
	/* The pending input is all delivered: read more (I/O thread). */
	void (*input_drained)(void *opaque);
	void *opaque;
	uint8_t config[VIRTIO_CONSOLE_CONFIG_SIZE];
	struct vq_chain chain;
};

int virtio_console_init(struct virtio_console *con, const struct vq_guest_mem *mem,
			void (*transmit)(void *, const uint8_t *, size_t),
			void (*input_drained)(void *), void *opaque);

/* Input bytes the console can hold now, in the guest's buffers or pending. */
size_t virtio_console_rx_space(struct virtio_console *con);

/*
 * Input for the guest, on the I/O thread. Takes as much as there is room
 * for (virtio_console_rx_space()) and returns how much that was; once it
 * is full, input_drained() says when all of it has reached the guest.
 */
size_t virtio_console_input(struct virtio_console *con, const uint8_t *buf,
			    size_t len);

#endif
