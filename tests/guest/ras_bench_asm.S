/* Vectors and an SDEI entry that read the counter first thing: the
 * handler's first instruction is when the guest learns of the error. */
#define SDEI_EVENT_COMPLETE	0xC4000025

	.macro	vector kind
	.balign	0x80
	msr	tpidr_el1, x0
	mrs	x0, cntvct_el0
	sub	sp, sp, #176
	stp	x0, x1, [sp, #0]
	mov	x0, #\kind
	b	vector_common
	.endm

	.text
	.balign	2048
	.global	bench_vectors
bench_vectors:
	.irp	k, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vector	\k
	.endr

/* exception_stamp(kind, counter), then back with x0 and x1 restored. */
vector_common:
	stp	x2, x3, [sp, #16]
	stp	x4, x5, [sp, #32]
	stp	x6, x7, [sp, #48]
	stp	x8, x9, [sp, #64]
	stp	x10, x11, [sp, #80]
	stp	x12, x13, [sp, #96]
	stp	x14, x15, [sp, #112]
	stp	x16, x17, [sp, #128]
	stp	x18, x29, [sp, #144]
	str	x30, [sp, #160]
	ldr	x1, [sp, #0]
	bl	exception_stamp
	ldp	x2, x3, [sp, #16]
	ldp	x4, x5, [sp, #32]
	ldp	x6, x7, [sp, #48]
	ldp	x8, x9, [sp, #64]
	ldp	x10, x11, [sp, #80]
	ldp	x12, x13, [sp, #96]
	ldp	x14, x15, [sp, #112]
	ldp	x16, x17, [sp, #128]
	ldp	x18, x29, [sp, #144]
	ldr	x30, [sp, #160]
	ldr	x1, [sp, #8]
	mrs	x0, tpidr_el1
	add	sp, sp, #176
	eret

/* SDEI entry: the dispatcher keeps x0-x17 for the interrupted code. */
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
