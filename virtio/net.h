/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_NET_H
#define LKVM_VIRTIO_NET_H

#include "core/options.h"
#include "virtio/net_stream.h"
#include "virtio/virtio.h"

#define VIRTIO_NET_CONFIG_SIZE	8	/* mac, status */

/* Where the packets go. */
enum net_backend {
	NET_BACKEND_TAP,	/* one packet, with its virtio_net_hdr, a read or write */
	NET_BACKEND_STREAM,	/* passt's framing (virtio/net_stream.h) */
};

/* virtio-net (Virtio 1.2, 5.1) on a tap or on passt's stream. */
struct virtio_net {
	struct virtio_dev dev;
	enum net_backend backend;
	int fd;
	char ifname[16];		/* the tap's, or "passt" */
	unsigned int offloads;		/* TUN_F_* set on the tap */
	struct net_stream *stream;	/* NET_BACKEND_STREAM */
	bool gone;			/* the stream ended or broke */
	uint64_t rx_dropped;		/* frames too big for the guest's buffer */
	/*
	 * Wait for @events (EPOLLIN, EPOLLOUT) on @fd, and for nothing else:
	 * the I/O thread's watch.
	 */
	void (*set_events)(void *opaque, int fd, uint32_t events);
	void *opaque;
	uint32_t events;
	uint8_t config[VIRTIO_NET_CONFIG_SIZE];
	struct vq_chain chain;
};

/*
 * Open or create the tap @nic names (a tap lkvm creates gets host_ip/24
 * and is brought up). Returns 0, or a negative errno with the reason
 * printed, naming the option.
 */
int virtio_net_init(struct virtio_net *net, const struct net_config *nic,
		    unsigned int index, const struct vq_guest_mem *mem,
		    void (*set_events)(void *, int, uint32_t), void *opaque);
/*
 * The same device on an open non-blocking @fd of either backend: a
 * connected passt for NET_BACKEND_STREAM, and in tests and fuzzers a
 * socketpair end for either. @fd is the device's to close.
 */
int virtio_net_init_fd(struct virtio_net *net, enum net_backend backend, int fd,
		       const uint8_t mac[6], unsigned int index, const struct vq_guest_mem *mem,
		       void (*set_events)(void *, int, uint32_t), void *opaque);
void virtio_net_destroy(struct virtio_net *net);

/*
 * The backend's fd has packets for the guest, or room again for the frame
 * the stream took in part: move packets (I/O thread).
 */
void virtio_net_backend_readable(struct virtio_net *net);
void virtio_net_backend_writable(struct virtio_net *net);

#endif
