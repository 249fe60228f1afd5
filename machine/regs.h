/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_REGS_H
#define LKVM_MACHINE_REGS_H

/*
 * Fields of the architectural registers lkvm looks at (Arm ARM), and
 * PSTATE as firmware sets it when it enters EL1 on the guest's behalf.
 * How KVM names the registers is arm64/sysreg.h's business.
 */
#include <stdint.h>

#define PSTATE_MODE_MASK	0x1fULL
#define PSTATE_MODE_EL0T	0x0ULL
#define PSTATE_MODE_EL1T	0x4ULL
#define PSTATE_MODE_EL1H	0x5ULL
#define PSTATE_MODE_32		0x10ULL		/* AArch32 */
#define PSTATE_DAIF		(0xfULL << 6)
#define PSTATE_SSBS		(1ULL << 12)
#define PSTATE_PAN		(1ULL << 22)
#define PSTATE_DIT		(1ULL << 24)
#define PSTATE_NZCV		(0xfULL << 28)
#define SCTLR_M			(1ULL << 0)	/* the stage-1 MMU is on */
#define SCTLR_SPAN		(1ULL << 23)
#define SCTLR_DSSBS		(1ULL << 44)

/* MPIDR_EL1's affinity fields, Aff3 and Aff2..Aff0: the rest is not an address. */
#define MPIDR_AFFINITY		0xff00ffffffULL

/*
 * The PSTATE of a synchronous exception taken to EL1 from @interrupted:
 * EL1h, DAIF masked, NZCV, DIT and PAN kept, PAN set when SCTLR_EL1.SPAN
 * is 0, SSBS from SCTLR_EL1.DSSBS (Arm ARM, "Exception entry"; TF-A
 * create_spsr does the same for SDEI, DEN0054C).
 */
static inline uint64_t el1_exception_pstate(uint64_t interrupted, uint64_t sctlr)
{
	uint64_t p = interrupted & (PSTATE_NZCV | PSTATE_DIT | PSTATE_PAN);

	if (!(sctlr & SCTLR_SPAN))
		p |= PSTATE_PAN;
	if (sctlr & SCTLR_DSSBS)
		p |= PSTATE_SSBS;
	return p | PSTATE_DAIF | PSTATE_MODE_EL1H;
}

#endif
