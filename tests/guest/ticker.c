// SPDX-License-Identifier: GPL-2.0
/*
 * Shows progress for the control-plane tests (lkvm pause, resume, stop):
 * "TICK n" ten times a second of guest time, until lkvm stops the VM.
 */
#include "rt/rt.h"

void main(void)
{
	uint64_t freq, next = counter_now();

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	for (uint64_t n = 0;; n++) {
		puts("TICK ");
		put_dec(n);
		puts("\n");
		next += freq / 10;
		while (counter_now() < next)
			;
	}
}
