// SPDX-License-Identifier: GPL-2.0
/*
 * RAS notifications through KVM, each on the target vCPU's own thread:
 * a virtual SError with a chosen syndrome (KVM_SET_VCPU_EVENTS), an
 * external data abort for the access that just trapped (ext_dabt_pending),
 * and an external abort lkvm raises itself by entering the guest's vector
 * the way the CPU would (KVM has no call for one at an arbitrary point).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arm64/kvm_arm64.h"
#include "arm64/kvm_uapi.h"
#include "core/log.h"
#include "machine/regs.h"
#include "ras/policy.h"


/* Vector offsets from VBAR_EL1 for a synchronous exception. */
#define VECTOR_CURRENT_SP0	0x000
#define VECTOR_CURRENT_SPX	0x200
#define VECTOR_LOWER_A64	0x400
#define VECTOR_LOWER_A32	0x600

int arm64_ras_caps(struct vm *vm, bool *sea_to_user)
{
	struct kvm_enable_cap enable = { .cap = KVM_CAP_ARM_SEA_TO_USER };

	if (!arm64_cap(vm->kvm_fd, KVM_CAP_VCPU_EVENTS) ||
	    !arm64_cap(vm->kvm_fd, KVM_CAP_ARM_INJECT_EXT_DABT)) {
		pr_err("--ras: this host's KVM cannot inject external aborts (KVM_CAP_VCPU_EVENTS, KVM_CAP_ARM_INJECT_EXT_DABT: Linux 5.5 or later)");
		return -ENOTSUP;
	}
	if (!arm64_cap(vm->kvm_fd, KVM_CAP_ARM_INJECT_SERROR_ESR)) {
		pr_err("--ras: this host cannot give a virtual SError a syndrome (no KVM_CAP_ARM_INJECT_SERROR_ESR: the CPU lacks FEAT_RAS)");
		return -ENOTSUP;
	}
	/* Linux 6.19+: aborts host APEI does not claim come to lkvm. */
	*sea_to_user = false;
	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SEA_TO_USER) > 0) {
		if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &enable)) {
			pr_err("--ras: enabling KVM_CAP_ARM_SEA_TO_USER failed: %s",
			       strerror(errno));
			return -errno;
		}
		*sea_to_user = true;
	}
	return 0;
}

int arm64_vcpu_midr(struct vcpu *vcpu, uint64_t *midr)
{
	return arm64_get_reg(vcpu, REG_MIDR_EL1, midr);
}

static uint64_t host_counter(void)
{
	uint64_t t;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(t));
	return t;
}

/*
 * The guest counter is the host's minus an offset KVM keeps: read both
 * around one register read (before any vCPU runs) and keep the difference.
 */
int arm64_guest_counter_init(struct vm *vm)
{
	uint64_t before, after, guest;
	int ret;

	before = host_counter();
	ret = arm64_get_reg(&vm->vcpus[0], KVM_REG_ARM_TIMER_CNT, &guest);
	after = host_counter();
	if (ret)
		return ret;
	vm->ras.counter_offset = before + (after - before) / 2 - guest;
	return 0;
}

uint64_t arm64_guest_counter(struct vm *vm)
{
	return host_counter() - vm->ras.counter_offset;
}

int arm64_inject_serror(struct vcpu *vcpu, uint32_t iss)
{
	struct kvm_vcpu_events ev;

	memset(&ev, 0, sizeof(ev));
	if (ioctl(vcpu->fd, KVM_GET_VCPU_EVENTS, &ev))
		return -errno;
	/* A pending SError cannot be replaced; the record is in the region. */
	if (ev.exception.serror_pending)
		return -EBUSY;
	memset(&ev, 0, sizeof(ev));
	ev.exception.serror_pending = 1;
	ev.exception.serror_has_esr = 1;
	ev.exception.serror_esr = iss;
	return ioctl(vcpu->fd, KVM_SET_VCPU_EVENTS, &ev) ? -errno : 0;
}

int arm64_inject_dabt(struct vcpu *vcpu)
{
	struct kvm_vcpu_events ev;

	memset(&ev, 0, sizeof(ev));
	ev.exception.ext_dabt_pending = 1;
	return ioctl(vcpu->fd, KVM_SET_VCPU_EVENTS, &ev) ? -errno : 0;
}

static uint64_t vector_offset(uint64_t pstate)
{
	if (pstate & PSTATE_MODE_32)
		return VECTOR_LOWER_A32;
	switch (pstate & PSTATE_MODE_MASK) {
	case PSTATE_MODE_EL0T:
		return VECTOR_LOWER_A64;
	case PSTATE_MODE_EL1T:
		return VECTOR_CURRENT_SP0;
	default:
		return VECTOR_CURRENT_SPX;
	}
}

int arm64_raise_sea(struct vcpu *vcpu)
{
	uint64_t pc, pstate, sctlr, vbar;
	bool from_el0;
	int ret;

	ret = arm64_get_reg(vcpu, REG_PC, &pc);
	ret = ret ?: arm64_get_reg(vcpu, REG_PSTATE, &pstate);
	ret = ret ?: arm64_get_reg(vcpu, REG_SCTLR_EL1, &sctlr);
	ret = ret ?: arm64_get_reg(vcpu, REG_VBAR_EL1, &vbar);
	if (ret)
		return ret;
	from_el0 = (pstate & PSTATE_MODE_32) || (pstate & PSTATE_MODE_MASK) == PSTATE_MODE_EL0T;
	ret = arm64_set_reg(vcpu, REG_ESR_EL1, ras_sea_esr(from_el0));
	ret = ret ?: arm64_set_reg(vcpu, REG_FAR_EL1, 0);	/* FnV: unknown */
	ret = ret ?: arm64_set_reg(vcpu, REG_ELR_EL1, pc);
	ret = ret ?: arm64_set_reg(vcpu, REG_SPSR_EL1, pstate);
	ret = ret ?: arm64_set_reg(vcpu, REG_PSTATE, el1_exception_pstate(pstate, sctlr));
	return ret ?: arm64_set_reg(vcpu, REG_PC, vbar + vector_offset(pstate));
}
