/* Asks PSCI for a system reset: lkvm must end the session with status 0. */
#include "uart.inc"

	.text
	.global _start
_start:
	puts	msg
	psci	PSCI_SYSTEM_RESET
	b	.

	.ltorg
msg:	.asciz	"resetting\n"
