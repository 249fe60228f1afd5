/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_PANIC_LINE_H
#define LKVM_CORE_PANIC_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PANIC_LINE_MAX	160	/* characters kept of a line, the rest cut */

/*
 * Watches the guest's console output for the last line that reports a
 * panic (Linux's "Kernel panic - not syncing: ...", or "panic: ..."), to
 * name it when the guest resets. Pure; the caller serialises feeds.
 */
struct panic_line {
	char cur[PANIC_LINE_MAX + 1];	/* the line being received */
	size_t cur_len;
	char last[PANIC_LINE_MAX + 1];	/* the last panic line, "" if none */
};

void panic_line_init(struct panic_line *pl);
/* Guest output, any bytes. */
void panic_line_feed(struct panic_line *pl, const uint8_t *buf, size_t len);
/* The last panic line seen (printable ASCII, trimmed), or NULL. */
const char *panic_line_last(const struct panic_line *pl);

#endif
