// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the PL011 (hw/pl011.c), driven as a hostile guest
 * drives it through pl011_access() (any offset in the 4 KiB window,
 * widths 1/2/4/8, reads and writes), interleaved with host input as
 * arm64/vm.c's console gives it (pl011_rx_space(), then pl011_receive(),
 * pausing when there is no room). The input is a program of at most
 * SERIAL_PROGRAM_STEPS steps (serial_program.h). The fuzzer keeps its own
 * copy of the registers and of the receive FIFO, and checks after every
 * step:
 *   - rx_count never exceeds the buffer and rx_space + rx_count is its
 *     size; receive() takes exactly min(offered, room) bytes;
 *   - every DR read gives the oldest byte received, in order, none lost
 *     or duplicated, 0 when empty;
 *   - every register reads back what was written, masked to its width
 *     (IBRD 16 bits, FBRD 6, ...); FR, RIS and MIS follow the FIFO, the
 *     latched transmit interrupt and IMSC; the PrimeCell IDs are those
 *     of a PL011; everything else reads 0 and takes no write. A narrow
 *     or unaligned access sees the register word's bytes at its offset
 *     in the word and zeros past the word, as the model documents;
 *   - transmit() gets one byte per DR write, the low byte of the word
 *     written, and is never called otherwise;
 *   - the interrupt line recorded from set_irq() (which reports only
 *     changes) is (RIS & IMSC) != 0;
 *   - rx_drained() is called only with the buffer empty, and console
 *     input paused for want of room is never left paused with the buffer
 *     empty (nobody would wake it).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "hw/pl011.h"
#include "tests/fuzz/serial_program.h"

#define BUF		SERIAL_RX_BUF

#define INT_RX		(1u << 4)
#define INT_TX		(1u << 5)
#define INT_RT		(1u << 6)

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* The registers as the guest should see them. */
struct regs {
	uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc, dmacr, ilpr, ris;
};

struct world {
	struct pl011 uart;
	struct regs r;
	int irq;			/* as set_irq() last reported it */
	bool paused;			/* the console waits for rx_drained() */
	int tx_allowed;			/* bytes the current step may send */
	uint8_t tx_byte;		/* ... and which */
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
	check(level != W->irq);
	W->irq = level;
}

static void rx_drained(void *opaque)
{
	(void)opaque;
	check(W->uart.rx_count == 0);	/* under the lock: the field */
	W->paused = false;
}

static const struct serial_ops ops = { transmit, set_irq, rx_drained };

static uint32_t raw_status(void)
{
	return W->r.ris | (W->count ? INT_RX | INT_RT : 0);
}

static void check_invariants(void)
{
	const struct pl011 *u = &W->uart;
	int want;

	check(u->rx_count <= BUF && u->rx_head < BUF);
	check(pl011_rx_space(&W->uart) + u->rx_count == BUF);
	check(u->rx_count == W->count);
	want = (raw_status() & W->r.imsc) != 0;
	check(W->irq == want && u->irq_level == want);
	check(!W->paused || u->rx_count);
	check(W->tx_allowed == 0);
}

/* The register at @reg, as a read must return it (before a DR pop). */
static uint32_t expected_reg(uint64_t reg)
{
	static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	const struct regs *r = &W->r;

	switch (reg) {
	case 0x000:
		if (!W->count)
			return 0;
		return W->fifo[W->head];
	case 0x018:
		return 0x80 | (W->count ? 0 : 0x10) | (W->count == BUF ? 0x40 : 0);
	case 0x020: return r->ilpr;
	case 0x024: return r->ibrd;
	case 0x028: return r->fbrd;
	case 0x02c: return r->lcr_h;
	case 0x030: return r->cr;
	case 0x034: return r->ifls;
	case 0x038: return r->imsc;
	case 0x03c: return raw_status();
	case 0x040: return raw_status() & r->imsc;
	case 0x048: return r->dmacr;
	default:
		if (reg >= 0xfe0 && reg < 0x1000)
			return id[(reg - 0xfe0) / 4];
		return 0;
	}
}

static void expected_write(uint64_t reg, uint32_t v)
{
	struct regs *r = &W->r;

	switch (reg) {
	case 0x000: r->ris |= INT_TX; break;
	case 0x020: r->ilpr = v & 0xff; break;
	case 0x024: r->ibrd = v & 0xffff; break;
	case 0x028: r->fbrd = v & 0x3f; break;
	case 0x02c: r->lcr_h = v & 0xff; break;
	case 0x030: r->cr = v & 0xffff; break;
	case 0x034: r->ifls = v & 0x3f; break;
	case 0x038: r->imsc = v & 0x7ff; break;
	case 0x044: r->ris &= ~v; break;
	case 0x048: r->dmacr = v & 7; break;
	default: break;
	}
}

static void guest_access(uint64_t offset, uint32_t len, bool is_write,
			 const uint8_t *val)
{
	uint64_t reg = offset & ~3ull;
	unsigned int shift = offset & 3, n = len < 4 - shift ? len : 4 - shift;
	uint8_t data[8], word[4] = { 0 };

	memcpy(data, val, 8);
	if (is_write) {
		memcpy(word + shift, val, n);
		if (reg == 0) {
			W->tx_allowed = 1;
			W->tx_byte = word[0];
		}
		pl011_access(&W->uart, offset, data, len, true);
		check(memcmp(data, val, 8) == 0);
		expected_write(reg, get_le32(word));
	} else {
		put_le32(word, expected_reg(reg));
		pl011_access(&W->uart, offset, data, len, false);
		check(memcmp(data, word + shift, n) == 0);
		for (uint32_t i = n; i < len; i++)
			check(data[i] == 0);
		if (reg == 0 && W->count) {
			W->head = (W->head + 1) % BUF;
			W->count--;
		}
	}
	/* Every register the model keeps is the one the guest expects. */
	check(W->uart.ibrd == W->r.ibrd && W->uart.fbrd == W->r.fbrd &&
	      W->uart.lcr_h == W->r.lcr_h && W->uart.cr == W->r.cr &&
	      W->uart.ifls == W->r.ifls && W->uart.imsc == W->r.imsc &&
	      W->uart.dmacr == W->r.dmacr && W->uart.ilpr == W->r.ilpr &&
	      W->uart.ris == W->r.ris);
}

static void host_input(const uint8_t *bytes, size_t n)
{
	size_t space = pl011_rx_space(&W->uart), got;

	if (space == 0) {
		W->paused = true;
		return;
	}
	got = pl011_receive(&W->uart, bytes, n);
	check(got == (n < space ? n : space));
	for (size_t i = 0; i < got; i++)
		W->fifo[(W->head + W->count++) % BUF] = bytes[i];
	if (got < n)
		W->paused = true;
}

static void reset(void)
{
	pl011_destroy(&W->uart);
	memset(W, 0, sizeof(*W));
	pl011_init(&W->uart, &ops, NULL);
	W->r.cr = 0x300;
	W->r.ifls = 0x12;
}

/* Offsets worth hitting: the registers, the IDs, and anything else. */
static uint64_t pick_offset(const uint8_t **p, const uint8_t *end)
{
	uint8_t b = pick(p, end);

	switch (b >> 6) {
	case 0:
	case 1:
		return b & 0x7f;		/* 0x00-0x4c and a little past */
	case 2:
		return 0xfe0 + (b & 0x1f);	/* the ID registers */
	default:
		return (uint64_t)(b & 0x3f) << 6 | (b & 3);
	}
}

static const struct serial_target target = {
	.pick_offset = pick_offset,
	.rx_width = 4,			/* DR, as a driver reads it */
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
	reset();
	check_invariants();
	run_serial_program(&target, data, size);
	pl011_destroy(&world->uart);
	free(world);
	return 0;
}
