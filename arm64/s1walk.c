// SPDX-License-Identifier: GPL-2.0
/*
 * A stage-1 walk of the guest's own page tables, to check that an address
 * the guest hands lkvm (an SDEI entry point) leads to guest RAM. Pure: the
 * descriptors come through a callback. Field positions: Arm ARM D8 and
 * D19 (TCR_EL1, TTBRn_EL1).
 */
#include <errno.h>

#include "arm64/s1walk.h"

#define BIT(n)			(1ULL << (n))
#define GENMASK(h, l)		((~0ULL >> (63 - (h))) & ~(BIT(l) - 1))

#define TCR_T0SZ(t)		((t) & 0x3f)
#define TCR_EPD0		BIT(7)
#define TCR_TG0(t)		(((t) >> 14) & 3)
#define TCR_T1SZ(t)		(((t) >> 16) & 0x3f)
#define TCR_EPD1		BIT(23)
#define TCR_TG1(t)		(((t) >> 30) & 3)
#define TCR_TBI0		BIT(37)
#define TCR_TBI1		BIT(38)
#define TCR_DS			BIT(59)

#define DESC_VALID		BIT(0)
#define DESC_TABLE		BIT(1)	/* table (level < 3) or page (level 3) */

/* Page shift from TG0 (00 4K, 01 64K, 10 16K) and TG1 (01 16K, 10 4K, 11 64K). */
static int granule_tg0(unsigned int tg)
{
	static const int shift[] = { 12, 16, 14, 0 };

	return shift[tg];
}

static int granule_tg1(unsigned int tg)
{
	static const int shift[] = { 0, 14, 12, 16 };

	return shift[tg];
}

/* The output address a table, block or page descriptor holds. */
static uint64_t desc_address(uint64_t desc, int page_shift, bool ds)
{
	if (page_shift == 16)	/* 64K: OA[51:48] in bits [15:12] with FEAT_LPA */
		return (desc & GENMASK(47, 16)) | ((desc >> 12) & 0xf) << 48;
	if (ds)			/* LPA2: OA[51:50] in bits [9:8] */
		return (desc & GENMASK(49, page_shift)) | ((desc >> 8) & 3) << 50;
	return desc & GENMASK(47, page_shift);
}

static uint64_t table_base(uint64_t ttbr, int page_shift, bool ds)
{
	/* 52-bit tables put BADDR[51:48] in TTBR bits [5:2]. */
	if (ds || page_shift == 16)
		return (ttbr & GENMASK(47, 6)) | ((ttbr >> 2) & 0xf) << 48;
	return ttbr & GENMASK(47, 1);
}

int s1_translate(const struct s1_regs *regs, uint64_t va, s1_read_fn read,
		 void *opaque, uint64_t *pa)
{
	uint64_t tcr = regs->tcr, ttbr, table, top;
	bool upper = va & BIT(55), ds = tcr & TCR_DS, tbi;
	int tsz, page_shift, stride, va_bits, level;

	if (upper) {
		tsz = TCR_T1SZ(tcr);
		page_shift = granule_tg1(TCR_TG1(tcr));
		tbi = tcr & TCR_TBI1;
		ttbr = regs->ttbr1;
		if (tcr & TCR_EPD1)
			return -EFAULT;
	} else {
		tsz = TCR_T0SZ(tcr);
		page_shift = granule_tg0(TCR_TG0(tcr));
		tbi = tcr & TCR_TBI0;
		ttbr = regs->ttbr0;
		if (tcr & TCR_EPD0)
			return -EFAULT;
	}
	va_bits = 64 - tsz;
	/* 64K pages need 17 bits (TxSZ at most 47): with 16, no level would
	 * index the VA and the walk would start below level 3, never end. */
	if (!page_shift || va_bits < 16 || va_bits > 52 || va_bits <= page_shift)
		return -EFAULT;
	/* Every bit above the range must copy bit 55 (the top byte too,
	 * unless it is ignored). */
	top = va >> va_bits;
	if (tbi)
		top &= BIT(56 - va_bits) - 1;
	if (top != (upper ? (tbi ? BIT(56 - va_bits) - 1 : ~0ULL >> va_bits) : 0))
		return -EFAULT;

	stride = page_shift - 3;
	level = 4 - (va_bits - page_shift + stride - 1) / stride;
	table = table_base(ttbr, page_shift, ds);
	for (;; level++) {
		int shift = page_shift + stride * (3 - level);
		uint64_t index = (va >> shift) & (BIT(stride) - 1);
		uint64_t desc;

		/* The first level may index fewer bits than a full table. */
		if (shift + stride > va_bits)
			index = (va >> shift) & (BIT(va_bits - shift) - 1);
		if (!read(opaque, table + index * 8, &desc) || !(desc & DESC_VALID))
			return -EFAULT;
		if (level == 3) {
			if (!(desc & DESC_TABLE))
				return -EFAULT;		/* reserved at level 3 */
			*pa = desc_address(desc, page_shift, ds) | (va & (BIT(page_shift) - 1));
			return 0;
		}
		if (!(desc & DESC_TABLE)) {
			/* A block: levels 1 and 2, and 0 with 52-bit tables. */
			if (level < (ds ? 0 : 1))
				return -EFAULT;
			*pa = (desc_address(desc, page_shift, ds) & ~(BIT(shift) - 1)) |
			      (va & (BIT(shift) - 1));
			return 0;
		}
		table = desc_address(desc, page_shift, ds);
	}
}
