// SPDX-License-Identifier: GPL-2.0
/*
 * What the configuration asks of this host's KVM, checked as soon as the VM
 * exists and before any boot file is opened. kvm-unit-tests probes a host
 * with `--kernel _NO_FILE_4Uhere_` and the test's options, and takes any
 * answer but the kernel-open message to mean "this host cannot run it", so
 * each refusal here names its option.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "arm64/kvm_arm64.h"
#include "arm64/kvm_uapi.h"
#include "core/log.h"
#include "machine/memmap.h"

int arm64_cap(int fd, long cap)
{
	int r = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

static bool has_smccc_filter(struct vm *vm)
{
	struct kvm_device_attr attr = {
		.group = KVM_ARM_VM_SMCCC_CTRL,
		.attr = KVM_ARM_VM_SMCCC_FILTER,
	};

	return !ioctl(vm->vm_fd, KVM_HAS_DEVICE_ATTR, &attr);
}

/* Some CPU of --vcpu-affinity must be one lkvm may run on. */
static int check_affinity(const struct vm_config *cfg)
{
	cpu_set_t allowed;

	if (!cfg->has_affinity || sched_getaffinity(0, sizeof(allowed), &allowed))
		return 0;
	CPU_AND(&allowed, &allowed, &cfg->vcpu_affinity);
	if (CPU_COUNT(&allowed))
		return 0;
	pr_err("--vcpu-affinity: none of these CPUs is one lkvm may run on");
	return -EINVAL;
}

/*
 * MTE unless --disable-mte, as kvmtool: before any vCPU exists, and only
 * for AArch64 guests (KVM refuses 32-bit vCPUs in a VM with MTE).
 */
static int enable_mte(struct vm *vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_MTE };

	if (vm->cfg->disable_mte || vm->cfg->aarch32 ||
	    !arm64_cap(vm->vm_fd, KVM_CAP_ARM_MTE))
		return 0;
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap)) {
		pr_err("enabling MTE (KVM_CAP_ARM_MTE) failed: %s; --disable-mte goes without",
		       strerror(errno));
		return -errno;
	}
	vm->mem.mte = true;
	pr_debug("MTE: on");
	return 0;
}

static int set_counter_offset(struct vm *vm)
{
	struct lkvm_counter_offset off = { .counter_offset = vm->cfg->counter_offset };

	if (!vm->cfg->counter_offset_set)
		return 0;
	if (ioctl(vm->vm_fd, LKVM_ARM_SET_COUNTER_OFFSET, &off)) {
		pr_err("--counter-offset: KVM_ARM_SET_COUNTER_OFFSET failed: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int arm64_host_check(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	const struct {
		bool wanted;
		long cap;
		const char *refusal;
	} needs[] = {
		{ cfg->pmu, KVM_CAP_ARM_PMU_V3,
		  "--pmu: this host's KVM cannot give guests a PMU (no KVM_CAP_ARM_PMU_V3)" },
		{ cfg->nested, KVM_CAP_ARM_EL2,
		  "--nested: this host's KVM cannot give guests EL2 (no KVM_CAP_ARM_EL2)" },
		{ cfg->e2h0, KVM_CAP_ARM_EL2_E2H0,
		  "--e2h0: this host's KVM gives guest hypervisors VHE only (no KVM_CAP_ARM_EL2_E2H0)" },
		{ cfg->firmware_path, KVM_CAP_READONLY_MEM,
		  "--firmware: this KVM cannot map flash read-only (no KVM_CAP_READONLY_MEM)" },
		{ cfg->aarch32, KVM_CAP_ARM_EL1_32BIT,
		  "--aarch32: this host's CPUs cannot run a 32-bit EL1 (no KVM_CAP_ARM_EL1_32BIT)" },
		{ cfg->sve_max_vl, KVM_CAP_ARM_SVE,
		  "--sve-max-vl: this host's KVM gives guests no SVE (no KVM_CAP_ARM_SVE)" },
		{ cfg->counter_offset_set, KVM_CAP_COUNTER_OFFSET,
		  "--counter-offset: this host's KVM cannot offset a guest's counter (no KVM_CAP_COUNTER_OFFSET, Linux 6.4 or later)" },
		{ cfg->debug_single_step, KVM_CAP_SET_GUEST_DEBUG,
		  "--debug-single-step: this host's KVM cannot single-step guests (no KVM_CAP_SET_GUEST_DEBUG)" },
	};

	for (size_t i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		if (needs[i].wanted && !arm64_cap(vm->kvm_fd, needs[i].cap)) {
			pr_err("%s", needs[i].refusal);
			return -ENOTSUP;
		}
	}
	if (cfg->sdei && !has_smccc_filter(vm)) {
		pr_err("--sdei: this host's KVM cannot forward SDEI calls to lkvm (no KVM_ARM_VM_SMCCC_FILTER, Linux 6.4 or later)");
		return -ENOTSUP;
	}
	return check_affinity(cfg) ?: enable_mte(vm) ?: set_counter_offset(vm) ?:
	       memory_map_pvtime(vm);
}
