// SPDX-License-Identifier: GPL-2.0
/*
 * Console output through a stdout nobody reads: writers never block, what
 * does not fit is counted, what fits comes out in order once stdout is
 * read, and the description lkvm shares with its shell stays blocking;
 * through one that is read, output goes straight out.
 */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/outbuf.h"
#include "tests/unit/helpers.h"

#define OFFERED	(1024 * 1024)

static uint8_t pattern(size_t i)
{
	return i % 251;
}

static void test_stuck_stdout(void **state)
{
	uint8_t *data = malloc(OFFERED), *got = malloc(OFFERED), page[4096];
	struct outbuf ob;
	size_t taken = 0, read_back = 0, pipe_size;
	eventfd_t wakes;
	int fds[2];

	(void)state;
	for (size_t i = 0; i < OFFERED; i++)
		data[i] = pattern(i);
	assert_int_equal(pipe(fds), 0);
	pipe_size = fcntl(fds[1], F_SETPIPE_SZ, 4096);
	assert_true(pipe_size >= 4096);
	assert_int_equal(outbuf_init(&ob, fds[1]), 0);

	/* A UART's byte-by-byte output, then the rest in large pieces. */
	for (size_t i = 0; i < 100; i++)
		taken += outbuf_write(&ob, data + i, 1);
	for (size_t i = 100; i < OFFERED; i += 4000)
		taken += outbuf_write(&ob, data + i, OFFERED - i < 4000 ? OFFERED - i : 4000);
	/* What the pipe took at once, then what the buffer holds. */
	assert_true(taken >= OUTBUF_SIZE && taken <= OUTBUF_SIZE + pipe_size);
	assert_int_equal(eventfd_read(ob.wake_fd, &wakes), 0);
	assert_int_equal(wakes, 1);		/* once, when bytes began to wait */

	/* Nobody reads: the flush stops, it does not wait. */
	assert_int_equal(outbuf_flush(&ob), -EAGAIN);
	assert_int_equal(fcntl(fds[1], F_GETFL) & O_NONBLOCK, 0);

	/* Read at last: everything that was taken, in order. */
	while (read_back < taken) {
		ssize_t n = read(fds[0], page, sizeof(page));

		assert_true(n > 0);
		memcpy(got + read_back, page, n);
		read_back += n;
		outbuf_flush(&ob);
	}
	assert_int_equal(outbuf_flush(&ob), 0);
	assert_memory_equal(got, data, taken);
	assert_int_equal(outbuf_take_dropped(&ob), OFFERED - taken);
	assert_int_equal(outbuf_take_dropped(&ob), 0);

	outbuf_destroy(&ob);
	close(fds[0]);
	close(fds[1]);
	free(data);
	free(got);
}

/* While nothing waits, output goes straight out: no I/O thread round. */
static void test_straight_out(void **state)
{
	struct outbuf ob;
	eventfd_t wakes;
	char got[8] = "";
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(outbuf_init(&ob, fds[1]), 0);
	assert_int_equal(outbuf_write(&ob, "hi", 2), 2);
	assert_int_not_equal(eventfd_read(ob.wake_fd, &wakes), 0);
	assert_int_equal(read(fds[0], got, sizeof(got)), 2);
	assert_string_equal(got, "hi");
	outbuf_destroy(&ob);
	close(fds[0]);
	close(fds[1]);
}

/* A stdout that is gone costs the guest nothing: its output is dropped. */
static void test_stdout_gone(void **state)
{
	struct outbuf ob;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(outbuf_init(&ob, fds[1]), 0);
	close(fds[0]);
	assert_int_equal(outbuf_write(&ob, "lost", 4), 0);
	assert_int_equal(outbuf_flush(&ob), 0);
	assert_int_equal(outbuf_take_dropped(&ob), 4);
	outbuf_destroy(&ob);
	close(fds[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stuck_stdout),
		cmocka_unit_test(test_straight_out),
		cmocka_unit_test(test_stdout_gone),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests_name("outbuf", tests, NULL, NULL);
}
