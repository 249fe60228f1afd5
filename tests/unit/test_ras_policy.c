// SPDX-License-Identifier: GPL-2.0
/* RAS policy: default notifications, sources, syndromes; memslot lookup. */
#include <errno.h>

#include "core/memslot.h"
#include "ras/policy.h"
#include "ras/records.h"
#include "tests/unit/helpers.h"

static void test_serror_syndromes(void **state)
{
	(void)state;
	/* ISS values from the Arm ARM's SError ISS encoding: AET[12:10], DFSC 0x11 */
	assert_int_equal(ras_serror_iss(CPER_SEV_CORRECTED, false), 0x1811);
	assert_int_equal(ras_serror_iss(CPER_SEV_RECOVERABLE, false), 0x0811);
	assert_int_equal(ras_serror_iss(CPER_SEV_RECOVERABLE, true), 0x0c11);
	assert_int_equal(ras_serror_iss(CPER_SEV_FATAL, true), 0x0411);
}

static void test_sea_syndromes(void **state)
{
	(void)state;
	/* EC 0x25/0x24, IL, FnV, DFSC 0x10: what QEMU injects too */
	assert_int_equal(ras_sea_esr(false), 0x96000410);
	assert_int_equal(ras_sea_esr(true), 0x92000410);
}

static void test_default_notifications(void **state)
{
	(void)state;
	/* Consumed errors are always a SEA, whatever was asked. */
	assert_int_equal(ras_notify_for(RAS_FROM_HOST_AR, CPER_SEV_RECOVERABLE,
					RAS_NOTIFY_SDEI, true), RAS_NOTIFY_SEA);
	assert_int_equal(ras_notify_for(RAS_FROM_KVM_SEA, CPER_SEV_RECOVERABLE,
					RAS_NOTIFY_DEFAULT, false), RAS_NOTIFY_SEA);
	/* Background poison: SDEI if the guest has it, else an SError. */
	assert_int_equal(ras_notify_for(RAS_FROM_HOST_AO, CPER_SEV_RECOVERABLE,
					RAS_NOTIFY_DEFAULT, true), RAS_NOTIFY_SDEI);
	assert_int_equal(ras_notify_for(RAS_FROM_HOST_AO, CPER_SEV_RECOVERABLE,
					RAS_NOTIFY_DEFAULT, false), RAS_NOTIFY_SERROR);
	/* Injection: recoverable -> SEA, others asynchronous; --notify wins. */
	assert_int_equal(ras_notify_for(RAS_FROM_INJECT, CPER_SEV_RECOVERABLE,
					RAS_NOTIFY_DEFAULT, true), RAS_NOTIFY_SEA);
	assert_int_equal(ras_notify_for(RAS_FROM_INJECT, CPER_SEV_CORRECTED,
					RAS_NOTIFY_DEFAULT, true), RAS_NOTIFY_SDEI);
	assert_int_equal(ras_notify_for(RAS_FROM_INJECT, CPER_SEV_FATAL,
					RAS_NOTIFY_DEFAULT, false), RAS_NOTIFY_SERROR);
	assert_int_equal(ras_notify_for(RAS_FROM_INJECT, CPER_SEV_CORRECTED,
					RAS_NOTIFY_SERROR, true), RAS_NOTIFY_SERROR);
}

static void test_sources(void **state)
{
	(void)state;
	assert_int_equal(ras_source_for(RAS_NOTIFY_SDEI, CPER_SEV_CORRECTED, 0), RAS_SRC_SDEI_NORMAL);
	assert_int_equal(ras_source_for(RAS_NOTIFY_SDEI, CPER_SEV_FATAL, 0), RAS_SRC_SDEI_CRITICAL);
	assert_int_equal(ras_source_for(RAS_NOTIFY_SERROR, CPER_SEV_FATAL, 1), RAS_SRC_SERROR);
	assert_int_equal(ras_source_for(RAS_NOTIFY_SEA, CPER_SEV_RECOVERABLE, 2), RAS_SRC_SEA_FIRST + 2);
}

static void test_memslots(void **state)
{
	struct memslot_table t = { 0 };
	uint64_t gpa;

	(void)state;
	assert_int_equal(memslot_add(&t, 0x40000000, 0x10000000, 0x7f0000000000), 0);
	assert_int_equal(memslot_add(&t, 0x0, 0x4000000, 0x7e0000000000), 0);
	assert_int_equal(memslot_add(&t, 0x100000000, 0x1000, 0x7d0000001000), 0);
	/* overlaps in guest or host space are refused */
	assert_int_equal(memslot_add(&t, 0x4fffffff, 2, 0x1000), -EEXIST);
	assert_int_equal(memslot_add(&t, 0x200000000, 0x2000, 0x7d0000000000), -EEXIST);

	assert_true(memslot_hva_to_gpa(&t, 0x7f0000000000, &gpa));
	assert_int_equal(gpa, 0x40000000);
	assert_true(memslot_hva_to_gpa(&t, 0x7f000fffffff, &gpa));
	assert_int_equal(gpa, 0x4fffffff);
	assert_false(memslot_hva_to_gpa(&t, 0x7f0010000000, &gpa));
	assert_true(memslot_hva_to_gpa(&t, 0x7e0000123456, &gpa));
	assert_int_equal(gpa, 0x123456);
	assert_true(memslot_hva_to_gpa(&t, 0x7d0000001ff8, &gpa));
	assert_int_equal(gpa, 0x100000ff8);
	assert_false(memslot_hva_to_gpa(&t, 0x7d0000000fff, &gpa));
	assert_false(memslot_hva_to_gpa(&t, 0, &gpa));
	for (int i = 3; i < MEMSLOTS_MAX; i++)
		assert_int_equal(memslot_add(&t, 0x1000000000ull * i, 0x1000,
					     0x100000000000ull * i), 0);
	assert_int_equal(memslot_add(&t, 0x9000000000ull, 0x1000, 0x900000000000ull), -ENOSPC);
}

static void test_memory_records(void **state)
{
	struct cper_record rec;

	(void)state;
	/* One page, exact address kept, poison status. */
	assert_int_equal(ras_memory_record(&rec, 0x40123456, 1, CPER_SEV_RECOVERABLE, true), 1);
	assert_int_equal(rec.nr_sections, 1);
	assert_int_equal(rec.sections[0].mem.pa, 0x40123456);
	assert_int_equal(rec.sections[0].mem.pa_mask, ~0xfffull);
	assert_int_equal(rec.sections[0].mem.error_status, CPER_ERROR_STATUS_POISON);
	assert_int_equal(rec.sections[0].flags, CPER_ENTRY_FLAG_PRIMARY);
	/* A 64 KiB host page: sixteen 4 KiB sections, one record. */
	assert_int_equal(ras_memory_record(&rec, 0x40010000, 0x10000, CPER_SEV_RECOVERABLE, true), 0x10000);
	assert_int_equal(rec.nr_sections, 16);
	assert_int_equal(rec.sections[15].mem.pa, 0x4001f000);
	assert_int_equal(rec.sections[15].flags, 0);
	/* A 2 MiB extent takes 32 records of 16 pages. */
	assert_int_equal(ras_memory_record(&rec, 0x40200000, 0x200000, CPER_SEV_RECOVERABLE, true), 0x10000);
	/* Corrected: single-bit ECC; not poison. */
	ras_memory_record(&rec, 0x40000000, 1, CPER_SEV_CORRECTED, false);
	assert_int_equal(rec.sections[0].mem.type, 2);
	assert_false(rec.sections[0].mem.valid & CPER_MEM_VALID_ERROR_STATUS);
}

/*
 * `lkvm ras --inject memory --gpa` takes any 64-bit address. Found by
 * fuzz_ghes: an extent reaching past the top of the address space made a
 * record with no section at all (refused), or one that wrapped round to
 * pages 0, 0x1000, ... the operator never named.
 */
static void test_memory_record_at_the_top(void **state)
{
	struct cper_record rec;

	(void)state;
	assert_int_equal(ras_memory_record(&rec, ~0ull, 0x2c, CPER_SEV_RECOVERABLE, true), 0x2c);
	assert_int_equal(rec.nr_sections, 1);
	assert_int_equal(rec.sections[0].mem.pa, ~0ull);
	assert_int_equal(ras_memory_record(&rec, 0xfffffffffffff000ull, 1, CPER_SEV_CORRECTED, false), 1);
	assert_int_equal(rec.nr_sections, 1);
	assert_int_equal(rec.sections[0].mem.pa, 0xfffffffffffff000ull);
	/* Two pages from the last but one, the extent running past the end. */
	assert_int_equal(ras_memory_record(&rec, 0xffffffffffffe800ull, 0x10000, CPER_SEV_RECOVERABLE, true), 0x10000);
	assert_int_equal(rec.nr_sections, 2);
	assert_int_equal(rec.sections[1].mem.pa, 0xfffffffffffff000ull);
}

static void test_sea_exit_records(void **state)
{
	struct ras_sea_exit sea = { .flags = RAS_SEA_EXIT_GPA_VALID, .esr = 0x92000410,
				    .gva = 0x1234, .gpa = 0x40567000 };
	struct cper_record rec;

	(void)state;
	ras_sea_exit_record(&rec, &sea, 0x80000001, 0x410fd083);
	assert_int_equal(rec.nr_sections, 1);
	assert_int_equal(rec.sections[0].kind, CPER_SECTION_MEMORY);
	assert_int_equal(rec.sections[0].mem.pa, 0x40567000);
	assert_int_equal(rec.sections[0].severity, CPER_SEV_RECOVERABLE);
	/* No guest address, FnV set: a bus error with no address at all. */
	sea.flags = 0;
	ras_sea_exit_record(&rec, &sea, 0x80000001, 0x410fd083);
	assert_int_equal(rec.sections[0].kind, CPER_SECTION_ARM);
	assert_int_equal(rec.sections[0].arm.mpidr, 0x80000001);
	assert_int_equal(rec.sections[0].arm.err_info[0].type, CPER_ARM_TYPE_BUS);
	assert_false(rec.sections[0].arm.err_info[0].valid & CPER_ARM_INFO_VALID_VA);
	/* FnV clear: the virtual address is valid and reported. */
	sea.esr = 0x92000010;
	ras_sea_exit_record(&rec, &sea, 0x80000001, 0x410fd083);
	assert_true(rec.sections[0].arm.err_info[0].valid & CPER_ARM_INFO_VALID_VA);
	assert_int_equal(rec.sections[0].arm.err_info[0].va, 0x1234);
	assert_true(cper_record_valid(&rec));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serror_syndromes),
		cmocka_unit_test(test_sea_syndromes),
		cmocka_unit_test(test_default_notifications),
		cmocka_unit_test(test_sources),
		cmocka_unit_test(test_memslots),
		cmocka_unit_test(test_memory_records),
		cmocka_unit_test(test_memory_record_at_the_top),
		cmocka_unit_test(test_sea_exit_records),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
