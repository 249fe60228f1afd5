// SPDX-License-Identifier: GPL-2.0
/* arm64 vCPUs and VM-wide KVM settings (Documentation/virt/kvm/api.rst). */
#include <errno.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arm64/kvm_arm64.h"
#include "arm64/kvm_uapi.h"
#include "core/log.h"
#include "machine/memmap.h"


/* EL1h with D, A, I and F masked: the state booting.rst asks for. */
#define PSTATE_EL1H_DAIF_MASKED 0x3c5
#define PSTATE_EL2H_DAIF_MASKED 0x3c9
/* AArch32 SVC mode with IRQs and FIQs masked: arm's booting.rst. */
#define PSTATE_SVC_IF_MASKED	0x1d3
#define SVE_VQ_BYTES		16

int arm64_vm_type(int kvm_fd, uint64_t ipa_end, unsigned long *type)
{
	int max_bits = arm64_cap(kvm_fd, KVM_CAP_ARM_VM_IPA_SIZE);
	int bits = 32;

	while (bits < 64 && (1ULL << bits) < ipa_end)
		bits++;
	/* Without the capability KVM gives every VM 40 bits. */
	if (bits > (max_bits ?: 40)) {
		pr_err("--mem: guest RAM would end at 0x%llx, beyond this host's %d-bit guest address space",
		       (unsigned long long)ipa_end, max_bits ?: 40);
		return -E2BIG;
	}
	*type = max_bits ? KVM_VM_TYPE_ARM_IPA_SIZE(bits) : 0;
	return 0;
}

unsigned int arm64_kvm_max_cpus(struct vm *vm)
{
	int max = arm64_cap(vm->kvm_fd, KVM_CAP_MAX_VCPUS);

	/* api.rst: without the capability, KVM_CAP_NR_VCPUS is the maximum. */
	if (max <= 0)
		max = arm64_cap(vm->kvm_fd, KVM_CAP_NR_VCPUS);
	return max > 0 ? max : 1;
}

int arm64_get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)val };

	return ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg) ? -errno : 0;
}

int arm64_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)&val };

	return ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

/* The features a guest gets from this host, as kvmtool picks them. */
static void select_features(struct vm *vm, struct vcpu *vcpu,
			    struct kvm_vcpu_init *init)
{
	init->features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
	/* Secondaries wait for PSCI CPU_ON, handled inside KVM. */
	if (vcpu->id > 0)
		init->features[0] |= 1u << KVM_ARM_VCPU_POWER_OFF;
	if (vm->cfg->pmu)
		init->features[0] |= 1u << KVM_ARM_VCPU_PMU_V3;
	/* A 32-bit guest has neither pointer authentication nor SVE. */
	if (vm->cfg->aarch32) {
		init->features[0] |= 1u << KVM_ARM_VCPU_EL1_32BIT;
		return;
	}
	if (arm64_cap(vm->kvm_fd, KVM_CAP_ARM_PTRAUTH_ADDRESS) &&
	    arm64_cap(vm->kvm_fd, KVM_CAP_ARM_PTRAUTH_GENERIC))
		init->features[0] |= 1u << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
				     1u << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	/* KVM refused SVE next to EL2 when nested virtualization came in
	 * (kvm_vcpu_init_check_features), so a guest hypervisor goes without. */
	if (vm->cfg->nested) {
		init->features[0] |= 1u << KVM_ARM_VCPU_HAS_EL2;
		if (vm->cfg->e2h0)
			init->features[0] |= 1u << KVM_ARM_VCPU_HAS_EL2_E2H0;
	} else if (arm64_cap(vm->kvm_fd, KVM_CAP_ARM_SVE)) {
		init->features[0] |= 1u << KVM_ARM_VCPU_SVE;
	}
}

/*
 * --sve-max-vl: keep the vector lengths up to it in the set KVM offers
 * (KVM_REG_ARM64_SVE_VLS, bit n - 1 of its words for n quadwords), before
 * the vCPU is finalized.
 */
static int limit_sve(struct vm *vm, struct vcpu *vcpu)
{
	unsigned int max_vq = vm->cfg->sve_max_vl / 128, host_vq = 0;
	uint64_t vls[8];
	struct kvm_one_reg reg = { .id = KVM_REG_ARM64_SVE_VLS, .addr = (uintptr_t)vls };

	if (!max_vq)
		return 0;
	if (ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg)) {
		pr_err("--sve-max-vl: vCPU %u: cannot read the vector lengths: %s", vcpu->id,
		       strerror(errno));
		return -errno;
	}
	for (unsigned int vq = 1; vq <= 512; vq++)
		if (vls[(vq - 1) / 64] >> ((vq - 1) % 64) & 1)
			host_vq = vq;
	if (max_vq > host_vq) {
		pr_err("--sve-max-vl %u: this host's SVE goes up to %u bits",
		       vm->cfg->sve_max_vl, host_vq * 128);
		return -EINVAL;
	}
	for (unsigned int vq = max_vq + 1; vq <= 512; vq++)
		vls[(vq - 1) / 64] &= ~(1ULL << ((vq - 1) % 64));
	if (ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg)) {
		pr_err("--sve-max-vl %u: vCPU %u: KVM refused the vector lengths: %s",
		       vm->cfg->sve_max_vl, vcpu->id, strerror(errno));
		return -errno;
	}
	return 0;
}

/* Where KVM keeps this vCPU's stolen time, which PV_TIME_ST tells the guest. */
static int set_pvtime(struct vm *vm, struct vcpu *vcpu)
{
	uint64_t ipa = PVTIME_BASE + (uint64_t)vcpu->id * PVTIME_STRIDE;
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VCPU_PVTIME_CTRL,
		.attr = KVM_ARM_VCPU_PVTIME_IPA,
		.addr = (uintptr_t)&ipa,
	};

	if (!vm->mem.pvtime)
		return 0;
	if (ioctl(vcpu->fd, KVM_SET_DEVICE_ATTR, &attr)) {
		pr_err("vCPU %u: stolen time (KVM_ARM_VCPU_PVTIME_IPA) failed: %s; --no-pvtime goes without",
		       vcpu->id, strerror(errno));
		return -errno;
	}
	return 0;
}

/* --debug-single-step: every instruction ends in KVM_EXIT_DEBUG. */
static int set_single_step(struct vm *vm, struct vcpu *vcpu)
{
	struct kvm_guest_debug dbg = {
		.control = KVM_GUESTDBG_ENABLE | KVM_GUESTDBG_SINGLESTEP,
	};

	if (!vm->cfg->debug_single_step)
		return 0;
	if (ioctl(vcpu->fd, KVM_SET_GUEST_DEBUG, &dbg)) {
		pr_err("--debug-single-step: vCPU %u: KVM_SET_GUEST_DEBUG failed: %s",
		       vcpu->id, strerror(errno));
		return -errno;
	}
	return 0;
}

int arm64_vcpu_init(struct vm *vm, struct vcpu *vcpu)
{
	struct kvm_vcpu_init init;
	int feature, ret;

	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init)) {
		pr_err("KVM_ARM_PREFERRED_TARGET failed: %s", strerror(errno));
		return -errno;
	}
	select_features(vm, vcpu, &init);
	vcpu->init = init;
	if (ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init)) {
		pr_err("vCPU %u: KVM_ARM_VCPU_INIT failed: %s", vcpu->id,
		       strerror(errno));
		return -errno;
	}
	if (init.features[0] & (1u << KVM_ARM_VCPU_SVE)) {
		ret = limit_sve(vm, vcpu);
		if (ret)
			return ret;
		feature = KVM_ARM_VCPU_SVE;
		if (ioctl(vcpu->fd, KVM_ARM_VCPU_FINALIZE, &feature)) {
			pr_err("vCPU %u: KVM_ARM_VCPU_FINALIZE(SVE) failed: %s",
			       vcpu->id, strerror(errno));
			return -errno;
		}
	}
	ret = arm64_get_reg(vcpu, REG_MPIDR_EL1, &vcpu->mpidr);
	if (ret) {
		pr_err("vCPU %u: cannot read MPIDR_EL1: %s", vcpu->id,
		       strerror(-ret));
		return ret;
	}
	return set_pvtime(vm, vcpu) ?: set_single_step(vm, vcpu);
}

int arm64_pmu_init(struct vm *vm, struct vcpu *vcpu)
{
	int irq = PPI_PMU;
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VCPU_PMU_V3_CTRL,
		.attr = KVM_ARM_VCPU_PMU_V3_IRQ,
		.addr = (uintptr_t)&irq,
	};

	(void)vm;
	if (ioctl(vcpu->fd, KVM_SET_DEVICE_ATTR, &attr))
		goto fail;
	attr.attr = KVM_ARM_VCPU_PMU_V3_INIT;
	attr.addr = 0;
	if (ioctl(vcpu->fd, KVM_SET_DEVICE_ATTR, &attr))
		goto fail;
	return 0;
fail:
	pr_err("--pmu: vCPU %u: PMU set-up failed: %s", vcpu->id,
	       strerror(errno));
	return -errno;
}

/* arm's booting.rst: r0 = 0, r1 = ~0 (no machine type: a DT), r2 = the DTB. */
static int set_boot_regs_aarch32(struct vcpu *vcpu, uint64_t pc, uint64_t dtb)
{
	int ret;

	ret = arm64_set_reg(vcpu, REG_PSTATE, PSTATE_SVC_IF_MASKED);
	ret = ret ?: arm64_set_reg(vcpu, ARM64_REG_X(0), 0);
	ret = ret ?: arm64_set_reg(vcpu, ARM64_REG_X(1), 0xffffffff);
	ret = ret ?: arm64_set_reg(vcpu, ARM64_REG_X(2), dtb);
	return ret ?: arm64_set_reg(vcpu, REG_PC, pc);
}

static int set_boot_regs_aarch64(struct vcpu *vcpu, uint64_t pc, uint64_t x0)
{
	int ret;

	ret = arm64_set_reg(vcpu, REG_PSTATE,
			    vcpu->vm->cfg->nested ? PSTATE_EL2H_DAIF_MASKED :
						    PSTATE_EL1H_DAIF_MASKED);
	ret = ret ?: arm64_set_reg(vcpu, ARM64_REG_X(0), x0);
	for (int i = 1; i <= 3 && !ret; i++)
		ret = arm64_set_reg(vcpu, ARM64_REG_X(i), 0);
	return ret ?: arm64_set_reg(vcpu, REG_PC, pc);
}

int arm64_set_boot_regs(struct vcpu *vcpu, uint64_t pc, uint64_t x0)
{
	int ret = vcpu->vm->cfg->aarch32 ? set_boot_regs_aarch32(vcpu, pc, x0) :
					   set_boot_regs_aarch64(vcpu, pc, x0);

	if (ret)
		pr_err("vCPU %u: cannot set the boot registers: %s", vcpu->id,
		       strerror(-ret));
	return ret;
}

uint64_t arm64_vcpu_pc(struct vcpu *vcpu)
{
	uint64_t pc;

	return arm64_get_reg(vcpu, REG_PC, &pc) ? 0 : pc;
}
