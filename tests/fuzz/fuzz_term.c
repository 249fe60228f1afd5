// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the console's escape filter (Ctrl-a x quits,
 * Ctrl-a Ctrl-a sends one Ctrl-a). The input is a series of terminal
 * reads, each a room (what the console can take) and the bytes typed, as
 * on_console_input() does them. Checked on every read:
 *   - the read is sized by term_read_size() and its filtered output fits
 *     the room: the output buffer is exactly that big, for ASan;
 *   - no byte is made up: the output is the input with escapes taken out,
 *     so it is never longer than the input plus one held Ctrl-a;
 *   - after Ctrl-a x nothing more comes out of that read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/term.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct term term = { .in_fd = -1, .raw = true };
	size_t pos = 0;

	while (pos < size) {
		size_t room = data[pos++] % 64, want, n;
		bool held = term.escape_seen, quit;
		uint8_t *out;

		want = term_read_size(&term, room);
		if (want > size - pos)
			want = size - pos;
		out = malloc(room ? room : 1);
		n = term_filter_input(&term, data + pos, want, out, &quit);
		check(n <= room);
		check(n <= want + held);
		for (size_t i = 0; i < n; i++)
			check(out[i] == TERM_ESCAPE_CHAR || memchr(data + pos, out[i], want));
		if (quit)
			check(!term.escape_seen);
		free(out);
		pos += want;
	}
	return 0;
}
