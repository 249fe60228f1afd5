/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_KVM_UAPI_H
#define LKVM_ARM64_KVM_UAPI_H

/*
 * KVM UAPI numbers newer than the headers lkvm may be built against (Debian
 * 12 ships 6.1's). Values from Linux's include/uapi and
 * Documentation/virt/kvm/devices/vm.rst; each guarded so newer headers win.
 */
#include <linux/kvm.h>
#include <stdint.h>

/* Linux 6.4: route SMCCC function ranges (vm.rst, KVM_ARM_VM_SMCCC_CTRL). */
#ifndef KVM_ARM_VM_SMCCC_CTRL
#define KVM_ARM_VM_SMCCC_CTRL		0
#endif
#ifndef KVM_ARM_VM_SMCCC_FILTER
#define KVM_ARM_VM_SMCCC_FILTER		0
#endif
#ifndef KVM_SMCCC_FILTER_FWD_TO_USER
#define KVM_SMCCC_FILTER_FWD_TO_USER	2
#endif

/* Linux 6.19: external aborts host APEI does not claim exit to userspace
 * (api.rst, KVM_EXIT_ARM_SEA; payload in ras/records.h). */
#ifndef KVM_CAP_ARM_SEA_TO_USER
#define KVM_CAP_ARM_SEA_TO_USER		245
#endif
#ifndef KVM_EXIT_ARM_SEA
#define KVM_EXIT_ARM_SEA		41
#endif

/* Linux 6.16: vCPUs with EL2 (api.rst, KVM_ARM_VCPU_INIT; devices/arm-vgic-v3.rst
 * for the maintenance interrupt a guest hypervisor's vGIC needs). */
#ifndef KVM_CAP_ARM_EL2
#define KVM_CAP_ARM_EL2			240
#endif
#ifndef KVM_ARM_VCPU_HAS_EL2
#define KVM_ARM_VCPU_HAS_EL2		7
#endif
#ifndef KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ
#define KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ	9
#endif

/* Linux 6.4: one counter offset for the whole VM (api.rst,
 * KVM_ARM_SET_COUNTER_OFFSET), under our own struct name. */
#ifndef KVM_CAP_COUNTER_OFFSET
#define KVM_CAP_COUNTER_OFFSET		227
#endif
struct lkvm_counter_offset {
	uint64_t counter_offset;
	uint64_t reserved;
};
#define LKVM_ARM_SET_COUNTER_OFFSET	_IOW(KVMIO, 0xb5, struct lkvm_counter_offset)

/* Linux 6.16: EL2 without VHE for a guest hypervisor (api.rst). */
#ifndef KVM_CAP_ARM_EL2_E2H0
#define KVM_CAP_ARM_EL2_E2H0		241
#endif
#ifndef KVM_ARM_VCPU_HAS_EL2_E2H0
#define KVM_ARM_VCPU_HAS_EL2_E2H0	8
#endif

/* struct kvm_smccc_filter, under our own name so both header ages build. */
struct lkvm_smccc_filter {
	uint32_t base;
	uint32_t nr_functions;
	uint8_t action;
	uint8_t pad[15];
};

#endif
