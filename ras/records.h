/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_RECORDS_H
#define LKVM_RAS_RECORDS_H

/* The CPER records lkvm writes for each kind of error (pure). */
#include <stdbool.h>
#include <stdint.h>

#include "ras/cper.h"

/* Memory errors are reported per 4 KiB: the smallest guest page. */
#define RAS_GUEST_PAGE		4096ull

/*
 * Memory error sections for the guest pages [@gpa, @gpa + @len), at most
 * CPER_MAX_SECTIONS of them; returns how many bytes the record covers (the
 * caller makes more records for the rest). @poison: data was consumed or
 * found poisoned by the host (error status "read of poisoned data").
 */
uint64_t ras_memory_record(struct cper_record *rec, uint64_t gpa, uint64_t len,
			   enum cper_severity sev, bool poison);

/* An ARM processor error on the PE @mpidr; @gpa (if @has_gpa) as the PA. */
void ras_processor_record(struct cper_record *rec, uint64_t mpidr, uint64_t midr,
			  enum cper_severity sev, bool has_gpa, uint64_t gpa);

/* KVM_EXIT_ARM_SEA's payload (Linux 6.19 uapi, struct kvm_run.arm_sea). */
struct ras_sea_exit {
	uint64_t flags;
#define RAS_SEA_EXIT_GPA_VALID	(1ull << 0)
	uint64_t esr;
	uint64_t gva;
	uint64_t gpa;
};

/*
 * The record for an external abort KVM passed up: a memory error at the
 * faulting page when KVM knows the guest address, otherwise a processor
 * (bus) error carrying the virtual address when the syndrome says it is
 * valid (FnV clear).
 */
void ras_sea_exit_record(struct cper_record *rec, const struct ras_sea_exit *sea,
			 uint64_t mpidr, uint64_t midr);

#endif
