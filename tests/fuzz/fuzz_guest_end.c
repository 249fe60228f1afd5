// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for what a guest's end goes through: its console
 * output into the panic-line watcher (core/panic_line.c), in pieces of
 * any size. The input is a program of at most MAX_STEPS steps. After
 * each, the last panic line is absent, or a string of at most
 * PANIC_LINE_MAX printable ASCII characters, trimmed, that reports a
 * panic; every feed reads exactly its bytes (ASan: the buffer is that
 * size).
 */
#include <stdlib.h>
#include <string.h>

#include "core/panic_line.h"

#define MAX_STEPS	256

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

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

static void console_output(struct panic_line *pl, const uint8_t *p, size_t n)
{
	uint8_t *out = malloc(n ? n : 1);

	check(out);
	memcpy(out, p, n);
	panic_line_feed(pl, out, n);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct panic_line pl;

	panic_line_init(&pl);
	for (int step = 0; step < MAX_STEPS && p < end; step++) {
		size_t n = *p++ & 0x7f;

		if (n > (size_t)(end - p))
			n = end - p;
		console_output(&pl, p, n);
		p += n;
		check_line(&pl);
	}
	return 0;
}
