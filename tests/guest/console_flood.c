// SPDX-License-Identifier: GPL-2.0
/*
 * Run with --console virtio and host input waiting on stdin. The guest
 * has no virtio driver, so hvc0 gets no receive buffers, and it drains
 * the 16550 itself in loopback (a byte written to THR comes back in RBR):
 * every read that empties the UART's buffer wakes console input. lkvm
 * once took input for hvc0 on each such wake-up whatever room it had
 * left, and overran its pending buffer. Prints PASS and DONE, then
 * powers off; a crashed lkvm prints neither.
 */
#include "rt/rt.h"

#define UART		0x01000000ul
#define THR_RBR		0
#define MCR		4
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define ROUNDS		4000

static void uart_write(unsigned int reg, uint8_t v)
{
	*(volatile uint8_t *)(UART + reg) = v;
}

static uint8_t uart_read(unsigned int reg)
{
	return *(volatile uint8_t *)(UART + reg);
}

void main(void)
{
	unsigned int echoed = 0;

	puts("ready\n");
	uart_write(MCR, MCR_OUT2 | MCR_LOOP);
	for (unsigned int i = 0; i < ROUNDS; i++) {
		uart_write(THR_RBR, 'a' + i % 26);
		echoed += uart_read(THR_RBR) == 'a' + i % 26;
	}
	uart_write(MCR, MCR_OUT2);
	check_eq(echoed, ROUNDS, "each looped-back byte comes back while host input waits for hvc0");
	puts("DONE\n");
	hvc(PSCI_SYSTEM_OFF, 0, 0, 0, 0, 0);
}
