// SPDX-License-Identifier: GPL-2.0
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "core/signals.h"
#include "core/term.h"

/*
 * The terminal is the process's, and a crashing process must still give it
 * back: the saved mode lives here so that the fatal-signal path
 * (core/signals.c) can reach it.
 */
static struct termios saved_termios;
static int saved_fd = -1;

static void restore_saved(void)
{
	if (saved_fd >= 0)
		tcsetattr(saved_fd, TCSANOW, &saved_termios);
}

void term_init(struct term *term, int fd)
{
	struct termios raw;

	memset(term, 0, sizeof(*term));
	term->in_fd = fd;
	if (!isatty(fd) || tcgetattr(fd, &saved_termios))
		return;
	raw = saved_termios;
	cfmakeraw(&raw);
	if (tcsetattr(fd, TCSANOW, &raw))
		return;
	saved_fd = fd;
	term->raw = true;
	atexit(restore_saved);
	signals_set_fatal_cleanup(restore_saved);
}

void term_restore(struct term *term)
{
	if (term->raw) {
		restore_saved();
		term->raw = false;
	}
}

size_t term_read_size(const struct term *term, size_t room)
{
	return room > (size_t)term->escape_seen ? room - term->escape_seen : 0;
}

size_t term_filter_input(struct term *term, const uint8_t *in, size_t len,
			 uint8_t *out, bool *quit)
{
	size_t n = 0;

	*quit = false;
	for (size_t i = 0; i < len; i++) {
		uint8_t c = in[i];

		if (term->escape_seen) {
			term->escape_seen = false;
			if (c == 'x') {
				*quit = true;
				return n;
			}
			if (c != TERM_ESCAPE_CHAR)
				out[n++] = TERM_ESCAPE_CHAR;
			out[n++] = c;
		} else if (c == TERM_ESCAPE_CHAR) {
			term->escape_seen = true;
		} else {
			out[n++] = c;
		}
	}
	return n;
}
