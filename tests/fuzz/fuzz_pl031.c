// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the PL031 RTC (hw/pl031.c), driven as a hostile
 * guest drives it through pl031_access() (any offset in the 4 KiB window,
 * widths 1/2/4/8, reads and writes) while the host clock moves (forward,
 * backward, anywhere time() can put it, and time()'s -1). The input is a
 * program of at most MAX_STEPS steps. After every step:
 *   - DR is the last value loaded into LR plus the host seconds elapsed
 *     since (modulo 2^32), or the host clock itself before any load: the
 *     counter follows the host from whatever the guest loaded;
 *   - MR and LR read back what was written, IMSC its bit 0; CR reads 1
 *     whatever is written (once started it cannot be stopped); RIS and
 *     MIS stay 0 (nothing raises the match interrupt); DR, RIS, MIS and
 *     the IDs ignore writes; the PrimeCell IDs are those of a PL031;
 *   - a read at a register's offset gives its low bytes (1, 2 or 4;
 *     an 8-byte read the register then zeros), as the APB bus does and
 *     as edk2 reads the PrimeCell IDs, a byte at a time; a read at an
 *     unaligned offset gives zeros; only an aligned 32-bit write
 *     changes anything, and no read does;
 *   - a read fills exactly the bytes asked for (ASan: the buffer is that
 *     size) and the computation never overflows (UBSan).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "hw/pl031.h"

#define MAX_STEPS	256
#define WINDOW		0x1000		/* PL031_SIZE in machine/memmap.h */

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static uint64_t host_now;

/* The registers as the guest should see them. */
static struct {
	uint32_t mr, lr, imsc;
	bool loaded;
	uint64_t load_now;	/* the host clock when LR was written */
} ref;

static uint64_t clock_now(void)
{
	return host_now;
}

static uint8_t pick(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

static uint32_t expected_reg(uint64_t reg)
{
	static const uint8_t id[8] = { 0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

	switch (reg) {
	case 0x00:
		/* Modulo 2^64 then 2^32: the same as the signed offset. */
		return ref.loaded ? (uint32_t)(ref.lr + (host_now - ref.load_now)) :
				    (uint32_t)host_now;
	case 0x04: return ref.mr;
	case 0x08: return ref.lr;
	case 0x0c: return 1;
	case 0x10: return ref.imsc;
	case 0x14: return 0;
	case 0x18: return 0;
	default:
		if (reg >= 0xfe0 && reg < 0x1000)
			return id[(reg - 0xfe0) / 4];
		return 0;
	}
}

static void check_state(const struct pl031 *rtc)
{
	check(rtc->mr == ref.mr && rtc->imsc == ref.imsc && rtc->cr == 1 &&
	      rtc->ris == 0);
	if (ref.loaded)
		check(rtc->lr == ref.lr);
}

static void guest_access(struct pl031 *rtc, uint64_t offset, uint32_t len,
			 bool is_write, const uint8_t *val)
{
	bool full = len == 4 && !(offset & 3);	/* a write that counts */
	uint8_t *data = malloc(len);	/* exactly the access, for ASan */
	uint8_t word[4];

	check(data);
	memcpy(data, val, len);
	pl031_access(rtc, offset, data, len, is_write);
	if (is_write) {
		uint32_t v = get_le32(val);

		check(memcmp(data, val, len) == 0);
		if (full) {
			switch (offset) {
			case 0x04: ref.mr = v; break;
			case 0x08:
				ref.lr = v;
				ref.loaded = true;
				ref.load_now = host_now;
				break;
			case 0x10: ref.imsc = v & 1; break;
			default: break;
			}
		}
	} else if (!(offset & 3)) {
		put_le32(word, expected_reg(offset));
		for (uint32_t i = 0; i < len; i++)
			check(data[i] == (i < 4 ? word[i] : 0));
	} else {
		for (uint32_t i = 0; i < len; i++)
			check(data[i] == 0);
	}
	free(data);
	check_state(rtc);
}

/* A host clock time() could give: 0 to INT64_MAX, or -1 on failure. */
static uint64_t pick_clock(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;
	uint8_t how = pick(p, end);

	if (how == 0xff)
		return UINT64_MAX;
	if (how & 0x80) {
		for (int i = 0; i < 8; i++)
			v = v << 8 | pick(p, end);
		return v & INT64_MAX;
	}
	/* A step forward or back, the usual case. */
	v = host_now + (int8_t)(how << 1) / 2;
	return v > INT64_MAX ? host_now : v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct pl031 rtc;

	memset(&ref, 0, sizeof(ref));
	host_now = 1700000000;
	pl031_init(&rtc, clock_now);

	for (int step = 0; step < MAX_STEPS && p < end; step++) {
		uint8_t op = pick(&p, end), val[8], b;
		uint32_t len = 1u << (op >> 4 & 3);
		uint64_t offset;

		switch (op & 3) {
		case 0:
		case 1:
			b = pick(&p, end);
			if (b < 0x80)
				offset = b & 0x3f;		/* the registers */
			else if (b < 0xc0)
				offset = 0xfe0 + (b & 0x1f);	/* the IDs */
			else
				offset = (uint64_t)(b & 0x3f) << 6 | (b & 3);
			if (offset + len > WINDOW)
				len = 1;
			for (int i = 0; i < 8; i++)
				val[i] = pick(&p, end);
			guest_access(&rtc, offset, len, op & 0x40, val);
			break;
		case 2:
			host_now = pick_clock(&p, end);
			break;
		default:
			pl031_destroy(&rtc);
			pl031_init(&rtc, clock_now);
			memset(&ref, 0, sizeof(ref));
			break;
		}
		check_state(&rtc);
	}
	pl031_destroy(&rtc);
	return 0;
}
