// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (Virtio 1.2, 5.1) on a tap. The tap speaks the same 12-byte
 * virtio_net_hdr (IFF_VNET_HDR), so packets move between the tap and the
 * guest's buffers with one readv or writev and no copy, offloads included:
 * checksum and TSO in both directions. Without MRG_RXBUF the driver posts
 * buffers big enough for any packet (5.1.6.3.1).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/le.h"
#include "core/log.h"
#include "virtio/net.h"

#define VIRTIO_NET_F_CSUM		0
#define VIRTIO_NET_F_GUEST_CSUM		1
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_GUEST_TSO4		7
#define VIRTIO_NET_F_GUEST_TSO6		8
#define VIRTIO_NET_F_GUEST_ECN		9
#define VIRTIO_NET_F_HOST_TSO4		11
#define VIRTIO_NET_F_HOST_TSO6		12
#define VIRTIO_NET_F_HOST_ECN		13
#define VIRTIO_NET_F_STATUS		16

#define VIRTIO_NET_S_LINK_UP		1
#define NET_HDR_SIZE			12	/* virtio_net_hdr_v1 */
#define NET_HDR_NUM_BUFFERS		10
#define RX_QUEUE			0
#define TX_QUEUE			1

/* The tap may hand the guest what the guest said it can take. */
static unsigned int wanted_offloads(const struct virtio_dev *dev)
{
	unsigned int off = 0;

	if (virtio_has_feature(dev, VIRTIO_NET_F_GUEST_CSUM)) {
		off |= TUN_F_CSUM;
		if (virtio_has_feature(dev, VIRTIO_NET_F_GUEST_TSO4))
			off |= TUN_F_TSO4;
		if (virtio_has_feature(dev, VIRTIO_NET_F_GUEST_TSO6))
			off |= TUN_F_TSO6;
		if (virtio_has_feature(dev, VIRTIO_NET_F_GUEST_ECN))
			off |= TUN_F_TSO_ECN;
	}
	return off;
}

static void set_rx_waiting(struct virtio_net *net, bool waiting)
{
	if (net->rx_waiting != waiting) {
		net->rx_waiting = waiting;
		net->rx_wait(net->opaque, net->tap_fd, waiting);
	}
}

/* Move packets from the tap into receive buffers, until either runs out. */
static void receive(struct virtio_net *net)
{
	struct virtio_dev *dev = &net->dev;
	struct vq_chain *c = &net->chain;
	bool pushed = false;

	if (!virtio_queue_live(dev, RX_QUEUE)) {
		set_rx_waiting(net, true);
		return;
	}
	if (net->offloads != wanted_offloads(dev)) {
		net->offloads = wanted_offloads(dev);
		if (ioctl(net->tap_fd, TUNSETOFFLOAD, net->offloads))
			pr_warn_ratelimited(&dev->warn_limit, "%s: TUNSETOFFLOAD on %s: %s", dev->name,
				net->ifname, strerror(errno));
	}
	for (;;) {
		uint16_t one = 1;
		ssize_t n;
		int ret = virtio_queue_pop(dev, RX_QUEUE, c);

		if (ret <= 0) {
			/* No buffers: wait for the driver's kick, not the tap. */
			set_rx_waiting(net, ret == 0);
			break;
		}
		if (c->in_len < NET_HDR_SIZE) {
			virtio_needs_reset(dev, "receive buffer smaller than the 12-byte header");
			break;
		}
		n = readv(net->tap_fd, c->iov + c->nr_out, c->nr_in);
		if (n < 0 && errno != EAGAIN)
			pr_debug("%s: reading %s: %s", dev->name, net->ifname,
				 strerror(errno));
		if (n < 0) {
			vq_unpop(&dev->queues[RX_QUEUE].vq);
			set_rx_waiting(net, false);
			break;
		}
		iov_copy_to(c->iov + c->nr_out, c->nr_in, NET_HDR_NUM_BUFFERS, &one, 2);
		vq_push(&dev->queues[RX_QUEUE].vq, c->head, n);
		pushed = true;
	}
	if (pushed)
		virtio_queue_done(dev, RX_QUEUE);
}

static void transmit(struct virtio_net *net)
{
	struct virtio_dev *dev = &net->dev;
	struct vq_chain *c = &net->chain;
	bool pushed = false;

	while (virtio_queue_pop(dev, TX_QUEUE, c) > 0) {
		/* A packet the tap refuses is dropped, as a wire would. */
		if (writev(net->tap_fd, c->iov, c->nr_out) < 0)
			pr_debug("%s: %s refused a packet: %s", dev->name,
				 net->ifname, strerror(errno));
		vq_push(&dev->queues[TX_QUEUE].vq, c->head, 0);
		pushed = true;
	}
	if (pushed)
		virtio_queue_done(dev, TX_QUEUE);
}

static void net_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_net *net = dev->priv;

	if (q == TX_QUEUE)
		transmit(net);
	else
		receive(net);
}

/* A snapshot's NIC that is not this one: its MAC address. */
static bool net_state_differs(struct virtio_dev *dev, uint64_t features, const uint8_t *config,
			      char *why, size_t why_len)
{
	const uint8_t *m = config;

	(void)features;
	if (!memcmp(config, dev->config, 6))
		return false;
	snprintf(why, why_len,
		 "%s: the snapshot's NIC had MAC %02x:%02x:%02x:%02x:%02x:%02x (give it with guest_mac=)",
		 dev->name, m[0], m[1], m[2], m[3], m[4], m[5]);
	return true;
}

static const struct virtio_device_ops net_ops = {
	.device_id = VIRTIO_ID_NET,
	.nr_queues = 2,
	.config_size = VIRTIO_NET_CONFIG_SIZE,
	.queue_notify = net_queue_notify,
	.state_differs = net_state_differs,
};

void virtio_net_tap_readable(struct virtio_net *net)
{
	pthread_mutex_lock(&net->dev.lock);
	virtio_queue_new_round(&net->dev, RX_QUEUE);
	receive(net);
	pthread_mutex_unlock(&net->dev.lock);
}

/* Give a tap lkvm created the host side's address, and bring it up. */
static int configure_tap(const char *ifname, uint32_t host_ip, bool set_addr)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ifr.ifr_addr;
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ret = 0;

	if (sock < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	sin->sin_family = AF_INET;
	if (set_addr) {
		sin->sin_addr.s_addr = htonl(host_ip);
		if (ioctl(sock, SIOCSIFADDR, &ifr))
			ret = -errno;
		sin->sin_addr.s_addr = htonl(0xffffff00);
		if (!ret && ioctl(sock, SIOCSIFNETMASK, &ifr))
			ret = -errno;
	}
	if (!ret && ioctl(sock, SIOCGIFFLAGS, &ifr))
		ret = -errno;
	ifr.ifr_flags |= IFF_UP;
	if (!ret && ioctl(sock, SIOCSIFFLAGS, &ifr))
		ret = -errno;
	close(sock);
	return ret;
}

/* The device's configuration and features, once it has a tap_fd. */
static int net_dev_init(struct virtio_net *net, const uint8_t mac[6],
			unsigned int index, const struct vq_guest_mem *mem)
{
	char name[24];
	uint64_t features;

	memcpy(net->config, mac, 6);
	put_le16(net->config + 6, VIRTIO_NET_S_LINK_UP);
	features = 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS |
		   1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_GUEST_CSUM |
		   1ull << VIRTIO_NET_F_HOST_TSO4 | 1ull << VIRTIO_NET_F_HOST_TSO6 |
		   1ull << VIRTIO_NET_F_HOST_ECN | 1ull << VIRTIO_NET_F_GUEST_TSO4 |
		   1ull << VIRTIO_NET_F_GUEST_TSO6 | 1ull << VIRTIO_NET_F_GUEST_ECN;
	snprintf(name, sizeof(name), "virtio-net%u", index);
	return virtio_dev_init(&net->dev, &net_ops, net, name, mem, features,
			       net->config);
}

int virtio_net_init(struct virtio_net *net, const struct net_config *nic,
		    unsigned int index, const struct vq_guest_mem *mem,
		    void (*rx_wait)(void *, int, bool), void *opaque)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr_size = NET_HDR_SIZE, ret;
	bool existed = nic->tapif[0] && if_nametoindex(nic->tapif);

	memset(net, 0, sizeof(*net));
	net->rx_wait = rx_wait;
	net->opaque = opaque;
	net->tap_fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (net->tap_fd < 0) {
		pr_err("--network mode=tap: cannot open /dev/net/tun: %s",
		       strerror(errno));
		return -errno;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", nic->tapif);
	if (ioctl(net->tap_fd, TUNSETIFF, &ifr)) {
		ret = -errno;
		pr_err("--network mode=tap: cannot %s tap%s%s: %s",
		       existed ? "attach to" : "create", nic->tapif[0] ? " " : "",
		       nic->tapif, strerror(-ret));
		return ret;
	}
	snprintf(net->ifname, sizeof(net->ifname), "%s", ifr.ifr_name);
	if (ioctl(net->tap_fd, TUNSETVNETHDRSZ, &hdr_size) ||
	    ioctl(net->tap_fd, TUNSETOFFLOAD, 0)) {
		ret = -errno;
		pr_err("--network mode=tap: %s lacks virtio-net headers: %s",
		       net->ifname, strerror(-ret));
		return ret;
	}
	ret = configure_tap(net->ifname, nic->host_ip, !existed);
	if (ret) {
		pr_err("--network mode=tap: cannot configure %s: %s", net->ifname,
		       strerror(-ret));
		return ret;
	}
	return net_dev_init(net, nic->guest_mac, index, mem);
}

/*
 * Not for lkvm itself, which always opens a tap: tests and fuzzers drive
 * the device over a socketpair end instead (one packet a read or write,
 * as a tap with IFF_VNET_HDR), without /dev/net/tun and root.
 */
int virtio_net_init_fd(struct virtio_net *net, int fd, const uint8_t mac[6],
		       unsigned int index, const struct vq_guest_mem *mem,
		       void (*rx_wait)(void *, int, bool), void *opaque)
{
	memset(net, 0, sizeof(*net));
	net->rx_wait = rx_wait;
	net->opaque = opaque;
	net->tap_fd = fd;
	snprintf(net->ifname, sizeof(net->ifname), "fd%d", fd);
	return net_dev_init(net, mac, index, mem);
}

void virtio_net_destroy(struct virtio_net *net)
{
	if (net->tap_fd >= 0)
		close(net->tap_fd);
	virtio_dev_destroy(&net->dev);
}
