// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the request handling of virtio-blk (virtio/blk.c)
 * and virtio-net (virtio/net.c) over guest memory a hostile driver writes,
 * driven at the device level: no transport, a recorder of interrupts. The
 * input's first byte picks the device; then a program of at most
 * MAX_STEPS steps writes descriptors, available rings, blk request headers
 * and discard ranges, raw bytes, whole chains (direct or indirect), and
 * notifies queues through virtio_queue_notify(), the I/O thread's path.
 * virtio-blk runs on a small memfd disk, opened read-write or read-only;
 * virtio-net on a datagram socketpair end instead of a tap, or on a
 * stream socketpair end in passt's framing: the input's packets go in at
 * the other end, and virtio_net_backend_readable() takes them (on the
 * stream, a length no frame has may follow them, which ends the stream). Guest RAM is a heap allocation of exactly its size, made
 * per input, so that AddressSanitizer sees any byte written outside it.
 *
 * Around every step where the device runs, guest RAM is compared with a
 * copy taken before it. The chains the device used are walked here,
 * independently, from that copy (the k-th chain used is the k-th one
 * taken from the available ring). When no writable buffer of those chains
 * overlaps what the device read to find and parse them (descriptors,
 * indirect tables, available ring, readable buffers) or the used ring,
 * that walk is exactly what the device saw, and then:
 *   - every changed byte lies in a writable buffer of a chain the device
 *     put in the used ring, or in the used ring itself;
 *   - each used chain is one the spec allows, the used ring names it, and
 *     its used length never exceeds its writable bytes;
 *   - blk: a chain used has a header and a non-empty status segment; its
 *     status byte is OK, IOERR or UNSUPP, and exactly what the request
 *     asks: IOERR for a transfer or range beyond the disk's end or not
 *     whole sectors, IOERR for any write to a read-only disk, UNSUPP for
 *     an unknown type or a malformed range list; its used length is the
 *     data it wrote plus the status;
 *   - net: a transmitted chain's used length is 0 and its readable bytes
 *     reach the tap as one packet, in order; a received packet lands in
 *     the next receive chain whole (or cut at the chain's size), with
 *     num_buffers 1, and its used length is what was written;
 *   - net on the stream: the frames passt reads are exactly those of the
 *     transmitted chains with a header asking for nothing and 14 to 65535
 *     bytes after it, whole and in order, until the stream ended; a
 *     received frame lands whole in the next receive chain after a header
 *     saying nothing but num_buffers 1, or is dropped when it does not
 *     fit that chain, which then takes the next.
 * Always:
 *   - blk: a read-only disk's file never changes;
 *   - at most one queue's worth of chains per virtio_queue_notify() and
 *     per virtio_net_backend_readable() or _writable();
 *   - a device that hits a ring error is in NEEDS_RESET, changes no guest
 *     memory and uses no chain, and stays so until the driver resets it;
 *   - net: every tap packet is taken by exactly one used receive chain,
 *     in order, or is still waiting at the end (on the stream: or was
 *     dropped as too big for its chain).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "virtio/net_stream.h"

#include "core/le.h"
#include "core/log.h"
#include "tests/fuzz/virtio_host.h"
#include "virtio/blk.h"
#include "virtio/net.h"


#define RAM_GPA		0x40000000ull
#define MAX_STEPS	96
#define IO_ROUNDS	4
#define MAX_PACKET	4096
#define MAX_PENDING	64		/* tap packets not yet taken */
#define MAX_EXPECTED	512		/* stream frames used, not yet read: a ring */

/* Each queue's rings, at fixed offsets in RAM (room for 256 entries). */
#define Q_DESC(q)	(0x2000u * (q))
#define Q_AVAIL(q)	(0x2000u * (q) + 0x1000)
#define Q_USED(q)	(0x2000u * (q) + 0x1400)

#define BLK_T_IN		0
#define BLK_T_OUT		1
#define BLK_T_FLUSH		4
#define BLK_T_GET_ID		8
#define BLK_T_DISCARD		11
#define BLK_T_WRITE_ZEROES	13
#define BLK_S_OK		0
#define BLK_S_IOERR		1
#define BLK_S_UNSUPP		2
#define BLK_SERIAL		20

struct seg {
	uint32_t off, len;	/* in RAM */
	bool w;
};

/* A chain as walked here from the copy of RAM. */
struct walked {
	bool ok;
	unsigned int nr, nr_out, nr_in;
	uint64_t out_len, in_len;
	struct seg seg[VQ_CHAIN_MAX];
};

struct packet {
	uint32_t len;
	uint8_t data[MAX_PACKET];
};

struct world {
	struct vq_guest_mem mem;
	uint32_t ram;
	uint8_t *shadow;	/* RAM before the device's step */
	int32_t *wdiff, *mdiff;	/* coverage of writable / read bytes */
	int32_t *wcount;
	bool is_net, ro, guest_csum;
	uint32_t drv_features_lo;
	uint16_t qsize;
	uint16_t avail_idx[2];	/* the driver's next available index */
	struct virtio_dev *dev;
	struct virtio_blk blk;
	struct virtio_net net;
	uint64_t sectors;
	uint8_t *disk_want;	/* a read-only disk's bytes */
	uint32_t disk_size;
	int peer;		/* the "tap"'s other end */
	struct packet *pending;	/* sent, not yet taken */
	unsigned int nr_pending;
	/* Stream: a bad length was sent after the pending packets. */
	bool stream, stream_ended;
	/* Stream: frames the device must write, in order, from head to tail. */
	struct frame { uint32_t len; uint8_t *data; } *expected;
	unsigned int exp_head, exp_tail;
	bool tx_unknown;	/* a step not walked: what follows is not checked */
	uint64_t drops_seen;	/* frames the device dropped, as modelled here */
	uint8_t *txbuf;		/* read from the stream, not yet a whole frame */
	size_t tx_have;
	struct walked chain;
	uint8_t pkt[MAX_PACKET + 1];
};

static int disk_fd = -1;
static char disk_path[64];

static void record_interrupt(struct virtio_dev *dev, int q)
{
}

static const struct virtio_transport_ops recorder = { .interrupt = record_interrupt };

static void set_events(void *opaque, int fd, uint32_t events)
{
}

/* Is [gpa, gpa + len) in RAM? Then *@off is its offset. */
static bool ram_offset(const struct world *w, uint64_t gpa, uint64_t len, uint32_t *off)
{
	if (gpa < RAM_GPA || len > w->ram || gpa - RAM_GPA > w->ram - len)
		return false;
	*off = gpa - RAM_GPA;
	return true;
}

static void mark(int32_t *diff, uint32_t off, uint32_t len)
{
	diff[off]++;
	diff[off + len]--;
}

/*
 * Walk the chain at @head of queue @q in @img as the spec and lkvm's rules
 * (virtio/README.md) allow, marking what a device reads to find it.
 */
static void walk(struct world *w, const uint8_t *img, unsigned int q,
		 uint16_t head, struct walked *c)
{
	uint32_t table = Q_DESC(q), entries = w->qsize, steps = 0, i = head;
	bool indirect = false, writable = false;

	c->ok = false;
	c->nr = c->nr_out = c->nr_in = 0;
	c->out_len = c->in_len = 0;
	if (head >= w->qsize)
		return;
	for (;;) {
		const uint8_t *d = img + table + 16 * i;
		uint64_t addr = get_le64(d);
		uint32_t len = get_le32(d + 8), off;
		uint16_t flags = get_le16(d + 12), next = get_le16(d + 14);

		mark(w->mdiff, table + 16 * i, 16);
		if (flags & VIRTQ_DESC_F_INDIRECT) {
			if (!(w->drv_features_lo & 1u << VIRTIO_F_INDIRECT_DESC) ||
			    indirect || (flags & VIRTQ_DESC_F_NEXT) || !len ||
			    len % 16 || len / 16 > VQ_CHAIN_MAX ||
			    !ram_offset(w, addr, len, &off))
				return;
			mark(w->mdiff, off, len);
			table = off;
			entries = len / 16;
			indirect = true;
			i = steps = 0;
			continue;
		}
		if (!ram_offset(w, addr, len, &off))
			return;
		if (flags & VIRTQ_DESC_F_WRITE)
			writable = true;
		else if (writable)
			return;
		if (c->nr == VQ_CHAIN_MAX)
			return;
		if (writable) {
			c->in_len += len;
			c->nr_in++;
		} else {
			c->out_len += len;
			c->nr_out++;
			mark(w->mdiff, off, len);
		}
		if (c->in_len > UINT32_MAX || c->out_len > UINT32_MAX)
			return;
		c->seg[c->nr++] = (struct seg){ off, len, writable };
		if (!(flags & VIRTQ_DESC_F_NEXT)) {
			c->ok = true;
			return;
		}
		if (next >= entries || ++steps >= entries)
			return;
		i = next;
	}
}

/* Copy @len bytes from offset @at of the chain's readable bytes in @img. */
static uint32_t gather(const struct walked *c, const uint8_t *img, uint64_t at,
		       uint8_t *buf, uint32_t len)
{
	uint32_t done = 0;

	for (unsigned int i = 0; i < c->nr_out && done < len; i++) {
		const struct seg *s = &c->seg[i];
		uint32_t n;

		if (at >= s->len) {
			at -= s->len;
			continue;
		}
		n = s->len - at < len - done ? s->len - at : len - done;
		memcpy(buf + done, img + s->off + at, n);
		done += n;
		at = 0;
	}
	return done;
}

#define S(status)	(1u << (status))

/*
 * The statuses blk may give the request @c in @img, from the spec, as a
 * mask of S(status); *@used is the used length it must report.
 */
static unsigned int blk_expect(const struct world *w, const struct walked *c,
			  const uint8_t *img, uint32_t *used)
{
	uint8_t hdr[16], range[16];
	uint64_t sector, data;
	uint32_t type, n;
	unsigned int ok = 0;

	gather(c, img, 0, hdr, 16);
	type = get_le32(hdr);
	sector = get_le64(hdr + 8);
	*used = 1;
	switch (type) {
	case BLK_T_IN:
	case BLK_T_OUT:
		data = type == BLK_T_IN ? c->in_len - 1 : c->out_len - 16;
		if (type == BLK_T_IN)
			*used = c->in_len;
		if (data % 512 || sector > w->sectors || data / 512 > w->sectors - sector)
			return S(BLK_S_IOERR);
		return S(type == BLK_T_OUT && w->ro ? BLK_S_IOERR : BLK_S_OK);
	case BLK_T_FLUSH:
		return S(BLK_S_OK);
	case BLK_T_GET_ID:
		*used += c->in_len - 1 < BLK_SERIAL ? c->in_len - 1 : BLK_SERIAL;
		return S(BLK_S_OK);
	case BLK_T_DISCARD:
	case BLK_T_WRITE_ZEROES:
		if (w->ro)
			return S(BLK_S_IOERR);
		n = (c->out_len - 16) / 16;
		if ((c->out_len - 16) % 16 || !n || n > 32)
			return S(BLK_S_UNSUPP);
		for (uint32_t i = 0; i < n; i++) {
			uint64_t s;
			uint32_t count, flags;

			gather(c, img, 16 + 16 * i, range, 16);
			s = get_le64(range);
			count = get_le32(range + 8);
			flags = get_le32(range + 12);
			if (flags & ~(type == BLK_T_WRITE_ZEROES ? 1u : 0u))
				return S(BLK_S_UNSUPP) | ok;
			if (count > 0x3fffff || s > w->sectors || count > w->sectors - s)
				return S(BLK_S_IOERR) | ok;
			/*
			 * The spec says nothing of an empty range; fallocate()
			 * and BLKZEROOUT refuse one (IOERR), QEMU skips it. A
			 * device may stop there with IOERR.
			 */
			if (!count)
				ok |= S(BLK_S_IOERR);
		}
		return S(BLK_S_OK) | ok;
	default:
		return S(BLK_S_UNSUPP);
	}
}

static void check_blk_chain(struct world *w, const struct walked *c, uint32_t used)
{
	const struct seg *last = &c->seg[c->nr - 1];
	uint32_t status_at, want_used;
	unsigned int want;

	/* Used, so it had a header and a status byte to write. */
	check(c->out_len >= 16 && c->nr_in && last->len);
	want = blk_expect(w, c, w->shadow, &want_used);
	check(used == want_used);
	status_at = last->off + last->len - 1;
	/* Unless another chain's buffer shares it, the status is this one's. */
	if (w->wcount[status_at] == 1)
		check(w->mem.host[status_at] < 8 && (S(w->mem.host[status_at]) & want));
}

/* The packets the receive queue took are gone, whatever their chains. */
static void drop_taken(struct world *w, uint16_t nr_used)
{
	for (uint16_t k = 0; k < nr_used && w->nr_pending; k++)
		memmove(w->pending, w->pending + 1, --w->nr_pending * sizeof(*w->pending));
}

/* The tap's next packet, taken by a receive chain. */
static void check_rx_chain(struct world *w, const struct walked *c, uint32_t used)
{
	struct packet *pkt;
	uint32_t want, at = 0;
	bool alone = true;

	/* The stream drops what does not fit the chain, header included. */
	while (w->stream && w->nr_pending && w->pending[0].len > c->in_len) {
		drop_taken(w, 1);
		w->drops_seen++;
	}
	check(w->nr_pending);
	pkt = &w->pending[0];
	want = pkt->len < c->in_len ? pkt->len : c->in_len;
	check(used == want);
	for (unsigned int i = c->nr_out; i < c->nr; i++)
		for (uint32_t b = 0; b < c->seg[i].len; b++)
			alone &= w->wcount[c->seg[i].off + b] == 1;
	for (unsigned int i = c->nr_out; alone && i < c->nr; i++) {
		for (uint32_t b = 0; b < c->seg[i].len; b++, at++) {
			uint8_t got = w->mem.host[c->seg[i].off + b];

			if (at == 10 || at == 11)
				check(got == (at == 10 ? 1 : 0));	/* num_buffers */
			else if (at < want)
				check(got == pkt->data[at]);
			else
				check(got == w->shadow[c->seg[i].off + b]);
		}
	}
	drop_taken(w, 1);
}

/* Stream: the frames of the chains used, as passt must read them. */
static void expect_frames(struct world *w, const struct walked *chains, unsigned int nr,
			  bool ended)
{
	for (unsigned int j = 0; j < nr && !ended; j++) {
		const struct walked *c = &chains[j];
		uint8_t hdr[12];
		struct frame *f;

		if (c->out_len < 12 + NET_FRAME_MIN || c->out_len - 12 > NET_FRAME_MAX ||
		    gather(c, w->shadow, 0, hdr, 12) != 12 || hdr[0] || hdr[1])
			continue;	/* dropped */
		check(w->exp_tail - w->exp_head < MAX_EXPECTED);
		f = &w->expected[w->exp_tail++ % MAX_EXPECTED];
		f->len = c->out_len - 12;
		f->data = malloc(f->len);
		check(gather(c, w->shadow, 12, f->data, f->len) == f->len);
	}
}

/* Stream: read what the device wrote; each whole frame must be the next expected. */
static void check_stream_tx(struct world *w, const struct walked *chains, unsigned int nr,
			    bool ended)
{
	ssize_t n;

	if (!chains && nr)
		w->tx_unknown = true;
	if (!w->tx_unknown)
		expect_frames(w, chains, nr, ended);
	while ((n = recv(w->peer, w->txbuf + w->tx_have, 4 + NET_FRAME_MAX - w->tx_have,
			 MSG_DONTWAIT)) > 0) {
		w->tx_have += n;
		for (;;) {
			uint32_t len;

			if (w->tx_have < 4)
				break;
			len = __builtin_bswap32(get_le32(w->txbuf));
			check(len >= NET_FRAME_MIN && len <= NET_FRAME_MAX);
			if (w->tx_have < 4 + len)
				break;
			if (!w->tx_unknown) {
				struct frame *want = &w->expected[w->exp_head++ % MAX_EXPECTED];

				check(w->exp_head <= w->exp_tail);
				check(want->len == len && !memcmp(want->data, w->txbuf + 4, len));
				free(want->data);
				want->data = NULL;
			}
			memmove(w->txbuf, w->txbuf + 4 + len, w->tx_have - 4 - len);
			w->tx_have -= 4 + len;
		}
	}
}

/* Packets the device sent to the tap since the last look. */
static void check_tx(struct world *w, const struct walked *chains, unsigned int nr)
{
	unsigned int j = 0;
	ssize_t n;

	if (w->stream) {
		check_stream_tx(w, chains, nr, w->net.gone);
		return;
	}

	while ((n = recv(w->peer, w->pkt, sizeof(w->pkt), MSG_DONTWAIT | MSG_TRUNC)) >= 0) {
		if (!chains)
			continue;
		/* A packet the socket refused is dropped, as a wire would. */
		for (; j < nr; j++) {
			const struct walked *c = &chains[j];
			uint8_t buf[MAX_PACKET];

			if (c->out_len != (uint64_t)n)
				continue;
			if (n > MAX_PACKET || (gather(c, w->shadow, 0, buf, n) == n &&
					       !memcmp(buf, w->pkt, n)))
				break;
		}
		check(j < nr);
		j++;
	}
}

/*
 * Walk the @nr_used chains queue @q used from the copy of RAM, marking
 * their writable bytes (w->wcount) and what was read to find them. Is
 * the walk what the device saw: no byte the device wrote was read?
 */
static bool walk_used(struct world *w, unsigned int q, uint16_t last_avail,
		      uint16_t nr_used, struct walked *chains)
{
	uint32_t ring_len = 6 + 8 * (uint32_t)w->qsize;
	bool seen = true;
	int32_t wc = 0, mc = 0;

	memset(w->wdiff, 0, (w->ram + 1) * sizeof(*w->wdiff));
	memset(w->mdiff, 0, (w->ram + 1) * sizeof(*w->mdiff));
	mark(w->mdiff, Q_AVAIL(q), 6 + 2 * (uint32_t)w->qsize);
	for (uint16_t k = 0; k < nr_used; k++) {
		struct walked *c = &chains[k];
		uint16_t slot = (uint16_t)(last_avail + k) % w->qsize;

		walk(w, w->shadow, q, get_le16(w->shadow + Q_AVAIL(q) + 4 + 2 * slot), c);
		for (unsigned int i = 0; i < c->nr; i++)
			if (c->seg[i].w)
				mark(w->wdiff, c->seg[i].off, c->seg[i].len);
	}
	for (uint32_t b = 0; b < w->ram; b++) {
		bool used_ring = b >= Q_USED(q) && b < Q_USED(q) + ring_len;

		wc += w->wdiff[b];
		mc += w->mdiff[b];
		w->wcount[b] = wc;
		if ((wc || used_ring) && mc)
			seen = false;
		if (wc && used_ring)
			seen = false;
	}
	return seen;
}

/*
 * The device's step on queue @q is done: check guest RAM against the
 * copy, and the chains it used against their walk.
 */
static void check_used(struct world *w, unsigned int q, uint16_t last_avail,
		       uint16_t nr_used)
{
	struct walked *chains = nr_used ? malloc(nr_used * sizeof(*chains)) : NULL;
	uint32_t ring_len = 6 + 8 * (uint32_t)w->qsize;
	const uint8_t *used = w->mem.host + Q_USED(q);

	if (!nr_used) {
		/* Nothing used: at most the used ring's avail_event changed. */
		check(!memcmp(w->shadow, w->mem.host, Q_USED(q)));
		check(!memcmp(w->shadow + Q_USED(q) + ring_len,
			      w->mem.host + Q_USED(q) + ring_len,
			      w->ram - Q_USED(q) - ring_len));
		if (w->is_net && q == 1)
			check_tx(w, NULL, 0);
		free(chains);
		return;
	}
	if (!walk_used(w, q, last_avail, nr_used, chains)) {
		if (w->is_net && q == 0)
			drop_taken(w, nr_used);
		if (w->is_net && q == 1)
			check_tx(w, NULL, nr_used);
		free(chains);
		return;
	}
	for (uint32_t b = 0; b < w->ram; b++)
		if (w->mem.host[b] != w->shadow[b])
			check(w->wcount[b] || (b >= Q_USED(q) && b < Q_USED(q) + ring_len));
	for (uint16_t k = 0; k < nr_used; k++) {
		struct walked *c = &chains[k];
		uint16_t slot = (uint16_t)(get_le16(used + 2) - nr_used + k) % w->qsize;
		uint32_t id = get_le32(used + 4 + 8 * slot);
		uint32_t len = get_le32(used + 8 + 8 * slot);

		check(c->ok);
		check(id == get_le16(w->shadow + Q_AVAIL(q) + 4 +
				     2 * ((uint16_t)(last_avail + k) % w->qsize)));
		check(len <= c->in_len);
		if (!w->is_net)
			check_blk_chain(w, c, len);
		else if (q == 0)
			check_rx_chain(w, c, len);
		else
			check(len == 0);
	}
	if (w->is_net && q == 1)
		check_tx(w, chains, nr_used);
	free(chains);
}

static void check_disk(const struct world *w)
{
	uint8_t *now;

	if (w->is_net || !w->ro)
		return;
	now = malloc(w->disk_size + 1);
	check(pread(disk_fd, now, w->disk_size + 1, 0) == w->disk_size);
	check(!memcmp(now, w->disk_want, w->disk_size));
	free(now);
}

enum run { RUN_NOTIFY, RUN_TAP, RUN_ROOM };

/* The device runs once on queue @q: compare everything it may change. */
static void device_step(struct world *w, enum run how, unsigned int q)
{
	struct virtio_dev *dev = w->dev;
	struct virtqueue *vq = &dev->queues[q].vq;
	bool was_broken = dev->broken, live = virtio_queue_live(dev, q);
	uint16_t used = vq->used_idx, last_avail = vq->last_avail, nr_used;

	memcpy(w->shadow, w->mem.host, w->ram);
	pthread_mutex_lock(&dev->lock);
	if (how == RUN_NOTIFY)
		virtio_queue_notify(dev, q);
	pthread_mutex_unlock(&dev->lock);
	/* Each takes the lock. */
	if (how == RUN_TAP)
		virtio_net_backend_readable(&w->net);
	if (how == RUN_ROOM)
		virtio_net_backend_writable(&w->net);

	nr_used = vq->used_idx - used;
	check(!dev->broken || (dev->status & VIRTIO_STATUS_NEEDS_RESET));
	if (was_broken || !live) {
		/* A broken device, or a queue not live, does nothing. */
		check(dev->broken == was_broken);
		check(!nr_used && vq->last_avail == last_avail);
		check(!memcmp(w->shadow, w->mem.host, w->ram));
	}
	/* One wake-up takes at most a queue's worth of chains. */
	check(nr_used <= vq->size && nr_used <= dev->queues[q].size);
	check(nr_used <= (uint16_t)(vq->last_avail - last_avail));
	check_used(w, q, last_avail, nr_used);
	/* Frames dropped with no chain used after them: the next ones taken. */
	if (w->stream) {
		check(w->net.rx_dropped >= w->drops_seen &&
		      w->net.rx_dropped - w->drops_seen <= w->nr_pending);
		drop_taken(w, w->net.rx_dropped - w->drops_seen);
		w->drops_seen = w->net.rx_dropped;
	}
	check_disk(w);
}

/* Driver side: 3.1.1 up to DRIVER_OK, with fresh rings. */
static void driver_ok(struct world *w)
{
	struct virtio_dev *dev = w->dev;
	eventfd_t v;

	for (unsigned int q = 0; q < dev->ops->nr_queues; q++) {
		memset(w->mem.host + Q_AVAIL(q), 0, 6 + 2 * VQ_MAX_SIZE);
		memset(w->mem.host + Q_USED(q), 0, 6 + 8 * VQ_MAX_SIZE);
		w->avail_idx[q] = 0;
	}
	pthread_mutex_lock(&dev->lock);
	virtio_write_status(dev, 0);
	check(!dev->broken && !dev->status);
	virtio_write_status(dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	dev->driver_features_sel = 0;
	virtio_write_driver_features(dev, w->drv_features_lo);
	dev->driver_features_sel = 1;
	virtio_write_driver_features(dev, 1);		/* VERSION_1 */
	virtio_write_status(dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			    VIRTIO_STATUS_FEATURES_OK);
	check(dev->status & VIRTIO_STATUS_FEATURES_OK);
	for (unsigned int q = 0; q < dev->ops->nr_queues; q++) {
		struct virtio_queue *vq = &dev->queues[q];

		vq->size = w->qsize;
		vq->desc = RAM_GPA + Q_DESC(q);
		vq->driver = RAM_GPA + Q_AVAIL(q);
		vq->device = RAM_GPA + Q_USED(q);
		virtio_enable_queue(dev, q);
		check(vq->ready);
	}
	virtio_write_status(dev, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
			    VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
	pthread_mutex_unlock(&dev->lock);
	for (unsigned int q = 0; q < dev->ops->nr_queues; q++)
		eventfd_read(dev->queues[q].notify_fd, &v);
}

/* The I/O thread: each signalled queue gets one virtio_queue_notify(). */
static void io_loop(struct world *w)
{
	for (int round = 0; round < IO_ROUNDS; round++) {
		bool busy = false;

		for (unsigned int q = 0; q < w->dev->ops->nr_queues; q++) {
			eventfd_t v;

			if (eventfd_read(w->dev->queues[q].notify_fd, &v))
				continue;
			busy = true;
			device_step(w, RUN_NOTIFY, q);
		}
		if (!busy)
			return;
	}
}

static void make_available(struct world *w, unsigned int q, uint16_t head)
{
	uint8_t *avail = w->mem.host + Q_AVAIL(q);

	put_le16(avail + 4 + 2 * (w->avail_idx[q] % w->qsize), head);
	put_le16(avail + 2, ++w->avail_idx[q]);
}

static void put_desc(struct world *w, uint32_t at, uint64_t addr, uint32_t len,
		     uint16_t flags, uint16_t next)
{
	uint8_t *d = w->mem.host + at;

	put_le64(d, addr);
	put_le32(d + 8, len);
	put_le16(d + 12, flags);
	put_le16(d + 14, next);
}

/* A whole chain of up to 8 segments, direct or in an indirect table. */
static void build_chain(struct world *w, bool indirect, const uint8_t **p,
			const uint8_t *end)
{
	unsigned int q = pick(p, end) % w->dev->ops->nr_queues;
	uint16_t head = pick(p, end) % w->qsize;
	unsigned int n = 1 + pick(p, end) % 8;
	uint32_t table = indirect ? (pick_n(p, end, 2) % (w->ram - 16 * n)) & ~15u : 0;

	for (unsigned int i = 0; i < n; i++) {
		uint64_t addr = RAM_GPA + pick_n(p, end, 2);
		uint32_t len = pick_n(p, end, 2);
		uint16_t flags = pick(p, end) & 1 ? VIRTQ_DESC_F_WRITE : 0;
		uint16_t next = indirect ? i + 1 : (head + i + 1) % w->qsize;
		uint32_t at = indirect ? table + 16 * i :
			      Q_DESC(q) + 16 * ((head + i) % w->qsize);

		if (i + 1 < n)
			flags |= VIRTQ_DESC_F_NEXT;
		put_desc(w, at, addr, len, flags, next);
	}
	if (indirect)
		put_desc(w, Q_DESC(q) + 16 * head, RAM_GPA + table, 16 * n,
			 VIRTQ_DESC_F_INDIRECT, 0);
	make_available(w, q, head);
}

/*
 * Stream: a frame of 14 to MAX_PACKET - 13 bytes in passt's framing, or,
 * for @len a multiple of 61, a length no frame has, which ends the
 * stream. What lands in a receive chain is pending: a header saying
 * nothing but num_buffers 1, then the frame.
 */
static void stream_send(struct world *w, uint32_t len, const uint8_t **p, const uint8_t *end)
{
	struct packet *pkt = &w->pending[w->nr_pending];
	uint8_t wire[4 + MAX_PACKET];
	uint32_t frame = NET_FRAME_MIN + len % (MAX_PACKET - 12 - NET_FRAME_MIN + 1);

	if (w->stream_ended)
		return;
	if (len % 61 == 0) {
		put_le32(wire, __builtin_bswap32(len % NET_FRAME_MIN));
		check(send(w->peer, wire, 4, MSG_DONTWAIT) == 4);
		w->stream_ended = true;
		return;
	}
	memset(pkt->data, 0, 12);
	pkt->data[10] = 1;
	pkt->len = 12 + frame;
	for (uint32_t i = 12; i < pkt->len; i++)
		pkt->data[i] = pick(p, end);
	put_le32(wire, __builtin_bswap32(frame));
	memcpy(wire + 4, pkt->data + 12, frame);
	/* A frame the socket took in part: nothing after it can be whole. */
	if (send(w->peer, wire, 4 + frame, MSG_DONTWAIT) == (ssize_t)(4 + frame))
		w->nr_pending++;
	else
		w->stream_ended = true;
}

/* A packet from the tap, with its 12-byte virtio_net_hdr first. */
static void tap_send(struct world *w, const uint8_t **p, const uint8_t *end)
{
	struct packet *pkt;
	uint32_t len = pick_n(p, end, 2) % MAX_PACKET;

	if (w->nr_pending == MAX_PENDING) {
		*p += len < (size_t)(end - *p) ? len : (size_t)(end - *p);
		return;
	}
	if (w->stream) {
		stream_send(w, len, p, end);
		return;
	}
	pkt = &w->pending[w->nr_pending];
	pkt->len = len;
	for (uint32_t i = 0; i < len; i++)
		pkt->data[i] = pick(p, end);
	if (send(w->peer, pkt->data, len, MSG_DONTWAIT) == (ssize_t)len)
		w->nr_pending++;
}

static void write_disk_pattern(struct world *w)
{
	uint8_t *buf = malloc(w->disk_size);

	for (uint32_t i = 0; i < w->disk_size; i++)
		buf[i] = (i / 512) * 37 + i;
	check(!ftruncate(disk_fd, 0) && !ftruncate(disk_fd, w->disk_size));
	check(pwrite(disk_fd, buf, w->disk_size, 0) == w->disk_size);
	w->disk_want = buf;
}

static void setup_disk_file(void)
{
	if (disk_fd >= 0)
		return;
	disk_fd = memfd_create("fuzz-virtio-blk", MFD_CLOEXEC);
	check(disk_fd >= 0);
	snprintf(disk_path, sizeof(disk_path), "/proc/self/fd/%d", disk_fd);
	log_set_level(LOG_ERROR);	/* needs-reset warnings are expected */
}

static void run(struct world *w, const uint8_t *p, const uint8_t *end)
{
	struct virtio_dev *dev = w->dev;
	unsigned int nq = dev->ops->nr_queues;

	driver_ok(w);
	for (int step = 0; step < MAX_STEPS && p < end; step++) {
		uint8_t op = pick(&p, end);

		switch (op & 0xf) {
		case 0: {	/* one descriptor */
			unsigned int q = pick(&p, end) % nq;
			uint16_t i = pick(&p, end) % w->qsize;
			uint64_t addr = op & 0x80 ? pick_n(&p, end, 8) :
					RAM_GPA + pick_n(&p, end, 2);
			uint32_t len = pick_n(&p, end, 2);
			uint16_t flags = pick(&p, end), next = pick(&p, end);

			put_desc(w, Q_DESC(q) + 16 * i, addr, len, flags, next);
			break;
		}
		case 1: {	/* an available ring entry */
			unsigned int q = pick(&p, end) % nq;

			make_available(w, q, pick(&p, end) | (op & 0x80 ? 0x100 : 0));
			break;
		}
		case 2: {	/* raw bytes anywhere in RAM */
			uint32_t at = pick_n(&p, end, 2) % w->ram, n = pick(&p, end);

			for (uint32_t i = 0; i < n && at + i < w->ram; i++)
				w->mem.host[at + i] = pick(&p, end);
			break;
		}
		case 3: {	/* a blk request header */
			uint32_t at = pick_n(&p, end, 2) % (w->ram - 16);

			put_le32(w->mem.host + at, pick_n(&p, end, 4));
			put_le32(w->mem.host + at + 4, 0);
			put_le64(w->mem.host + at + 8, pick_n(&p, end, 8));
			break;
		}
		case 4: {	/* a discard or write-zeroes range */
			uint32_t at = pick_n(&p, end, 2) % (w->ram - 16);

			put_le64(w->mem.host + at, pick_n(&p, end, 8));
			put_le32(w->mem.host + at + 8, pick_n(&p, end, 4));
			put_le32(w->mem.host + at + 12, pick_n(&p, end, 4));
			break;
		}
		case 5:		/* a notification, as the I/O thread takes it */
			device_step(w, RUN_NOTIFY, pick(&p, end) % nq);
			break;
		case 6:		/* a packet from the tap, and the tap is readable */
			if (!w->is_net)
				break;
			tap_send(w, &p, end);
			if (!(op & 0x80))
				device_step(w, RUN_TAP, 0);
			break;
		case 7:		/* a whole chain, made available */
			build_chain(w, op & 0x80, &p, end);
			break;
		case 8:		/* the driver resets the device and starts again */
			driver_ok(w);
			break;
		case 9:		/* notifications the device left for the I/O loop */
			io_loop(w);
			break;
		case 10: {	/* the available index, anything */
			unsigned int q = pick(&p, end) % nq;

			w->avail_idx[q] = pick_n(&p, end, 2);
			put_le16(w->mem.host + Q_AVAIL(q) + 2, w->avail_idx[q]);
			break;
		}
		case 11:	/* the tap is readable */
			if (w->is_net)
				device_step(w, RUN_TAP, 0);
			break;
		case 12:	/* the stream has room again */
			if (w->stream)
				device_step(w, RUN_ROOM, 1);
			break;
		default:	/* flags of the available ring: interrupts or not */
			put_le16(w->mem.host + Q_AVAIL(pick(&p, end) % nq), pick(&p, end));
			break;
		}
	}
	io_loop(w);
}

/* Every packet sent is taken, or still waiting, in order. */
static void check_tap_left(struct world *w)
{
	unsigned int i = 0;
	ssize_t n;

	while ((n = recv(w->net.fd, w->pkt, sizeof(w->pkt), MSG_DONTWAIT)) >= 0) {
		check(i < w->nr_pending);
		check((uint32_t)n == w->pending[i].len);
		check(!memcmp(w->pkt, w->pending[i].data, n));
		i++;
	}
	check(i == w->nr_pending);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct world *w;
	uint8_t flags;

	if (size < 6)
		return 0;
	setup_disk_file();
	w = calloc(1, sizeof(*w));
	flags = pick(&p, end);
	w->is_net = flags & 1;
	w->ro = flags & 2;
	w->drv_features_lo = (flags & 4 ? 1u << VIRTIO_F_EVENT_IDX : 0) |
			     (flags & 8 ? 1u << VIRTIO_F_INDIRECT_DESC : 0);
	w->ram = 0x4000 + 0x1000 * (pick(&p, end) % 13);
	w->ram -= pick(&p, end) % 64;	/* RAM need not end on a page */
	w->qsize = 1u << (pick(&p, end) % 9);
	w->sectors = 1 + pick(&p, end) % 128;
	w->disk_size = w->sectors * 512 + (pick(&p, end) % 4 == 3 ? 100 : 0);

	w->mem = (struct vq_guest_mem){ RAM_GPA, w->ram, malloc(w->ram) };
	memset(w->mem.host, 0, w->ram);
	w->shadow = malloc(w->ram);
	w->wdiff = malloc((w->ram + 1) * sizeof(*w->wdiff));
	w->mdiff = malloc((w->ram + 1) * sizeof(*w->mdiff));
	w->wcount = malloc(w->ram * sizeof(*w->wcount));
	if (w->is_net) {
		static const uint8_t mac[6] = { 2, 0x15, 0x15, 0x15, 0x15, 0x15 };
		int sv[2];

		w->stream = flags & 0x20;
		check(!socketpair(AF_UNIX, (w->stream ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK |
				  SOCK_CLOEXEC, 0, sv));
		w->peer = sv[1];
		w->pending = malloc(MAX_PENDING * sizeof(*w->pending));
		if (w->stream) {
			w->expected = calloc(MAX_EXPECTED, sizeof(*w->expected));
			w->txbuf = malloc(4 + NET_FRAME_MAX);
		}
		check(!virtio_net_init_fd(&w->net, w->stream ? NET_BACKEND_STREAM : NET_BACKEND_TAP,
					  sv[0], mac, 0, &w->mem, set_events, w));
		w->dev = &w->net.dev;
		/* The guest may take offloads: the tap is then asked for them. */
		if (flags & 0x10)
			w->drv_features_lo |= 1u << 1 | 1u << 7;
	} else {
		struct disk_config disk = {
			.path = disk_path, .path_len = strlen(disk_path), .ro = w->ro,
		};

		write_disk_pattern(w);
		check(!virtio_blk_init(&w->blk, &disk, 0, &w->mem));
		check(w->blk.sectors == w->sectors);
		w->dev = &w->blk.dev;
		/* The device-specific features the guest takes, any of those offered. */
		if (flags & 0x10)
			w->drv_features_lo |= (uint32_t)w->dev->features &
					      ~(1u << VIRTIO_F_EVENT_IDX | 1u << VIRTIO_F_INDIRECT_DESC);
	}
	w->dev->transport = &recorder;
	w->dev->transport_data = w;

	run(w, p, end);

	if (w->stream) {
		/* All expected went, but a frame the socket had no room for. */
		check_stream_tx(w, NULL, 0, true);
		check(w->tx_unknown || w->exp_head == w->exp_tail ||
		      (net_stream_tx_pending(w->net.stream) && w->exp_tail - w->exp_head == 1));
		for (unsigned int i = 0; i < MAX_EXPECTED; i++)
			free(w->expected[i].data);
		free(w->expected);
		free(w->txbuf);
	} else if (w->is_net) {
		check_tap_left(w);
	}
	if (w->is_net) {
		virtio_net_destroy(&w->net);
		close(w->peer);
	} else {
		check_disk(w);
		virtio_blk_destroy(&w->blk);
	}
	free(w->pending);
	free(w->disk_want);
	free(w->wcount);
	free(w->mdiff);
	free(w->wdiff);
	free(w->shadow);
	free(w->mem.host);
	free(w);
	return 0;
}
