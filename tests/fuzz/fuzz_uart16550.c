// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the 16550A (hw/uart16550.c), driven as a hostile
 * guest drives it through uart16550_access() (any offset in the 4 KiB
 * window, widths 1/2/4/8, reads and writes), interleaved with host input
 * as arm64/vm.c's console gives it (uart16550_rx_space(), then
 * uart16550_receive(), pausing when there is no room). The input is a
 * program of at most SERIAL_PROGRAM_STEPS steps (serial_program.h). The
 * fuzzer keeps its own copy of the receive FIFO and checks, after every
 * step:
 *   - rx_count never exceeds the buffer and rx_space + rx_count is its
 *     size; receive() takes exactly min(offered, room) bytes;
 *   - every RBR read gives the oldest byte received (host input or a
 *     loopback write), in order, none lost or duplicated, 0 when empty;
 *   - each register reads back what the data sheet says (IER, LCR, MCR
 *     masked; LSR from the FIFO; MSR from the loopback wiring; IIR by
 *     priority, and reading it acknowledges a THRE it reports); a read
 *     wider than a byte gives zeros above the first, outside the eight
 *     registers every byte is 0 and writes change nothing;
 *   - transmit() gets exactly the byte of each THR write outside
 *     loopback, and nothing else ever;
 *   - the interrupt line recorded from set_irq() (which only reports
 *     changes) is what IER, the FIFO and the THRE latch say it must be;
 *   - rx_drained() is called only with the buffer empty, and console
 *     input paused for want of room is never left paused with the buffer
 *     empty: whatever makes room (reading the last byte, FCR's "clear
 *     receive FIFO") must wake it, or the console is dead for good.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hw/uart16550.h"
#include "tests/fuzz/serial_program.h"

#define BUF		UART16550_RX_BUF

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

struct world {
	struct uart16550 uart;
	int irq;			/* as set_irq() last reported it */
	bool paused;			/* the console waits for rx_drained() */
	int tx_allowed;			/* bytes the current step may send */
	uint8_t tx_byte;		/* ... and which */
	/* What the guest must read next, in order. */
	uint8_t fifo[BUF];
	size_t head, count;
};

static struct world *W;

static void transmit(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	check(len == 1 && W->tx_allowed > 0 && buf[0] == W->tx_byte);
	W->tx_allowed--;
}

static void set_irq(void *opaque, int level)
{
	(void)opaque;
	check(level == 0 || level == 1);
	check(level != W->irq);		/* only changes are reported */
	W->irq = level;
}

static void rx_drained(void *opaque)
{
	(void)opaque;
	/* Called under the UART's lock: read the field, not rx_space(). */
	check(W->uart.rx_count == 0);
	W->paused = false;
}

static const struct serial_ops ops = { transmit, set_irq, rx_drained };

static void shadow_push(uint8_t c)
{
	if (W->count < BUF)
		W->fifo[(W->head + W->count++) % BUF] = c;
}

static int shadow_pop(void)
{
	int c;

	if (!W->count)
		return -1;
	c = W->fifo[W->head];
	W->head = (W->head + 1) % BUF;
	W->count--;
	return c;
}

static void shadow_clear(void)
{
	W->head = W->count = 0;
}

static void check_invariants(void)
{
	const struct uart16550 *u = &W->uart;
	int want;

	check(u->rx_count <= BUF && u->rx_head < BUF);
	check(uart16550_rx_space(&W->uart) + u->rx_count == BUF);
	check(u->rx_count == W->count);
	check(!(u->ier & ~0x0f) && !(u->mcr & ~0x1f) && !(u->fcr & ~0x01));
	want = ((u->ier & 0x01) && u->rx_count) ||
	       ((u->ier & 0x02) && u->thre_pending);
	check(W->irq == want && u->irq_level == want);
	/* Paused input resumes only on rx_drained(): with nothing left for
	 * the guest to read, nobody would ever call it. */
	check(!W->paused || u->rx_count);
	check(W->tx_allowed == 0);
}

static uint8_t expected_msr(uint8_t mcr)
{
	if (!(mcr & 0x10))
		return 0xb0;
	return (mcr & 0x02 ? 0x10 : 0) | (mcr & 0x01 ? 0x20 : 0) |
	       (mcr & 0x04 ? 0x40 : 0) | (mcr & 0x08 ? 0x80 : 0);
}

/* One guest access, checked against the state before it. */
static void guest_access(uint64_t offset, uint32_t len, bool is_write,
			 const uint8_t *val)
{
	struct uart16550 *u = &W->uart;
	struct uart16550 before = *u;	/* the lock is copied, never used */
	bool dlab = before.lcr & 0x80;
	uint8_t data[8], want = 0;
	int c;

	memcpy(data, val, 8);
	if (is_write && offset == 0 && !dlab && !(before.mcr & 0x10)) {
		W->tx_allowed = 1;
		W->tx_byte = data[0];
	}
	uart16550_access(u, offset, data, len, is_write);

	if (is_write) {
		uint8_t v = val[0];

		check(memcmp(data, val, 8) == 0);	/* a write's data is input */
		if (offset > 7) {
			check(u->ier == before.ier && u->lcr == before.lcr &&
			      u->mcr == before.mcr && u->scr == before.scr &&
			      u->dll == before.dll && u->dlm == before.dlm &&
			      u->fcr == before.fcr && u->rx_count == before.rx_count &&
			      u->thre_pending == before.thre_pending);
			return;
		}
		switch (offset) {
		case 0:
			if (dlab) {
				check(u->dll == v);
			} else {
				if (before.mcr & 0x10)
					shadow_push(v);
				check(u->thre_pending);
			}
			break;
		case 1:
			if (dlab)
				check(u->dlm == v);
			else
				check(u->ier == (v & 0x0f));
			break;
		case 2:
			check(u->fcr == (v & 1));
			if (v & 0x02)
				shadow_clear();
			break;
		case 3:
			check(u->lcr == v);
			break;
		case 4:
			check(u->mcr == (v & 0x1f));
			break;
		case 7:
			check(u->scr == v);
			break;
		}
		return;
	}

	for (uint32_t i = 1; i < len; i++)
		check(data[i] == 0);
	switch (offset) {
	case 0:
		if (dlab) {
			want = before.dll;
		} else {
			c = shadow_pop();
			want = c < 0 ? 0 : c;
		}
		break;
	case 1:
		want = dlab ? before.dlm : before.ier;
		break;
	case 2:
		want = before.fcr & 1 ? 0xc0 : 0;
		if ((before.ier & 0x01) && before.rx_count) {
			want |= 0x04;
		} else if ((before.ier & 0x02) && before.thre_pending) {
			want |= 0x02;
			check(!u->thre_pending);	/* acknowledged */
		} else {
			want |= 0x01;
		}
		break;
	case 3:
		want = before.lcr;
		break;
	case 4:
		want = before.mcr;
		break;
	case 5:
		want = 0x60 | (before.rx_count ? 0x01 : 0);
		break;
	case 6:
		want = expected_msr(before.mcr);
		break;
	case 7:
		want = before.scr;
		break;
	default:
		want = 0;
		break;
	}
	check(data[0] == want);
}

/* What on_console_input() does with @n bytes from the terminal. */
static void host_input(const uint8_t *bytes, size_t n)
{
	size_t space = uart16550_rx_space(&W->uart), got;

	if (space == 0) {
		W->paused = true;
		return;
	}
	got = uart16550_receive(&W->uart, bytes, n);
	check(got == (n < space ? n : space));
	for (size_t i = 0; i < got; i++)
		shadow_push(bytes[i]);
	/* The rest stays in the terminal until the guest makes room. */
	if (got < n)
		W->paused = true;
}

static void reset(void)
{
	uart16550_destroy(&W->uart);
	memset(W, 0, sizeof(*W));
	uart16550_init(&W->uart, &ops, NULL);
}

/* Mostly the eight registers, sometimes past them. */
static uint64_t pick_offset(const uint8_t **p, const uint8_t *end)
{
	uint8_t b = pick(p, end);

	return b < 0xe0 ? b & 7 : 8 + ((uint64_t)(b & 0x1f) << 7);
}

static const struct serial_target target = {
	.pick_offset = pick_offset,
	.rx_width = 1,			/* RBR (or DLL) */
	.guest_access = guest_access,
	.host_input = host_input,
	.reset = reset,
	.check_invariants = check_invariants,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct world *world = calloc(1, sizeof(*world));

	check(world);
	W = world;
	uart16550_init(&world->uart, &ops, NULL);
	check_invariants();
	run_serial_program(&target, data, size);
	uart16550_destroy(&world->uart);
	free(world);
	return 0;
}

