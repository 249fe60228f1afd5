/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_VSOCK_H
#define LKVM_VIRTIO_VSOCK_H

/*
 * virtio-vsock (Virtio 1.2, 5.10) served by the host kernel's vhost-vsock:
 * the kernel moves the packets of the receive and transmit queues through
 * guest RAM itself, kicked by the queues' notify eventfds. lkvm keeps the
 * event queue (it sends no events) and relays vhost's "used buffers"
 * eventfds to the transport's interrupt, so that one path serves MSI-X,
 * INTx and virtio-mmio alike.
 */
#include <stdint.h>

#include "virtio/virtio.h"

#define VIRTIO_VSOCK_CONFIG_SIZE	8	/* le64 guest_cid */

/* How vhost is spoken to: ioctl(2), or a stand-in in tests and fuzzers. */
typedef int (*vhost_ioctl_fn)(int fd, unsigned long request, void *arg);

struct virtio_vsock {
	struct virtio_dev dev;
	int vhost_fd;
	vhost_ioctl_fn vhost_ioctl;
	int call_fds[2];		/* vhost used rx, tx buffers */
	uint64_t vhost_features;
	bool running;
	uint8_t config[VIRTIO_VSOCK_CONFIG_SIZE];
};

/*
 * Open /dev/vhost-vsock (or @dev_path) for a guest of context @cid over
 * @mem: 0, or -errno with a one-line reason in @why (a CID another VM
 * holds: -EADDRINUSE).
 */
int virtio_vsock_init(struct virtio_vsock *vs, const char *dev_path, uint64_t cid,
		      const struct vq_guest_mem *mem, char *why, size_t why_len);
/* The same on an open @vhost_fd (the device's to close), spoken to by @fn. */
int virtio_vsock_init_fd(struct virtio_vsock *vs, int vhost_fd, vhost_ioctl_fn fn, uint64_t cid,
			 const struct vq_guest_mem *mem, char *why, size_t why_len);
void virtio_vsock_destroy(struct virtio_vsock *vs);

/* vhost signalled used buffers on queue @q (0 or 1): I/O thread. */
void virtio_vsock_used(struct virtio_vsock *vs, unsigned int q);

#endif
