// SPDX-License-Identifier: GPL-2.0
/* The MMIO bus and the console escape filter. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/mmio.h"
#include "core/term.h"
#include "tests/unit/helpers.h"

struct hit {
	uint64_t offset;
	uint32_t len;
	bool is_write;
	int count;
};

static void record(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		   bool is_write)
{
	struct hit *h = opaque;

	h->offset = offset;
	h->len = len;
	h->is_write = is_write;
	h->count++;
	if (!is_write)
		memset(data, 0x42, len);
}

static void test_mmio_dispatch(void **state)
{
	struct mmio_bus bus = { 0 };
	struct hit a = { 0 }, b = { 0 };
	uint8_t data[8] = { 0 };

	(void)state;
	assert_int_equal(mmio_bus_add(&bus, 0x9000, 0x1000, record, &b, "b"), 0);
	assert_int_equal(mmio_bus_add(&bus, 0x1000, 0x100, record, &a, "a"), 0);
	assert_true(mmio_bus_dispatch(&bus, 0x1010, data, 4, false));
	assert_int_equal(a.count, 1);
	assert_int_equal(a.offset, 0x10);
	assert_int_equal(data[0], 0x42);
	assert_true(mmio_bus_dispatch(&bus, 0x9ff8, data, 8, true));
	assert_int_equal(b.offset, 0xff8);
	assert_true(b.is_write);
	/* Gaps, edges and accesses that straddle the end are not claimed. */
	assert_false(mmio_bus_dispatch(&bus, 0x1100, data, 1, false));
	assert_false(mmio_bus_dispatch(&bus, 0x0fff, data, 1, false));
	assert_false(mmio_bus_dispatch(&bus, 0x10fe, data, 4, false));
	assert_false(mmio_bus_dispatch(&bus, 0xa000, data, 1, false));
	assert_int_equal(a.count, 1);
	assert_int_equal(b.count, 1);
}

static void test_mmio_overlap_and_capacity(void **state)
{
	struct mmio_bus bus = { 0 };
	struct hit h = { 0 };

	(void)state;
	assert_int_equal(mmio_bus_add(&bus, 0x1000, 0x1000, record, &h, "x"), 0);
	assert_int_equal(mmio_bus_add(&bus, 0x1fff, 0x10, record, &h, "y"), -EEXIST);
	assert_int_equal(mmio_bus_add(&bus, 0x0800, 0x801, record, &h, "z"), -EEXIST);
	assert_int_equal(mmio_bus_add(&bus, 0x2000, 0x10, record, &h, "w"), 0);
	for (unsigned int i = 2; i < MMIO_MAX_REGIONS; i++)
		assert_int_equal(mmio_bus_add(&bus, 0x100000 * i, 0x10, record, &h, "n"), 0);
	assert_int_equal(mmio_bus_add(&bus, 0x900000000, 0x10, record, &h, "full"), -ENOSPC);
	/* Still sorted: every region is found. */
	for (unsigned int i = 2; i < MMIO_MAX_REGIONS; i++) {
		uint8_t d[1];

		assert_true(mmio_bus_dispatch(&bus, 0x100000 * i + 4, d, 1, false));
	}
}

static size_t filter(struct term *t, const char *in, char *out, bool *quit)
{
	return term_filter_input(t, (const uint8_t *)in, strlen(in),
				 (uint8_t *)out, quit);
}

static void test_escape_sequences(void **state)
{
	struct term t = { .in_fd = -1 };
	char out[64];
	bool quit;
	size_t n;

	(void)state;
	n = filter(&t, "ls\r", out, &quit);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "ls\r", 3);
	assert_false(quit);

	/* Ctrl-a Ctrl-a sends one Ctrl-a; Ctrl-a then another key sends both. */
	n = filter(&t, "\x01\x01" "a\x01" "b", out, &quit);
	assert_int_equal(n, 4);
	assert_memory_equal(out, "\x01" "a\x01" "b", 4);
	assert_false(quit);

	/* Ctrl-a x quits; what came before it still reaches the guest. */
	n = filter(&t, "ok\x01x" "ignored", out, &quit);
	assert_true(quit);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "ok", 2);

	/* The escape may arrive split across two reads. */
	n = filter(&t, "\x01", out, &quit);
	assert_int_equal(n, 0);
	assert_false(quit);
	n = filter(&t, "x", out, &quit);
	assert_true(quit);
}

/*
 * A read that ends in Ctrl-a holds it; the next read's first key then
 * brings it out in front. With the console's 256-byte room that was 257
 * bytes into a 256-byte buffer: the read must leave the held byte room.
 */
static void test_held_escape_fits_the_room(void **state)
{
	enum { ROOM = 256 };
	struct term t = { .in_fd = -1 };
	uint8_t in[ROOM], *out = malloc(ROOM);	/* exact size, for ASan */
	size_t want, n;
	bool quit;

	(void)state;
	memset(in, 'k', sizeof(in));
	in[ROOM - 1] = TERM_ESCAPE_CHAR;
	assert_int_equal(term_read_size(&t, ROOM), ROOM);
	n = term_filter_input(&t, in, ROOM, out, &quit);
	assert_int_equal(n, ROOM - 1);
	assert_true(t.escape_seen);

	want = term_read_size(&t, ROOM);
	assert_int_equal(want, ROOM - 1);
	n = term_filter_input(&t, in, want, out, &quit);
	assert_int_equal(n, ROOM);
	assert_int_equal(out[0], TERM_ESCAPE_CHAR);
	assert_int_equal(out[1], 'k');
	assert_false(quit);

	/* No room but the held byte's: read nothing. */
	t.escape_seen = true;
	assert_int_equal(term_read_size(&t, 1), 0);
	assert_int_equal(term_read_size(&t, 0), 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmio_dispatch),
		cmocka_unit_test(test_mmio_overlap_and_capacity),
		cmocka_unit_test(test_escape_sequences),
		cmocka_unit_test(test_held_escape_fits_the_room),
	};

	return cmocka_run_group_tests_name("bus+term", tests, NULL, NULL);
}
