// SPDX-License-Identifier: GPL-2.0
/*
 * Error routing between vCPUs (lkvm run --ras -c 2): each vCPU has an SEA
 * source of its own, and an error aimed at one vCPU must reach that vCPU's
 * vector and block and leave the other alone. At each "WAIT <step>" line
 * the harness (tests/l1/ras.sh) injects:
 *   sea1        a recoverable memory error, --notify sea --vcpu 1
 *   serror1     a corrected memory error, --notify serror --vcpu 1
 *   processor1  a recoverable processor error, --notify sea --vcpu 1
 *   sea0        a recoverable memory error, --notify sea --vcpu 0
 */
#include "ras_region.h"

/* Addresses the harness injects at; keep in step with tests/l1/ras.sh. */
#define SEA1_PA		0x40610000ull
#define SERROR1_PA	0x40620000ull
#define PROCESSOR1_PA	0x40630000ull
#define SEA0_PA		0x40640000ull

#define NR_CPUS		2
#define VECTOR_SYNC	4	/* current EL, SP_ELx */
#define VECTOR_SERROR	7

static volatile int sync_seen[NR_CPUS], serror_seen[NR_CPUS], cpu1_ready, done;
static volatile uint64_t sync_esr[NR_CPUS], serror_esr[NR_CPUS];
static volatile uint64_t cpu1_mpidr, cpu1_midr;

void exception_handler(uint64_t kind, uint64_t counter)
{
	unsigned int cpu = this_cpu();
	uint64_t esr;

	(void)counter;
	__asm__ volatile("mrs %0, esr_el1" : "=r"(esr));
	if (cpu >= NR_CPUS)
		unexpected_exception(kind);
	if (kind == VECTOR_SYNC) {
		sync_esr[cpu] = esr;
		sync_seen[cpu]++;
	} else if (kind == VECTOR_SERROR) {
		serror_esr[cpu] = esr;
		serror_seen[cpu]++;
	} else {
		unexpected_exception(kind);
	}
}

static void take_errors(void)
{
	__asm__ volatile("msr vbar_el1, %0; isb; msr daifclr, #4" :: "r"(vectors) : "memory");
}

void secondary_main(unsigned int cpu)
{
	uint64_t midr;

	(void)cpu;
	take_errors();
	__asm__ volatile("mrs %0, midr_el1" : "=r"(midr));
	cpu1_midr = midr;
	cpu1_mpidr = read_mpidr();
	cpu1_ready = 1;
	while (!done)
		;
}

/* Tell the harness to inject, then wait for a vector's count to reach @n. */
static bool step(const char *name, volatile int *seen, int n)
{
	puts("WAIT ");
	puts(name);
	puts("\n");
	return wait_count(seen, n);
}

void main(void)
{
	uint8_t want[REC_MAX];
	unsigned int len;

	puts("ras smp test\n");
	if (!check(find_region(), "the DT reserves ras-errors@..."))
		return;
	check_eq(nr_sources, 5, "five error sources: SDEI 16 and 17, SError, one SEA per vCPU");
	check(layout_ok(), "each source's slot points at its block, ack reads 1, block empty");
	take_errors();
	if (!check_eq(start_cpu(1), 0, "PSCI CPU_ON brings up vCPU 1") ||
	    !check(wait_for(&cpu1_ready), "vCPU 1 runs"))
		return;

	check(step("sea1", &sync_seen[1], 1), "vCPU 1 took the external abort aimed at it");
	check_eq(sync_esr[1], 0x96000410, "vCPU 1's ESR_EL1: data abort, current EL, FnV, external abort");
	len = expect_memory(want, SEA1_PA, SEV_RECOVERABLE, false);
	same_record(block(SRC_SEA(1)), want, len, "vCPU 1's SEA source holds the record, byte for byte");
	check_eq(get_le(block(SRC_SEA(0)), 4), 0, "vCPU 0's SEA source stays empty");
	ack(SRC_SEA(1));

	check(step("serror1", &serror_seen[1], 1), "vCPU 1 took the SError aimed at it");
	check_eq(serror_esr[1], 0xbe001811,
		 "vCPU 1's ESR_EL1: SError, IL, the injected syndrome (AET CE, DFSC 0x11)");
	len = expect_memory(want, SERROR1_PA, SEV_CORRECTED, false);
	same_record(block(SRC_SERROR), want, len, "the SError source holds the record, byte for byte");
	ack(SRC_SERROR);

	check(step("processor1", &sync_seen[1], 2),
	      "vCPU 1 took the external abort for its processor error");
	len = expect_processor(want, cpu1_mpidr, cpu1_midr, SEV_RECOVERABLE, PROCESSOR1_PA);
	same_record(block(SRC_SEA(1)), want, len,
		    "the record names vCPU 1's MPIDR and MIDR, byte for byte");
	ack(SRC_SEA(1));

	check(step("sea0", &sync_seen[0], 1), "vCPU 0 took the external abort aimed at it");
	check_eq(sync_esr[0], 0x96000410, "vCPU 0's ESR_EL1: data abort, current EL, FnV, external abort");
	len = expect_memory(want, SEA0_PA, SEV_RECOVERABLE, false);
	same_record(block(SRC_SEA(0)), want, len, "vCPU 0's SEA source holds the record, byte for byte");
	ack(SRC_SEA(0));

	check(sync_seen[0] == 1 && serror_seen[0] == 0,
	      "vCPU 0 took only the error aimed at it");
	check(sync_seen[1] == 2 && serror_seen[1] == 1,
	      "vCPU 1 took only the errors aimed at it");
	done = 1;
	puts(failures() ? "DONE with failures\n" : "DONE\n");
}
