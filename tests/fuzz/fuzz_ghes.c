// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the GHESv2 region and its ack protocol (ras/ghes.c)
 * fed by the records lkvm makes (ras/records.c, ras/policy.c). The input
 * is a program over a region of 4 to 19 sources in an exact-size heap
 * allocation: host error reports (poisoned extents, processor errors, SEA
 * exits) on the source policy picks, the guest consuming a block as Linux
 * does or writing anything anywhere in the region, lkvm polling, looking
 * at acks, a reboot. Checked:
 *   - a call writes only the block and the ack register of its source,
 *     nothing else in the region and nothing outside it (ASan);
 *   - a block is written only if its ack read 1 before the call; then the
 *     ack reads 0, block_status is set last and non-zero, the block is one
 *     Linux accepts (cper_check), and "delivered" counts it;
 *   - records leave a source in the order they came (numbered in their
 *     notice), a new one never overtaking the queue;
 *   - the queue holds at most GHES_QUEUE_MAX; for every source received =
 *     delivered + queued + dropped, acked <= delivered, and a drop sets the
 *     "multiple errors" bit of its class on the next record written;
 *   - the record makers cover what they are asked, page by page, and
 *     always make progress (the caller loops on what they cover).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "ras/cper.h"
#include "ras/ghes.h"
#include "ras/policy.h"
#include "ras/records.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define GPA		0x47e00000ULL
#define MAX_SOURCES	RAS_NR_SOURCES(16)
#define MAX_OPS		256

/* What the harness expects of each source. */
struct model {
	uint32_t fifo[GHES_QUEUE_MAX];	/* record numbers, oldest first */
	unsigned int head, queued;
	uint64_t received, delivered, dropped;
	bool lost_ue, lost_ce;
};

struct world {
	struct ghes_region r;
	uint8_t *mem, *before;
	uint64_t size;
	unsigned int nr;
	struct model m[MAX_SOURCES];
	uint32_t next_number;
	const uint8_t *p, *end;
};

static uint64_t pick(struct world *w, unsigned int bytes)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes && w->p < w->end; i++)
		v |= (uint64_t)*w->p++ << (8 * i);
	return v;
}

static uint64_t ack_of(struct world *w, unsigned int src)
{
	return get_le64(w->mem + (ghes_ack_gpa(&w->r, src) - GPA));
}

static void snapshot(struct world *w)
{
	memcpy(w->before, w->mem, w->size);
}

static bool changed(struct world *w, uint64_t off, uint64_t len)
{
	return memcmp(w->before + off, w->mem + off, len) != 0;
}

/* After a call on @src: what may have changed, and the counters. */
static void check_source(struct world *w, unsigned int src, bool wrote)
{
	struct ghes_source *s = &w->r.sources[src];
	struct model *m = &w->m[src];
	uint64_t block = ghes_block_gpa(&w->r, src) - GPA;
	uint64_t ack = ghes_ack_gpa(&w->r, src) - GPA;
	bool acked_before = get_le64(w->before + ack) & 1;

	/* Only this source's block and ack register. */
	check(!changed(w, 0, ack));
	check(!changed(w, ack + 8, block - ack - 8));
	check(!changed(w, block + GHES_BLOCK_SIZE, w->size - block - GHES_BLOCK_SIZE));

	if (wrote) {
		const char *why;
		uint32_t status = get_le32(w->mem + block);

		check(acked_before);
		check(ack_of(w, src) == 0);
		check(status != 0);
		check(cper_check(w->mem + block, GHES_BLOCK_SIZE, GHES_BLOCK_SIZE,
				 &why) == CPER_OK);
		if (m->lost_ue)
			check(status & CPER_BLOCK_MULTIPLE_UE);
		if (m->lost_ce)
			check(status & CPER_BLOCK_MULTIPLE_CE);
		m->lost_ue = m->lost_ce = false;
		m->delivered++;
	} else {
		check(!changed(w, ack, 8) && !changed(w, block, GHES_BLOCK_SIZE));
	}

	check(s->count.received == m->received);
	check(s->count.delivered == m->delivered);
	check(s->count.dropped == m->dropped);
	check(s->queued == m->queued && s->queued <= GHES_QUEUE_MAX);
	check(s->count.received == s->count.delivered + s->queued + s->count.dropped);
	check(s->count.acked <= s->count.delivered);
}

static void submit(struct world *w, const struct cper_record *rec,
		   enum ras_notify how, unsigned int vcpu)
{
	unsigned int src = ras_source_for(how, cper_record_severity(rec), vcpu);
	struct model *m;
	enum ghes_result res;
	struct ras_notice notice = { .how = how, .vcpu = vcpu, .iss = w->next_number++ };
	bool empty;

	check(src < w->nr);
	m = &w->m[src];
	empty = !m->queued;
	snapshot(w);
	res = ghes_submit(&w->r, src, rec, &notice);
	switch (res) {
	case GHES_INVALID:
		check(!cper_record_valid(rec));
		check_source(w, src, false);
		return;
	case GHES_DELIVERED:
		/* Only into an empty queue: older records go first. */
		check(empty);
		m->received++;
		check_source(w, src, true);
		return;
	case GHES_QUEUED:
		m->received++;
		m->fifo[(m->head + m->queued++) % GHES_QUEUE_MAX] = notice.iss;
		break;
	case GHES_DROPPED: {
		enum cper_severity sev = cper_record_severity(rec);

		m->received++;
		m->dropped++;
		check(m->queued == GHES_QUEUE_MAX);
		if (sev == CPER_SEV_CORRECTED || sev == CPER_SEV_INFO)
			m->lost_ce = true;
		else
			m->lost_ue = true;
		break;
	}
	default:
		check(0);
	}
	check_source(w, src, false);
}

static void poll_one(struct world *w, unsigned int src)
{
	struct model *m = &w->m[src];
	struct ras_notice notice = { .iss = ~0u };
	bool acked = ack_of(w, src) & 1, wrote;

	snapshot(w);
	wrote = ghes_poll(&w->r, src, &notice);
	check(wrote == (acked && m->queued));
	if (wrote) {
		check(notice.iss == m->fifo[m->head]);
		m->head = (m->head + 1) % GHES_QUEUE_MAX;
		m->queued--;
	}
	check_source(w, src, wrote);
}

/* A host memory error on [gpa, gpa + len): one record per call, as many
 * calls as it takes (arm64/ras.c's report_poison), a few at most here. */
static void report_memory(struct world *w)
{
	uint8_t k = pick(w, 1);
	uint64_t gpa = k & 1 ? pick(w, 8) : 0x40000000ULL + pick(w, 3) * 4096 + pick(w, 2) % 4096;
	uint64_t len = k & 2 ? pick(w, 8) : 1ULL << (pick(w, 1) % 24);
	enum cper_severity sev = (k >> 2) & 3;
	enum ras_notify how = (k >> 4) & 3;
	unsigned int vcpu = pick(w, 1) % (w->nr - RAS_SRC_SEA_FIRST);
	struct cper_record rec;

	for (int i = 0; i < 4 && len; i++) {
		uint64_t want = len, page = gpa & ~(RAS_GUEST_PAGE - 1), done;

		done = ras_memory_record(&rec, gpa, len, sev, k & 0x40);
		/* Progress, never past the extent, page by page from gpa
		 * upwards (never wrapping round to page 0). */
		check(done > 0 && done <= want);
		check(rec.nr_sections >= 1 && rec.nr_sections <= CPER_MAX_SECTIONS);
		check(rec.sections[0].mem.pa == gpa);
		for (unsigned int n = 1; n < rec.nr_sections; n++)
			check(rec.sections[n].mem.pa == page + n * RAS_GUEST_PAGE &&
			      rec.sections[n].mem.pa > page);
		if (done < want)
			check(rec.nr_sections == CPER_MAX_SECTIONS &&
			      done == page + CPER_MAX_SECTIONS * RAS_GUEST_PAGE - gpa);
		else
			check((gpa + done - 1 < gpa ? ~0ULL : gpa + done - 1) -
			      (page + (rec.nr_sections - 1) * RAS_GUEST_PAGE) < RAS_GUEST_PAGE);
		submit(w, &rec, how, vcpu);
		gpa += done;
		len -= done;
	}
}

static void report_processor(struct world *w)
{
	uint8_t k = pick(w, 1);
	uint64_t mpidr = pick(w, 4), gpa = pick(w, 8);
	unsigned int vcpu = pick(w, 1) % (w->nr - RAS_SRC_SEA_FIRST);
	struct cper_record rec;

	if (k & 0x80) {
		struct ras_sea_exit sea = {
			.flags = k & 1, .esr = pick(w, 4), .gva = pick(w, 8), .gpa = gpa,
		};

		ras_sea_exit_record(&rec, &sea, mpidr, 0x410fd0c0);
		check(cper_record_valid(&rec));
		submit(w, &rec, RAS_NOTIFY_SEA, vcpu);
		return;
	}
	ras_processor_record(&rec, mpidr, 0x410fd0c0, (k >> 1) & 3, k & 1, gpa);
	check(cper_record_valid(&rec));
	submit(w, &rec, (k >> 3) & 3, vcpu);
}

/* The guest writes; lkvm's view must not change by itself. */
static void guest_op(struct world *w, uint8_t op)
{
	unsigned int src = pick(w, 1) % w->nr;
	uint64_t ack = ghes_ack_gpa(&w->r, src) - GPA;

	switch (op) {
	case 0:
		/* Linux's ghes_clear_estatus(), then the GHESv2 ack:
		 * preserve ~1, write 1. */
		put_le32(w->mem + (ghes_block_gpa(&w->r, src) - GPA), 0);
		put_le64(w->mem + ack, (ack_of(w, src) & ~1ULL) | 1);
		break;
	case 1:
		put_le64(w->mem + ack, pick(w, 1) & 1 ? pick(w, 8) : pick(w, 1) & 1);
		break;
	default: {
		/* Anything, anywhere in the region: slots, acks, blocks. */
		uint64_t off = pick(w, 3) % w->size;
		unsigned int n = pick(w, 1) % 9;

		for (unsigned int i = 0; i < n && off + i < w->size; i++)
			w->mem[off + i] = pick(w, 1);
		break;
	}
	}
}

static void boot(struct world *w)
{
	check(ghes_region_init(&w->r, w->mem, GPA, w->nr) == 0);
	memset(w->m, 0, sizeof(w->m));
	/* Ready for the first record: every ack reads 1, every block empty. */
	for (unsigned int i = 0; i < w->nr; i++) {
		check(ack_of(w, i) == 1);
		check(get_le64(w->mem + (ghes_slot_gpa(&w->r, i) - GPA)) ==
		      ghes_block_gpa(&w->r, i));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world w;
	int ops = 0;

	if (size < 1)
		return 0;
	memset(&w, 0, sizeof(w));
	w.p = data;
	w.end = data + size;
	w.nr = RAS_NR_SOURCES(1 + pick(&w, 1) % 16);
	w.size = ghes_region_size(w.nr);
	check(w.size % GHES_REGION_ALIGN == 0 &&
	      w.size >= GHES_BLOCK_SIZE * (uint64_t)(w.nr + 1));
	w.mem = malloc(w.size);
	w.before = malloc(w.size);
	check(w.mem && w.before);
	memset(w.mem, 0xaa, w.size);
	boot(&w);

	while (w.p < w.end && ops++ < MAX_OPS) {
		uint8_t op = pick(&w, 1);
		unsigned int src;

		switch (op & 0xf) {
		case 0 ... 2:
			report_memory(&w);
			break;
		case 3 ... 4:
			report_processor(&w);
			break;
		case 5 ... 6:
			guest_op(&w, 0);
			break;
		case 7:
			guest_op(&w, 1);
			break;
		case 8:
			guest_op(&w, 2);
			break;
		case 9 ... 11:
			poll_one(&w, pick(&w, 1) % w.nr);
			break;
		case 12:
			/* arm64/ras.c's ras_poll(): every source in turn. */
			for (src = 0; src < w.nr; src++)
				poll_one(&w, src);
			break;
		case 13: {
			bool acked;

			src = pick(&w, 1) % w.nr;
			snapshot(&w);
			acked = ghes_acked(&w.r, src);
			check(acked == (ack_of(&w, src) & 1));
			check_source(&w, src, false);
			break;
		}
		case 14: {
			bool any = false;

			for (src = 0; src < w.nr; src++)
				any |= w.m[src].queued != 0;
			check(ghes_any_queued(&w.r) == any);
			break;
		}
		default:
			/* A reboot: the queues go, the region is laid out anew. */
			ghes_region_destroy(&w.r);
			boot(&w);
			break;
		}
	}
	ghes_region_destroy(&w.r);
	free(w.mem);
	free(w.before);
	return 0;
}
