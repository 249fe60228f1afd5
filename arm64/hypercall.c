// SPDX-License-Identifier: GPL-2.0
/*
 * The SMCCC calls lkvm answers itself, in one table of function ranges
 * and their handlers. At start-up KVM's SMCCC filter (Linux 6.4+) is told
 * to forward each range the configuration wants as KVM_EXIT_HYPERCALL;
 * at run time such an exit goes to the range that holds its function ID.
 * Every other call stays in KVM, which answers it or returns
 * NOT_SUPPORTED. Both conduits, HVC and SMC, arrive the same way.
 */
#include <errno.h>
#include <string.h>

#include "arm64/kvm_arm64.h"
#include "core/log.h"

struct hypercall_range {
	uint32_t base, count;
	const char *what;			/* for messages */
	bool (*wanted)(const struct vm *vm);
	/* On the calling vCPU's thread; 0, or -errno to stop the VM. */
	int (*handle)(struct vcpu *vcpu, uint32_t fid);
};

static bool with_sdei(const struct vm *vm)
{
	return vm->cfg->sdei;
}

static int sdei_call(struct vcpu *vcpu, uint32_t fid)
{
	int ret = arm64_sdei_hypercall(vcpu, fid);

	/* The handler may just have acknowledged a RAS record. */
	ras_poll(vcpu->vm);
	return ret;
}

/*
 * Under --sdei lkvm also powers PEs up and down, so that the dispatcher
 * sees it (arm64/psci.c): CPU_OFF and CPU_ON, both calling conventions.
 */
static const struct hypercall_range ranges[] = {
	{ SDEI_FID_BASE, SDEI_FID_COUNT, "SDEI", with_sdei, sdei_call },
	{ PSCI_CPU_OFF, 2, "PSCI CPU_OFF and CPU_ON", with_sdei, arm64_psci_hypercall },
	{ PSCI_CPU_ON_64, 1, "PSCI CPU_ON (SMC64)", with_sdei, arm64_psci_hypercall },
};

int arm64_hypercalls_init(struct vm *vm)
{
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		const struct hypercall_range *r = &ranges[i];
		int ret;

		if (!r->wanted(vm))
			continue;
		ret = arm64_smccc_forward(vm, r->base, r->count);
		if (ret) {
			pr_err("--sdei: forwarding %s (0x%x-0x%x) to lkvm failed: %s", r->what,
			       r->base, r->base + r->count - 1, strerror(-ret));
			return ret;
		}
	}
	return 0;
}

int arm64_hypercall(struct vcpu *vcpu)
{
	uint64_t fid = vcpu->run->hypercall.nr;

	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++) {
		const struct hypercall_range *r = &ranges[i];

		if (fid >= r->base && fid - r->base < r->count && r->wanted(vcpu->vm))
			return r->handle(vcpu, fid);
	}
	/* KVM forwards only what the filter names: a KVM that does not. */
	return -ENOSYS;
}
