// SPDX-License-Identifier: GPL-2.0
/*
 * RAS notification latency and storm throughput (make bench, scenario [5];
 * lkvm run --ras --sdei --loglevel debug, 1 vCPU). The guest prints:
 *   MMIO <ticks>              median MMIO exit round trip (the reference)
 *   READY <kind> <i>          the harness injects one error now
 *   STAMP <kind> <counter>    the handler's first instruction, in guest
 *                             counter ticks; lkvm logs the counter at which
 *                             the injection reached it, the harness pairs them
 *   STORM <n> <ticks>         records handled in the storm, and the median
 *                             time between two handler entries while records
 *                             wait in the queue: one record's delivery cycle
 */
#include "ras_region.h"

#define ITERATIONS	1000
#define SAMPLES		15
#define SDEI_REGISTER	0xC4000021u
#define SDEI_ENABLE	0xC4000022u
#define SDEI_PE_UNMASK	0xC400002Cu
#define UART_LSR	((volatile uint8_t *)0x01000005)

extern char bench_sdei_entry[];

static uint64_t ticks[ITERATIONS];
static volatile uint64_t stamp;
static volatile int seen, storm, storm_stop;
static volatile uint64_t storm_n, storm_last;
static unsigned int nr_deltas;

void exception_handler(uint64_t kind, uint64_t counter)
{
	stamp = counter;
	ack(kind == 7 ? SRC_SERROR : SRC_SEA(0));
	seen = 1;
}

void sdei_stamp(uint64_t event, uint64_t counter)
{
	if (event == 2) {
		storm_stop = 1;
		return;
	}
	if (storm) {
		if (storm_n && nr_deltas < ITERATIONS)
			ticks[nr_deltas++] = counter - storm_last;
		storm_last = counter;
		storm_n++;
	} else {
		stamp = counter;
		seen = 1;
	}
	ack(SRC_SDEI_NORMAL);
}

static void sample(const char *kind)
{
	for (int i = 0; i < SAMPLES; i++) {
		seen = 0;
		puts("READY ");
		puts(kind);
		puts(" ");
		put_dec(i);
		puts("\n");
		if (!wait_for(&seen)) {
			puts("bench ras: no notification arrived\n");
			return;
		}
		puts("STAMP ");
		puts(kind);
		puts(" ");
		put_dec(stamp);
		puts("\n");
	}
}

void main(void)
{
	uint64_t freq;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	if (!find_region() ||
	    hvc(SDEI_REGISTER, 16, (uint64_t)bench_sdei_entry, 0, 0, 0) ||
	    hvc(SDEI_ENABLE, 16, 0, 0, 0, 0) ||
	    hvc(SDEI_REGISTER, 2, (uint64_t)bench_sdei_entry, 0, 0, 0) ||
	    hvc(SDEI_ENABLE, 2, 0, 0, 0, 0) || hvc(SDEI_PE_UNMASK, 0, 0, 0, 0, 0)) {
		puts("bench ras: cannot set up (run with --ras --sdei)\n");
		return;
	}
	__asm__ volatile("msr vbar_el1, %0; isb; msr daifclr, #4" :: "r"(vectors));
	for (int i = 0; i < ITERATIONS; i++) {
		uint64_t t0 = counter_now();

		(void)*UART_LSR;
		ticks[i] = counter_now() - t0;
	}
	puts("FREQ ");
	put_dec(freq);
	puts("\nMMIO ");
	put_dec(median_ticks(ticks, ITERATIONS));
	puts("\n");
	sample("sea");
	sample("serror");
	sample("sdei");
	storm = 1;
	puts("READY storm\n");
	wait_for(&storm_stop);
	puts("STORM ");
	put_dec(storm_n);
	puts(" ");
	put_dec(median_ticks(ticks, nr_deltas));
	puts("\nDONE\n");
}
