// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "ras/records.h"

#define ESR_FNV		(1ull << 10)

uint64_t ras_memory_record(struct cper_record *rec, uint64_t gpa, uint64_t len,
			   enum cper_severity sev, bool poison)
{
	uint64_t page = gpa & ~(RAS_GUEST_PAGE - 1), span = len ? len : 1;
	/* The extent's last page: the top one when the extent runs past the
	 * end of the address space, rather than wrap round to page 0. */
	uint64_t last = (gpa + (span - 1) < gpa ? UINT64_MAX : gpa + (span - 1)) &
			~(RAS_GUEST_PAGE - 1);
	unsigned int n = 0;

	memset(rec, 0, sizeof(*rec));
	for (; n < CPER_MAX_SECTIONS; page += RAS_GUEST_PAGE, n++) {
		struct cper_section *sec = &rec->sections[n];

		sec->kind = CPER_SECTION_MEMORY;
		sec->severity = sev;
		sec->flags = n ? 0 : CPER_ENTRY_FLAG_PRIMARY;
		sec->mem.valid = CPER_MEM_VALID_PA | CPER_MEM_VALID_PA_MASK |
				 CPER_MEM_VALID_ERROR_TYPE;
		/* The first page keeps the exact address, as Linux prints it. */
		sec->mem.pa = n ? page : gpa;
		sec->mem.pa_mask = ~(RAS_GUEST_PAGE - 1);
		sec->mem.type = sev == CPER_SEV_CORRECTED ? 2 /* single-bit ECC */ :
							    CPER_MEM_TYPE_MULTI_ECC;
		if (poison) {
			sec->mem.valid |= CPER_MEM_VALID_ERROR_STATUS;
			sec->mem.error_status = CPER_ERROR_STATUS_POISON;
			sec->mem.type = CPER_MEM_TYPE_UNKNOWN;
		}
		if (page == last) {
			rec->nr_sections = n + 1;
			return span;
		}
	}
	rec->nr_sections = n;
	return page - gpa;
}

void ras_processor_record(struct cper_record *rec, uint64_t mpidr, uint64_t midr,
			  enum cper_severity sev, bool has_gpa, uint64_t gpa)
{
	struct cper_arm_error *arm = &rec->sections[0].arm;
	struct cper_arm_err_info *info = &arm->err_info[0];

	memset(rec, 0, sizeof(*rec));
	rec->nr_sections = 1;
	rec->sections[0].kind = CPER_SECTION_ARM;
	rec->sections[0].severity = sev;
	rec->sections[0].flags = CPER_ENTRY_FLAG_PRIMARY;
	arm->valid = CPER_ARM_VALID_MPIDR | CPER_ARM_VALID_RUNNING_STATE;
	arm->mpidr = mpidr;
	arm->midr = midr;
	arm->running_state = 1;
	arm->nr_err_info = 1;
	info->valid = CPER_ARM_INFO_VALID_FLAGS;
	info->type = CPER_ARM_TYPE_CACHE;
	info->flags = CPER_ARM_FLAG_FIRST | CPER_ARM_FLAG_LAST;
	if (has_gpa) {
		info->valid |= CPER_ARM_INFO_VALID_PA;
		info->pa = gpa;
	}
}

void ras_sea_exit_record(struct cper_record *rec, const struct ras_sea_exit *sea,
			 uint64_t mpidr, uint64_t midr)
{
	struct cper_arm_err_info *info;

	if (sea->flags & RAS_SEA_EXIT_GPA_VALID) {
		ras_memory_record(rec, sea->gpa, 1, CPER_SEV_RECOVERABLE, true);
		return;
	}
	ras_processor_record(rec, mpidr, midr, CPER_SEV_RECOVERABLE, false, 0);
	info = &rec->sections[0].arm.err_info[0];
	info->type = CPER_ARM_TYPE_BUS;
	if (!(sea->esr & ESR_FNV)) {
		info->valid |= CPER_ARM_INFO_VALID_VA;
		info->va = sea->gva;
	}
}
