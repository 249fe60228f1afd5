// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what a guest's end goes through: its console
 * output into the panic-line watcher (core/panic_line.c) and its accesses
 * to the pvpanic register (hw/pvpanic.c), interleaved as a hostile guest
 * may. The input is a program of at most MAX_STEPS steps. After each:
 *   - the last panic line is absent, or a string of at most PANIC_LINE_MAX
 *     printable ASCII characters, trimmed, that reports a panic;
 *   - a pvpanic read gives the known events (3) in each byte inside the
 *     2-byte register and 0 beyond it, filling exactly the bytes asked
 *     for (ASan: the buffer is that size);
 *   - a write reports exactly the known bits of each byte written inside
 *     the register that has any, in order, and nothing else.
 */
#include <stdlib.h>
#include <string.h>

#include "core/panic_line.h"
#include "hw/pvpanic.h"

#define MAX_STEPS	256

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static unsigned int seen[8], nr_seen;

static void record(void *opaque, unsigned int events)
{
	(void)opaque;
	check(nr_seen < 8);
	seen[nr_seen++] = events;
}

static void check_line(const struct panic_line *pl)
{
	const char *s = panic_line_last(pl);
	size_t n;

	if (!s)
		return;
	n = strlen(s);
	check(n > 0 && n <= PANIC_LINE_MAX);
	check(s[0] != ' ' && s[n - 1] != ' ');
	for (size_t i = 0; i < n; i++)
		check(s[i] >= ' ' && s[i] <= '~');
	check(strstr(s, "Kernel panic") || strstr(s, "panic: "));
}

static void access(struct pvpanic *pv, uint64_t offset, uint32_t len,
		   bool is_write, const uint8_t *val)
{
	uint8_t *data = malloc(len);
	unsigned int want = 0;

	check(data);
	memcpy(data, val, len);
	nr_seen = 0;
	pvpanic_access(pv, offset, data, len, is_write);
	for (uint32_t i = 0; i < len; i++) {
		bool inside = offset + i < PVPANIC_SIZE;

		if (!is_write) {
			check(data[i] == (inside ? PVPANIC_EVENTS : 0));
		} else if (inside && (val[i] & PVPANIC_EVENTS)) {
			check(want < nr_seen && seen[want] == (val[i] & PVPANIC_EVENTS));
			want++;
		}
	}
	if (is_write)
		check(want == nr_seen);
	free(data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct panic_line pl;
	struct pvpanic pv;

	panic_line_init(&pl);
	pvpanic_init(&pv, record, NULL);
	for (int step = 0; step < MAX_STEPS && p < end; step++) {
		uint8_t op = *p++;
		size_t left = end - p;

		if (op & 0x80) {
			/* bits 0-1: 1, 2, 4 or 8 bytes; 2-4: offset 0-7; 5: write */
			uint32_t len = 1u << (op & 3);
			size_t n = len < left ? len : left;
			uint8_t val[8] = { 0 };

			memcpy(val, p, n);
			access(&pv, op >> 2 & 7, len, op & 0x20, val);
			p += n;
		} else {
			/* console output of exactly op bytes (ASan) */
			size_t n = op < left ? op : left;
			uint8_t *out = malloc(n ? n : 1);

			check(out);
			memcpy(out, p, n);
			panic_line_feed(&pl, out, n);
			free(out);
			p += n;
		}
		check_line(&pl);
	}
	return 0;
}
