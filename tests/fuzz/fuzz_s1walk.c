// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the stage-1 walker (arm64/s1walk.c), which reads
 * the guest's own page tables to check an SDEI entry point. The input is
 * a TCR_EL1 (granules, T0SZ/T1SZ, EPD, TBI, DS), a guest RAM of fuzzed
 * size at one of a few bases (an exact-size heap allocation, so ASan sees
 * every stray byte), the TTBRs, a VA, then descriptors written into that
 * RAM. For each walk:
 *   - the walker reads only through the callback, and stops at the first
 *     read the callback refuses (outside RAM, misaligned);
 *   - it reads at most as many descriptors as the configuration has
 *     levels (five at most, with LPA2), none for a VA outside both ranges
 *     or a half whose walks are disabled;
 *   - a translation it returns came from a valid descriptor, keeps the
 *     VA's offset inside the granule, fits in 52 bits, and belongs to a VA
 *     whose top bits (all of them, or [55:va_bits] with TBI) copy bit 55;
 *   - the walk is deterministic, and a tag in an ignored top byte does
 *     not change it.
 * The API promises no more than that: whether the result is RAM is the
 * caller's check (arm64/sdei_kvm.c), so it is not asserted here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/s1walk.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define BIT(n)		(1ULL << (n))
#define MAX_LEVELS	5	/* LPA2 with 4K pages: levels -1 to 3 */
#define HEADER		22
#define RECORD		11

struct guest {
	uint8_t *ram;
	uint64_t base, size;
	unsigned int reads;
	bool refused;
	uint64_t last_desc;
};

static const uint64_t bases[] = {
	0x40000000ULL, 0, BIT(47), 0xfULL << 48,
};

static bool read_desc(void *opaque, uint64_t pa, uint64_t *desc)
{
	struct guest *g = opaque;

	/* A refused read ends the walk: the walker may not go on. */
	check(!g->refused);
	check(++g->reads <= MAX_LEVELS);
	if (pa % 8 || pa < g->base || g->size < 8 || pa - g->base > g->size - 8) {
		g->refused = true;
		return false;
	}
	memcpy(desc, g->ram + (pa - g->base), 8);
	g->last_desc = *desc;
	return true;
}

static uint64_t get(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

/* Page shift by TG0 (4K, 64K, 16K) and TG1 (16K, 4K, 64K); 0 is reserved. */
static int page_shift(uint64_t tcr, bool upper)
{
	static const int tg0[] = { 12, 16, 14, 0 }, tg1[] = { 0, 14, 12, 16 };

	return upper ? tg1[tcr >> 30 & 3] : tg0[tcr >> 14 & 3];
}

/*
 * How many levels the architecture walks for this half: the bits above
 * the page offset, stride bits a level. 64K pages have at least 17 VA
 * bits (TxSZ 47 with FEAT_TTST), so never fewer than one level.
 */
static int levels(uint64_t tcr, bool upper)
{
	int shift = page_shift(tcr, upper), tsz = (tcr >> (upper ? 16 : 0)) & 0x3f;
	int va_bits = 64 - tsz, stride = shift - 3;

	if (!shift || va_bits < 16 || va_bits > 52)
		return 0;
	if (va_bits <= shift)
		return 0;	/* not architectural: refused unread */
	return (va_bits - shift + stride - 1) / stride;
}

/* A 52-bit output address as a table or page descriptor holds it. */
static uint64_t encode_oa(uint64_t oa, uint64_t tcr, bool upper)
{
	int shift = page_shift(tcr, upper);

	if (shift == 16)
		return (oa & 0xffffffff0000ULL) | (oa >> 48 & 0xf) << 12;
	if (tcr & BIT(59))
		return (oa & (BIT(50) - 1)) | (oa >> 50 & 3) << 8;
	return oa;
}

static int walk(struct guest *g, const struct s1_regs *r, uint64_t va,
		uint64_t *pa)
{
	g->reads = 0;
	g->refused = false;
	g->last_desc = 0;
	return s1_translate(r, va, read_desc, g, pa);
}

static void check_walk(struct guest *g, const struct s1_regs *r, uint64_t va)
{
	bool upper = va & BIT(55);
	uint64_t tcr = r->tcr, pa = 0, pa2 = 0, top;
	int ret, shift = page_shift(tcr, upper);
	int va_bits = 64 - (int)((tcr >> (upper ? 16 : 0)) & 0x3f);
	bool tbi = tcr & BIT(upper ? 38 : 37);
	unsigned int reads;

	ret = walk(g, r, va, &pa);
	reads = g->reads;
	check(ret == 0 || ret == -EFAULT);
	check((int)reads <= levels(tcr, upper));
	if (tcr & BIT(upper ? 23 : 7))
		check(reads == 0);
	if (ret == 0) {
		check(reads >= 1 && !g->refused && (g->last_desc & 1));
		check(((pa ^ va) & (BIT(shift) - 1)) == 0);
		check(pa < BIT(52));
		top = va >> va_bits;
		if (tbi)
			top &= BIT(56 - va_bits) - 1;
		check(top == (upper ? (tbi ? BIT(56 - va_bits) - 1 : ~0ULL >> va_bits) : 0));
	}

	/* Pure: the same walk again gives the same answer. */
	check(walk(g, r, va, &pa2) == ret && g->reads == reads);
	check(ret || pa2 == pa);

	/* With TBI, another tag in the top byte is the same address. */
	if (tbi) {
		uint64_t tagged = (va & ~(0xffULL << 56)) | ((va * 0x9e3779b97f4a7c15ULL) & (0xffULL << 56));

		check(walk(g, r, tagged, &pa2) == ret);
		check(ret || pa2 == pa);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest g = { 0 };
	struct s1_regs r;
	uint64_t va, ttbr0, ttbr1;
	uint8_t k0, k1, k2, k3;

	if (size < HEADER)
		return 0;
	k0 = data[0];
	k1 = data[1];
	k2 = data[2];
	k3 = data[3];
	/* TG0, TG1, EPD0, EPD1, TBI0, TBI1 from k0; T0SZ and DS from k1;
	 * T1SZ from k2. */
	r.tcr = (uint64_t)(k1 & 0x3f) | (uint64_t)(k0 >> 4 & 1) << 7 |
		(uint64_t)(k0 & 3) << 14 | (uint64_t)(k2 & 0x3f) << 16 |
		(uint64_t)(k0 >> 5 & 1) << 23 | (uint64_t)(k0 >> 2 & 3) << 30 |
		(uint64_t)(k0 >> 6 & 1) << 37 | (uint64_t)(k0 >> 7) << 38 |
		(uint64_t)(k1 >> 6 & 1) << 59;
	g.base = bases[k3 & 3];
	/* Any size, not only whole descriptors: the last one may be cut. */
	g.size = get(data + 4, 2) * 8 + (k3 >> 2 & 7);
	if (!g.size)
		g.size = 8;
	g.ram = calloc(1, g.size);
	if (!g.ram)
		return 0;
	va = get(data + 6, 8);
	ttbr0 = g.base + get(data + 14, 4);
	ttbr1 = g.base + get(data + 18, 4);
	/* k1 bit 7: the TTBRs in the 52-bit form, BADDR[51:48] in [5:2]. */
	if (k1 & 0x80) {
		ttbr0 = (ttbr0 & 0xffffffffffc0ULL) | (ttbr0 >> 48 & 0xf) << 2;
		ttbr1 = (ttbr1 & 0xffffffffffc0ULL) | (ttbr1 >> 48 & 0xf) << 2;
	}
	r.ttbr0 = ttbr0;
	r.ttbr1 = ttbr1;

	/* Descriptors: slot, kind, value. Kind bit 0: the value is an offset
	 * into RAM; bit 1: store it in this granule's 52-bit OA form (bits
	 * [1:0] kept); bits [6:4]: misalign the store. */
	for (size_t off = HEADER; off + RECORD <= size; off += RECORD) {
		uint64_t at = get(data + off, 2) * 8 + (data[off + 2] >> 4 & 7);
		uint8_t kind = data[off + 2];
		uint64_t val = get(data + off + 3, 8), desc = val;
		uint8_t bytes[8];

		if (kind & 1)
			desc = g.base + (val & ~0xfffULL) + (val & 0xfff);
		if (kind & 2)
			desc = encode_oa(desc & ~0xfffULL, r.tcr, va & BIT(55)) |
			       (desc & 3);
		for (int i = 0; i < 8; i++)
			bytes[i] = desc >> (8 * i);
		if (at < g.size)
			memcpy(g.ram + at, bytes, g.size - at < 8 ? g.size - at : 8);
	}

	check_walk(&g, &r, va);
	/* The same VA in the other half, and the RAM base itself. */
	check_walk(&g, &r, va ^ (0x1ffULL << 55));
	check_walk(&g, &r, g.base);
	free(g.ram);
	return 0;
}
