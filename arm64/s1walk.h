/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_S1WALK_H
#define LKVM_ARM64_S1WALK_H

#include <stdbool.h>
#include <stdint.h>

/* The EL1&0 translation registers a walk needs. */
struct s1_regs {
	uint64_t tcr;
	uint64_t ttbr0;
	uint64_t ttbr1;
};

/* Read the 8-byte descriptor at guest physical @pa; false if not RAM. */
typedef bool (*s1_read_fn)(void *opaque, uint64_t pa, uint64_t *desc);

/*
 * Translate @va through the guest's stage-1 tables (MMU on), as the
 * architecture walks them for EL1 (Arm ARM D8): TTBR0/TTBR1 by VA bit 55,
 * top byte ignored per TCR.TBIx, 4K/16K/64K granules, LPA2 (TCR.DS, 52-bit,
 * five levels from level -1), table, block and page descriptors.
 * Permissions are not checked. Returns 0 with *@pa, or -EFAULT when @va is
 * not mapped (out of range, walk disabled, invalid descriptor, a table
 * outside guest RAM).
 */
int s1_translate(const struct s1_regs *regs, uint64_t va, s1_read_fn read,
		 void *opaque, uint64_t *pa);

#endif
