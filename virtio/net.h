/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_NET_H
#define LKVM_VIRTIO_NET_H

#include "core/options.h"
#include "virtio/virtio.h"

#define VIRTIO_NET_CONFIG_SIZE	8	/* mac, status */

/* virtio-net on a host tap device (Virtio 1.2, 5.1). */
struct virtio_net {
	struct virtio_dev dev;
	int tap_fd;
	char ifname[16];
	unsigned int offloads;		/* TUN_F_* set on the tap */
	/* Stop (true) or resume (false) watching tap @fd: I/O thread. */
	void (*rx_wait)(void *opaque, int fd, bool waiting);
	void *opaque;
	bool rx_waiting;
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
		    void (*rx_wait)(void *, int, bool), void *opaque);
/*
 * The same device on an open non-blocking @fd that moves one packet, with
 * its virtio_net_hdr, per read or write: a socketpair end in tests and
 * fuzzers (lkvm itself opens the tap above). @fd is the device's to close.
 */
int virtio_net_init_fd(struct virtio_net *net, int fd, const uint8_t mac[6],
		       unsigned int index, const struct vq_guest_mem *mem,
		       void (*rx_wait)(void *, int, bool), void *opaque);
void virtio_net_destroy(struct virtio_net *net);

/* The tap has packets: give them to the guest (I/O thread). */
void virtio_net_tap_readable(struct virtio_net *net);

#endif
