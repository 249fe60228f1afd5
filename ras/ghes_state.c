// SPDX-License-Identifier: GPL-2.0
/*
 * The error sources' state for a snapshot: what lkvm keeps beside the
 * region (the blocks and ack registers are guest RAM, saved with it):
 * each source's counts, its lost-error flags, whether it waits for an
 * ack, and its queue of records with their notices. Loaded from a file
 * anyone could have written, it is checked whole first: the counts must
 * balance, every queued block must pass the checks Linux makes
 * (cper_check), every notice must name a vCPU of this VM. Little-endian,
 * pads zero: one encoding per state.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "ras/ghes.h"

#define HEADER_SIZE	8
#define SOURCE_SIZE	40
#define ENTRY_SIZE	16
#define ISS_MAX		0x1ffffff	/* ESR_ELx.ISS: 25 bits */

static size_t padded(size_t len)
{
	return (len + 7) & ~(size_t)7;
}

static const struct ghes_queued *queued_at(const struct ghes_source *s, unsigned int n)
{
	return s->queue[(s->head + n) % GHES_QUEUE_MAX];
}

size_t ghes_state_size(const struct ghes_region *r)
{
	size_t size = HEADER_SIZE + r->nr_sources * SOURCE_SIZE;

	for (unsigned int i = 0; i < r->nr_sources; i++)
		for (unsigned int n = 0; n < r->sources[i].queued; n++)
			size += ENTRY_SIZE + padded(queued_at(&r->sources[i], n)->len);
	return size;
}

void ghes_state_save(const struct ghes_region *r, uint8_t *buf)
{
	uint8_t *p = buf;

	memset(buf, 0, ghes_state_size(r));
	put_le32(p, r->nr_sources);
	p += HEADER_SIZE;
	for (unsigned int i = 0; i < r->nr_sources; i++) {
		const struct ghes_source *s = &r->sources[i];

		p[0] = s->awaiting_ack;
		p[1] = s->lost_uncorrectable;
		p[2] = s->lost_corrected;
		p[3] = s->queued;
		put_le64(p + 8, s->count.received);
		put_le64(p + 16, s->count.delivered);
		put_le64(p + 24, s->count.dropped);
		put_le64(p + 32, s->count.acked);
		p += SOURCE_SIZE;
		for (unsigned int n = 0; n < s->queued; n++) {
			const struct ghes_queued *q = queued_at(s, n);

			p[0] = q->notice.how;
			p[1] = q->notice.sent;
			put_le32(p + 4, q->notice.vcpu);
			put_le32(p + 8, q->notice.iss);
			put_le32(p + 12, q->len);
			memcpy(p + ENTRY_SIZE, q->block, q->len);
			p += ENTRY_SIZE + padded(q->len);
		}
	}
}

static bool zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static int refuse(char *why, size_t why_len, unsigned int src, const char *what)
{
	snprintf(why, why_len, "error source %u: %s", src, what);
	return -EINVAL;
}

/* One queued record at @p, of at most @left bytes: checked, then copied. */
static int load_entry(const uint8_t *p, size_t left, unsigned int nr_vcpus, unsigned int src,
		      struct ghes_queued **out, size_t *used, char *why, size_t why_len)
{
	struct ghes_queued *q;
	const char *bad = NULL;
	uint32_t len;

	if (left < ENTRY_SIZE)
		return refuse(why, why_len, src, "its queue is cut short");
	len = get_le32(p + 12);
	if (!len || len > GHES_BLOCK_SIZE || padded(len) > left - ENTRY_SIZE ||
	    !zero(p + ENTRY_SIZE + len, padded(len) - len))
		return refuse(why, why_len, src, "a queued record of a size no block has");
	if (p[0] == RAS_NOTIFY_DEFAULT || p[0] > RAS_NOTIFY_SDEI || p[1] > 1 ||
	    !zero(p + 2, 2) || get_le32(p + 4) >= nr_vcpus || get_le32(p + 8) > ISS_MAX)
		return refuse(why, why_len, src, "a queued record's notice is out of range");
	if (cper_check(p + ENTRY_SIZE, len, GHES_BLOCK_SIZE, &bad) != CPER_OK)
		return refuse(why, why_len, src, "a queued record Linux would refuse");
	q = malloc(sizeof(*q) + len);
	if (!q)
		return -ENOMEM;
	q->notice = (struct ras_notice){
		.how = p[0], .sent = p[1], .vcpu = get_le32(p + 4), .iss = get_le32(p + 8),
	};
	q->len = len;
	memcpy(q->block, p + ENTRY_SIZE, len);
	*out = q;
	*used = ENTRY_SIZE + padded(len);
	return 0;
}

static void free_sources(struct ghes_source *s, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		for (unsigned int n = 0; n < s[i].queued; n++)
			free(s[i].queue[n]);
	free(s);
}

int ghes_state_load(struct ghes_region *r, unsigned int nr_vcpus, const uint8_t *buf,
		    size_t len, char *why, size_t why_len)
{
	struct ghes_source *loaded;
	size_t off = HEADER_SIZE;
	int ret = 0;

	if (len < HEADER_SIZE || get_le32(buf) != r->nr_sources || get_le32(buf + 4)) {
		snprintf(why, why_len, "the RAS state is for another VM (error sources differ)");
		return -EINVAL;
	}
	loaded = calloc(r->nr_sources, sizeof(*loaded));
	if (!loaded)
		return -ENOMEM;
	for (unsigned int i = 0; i < r->nr_sources && !ret; i++) {
		struct ghes_source *s = &loaded[i];
		const uint8_t *p = buf + off;
		unsigned int queued;

		if (len - off < SOURCE_SIZE) {
			ret = refuse(why, why_len, i, "cut short");
			break;
		}
		queued = p[3];
		s->awaiting_ack = p[0];
		s->lost_uncorrectable = p[1];
		s->lost_corrected = p[2];
		s->count.received = get_le64(p + 8);
		s->count.delivered = get_le64(p + 16);
		s->count.dropped = get_le64(p + 24);
		s->count.acked = get_le64(p + 32);
		/*
		 * received = delivered + queued + dropped, and every delivery
		 * but one still awaited was acknowledged: without wrapping.
		 */
		if (p[0] > 1 || p[1] > 1 || p[2] > 1 || queued > GHES_QUEUE_MAX ||
		    !zero(p + 4, 4) || s->count.delivered > s->count.received ||
		    s->count.dropped > s->count.received - s->count.delivered ||
		    s->count.received - s->count.delivered - s->count.dropped != queued ||
		    s->count.acked > s->count.delivered ||
		    s->count.delivered - s->count.acked != s->awaiting_ack) {
			ret = refuse(why, why_len, i, "counts that do not add up");
			break;
		}
		off += SOURCE_SIZE;
		while (s->queued < queued && !ret) {
			size_t used;

			ret = load_entry(buf + off, len - off, nr_vcpus, i, &s->queue[s->queued],
					 &used, why, why_len);
			if (!ret) {
				s->queued++;
				off += used;
			}
		}
	}
	if (!ret && off != len)
		ret = refuse(why, why_len, r->nr_sources - 1, "followed by bytes that belong to none");
	if (ret) {
		free_sources(loaded, r->nr_sources);
		return ret;
	}
	/* Checked whole: the region's own queues give way to the loaded ones. */
	for (unsigned int i = 0; i < r->nr_sources; i++) {
		struct ghes_source *s = &r->sources[i];

		for (unsigned int n = 0; n < s->queued; n++)
			free(s->queue[(s->head + n) % GHES_QUEUE_MAX]);
		*s = loaded[i];
	}
	free(loaded);
	return 0;
}
