/*
 * Exception vectors for the payloads (rt.h): every entry reads the counter
 * first thing, saves the caller-saved registers and calls
 * exception_handler(kind, counter), kind = entry number 0-15.
 */
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
	.global	vectors
vectors:
	.irp	k, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	vector	\k
	.endr

/* exception_handler(kind, counter), then back with x0 and x1 restored. */
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
	bl	exception_handler
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

