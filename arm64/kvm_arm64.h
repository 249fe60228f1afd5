/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_KVM_ARM64_H
#define LKVM_ARM64_KVM_ARM64_H

#include <stddef.h>
#include <stdint.h>

#include "arm64/sysreg.h"
#include "arm64/vm.h"

/* KVM_CHECK_EXTENSION on @fd: the capability's value, 0 if absent. */
int arm64_cap(int fd, long cap);
/* Can this host's KVM give what the configuration asks? Before boot files. */
int arm64_host_check(struct vm *vm);

/* KVM_CREATE_VM's type for a guest whose address space ends at @ipa_end. */
int arm64_vm_type(int kvm_fd, uint64_t ipa_end, unsigned long *type);

/* Most vCPUs this host's KVM allows in one VM. */
unsigned int arm64_kvm_max_cpus(struct vm *vm);

/* Before anything else, and last: the vGIC's fds, the routes' lock. */
void arm64_irq_init(struct vm_irq *irq);
void arm64_irq_destroy(struct vm_irq *irq);
/*
 * Guest memory (arm64/memory.c): one memslot for KVM (0 or -errno; a
 * @size of 0 deletes it), RAM as a start-up step, the stolen-time region
 * from the host check, all unmapped at the end.
 */
int memory_set_slot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host,
		    uint32_t flags);
int memory_map_ram(struct vm *vm, int snapshot_fd);
int memory_map_pvtime(struct vm *vm);
void memory_destroy(struct vm *vm);

/* vGIC: created before the vCPUs, initialised after them. */
int arm64_gic_create(struct vm *vm);
int arm64_gic_finalize(struct vm *vm);
int arm64_irq_line(struct vm *vm, unsigned int intid, int level);

/* Writes to eventfd @fd raise GSI @gsi (an SPI below GSI_MSI_BASE). */
int arm64_irqfd(struct vm *vm, int fd, unsigned int gsi);
/* Reserve @count MSI routes: GSIs GSI_MSI_BASE + *@first onwards. */
int arm64_msi_alloc(struct vm *vm, unsigned int count, unsigned int *first);
/* Point MSI route @n at the ITS doorbell write @addr/@data from @devid. */
int arm64_msi_route(struct vm *vm, unsigned int n, uint64_t addr, uint32_t data,
		    uint32_t devid);

int arm64_vcpu_init(struct vm *vm, struct vcpu *vcpu);
int arm64_pmu_init(struct vm *vm, struct vcpu *vcpu);
int arm64_set_boot_regs(struct vcpu *vcpu, uint64_t pc, uint64_t x0);
/* The vCPU's PC, for messages; 0 if it cannot be read. */
uint64_t arm64_vcpu_pc(struct vcpu *vcpu);

/*
 * Have KVM send SMCCC calls @base..@base+@count-1 (HVC and SMC) to lkvm as
 * KVM_EXIT_HYPERCALL. -ENOTSUP: this KVM has no SMCCC filter (before 6.4).
 */
int arm64_smccc_forward(struct vm *vm, uint32_t base, uint32_t count);

/*
 * The SMCCC calls lkvm answers (arm64/hypercall.c): have KVM forward them,
 * before any vCPU runs; then each KVM_EXIT_HYPERCALL, on its vCPU's
 * thread: 0, or -errno when the vCPU cannot go on.
 */
int arm64_hypercalls_init(struct vm *vm);
int arm64_hypercall(struct vcpu *vcpu);

/* --sdei: set up the dispatcher; one SDEI call (arm64/sdei_kvm.c). */
int arm64_sdei_init(struct vm *vm);
void arm64_sdei_destroy(struct vm *vm);
int arm64_sdei_hypercall(struct vcpu *vcpu, uint32_t fid);

/* --sdei: PSCI CPU_ON/CPU_OFF handled in lkvm (arm64/psci.c). */
#define PSCI_CPU_OFF		0x84000002u
#define PSCI_CPU_ON_32		0x84000003u
#define PSCI_CPU_ON_64		0xC4000003u
int arm64_psci_init(struct vm *vm);
int arm64_psci_hypercall(struct vcpu *vcpu, uint32_t fid);
/* On @vcpu's thread: carry out a CPU_ON it was the target of. */
void arm64_psci_power_on(struct vcpu *vcpu);

/* --ras (arm64/ras_kvm.c); the inject calls run on the vCPU's thread. */
int arm64_ras_caps(struct vm *vm, bool *sea_to_user);
int arm64_vcpu_midr(struct vcpu *vcpu, uint64_t *midr);
/* Pend a virtual SError with syndrome @iss; -EBUSY if one is pending. */
int arm64_inject_serror(struct vcpu *vcpu, uint32_t iss);
/* External data abort on the access that just trapped (FAR = its address). */
int arm64_inject_dabt(struct vcpu *vcpu);
/* The guest's virtual counter now, as the guest would read it. */
int arm64_guest_counter_init(struct vm *vm);
uint64_t arm64_guest_counter(struct vm *vm);
/* External data abort now, at the current PC (FnV: no address). */
int arm64_raise_sea(struct vcpu *vcpu);

/* One register by its ONE_REG id; 0 or -errno. On the vCPU's thread. */
int arm64_get_reg(struct vcpu *vcpu, uint64_t id, uint64_t *val);
int arm64_set_reg(struct vcpu *vcpu, uint64_t id, uint64_t val);

/* What each kind of thread may call (arm64/sandbox_policy.c). */
extern const struct sandbox_policy sandbox_policy;

/* Kernel and initrd into guest RAM; fills vm->layout. */
int arm64_load_images(struct vm *vm, int kernel_fd, int initrd_fd);
/*
 * The machine described to the guest: the device tree into guest RAM (and
 * to --dump-dtb) and, with --firmware, the ACPI tables into fw_cfg.
 */
int arm64_describe_machine(struct vm *vm);

#endif
