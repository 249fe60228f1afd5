/*
 * Prints a greeting, checks that x0 points at a device tree (booting.rst:
 * x0 = DTB address) and that a read where no device lives returns 0,
 * prints the verdicts and powers off.
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
	ldr	x6, =0x0a000000		/* no device here */
	mov	w7, #0x5a5a
	ldr	w7, [x6]
	cbnz	w7, 3f
	puts	mmio_zero
3:	psci	PSCI_SYSTEM_OFF
	b	.
bad:
	puts	dtb_bad
	psci	PSCI_SYSTEM_OFF
	b	.

	.ltorg
greeting:	.asciz	"hello from a flat binary\n"
dtb_ok:		.asciz	"x0 points at a device tree\n"
dtb_bad:	.asciz	"x0 does not point at a device tree\n"
mmio_zero:	.asciz	"unmapped MMIO reads as zero\n"
