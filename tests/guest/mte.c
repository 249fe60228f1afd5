// SPDX-License-Identifier: GPL-2.0
/*
 * MTE as the guest sees it: with the MMU on and RAM mapped Normal Tagged,
 * a granule is given tag 3; a load through a pointer tagged 3 succeeds,
 * and one tagged 5 takes a synchronous tag-check fault (DFSC 0x11) at
 * once, with synchronous checking on at EL1. Then, at "MTE-WAIT", five
 * seconds in which a snapshot may be taken (tests/l1/snapshot.sh): after
 * them, or after the restore, the granule still has its tag.
 */
#include "rt/rt.h"

#define SCTLR_ATA	(1ULL << 43)	/* EL1 may access allocation tags */
#define SCTLR_TCF_SYNC	(1ULL << 40)	/* tag-check faults at EL1: synchronous */
#define TCR_TBI0	(1ULL << 37)	/* the top byte is ignored for TTBR0... */
#define DFSC_TAG_CHECK	0x11

static uint64_t level1[512] __attribute__((aligned(4096)));
static uint8_t granule[64] __attribute__((aligned(16)));
static volatile uint64_t sync_esr, sync_seen;

void exception_handler(uint64_t kind, uint64_t counter)
{
	uint64_t esr, elr;

	(void)counter;
	__asm__ volatile("mrs %0, esr_el1; mrs %1, elr_el1" : "=r"(esr), "=r"(elr));
	if (kind != 4)
		unexpected_exception(kind);
	sync_esr = esr;
	sync_seen++;
	puts("# exception: ESR ");
	put_hex(esr);
	puts(" ELR ");
	put_hex(elr);
	puts("\n");
	__asm__ volatile("msr elr_el1, %0" :: "r"(elr + 4));	/* skip the load */
}

static void tagged_mmu_on(void)
{
	uint64_t sctlr;

	level1[0] = 0x00000000ULL | 1 << 10 | 0 << 2 | 1;		/* AF, Device */
	level1[1] = 0x40000000ULL | 1 << 10 | 3 << 8 | 2 << 2 | 1;	/* AF, inner shareable, Tagged */
	/* T0SZ 25 (39 bits, from level 1), WBWA inner/outer, inner shareable,
	 * 4K, TTBR1 walks off, 40-bit IPS, and the tag in the top byte. */
	mmu_on(25 | 1 << 8 | 1 << 10 | 3 << 12 | 1ULL << 23 | 2ULL << 32 | TCR_TBI0,
	       (uint64_t)level1, 0);
	__asm__ volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
	sctlr |= SCTLR_ATA | SCTLR_TCF_SYNC;
	__asm__ volatile("msr sctlr_el1, %0; isb" :: "r"(sctlr));
}

static uint64_t with_tag(void *p, uint64_t tag)
{
	return (uint64_t)p | tag << 56;
}

void main(void)
{
	uint64_t pfr1, v, freq;

	__asm__ volatile("msr vbar_el1, %0; isb" :: "r"(vectors));
	__asm__ volatile("mrs %0, s3_0_c0_c4_1" : "=r"(pfr1));	/* ID_AA64PFR1_EL1 */
	puts("mte=");
	put_dec(pfr1 >> 8 & 0xf);
	puts("\n");
	if ((pfr1 >> 8 & 0xf) < 2) {
		puts("no MTE for this guest\n");
		return;
	}
	tagged_mmu_on();
	granule[0] = 42;
	/* stg x0, [x0]: the granule's tag becomes the pointer's, 3. */
	__asm__ volatile("mov x0, %0; .inst 0xd9200800"
			 :: "r"(with_tag(granule, 3)) : "x0", "memory");
	v = *(volatile uint8_t *)with_tag(granule, 3);
	check_eq(v, 42, "a load through the matching tag reads the granule");
	check_eq(sync_seen, 0, "and takes no fault");
	v = *(volatile uint8_t *)with_tag(granule, 5);
	check_eq(sync_seen, 1, "a load through tag 5 faults");
	check_eq(sync_esr >> 26, 0x25, "as a data abort at EL1");
	check_eq(sync_esr & 0x3f, DFSC_TAG_CHECK, "whose DFSC is a synchronous tag-check fault");

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	puts("MTE-WAIT\n");
	for (uint64_t end = counter_now() + 5 * freq; counter_now() < end;)
		;
	v = *(volatile uint8_t *)with_tag(granule, 3);
	check_eq(v, 42, "5 s later the granule reads through tag 3");
	check_eq(sync_seen, 1, "without a fault");
	v = *(volatile uint8_t *)with_tag(granule, 5);
	check_eq(sync_seen, 2, "and tag 5 still faults");
	puts(failures() ? "DONE with failures\n" : "DONE\n");
}
