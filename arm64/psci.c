// SPDX-License-Identifier: GPL-2.0
/*
 * PSCI CPU_ON and CPU_OFF in lkvm (with --sdei), so the SDEI dispatcher
 * sees PEs power up and down: a PE comes out of CPU_ON masked with its
 * private events reset, and CPU_OFF ends any handler it was running (SDEI
 * spec 6.5). Everything else in PSCI stays in KVM; AFFINITY_INFO agrees
 * with us because lkvm keeps KVM's MP state in step. Function numbers and
 * results: Arm DEN0022 (PSCI) 5.1, 5.2.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arm64/kvm_arm64.h"
#include "core/log.h"

#define PSCI_SUCCESS		0
#define PSCI_INVALID_PARAMS	(-2)
#define PSCI_ALREADY_ON		(-4)
#define PSCI_ON_PENDING		(-5)
#define PSCI_INTERNAL_FAILURE	(-6)
#define PSCI_INVALID_ADDRESS	(-9)

int arm64_psci_init(struct vm *vm)
{
	if (!vm->sdei.on)
		return 0;
	pthread_mutex_init(&vm->sdei.psci_lock, NULL);
	vm->vcpus[0].powered = true;
	return 0;
}

static int set_mp_state(struct vcpu *vcpu, uint32_t state)
{
	struct kvm_mp_state mp = { .mp_state = state };

	return ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp) ? -errno : 0;
}

static int64_t cpu_on(struct vcpu *caller, uint64_t mpidr, uint64_t entry,
		      uint64_t context)
{
	struct vm *vm = caller->vm;
	struct vcpu *target = NULL;
	int64_t ret = PSCI_SUCCESS;

	for (unsigned int i = 0; i < vm->nr_cpus; i++)
		if ((vm->vcpus[i].mpidr & MPIDR_AFFINITY) == (mpidr & MPIDR_AFFINITY))
			target = &vm->vcpus[i];
	if (!target)
		return PSCI_INVALID_PARAMS;
	pthread_mutex_lock(&vm->sdei.psci_lock);
	if (target->on_pending)
		ret = PSCI_ON_PENDING;
	else if (target->powered)
		ret = PSCI_ALREADY_ON;
	/* The target starts with its MMU off: a physical address in RAM. */
	else if (!guest_ram_contains(&vm->mem.ram, entry, 4))
		ret = PSCI_INVALID_ADDRESS;
	else {
		target->on_pending = true;
		target->on_entry = entry;
		target->on_context = context;
	}
	pthread_mutex_unlock(&vm->sdei.psci_lock);
	pr_debug("vCPU %u: PSCI CPU_ON of MPIDR 0x%llx at 0x%llx: %lld", caller->id,
		 (unsigned long long)mpidr, (unsigned long long)entry,
		 (long long)ret);
	if (ret == PSCI_SUCCESS)
		vcpu_request(target, VCPU_REQ_POWER_ON);
	return ret;
}

/* CPU_OFF does not return: the vCPU stops until a CPU_ON. */
static void cpu_off(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	pr_debug("vCPU %u: PSCI CPU_OFF", vcpu->id);
	sdei_vcpu_off(&vm->sdei.dispatcher, vcpu->id);
	pthread_mutex_lock(&vm->sdei.psci_lock);
	vcpu->powered = false;
	pthread_mutex_unlock(&vm->sdei.psci_lock);
	if (set_mp_state(vcpu, KVM_MP_STATE_STOPPED))
		pr_warn("vCPU %u: PSCI CPU_OFF: KVM_SET_MP_STATE failed", vcpu->id);
}

int arm64_psci_hypercall(struct vcpu *vcpu, uint32_t fid)
{
	uint64_t args[3];
	int64_t ret = 0;

	if (fid == PSCI_CPU_OFF) {
		cpu_off(vcpu);
		return 0;
	}
	for (int i = 0; i < 3 && !ret; i++)
		if (arm64_get_reg(vcpu, ARM64_REG_X(i + 1), &args[i]))
			ret = PSCI_INTERNAL_FAILURE;
	if (!ret && fid == PSCI_CPU_ON_32)
		for (int i = 0; i < 3; i++)
			args[i] = (uint32_t)args[i];
	if (!ret)
		ret = cpu_on(vcpu, args[0], args[1], args[2]);
	arm64_set_reg(vcpu, ARM64_REG_X(0), (uint64_t)ret);
	return 0;
}

void arm64_psci_power_on(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct kvm_vcpu_init init = vcpu->init;
	uint64_t entry, context;
	int ret;

	pthread_mutex_lock(&vm->sdei.psci_lock);
	entry = vcpu->on_entry;
	context = vcpu->on_context;
	pthread_mutex_unlock(&vm->sdei.psci_lock);

	/* A second VCPU_INIT resets the vCPU, as KVM's own CPU_ON does. */
	init.features[0] &= ~(1u << KVM_ARM_VCPU_POWER_OFF);
	ret = ioctl(vcpu->fd, KVM_ARM_VCPU_INIT, &init) ? -errno : 0;
	ret = ret ?: arm64_set_boot_regs(vcpu, entry, context);
	ret = ret ?: set_mp_state(vcpu, KVM_MP_STATE_RUNNABLE);
	if (ret) {
		pr_err("vCPU %u: PSCI CPU_ON: cannot reset the vCPU: %s", vcpu->id,
		       strerror(-ret));
		vm_request_stop(vm, 1);
	}
	sdei_vcpu_reset(&vm->sdei.dispatcher, vcpu->id);
	pthread_mutex_lock(&vm->sdei.psci_lock);
	vcpu->powered = !ret;
	vcpu->on_pending = false;
	pthread_mutex_unlock(&vm->sdei.psci_lock);
	pr_debug("vCPU %u: powered on at 0x%llx", vcpu->id, (unsigned long long)entry);
}
