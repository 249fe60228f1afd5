// SPDX-License-Identifier: GPL-2.0
/*
 * The last console line that reports a panic. A line is kept only up to
 * PANIC_LINE_MAX characters and every byte outside printable ASCII is
 * shown as '?', so whatever the guest prints, the line lkvm prints stays
 * one short line. Stack frames ("panic+0x1c/0x2b0") and parameters
 * ("panic=-1") mention the word too; only the reports count.
 */
#include <string.h>

#include "core/panic_line.h"

void panic_line_init(struct panic_line *pl)
{
	memset(pl, 0, sizeof(*pl));
}

static bool reports_panic(const char *line)
{
	return strstr(line, "Kernel panic") || strstr(line, "panic: ");
}

static void end_line(struct panic_line *pl)
{
	char *s = pl->cur;
	size_t n = pl->cur_len;

	while (n && s[n - 1] == ' ')
		n--;
	s[n] = '\0';
	while (*s == ' ')
		s++;
	if (*s && reports_panic(s))
		memmove(pl->last, s, strlen(s) + 1);
	pl->cur_len = 0;
}

void panic_line_feed(struct panic_line *pl, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		uint8_t c = buf[i];

		if (c == '\n') {
			end_line(pl);
			continue;
		}
		if (c == '\r')
			continue;
		if (c == '\t')
			c = ' ';
		else if (c < ' ' || c > '~')
			c = '?';
		if (pl->cur_len < PANIC_LINE_MAX)
			pl->cur[pl->cur_len++] = c;
	}
}

const char *panic_line_last(const struct panic_line *pl)
{
	return pl->last[0] ? pl->last : NULL;
}
