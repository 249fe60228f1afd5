/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GUEST_RAS_REGION_H
#define LKVM_GUEST_RAS_REGION_H

/*
 * The RAS payloads' view of lkvm's error region (ras/README.md): found
 * through the device tree, acknowledged as Linux does, and the records
 * they expect, built from the spec's layout tables rather than from
 * lkvm's encoder.
 */
#include "rt/rt.h"

#define SRC_SDEI_NORMAL		0
#define SRC_SERROR		2
#define SRC_SEA(cpu)		(3 + (cpu))

#define SEV_RECOVERABLE		0
#define SEV_CORRECTED		2

#define REC_MAX			256
#define TIMESTAMP_AT		(20 + 64)

static uint64_t region;
static unsigned int nr_sources;

static inline void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = v >> (8 * i);
}

static inline uint64_t get_le(const volatile uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static inline volatile uint8_t *block(unsigned int src)
{
	return (volatile uint8_t *)get_le((volatile uint8_t *)region + 8 * src, 8);
}

static inline uint64_t ack_value(unsigned int src)
{
	return get_le((volatile uint8_t *)region + 8 * (nr_sources + src), 8);
}

/*
 * Find the region and count its sources: slot i points at the block
 * 4 KiB * (i + 1) into the region, and the read-ack registers that follow
 * the slots never hold such an address. False without a region.
 */
static inline bool find_region(void)
{
	region = dt_node_address("ras-errors@");
	nr_sources = 0;
	while (region && nr_sources < 64 &&
	       (uint64_t)block(nr_sources) == region + 4096 * (nr_sources + 1))
		nr_sources++;
	return region != 0;
}

/* Each slot points at its block, each ack reads 1, each block is empty. */
static inline bool layout_ok(void)
{
	bool ok = nr_sources > 0;

	for (unsigned int i = 0; i < nr_sources; i++)
		ok &= ack_value(i) == 1 && get_le(block(i), 4) == 0;
	return ok;
}

/* What Linux's ghes_clear_estatus() does: block_status 0, then the ack. */
static inline void ack(unsigned int src)
{
	volatile uint64_t *ack_reg = (volatile uint64_t *)(region + 8 * (nr_sources + src));

	*(volatile uint32_t *)block(src) = 0;
	__asm__ volatile("dsb sy" ::: "memory");
	*ack_reg = (*ack_reg & ~1ull) | 1;
}

/* Generic Error Status Block + one 0x0300 entry header, by the tables. */
static inline unsigned int expect_header(uint8_t *e, const uint8_t guid[16],
					 unsigned int sev, unsigned int payload)
{
	static const uint8_t zeros[REC_MAX];	/* a zeroing loop would become memset */

	for (int i = 0; i < REC_MAX; i++)
		e[i] = zeros[i];
	put_le(e + 0, (sev == SEV_CORRECTED ? 0x2 : 0x1) | 1 << 4, 4);
	put_le(e + 12, 72 + payload, 4);
	put_le(e + 16, sev, 4);
	for (int i = 0; i < 16; i++)
		e[20 + i] = guid[i];
	put_le(e + 20 + 16, sev, 4);
	put_le(e + 20 + 20, 0x0300, 2);
	e[20 + 22] = 0x04;			/* timestamp valid */
	e[20 + 23] = 0x01;			/* primary */
	put_le(e + 20 + 24, payload, 4);
	return 20 + 72 + payload;
}

static inline unsigned int expect_memory(uint8_t *e, uint64_t pa, unsigned int sev,
					 bool poison)
{
	static const uint8_t mem_guid[16] = {
		0x14, 0x11, 0xbc, 0xa5, 0x64, 0x6f, 0xde, 0x4e,
		0xb8, 0x63, 0x3e, 0x83, 0xed, 0x7c, 0x83, 0xb1,
	};
	unsigned int len = expect_header(e, mem_guid, sev, 80);
	uint8_t *s = e + 92;

	/* PA, PA mask, error type valid; error status too for poison */
	put_le(s + 0, poison ? 0x4007 : 0x4006, 8);
	put_le(s + 8, poison ? 26 << 8 : 0, 8);	/* read of poisoned data */
	put_le(s + 16, pa, 8);
	put_le(s + 24, ~0xfffull, 8);
	s[72] = poison ? 0 : sev == SEV_CORRECTED ? 2 : 3;
	return len;
}

static inline unsigned int expect_processor(uint8_t *e, uint64_t mpidr, uint64_t midr,
					    unsigned int sev, uint64_t pa)
{
	static const uint8_t arm_guid[16] = {
		0x16, 0x3d, 0x9e, 0xe1, 0x11, 0xbc, 0xe4, 0x11,
		0x9c, 0xaa, 0xc2, 0x05, 0x1d, 0x5d, 0x46, 0xb0,
	};
	unsigned int len = expect_header(e, arm_guid, sev, 72);
	uint8_t *s = e + 92;

	put_le(s + 0, 0x5, 4);		/* MPIDR, running state valid */
	put_le(s + 4, 1, 2);		/* one error information structure */
	put_le(s + 8, 72, 4);		/* section length */
	put_le(s + 16, mpidr, 8);
	put_le(s + 24, midr, 8);
	put_le(s + 32, 1, 4);		/* running */
	s[41] = 32;			/* error info: length */
	put_le(s + 42, 0x12, 2);	/* flags, PA valid */
	s[44] = 0x02;			/* cache error */
	s[47] = 0x03;			/* first, last */
	put_le(s + 64, pa, 8);
	return len;
}

static inline bool bcd_ok(uint8_t v)
{
	return (v >> 4) <= 9 && (v & 0xf) <= 9;
}

/* Byte for byte, except the timestamp: BCD, imprecise, 20th+ century. */
static inline bool same_record(const volatile uint8_t *got, const uint8_t *want,
			       unsigned int len, const char *what)
{
	for (unsigned int i = 0; i < len; i++) {
		if (i >= TIMESTAMP_AT && i < TIMESTAMP_AT + 8) {
			if ((i == TIMESTAMP_AT + 3 && got[i] > 1) || !bcd_ok(got[i]))
				return check(false, what);
			continue;
		}
		if (got[i] != want[i]) {
			puts("# byte ");
			put_dec(i);
			puts(": got ");
			put_hex(got[i]);
			puts(", want ");
			put_hex(want[i]);
			puts("\n");
			return check(false, what);
		}
	}
	return check(got[TIMESTAMP_AT + 7] == 0x20, what);
}

#endif
