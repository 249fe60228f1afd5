/*
 * A 32-bit (AArch32) guest for --aarch32: it says so, checks that it
 * started in SVC mode with r2 pointing at a device tree (arm's
 * booting.rst), prints the verdicts on the 16550 and powers off through
 * PSCI. A32 code, assembled by clang (the arm64 toolchain knows no A32).
 */
	.arm
	.arch_extension virt
	.text

	@ the NUL-terminated string at label to the 16550's transmit register
	.macro	puts label
	adr	r4, \label
	ldr	r3, =0x01000000
.Lnext\@:
	ldrb	r5, [r4], #1
	cmp	r5, #0
	strbne	r5, [r3]
	bne	.Lnext\@
	.endm

	.global	_start
_start:
	puts	greeting
	mrs	r6, cpsr
	and	r6, r6, #0x1f
	cmp	r6, #0x13		@ SVC
	bne	1f
	puts	svc_mode
1:	ldr	r6, [r2]
	ldr	r7, =0xedfe0dd0		@ FDT magic 0xd00dfeed, big-endian
	cmp	r6, r7
	bne	2f
	puts	has_dtb
2:	ldr	r0, =0x84000008		@ PSCI SYSTEM_OFF
	hvc	#0
3:	b	3b

	.ltorg
greeting:	.asciz	"hello from AArch32\n"
svc_mode:	.asciz	"started in SVC mode\n"
has_dtb:	.asciz	"r2 points at a device tree\n"
