// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ras/host_ring.h"

void host_ring_init(struct host_ring *r)
{
	memset(r, 0, sizeof(*r));
	for (unsigned int i = 0; i < HOST_RING_SIZE; i++)
		r->slot[i].seq = i;
}

bool host_ring_push(struct host_ring *r, const struct host_error *e)
{
	unsigned int pos = __atomic_load_n(&r->head, __ATOMIC_RELAXED);

	/*
	 * A failed claim means another producer took @pos first and moved
	 * on; so the tries are bounded by how many producers can race, not
	 * by time. The bound only keeps a handler from spinning for ever.
	 */
	for (unsigned int tries = 0; tries < 4 * HOST_RING_SIZE; tries++) {
		unsigned int seq = __atomic_load_n(&r->slot[pos % HOST_RING_SIZE].seq,
						   __ATOMIC_ACQUIRE);
		int behind = (int)(seq - pos);

		if (behind < 0)
			break;		/* the slot still holds an unread error */
		if (behind > 0) {	/* another producer claimed it: look again */
			pos = __atomic_load_n(&r->head, __ATOMIC_RELAXED);
			continue;
		}
		if (__atomic_compare_exchange_n(&r->head, &pos, pos + 1, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
			r->slot[pos % HOST_RING_SIZE].e = *e;
			__atomic_store_n(&r->slot[pos % HOST_RING_SIZE].seq, pos + 1,
					 __ATOMIC_RELEASE);
			return true;
		}
		/* @pos now holds the head another producer moved on to. */
	}
	__atomic_fetch_add(&r->lost, 1, __ATOMIC_RELAXED);
	return false;
}

bool host_ring_pop(struct host_ring *r, struct host_error *e)
{
	unsigned int pos = r->tail;

	if (__atomic_load_n(&r->slot[pos % HOST_RING_SIZE].seq, __ATOMIC_ACQUIRE) != pos + 1)
		return false;
	*e = r->slot[pos % HOST_RING_SIZE].e;
	/* Free for the producer that comes round to it a lap later. */
	__atomic_store_n(&r->slot[pos % HOST_RING_SIZE].seq, pos + HOST_RING_SIZE,
			 __ATOMIC_RELEASE);
	r->tail = pos + 1;
	return true;
}

unsigned int host_ring_take_lost(struct host_ring *r)
{
	return __atomic_exchange_n(&r->lost, 0, __ATOMIC_RELAXED);
}
