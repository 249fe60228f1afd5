/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The program both UART targets run. Each step, picked by one byte:
 * a guest access (offset from the target, width 1/2/4/8, read or write,
 * eight bytes of value), host input taken from the program, a burst of
 * input long enough to fill the receive buffer, the guest's receive loop
 * (n reads of offset 0), or a reset. The target checks its invariants
 * after every step; the step count is bounded.
 */
#ifndef LKVM_FUZZ_SERIAL_PROGRAM_H
#define LKVM_FUZZ_SERIAL_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define SERIAL_PROGRAM_STEPS	256
#define SERIAL_WINDOW		0x1000	/* both UARTs' MMIO window */

struct serial_target {
	uint64_t (*pick_offset)(const uint8_t **p, const uint8_t *end);
	uint32_t rx_width;	/* the guest's read of the receive register */
	void (*guest_access)(uint64_t offset, uint32_t len, bool is_write,
			     const uint8_t *val);
	void (*host_input)(const uint8_t *bytes, size_t n);
	void (*reset)(void);
	void (*check_invariants)(void);
};

static inline uint8_t pick(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

static inline void run_serial_program(const struct serial_target *t,
				      const uint8_t *data, size_t size)
{
	static uint8_t bytes[255 * 8 + 1];
	const uint8_t *p = data, *end = data + size;

	for (int step = 0; step < SERIAL_PROGRAM_STEPS && p < end; step++) {
		uint8_t op = pick(&p, end), val[8];
		uint32_t len = 1u << (op >> 4 & 3);
		uint64_t offset;
		size_t n;

		switch (op & 7) {
		case 0 ... 3:
			offset = t->pick_offset(&p, end);
			if (offset + len > SERIAL_WINDOW)
				len = 1;	/* the bus refuses what overhangs */
			for (int i = 0; i < 8; i++)
				val[i] = pick(&p, end);
			t->guest_access(offset, len, op & 0x40, val);
			break;
		case 4:
			n = pick(&p, end);
			for (size_t i = 0; i < n; i++)
				bytes[i] = pick(&p, end);
			t->host_input(bytes, n);
			break;
		case 5:
			/* A burst, to reach a full buffer quickly. */
			n = (size_t)pick(&p, end) * 8 + 1;
			for (size_t i = 0; i < n; i++)
				bytes[i] = i * 31 + op;
			t->host_input(bytes, n);
			break;
		case 6:
			n = (size_t)pick(&p, end) * 8 + 1;
			memset(val, 0xa5, sizeof(val));
			for (size_t i = 0; i < n; i++)
				t->guest_access(0, t->rx_width, false, val);
			break;
		default:
			t->reset();
			break;
		}
		t->check_invariants();
	}
}

#endif
