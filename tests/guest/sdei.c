// SPDX-License-Identifier: GPL-2.0
/*
 * The SDEI dispatcher seen from inside the guest (lkvm run --sdei -c 2):
 * calls, errors, delivery to itself and to another vCPU, handler arguments,
 * context save and restore, COMPLETE_AND_RESUME, calls made inside a
 * handler. Prints PASS/FAIL lines, then DONE.
 */
#include "rt/rt.h"

#define SDEI(n)			(0xC4000020u + (n))
#define VERSION			SDEI(0x00)
#define EVENT_REGISTER		SDEI(0x01)
#define EVENT_ENABLE		SDEI(0x02)
#define EVENT_CONTEXT		SDEI(0x04)
#define EVENT_COMPLETE		SDEI(0x05)
#define EVENT_UNREGISTER	SDEI(0x07)
#define EVENT_STATUS		SDEI(0x08)
#define EVENT_GET_INFO		SDEI(0x09)
#define PE_MASK			SDEI(0x0B)
#define PE_UNMASK		SDEI(0x0C)
#define INTERRUPT_BIND		SDEI(0x0D)
#define INTERRUPT_RELEASE	SDEI(0x0E)
#define EVENT_SIGNAL		SDEI(0x0F)
#define FEATURES		SDEI(0x10)
#define PRIVATE_RESET		SDEI(0x11)
#define SHARED_RESET		SDEI(0x12)

#define NOT_SUPPORTED		(-1)
#define INVALID_PARAMETERS	(-2)
#define DENIED			(-3)
#define PENDING			(-5)
#define OUT_OF_RESOURCE		(-10)

extern char signal_hvc_ret[], resume_point[];
extern volatile uint64_t resumed_elr, resumed_spsr, resumed_daif;
int signal_and_check(uint64_t target_mpidr);

static int64_t sdei(uint32_t fid, uint64_t a1, uint64_t a2)
{
	return hvc(fid, a1, a2, 0, 0, 0);
}

static int64_t sdei_register(uint32_t ev, uint64_t entry, uint64_t arg,
			     uint64_t flags, uint64_t mpidr)
{
	return hvc(EVENT_REGISTER, ev, entry, arg, flags, mpidr);
}

enum handler_mode { H_COMPLETE, H_CALLS_INSIDE, H_RESUME };

static volatile int mode;
static volatile int handled;
static volatile uint64_t seen[4];
static volatile int64_t inside[8];
static volatile int cpu1_ready, cpu1_handled, cpu1_boots, cpu1_off_request;
static volatile int cpu1_reboot_ready;
static volatile int64_t cpu1_mask_after_on, cpu1_status_after_on;
static volatile uint64_t cpu1_arg, cpu1_x0;

#define PSCI_CPU_OFF		0x84000002u
#define PSCI_AFFINITY_INFO	0xC4000004u

uint64_t sdei_handler(uint64_t event, uint64_t arg, uint64_t pc,
		      uint64_t pstate)
{
	uint64_t daif;

	if (this_cpu() == 1) {
		cpu1_x0 = event;
		cpu1_arg = arg;
		cpu1_handled++;
		return 0;
	}
	__asm__ volatile("mrs %0, daif" : "=r"(daif));
	seen[0] = event;
	seen[1] = arg;
	seen[2] = pc;
	seen[3] = pstate;
	inside[7] = daif;
	handled++;
	switch (mode) {
	case H_CALLS_INSIDE:
		inside[0] = sdei(EVENT_CONTEXT, 4, 0);
		inside[1] = sdei(EVENT_CONTEXT, 18, 0);
		inside[2] = sdei(EVENT_UNREGISTER, 0, 0);
		inside[3] = sdei(EVENT_STATUS, 0, 0);
		inside[4] = sdei(PRIVATE_RESET, 0, 0);
		inside[5] = sdei(PE_MASK, 0, 0);
		inside[6] = sdei(EVENT_CONTEXT, 17, 0);
		return 0;
	case H_RESUME:
		return (uint64_t)resume_point;
	default:
		return 0;
	}
}

static void check_calls_and_errors(void)
{
	int64_t v = sdei(VERSION, 0, 0);

	check_eq((v >> 48) & 0x7fff, 1, "VERSION major is 1");
	check_eq((v >> 32) & 0xffff, 1, "VERSION minor is 1");
	check_eq(v & 0xffffffff, 0x4c4b564d, "VERSION vendor is LKVM");
	check_eq(smc(VERSION, 0, 0, 0, 0, 0), v, "VERSION over the SMC conduit");
	check_eq(sdei(FEATURES, 0, 0), 0, "FEATURES(BIND_SLOTS) is 0");
	check_eq(sdei(FEATURES, 1, 0), 0, "FEATURES(RELATIVE_MODE) is 0");
	check_eq(sdei(FEATURES, 2, 0), INVALID_PARAMETERS, "FEATURES(2) is invalid");
	check_eq(hvc(SDEI(0x13), 0, 0, 0, 0, 0), NOT_SUPPORTED, "an unknown call is NOT_SUPPORTED");
	check_eq(sdei_register(0, 0x1000, 0, 0, 0), INVALID_PARAMETERS,
		 "REGISTER with an entry point outside RAM is invalid");
	check_eq(sdei_register(16, (uint64_t)sdei_entry, 0, 4, 0), INVALID_PARAMETERS,
		 "REGISTER with reserved flag bits is invalid");
	check_eq(sdei_register(16, (uint64_t)sdei_entry, 0, 1, 0x80000009), INVALID_PARAMETERS,
		 "REGISTER RM_PE to an unknown MPIDR is invalid");
	check_eq(sdei_register(4242, (uint64_t)sdei_entry, 0, 0, 0), INVALID_PARAMETERS,
		 "REGISTER of an unknown event is invalid");
	check_eq(sdei(EVENT_COMPLETE, 0, 0), DENIED, "COMPLETE with nothing running is DENIED");
	check_eq(sdei(EVENT_CONTEXT, 0, 0), DENIED, "CONTEXT with nothing running is DENIED");
	check_eq(sdei(EVENT_GET_INFO, 0, 0), 0, "GET_INFO: event 0 is private");
	check_eq(sdei(EVENT_GET_INFO, 16, 0), 1, "GET_INFO: event 16 is shared");
	check_eq(sdei(EVENT_GET_INFO, 17, 2), 1, "GET_INFO: event 17 is critical");
	check_eq(sdei(EVENT_GET_INFO, 0, 9), INVALID_PARAMETERS, "GET_INFO: info 9 is invalid");
	check_eq(sdei(INTERRUPT_BIND, 27, 0), OUT_OF_RESOURCE, "INTERRUPT_BIND of a PPI finds no slot");
	check_eq(sdei(INTERRUPT_BIND, 3, 0), INVALID_PARAMETERS, "INTERRUPT_BIND of an SGI is invalid");
	check_eq(sdei(INTERRUPT_RELEASE, 16, 0), INVALID_PARAMETERS, "INTERRUPT_RELEASE of a static event is invalid");
	check_eq(sdei(EVENT_SIGNAL, 1, read_mpidr()), INVALID_PARAMETERS, "SIGNAL of an event other than 0 is invalid");
	check_eq(sdei(EVENT_SIGNAL, 0, read_mpidr()), INVALID_PARAMETERS,
		 "SIGNAL to a PE without event 0 registered is invalid");
}

static void check_signal_self(void)
{
	uint64_t me = read_mpidr();
	int intact;

	check_eq(sdei_register(0, (uint64_t)sdei_entry, 0x1234, 0, 0), 0, "REGISTER event 0");
	check_eq(sdei(EVENT_STATUS, 0, 0), 1, "STATUS: registered");
	check_eq(sdei(EVENT_ENABLE, 0, 0), 0, "ENABLE event 0");
	check_eq(sdei(EVENT_STATUS, 0, 0), 3, "STATUS: registered and enabled");
	check_eq(sdei(EVENT_SIGNAL, 0, me), INVALID_PARAMETERS, "SIGNAL to a masked PE is invalid");
	check_eq(sdei(PE_UNMASK, 0, 0), 0, "PE_UNMASK");

	mode = H_COMPLETE;
	intact = signal_and_check(me);
	check_eq(handled, 1, "SIGNAL to itself runs the handler once");
	check_eq(seen[0], 0, "handler x0 is the event number");
	check_eq(seen[1], 0x1234, "handler x1 is the registered argument");
	check_eq(seen[2], (uint64_t)signal_hvc_ret, "handler x2 is the interrupted PC");
	check_eq(seen[3] & 0xf, 5, "handler x3 is the interrupted PSTATE (EL1h)");
	check_eq(inside[7], 0x3c0, "handler runs with D, A, I and F masked");
	check(intact, "COMPLETE resumes right after the HVC with x0 = 0 and x1-x17 intact");
	check_eq(sdei(EVENT_STATUS, 0, 0), 3, "STATUS after COMPLETE: not running");
}

static void check_calls_inside_handler(void)
{
	mode = H_CALLS_INSIDE;
	check(signal_and_check(read_mpidr()), "context intact across a handler that makes calls");
	check_eq(inside[0], 14, "CONTEXT(4) in the handler is the interrupted x4");
	check_eq(inside[6], 27, "CONTEXT(17) in the handler is the interrupted x17");
	check_eq(inside[1], INVALID_PARAMETERS, "CONTEXT(18) is invalid");
	check_eq(inside[2], PENDING, "UNREGISTER while running is PENDING");
	check_eq(inside[3], 4, "STATUS while unregister-pending: running only");
	check_eq(inside[4], DENIED, "PRIVATE_RESET while running is DENIED");
	check_eq(inside[5], 1, "PE_MASK in the handler answers 1");
	check_eq(sdei(EVENT_STATUS, 0, 0), 0, "the unregister took effect at COMPLETE");
	check_eq(sdei(PE_MASK, 0, 0), 0, "the PE stayed masked after the handler");
	check_eq(sdei(PE_UNMASK, 0, 0), 0, "PE_UNMASK again");
}

static void check_complete_and_resume(void)
{
	check_eq(sdei_register(0, (uint64_t)sdei_entry, 0x99, 0, 0), 0, "REGISTER event 0 again");
	check_eq(sdei(EVENT_ENABLE, 0, 0), 0, "ENABLE event 0 again");
	mode = H_RESUME;
	check(signal_and_check(read_mpidr()),
	      "COMPLETE_AND_RESUME then ERET: x0 = 0 and x1-x17 intact");
	check_eq(resumed_elr, (uint64_t)signal_hvc_ret,
		 "COMPLETE_AND_RESUME: ELR_EL1 is the interrupted PC");
	check_eq(resumed_spsr & 0xf, 5, "COMPLETE_AND_RESUME: SPSR_EL1 is the interrupted PSTATE");
	check_eq(resumed_daif, 0x3c0, "COMPLETE_AND_RESUME: resumed with DAIF masked");
}

void secondary_main(unsigned int cpu)
{
	(void)cpu;
	if (cpu1_boots++) {
		/* Powered on again: masked, its private events reset. */
		cpu1_mask_after_on = sdei(PE_MASK, 0, 0);
		cpu1_status_after_on = sdei(EVENT_STATUS, 0, 0);
		cpu1_reboot_ready = 1;
		for (;;)
			;
	}
	sdei_register(0, (uint64_t)sdei_entry, 0x5555, 0, 0);
	sdei(EVENT_ENABLE, 0, 0);
	sdei(PE_UNMASK, 0, 0);
	cpu1_ready = 1;
	while (!cpu1_off_request)
		;
	hvc(PSCI_CPU_OFF, 0, 0, 0, 0, 0);
	puts("# CPU_OFF returned\n");
	for (;;)
		;
}

static void check_power_cycle(void)
{
	extern char secondary_entry[];
	int off = 0;

	check_eq(start_cpu(1), -4, "CPU_ON of a running vCPU: ALREADY_ON");
	check_eq(hvc(0xC4000003u, 5, (uint64_t)secondary_entry, 1, 0, 0), -2,
		 "CPU_ON of an unknown MPIDR: INVALID_PARAMETERS");
	cpu1_off_request = 1;
	for (int i = 0; i < 1000000 && !off; i++)
		off = hvc(PSCI_AFFINITY_INFO, 1, 0, 0, 0, 0) == 1;
	check(off, "vCPU 1's CPU_OFF: AFFINITY_INFO says off");
	check_eq(hvc(0xC4000003u, 1, 0x1000, 1, 0, 0), -9,
		 "CPU_ON with an entry outside RAM: INVALID_ADDRESS");
	check_eq(start_cpu(1), 0, "CPU_ON of vCPU 1 again");
	check(wait_for(&cpu1_reboot_ready), "vCPU 1 came back");
	check_eq(cpu1_mask_after_on, 0, "a PE powered on by CPU_ON starts masked");
	check_eq(cpu1_status_after_on, 0, "CPU_ON reset the PE's private events");
	check_eq(sdei(EVENT_SIGNAL, 0, 1), INVALID_PARAMETERS,
		 "event 0 is no longer registered on vCPU 1");
}

static void check_other_vcpu(void)
{
	if (!check_eq(start_cpu(1), 0, "PSCI CPU_ON brings up vCPU 1"))
		return;
	check(wait_for(&cpu1_ready), "vCPU 1 registered, enabled and unmasked event 0");
	check_eq(sdei(EVENT_SIGNAL, 0, 1), 0, "SIGNAL to vCPU 1");
	check(wait_for(&cpu1_handled), "vCPU 1, spinning in the guest, took the event");
	check_eq(cpu1_x0, 0, "vCPU 1's handler got event 0");
	check_eq(cpu1_arg, 0x5555, "vCPU 1's handler got its own registration's argument");
	check_eq(handled, 3, "vCPU 0's handler did not run for vCPU 1's event");
}

void main(void)
{
	puts("sdei test\n");
	check_calls_and_errors();
	check_signal_self();
	check_calls_inside_handler();
	check_complete_and_resume();
	check_other_vcpu();
	if (cpu1_ready)
		check_power_cycle();
	check_eq(sdei(SHARED_RESET, 0, 0), 0, "SHARED_RESET");
	check_eq(sdei(PRIVATE_RESET, 0, 0), 0, "PRIVATE_RESET");
	check_eq(sdei(EVENT_STATUS, 0, 0), 0, "PRIVATE_RESET unregistered event 0");
	puts(failures() ? "DONE with failures\n" : "DONE\n");
}
