// SPDX-License-Identifier: GPL-2.0
/*
 * The SDEI dispatcher's KVM edge: SDEI calls reach lkvm through the SMCCC
 * filter (FWD_TO_USER) as KVM_EXIT_HYPERCALL; the dispatcher's register
 * operations become ONE_REG accesses on the calling vCPU's own thread.
 * Each operation touches only the registers it must, one ioctl each.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arm64/kvm_arm64.h"
#include "arm64/kvm_uapi.h"
#include "arm64/s1walk.h"
#include "core/log.h"

#define REG_X(n)	ARM64_REG_X(n)

static struct vcpu *vcpu_of(void *opaque, unsigned int index)
{
	return &((struct vm *)opaque)->vcpus[index];
}

/* Register ioctls are most of what an SDEI delivery costs: count them. */
static void count_access(struct vcpu *vcpu)
{
	__atomic_add_fetch(&vcpu->vm->sdei.reg_ioctls, 1, __ATOMIC_RELAXED);
}

static int get(struct vcpu *vcpu, uint64_t id, uint64_t *val)
{
	int ret;

	count_access(vcpu);
	ret = arm64_get_reg(vcpu, id, val);
	if (ret)
		pr_warn("vCPU %u: sdei: reading register 0x%llx: %s", vcpu->id,
			(unsigned long long)id, strerror(-ret));
	return ret;
}

static int set(struct vcpu *vcpu, uint64_t id, uint64_t val)
{
	int ret;

	count_access(vcpu);
	ret = arm64_set_reg(vcpu, id, val);
	if (ret)
		pr_warn("vCPU %u: sdei: writing register 0x%llx: %s", vcpu->id,
			(unsigned long long)id, strerror(-ret));
	return ret;
}

static int get_args(void *opaque, unsigned int index, uint64_t *args,
		    unsigned int count)
{
	struct vcpu *vcpu = vcpu_of(opaque, index);
	int ret = 0;

	for (unsigned int i = 0; i < count && !ret; i++)
		ret = get(vcpu, REG_X(i + 1), &args[i]);
	return ret;
}

static int set_result(void *opaque, unsigned int index, int64_t x0)
{
	return set(vcpu_of(opaque, index), REG_X(0), (uint64_t)x0);
}

static int save_context(void *opaque, unsigned int index,
			struct sdei_context *ctx, unsigned int from)
{
	struct vcpu *vcpu = vcpu_of(opaque, index);
	int ret = 0;

	for (unsigned int i = from; i < SDEI_SAVED_GPRS && !ret; i++)
		ret = get(vcpu, REG_X(i), &ctx->x[i]);
	ret = ret ?: get(vcpu, REG_PC, &ctx->pc);
	return ret ?: get(vcpu, REG_PSTATE, &ctx->pstate);
}

static int enter(void *opaque, unsigned int index, const uint64_t x[4],
		 uint64_t pc, uint64_t pstate)
{
	struct vcpu *vcpu = vcpu_of(opaque, index);
	int ret = 0;

	for (int i = 0; i < 4 && !ret; i++)
		ret = set(vcpu, REG_X(i), x[i]);
	ret = ret ?: set(vcpu, REG_PSTATE, pstate);
	return ret ?: set(vcpu, REG_PC, pc);
}

static int set_gprs(struct vcpu *vcpu, const struct sdei_context *ctx)
{
	int ret = 0;

	for (int i = 0; i < SDEI_SAVED_GPRS && !ret; i++)
		ret = set(vcpu, REG_X(i), ctx->x[i]);
	return ret;
}

static int restore_context(void *opaque, unsigned int index,
			   const struct sdei_context *ctx)
{
	struct vcpu *vcpu = vcpu_of(opaque, index);
	int ret = set_gprs(vcpu, ctx);

	ret = ret ?: set(vcpu, REG_PSTATE, ctx->pstate);
	return ret ?: set(vcpu, REG_PC, ctx->pc);
}

static int resume_at(void *opaque, unsigned int index,
		     const struct sdei_context *ctx, uint64_t pc,
		     uint64_t pstate)
{
	struct vcpu *vcpu = vcpu_of(opaque, index);
	int ret = set_gprs(vcpu, ctx);

	ret = ret ?: set(vcpu, REG_ELR_EL1, ctx->pc);
	ret = ret ?: set(vcpu, REG_SPSR_EL1, ctx->pstate);
	ret = ret ?: set(vcpu, REG_PSTATE, pstate);
	return ret ?: set(vcpu, REG_PC, pc);
}

static int get_sctlr(void *opaque, unsigned int index, uint64_t *sctlr)
{
	return get(vcpu_of(opaque, index), REG_SCTLR_EL1, sctlr);
}

static bool read_guest_desc(void *opaque, uint64_t pa, uint64_t *desc)
{
	struct vm *vm = opaque;

	if (pa % 8 || !guest_ram_contains(&vm->mem.ram, pa, 8))
		return false;
	memcpy(desc, guest_ram_host(&vm->mem.ram, pa), 8);
	return true;
}

/*
 * An entry point or resume address must lead to guest RAM: directly with
 * the MMU off, through the guest's own stage-1 tables with it on.
 */
static bool valid_address(void *opaque, unsigned int index, uint64_t addr)
{
	struct vcpu *vcpu = vcpu_of(opaque, index);
	struct s1_regs regs;
	uint64_t sctlr, pa;

	if (get(vcpu, REG_SCTLR_EL1, &sctlr))
		return false;
	if (!(sctlr & SCTLR_M))
		return guest_ram_contains(&vcpu->vm->mem.ram, addr, 4);
	if (get(vcpu, REG_TCR_EL1, &regs.tcr) ||
	    get(vcpu, REG_TTBR0_EL1, &regs.ttbr0) ||
	    get(vcpu, REG_TTBR1_EL1, &regs.ttbr1))
		return false;
	return !s1_translate(&regs, addr, read_guest_desc, vcpu->vm, &pa) &&
	       guest_ram_contains(&vcpu->vm->mem.ram, pa, 4);
}

static bool online(void *opaque, unsigned int index)
{
	struct kvm_mp_state mp;

	count_access(vcpu_of(opaque, index));
	if (ioctl(vcpu_of(opaque, index)->fd, KVM_GET_MP_STATE, &mp))
		return false;
	return mp.mp_state != KVM_MP_STATE_STOPPED;
}

static void kick(void *opaque, unsigned int index)
{
	vcpu_request(vcpu_of(opaque, index), VCPU_REQ_SDEI);
}

static const struct sdei_ops sdei_kvm_ops = {
	.get_args = get_args,
	.set_result = set_result,
	.save_context = save_context,
	.enter = enter,
	.restore_context = restore_context,
	.resume_at = resume_at,
	.get_sctlr = get_sctlr,
	.valid_address = valid_address,
	.online = online,
	.kick = kick,
};

int arm64_smccc_forward(struct vm *vm, uint32_t base, uint32_t count)
{
	struct lkvm_smccc_filter filter = {
		.base = base, .nr_functions = count,
		.action = KVM_SMCCC_FILTER_FWD_TO_USER,
	};
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
		.addr = (uintptr_t)&filter,
	};

	if (ioctl(vm->vm_fd, KVM_HAS_DEVICE_ATTR, &attr))
		return -ENOTSUP;
	/* Before any vCPU runs: KVM refuses filter changes after (EBUSY). */
	return ioctl(vm->vm_fd, KVM_SET_DEVICE_ATTR, &attr) ? -errno : 0;
}

int arm64_sdei_init(struct vm *vm)
{
	int ret;

	if (!vm->cfg->sdei)
		return 0;
	ret = sdei_init(&vm->sdei.dispatcher, vm->nr_cpus, vm->mpidrs, &sdei_kvm_ops, vm);
	if (!ret)
		vm->sdei.on = true;
	return ret;
}

void arm64_sdei_destroy(struct vm *vm)
{
	if (!vm->sdei.on)
		return;
	sdei_destroy(&vm->sdei.dispatcher);
	vm->sdei.on = false;
}

int arm64_sdei_hypercall(struct vcpu *vcpu, uint32_t fid)
{
	struct vm *vm = vcpu->vm;
	uint64_t args[5] = { 0 };
	int ret;

	__atomic_add_fetch(&vm->sdei.calls, 1, __ATOMIC_RELAXED);
	ret = get_args(vm, vcpu->id, args, sdei_nr_args(fid));
	if (ret)
		return ret;
	sdei_handle_call(&vm->sdei.dispatcher, vcpu->id, fid, args);
	return 0;
}
