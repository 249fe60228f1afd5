// SPDX-License-Identifier: GPL-2.0
/*
 * The ring from the SIGBUS handler to the I/O thread: FIFO, bounded, and
 * with several producers at once (near-simultaneous host errors on
 * several vCPU threads) no record is lost unannounced, read before it is
 * written, garbled or read twice.
 */
#include <pthread.h>
#include <stdlib.h>

#include "ras/host_ring.h"
#include "tests/unit/helpers.h"

static void test_fifo_and_full(void **state)
{
	struct host_ring *r = malloc(sizeof(*r));
	struct host_error e;

	(void)state;
	host_ring_init(r);
	assert_false(host_ring_pop(r, &e));
	for (unsigned int i = 0; i < HOST_RING_SIZE; i++)
		assert_true(host_ring_push(r, &(struct host_error){ 0x1000 * i, 12, i & 1 }));
	assert_false(host_ring_push(r, &(struct host_error){ 0xdead, 12, false }));
	assert_int_equal(host_ring_take_lost(r), 1);
	assert_int_equal(host_ring_take_lost(r), 0);
	for (unsigned int lap = 0; lap < 3 * HOST_RING_SIZE; lap++) {
		assert_true(host_ring_pop(r, &e));
		assert_int_equal(e.addr, 0x1000 * lap);
		assert_int_equal(e.consumed_by_lkvm, lap & 1);
		/* Room for one again: the ring goes round. */
		assert_true(host_ring_push(r, &(struct host_error){
			0x1000 * (lap + HOST_RING_SIZE), 12, (lap + HOST_RING_SIZE) & 1 }));
	}
	free(r);
}

#define PRODUCERS	3
#define PER_PRODUCER	200000

struct producer {
	struct host_ring *r;
	unsigned int id;
	unsigned int pushed, refused;
	unsigned int *finished;	/* atomic: producers that are done */
};

/* Each record says who made it and when, in every field. */
static void *produce(void *opaque)
{
	struct producer *p = opaque;

	for (uintptr_t i = 0; i < PER_PRODUCER; i++) {
		struct host_error e = { (uintptr_t)p->id << 24 | i, (short)p->id, i & 1 };

		bool in = false;

		/* Full: try again, so that nearly every record races through. */
		for (unsigned int tries = 0; !in && tries < 100000; tries++) {
			in = host_ring_push(p->r, &e);
			p->refused += !in;
		}
		p->pushed += in;
	}
	__atomic_fetch_add(p->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void test_producers_race(void **state)
{
	struct host_ring *r = malloc(sizeof(*r));
	struct producer p[PRODUCERS];
	pthread_t threads[PRODUCERS];
	uint64_t next[PRODUCERS] = { 0 }, popped[PRODUCERS] = { 0 };
	unsigned int finished = 0, refused = 0;
	struct host_error e;
	bool all_done;

	(void)state;
	host_ring_init(r);
	for (unsigned int t = 0; t < PRODUCERS; t++) {
		p[t] = (struct producer){ r, t, 0, 0, &finished };
		assert_int_equal(pthread_create(&threads[t], NULL, produce, &p[t]), 0);
	}
	do {
		/* Read before draining: a drain after the last push sees all. */
		all_done = __atomic_load_n(&finished, __ATOMIC_ACQUIRE) == PRODUCERS;
		while (host_ring_pop(r, &e)) {
			unsigned int t = e.addr >> 24;
			uint64_t i = e.addr & 0xffffff;

			assert_true(t < PRODUCERS);
			assert_int_equal(e.lsb, t);
			assert_int_equal(e.consumed_by_lkvm, i & 1);
			/* Each producer's records in its order, none twice. */
			assert_true(i >= next[t]);
			next[t] = i + 1;
			popped[t]++;
		}
	} while (!all_done);
	for (unsigned int t = 0; t < PRODUCERS; t++)
		pthread_join(threads[t], NULL);
	for (unsigned int t = 0; t < PRODUCERS; t++) {
		assert_int_equal(popped[t], p[t].pushed);
		refused += p[t].refused;
	}
	/* Every refusal was counted as lost, and only those. */
	assert_int_equal(host_ring_take_lost(r), refused);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_and_full),
		cmocka_unit_test(test_producers_race),
	};

	return cmocka_run_group_tests_name("host_ring", tests, NULL, NULL);
}
