/* Entry points: CPU 0 from lkvm (x0 = DTB), others from PSCI CPU_ON
 * (x0 = their number). Each gets a 16 KiB stack. */
#define STACK_SIZE	0x4000
#define MAX_CPUS	4

	.section .text.start, "ax"
	.global _start
_start:
	adr	x1, boot_x0
	str	x0, [x1]
	mov	x19, #0
	b	common

	.global secondary_entry
secondary_entry:
	mov	x19, x0
common:
	adr	x1, stacks
	add	x2, x19, #1
	mov	x3, #STACK_SIZE
	madd	x1, x2, x3, x1
	mov	sp, x1
	cbnz	x19, 1f
	bl	main
	ldr	x0, =0x84000008		/* PSCI SYSTEM_OFF */
	hvc	#0
	b	.
1:	mov	x0, x19
	bl	secondary_main
	b	.

	.global hvc
hvc:	hvc	#0
	ret

	.global smc
smc:	smc	#0
	ret

	.ltorg
	.data
	.balign	8
	.global	boot_x0
boot_x0:
	.quad	0

	.bss
	.balign	16
stacks:	.skip	STACK_SIZE * MAX_CPUS
