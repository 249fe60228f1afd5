// SPDX-License-Identifier: GPL-2.0
/*
 * The cost of SDEI in lkvm, from inside the guest (make bench): median
 * counter ticks over ITERATIONS of
 *   - PSCI_VERSION, a hypercall KVM answers in the kernel (the reference),
 *   - SDEI_VERSION, answered by lkvm through KVM_EXIT_HYPERCALL,
 *   - a read of the 16550's LSR, an MMIO exit to an lkvm device,
 *   - EVENT_SIGNAL to itself: the call, the dispatch, an empty handler,
 *     COMPLETE and the return: a whole event round trip,
 * each also as a ratio to PSCI_VERSION, and SDEI_VERSION and the round
 * trip as ratios to the MMIO exit.
 */
#include "rt/rt.h"

#define ITERATIONS	1000
#define PSCI_VERSION	0x84000000u
#define SDEI_VERSION	0xC4000020u
#define SDEI_REGISTER	0xC4000021u
#define SDEI_ENABLE	0xC4000022u
#define SDEI_PE_UNMASK	0xC400002Cu
#define SDEI_SIGNAL	0xC400002Fu
#define UART_LSR	((volatile uint8_t *)0x01000005)

static uint64_t ticks[ITERATIONS];

enum what { W_PSCI, W_SDEI, W_MMIO, W_ROUND_TRIP };

static uint64_t measure(enum what what)
{
	uint64_t me = read_mpidr();

	for (int i = 0; i < ITERATIONS; i++) {
		uint64_t t0 = counter_now();

		switch (what) {
		case W_PSCI:
			hvc(PSCI_VERSION, 0, 0, 0, 0, 0);
			break;
		case W_SDEI:
			hvc(SDEI_VERSION, 0, 0, 0, 0, 0);
			break;
		case W_MMIO:
			(void)*UART_LSR;
			break;
		case W_ROUND_TRIP:
			hvc(SDEI_SIGNAL, 0, me, 0, 0, 0);
			break;
		}
		ticks[i] = counter_now() - t0;
	}
	return median_ticks(ticks, ITERATIONS);
}

/* ", xR.RR of WHAT": @t as a multiple of @ref, two decimals. */
static void put_ratio(uint64_t t, uint64_t ref, const char *what)
{
	uint64_t hundredths = t * 100 / ref;

	puts(", x");
	put_dec(hundredths / 100);
	puts(".");
	put_dec(hundredths % 100 / 10);
	put_dec(hundredths % 10);
	puts(what);
}

static void line(const char *what, uint64_t t, uint64_t psci, uint64_t mmio)
{
	puts("bench   ");
	puts(what);
	puts(" median ");
	put_dec(t);
	puts(" ticks");
	put_ratio(t, psci, " of PSCI_VERSION");
	if (mmio)
		put_ratio(t, mmio, " of the MMIO exit");
	puts("\n");
}

void main(void)
{
	uint64_t freq, psci, sdei, mmio, round_trip;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	if (hvc(SDEI_REGISTER, 0, (uint64_t)sdei_entry, 0, 0, 0) ||
	    hvc(SDEI_ENABLE, 0, 0, 0, 0, 0) || hvc(SDEI_PE_UNMASK, 0, 0, 0, 0, 0)) {
		puts("bench sdei: cannot set up event 0 (run with --sdei)\n");
		return;
	}
	psci = measure(W_PSCI);
	sdei = measure(W_SDEI);
	mmio = measure(W_MMIO);
	round_trip = measure(W_ROUND_TRIP);
	puts("bench sdei: medians of ");
	put_dec(ITERATIONS);
	puts(" iterations; the counter ticks at ");
	put_dec(freq);
	puts(" Hz\n");
	line("PSCI_VERSION (in KVM)           ", psci, psci, 0);
	line("SDEI_VERSION (in lkvm)          ", sdei, psci, mmio);
	line("MMIO read of an lkvm device     ", mmio, psci, 0);
	line("EVENT_SIGNAL round trip (lkvm)  ", round_trip, psci, mmio);
	puts("DONE\n");
}
