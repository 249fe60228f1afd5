/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_HOST_RING_H
#define LKVM_RAS_HOST_RING_H

/*
 * Host memory errors on their way from lkvm's SIGBUS handler, on any
 * thread and on several at once, to the I/O thread that writes their
 * records. Bounded, lock-free and async-signal-safe. Each slot carries a
 * sequence number saying whose turn it is: a producer claims a position
 * only when its slot is free, fills it, then hands it over, so the
 * consumer never reads a slot half written, and a full ring refuses (the
 * error is counted as lost) instead of overwriting one not yet read.
 */
#include <stdbool.h>
#include <stdint.h>

#define HOST_RING_SIZE	64	/* a power of two */

struct host_error {
	uintptr_t addr;		/* lkvm's address of the poisoned memory */
	short lsb;		/* its extent: 1 << lsb bytes */
	bool consumed_by_lkvm;	/* lkvm's own read found it */
};

struct host_ring {
	struct {
		unsigned int seq;	/* == position: free; == position + 1: filled */
		struct host_error e;
	} slot[HOST_RING_SIZE];
	unsigned int head;	/* the next position to claim (producers) */
	unsigned int tail;	/* the next position to read (the consumer) */
	unsigned int lost;	/* refused while full */
};

void host_ring_init(struct host_ring *r);
/* Producer side, async-signal-safe: false when full (counted as lost). */
bool host_ring_push(struct host_ring *r, const struct host_error *e);
/* Consumer side, one thread: the oldest filled error, or false. */
bool host_ring_pop(struct host_ring *r, struct host_error *e);
/* Errors refused since the last call. */
unsigned int host_ring_take_lost(struct host_ring *r);

#endif
