/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_TERM_H
#define LKVM_CORE_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ctrl-a x quits, Ctrl-a Ctrl-a sends one Ctrl-a: kvmtool's escape. */
#define TERM_ESCAPE_CHAR 0x01

struct term {
	int in_fd;
	bool raw;		/* the terminal is in raw mode and must be restored */
	bool escape_seen;	/* the last byte was the escape character */
};

/*
 * Put @fd in raw mode when it is a terminal, so every key reaches the guest.
 * The saved mode is restored by term_restore(), at exit and on fatal signals.
 */
void term_init(struct term *term, int fd);
void term_restore(struct term *term);

/*
 * How many bytes to read so that their filtered output fits in @room: a
 * Ctrl-a held from the last read may come out before the next byte.
 */
size_t term_read_size(const struct term *term, size_t room);

/*
 * Run @len input bytes through the escape handling into @out, which has
 * room for @len bytes, plus one when a Ctrl-a is held (term_read_size()
 * leaves that one free). Returns the number of bytes for the guest; sets
 * *@quit on Ctrl-a x.
 */
size_t term_filter_input(struct term *term, const uint8_t *in, size_t len,
			 uint8_t *out, bool *quit);

#endif
