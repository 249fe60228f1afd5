/*
 * Console input test: prints "ready", then echoes every byte it receives
 * on the UART until it receives 'q', then powers off.
 */
#include "uart.inc"

	.text
	.global _start
_start:
	puts	ready
	mov	x2, #0x01000000
wait:	ldrb	w3, [x2, #5]		/* LSR: data ready? */
	tbz	w3, #0, wait
	ldrb	w4, [x2]		/* RBR */
	cmp	w4, #'q'
	b.eq	off
	strb	w4, [x2]		/* THR */
	b	wait
off:	psci	PSCI_SYSTEM_OFF
	b	.

	.ltorg
ready:	.asciz	"ready\n"
