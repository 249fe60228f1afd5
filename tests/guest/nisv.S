/*
 * A load pair from the UART: a data abort without a valid instruction
 * syndrome, which KVM cannot emulate. lkvm must fail with a reason and a
 * non-zero status, not hang or crash.
 */
#include "uart.inc"

	.text
	.global _start
_start:
	puts	msg
	mov	x2, #0x01000000
	ldp	x3, x4, [x2]
	psci	PSCI_SYSTEM_OFF
	b	.

	.ltorg
msg:	.asciz	"about to ldp from MMIO\n"
