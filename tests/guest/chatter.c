// SPDX-License-Identifier: GPL-2.0
/*
 * Prints "CHATTER n" lines as fast as the UART takes them, until lkvm
 * stops the VM: for a stdout nobody reads, which must not stop the guest
 * (or lkvm stop).
 */
#include "rt/rt.h"

void main(void)
{
	for (uint64_t n = 0;; n++) {
		puts("CHATTER ");
		put_dec(n);
		puts(" ................................................\n");
	}
}
