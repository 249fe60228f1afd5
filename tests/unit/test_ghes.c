// SPDX-License-Identifier: GPL-2.0
/* The GHESv2 region layout and its ack protocol, with a guest stand-in. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ras/ghes.h"
#include "core/le.h"
#include "tests/unit/helpers.h"

#define GPA 0x47e00000ull
#define NR 5

struct fixture {
	struct ghes_region r;
	uint8_t *mem;
};

/* A record's notice, numbered in .vcpu so that its order can be seen. */
#define NOTE(n)	(&(struct ras_notice){ .how = RAS_NOTIFY_SERROR, .vcpu = (n), .iss = 0x1000 + (n) })

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->mem = malloc(ghes_region_size(NR));
	memset(f->mem, 0xaa, ghes_region_size(NR));
	assert_int_equal(ghes_region_init(&f->r, f->mem, GPA, NR), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ghes_region_destroy(&f->r);
	free(f->mem);
	free(f);
	return 0;
}

static struct cper_record record(uint64_t pa, enum cper_severity sev)
{
	struct cper_record rec = { .nr_sections = 1 };

	rec.sections[0].kind = CPER_SECTION_MEMORY;
	rec.sections[0].severity = sev;
	rec.sections[0].mem.valid = CPER_MEM_VALID_PA;
	rec.sections[0].mem.pa = pa;
	return rec;
}

/* What the guest sees, at guest addresses. */
static uint8_t *at(struct fixture *f, uint64_t gpa)
{
	return f->mem + (gpa - GPA);
}

static uint64_t block_pa(struct fixture *f, unsigned int src)
{
	/* status block -> first entry -> memory section -> PA */
	return get_le64(at(f, get_le64(at(f, ghes_slot_gpa(&f->r, src)))) + 20 + 72 + 16);
}

/* Linux's ghes_clear_estatus(): block_status = 0, then the read ack. */
static void guest_consume(struct fixture *f, unsigned int src)
{
	uint8_t *block = at(f, get_le64(at(f, ghes_slot_gpa(&f->r, src))));
	uint8_t *ack = at(f, ghes_ack_gpa(&f->r, src));

	put_le32(block, 0);
	put_le64(ack, (get_le64(ack) & ~1ull) | 1);
}

static void check_balance(const struct ghes_source *s)
{
	assert_int_equal(s->count.received,
			 s->count.delivered + s->queued + s->count.dropped);
}

static void test_layout(void **state)
{
	struct fixture *f = *state;

	(void)state;
	assert_int_equal(ghes_region_size(NR), 0x10000);
	assert_int_equal(ghes_region_size(13), 0x10000);	/* 4 KiB + 13 * 4 KiB */
	assert_int_equal(ghes_region_size(16), 0x20000);
	for (unsigned int i = 0; i < NR; i++) {
		/* slot i holds block i's address; ack i reads 1; block empty */
		assert_int_equal(ghes_slot_gpa(&f->r, i), GPA + 8 * i);
		assert_int_equal(ghes_ack_gpa(&f->r, i), GPA + 8 * (NR + i));
		assert_int_equal(get_le64(at(f, GPA + 8 * i)), GPA + 4096 * (i + 1));
		assert_int_equal(get_le64(at(f, GPA + 8 * (NR + i))), 1);
		assert_int_equal(get_le32(at(f, GPA + 4096 * (i + 1))), 0);
	}
	/* Too many sources for the slot page. */
	assert_int_equal(ghes_region_init(&(struct ghes_region){ 0 }, f->mem, GPA, 257), -E2BIG);
}

static void test_deliver_then_busy_then_ack(void **state)
{
	struct fixture *f = *state;
	struct ghes_source *s = &f->r.sources[2];
	struct cper_record a = record(0x40001000, CPER_SEV_RECOVERABLE);
	struct cper_record b = record(0x40002000, CPER_SEV_RECOVERABLE);
	struct ras_notice got = { 0 };

	assert_int_equal(ghes_submit(&f->r, 2, &a, NOTE(11)), GHES_DELIVERED);
	assert_int_equal(get_le64(at(f, ghes_ack_gpa(&f->r, 2))), 0);
	assert_int_equal(block_pa(f, 2), 0x40001000);
	assert_int_equal(get_le32(ghes_block(&f->r, 2)), 0x11);
	/* Busy until the guest acks: the next one waits, the block is kept. */
	assert_int_equal(ghes_submit(&f->r, 2, &b, NOTE(22)), GHES_QUEUED);
	assert_false(ghes_poll(&f->r, 2, &got));
	assert_int_equal(block_pa(f, 2), 0x40001000);
	assert_true(ghes_any_queued(&f->r));
	/* Clearing block_status alone is not an ack (GHESv2). */
	put_le32(ghes_block(&f->r, 2), 0);
	assert_false(ghes_poll(&f->r, 2, &got));
	guest_consume(f, 2);
	assert_true(ghes_poll(&f->r, 2, &got));
	assert_int_equal(got.vcpu, 22);
	assert_int_equal(got.how, RAS_NOTIFY_SERROR);
	assert_int_equal(got.iss, 0x1000 + 22);
	assert_int_equal(block_pa(f, 2), 0x40002000);
	assert_false(ghes_any_queued(&f->r));
	assert_int_equal(s->count.received, 2);
	assert_int_equal(s->count.delivered, 2);
	assert_int_equal(s->count.acked, 1);
	check_balance(s);
	/* Other sources are untouched. */
	assert_int_equal(get_le32(ghes_block(&f->r, 1)), 0);
	assert_int_equal(get_le64(at(f, ghes_ack_gpa(&f->r, 1))), 1);
}

static void test_queue_keeps_order(void **state)
{
	struct fixture *f = *state;
	struct ras_notice got;

	for (unsigned int i = 0; i < 4; i++) {
		struct cper_record rec = record(0x40000000 + 4096 * i, CPER_SEV_CORRECTED);

		assert_int_equal(ghes_submit(&f->r, 0, &rec, NOTE(i)),
				 i ? GHES_QUEUED : GHES_DELIVERED);
	}
	for (unsigned int i = 1; i < 4; i++) {
		guest_consume(f, 0);
		/* A new error may not overtake the queued ones. */
		if (i == 2) {
			struct cper_record late = record(0x50000000, CPER_SEV_CORRECTED);

			assert_int_equal(ghes_submit(&f->r, 0, &late, NOTE(99)), GHES_QUEUED);
		}
		assert_true(ghes_poll(&f->r, 0, &got));
		assert_int_equal(got.vcpu, i);
		assert_int_equal(block_pa(f, 0), 0x40000000 + 4096 * i);
	}
	guest_consume(f, 0);
	assert_true(ghes_poll(&f->r, 0, &got));
	assert_int_equal(got.vcpu, 99);
	check_balance(&f->r.sources[0]);
}

static void test_overflow_counts_and_flags(void **state)
{
	struct fixture *f = *state;
	struct ghes_source *s = &f->r.sources[1];
	struct cper_record ue = record(0x40000000, CPER_SEV_FATAL);
	struct cper_record ce = record(0x40000000, CPER_SEV_CORRECTED);
	struct ras_notice got;
	unsigned int n;

	assert_int_equal(ghes_submit(&f->r, 1, &ce, NOTE(0)), GHES_DELIVERED);
	for (n = 0; n < GHES_QUEUE_MAX; n++)
		assert_int_equal(ghes_submit(&f->r, 1, &ce, NOTE(n)), GHES_QUEUED);
	assert_int_equal(ghes_submit(&f->r, 1, &ue, NOTE(0)), GHES_DROPPED);
	assert_int_equal(s->count.dropped, 1);
	check_balance(s);
	/* The next record delivered says uncorrectable errors were lost. */
	guest_consume(f, 1);
	assert_true(ghes_poll(&f->r, 1, &got));
	assert_int_equal(get_le32(ghes_block(&f->r, 1)),
			 CPER_BLOCK_CE_VALID | CPER_BLOCK_MULTIPLE_UE | 1 << 4);
	/* ... once. */
	guest_consume(f, 1);
	assert_true(ghes_poll(&f->r, 1, &got));
	assert_int_equal(get_le32(ghes_block(&f->r, 1)), CPER_BLOCK_CE_VALID | 1 << 4);
	check_balance(s);
	/* Drain; nothing is lost without a count. */
	while (guest_consume(f, 1), ghes_poll(&f->r, 1, &got))
		;
	assert_int_equal(s->count.received, GHES_QUEUE_MAX + 2);
	assert_int_equal(s->count.delivered, GHES_QUEUE_MAX + 1);
	assert_int_equal(s->count.acked, GHES_QUEUE_MAX + 1);
	check_balance(s);
}

static void test_invalid_records(void **state)
{
	struct fixture *f = *state;
	struct cper_record big = record(0x40000000, CPER_SEV_CORRECTED);

	big.nr_sections = 0;
	assert_int_equal(ghes_submit(&f->r, 3, &big, NOTE(0)), GHES_INVALID);
	/* 16 ARM sections with a 256-byte context each exceed 4 KiB. */
	big.nr_sections = CPER_MAX_SECTIONS;
	for (unsigned int i = 0; i < CPER_MAX_SECTIONS; i++) {
		static const uint8_t regs[256];

		big.sections[i].kind = CPER_SECTION_ARM;
		big.sections[i].severity = CPER_SEV_CORRECTED;
		big.sections[i].arm = (struct cper_arm_error){
			.nr_err_info = 1, .ctx_size = sizeof(regs), .ctx_regs = regs,
		};
	}
	assert_int_equal(ghes_submit(&f->r, 3, &big, NOTE(0)), GHES_INVALID);
	assert_int_equal(f->r.sources[3].count.received, 0);
}

/*
 * A snapshot of the sources while records wait (source 0: one in its
 * block, three queued; source 1: a full queue and a dropped fatal error),
 * loaded into a second region over a copy of the guest's memory, as a
 * restore has it: both then write the same blocks with the same notices.
 */
/* Notices a 2-vCPU VM can have, numbered in their syndrome. */
#define VCPU_NOTE(n)	(&(struct ras_notice){ .how = RAS_NOTIFY_SERROR, .vcpu = (n) % 2, .iss = (n) })

static void busy_sources(struct fixture *f)
{
	struct cper_record ce = record(0x40000000, CPER_SEV_CORRECTED);
	struct cper_record ue = record(0x40001000, CPER_SEV_FATAL);

	for (unsigned int i = 0; i < 4; i++) {
		struct cper_record rec = record(0x40000000 + 4096 * i, CPER_SEV_CORRECTED);

		ghes_submit(&f->r, 0, &rec, VCPU_NOTE(i));
	}
	for (unsigned int n = 0; n <= GHES_QUEUE_MAX; n++)
		ghes_submit(&f->r, 1, &ce, VCPU_NOTE(n));
	assert_int_equal(ghes_submit(&f->r, 1, &ue, VCPU_NOTE(0)), GHES_DROPPED);
}

/* Saved with records delivered, queued and awaiting acks; loaded into a
 * region attached to a copy of the guest's RAM: both go on alike. */
static void test_state_save_load(void **state)
{
	struct fixture *f = *state, *g;
	void *other;
	size_t size;
	uint8_t *saved, *again;
	unsigned int written = 0;
	char why[128];

	busy_sources(f);
	size = ghes_state_size(&f->r);
	saved = malloc(size);
	again = malloc(size);
	ghes_state_save(&f->r, saved);
	/* As a restore has it: the guest's RAM copied, the region attached
	 * to it without a byte written, then the state loaded. */
	g = calloc(1, sizeof(*g));
	other = g;
	g->mem = malloc(ghes_region_size(NR));
	memcpy(g->mem, f->mem, ghes_region_size(NR));
	assert_int_equal(ghes_region_attach(&g->r, g->mem, GPA, NR), 0);
	assert_memory_equal(g->mem, f->mem, ghes_region_size(NR));
	assert_true(g->r.gpa == GPA && g->r.nr_sources == NR &&
		    g->r.size == ghes_region_size(NR));
	if (ghes_state_load(&g->r, NR - RAS_SRC_SEA_FIRST, saved, size, why, sizeof(why)))
		fail_msg("load: %s", why);
	assert_int_equal(ghes_state_size(&g->r), size);
	ghes_state_save(&g->r, again);
	assert_memory_equal(again, saved, size);
	for (unsigned int src = 0; src < 2; src++) {
		struct ras_notice a, b;

		for (;;) {
			bool wa, wb;

			guest_consume(f, src);
			guest_consume(g, src);
			wa = ghes_poll(&f->r, src, &a);
			wb = ghes_poll(&g->r, src, &b);
			assert_int_equal(wa, wb);
			if (!wa)
				break;
			written++;
			assert_true(a.how == b.how && a.sent == b.sent && a.vcpu == b.vcpu &&
				    a.iss == b.iss);
			assert_memory_equal(ghes_block(&g->r, src), ghes_block(&f->r, src),
					    GHES_BLOCK_SIZE);
		}
		assert_memory_equal(&g->r.sources[src].count, &f->r.sources[src].count,
				    sizeof(f->r.sources[src].count));
	}
	assert_int_equal(written, 3 + GHES_QUEUE_MAX);
	teardown(&other);
	free(saved);
	free(again);
}

/* Broken one way at a time: refused, the region's queues as they were. */
static void test_state_load_refusals(void **state)
{
	struct fixture *f = *state, *g;
	size_t size, entry0 = 8 + 40;	/* source 0's first queued record */
	uint8_t *saved, *bad, *before, *after;
	size_t before_size;
	void *other;
	char why[128];

	busy_sources(f);
	size = ghes_state_size(&f->r);
	saved = malloc(size);
	bad = malloc(size + 8);
	ghes_state_save(&f->r, saved);
	setup(&other);
	g = other;
	busy_sources(g);
	before_size = ghes_state_size(&g->r);
	before = malloc(before_size);
	after = malloc(before_size);
	ghes_state_save(&g->r, before);
	for (int i = 0; i < 7; i++) {
		const char *want;
		size_t len = size;
		unsigned int vcpus = NR - RAS_SRC_SEA_FIRST;

		memcpy(bad, saved, size);
		switch (i) {
		case 0:
			vcpus = 1;
			put_le32(bad, NR + 1);
			want = "the RAS state is for another VM (error sources differ)";
			break;
		case 1:
			put_le64(bad + 8 + 8, 5);	/* source 0 received 5, not 4 */
			want = "error source 0: counts that do not add up";
			break;
		case 2:
			put_le64(bad + 8 + 32, 2);	/* acked more than delivered */
			want = "error source 0: counts that do not add up";
			break;
		case 3:
			put_le32(bad + entry0 + 4, vcpus);
			want = "error source 0: a queued record's notice is out of range";
			break;
		case 4:
			/* The block's data length past its end. */
			put_le32(bad + entry0 + 16 + 12, 0x10000);
			want = "error source 0: a queued record Linux would refuse";
			break;
		case 5:
			bad[size] = 0;
			len = size + 8;
			want = "error source 4: followed by bytes that belong to none";
			break;
		default:
			len = size - 8;
			want = "error source 4: cut short";
			break;
		}
		assert_int_equal(ghes_state_load(&g->r, vcpus, bad, len, why, sizeof(why)), -EINVAL);
		if (strcmp(why, want))
			fail_msg("case %d: '%s', want '%s'", i, why, want);
		assert_int_equal(ghes_state_size(&g->r), before_size);
		ghes_state_save(&g->r, after);
		assert_memory_equal(after, before, before_size);
	}
	teardown(&other);
	free(saved);
	free(bad);
	free(before);
	free(after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deliver_then_busy_then_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_queue_keeps_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overflow_counts_and_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_save_load, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_load_refusals, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
