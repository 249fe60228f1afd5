// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-net (Virtio 1.2, 5.1) on a tap or on passt's stream.
 *
 * A tap speaks the same 12-byte virtio_net_hdr (IFF_VNET_HDR), so packets
 * move between it and the guest's buffers with one readv or writev and no
 * copy, offloads included: checksum and TSO in both directions.
 *
 * passt takes plain Ethernet frames in its framing (virtio/net_stream.h):
 * each is copied once, between the guest's buffers and lkvm's own. The
 * guest is offered no transmit offload, so what it sends is whole; it is
 * offered receive TSO all the same, which passt never uses, because only
 * then does Linux post receive buffers big enough for passt's 65520-byte
 * MTU (without MRG_RXBUF, 5.1.6.3.1).
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
#include <sys/epoll.h>
#include <sys/socket.h>
#include <stdlib.h>
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

/* Watch the backend for what the queues need of it: room for packets, a frame to finish. */
static void update_events(struct virtio_net *net, bool rx_waiting)
{
	uint32_t events = rx_waiting || net->gone ? 0 : EPOLLIN;

	if (net->stream && net_stream_tx_pending(net->stream) && !net->gone)
		events |= EPOLLOUT;
	if (net->events != events) {
		net->events = events;
		net->set_events(net->opaque, net->fd, events);
	}
}

/* The stream ended or broke: say so once, and stop watching it. */
static void stream_gone(struct virtio_net *net, const char *why)
{
	if (!net->gone)
		pr_warn("%s: %s; the guest's network is down", net->dev.name, why);
	net->gone = true;
	update_events(net, true);
}

/* The receive buffers, after the rings' own checks, must hold the header. */
static int pop_rx_chain(struct virtio_net *net)
{
	struct vq_chain *c = &net->chain;
	int ret = virtio_queue_pop(&net->dev, RX_QUEUE, c);

	if (ret > 0 && c->in_len < NET_HDR_SIZE) {
		virtio_needs_reset(&net->dev, "receive buffer smaller than the 12-byte header");
		return -EINVAL;
	}
	return ret;
}

/* Move packets from the tap into receive buffers, until either runs out. */
static bool receive_tap(struct virtio_net *net)
{
	struct virtio_dev *dev = &net->dev;
	struct vq_chain *c = &net->chain;
	bool pushed = false;

	if (net->offloads != wanted_offloads(dev)) {
		net->offloads = wanted_offloads(dev);
		if (ioctl(net->fd, TUNSETOFFLOAD, net->offloads))
			pr_warn_ratelimited(&dev->warn_limit, "%s: TUNSETOFFLOAD on %s: %s", dev->name,
				net->ifname, strerror(errno));
	}
	for (;;) {
		uint16_t one = 1;
		ssize_t n;
		int ret = pop_rx_chain(net);

		if (ret <= 0) {
			/* No buffers: wait for the driver's kick, not the tap. */
			update_events(net, ret == 0);
			break;
		}
		n = readv(net->fd, c->iov + c->nr_out, c->nr_in);
		if (n < 0 && errno != EAGAIN)
			pr_debug("%s: reading %s: %s", dev->name, net->ifname,
				 strerror(errno));
		if (n < 0) {
			vq_unpop(&dev->queues[RX_QUEUE].vq);
			update_events(net, false);
			break;
		}
		iov_copy_to(c->iov + c->nr_out, c->nr_in, NET_HDR_NUM_BUFFERS, &one, 2);
		vq_push(&dev->queues[RX_QUEUE].vq, c->head, n);
		pushed = true;
	}
	return pushed;
}

/* The next whole frame passt sent, reading for it: 1, 0 (none yet) or < 0. */
static int next_frame(struct virtio_net *net, const uint8_t **frame, size_t *len)
{
	int ret;

	while ((ret = net_stream_peek(net->stream, frame, len)) == 0) {
		ssize_t n = net_stream_read(net->stream, net->fd);

		if (n == -EAGAIN || n == -EINTR)
			return 0;
		if (n <= 0) {
			stream_gone(net, n ? "reading from passt failed" : "passt closed its end");
			return -EPIPE;
		}
	}
	if (ret < 0)
		stream_gone(net, "passt sent a frame of a length no frame has");
	return ret;
}

/* Frames from passt into receive buffers, each after a header that says nothing. */
static bool receive_stream(struct virtio_net *net)
{
	struct virtio_dev *dev = &net->dev;
	struct vq_chain *c = &net->chain;
	uint8_t hdr[NET_HDR_SIZE] = { 0 };
	bool pushed = false;

	hdr[NET_HDR_NUM_BUFFERS] = 1;
	while (!net->gone) {
		const uint8_t *frame;
		size_t len;
		int ret = next_frame(net, &frame, &len);

		if (ret <= 0) {
			update_events(net, false);
			break;
		}
		ret = pop_rx_chain(net);
		if (ret <= 0) {
			update_events(net, ret == 0);
			break;
		}
		if (c->in_len - NET_HDR_SIZE < len) {
			pr_warn_ratelimited(&dev->warn_limit,
					    "%s: a %zu-byte frame does not fit the guest's %u-byte receive buffer; dropped",
					    dev->name, len, c->in_len - NET_HDR_SIZE);
			vq_unpop(&dev->queues[RX_QUEUE].vq);
			net->rx_dropped++;
		} else {
			iov_copy_to(c->iov + c->nr_out, c->nr_in, 0, hdr, sizeof(hdr));
			iov_copy_to(c->iov + c->nr_out, c->nr_in, NET_HDR_SIZE, frame, len);
			vq_push(&dev->queues[RX_QUEUE].vq, c->head, NET_HDR_SIZE + len);
			pushed = true;
		}
		net_stream_consume(net->stream);
	}
	return pushed;
}

static void receive(struct virtio_net *net)
{
	bool pushed;

	if (!virtio_queue_live(&net->dev, RX_QUEUE)) {
		update_events(net, true);
		return;
	}
	pushed = net->backend == NET_BACKEND_TAP ? receive_tap(net) : receive_stream(net);
	if (pushed)
		virtio_queue_done(&net->dev, RX_QUEUE);
}

/* A packet the tap refuses is dropped, as a wire would. */
static void transmit_tap(struct virtio_net *net, const struct vq_chain *c)
{
	if (writev(net->fd, c->iov, c->nr_out) < 0)
		pr_debug("%s: %s refused a packet: %s", net->dev.name, net->ifname,
			 strerror(errno));
}

/*
 * One packet into lkvm's buffer, then to passt: false while passt has not
 * taken all of it (the queue waits for the socket). The guest was offered
 * no offload, so a header asking for one is refused with its packet.
 */
static bool transmit_stream(struct virtio_net *net, const struct vq_chain *c)
{
	struct virtio_dev *dev = &net->dev;
	uint8_t hdr[NET_HDR_SIZE];
	size_t len = c->out_len - NET_HDR_SIZE;
	const char *bad = NULL;
	int ret;

	if (net->gone)
		return true;
	if (c->out_len < NET_HDR_SIZE + NET_FRAME_MIN || len > NET_FRAME_MAX)
		bad = "a packet shorter than an Ethernet header or longer than 65535 bytes";
	else if (iov_copy_from(c->iov, c->nr_out, 0, hdr, sizeof(hdr)) != sizeof(hdr) ||
		 hdr[0] || hdr[1])
		bad = "a packet asking for an offload it was not offered";
	if (bad) {
		pr_warn_ratelimited(&dev->warn_limit, "%s: the guest sent %s; dropped", dev->name, bad);
		return true;
	}
	iov_copy_from(c->iov, c->nr_out, NET_HDR_SIZE, net_stream_tx_frame(net->stream, len), len);
	ret = net_stream_flush(net->stream, net->fd);
	if (ret == -EAGAIN)
		return false;
	if (ret)
		stream_gone(net, "writing to passt failed");
	return true;
}

static void transmit(struct virtio_net *net)
{
	struct virtio_dev *dev = &net->dev;
	struct vq_chain *c = &net->chain;
	bool pushed = false, sent = true;

	if (net->stream && net_stream_tx_pending(net->stream))
		return;		/* the socket's room comes first */
	while (sent && virtio_queue_pop(dev, TX_QUEUE, c) > 0) {
		if (net->backend == NET_BACKEND_TAP)
			transmit_tap(net, c);
		else
			sent = transmit_stream(net, c);
		vq_push(&dev->queues[TX_QUEUE].vq, c->head, 0);
		pushed = true;
	}
	if (!sent)
		update_events(net, net->events & EPOLLIN ? false : true);
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

void virtio_net_backend_readable(struct virtio_net *net)
{
	pthread_mutex_lock(&net->dev.lock);
	virtio_queue_new_round(&net->dev, RX_QUEUE);
	receive(net);
	pthread_mutex_unlock(&net->dev.lock);
}

void virtio_net_backend_writable(struct virtio_net *net)
{
	int ret;

	pthread_mutex_lock(&net->dev.lock);
	if (net->stream && net_stream_tx_pending(net->stream) && !net->gone) {
		ret = net_stream_flush(net->stream, net->fd);
		if (ret && ret != -EAGAIN)
			stream_gone(net, "writing to passt failed");
		if (!net_stream_tx_pending(net->stream)) {
			update_events(net, !(net->events & EPOLLIN));
			virtio_queue_new_round(&net->dev, TX_QUEUE);
			transmit(net);
		}
	}
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

/* The device's configuration and features, once it has its backend. */
static int net_dev_init(struct virtio_net *net, const uint8_t mac[6],
			unsigned int index, const struct vq_guest_mem *mem)
{
	char name[24];
	uint64_t features;

	memcpy(net->config, mac, 6);
	put_le16(net->config + 6, VIRTIO_NET_S_LINK_UP);
	features = 1ull << VIRTIO_NET_F_MAC | 1ull << VIRTIO_NET_F_STATUS |
		   1ull << VIRTIO_NET_F_GUEST_CSUM | 1ull << VIRTIO_NET_F_GUEST_TSO4 |
		   1ull << VIRTIO_NET_F_GUEST_TSO6;
	if (net->backend == NET_BACKEND_TAP)
		features |= 1ull << VIRTIO_NET_F_CSUM | 1ull << VIRTIO_NET_F_HOST_TSO4 |
			    1ull << VIRTIO_NET_F_HOST_TSO6 | 1ull << VIRTIO_NET_F_HOST_ECN |
			    1ull << VIRTIO_NET_F_GUEST_ECN;
	/* Watched for reading from the start (arm64/devices.c). */
	net->events = EPOLLIN;
	snprintf(name, sizeof(name), "virtio-net%u", index);
	return virtio_dev_init(&net->dev, &net_ops, net, name, mem, features,
			       net->config);
}

int virtio_net_init(struct virtio_net *net, const struct net_config *nic,
		    unsigned int index, const struct vq_guest_mem *mem,
		    void (*set_events)(void *, int, uint32_t), void *opaque)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR };
	int hdr_size = NET_HDR_SIZE, ret;
	bool existed = nic->tapif[0] && if_nametoindex(nic->tapif);

	memset(net, 0, sizeof(*net));
	net->backend = NET_BACKEND_TAP;
	net->set_events = set_events;
	net->opaque = opaque;
	net->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (net->fd < 0) {
		pr_err("--network mode=tap: cannot open /dev/net/tun: %s",
		       strerror(errno));
		return -errno;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", nic->tapif);
	if (ioctl(net->fd, TUNSETIFF, &ifr)) {
		ret = -errno;
		pr_err("--network mode=tap: cannot %s tap%s%s: %s",
		       existed ? "attach to" : "create", nic->tapif[0] ? " " : "",
		       nic->tapif, strerror(-ret));
		return ret;
	}
	snprintf(net->ifname, sizeof(net->ifname), "%s", ifr.ifr_name);
	if (ioctl(net->fd, TUNSETVNETHDRSZ, &hdr_size) ||
	    ioctl(net->fd, TUNSETOFFLOAD, 0)) {
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

int virtio_net_init_fd(struct virtio_net *net, enum net_backend backend, int fd,
		       const uint8_t mac[6], unsigned int index, const struct vq_guest_mem *mem,
		       void (*set_events)(void *, int, uint32_t), void *opaque)
{
	memset(net, 0, sizeof(*net));
	net->backend = backend;
	net->set_events = set_events;
	net->opaque = opaque;
	net->fd = fd;
	if (backend == NET_BACKEND_STREAM) {
		net->stream = malloc(sizeof(*net->stream));
		if (!net->stream)
			return -ENOMEM;
		net_stream_init(net->stream);
		snprintf(net->ifname, sizeof(net->ifname), "passt");
	} else {
		snprintf(net->ifname, sizeof(net->ifname), "fd%d", fd);
	}
	return net_dev_init(net, mac, index, mem);
}

void virtio_net_destroy(struct virtio_net *net)
{
	if (net->fd >= 0)
		close(net->fd);
	net->fd = -1;
	free(net->stream);
	net->stream = NULL;
	virtio_dev_destroy(&net->dev);
}
