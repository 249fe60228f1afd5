/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_PRIMECELL_H
#define LKVM_HW_PRIMECELL_H

#include <stdint.h>

/*
 * Arm PrimeCell identification registers, 0xFE0-0xFFC, a byte in each
 * word: PeriphID0-3 (part number, designer, revision; the part's own),
 * then PCellID0-3 (the same for every PrimeCell). Drivers match on them.
 */
#define PRIMECELL_ID_BASE	0xfe0

/* Register @reg's value if it is an ID register, else 0. */
static inline uint32_t primecell_id(uint64_t reg, const uint8_t periph_id[4])
{
	static const uint8_t pcell_id[4] = { 0x0d, 0xf0, 0x05, 0xb1 };
	unsigned int i = (reg - PRIMECELL_ID_BASE) / 4;

	if (reg < PRIMECELL_ID_BASE || reg & 3 || i >= 8)
		return 0;
	return i < 4 ? periph_id[i] : pcell_id[i - 4];
}

#endif
