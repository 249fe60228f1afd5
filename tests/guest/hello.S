/*
 * Prints a greeting, checks that x0 points at a device tree (booting.rst:
 * x0 = DTB address), prints the verdict and powers off.
 */
#include "uart.inc"

	.text
	.global _start
_start:
	mov	x19, x0
	puts	greeting
	ldr	w4, [x19]
	ldr	w5, =0xedfe0dd0		/* FDT magic 0xd00dfeed, big-endian */
	cmp	w4, w5
	b.ne	bad
	puts	dtb_ok
	psci	PSCI_SYSTEM_OFF
	b	.
bad:
	puts	dtb_bad
	psci	PSCI_SYSTEM_OFF
	b	.

	.ltorg
greeting:	.asciz	"hello from a flat binary\n"
dtb_ok:		.asciz	"x0 points at a device tree\n"
dtb_bad:	.asciz	"x0 does not point at a device tree\n"
