// SPDX-License-Identifier: GPL-2.0
/*
 * SDEI addresses checked through the guest's own page tables: this payload
 * turns its MMU on with an identity map (first GiB Device, RAM's GiB
 * Normal, nothing above) and registers entry points that are mapped to
 * RAM, mapped to a device, unmapped, and out of range.
 */
#include "rt/rt.h"

#define SDEI_REGISTER		0xC4000021u
#define SDEI_ENABLE		0xC4000022u
#define SDEI_COMPLETE_AND_RESUME 0xC4000026u
#define SDEI_PE_UNMASK		0xC400002Cu
#define SDEI_SIGNAL		0xC400002Fu
#define INVALID_PARAMETERS	(-2)
#define DENIED			(-3)

static uint64_t level1[512] __attribute__((aligned(4096)));
static volatile int handled;
static volatile int64_t bad_resume;

uint64_t sdei_handler(uint64_t event, uint64_t arg, uint64_t pc,
		      uint64_t pstate)
{
	(void)event, (void)arg, (void)pc, (void)pstate;
	/* Unmapped: refused, and the handler is still running. */
	bad_resume = hvc(SDEI_COMPLETE_AND_RESUME, 0x80000000, 0, 0, 0, 0);
	handled++;
	return 0;
}

/* An identity map: the first GiB Device, RAM's GiB Normal, nothing above. */
static void identity_mmu_on(void)
{
	level1[0] = 0x00000000ULL | 1 << 10 | 0 << 2 | 1;	/* AF, Device, block */
	level1[1] = 0x40000000ULL | 1 << 10 | 3 << 8 | 1 << 2 | 1;	/* AF, inner shareable, Normal */
	/* T0SZ 25 (39 bits, from level 1), WBWA inner/outer, inner shareable,
	 * 4K, TTBR1 walks off, 40-bit IPS. */
	mmu_on(25 | 1 << 8 | 1 << 10 | 3 << 12 | 1ULL << 23 | 2ULL << 32, (uint64_t)level1, 0);
}

void main(void)
{
	puts("sdei with the MMU on\n");
	identity_mmu_on();
	puts("# MMU on\n");
	check_eq(hvc(SDEI_REGISTER, 0, 0x80000000, 0, 0, 0), INVALID_PARAMETERS,
		 "REGISTER with an unmapped entry point is invalid");
	check_eq(hvc(SDEI_REGISTER, 0, 0x1000, 0, 0, 0), INVALID_PARAMETERS,
		 "REGISTER with an entry point mapped to a non-RAM address is invalid");
	check_eq(hvc(SDEI_REGISTER, 0, 1ULL << 40, 0, 0, 0), INVALID_PARAMETERS,
		 "REGISTER with an entry point beyond the VA range is invalid");
	check_eq(hvc(SDEI_REGISTER, 0, (uint64_t)sdei_entry, 0, 0, 0), 0,
		 "REGISTER with an entry point mapped to RAM");
	check_eq(hvc(SDEI_ENABLE, 0, 0, 0, 0, 0), 0, "ENABLE event 0");
	check_eq(hvc(SDEI_PE_UNMASK, 0, 0, 0, 0, 0), 0, "PE_UNMASK");
	check_eq(hvc(SDEI_SIGNAL, 0, read_mpidr(), 0, 0, 0), 0, "SIGNAL itself");
	check_eq(handled, 1, "the handler ran and completed");
	check_eq(bad_resume, DENIED, "COMPLETE_AND_RESUME to an unmapped address is DENIED");
	puts(failures() ? "DONE with failures\n" : "DONE\n");
}
