// SPDX-License-Identifier: GPL-2.0
/* arm64 vCPUs and VM-wide KVM settings (Documentation/virt/kvm/api.rst). */
#include <errno.h>
#include <linux/kvm.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arm64/kvm_arm64.h"
#include "arm64/kvm_uapi.h"
#include "arm64/memmap.h"
#include "core/log.h"

#define SYSREG_MPIDR_EL1 ARM64_SYS_REG(3, 0, 0, 0, 5)

/* EL1h with D, A, I and F masked: the state booting.rst asks for. */
#define PSTATE_EL1H_DAIF_MASKED 0x3c5
#define PSTATE_EL2H_DAIF_MASKED 0x3c9

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
	if (arm64_cap(vm->kvm_fd, KVM_CAP_ARM_PTRAUTH_ADDRESS) &&
	    arm64_cap(vm->kvm_fd, KVM_CAP_ARM_PTRAUTH_GENERIC))
		init->features[0] |= 1u << KVM_ARM_VCPU_PTRAUTH_ADDRESS |
				     1u << KVM_ARM_VCPU_PTRAUTH_GENERIC;
	/* KVM refused SVE next to EL2 when nested virtualization came in
	 * (kvm_vcpu_init_check_features), so a guest hypervisor goes without. */
	if (vm->cfg->nested)
		init->features[0] |= 1u << KVM_ARM_VCPU_HAS_EL2;
	else if (arm64_cap(vm->kvm_fd, KVM_CAP_ARM_SVE))
		init->features[0] |= 1u << KVM_ARM_VCPU_SVE;
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
		feature = KVM_ARM_VCPU_SVE;
		if (ioctl(vcpu->fd, KVM_ARM_VCPU_FINALIZE, &feature)) {
			pr_err("vCPU %u: KVM_ARM_VCPU_FINALIZE(SVE) failed: %s",
			       vcpu->id, strerror(errno));
			return -errno;
		}
	}
	ret = arm64_get_reg(vcpu, SYSREG_MPIDR_EL1, &vcpu->mpidr);
	if (ret)
		pr_err("vCPU %u: cannot read MPIDR_EL1: %s", vcpu->id,
		       strerror(-ret));
	return ret;
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

int arm64_set_boot_regs(struct vcpu *vcpu, uint64_t pc, uint64_t x0)
{
	int ret;

	ret = arm64_set_reg(vcpu, ARM64_CORE_REG(regs.pstate),
			    vcpu->vm->cfg->nested ? PSTATE_EL2H_DAIF_MASKED :
						    PSTATE_EL1H_DAIF_MASKED);
	ret = ret ?: arm64_set_reg(vcpu, ARM64_CORE_REG(regs.regs[0]), x0);
	for (int i = 1; i <= 3 && !ret; i++)
		ret = arm64_set_reg(vcpu, ARM64_CORE_REG(regs.regs[i]), 0);
	ret = ret ?: arm64_set_reg(vcpu, ARM64_CORE_REG(regs.pc), pc);
	if (ret)
		pr_err("vCPU %u: cannot set the boot registers: %s", vcpu->id,
		       strerror(-ret));
	return ret;
}

uint64_t arm64_vcpu_pc(struct vcpu *vcpu)
{
	uint64_t pc;

	return arm64_get_reg(vcpu, ARM64_CORE_REG(regs.pc), &pc) ? 0 : pc;
}
