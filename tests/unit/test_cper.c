// SPDX-License-Identifier: GPL-2.0
/*
 * CPER: golden byte vectors written by hand from the layout tables of
 * ACPI 18.3.2.7.1 and UEFI N.2.5/N.2.4.4 (see ras/README.md), and every
 * check of the validator, each on a block that fails only that check.
 */
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ras/cper.h"
#include "core/le.h"
#include "tests/unit/helpers.h"

/* Recoverable memory error at 0x40a08000, 4 KiB granule, multi-bit ECC,
 * primary, at 2026-11-21 17:45:03 (precise). */
static const uint8_t golden_mem[] = {
	/* Generic Error Status Block */
	0x11, 0x00, 0x00, 0x00,		/* UE valid, 1 entry */
	0x00, 0x00, 0x00, 0x00,		/* raw data offset */
	0x00, 0x00, 0x00, 0x00,		/* raw data length */
	0x98, 0x00, 0x00, 0x00,		/* data length 152 */
	0x00, 0x00, 0x00, 0x00,		/* severity recoverable */
	/* Generic Error Data Entry 0x0300 */
	0x14, 0x11, 0xbc, 0xa5, 0x64, 0x6f, 0xde, 0x4e,	/* platform memory */
	0xb8, 0x63, 0x3e, 0x83, 0xed, 0x7c, 0x83, 0xb1,
	0x00, 0x00, 0x00, 0x00,		/* severity recoverable */
	0x00, 0x03,			/* revision 0x0300 */
	0x04,				/* timestamp valid */
	0x01,				/* primary */
	0x50, 0x00, 0x00, 0x00,		/* error data length 80 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,		/* FRU id */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* FRU text */
	0x03, 0x45, 0x17, 0x01, 0x21, 0x11, 0x26, 0x20,	/* BCD timestamp */
	/* Memory Error Section */
	0x06, 0x40, 0, 0, 0, 0, 0, 0,	/* PA, PA mask, error type valid */
	0, 0, 0, 0, 0, 0, 0, 0,		/* error status */
	0x00, 0x80, 0xa0, 0x40, 0, 0, 0, 0,			/* PA */
	0x00, 0xf0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,		/* PA mask */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,		/* node..bit */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,		/* requestor, */
	0, 0, 0, 0, 0, 0, 0, 0,					/* responder, target */
	0x03,				/* multi-bit ECC */
	0, 0, 0, 0, 0, 0, 0,		/* extended, rank, handles */
};

static const uint8_t ctx_regs[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

/* Corrected cache error on MPIDR 0x80000001, with an AArch64 EL1 context. */
static const uint8_t golden_arm[] = {
	0x12, 0x00, 0x00, 0x00,		/* CE valid, 1 entry */
	0, 0, 0, 0, 0, 0, 0, 0,
	0xa8, 0x00, 0x00, 0x00,		/* data length 168 */
	0x02, 0x00, 0x00, 0x00,		/* corrected */
	0x16, 0x3d, 0x9e, 0xe1, 0x11, 0xbc, 0xe4, 0x11,	/* ARM processor */
	0x9c, 0xaa, 0xc2, 0x05, 0x1d, 0x5d, 0x46, 0xb0,
	0x02, 0x00, 0x00, 0x00,		/* corrected */
	0x00, 0x03, 0x00, 0x00,		/* rev 0x0300, nothing valid, no flags */
	0x60, 0x00, 0x00, 0x00,		/* error data length 96 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0,		/* no timestamp */
	/* ARM Processor Error Section */
	0x05, 0x00, 0x00, 0x00,		/* MPIDR, running state valid */
	0x01, 0x00,			/* one error info */
	0x01, 0x00,			/* one context */
	0x60, 0x00, 0x00, 0x00,		/* section length 96 */
	0x00, 0, 0, 0,			/* affinity level, reserved */
	0x01, 0x00, 0x00, 0x80, 0, 0, 0, 0,	/* MPIDR */
	0x83, 0xd0, 0x0f, 0x41, 0, 0, 0, 0,	/* MIDR */
	0x01, 0x00, 0x00, 0x00,		/* running */
	0x00, 0x00, 0x00, 0x00,		/* PSCI state */
	/* error information */
	0x00, 0x20,			/* version, length 32 */
	0x16, 0x00,			/* flags, info, PA valid */
	0x02,				/* cache */
	0x00, 0x00,			/* multiple */
	0x03,				/* first, last */
	0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,	/* error information */
	0, 0, 0, 0, 0, 0, 0, 0,				/* VA */
	0x00, 0x10, 0x00, 0x40, 0, 0, 0, 0,		/* PA */
	/* context information: AArch64 EL1, 16 bytes */
	0x00, 0x00, 0x05, 0x00, 0x10, 0x00, 0x00, 0x00,
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};

static struct cper_record mem_record(void)
{
	struct cper_record rec = {
		.nr_sections = 1,
		.has_timestamp = true,
		.timestamp = { .sec = 3, .min = 45, .hour = 17, .day = 21,
			       .month = 11, .year = 26, .century = 20,
			       .precise = true },
	};

	rec.sections[0].kind = CPER_SECTION_MEMORY;
	rec.sections[0].severity = CPER_SEV_RECOVERABLE;
	rec.sections[0].flags = CPER_ENTRY_FLAG_PRIMARY;
	rec.sections[0].mem = (struct cper_mem_error){
		.valid = CPER_MEM_VALID_PA | CPER_MEM_VALID_PA_MASK |
			 CPER_MEM_VALID_ERROR_TYPE,
		.pa = 0x40a08000, .pa_mask = ~0xfffull,
		.type = CPER_MEM_TYPE_MULTI_ECC,
	};
	return rec;
}

static struct cper_record arm_record(void)
{
	struct cper_record rec = { .nr_sections = 1 };
	struct cper_arm_error *arm = &rec.sections[0].arm;

	rec.sections[0].kind = CPER_SECTION_ARM;
	rec.sections[0].severity = CPER_SEV_CORRECTED;
	arm->valid = CPER_ARM_VALID_MPIDR | CPER_ARM_VALID_RUNNING_STATE;
	arm->mpidr = 0x80000001;
	arm->midr = 0x410fd083;
	arm->running_state = 1;
	arm->nr_err_info = 1;
	arm->err_info[0] = (struct cper_arm_err_info){
		.valid = CPER_ARM_INFO_VALID_FLAGS | CPER_ARM_INFO_VALID_INFO |
			 CPER_ARM_INFO_VALID_PA,
		.type = CPER_ARM_TYPE_CACHE,
		.flags = CPER_ARM_FLAG_FIRST | CPER_ARM_FLAG_LAST,
		.info = 0x1122334455667788ull, .pa = 0x40001000,
	};
	arm->ctx_type = 5;
	arm->ctx_size = sizeof(ctx_regs);
	arm->ctx_regs = ctx_regs;
	return rec;
}

static void test_golden_memory(void **state)
{
	struct cper_record rec = mem_record();
	uint8_t buf[4096];

	(void)state;
	assert_int_equal(sizeof(golden_mem), 172);
	assert_int_equal(cper_encoded_size(&rec), sizeof(golden_mem));
	assert_int_equal(cper_encode(&rec, buf, sizeof(buf)), sizeof(golden_mem));
	assert_memory_equal(buf, golden_mem, sizeof(golden_mem));
}

static void test_golden_arm(void **state)
{
	struct cper_record rec = arm_record();
	uint8_t buf[4096];

	(void)state;
	assert_int_equal(sizeof(golden_arm), 188);
	assert_int_equal(cper_encode(&rec, buf, sizeof(buf)), sizeof(golden_arm));
	assert_memory_equal(buf, golden_arm, sizeof(golden_arm));
}

static void test_golden_vectors_pass_the_checks(void **state)
{
	const char *why;

	(void)state;
	assert_int_equal(cper_check(golden_mem, sizeof(golden_mem), 4096, &why), CPER_OK);
	assert_null(why);
	assert_int_equal(cper_check(golden_arm, sizeof(golden_arm), 4096, &why), CPER_OK);
	assert_int_equal(cper_block_length(golden_arm), sizeof(golden_arm));
}

static void test_several_sections_and_lost_errors(void **state)
{
	struct cper_record rec = mem_record();
	uint8_t buf[4096];
	const char *why;
	size_t len;

	(void)state;
	rec.nr_sections = 3;
	rec.sections[1] = rec.sections[0];
	rec.sections[1].mem.pa += 4096;
	rec.sections[2] = arm_record().sections[0];
	rec.lost_corrected = true;
	len = cper_encode(&rec, buf, sizeof(buf));
	assert_int_equal(len, 20 + 2 * 152 + 168);
	/* UE valid, multiple UE (two), CE valid, multiple CE (lost), 3 entries */
	assert_int_equal(get_le32(buf), 0x3f);
	assert_int_equal(get_le32(buf + 12), len - 20);
	assert_int_equal(get_le32(buf + 16), CPER_SEV_RECOVERABLE);
	assert_int_equal(get_le64(buf + 20 + 152 + 72 + 16), 0x40a09000);
	assert_int_equal(cper_check(buf, len, 4096, &why), CPER_OK);
}

static void test_severity_is_the_worst(void **state)
{
	struct cper_record rec = arm_record();

	(void)state;
	assert_int_equal(cper_record_severity(&rec), CPER_SEV_CORRECTED);
	rec.nr_sections = 2;
	rec.sections[1] = mem_record().sections[0];
	assert_int_equal(cper_record_severity(&rec), CPER_SEV_RECOVERABLE);
	rec.sections[0].severity = CPER_SEV_FATAL;
	assert_int_equal(cper_record_severity(&rec), CPER_SEV_FATAL);
}

static void test_encoder_refuses(void **state)
{
	struct cper_record rec = mem_record();
	uint8_t buf[4096];

	(void)state;
	assert_int_equal(cper_encode(&rec, buf, sizeof(golden_mem) - 1), 0);
	rec.nr_sections = 0;
	assert_int_equal(cper_encode(&rec, buf, sizeof(buf)), 0);
	rec = arm_record();
	rec.sections[0].arm.nr_err_info = 0;
	assert_false(cper_record_valid(&rec));
	rec = arm_record();
	rec.sections[0].arm.ctx_type = 9;
	assert_int_equal(cper_encode(&rec, buf, sizeof(buf)), 0);
	rec = mem_record();
	rec.sections[0].severity = 4;
	assert_false(cper_record_valid(&rec));
}

/* Each malformed block fails the named check and only that one. */
struct bad_case {
	const char *what;
	void (*spoil)(uint8_t *b);
	size_t len;		/* 0: the whole block */
	size_t block_length;	/* 0: 4096 */
	const char *expect;
};

static void no_change(uint8_t *b) { (void)b; }
static void raw_inside_header(uint8_t *b) { put_le32(b + 4, 4); put_le32(b + 8, 8); }
static void too_long(uint8_t *b) { put_le32(b + 12, 5000); }
static void data_shorter_than_entry(uint8_t *b) { put_le32(b + 12, 40); }
static void raw_overlaps(uint8_t *b) { put_le32(b + 4, 100); put_le32(b + 8, 16); }
static void entry_overruns(uint8_t *b) { put_le32(b + 20 + 24, 81); }
static void entries_short(uint8_t *b) { put_le32(b + 12, 152 + 8); }
static void mem_too_small(uint8_t *b) { put_le32(b + 12, 72 + 72); put_le32(b + 20 + 24, 72); }
static void old_mem_with_rank(uint8_t *b)
{
	put_le32(b + 12, 72 + 73);
	put_le32(b + 20 + 24, 73);
	put_le64(b + 92, CPER_MEM_VALID_PA | 1ull << 15);
}
static void arm_too_small(uint8_t *b) { put_le32(b + 12, 72 + 32); put_le32(b + 20 + 24, 32); }
static void arm_no_info(uint8_t *b) { put_le16(b + 92 + 4, 0); }
static void arm_info_overruns(uint8_t *b) { put_le16(b + 92 + 4, 2); }
static void arm_section_past_entry(uint8_t *b) { put_le32(b + 92 + 8, 97); }
static void arm_bad_ctx_type(uint8_t *b) { put_le16(b + 92 + 72 + 2, 9); }
static void arm_ctx_overruns(uint8_t *b) { put_le32(b + 92 + 72 + 4, 17); }
static void old_revision_header(uint8_t *b) { put_le16(b + 20 + 20, 0x0201); }

static void test_checks(void **state)
{
	static const struct bad_case mem_cases[] = {
		{ "short header", no_change, 19, 0, "Truncated error status block! (shorter" },
		{ "raw data inside header", raw_inside_header, 0, 0, "Truncated error status block! (raw" },
		{ "longer than the source's block", too_long, 0, 0, "Invalid error status block length!" },
		{ "block length of the source", no_change, 0, 171, "Invalid error status block length!" },
		{ "data_length < 64", data_shorter_than_entry, 0, 0, "Invalid CPER header! (data_length" },
		{ "raw data overlaps entries", raw_overlaps, 0, 0, "Invalid CPER header! (raw" },
		{ "fewer bytes than stated", no_change, 171, 0, "Truncated error status block! (its length" },
		{ "entry data overruns", entry_overruns, 0, 0, "Failed to read error status block! (an entry's error data" },
		{ "entries do not tile", entries_short, 180, 0, "Failed to read error status block! (an entry header" },
		{ "memory section < 73", mem_too_small, 0, 0, "memory error section: error section length is too small" },
		{ "73-byte section, rank valid", old_mem_with_rank, 0, 0, "memory error section: valid bits set" },
		{ "revision 2 entry: 64-byte header", old_revision_header, 0, 0, "Failed to read error status block! (an entry header" },
	};
	static const struct bad_case arm_cases[] = {
		{ "ARM < 40 bytes", arm_too_small, 0, 0, "ARM processor section: arm error length is too small" },
		{ "ERR_INFO_NUM 0", arm_no_info, 0, 0, "ARM processor section: ERR_INFO_NUM is 0" },
		{ "info past section", arm_info_overruns, 0, 0, "ARM processor section: section length is too small for ERR_INFO_NUM" },
		{ "section past entry", arm_section_past_entry, 0, 0, "ARM processor section: section length exceeds" },
		{ "context type 9", arm_bad_ctx_type, 0, 0, "ARM processor section: context info: Invalid context type" },
		{ "context past section", arm_ctx_overruns, 0, 0, "ARM processor section: context info: section length is too small" },
	};
	struct { const struct bad_case *cases; size_t n; const uint8_t *golden; size_t len; } sets[] = {
		{ mem_cases, ARRAY_SIZE(mem_cases), golden_mem, sizeof(golden_mem) },
		{ arm_cases, ARRAY_SIZE(arm_cases), golden_arm, sizeof(golden_arm) },
	};

	(void)state;
	for (size_t s = 0; s < ARRAY_SIZE(sets); s++) {
		for (size_t i = 0; i < sets[s].n; i++) {
			const struct bad_case *c = &sets[s].cases[i];
			uint8_t buf[512] = { 0 };
			const char *why;

			memcpy(buf, sets[s].golden, sets[s].len);
			c->spoil(buf);
			print_message("case: %s\n", c->what);
			assert_int_equal(cper_check(buf, c->len ?: sets[s].len,
						    c->block_length ?: 4096, &why),
					 CPER_INVALID);
			assert_non_null(why);
			assert_memory_equal(why, c->expect, strlen(c->expect));
		}
	}
}

static void test_empty_block(void **state)
{
	uint8_t buf[sizeof(golden_mem)];
	const char *why;

	(void)state;
	memcpy(buf, golden_mem, sizeof(buf));
	put_le32(buf, 0);
	assert_int_equal(cper_check(buf, sizeof(buf), 4096, &why), CPER_EMPTY);
}

static void test_unknown_sections_are_accepted(void **state)
{
	uint8_t buf[sizeof(golden_mem)];
	const char *why;

	(void)state;
	memcpy(buf, golden_mem, sizeof(buf));
	buf[20] ^= 0xff;	/* a GUID Linux logs as non-standard */
	assert_int_equal(cper_check(buf, sizeof(buf), 4096, &why), CPER_OK);
}

static void test_print(void **state)
{
	char out[4096] = "";
	FILE *f = fmemopen(out, sizeof(out) - 1, "w");

	(void)state;
	cper_print(f, golden_mem);
	cper_print(f, golden_arm);
	fclose(f);
	assert_non_null(strstr(out, "event severity: recoverable\n"));
	assert_non_null(strstr(out, "section_type: memory error\n"));
	assert_non_null(strstr(out, "physical_address: 0x0000000040a08000\n"));
	assert_non_null(strstr(out, "physical_address_mask: 0xfffffffffffff000\n"));
	assert_non_null(strstr(out, "error_type: 3, multi-bit ECC\n"));
	assert_non_null(strstr(out, "timestamp: 2026-11-21 17:45:03 (precise)\n"));
	assert_non_null(strstr(out, "section_type: ARM processor error\n"));
	assert_non_null(strstr(out, "MPIDR: 0x0000000080000001\n"));
	assert_non_null(strstr(out, "error info 0: type 0x2 cache\n"));
	assert_non_null(strstr(out, "physical fault address: 0x0000000040001000\n"));
	assert_non_null(strstr(out, "context 0: type 5, 16 bytes of registers\n"));
}

struct flipper {
	uint8_t *block;
	bool stop;		/* atomic */
};

/* A vCPU rewriting the block's data_length, between its value and 64 KiB. */
static void *flip_length(void *opaque)
{
	struct flipper *fl = opaque;
	uint32_t *data_length = (uint32_t *)(fl->block + 12);
	uint32_t real = *data_length;

	while (!__atomic_load_n(&fl->stop, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(data_length, 0x10000, __ATOMIC_RELAXED);
		__atomic_store_n(data_length, real, __ATOMIC_RELAXED);
	}
	return NULL;
}

/*
 * The status command checked the guest's block and then printed it,
 * reading every length again: a vCPU changing data_length in between
 * made the printer read past the 4 KiB block. Only a private copy is
 * checked and printed now; the block here is exactly 4 KiB, for ASan.
 */
static void test_print_shared_block_once(void **state)
{
	struct flipper fl = { malloc(4096), false };
	FILE *null = fopen("/dev/null", "w");
	char out[4096] = "";
	FILE *f = fmemopen(out, sizeof(out) - 1, "w");
	pthread_t thread;

	(void)state;
	memset(fl.block, 0, 4096);
	memcpy(fl.block, golden_mem, sizeof(golden_mem));
	cper_print_shared(f, "source 3", fl.block, 4096);
	fclose(f);
	assert_non_null(strstr(out, "source 3 holds:\n"));
	assert_non_null(strstr(out, "physical_address: 0x0000000040a08000\n"));

	assert_int_equal(pthread_create(&thread, NULL, flip_length, &fl), 0);
	for (int i = 0; i < 50000; i++)
		cper_print_shared(null, "source 3", fl.block, 4096);
	__atomic_store_n(&fl.stop, true, __ATOMIC_RELEASE);
	pthread_join(thread, NULL);
	fclose(null);
	free(fl.block);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_golden_memory),
		cmocka_unit_test(test_golden_arm),
		cmocka_unit_test(test_golden_vectors_pass_the_checks),
		cmocka_unit_test(test_several_sections_and_lost_errors),
		cmocka_unit_test(test_severity_is_the_worst),
		cmocka_unit_test(test_encoder_refuses),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_empty_block),
		cmocka_unit_test(test_unknown_sections_are_accepted),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_print_shared_block_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
