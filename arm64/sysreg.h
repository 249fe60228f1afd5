/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_SYSREG_H
#define LKVM_ARM64_SYSREG_H

/*
 * The vCPU registers lkvm reads and writes, by their KVM_{GET,SET}_ONE_REG
 * ids (api.rst: core registers by their offset in struct kvm_regs, system
 * registers by op0, op1, CRn, CRm, op2 from the Arm ARM); their fields
 * are in machine/regs.h.
 */
#include <linux/kvm.h>
#include <stddef.h>

#include "machine/regs.h"

#define ARM64_CORE_REG(field) \
	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
	 (offsetof(struct kvm_regs, field) / sizeof(uint32_t)))
#define ARM64_REG_X(n)	ARM64_CORE_REG(regs.regs[n])

#define REG_PC		ARM64_CORE_REG(regs.pc)
#define REG_PSTATE	ARM64_CORE_REG(regs.pstate)
#define REG_ELR_EL1	ARM64_CORE_REG(elr_el1)
#define REG_SPSR_EL1	ARM64_CORE_REG(spsr[KVM_SPSR_EL1])

#define REG_MIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 0)
#define REG_MPIDR_EL1	ARM64_SYS_REG(3, 0, 0, 0, 5)
#define REG_SCTLR_EL1	ARM64_SYS_REG(3, 0, 1, 0, 0)
#define REG_TTBR0_EL1	ARM64_SYS_REG(3, 0, 2, 0, 0)
#define REG_TTBR1_EL1	ARM64_SYS_REG(3, 0, 2, 0, 1)
#define REG_TCR_EL1	ARM64_SYS_REG(3, 0, 2, 0, 2)
#define REG_ESR_EL1	ARM64_SYS_REG(3, 0, 5, 2, 0)
#define REG_FAR_EL1	ARM64_SYS_REG(3, 0, 6, 0, 0)
#define REG_VBAR_EL1	ARM64_SYS_REG(3, 0, 12, 0, 0)

#endif
