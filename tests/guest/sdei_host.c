// SPDX-License-Identifier: GPL-2.0
/*
 * SDEI events injected by the host (lkvm sdei --signal), with 2 vCPUs.
 * At each "WAIT <step>" line the harness (tests/l1/mode-check.sh) runs
 * the lkvm sdei commands of that step:
 *   A  signal 1 to vCPU 0: a private normal event
 *   B  (inside event 1's handler) signal 2 to vCPU 0: a critical event
 *      must preempt the running normal handler
 *   B2 (inside event 2's handler, over event 1's) shared event 16, routed
 *      RM_PE to vCPU 1: event 2's handler waits for it, so that a
 *      snapshot can be taken with both handlers running (snapshot.sh)
 *   C  (vCPU 0 masked) signal 1 to vCPU 0, then shared event 16, routed
 *      RM_PE to vCPU 1: event 1 must wait for PE_UNMASK
 *   D  (vCPU 0 masked) shared event 17, routed RM_ANY: vCPU 1 takes it
 */
#include "rt/rt.h"

#define SDEI(n)			(0xC4000020u + (n))
#define EVENT_REGISTER		SDEI(0x01)
#define EVENT_ENABLE		SDEI(0x02)
#define EVENT_STATUS		SDEI(0x08)
#define PE_MASK			SDEI(0x0B)
#define PE_UNMASK		SDEI(0x0C)
#define RM_ANY			0
#define RM_PE			1

static volatile int cpu1_ready;
static volatile int h1_count, h1_nested_done, h2_done, h16_done, h17_done;
static volatile int64_t h2_status_of_1;
static volatile uint64_t h2_x2, h16_cpu, h17_cpu, h1_arg;

static int64_t sdei(uint32_t fid, uint64_t a1)
{
	return hvc(fid, a1, 0, 0, 0, 0);
}

static int64_t reg(uint32_t ev, uint64_t arg, uint64_t flags, uint64_t mpidr)
{
	return hvc(EVENT_REGISTER, ev, (uint64_t)sdei_entry, arg, flags, mpidr);
}

uint64_t sdei_handler(uint64_t event, uint64_t arg, uint64_t pc,
		      uint64_t pstate)
{
	(void)pstate;
	switch (event) {
	case 1:
		h1_arg = arg;
		if (h1_count++ == 0) {
			puts("WAIT B\n");
			wait_for(&h2_done);
			h1_nested_done = 1;
		}
		break;
	case 2:
		h2_status_of_1 = sdei(EVENT_STATUS, 1);
		h2_x2 = pc;
		puts("WAIT B2\n");
		wait_for(&h16_done);
		h2_done = 1;
		break;
	case 16:
		h16_cpu = this_cpu();
		h16_done = 1;
		break;
	case 17:
		h17_cpu = this_cpu();
		h17_done = 1;
		break;
	}
	return 0;
}

void secondary_main(unsigned int cpu)
{
	(void)cpu;
	sdei(PE_UNMASK, 0);
	cpu1_ready = 1;
	for (;;)
		;
}

void main(void)
{
	puts("sdei host-injection test\n");
	check_eq(reg(1, 0x11, 0, 0), 0, "REGISTER private event 1");
	check_eq(sdei(EVENT_ENABLE, 1), 0, "ENABLE event 1");
	check_eq(reg(2, 0x22, 0, 0), 0, "REGISTER private critical event 2");
	check_eq(sdei(EVENT_ENABLE, 2), 0, "ENABLE event 2");
	check_eq(sdei(PE_UNMASK, 0), 0, "PE_UNMASK on vCPU 0");
	if (!check_eq(start_cpu(1), 0, "PSCI CPU_ON brings up vCPU 1") ||
	    !check(wait_for(&cpu1_ready), "vCPU 1 unmasked"))
		return;
	check_eq(reg(16, 0x16, RM_PE, 1), 0, "REGISTER shared event 16, RM_PE to vCPU 1");
	check_eq(sdei(EVENT_ENABLE, 16), 0, "ENABLE event 16");
	check_eq(reg(17, 0x17, RM_ANY, 0), 0, "REGISTER shared critical event 17, RM_ANY");
	check_eq(sdei(EVENT_ENABLE, 17), 0, "ENABLE event 17");

	puts("WAIT A\n");
	check(wait_for(&h1_nested_done), "host-injected event 1 ran on vCPU 0");
	check_eq(h1_arg, 0x11, "event 1's handler got its argument");
	check(h2_done, "critical event 2 preempted the running handler of event 1");
	check_eq(h2_status_of_1, 7, "event 1 was still running under event 2");
	check(h2_x2 != 0 && h2_x2 != (uint64_t)sdei_entry,
	      "event 2 interrupted event 1's handler, not its entry");
	check_eq(h16_cpu, 1, "shared event 16 ran on vCPU 1 while event 2 held vCPU 0");
	h16_done = 0;

	check_eq(sdei(PE_MASK, 0), 1, "PE_MASK on vCPU 0");
	puts("WAIT C\n");
	check(wait_for(&h16_done), "shared event 16 was delivered");
	check_eq(h16_cpu, 1, "RM_PE routed event 16 to vCPU 1");
	check_eq(h1_count, 1, "event 1 signalled to masked vCPU 0 is held");
	check_eq(sdei(PE_UNMASK, 0), 0, "PE_UNMASK on vCPU 0");
	check_eq(h1_count, 2, "the held event 1 runs once PE_UNMASK returns");

	check_eq(sdei(PE_MASK, 0), 1, "PE_MASK on vCPU 0 again");
	puts("WAIT D\n");
	check(wait_for(&h17_done), "shared event 17 was delivered");
	check_eq(h17_cpu, 1, "RM_ANY sent event 17 to the only unmasked vCPU");
	puts(failures() ? "DONE with failures\n" : "DONE\n");
}
