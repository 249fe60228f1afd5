// SPDX-License-Identifier: GPL-2.0
/*
 * Shows progress for the control-plane tests (lkvm pause, resume, stop):
 * "TICK n" ten times a second of guest time, until lkvm stops the VM.
 * With a PMU (lkvm run --pmu), each is followed by "CYCLES c", the cycle
 * counter's value, which a snapshot must carry on from.
 */
#include "rt/rt.h"

#define PMCR_E		(1u << 0)	/* counters enabled */
#define PMCR_C		(1u << 2)	/* the cycle counter reset to 0 */
#define PMCR_LC		(1u << 6)	/* the cycle counter is 64 bits wide */
#define PMCNTEN_C	(1ul << 31)

/* Count cycles at EL1 and EL0 from 0, if the vCPU has a PMUv3 (ID_AA64DFR0_EL1.PMUVer). */
static bool start_cycle_counter(void)
{
	uint64_t dfr0;
	unsigned int ver;

	__asm__ volatile("mrs %0, id_aa64dfr0_el1" : "=r"(dfr0));
	ver = (dfr0 >> 8) & 0xf;
	if (!ver || ver == 0xf)
		return false;
	__asm__ volatile("msr pmccfiltr_el0, xzr\n"
			 "msr pmcntenset_el0, %0\n"
			 "msr pmcr_el0, %1\n"
			 "isb" : : "r"(PMCNTEN_C), "r"((uint64_t)(PMCR_E | PMCR_C | PMCR_LC)));
	return true;
}

void main(void)
{
	uint64_t freq, next = counter_now(), cycles;
	bool pmu = start_cycle_counter();

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	for (uint64_t n = 0;; n++) {
		puts("TICK ");
		put_dec(n);
		puts("\n");
		if (pmu) {
			__asm__ volatile("isb\nmrs %0, pmccntr_el0" : "=r"(cycles));
			puts("CYCLES ");
			put_dec(cycles);
			puts("\n");
		}
		next += freq / 10;
		while (counter_now() < next)
			;
	}
}
