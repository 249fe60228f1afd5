// SPDX-License-Identifier: GPL-2.0
/* The GHESv2 region and its ack protocol: see ghes.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ras/ghes.h"
#include "core/le.h"

#define READ_ACK_BIT	1ull

static uint64_t blocks_offset(void)
{
	return GHES_BLOCK_SIZE;
}

uint64_t ghes_region_size(unsigned int nr_sources)
{
	uint64_t size = blocks_offset() + (uint64_t)nr_sources * GHES_BLOCK_SIZE;

	return (size + GHES_REGION_ALIGN - 1) & ~(uint64_t)(GHES_REGION_ALIGN - 1);
}

uint64_t ghes_slot_gpa(const struct ghes_region *r, unsigned int src)
{
	return r->gpa + 8ull * src;
}

uint64_t ghes_ack_gpa(const struct ghes_region *r, unsigned int src)
{
	return r->gpa + 8ull * (r->nr_sources + src);
}

uint64_t ghes_block_gpa(const struct ghes_region *r, unsigned int src)
{
	return r->gpa + blocks_offset() + (uint64_t)src * GHES_BLOCK_SIZE;
}

uint8_t *ghes_block(const struct ghes_region *r, unsigned int src)
{
	return r->mem + (ghes_block_gpa(r, src) - r->gpa);
}

/* The guest writes these concurrently: whole, ordered 64/32-bit accesses. */
static uint64_t *ack_reg(const struct ghes_region *r, unsigned int src)
{
	return (uint64_t *)(r->mem + (ghes_ack_gpa(r, src) - r->gpa));
}

int ghes_region_attach(struct ghes_region *r, uint8_t *mem, uint64_t gpa,
		       unsigned int nr_sources)
{
	if (nr_sources > GHES_MAX_SOURCES)
		return -E2BIG;
	r->sources = calloc(nr_sources, sizeof(*r->sources));
	if (!r->sources)
		return -ENOMEM;
	r->mem = mem;
	r->gpa = gpa;
	r->nr_sources = nr_sources;
	r->size = ghes_region_size(nr_sources);
	return 0;
}

int ghes_region_init(struct ghes_region *r, uint8_t *mem, uint64_t gpa,
		     unsigned int nr_sources)
{
	int ret = ghes_region_attach(r, mem, gpa, nr_sources);

	if (ret)
		return ret;
	memset(mem, 0, r->size);
	for (unsigned int i = 0; i < nr_sources; i++) {
		put_le64(mem + (ghes_slot_gpa(r, i) - gpa), ghes_block_gpa(r, i));
		/* Ready for the first record after (re)boot. */
		put_le64(mem + (ghes_ack_gpa(r, i) - gpa), READ_ACK_BIT);
	}
	return 0;
}

void ghes_region_destroy(struct ghes_region *r)
{
	for (unsigned int i = 0; r->sources && i < r->nr_sources; i++) {
		struct ghes_source *s = &r->sources[i];

		for (unsigned int n = 0; n < s->queued; n++)
			free(s->queue[(s->head + n) % GHES_QUEUE_MAX]);
	}
	free(r->sources);
	r->sources = NULL;
}

bool ghes_acked(struct ghes_region *r, unsigned int src)
{
	struct ghes_source *s = &r->sources[src];
	bool acked = __atomic_load_n(ack_reg(r, src), __ATOMIC_ACQUIRE) & READ_ACK_BIT;

	if (acked && s->awaiting_ack) {
		s->awaiting_ack = false;
		s->count.acked++;
	}
	return acked;
}

/*
 * An encoded block into source @src's block, with the errors this source
 * lost since its last one flagged in block_status, as cper_encode() would
 * have flagged them had the record said so itself.
 */
static void write_block(struct ghes_region *r, unsigned int src, const uint8_t *buf,
			size_t len)
{
	struct ghes_source *s = &r->sources[src];
	uint32_t status = get_le32(buf);

	if (s->lost_uncorrectable)
		status |= CPER_BLOCK_MULTIPLE_UE;
	if (s->lost_corrected)
		status |= CPER_BLOCK_MULTIPLE_CE;
	__atomic_store_n(ack_reg(r, src), 0, __ATOMIC_RELAXED);
	/* Everything but block_status, then block_status: release order. */
	memcpy(ghes_block(r, src) + 4, buf + 4, len - 4);
	put_le32((uint8_t *)&status, status);
	__atomic_store_n((uint32_t *)ghes_block(r, src), status, __ATOMIC_RELEASE);
	s->lost_uncorrectable = s->lost_corrected = false;
	s->awaiting_ack = true;
	s->count.delivered++;
}

static void note_lost(struct ghes_source *s, const struct cper_record *rec)
{
	enum cper_severity sev = cper_record_severity(rec);

	if (sev == CPER_SEV_CORRECTED || sev == CPER_SEV_INFO)
		s->lost_corrected = true;
	else
		s->lost_uncorrectable = true;
}

enum ghes_result ghes_submit(struct ghes_region *r, unsigned int src,
			     const struct cper_record *rec, const struct ras_notice *notice)
{
	struct ghes_source *s = &r->sources[src];
	uint8_t buf[GHES_BLOCK_SIZE];
	struct ghes_queued *q;
	size_t len;

	/* Encoded now: nothing the record points to need outlive the call. */
	len = cper_record_valid(rec) ? cper_encode(rec, buf, sizeof(buf)) : 0;
	if (!len)
		return GHES_INVALID;
	s->count.received++;
	/* Older records go first: a new one may not overtake the queue. */
	if (!s->queued && ghes_acked(r, src)) {
		write_block(r, src, buf, len);
		return GHES_DELIVERED;
	}
	if (s->queued == GHES_QUEUE_MAX || !(q = malloc(sizeof(*q) + len))) {
		s->count.dropped++;
		note_lost(s, rec);
		return GHES_DROPPED;
	}
	q->notice = *notice;
	q->len = len;
	memcpy(q->block, buf, len);
	s->queue[(s->head + s->queued++) % GHES_QUEUE_MAX] = q;
	return GHES_QUEUED;
}

bool ghes_poll(struct ghes_region *r, unsigned int src, struct ras_notice *notice)
{
	struct ghes_source *s = &r->sources[src];
	struct ghes_queued *q;

	/* Looked at even with nothing queued, so the acked count keeps up. */
	if (!ghes_acked(r, src) || !s->queued)
		return false;
	q = s->queue[s->head];
	s->head = (s->head + 1) % GHES_QUEUE_MAX;
	s->queued--;
	write_block(r, src, q->block, q->len);
	*notice = q->notice;
	free(q);
	return true;
}

bool ghes_any_queued(const struct ghes_region *r)
{
	for (unsigned int i = 0; i < r->nr_sources; i++)
		if (r->sources[i].queued)
			return true;
	return false;
}
