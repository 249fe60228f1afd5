// SPDX-License-Identifier: GPL-2.0
/*
 * pvpanic as Linux's pvpanic-mmio driver uses it: find the device in the
 * DT, read the events it knows, report a panic a crash kernel handles
 * (lkvm goes on), then a panic (lkvm ends, status 3, before the last line).
 */
#include "rt/rt.h"

void main(void)
{
	uint64_t base = dt_node_address("pvpanic@");
	volatile uint8_t *reg = (volatile uint8_t *)base;

	if (!base) {
		puts("no pvpanic in the device tree\n");
		return;
	}
	puts("pvpanic at ");
	put_hex(base);
	puts(", events ");
	put_dec(reg[0]);
	puts("\n");
	reg[0] = 2;
	puts("reported a panic its crash kernel handles\n");
	reg[0] = 1;
	puts("still running after reporting a panic\n");
}
