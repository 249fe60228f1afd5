/* Assembly halves of the SDEI test (sdei.c). */
#define SDEI_EVENT_SIGNAL		0xC400002F

	.text
/*
 * int signal_and_check(uint64_t target_mpidr): EVENT_SIGNAL(0, target)
 * with xN = N + 10 in x4-x17 (small enough for CCMP's immediate).
 * Returns 1 if, when control comes back after the HVC, x0 is 0 (the
 * call's result) and x1-x17 are what the caller had (x1 = 0, x2 = the
 * target, x3 = 3).
 */
	.global signal_and_check
signal_and_check:
	str	x18, [sp, #-16]!
	mov	x2, x0
	mov	x18, x0			/* kept by the handler, to compare x2 */
	mov	x1, #0
	ldr	x0, =SDEI_EVENT_SIGNAL
	mov	x3, #3
	mov	x4, #14
	mov	x5, #15
	mov	x6, #16
	mov	x7, #17
	mov	x8, #18
	mov	x9, #19
	mov	x10, #20
	mov	x11, #21
	mov	x12, #22
	mov	x13, #23
	mov	x14, #24
	mov	x15, #25
	mov	x16, #26
	mov	x17, #27
	hvc	#0
	.global signal_hvc_ret
signal_hvc_ret:
	cbnz	x0, 1f
	cbnz	x1, 1f
	cmp	x2, x18
	ccmp	x3, #3, #0, eq
	ccmp	x4, #14, #0, eq
	ccmp	x5, #15, #0, eq
	ccmp	x6, #16, #0, eq
	ccmp	x7, #17, #0, eq
	ccmp	x8, #18, #0, eq
	ccmp	x9, #19, #0, eq
	ccmp	x10, #20, #0, eq
	ccmp	x11, #21, #0, eq
	ccmp	x12, #22, #0, eq
	ccmp	x13, #23, #0, eq
	ccmp	x14, #24, #0, eq
	ccmp	x15, #25, #0, eq
	ccmp	x16, #26, #0, eq
	ccmp	x17, #27, #0, eq
	b.ne	1f
	mov	x0, #1
	ldr	x18, [sp], #16
	ret
1:	mov	x0, #0
	ldr	x18, [sp], #16
	ret

/*
 * COMPLETE_AND_RESUME lands here as if an exception had been taken: record
 * ELR_EL1 and SPSR_EL1 (the interrupted PC and PSTATE), then return to the
 * interrupted code with ERET, leaving every register as found.
 */
	.global resume_point
resume_point:
	stp	x9, x10, [sp, #-16]!
	adr	x10, resumed_elr
	mrs	x9, elr_el1
	str	x9, [x10]
	adr	x10, resumed_spsr
	mrs	x9, spsr_el1
	str	x9, [x10]
	mrs	x9, daif
	adr	x10, resumed_daif
	str	x9, [x10]
	ldp	x9, x10, [sp], #16
	eret

	.ltorg
	.data
	.balign	8
	.global resumed_elr, resumed_spsr, resumed_daif
resumed_elr:	.quad	0
resumed_spsr:	.quad	0
resumed_daif:	.quad	0
