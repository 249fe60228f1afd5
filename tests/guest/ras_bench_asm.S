/* The SDEI entry of the RAS benchmark: the counter first thing, then
 * sdei_stamp(event, counter); the dispatcher keeps x0-x17 for the
 * interrupted code. */
#define SDEI_EVENT_COMPLETE	0xC4000025

	.text
	.global	bench_sdei_entry
bench_sdei_entry:
	mrs	x1, cntvct_el0
	stp	x18, x30, [sp, #-16]!
	bl	sdei_stamp
	ldp	x18, x30, [sp], #16
	ldr	x0, =SDEI_EVENT_COMPLETE
	hvc	#0
	b	.
	.ltorg
