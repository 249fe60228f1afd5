/* The SDEI handler trampoline shared by the payloads (see rt.h). */
#define SDEI_EVENT_COMPLETE		0xC4000025
#define SDEI_EVENT_COMPLETE_AND_RESUME	0xC4000026

	.text
/*
 * The registered entry point. The dispatcher preserves x0-x17 for the
 * interrupted code; x18-x30 and SP are the handler's to keep, so x18 and
 * LR are saved around the C handler. x2-x17 are then trashed on purpose:
 * COMPLETE must bring the interrupted values back. sdei_handler() returns
 * 0 for COMPLETE or an address for COMPLETE_AND_RESUME.
 */
	.global sdei_entry
sdei_entry:
	stp	x18, x30, [sp, #-16]!
	bl	sdei_handler
	mov	x1, x0
	mov	x2, #0xbad
	mov	x3, #0xbad
	mov	x4, #0xbad
	mov	x9, #0xbad
	mov	x17, #0xbad
	ldp	x18, x30, [sp], #16
	cbnz	x1, 1f
	ldr	x0, =SDEI_EVENT_COMPLETE
	hvc	#0
	b	.
1:	ldr	x0, =SDEI_EVENT_COMPLETE_AND_RESUME
	hvc	#0
	b	.

	.ltorg
