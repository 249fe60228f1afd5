// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio device models against a hostile driver: requests and rings
 * written here byte by byte, over guest RAM that is a heap allocation of
 * exactly its size, so AddressSanitizer sees any byte a device writes
 * outside it. The transport is a recorder of interrupts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/le.h"
#include "tests/unit/helpers.h"
#include "virtio/balloon.h"
#include "virtio/blk.h"
#include "virtio/console.h"
#include "virtio/net.h"
#include "virtio/rng.h"

#define GPA		0x40000000ull
#define MEM_SIZE	0x40000	/* room for three 64 KiB frames */
#define DESC		(GPA + 0x0000)
#define AVAIL		(GPA + 0x1000)
#define USED		(GPA + 0x2000)
#define BUF		(GPA + 0x4000)
#define QSIZE		8

struct fixture {
	struct vq_guest_mem mem;
	unsigned int interrupts;
	unsigned int drained;
	char disk[32];
	union {
		struct virtio_blk blk;
		struct virtio_rng rng;
		struct virtio_console con;
		struct virtio_net net;
		struct virtio_balloon balloon;
	};
	uint8_t *discarded[8];	/* the balloon's, in order */
	size_t discarded_len[8];
	unsigned int nr_discarded;
	int peer;		/* passt's end of the stream */
	uint32_t events;	/* what the NIC last asked to wait for */
};

static uint8_t *at(struct fixture *f, uint64_t gpa)
{
	return f->mem.host + (gpa - GPA);
}

static void record_interrupt(struct virtio_dev *dev, int q)
{
	struct fixture *f = dev->transport_data;

	f->interrupts++;
}

static const struct virtio_transport_ops recorder = { .interrupt = record_interrupt };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->mem = (struct vq_guest_mem){ GPA, MEM_SIZE, malloc(MEM_SIZE) };
	memset(f->mem.host, 0, MEM_SIZE);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->mem.host);
	if (f->disk[0])
		unlink(f->disk);
	free(f);
	return 0;
}

/*
 * 3.1.1 up to DRIVER_OK with the device-specific features @lo, each of the
 * device's queues QSIZE long.
 */
static void driver_ok_features(struct fixture *f, struct virtio_dev *dev, uint32_t lo)
{
	dev->transport = &recorder;
	dev->transport_data = f;
	virtio_write_status(dev, 1 | 2);
	virtio_write_driver_features(dev, lo);
	dev->driver_features_sel = 1;
	virtio_write_driver_features(dev, 1);		/* VERSION_1 */
	virtio_write_status(dev, 1 | 2 | 8);
	assert_int_equal(dev->status, 1 | 2 | 8);
	for (unsigned int q = 0; q < dev->ops->nr_queues; q++) {
		struct virtio_queue *vq = &dev->queues[q];

		vq->size = QSIZE;
		vq->desc = DESC + q * 0x400;
		vq->driver = AVAIL + q * 0x400;
		vq->device = USED + q * 0x400;
		virtio_enable_queue(dev, q);
		assert_true(vq->ready);
	}
	virtio_write_status(dev, 1 | 2 | 4 | 8);
	/* DRIVER_OK notifies each queue once, for buffers made ready before. */
	for (unsigned int q = 0; q < dev->ops->nr_queues; q++) {
		eventfd_t v;

		assert_int_equal(eventfd_read(dev->queues[q].notify_fd, &v), 0);
	}
}

static void driver_ok(struct fixture *f, struct virtio_dev *dev)
{
	driver_ok_features(f, dev, 0);
}

static void put_desc(struct fixture *f, unsigned int q, unsigned int i,
		     uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = at(f, DESC + q * 0x400 + 16 * i);

	put_le64(d, addr);
	put_le32(d + 8, len);
	put_le16(d + 12, flags);
	put_le16(d + 14, next);
}

/* Make the chain at @head available as the ring's entry @idx. */
static void make_available(struct fixture *f, unsigned int q, uint16_t idx,
			   uint16_t head)
{
	put_le16(at(f, AVAIL + q * 0x400 + 4 + 2 * (idx % QSIZE)), head);
	put_le16(at(f, AVAIL + q * 0x400 + 2), idx + 1);
}

static uint16_t used_idx(struct fixture *f, unsigned int q)
{
	return get_le16(at(f, USED + q * 0x400 + 2));
}

static struct virtio_blk *blk_ready(struct fixture *f)
{
	struct disk_config disk = { 0 };
	int fd;

	strcpy(f->disk, "/tmp/lkvm-test-blk-XXXXXX");
	fd = mkstemp(f->disk);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
	disk.path = f->disk;
	disk.path_len = strlen(f->disk);
	assert_int_equal(virtio_blk_init(&f->blk, &disk, 0, &f->mem), 0);
	driver_ok(f, &f->blk.dev);
	return &f->blk;
}

/* A header, then one writable segment at @status of @len bytes. */
static void blk_request(struct fixture *f, uint32_t type, uint64_t status,
			uint32_t len)
{
	put_le32(at(f, BUF), type);
	put_le64(at(f, BUF + 8), 0);
	put_desc(f, 0, 0, BUF, 16, 1, 1);
	put_desc(f, 0, 1, status, len, 2, 0);
	make_available(f, 0, 0, 0);
}

/*
 * The status byte is the last of the last writable segment: an empty
 * one has none. Its length went from 0 to SIZE_MAX, and the status or
 * a GET_ID's serial landed just outside guest RAM.
 */
static void test_blk_empty_status_at_ram_end(void **state)
{
	struct fixture *f = *state;
	struct virtio_blk *blk = blk_ready(f);

	blk_request(f, 8 /* GET_ID */, GPA + MEM_SIZE, 0);
	virtio_queue_notify(&blk->dev, 0);
	assert_true(blk->dev.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(f, 0), 0);
	assert_int_equal(f->interrupts, 1);	/* the configuration change */
	virtio_blk_destroy(blk);
}

static void test_blk_empty_status_at_ram_start(void **state)
{
	struct fixture *f = *state;
	struct virtio_blk *blk = blk_ready(f);

	blk_request(f, 0 /* IN */, GPA, 0);
	virtio_queue_notify(&blk->dev, 0);
	assert_true(blk->dev.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(f, 0), 0);
	virtio_blk_destroy(blk);
}

/* The same GET_ID with a status byte to write is answered. */
static void test_blk_get_id(void **state)
{
	struct fixture *f = *state;
	struct virtio_blk *blk = blk_ready(f);

	blk_request(f, 8, BUF + 0x100, 21);
	virtio_queue_notify(&blk->dev, 0);
	assert_false(blk->dev.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(f, 0), 1);
	assert_memory_equal(at(f, BUF + 0x100), "lkvm-disk0", 10);
	assert_int_equal(*at(f, BUF + 0x100 + 20), 0);	/* VIRTIO_BLK_S_OK */
	virtio_blk_destroy(blk);
}

/*
 * A read into an empty buffer moves nothing and succeeds (5.2.6: data is
 * a multiple of 512 bytes, and 0 is one; QEMU answers OK too). It met
 * preadv()'s 0, taken for the end of the file: IOERR.
 */
static void test_blk_read_of_nothing(void **state)
{
	struct fixture *f = *state;
	struct virtio_blk *blk = blk_ready(f);

	*at(f, BUF + 0x100) = 0xff;
	put_le32(at(f, BUF), 0 /* IN */);
	put_le64(at(f, BUF + 8), 0);
	put_desc(f, 0, 0, BUF, 16, 1, 1);
	put_desc(f, 0, 1, BUF + 0x80, 0, 3, 2);		/* the empty buffer */
	put_desc(f, 0, 2, BUF + 0x100, 1, 2, 0);
	make_available(f, 0, 0, 0);
	virtio_queue_notify(&blk->dev, 0);
	assert_false(blk->dev.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(f, 0), 1);
	assert_int_equal(*at(f, BUF + 0x100), 0);	/* VIRTIO_BLK_S_OK */
	virtio_blk_destroy(blk);
}

static void discard(void *opaque, const uint8_t *buf, size_t len)
{
}

static void count_drained(void *opaque)
{
	((struct fixture *)opaque)->drained++;
}

/*
 * Console input is taken only as far as there is room: a guest that
 * posts no receive buffers used to let host input run past the pending
 * buffer into the fields after it (input_drained, a function pointer).
 */
static void test_console_input_takes_only_room(void **state)
{
	struct fixture *f = *state;
	struct virtio_console *con = &f->con;
	uint8_t in[VIRTIO_CONSOLE_PENDING + 100];

	memset(in, 'i', sizeof(in));
	assert_int_equal(virtio_console_init(con, &f->mem, discard, count_drained, f), 0);
	driver_ok(f, &con->dev);
	assert_int_equal(virtio_console_rx_space(con), VIRTIO_CONSOLE_PENDING);
	assert_int_equal(virtio_console_input(con, in, sizeof(in)), VIRTIO_CONSOLE_PENDING);
	assert_int_equal(virtio_console_rx_space(con), 0);
	assert_int_equal(virtio_console_input(con, in, 1), 0);
	assert_ptr_equal(con->input_drained, count_drained);

	/* A receive buffer arrives: all pending input goes, and says so. */
	put_desc(f, 0, 0, BUF, 0x1000, 2, 0);
	make_available(f, 0, 0, 0);
	virtio_queue_notify(&con->dev, 0);
	assert_int_equal(used_idx(f, 0), 1);
	assert_int_equal(get_le32(at(f, USED + 8)), VIRTIO_CONSOLE_PENDING);
	assert_int_equal(f->drained, 1);
	assert_int_equal(virtio_console_rx_space(con), VIRTIO_CONSOLE_PENDING);
	virtio_dev_destroy(&con->dev);
}

/*
 * The hostile driver: for every transmit chain the console writes out,
 * it makes a new one available at once, so the queue never runs dry (up
 * to REPOST_LIMIT, so that a console without a bound ends too). It acts
 * from the console's own transmit callback, which makes it lock-step: the
 * console always finds the next chain when it looks.
 */
#define REPOST_LIMIT	100

static uint16_t posted;

static void post_tx(struct fixture *f)
{
	uint16_t head = posted % QSIZE;

	put_desc(f, 1, head, BUF, 16, 0, 0);
	put_le16(at(f, AVAIL + 0x400 + 4 + 2 * head), head);
	put_le16(at(f, AVAIL + 0x400 + 2), ++posted);
}

static void repost(void *opaque, const uint8_t *buf, size_t len)
{
	if (posted < REPOST_LIMIT)
		post_tx(opaque);
}

/*
 * One wake-up takes at most a queue's worth of chains, however fast the
 * driver gives them back (without the bound it took all 100), then
 * notifies the queue again so that the I/O loop comes back after its
 * other work.
 */
static void test_notify_work_is_bounded(void **state)
{
	struct fixture *f = *state;
	struct virtio_console *con = &f->con;
	eventfd_t again = 0;

	posted = 0;
	assert_int_equal(virtio_console_init(con, &f->mem, repost, count_drained, f), 0);
	driver_ok(f, &con->dev);
	post_tx(f);
	virtio_queue_notify(&con->dev, 1);
	assert_int_equal(used_idx(f, 1), QSIZE);
	assert_int_equal(eventfd_read(con->dev.queues[1].notify_fd, &again), 0);
	assert_int_equal(again, 1);

	/* Later rounds, as the I/O loop runs them, take the rest; then quiet. */
	for (int round = 0; round < REPOST_LIMIT / QSIZE + 1; round++) {
		eventfd_read(con->dev.queues[1].notify_fd, &again);
		virtio_queue_notify(&con->dev, 1);
	}
	assert_int_equal(used_idx(f, 1), REPOST_LIMIT);
	assert_int_not_equal(eventfd_read(con->dev.queues[1].notify_fd, &again), 0);
	virtio_dev_destroy(&con->dev);
}

/* --- virtio-net on passt's stream ---------------------------------- */

#define RXQ		0
#define TXQ		1
#define NET_HDR		12

static void record_events(void *opaque, int fd, uint32_t events)
{
	struct fixture *f = opaque;

	(void)fd;
	f->events = events;
}

static struct virtio_net *stream_nic(struct fixture *f)
{
	static const uint8_t mac[6] = { 2, 0x15, 0x15, 0x15, 0x15, 0x15 };
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	f->peer = sv[1];
	assert_int_equal(virtio_net_init_fd(&f->net, NET_BACKEND_STREAM, sv[0], mac, 0, &f->mem,
					    record_events, f), 0);
	f->events = EPOLLIN;
	driver_ok(f, &f->net.dev);
	return &f->net;
}

static void stream_nic_destroy(struct fixture *f)
{
	virtio_net_destroy(&f->net);
	close(f->peer);
}

/* passt's side: @len bytes of frame @tag after their big-endian length. */
static size_t framed(uint8_t *out, size_t len, uint8_t tag)
{
	out[0] = len >> 24;
	out[1] = len >> 16;
	out[2] = len >> 8;
	out[3] = len;
	for (size_t i = 0; i < len; i++)
		out[4 + i] = tag + i;
	return 4 + len;
}

static void peer_write(struct fixture *f, const uint8_t *p, size_t len)
{
	assert_int_equal(write(f->peer, p, len), (ssize_t)len);
}

/* Receive buffer @i (as chain @i, ring entry @idx): @len bytes at BUF + i * 0x11000. */
static void post_rx(struct fixture *f, unsigned int i, uint16_t idx, uint32_t len)
{
	put_desc(f, RXQ, i, BUF + i * 0x11000, len, 2, 0);
	make_available(f, RXQ, idx, i);
}

/* Used entry @n of @q: its chain and length. */
static void used_entry(struct fixture *f, unsigned int q, unsigned int n, uint32_t *id,
		       uint32_t *len)
{
	const uint8_t *e = at(f, USED + q * 0x400 + 4 + 8 * (n % QSIZE));

	*id = get_le32(e);
	*len = get_le32(e + 4);
}

/* Received buffer @i holds frame @tag of @len bytes, after a header saying nothing. */
static void expect_received(struct fixture *f, unsigned int i, size_t len, uint8_t tag)
{
	const uint8_t *b = at(f, BUF + i * 0x11000);
	uint8_t hdr[NET_HDR] = { 0 };

	hdr[10] = 1;		/* num_buffers */
	assert_memory_equal(b, hdr, NET_HDR);
	for (size_t k = 0; k < len; k++)
		assert_int_equal(b[NET_HDR + k], (uint8_t)(tag + k));
}

/*
 * Transmit chain @head (even) and @head + 1: a header (flags @flags), then
 * @len bytes of frame @tag.
 */
static void post_tx_frame(struct fixture *f, uint16_t idx, uint16_t head, size_t len, uint8_t tag,
			  uint8_t flags)
{
	uint64_t hdr = BUF + 0x34000 + head * 0x10, data = BUF + head / 2 * 0x11000;

	memset(at(f, hdr), 0, NET_HDR);
	*at(f, hdr) = flags;
	for (size_t k = 0; k < len; k++)
		*at(f, data + k) = tag + k;
	put_desc(f, TXQ, head, hdr, NET_HDR, 1, (head + 1) % QSIZE);
	put_desc(f, TXQ, (head + 1) % QSIZE, data, len, 0, 0);
	make_available(f, TXQ, idx, head);
}

/* What passt reads next: a frame of @len bytes, frame @tag. */
static void peer_expects(struct fixture *f, size_t len, uint8_t tag)
{
	uint8_t *buf = malloc(4 + len), *want = malloc(4 + len);
	size_t got = 0;

	framed(want, len, tag);
	while (got < 4 + len) {
		ssize_t n = read(f->peer, buf + got, 4 + len - got);

		assert_true(n > 0);
		got += n;
	}
	assert_memory_equal(buf, want, 4 + len);
	free(buf);
	free(want);
}

/*
 * Frames both ways, as passt frames them: two frames and a third's first
 * bytes in one write, each frame into a buffer of its own with a header
 * saying nothing, the third once its rest came and a buffer was there;
 * a frame the guest gathers from two buffers reaches passt whole.
 */
static void test_net_stream_frames(void **state)
{
	struct fixture *f = *state;
	struct virtio_net *net = stream_nic(f);
	uint8_t wire[3 * (4 + 100)];
	size_t n = 0, third;
	uint32_t id, len;

	n += framed(wire + n, 60, 0x10);
	n += framed(wire + n, 14, 0x20);
	third = framed(wire + n, 100, 0x30);
	peer_write(f, wire, n + 3);		/* the third's length, cut */
	post_rx(f, 0, 0, NET_HDR + 1514);
	post_rx(f, 1, 1, NET_HDR + 1514);
	virtio_net_backend_readable(net);
	assert_int_equal(used_idx(f, RXQ), 2);
	used_entry(f, RXQ, 0, &id, &len);
	assert_int_equal(id, 0);
	assert_int_equal(len, NET_HDR + 60);
	expect_received(f, 0, 60, 0x10);
	used_entry(f, RXQ, 1, &id, &len);
	assert_int_equal(id, 1);
	assert_int_equal(len, NET_HDR + 14);
	expect_received(f, 1, 14, 0x20);
	/* No buffer left: stop reading the stream until the driver posts one. */
	peer_write(f, wire + n + 3, third - 3);
	virtio_net_backend_readable(net);
	assert_int_equal(used_idx(f, RXQ), 2);
	assert_int_equal(f->events, 0);
	post_rx(f, 2, 2, NET_HDR + 1514);
	virtio_queue_notify(&net->dev, RXQ);
	assert_int_equal(used_idx(f, RXQ), 3);
	expect_received(f, 2, 100, 0x30);
	assert_int_equal(f->events, EPOLLIN);

	post_tx_frame(f, 0, 0, 60, 0x40, 0);
	virtio_queue_notify(&net->dev, TXQ);
	assert_int_equal(used_idx(f, TXQ), 1);
	used_entry(f, TXQ, 0, &id, &len);
	assert_int_equal(len, 0);
	peer_expects(f, 60, 0x40);
	assert_false(net->gone);
	stream_nic_destroy(f);
}

/*
 * What the guest may not send is dropped, the queue going on: a packet
 * asking for a checksum offload never offered, one shorter than an
 * Ethernet header. A frame bigger than the guest's buffer is dropped and
 * the buffer takes the next.
 */
static void test_net_stream_drops(void **state)
{
	struct fixture *f = *state;
	struct virtio_net *net = stream_nic(f);
	uint8_t *wire = malloc(2 * (4 + 2000));
	size_t n = 0;
	uint32_t id, len;

	post_tx_frame(f, 0, 0, 60, 0x50, 1 /* NEEDS_CSUM */);
	post_tx_frame(f, 1, 2, 13, 0x60, 0);
	post_tx_frame(f, 2, 4, 14, 0x70, 0);
	virtio_queue_notify(&net->dev, TXQ);
	assert_int_equal(used_idx(f, TXQ), 3);
	peer_expects(f, 14, 0x70);		/* and only it */
	assert_int_equal(recv(f->peer, wire, 1, MSG_DONTWAIT), -1);

	n += framed(wire + n, 2000, 0x80);
	n += framed(wire + n, 1000, 0x90);
	peer_write(f, wire, n);
	post_rx(f, 0, 0, NET_HDR + 1514);
	virtio_net_backend_readable(net);
	assert_int_equal(used_idx(f, RXQ), 1);
	used_entry(f, RXQ, 0, &id, &len);
	assert_int_equal(len, NET_HDR + 1000);
	expect_received(f, 0, 1000, 0x90);
	assert_false(net->gone);
	free(wire);
	stream_nic_destroy(f);
}

/*
 * A socket that takes part of a frame: the queue waits, with the NIC
 * asking for room (EPOLLOUT), and goes on once the rest went; the frames
 * reach passt whole and in order, 64 KiB ones included.
 */
static void test_net_stream_full_socket(void **state)
{
	struct fixture *f = *state;
	struct virtio_net *net = stream_nic(f);
	int small = 4096;
	uint16_t i;

	assert_int_equal(setsockopt(net->fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small)), 0);
	for (i = 0; i < 3; i++)
		post_tx_frame(f, i, 2 * i, NET_FRAME_MAX, 0xa0 + i, 0);
	virtio_queue_notify(&net->dev, TXQ);
	assert_true(used_idx(f, TXQ) < 3);
	assert_true(f->events & EPOLLOUT);
	for (i = 0; i < 3; i++) {
		/* passt reads; lkvm finishes the frame and sends the next. */
		uint8_t *buf = malloc(4 + NET_FRAME_MAX), *want = malloc(4 + NET_FRAME_MAX);
		size_t got = 0;

		framed(want, NET_FRAME_MAX, 0xa0 + i);
		while (got < 4 + NET_FRAME_MAX) {
			ssize_t n = recv(f->peer, buf + got, 4 + NET_FRAME_MAX - got, MSG_DONTWAIT);

			if (n < 0 && errno == EAGAIN) {
				virtio_net_backend_writable(net);
				continue;
			}
			assert_true(n > 0);
			got += n;
		}
		assert_memory_equal(buf, want, 4 + NET_FRAME_MAX);
		free(buf);
		free(want);
	}
	virtio_net_backend_writable(net);
	assert_int_equal(used_idx(f, TXQ), 3);
	assert_false(f->events & EPOLLOUT);
	stream_nic_destroy(f);
}

/*
 * passt gone, or speaking something else: the NIC says so once, stops
 * watching the stream, and drops what the guest sends from then on.
 */
static void test_net_stream_gone(void **state)
{
	struct fixture *f = *state;
	struct virtio_net *net = stream_nic(f);
	const uint8_t bad[4] = { 0, 0, 0, 13 };	/* shorter than any frame */

	peer_write(f, bad, sizeof(bad));
	post_rx(f, 0, 0, NET_HDR + 1514);
	virtio_net_backend_readable(net);
	assert_true(net->gone);
	assert_int_equal(f->events, 0);
	assert_int_equal(used_idx(f, RXQ), 0);
	post_tx_frame(f, 0, 0, 60, 0x10, 0);
	virtio_queue_notify(&net->dev, TXQ);
	assert_int_equal(used_idx(f, TXQ), 1);
	stream_nic_destroy(f);

	net = stream_nic(f);
	close(f->peer);
	f->peer = -1;
	post_rx(f, 0, 0, NET_HDR + 1514);
	virtio_net_backend_readable(net);
	assert_true(net->gone);
	assert_int_equal(f->events, 0);
	stream_nic_destroy(f);
}

static void record_discard(void *opaque, void *host, size_t len)
{
	struct fixture *f = opaque;

	assert_true(f->nr_discarded < 8);
	f->discarded[f->nr_discarded] = host;
	f->discarded_len[f->nr_discarded++] = len;
}

#define BALLOON_STATS_VQ	(1u << 1)
#define BALLOON_REPORTING	(1u << 5)
#define PAGE			4096

static uint8_t *page_up(uint8_t *p)
{
	return (uint8_t *)(((uintptr_t)p + PAGE - 1) & ~(uintptr_t)(PAGE - 1));
}

static uint8_t *page_down(uint8_t *p)
{
	return (uint8_t *)((uintptr_t)p & ~(uintptr_t)(PAGE - 1));
}

static struct virtio_balloon *balloon_ready(struct fixture *f, uint32_t features)
{
	assert_int_equal(virtio_balloon_init(&f->balloon, &f->mem, PAGE, record_discard, f), 0);
	driver_ok_features(f, &f->balloon.dev, features);
	return &f->balloon;
}

/* Pages the driver puts in the balloon: those in RAM go back, whole. */
static void test_balloon_inflate(void **state)
{
	struct fixture *f = *state;
	struct virtio_balloon *b = balloon_ready(f, BALLOON_STATS_VQ | BALLOON_REPORTING);
	uint32_t pfn0 = GPA >> 12;
	const uint32_t pfns[] = {
		pfn0 + 0x30, pfn0 - 1, pfn0 + (MEM_SIZE >> 12), pfn0 + 0x31, 0xffffffff,
	};

	for (unsigned int i = 0; i < 5; i++)
		put_le32(at(f, BUF) + 4 * i, pfns[i]);
	put_desc(f, 0, 0, BUF, sizeof(pfns), 0, 0);
	make_available(f, 0, 0, 0);
	virtio_queue_notify(&b->dev, 0);
	assert_int_equal(used_idx(f, 0), 1);
	/* Only the frames inside RAM, and only their whole host pages. */
	unsigned int want = 0;

	for (unsigned int i = 0; i < 5; i++) {
		uint8_t *p;

		if (pfns[i] < pfn0 || pfns[i] >= pfn0 + (MEM_SIZE >> 12))
			continue;
		p = at(f, (uint64_t)pfns[i] << 12);
		if (page_down(p + PAGE) <= page_up(p))
			continue;
		assert_ptr_equal(f->discarded[want], page_up(p));
		assert_int_equal(f->discarded_len[want], page_down(p + PAGE) - page_up(p));
		want++;
	}
	assert_int_equal(f->nr_discarded, want);
	virtio_dev_destroy(&b->dev);
}

/* Reported free ranges: each segment's whole host pages, then used. */
static void test_balloon_free_page_reporting(void **state)
{
	struct fixture *f = *state;
	struct virtio_balloon *b = balloon_ready(f, BALLOON_STATS_VQ | BALLOON_REPORTING);
	uint8_t *seg1 = at(f, BUF + 0x1000 + 100), *seg2 = at(f, BUF + 0x8000);

	put_desc(f, 3, 0, BUF + 0x1000 + 100, 3 * PAGE, 1 | 2, 1);
	put_desc(f, 3, 1, BUF + 0x8000, 100, 2, 0);	/* less than a page */
	make_available(f, 3, 0, 0);
	virtio_queue_notify(&b->dev, 3);
	assert_int_equal(used_idx(f, 3), 1);
	assert_int_equal(f->nr_discarded, page_down(seg2 + 100) > page_up(seg2) ? 2 : 1);
	assert_ptr_equal(f->discarded[0], page_up(seg1));
	assert_int_equal(f->discarded_len[0], page_down(seg1 + 3 * PAGE) - page_up(seg1));
	virtio_dev_destroy(&b->dev);
}

/* Without the statistics queue, reporting is the third queue. */
static void test_balloon_reporting_queue_follows_features(void **state)
{
	struct fixture *f = *state;
	struct virtio_balloon *b = balloon_ready(f, BALLOON_REPORTING);

	put_desc(f, 2, 0, BUF, 4 * PAGE, 2, 0);
	make_available(f, 2, 0, 0);
	virtio_queue_notify(&b->dev, 2);
	assert_int_equal(used_idx(f, 2), 1);
	assert_int_equal(f->nr_discarded, 1);
	assert_true(f->discarded_len[0] >= 3 * PAGE);
	virtio_dev_destroy(&b->dev);
}

static void put_stat(uint8_t *p, uint16_t tag, uint64_t value)
{
	put_le16(p, tag);
	put_le64(p + 2, value);
}

/* The guest's statistics are kept; its buffer is held until lkvm asks. */
static void test_balloon_stats(void **state)
{
	struct fixture *f = *state;
	struct virtio_balloon *b = balloon_ready(f, BALLOON_STATS_VQ | BALLOON_REPORTING);
	char text[1024];

	assert_false(virtio_balloon_request_stats(b));
	put_stat(at(f, BUF), 4, 123456789);
	put_stat(at(f, BUF + 10), 5, 268435456);
	put_stat(at(f, BUF + 20), 40, 7);
	put_desc(f, 2, 0, BUF, 30, 0, 0);
	make_available(f, 2, 0, 0);
	/* A second buffer while one is held waits. */
	put_stat(at(f, BUF + 0x100), 4, 1);
	put_desc(f, 2, 1, BUF + 0x100, 10, 0, 0);
	make_available(f, 2, 1, 1);
	virtio_queue_notify(&b->dev, 2);
	assert_int_equal(used_idx(f, 2), 0);
	assert_int_equal(b->stats_seq, 1);
	virtio_balloon_format_stats(b, text, sizeof(text));
	assert_string_equal(text, "balloon target (bytes)     0\n"
			    "balloon size (bytes)       0\n"
			    "free memory (bytes)        123456789\n"
			    "total memory (bytes)       268435456\n"
			    "tag 40                     7\n");
	f->interrupts = 0;
	assert_true(virtio_balloon_request_stats(b));
	assert_int_equal(used_idx(f, 2), 1);
	assert_int_equal(f->interrupts, 1);
	assert_false(virtio_balloon_request_stats(b));
	/* The driver's next report, already waiting, is taken at its kick. */
	virtio_queue_notify(&b->dev, 2);
	assert_int_equal(b->stats_seq, 2);
	virtio_balloon_format_stats(b, text, sizeof(text));
	assert_string_equal(text + strcspn(text, "f"), "free memory (bytes)        1\n");
	/* A reset drops the held buffer. */
	virtio_write_status(&b->dev, 0);
	assert_false(virtio_balloon_request_stats(b));
	virtio_dev_destroy(&b->dev);
}

/* lkvm balloon: a target the driver is told of; the size it reports. */
static void test_balloon_target(void **state)
{
	struct fixture *f = *state;
	struct virtio_balloon *b = balloon_ready(f, BALLOON_STATS_VQ | BALLOON_REPORTING);
	uint8_t actual[4];
	char text[1024];

	f->interrupts = 0;
	virtio_balloon_set_target(b, 16);
	assert_int_equal(get_le32(b->config), 16);
	assert_int_equal(f->interrupts, 1);
	assert_true(b->dev.isr & VIRTIO_ISR_CONFIG);
	/* Never more than RAM. */
	virtio_balloon_set_target(b, 0xffffffff);
	assert_int_equal(virtio_balloon_target(b), MEM_SIZE / PAGE);
	/* The driver writes actual; num_pages is the device's alone. */
	put_le32(actual, 12);
	virtio_config_write(&b->dev, 4, actual, 4);
	virtio_config_write(&b->dev, 0, actual, 4);
	assert_int_equal(virtio_balloon_actual(b), 12);
	assert_int_equal(virtio_balloon_target(b), MEM_SIZE / PAGE);
	virtio_balloon_format_stats(b, text, sizeof(text));
	assert_string_equal(text, "balloon target (bytes)     262144\n"
			    "balloon size (bytes)       49152\n");
	/* A reset: the driver's size goes, the host's target stays. */
	virtio_write_status(&b->dev, 0);
	assert_int_equal(virtio_balloon_actual(b), 0);
	assert_int_equal(virtio_balloon_target(b), MEM_SIZE / PAGE);
	virtio_dev_destroy(&b->dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_blk_empty_status_at_ram_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blk_empty_status_at_ram_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blk_get_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blk_read_of_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_input_takes_only_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_work_is_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_stream_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_stream_drops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_stream_full_socket, setup, teardown),
		cmocka_unit_test_setup_teardown(test_net_stream_gone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_balloon_inflate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_balloon_free_page_reporting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_balloon_reporting_queue_follows_features, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_balloon_stats, setup, teardown),
		cmocka_unit_test_setup_teardown(test_balloon_target, setup, teardown),
	};

	return cmocka_run_group_tests_name("virtio devices", tests, NULL, NULL);
}
