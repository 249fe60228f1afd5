// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hw/uart16550.h"
#include "tests/unit/helpers.h"
#include "tests/unit/serial_sink.h"

enum { THR = 0, IER = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

static uint8_t rd(struct uart16550 *u, unsigned int reg)
{
	uint8_t v[4] = { 0xaa, 0xaa, 0xaa, 0xaa };

	uart16550_access(u, reg, v, 1, false);
	return v[0];
}

static void wr(struct uart16550 *u, unsigned int reg, uint8_t v)
{
	uart16550_access(u, reg, &v, 1, true);
}

struct fixture {
	struct uart16550 uart;
	struct sink sink;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	uart16550_init(&f->uart, &ops, &f->sink);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	uart16550_destroy(&f->uart);
	free(f);
	return 0;
}

#define UART(state) (&((struct fixture *)*(state))->uart)
#define SINK(state) (&((struct fixture *)*(state))->sink)

static void test_transmit_and_idle_status(void **state)
{
	struct uart16550 *u = UART(state);
	struct sink *s = SINK(state);

	for (const char *p = "hi\n"; *p; p++)
		wr(u, THR, *p);
	assert_int_equal(s->out_len, 3);
	assert_memory_equal(s->out, "hi\n", 3);
	/* Transmitter always empty, no data ready, no interrupt. */
	assert_int_equal(rd(u, LSR), 0x60);
	assert_int_equal(rd(u, IIR) & 0x0f, 0x01);
	assert_int_equal(s->irq, 0);
}

static void test_receive_interrupt_and_drain(void **state)
{
	struct uart16550 *u = UART(state);
	struct sink *s = SINK(state);

	wr(u, IER, 0x01);
	assert_int_equal(s->irq, 0);
	assert_int_equal(uart16550_receive(u, (const uint8_t *)"ab", 2), 2);
	assert_int_equal(s->irq, 1);
	assert_int_equal(rd(u, LSR) & 0x01, 0x01);
	assert_int_equal(rd(u, IIR) & 0x0f, 0x04);
	assert_int_equal(rd(u, THR), 'a');
	assert_int_equal(s->irq, 1);
	assert_int_equal(s->drained, 0);
	assert_int_equal(rd(u, THR), 'b');
	assert_int_equal(s->irq, 0);
	assert_int_equal(s->drained, 1);
	assert_int_equal(rd(u, LSR) & 0x01, 0);
}

/* Saved mid-use and loaded into a fresh UART: it behaves the same. */
static void test_state_round_trip(void **state)
{
	struct uart16550 *u = UART(state), copy;
	struct sink *s = SINK(state);
	uint8_t buf[UART16550_STATE_MAX], again[UART16550_STATE_MAX];
	size_t n;

	wr(u, LCR, 0x83);
	wr(u, THR, 0x0c);	/* DLL, with DLAB set */
	wr(u, LCR, 0x03);
	wr(u, SCR, 0x5a);
	wr(u, IER, 0x01);
	assert_int_equal(uart16550_receive(u, (const uint8_t *)"xyz", 3), 3);
	assert_int_equal(rd(u, THR), 'x');
	n = uart16550_state_save(u, buf);
	assert_int_equal(n, 16 + 2);

	uart16550_init(&copy, &ops, s);
	assert_int_equal(uart16550_state_load(&copy, buf, n), 0);
	assert_int_equal(uart16550_state_save(&copy, again), n);
	assert_memory_equal(again, buf, n);
	assert_int_equal(rd(&copy, SCR), 0x5a);
	assert_int_equal(rd(&copy, LCR), 0x03);
	assert_int_equal(rd(&copy, IIR) & 0x0f, 0x04);
	assert_int_equal(rd(&copy, THR), 'y');
	assert_int_equal(rd(&copy, THR), 'z');
	assert_int_equal(rd(&copy, LSR) & 0x01, 0);
	uart16550_destroy(&copy);
}

static void test_state_refusals(void **state)
{
	struct uart16550 *u = UART(state);
	uint8_t buf[UART16550_STATE_MAX + 1];

	memset(buf, 0, sizeof(buf));
	wr(u, SCR, 0x77);
	assert_int_equal(uart16550_state_load(u, buf, 15), -EINVAL);
	assert_int_equal(uart16550_state_load(u, buf, sizeof(buf)), -EINVAL);
	buf[7] = 2;
	assert_int_equal(uart16550_state_load(u, buf, 16), -EINVAL);
	buf[7] = 0;
	buf[8] = 9;
	assert_int_equal(uart16550_state_load(u, buf, 16), -EINVAL);
	/* Refused, the UART is as it was. */
	assert_int_equal(rd(u, SCR), 0x77);
}

static void test_receive_buffer_bound(void **state)
{
	struct uart16550 *u = UART(state);
	uint8_t big[UART16550_RX_BUF + 10];

	memset(big, 'x', sizeof(big));
	/* What does not fit is refused, not dropped: the caller keeps it. */
	assert_int_equal(uart16550_rx_space(u), UART16550_RX_BUF);
	assert_int_equal(uart16550_receive(u, big, sizeof(big)), UART16550_RX_BUF);
	assert_int_equal(uart16550_rx_space(u), 0);
	assert_int_equal(uart16550_receive(u, big, 1), 0);
	rd(u, THR);
	assert_int_equal(uart16550_rx_space(u), 1);
	assert_int_equal(uart16550_receive(u, big, 5), 1);
}

/*
 * Linux's 8250 driver clears the receive FIFO through FCR at start-up:
 * input paused on a full buffer must hear that room appeared, or it
 * never resumes.
 */
static void test_fifo_clear_wakes_input(void **state)
{
	struct uart16550 *u = UART(state);
	struct sink *s = SINK(state);
	uint8_t big[UART16550_RX_BUF];

	memset(big, 'x', sizeof(big));
	assert_int_equal(uart16550_receive(u, big, sizeof(big)), UART16550_RX_BUF);
	assert_int_equal(uart16550_rx_space(u), 0);
	wr(u, FCR, 0x03);
	assert_int_equal(uart16550_rx_space(u), UART16550_RX_BUF);
	assert_int_equal(s->drained, 1);
	assert_int_equal(rd(u, LSR) & 0x01, 0);
	/* Clearing an empty FIFO gives no room, so no wake-up. */
	wr(u, FCR, 0x03);
	assert_int_equal(s->drained, 1);
	/* The buffer starts over: the next byte in is the next read. */
	assert_int_equal(uart16550_receive(u, (const uint8_t *)"q", 1), 1);
	assert_int_equal(rd(u, THR), 'q');
}

static void test_thre_interrupt(void **state)
{
	struct uart16550 *u = UART(state);
	struct sink *s = SINK(state);

	/* Enabling THRI with THR empty raises it; reading IIR acknowledges. */
	wr(u, IER, 0x02);
	assert_int_equal(s->irq, 1);
	assert_int_equal(rd(u, IIR) & 0x0f, 0x02);
	assert_int_equal(s->irq, 0);
	assert_int_equal(rd(u, IIR) & 0x0f, 0x01);
	/* Each character sent empties THR again: raised once more. */
	wr(u, THR, 'z');
	assert_int_equal(s->irq, 1);
	/* Received data outranks THRE in IIR. */
	uart16550_receive(u, (const uint8_t *)"q", 1);
	wr(u, IER, 0x03);
	assert_int_equal(rd(u, IIR) & 0x0f, 0x04);
	rd(u, THR);
	assert_int_equal(rd(u, IIR) & 0x0f, 0x02);
	wr(u, IER, 0x00);
	assert_int_equal(s->irq, 0);
}

static void test_divisor_scratch_fifo(void **state)
{
	struct uart16550 *u = UART(state);
	struct sink *s = SINK(state);

	wr(u, LCR, 0x83);
	wr(u, THR, 0x01);	/* DLL */
	wr(u, IER, 0x02);	/* DLM, not IER */
	assert_int_equal(rd(u, THR), 0x01);
	assert_int_equal(rd(u, IER), 0x02);
	wr(u, LCR, 0x03);
	assert_int_equal(rd(u, IER), 0x00);
	assert_int_equal(rd(u, LCR), 0x03);
	assert_int_equal(s->out_len, 0);
	wr(u, SCR, 0x5a);
	assert_int_equal(rd(u, SCR), 0x5a);
	wr(u, FCR, 0x07);
	assert_int_equal(rd(u, IIR) & 0xc0, 0xc0);
}

static void test_loopback(void **state)
{
	struct uart16550 *u = UART(state);
	struct sink *s = SINK(state);

	wr(u, MCR, 0x10 | 0x02 | 0x01);
	assert_int_equal(rd(u, MSR) & 0xf0, 0x30);
	wr(u, THR, 'L');
	assert_int_equal(s->out_len, 0);
	assert_int_equal(rd(u, THR), 'L');
	wr(u, MCR, 0x08);
	assert_int_equal(rd(u, MSR) & 0xf0, 0xb0);
}

static void test_wide_and_out_of_range_access(void **state)
{
	struct uart16550 *u = UART(state);
	uint8_t v[4] = { 0xff, 0xff, 0xff, 0xff };

	uart16550_access(u, LSR, v, 4, false);
	assert_int_equal(v[0], 0x60);
	assert_int_equal(v[1] | v[2] | v[3], 0);
	memset(v, 0xff, sizeof(v));
	uart16550_access(u, 0x100, v, 4, false);
	assert_int_equal(v[0] | v[1] | v[2] | v[3], 0);
	uart16550_access(u, 0x100, v, 4, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_transmit_and_idle_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_interrupt_and_drain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_receive_buffer_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fifo_clear_wakes_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_thre_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_divisor_scratch_fifo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loopback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wide_and_out_of_range_access, setup, teardown),
	};

	return cmocka_run_group_tests_name("uart16550", tests, NULL, NULL);
}
