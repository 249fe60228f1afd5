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
#include <string.h>
#include <sys/ioctl.h>

#include "arm64/kvm_arm64.h"
#include "arm64/kvm_uapi.h"
#include "core/log.h"

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

/* MTE unless --disable-mte, as kvmtool: before any vCPU exists. */
static int enable_mte(struct vm *vm)
{
	struct kvm_enable_cap cap = { .cap = KVM_CAP_ARM_MTE };

	if (vm->cfg->disable_mte || !arm64_cap(vm->vm_fd, KVM_CAP_ARM_MTE))
		return 0;
	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &cap)) {
		pr_err("enabling MTE (KVM_CAP_ARM_MTE) failed: %s; --disable-mte goes without",
		       strerror(errno));
		return -errno;
	}
	vm->mte = true;
	pr_debug("MTE: on");
	return 0;
}

int arm64_host_check(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;

	if (cfg->pmu && !arm64_cap(vm->kvm_fd, KVM_CAP_ARM_PMU_V3)) {
		pr_err("--pmu: this host's KVM cannot give guests a PMU (no KVM_CAP_ARM_PMU_V3)");
		return -ENOTSUP;
	}
	if (cfg->nested && !arm64_cap(vm->kvm_fd, KVM_CAP_ARM_EL2)) {
		pr_err("--nested: this host's KVM cannot give guests EL2 (no KVM_CAP_ARM_EL2)");
		return -ENOTSUP;
	}
	if (cfg->firmware_path && !arm64_cap(vm->kvm_fd, KVM_CAP_READONLY_MEM)) {
		pr_err("--firmware: this KVM cannot map flash read-only (no KVM_CAP_READONLY_MEM)");
		return -ENOTSUP;
	}
	if (cfg->sdei && !has_smccc_filter(vm)) {
		pr_err("--sdei: this host's KVM cannot forward SDEI calls to lkvm (no KVM_ARM_VM_SMCCC_FILTER, Linux 6.4 or later)");
		return -ENOTSUP;
	}
	return enable_mte(vm);
}
