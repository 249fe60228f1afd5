// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues, device side (Virtio 1.2, 2.7). The layout, all
 * little-endian:
 *   descriptor table  16 bytes an entry: addr u64, len u32, flags u16, next u16
 *   available ring    flags u16, idx u16, ring[size] u16, used_event u16
 *   used ring         flags u16, idx u16, ring[size] {id u32, len u32},
 *                     avail_event u16
 * The driver owns the table and the available ring and may rewrite them
 * under us, so each descriptor is copied out once before it is checked.
 */
#include <errno.h>
#include <string.h>

#include "virtio/virtqueue.h"

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the rings are read in place: a little-endian host is assumed"
#endif

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

#define AVAIL_IDX(vq)		((uint16_t *)((vq)->avail + 2))
#define AVAIL_RING(vq, i)	((uint16_t *)((vq)->avail + 4 + 2 * (i)))
#define USED_EVENT(vq)		AVAIL_RING(vq, (vq)->size)
#define USED_IDX(vq)		((uint16_t *)((vq)->used + 2))
#define USED_ELEM(vq, i)	((vq)->used + 4 + 8 * (i))
#define AVAIL_EVENT(vq)		((uint16_t *)USED_ELEM(vq, (vq)->size))

/* Host address of [gpa, gpa + len) if all of it is guest RAM. */
static uint8_t *guest_range(const struct vq_guest_mem *mem, uint64_t gpa, uint64_t len)
{
	if (gpa < mem->gpa || len > mem->size || gpa - mem->gpa > mem->size - len)
		return NULL;
	return mem->host + (gpa - mem->gpa);
}

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

int vq_setup(struct virtqueue *vq, const struct vq_guest_mem *mem, uint16_t size,
	     uint64_t desc, uint64_t avail, uint64_t used, bool event_idx,
	     bool indirect, const char **why)
{
	memset(vq, 0, sizeof(*vq));
	if (!size || size > VQ_MAX_SIZE || (size & (size - 1)))
		return refuse(why, "queue size not a power of 2 up to 256");
	if (desc % 16 || avail % 2 || used % 4)
		return refuse(why, "ring not aligned (descriptors 16, available 2, used 4 bytes)");
	vq->desc = guest_range(mem, desc, 16ull * size);
	vq->avail = guest_range(mem, avail, 6 + 2ull * size);
	vq->used = guest_range(mem, used, 6 + 8ull * size);
	if (!vq->desc || !vq->avail || !vq->used)
		return refuse(why, "ring outside guest RAM");
	vq->mem = mem;
	vq->size = size;
	vq->event_idx = event_idx;
	vq->indirect = indirect;
	return 0;
}

static struct desc read_desc(const uint8_t *table, unsigned int i)
{
	struct desc d;

	memcpy(&d, table + 16 * i, sizeof(d));
	return d;
}

/* Follow the chain from @head through at most one indirect table. */
static int walk(struct virtqueue *vq, uint16_t head, struct vq_chain *c, const char **why)
{
	const uint8_t *table = vq->desc;
	unsigned int entries = vq->size, steps = 0, i = head;
	bool indirect = false, writable = false;

	c->head = head;
	c->nr_out = c->nr_in = 0;
	c->out_len = c->in_len = 0;
	if (head >= vq->size)
		return refuse(why, "available ring names a descriptor beyond the queue");
	for (;;) {
		struct desc d = read_desc(table, i);
		uint32_t *total;
		void *buf;

		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (!vq->indirect)
				return refuse(why, "indirect descriptor, but VIRTIO_F_INDIRECT_DESC was not negotiated");
			if (indirect)
				return refuse(why, "indirect descriptor inside an indirect table");
			if (d.flags & VIRTQ_DESC_F_NEXT)
				return refuse(why, "indirect descriptor with NEXT set");
			if (!d.len || d.len % 16 || d.len / 16 > VQ_CHAIN_MAX)
				return refuse(why, "indirect table not 1 to 256 whole descriptors");
			table = guest_range(vq->mem, d.addr, d.len);
			if (!table)
				return refuse(why, "indirect table outside guest RAM");
			entries = d.len / 16;
			indirect = true;
			steps = i = 0;
			continue;
		}
		buf = guest_range(vq->mem, d.addr, d.len);
		if (!buf)
			return refuse(why, "buffer outside guest RAM");
		if (d.flags & VIRTQ_DESC_F_WRITE)
			writable = true;
		else if (writable)
			return refuse(why, "readable buffer after a writable one");
		if (c->nr_out + c->nr_in == VQ_CHAIN_MAX)
			return refuse(why, "chain longer than 256 descriptors");
		total = writable ? &c->in_len : &c->out_len;
		if (d.len > UINT32_MAX - *total)
			return refuse(why, "chain longer than 4 GiB");
		*total += d.len;
		c->iov[c->nr_out + c->nr_in] = (struct iovec){ buf, d.len };
		if (writable)
			c->nr_in++;
		else
			c->nr_out++;
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			return 0;
		if (d.next >= entries)
			return refuse(why, "next descriptor beyond the table");
		/* More steps than entries means one was visited twice. */
		if (++steps >= entries)
			return refuse(why, "descriptor chain loops");
		i = d.next;
	}
}

int vq_pop(struct virtqueue *vq, struct vq_chain *chain, const char **why)
{
	uint16_t avail_idx = __atomic_load_n(AVAIL_IDX(vq), __ATOMIC_ACQUIRE);
	uint16_t head;

	if (avail_idx == vq->last_avail && vq->event_idx) {
		/* Ask for a notification at the next entry, then look again:
		 * one the driver added meanwhile would bring none. */
		__atomic_store_n(AVAIL_EVENT(vq), vq->last_avail, __ATOMIC_RELAXED);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		avail_idx = __atomic_load_n(AVAIL_IDX(vq), __ATOMIC_ACQUIRE);
	}
	if (avail_idx == vq->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - vq->last_avail) > vq->size)
		return refuse(why, "available index moved by more than the queue size");
	head = __atomic_load_n(AVAIL_RING(vq, vq->last_avail % vq->size), __ATOMIC_RELAXED);
	vq->last_avail++;
	return walk(vq, head, chain, why) ?: 1;
}

void vq_unpop(struct virtqueue *vq)
{
	vq->last_avail--;
}

void vq_push(struct virtqueue *vq, uint16_t head, uint32_t len)
{
	uint8_t *elem = USED_ELEM(vq, vq->used_idx % vq->size);
	uint32_t id = head;

	memcpy(elem, &id, 4);
	memcpy(elem + 4, &len, 4);
	vq->used_idx++;
	/* The element is visible before the index that publishes it. */
	__atomic_store_n(USED_IDX(vq), vq->used_idx, __ATOMIC_RELEASE);
}

bool vq_should_interrupt(struct virtqueue *vq)
{
	uint16_t old = vq->signalled_used, now = vq->used_idx, event;
	bool valid = vq->signalled_valid;

	/* The used index is published before the driver's wish is read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	vq->signalled_used = now;
	vq->signalled_valid = true;
	if (!vq->event_idx)
		return !(__atomic_load_n((uint16_t *)vq->avail, __ATOMIC_RELAXED) &
			 VIRTQ_AVAIL_F_NO_INTERRUPT);
	if (!valid)
		return true;
	/* 2.7.10: interrupt if used_event lies in (old, now]. */
	event = __atomic_load_n(USED_EVENT(vq), __ATOMIC_RELAXED);
	return (uint16_t)(now - event - 1) < (uint16_t)(now - old);
}
