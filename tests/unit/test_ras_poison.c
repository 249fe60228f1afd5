// SPDX-License-Identifier: GPL-2.0
/* The set of poisoned guest extents and its snapshot encoding. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "ras/poison.h"
#include "tests/unit/helpers.h"

#define RAM	0x40000000ull
#define RAM_SIZE (64ull << 20)
#define PAGE	4096ull

static void expect_extents(const struct ras_poison *p, const struct ras_extent *want,
			   unsigned int nr)
{
	assert_int_equal(p->nr, nr);
	for (unsigned int i = 0; i < nr; i++) {
		assert_int_equal(p->e[i].gpa, want[i].gpa);
		assert_int_equal(p->e[i].size, want[i].size);
	}
}

static void test_add_sorts_and_merges(void **state)
{
	struct ras_poison p = { 0 };

	(void)state;
	ras_poison_add(&p, RAM + 5 * PAGE, PAGE);
	ras_poison_add(&p, RAM + 1 * PAGE, PAGE);
	ras_poison_add(&p, RAM + 9 * PAGE, PAGE);
	expect_extents(&p, (struct ras_extent[]){
		{ RAM + PAGE, PAGE }, { RAM + 5 * PAGE, PAGE }, { RAM + 9 * PAGE, PAGE },
	}, 3);
	/* The same page again, as a vCPU that consumes it reports it. */
	ras_poison_add(&p, RAM + 5 * PAGE, PAGE);
	assert_int_equal(p.nr, 3);
	/* Touching the one before: one extent. */
	ras_poison_add(&p, RAM + 4 * PAGE, PAGE);
	expect_extents(&p, (struct ras_extent[]){
		{ RAM + PAGE, PAGE }, { RAM + 4 * PAGE, 2 * PAGE }, { RAM + 9 * PAGE, PAGE },
	}, 3);
	/* A huge page over two of them swallows both. */
	ras_poison_add(&p, RAM, 8 * PAGE);
	expect_extents(&p, (struct ras_extent[]){
		{ RAM, 8 * PAGE }, { RAM + 9 * PAGE, PAGE },
	}, 2);
	/* Bridging the gap. */
	ras_poison_add(&p, RAM + 8 * PAGE, PAGE);
	expect_extents(&p, (struct ras_extent[]){ { RAM, 10 * PAGE } }, 1);
	/* Nothing, and a wrapping extent, change nothing. */
	ras_poison_add(&p, RAM + 20 * PAGE, 0);
	ras_poison_add(&p, ~0ull - PAGE + 1, 2 * PAGE);
	expect_extents(&p, (struct ras_extent[]){ { RAM, 10 * PAGE } }, 1);
	assert_false(p.overflowed);
}

static void test_remove(void **state)
{
	struct ras_poison p = { 0 };

	(void)state;
	ras_poison_add(&p, RAM, 4 * PAGE);
	ras_poison_add(&p, RAM + 8 * PAGE, 4 * PAGE);
	ras_poison_add(&p, RAM + 16 * PAGE, PAGE);
	/* Exactly one extent; then the head of one and the tail of another. */
	ras_poison_remove(&p, RAM + 16 * PAGE, PAGE);
	ras_poison_remove(&p, RAM + 3 * PAGE, 6 * PAGE);
	expect_extents(&p, (struct ras_extent[]){
		{ RAM, 3 * PAGE }, { RAM + 9 * PAGE, 3 * PAGE },
	}, 2);
	/* A hole in the middle splits it; outside any, nothing changes. */
	ras_poison_remove(&p, RAM + PAGE, PAGE);
	ras_poison_remove(&p, RAM + 20 * PAGE, PAGE);
	ras_poison_remove(&p, RAM + 9 * PAGE, 0);
	expect_extents(&p, (struct ras_extent[]){
		{ RAM, PAGE }, { RAM + 2 * PAGE, PAGE }, { RAM + 9 * PAGE, 3 * PAGE },
	}, 3);
	/* Everything at once. */
	ras_poison_remove(&p, RAM, 16 * PAGE);
	assert_int_equal(p.nr, 0);
	assert_false(p.overflowed);
}

static void test_next(void **state)
{
	struct ras_poison p = { 0 };

	(void)state;
	assert_null(ras_poison_next(&p, 0));
	ras_poison_add(&p, RAM + 2 * PAGE, PAGE);
	ras_poison_add(&p, RAM + 6 * PAGE, 2 * PAGE);
	assert_ptr_equal(ras_poison_next(&p, RAM), &p.e[0]);
	assert_ptr_equal(ras_poison_next(&p, RAM + 3 * PAGE - 1), &p.e[0]);
	assert_ptr_equal(ras_poison_next(&p, RAM + 3 * PAGE), &p.e[1]);
	assert_ptr_equal(ras_poison_next(&p, RAM + 7 * PAGE), &p.e[1]);
	assert_null(ras_poison_next(&p, RAM + 8 * PAGE));
}

static void test_bounded(void **state)
{
	struct ras_poison *p = calloc(1, sizeof(*p));

	(void)state;
	for (unsigned int i = 0; i < RAS_POISON_MAX; i++)
		ras_poison_add(p, RAM + 2 * i * PAGE, PAGE);
	assert_int_equal(p->nr, RAS_POISON_MAX);
	assert_false(p->overflowed);
	/* Merging still works when full; a new extent is only noted. */
	ras_poison_add(p, RAM + PAGE, PAGE);
	assert_int_equal(p->nr, RAS_POISON_MAX - 1);
	ras_poison_add(p, RAM + 2 * RAS_POISON_MAX * PAGE, PAGE);
	ras_poison_add(p, RAM + 2 * (RAS_POISON_MAX + 1) * PAGE, PAGE);
	assert_int_equal(p->nr, RAS_POISON_MAX);
	assert_true(p->overflowed);
	/* Full, a split has no slot: noted, the extent left whole. */
	p->overflowed = false;
	ras_poison_add(p, RAM + 4 * PAGE, 3 * PAGE);
	assert_int_equal(p->nr, RAS_POISON_MAX - 1);
	ras_poison_add(p, RAM + 2 * (RAS_POISON_MAX + 2) * PAGE, PAGE);
	ras_poison_remove(p, RAM + 5 * PAGE, PAGE);
	assert_true(p->overflowed);
	assert_int_equal(p->e[1].gpa, RAM + 4 * PAGE);
	assert_int_equal(p->e[1].size, 3 * PAGE);
	free(p);
}

static void test_state_round_trip(void **state)
{
	struct ras_poison p = { 0 }, q = { .nr = 7, .overflowed = true };
	uint8_t buf[8 + 3 * 16], again[sizeof(buf)];
	char why[160];

	(void)state;
	ras_poison_add(&p, RAM, PAGE);
	ras_poison_add(&p, RAM + 16 * PAGE, 16 * PAGE);
	ras_poison_add(&p, RAM + RAM_SIZE - PAGE, PAGE);
	assert_int_equal(ras_poison_state_size(&p), sizeof(buf));
	ras_poison_state_save(&p, buf);
	/* The layout, field by field. */
	assert_int_equal(get_le32(buf), 3);
	assert_int_equal(get_le32(buf + 4), 0);
	assert_int_equal(get_le64(buf + 8 + 16), RAM + 16 * PAGE);
	assert_int_equal(get_le64(buf + 8 + 24), 16 * PAGE);
	assert_int_equal(ras_poison_state_load(&q, buf, sizeof(buf), RAM, RAM_SIZE, PAGE,
					       why, sizeof(why)), 0);
	assert_false(q.overflowed);
	expect_extents(&q, p.e, 3);
	ras_poison_state_save(&q, again);
	assert_memory_equal(again, buf, sizeof(buf));
	/* An empty set is 8 bytes and loads as one. */
	p.nr = 0;
	ras_poison_state_save(&p, buf);
	assert_int_equal(ras_poison_state_load(&q, buf, 8, RAM, RAM_SIZE, PAGE, why,
					       sizeof(why)), 0);
	assert_int_equal(q.nr, 0);
}

/* Extent 1 of a two-extent list set to @gpa, @size: refused, @p unchanged. */
static void refused(uint64_t gpa, uint64_t size)
{
	struct ras_poison p = { 0 }, before;
	uint8_t buf[8 + 2 * 16];
	char why[160] = "";

	ras_poison_add(&p, RAM + 4 * PAGE, PAGE);
	ras_poison_add(&p, RAM + 8 * PAGE, PAGE);
	before = p;
	ras_poison_state_save(&p, buf);
	put_le64(buf + 8 + 16, gpa);
	put_le64(buf + 8 + 24, size);
	assert_int_equal(ras_poison_state_load(&p, buf, sizeof(buf), RAM, RAM_SIZE, PAGE,
					       why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "poisoned extent 1"));
	assert_null(strchr(why, '\n'));
	assert_memory_equal(&p, &before, sizeof(p));
}

static void test_state_refusals(void **state)
{
	struct ras_poison p = { 0 };
	uint8_t buf[8 + 16];
	char why[160];

	(void)state;
	refused(RAM + 8 * PAGE + 1, PAGE);		/* not page aligned */
	refused(RAM + 8 * PAGE, PAGE + 1);		/* not whole pages */
	refused(RAM + 8 * PAGE, 0);			/* empty */
	refused(RAM + 4 * PAGE, PAGE);			/* the same as the one before */
	refused(RAM + 2 * PAGE, PAGE);			/* before it */
	refused(RAM + 5 * PAGE, PAGE);			/* touching it: two for one */
	refused(RAM + RAM_SIZE, PAGE);			/* past RAM */
	refused(RAM + RAM_SIZE - PAGE, 2 * PAGE);	/* running past RAM */
	refused(RAM + 8 * PAGE, ~0ull - PAGE + 1);	/* wrapping */
	refused(~0ull - PAGE + 1, PAGE);		/* far past RAM */

	ras_poison_add(&p, RAM - PAGE, PAGE);		/* below RAM */
	ras_poison_state_save(&p, buf);
	assert_int_equal(ras_poison_state_load(&p, buf, sizeof(buf), RAM, RAM_SIZE, PAGE, why,
					       sizeof(why)), -EINVAL);
	/* Cut short, too long, a count past the bound, a non-zero pad. */
	for (size_t len = 0; len < sizeof(buf); len++)
		assert_int_equal(ras_poison_state_load(&p, buf, len, RAM, RAM_SIZE, PAGE, why,
						       sizeof(why)), -EINVAL);
	put_le32(buf, RAS_POISON_MAX + 1);
	assert_int_equal(ras_poison_state_load(&p, buf, sizeof(buf), RAM, RAM_SIZE, PAGE, why,
					       sizeof(why)), -EINVAL);
	put_le32(buf, 1);
	put_le32(buf + 4, 1);
	assert_int_equal(ras_poison_state_load(&p, buf, sizeof(buf), RAM, RAM_SIZE, PAGE, why,
					       sizeof(why)), -EINVAL);
	assert_string_equal(why, "the poisoned pages' list is malformed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_sorts_and_merges),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_next),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
