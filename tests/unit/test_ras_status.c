// SPDX-License-Identifier: GPL-2.0
/* The text of lkvm ras --status, from a real region and counts. */
#include <stdlib.h>
#include <string.h>

#include "ras/records.h"
#include "ras/status.h"
#include "tests/unit/helpers.h"

#define GPA	0x47e00000ull
#define NR	4

/* The line of @text that starts with @prefix, copied into @line. */
static bool line_starting(const char *text, const char *prefix, char *line, size_t len)
{
	for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		size_t n = strcspn(p, "\n");

		if (!strncmp(p, prefix, strlen(prefix)) && n < len) {
			memcpy(line, p, n);
			line[n] = '\0';
			return true;
		}
	}
	return false;
}

static void test_placed_region(void **state)
{
	uint8_t *mem = malloc(ghes_region_size(NR));
	struct ghes_region r;
	struct cper_record a, b;
	struct ras_notice n = { .how = RAS_NOTIFY_SERROR };
	struct ras_counts c = {
		.notified = { [RAS_NOTIFY_SEA] = 3, [RAS_NOTIFY_SERROR] = 1 },
		.not_notified = 2, .host_errors = 5, .sea_exits = 1,
	};
	char text[8192], line[200], name[32], block[8];
	unsigned int src, ack, queued;
	unsigned long received, delivered, dropped, acked;

	(void)state;
	assert_int_equal(ghes_region_init(&r, mem, GPA, NR), 0);
	ras_memory_record(&a, 0x40001000, 1, CPER_SEV_CORRECTED, false);
	ras_memory_record(&b, 0x40002000, 1, CPER_SEV_CORRECTED, false);
	assert_int_equal(ghes_submit(&r, RAS_SRC_SERROR, &a, &n), GHES_DELIVERED);
	assert_int_equal(ghes_submit(&r, RAS_SRC_SERROR, &b, &n), GHES_QUEUED);
	ras_status_text(text, sizeof(text), &r, true, &c);

	assert_true(line_starting(text, "region ", line, sizeof(line)));
	assert_string_equal(line, "region 0x47e00000, 4 sources, 4096-byte blocks; KVM_EXIT_ARM_SEA on");
	assert_true(line_starting(text, "2 ", line, sizeof(line)));
	assert_int_equal(sscanf(line, "%u %31s %7s %u %lu %lu %u %lu %lu", &src, name, block, &ack,
				&received, &delivered, &queued, &dropped, &acked), 9);
	assert_int_equal(src, 2);
	assert_string_equal(name, "serror");
	assert_string_equal(block, "full");
	assert_int_equal(ack, 0);	/* the guest has not acknowledged it */
	assert_int_equal(received, 2);
	assert_int_equal(delivered, 1);
	assert_int_equal(queued, 1);
	assert_int_equal(dropped, 0);
	assert_int_equal(acked, 0);
	assert_true(line_starting(text, "3 ", line, sizeof(line)));
	assert_non_null(strstr(line, "sea vcpu 0"));
	assert_non_null(strstr(line, "empty"));
	assert_true(line_starting(text, "notified: ", line, sizeof(line)));
	assert_string_equal(line, "notified: sea 3, serror 1, sdei 0; not notified 2");
	assert_true(line_starting(text, "host memory errors: ", line, sizeof(line)));
	assert_string_equal(line, "host memory errors: 5; KVM external abort exits: 1");
	/* The full block is decoded: the first record's address. */
	assert_non_null(strstr(text, "0x0000000040001000"));
	assert_null(strstr(text, "0x0000000040002000"));
	ghes_region_destroy(&r);
	free(mem);
}

static void test_not_placed(void **state)
{
	struct ghes_region r = { 0 };
	struct ras_counts c = { 0 };
	char text[512], line[200];

	(void)state;
	ras_status_text(text, sizeof(text), &r, false, &c);
	assert_true(line_starting(text, "region ", line, sizeof(line)));
	assert_string_equal(line, "region not placed yet: the UEFI firmware allocates it");
	assert_false(line_starting(text, "0 ", line, sizeof(line)));
	assert_true(line_starting(text, "notified: ", line, sizeof(line)));
}

/* A buffer too small for the text ends terminated, not overrun. */
static void test_truncated(void **state)
{
	struct ghes_region r = { 0 };
	struct ras_counts c = { 0 };
	char text[40 + 8];

	(void)state;
	memset(text, 'x', sizeof(text));
	ras_status_text(text, 40, &r, false, &c);
	assert_int_equal(strlen(text), 39);
	assert_int_equal(text[40], 'x');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placed_region),
		cmocka_unit_test(test_not_placed),
		cmocka_unit_test(test_truncated),
	};

	return cmocka_run_group_tests_name("ras_status", tests, NULL, NULL);
}
