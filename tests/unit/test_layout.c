// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "arm64/layout.h"
#include "machine/memmap.h"
#include "tests/unit/helpers.h"

#define MiB (1024ULL * 1024)
#define GiB (1024 * MiB)

static void test_small_guest(void **state)
{
	struct boot_layout l;
	char err[256];

	(void)state;
	assert_int_equal(boot_layout_compute(RAM_BASE, 256 * MiB, 0, 40 * MiB,
					     5 * MiB + 100, 0, &l, err, sizeof(err)), 0);
	assert_int_equal(l.kernel_start, RAM_BASE);
	assert_int_equal(l.kernel_end, RAM_BASE + 40 * MiB);
	/* The DTB has the top 2 MiB block to itself, 2 MiB aligned. */
	assert_int_equal(l.dtb_start, RAM_BASE + 254 * MiB);
	assert_int_equal(l.dtb_start % (2 * MiB), 0);
	/* The initrd ends below the DTB, page aligned, above the kernel. */
	assert_int_equal(l.initrd_start % 4096, 0);
	assert_true(l.initrd_start + l.initrd_size <= l.dtb_start);
	assert_true(l.dtb_start - (l.initrd_start + l.initrd_size) < 4096);
	assert_true(l.initrd_start >= l.kernel_end);
	assert_int_equal(l.initrd_size, 5 * MiB + 100);
}

static void test_no_initrd(void **state)
{
	struct boot_layout l;
	char err[256];

	(void)state;
	assert_int_equal(boot_layout_compute(RAM_BASE, 64 * MiB, 0x80000, 300,
					     0, 0, &l, err, sizeof(err)), 0);
	assert_int_equal(l.kernel_start, RAM_BASE + 0x80000);
	assert_int_equal(l.initrd_start, 0);
	assert_int_equal(l.initrd_size, 0);
	assert_int_equal(l.dtb_start, RAM_BASE + 62 * MiB);
}

static void test_large_guest_stays_in_the_32g_window(void **state)
{
	struct boot_layout l;
	char err[256];

	(void)state;
	assert_int_equal(boot_layout_compute(RAM_BASE, 64 * GiB, 0, 40 * MiB,
					     MiB, 0, &l, err, sizeof(err)), 0);
	assert_int_equal(l.dtb_start, RAM_BASE + 32 * GiB - 2 * MiB);
	assert_true(l.initrd_start + l.initrd_size - RAM_BASE <= 32 * GiB);
}

static void test_exact_fit_and_one_byte_over(void **state)
{
	struct boot_layout l;
	char err[256];

	(void)state;
	/* Kernel and initrd fill the 62 usable MiB exactly. */
	assert_int_equal(boot_layout_compute(RAM_BASE, 64 * MiB, 0, 30 * MiB,
					     32 * MiB, 0, &l, err, sizeof(err)), 0);
	assert_int_equal(l.initrd_start, l.kernel_end);
	assert_int_equal(boot_layout_compute(RAM_BASE, 64 * MiB, 0, 30 * MiB,
					     32 * MiB + 1, 0, &l, err, sizeof(err)), -EFBIG);
	assert_string_equal(err, "initrd of 33 MiB does not fit in guest RAM beside the 30 MiB kernel; use a larger --mem");
}

static void test_kernel_too_big(void **state)
{
	struct boot_layout l;
	char err[256];

	(void)state;
	assert_int_equal(boot_layout_compute(RAM_BASE, 64 * MiB, 0, 63 * MiB, 0, 0,
					     &l, err, sizeof(err)), -EFBIG);
	assert_string_equal(err, "kernel needs 63 MiB of guest RAM but only 62 MiB are left for it; use a larger --mem");
	/* An initrd larger than RAM must not wrap around. */
	assert_int_equal(boot_layout_compute(RAM_BASE, 64 * MiB, 0, MiB,
					     UINT64_MAX / 2, 0, &l, err, sizeof(err)), -EFBIG);
}

static void test_usable_ram(void **state)
{
	(void)state;
	assert_int_equal(boot_usable_ram(64 * MiB, 0), 62 * MiB);
	assert_int_equal(boot_usable_ram(40 * GiB, 0), 32 * GiB - 2 * MiB);
	assert_int_equal(boot_usable_ram(MiB, 0), 0);
	assert_int_equal(boot_usable_ram(64 * MiB, 2 * MiB), 60 * MiB);
	assert_int_equal(boot_usable_ram(3 * MiB, 2 * MiB), 0);
}

static void test_reserved_below_the_dtb(void **state)
{
	struct boot_layout l;
	char err[256];

	(void)state;
	assert_int_equal(boot_layout_compute(RAM_BASE, 256 * MiB, 0, 40 * MiB,
					     MiB, 2 * MiB, &l, err, sizeof(err)), 0);
	assert_int_equal(l.dtb_start, RAM_BASE + 254 * MiB);
	assert_int_equal(l.reserved_start, RAM_BASE + 252 * MiB);
	assert_int_equal(l.reserved_size, 2 * MiB);
	assert_true(l.initrd_start + l.initrd_size <= l.reserved_start);
	/* Without a reservation there is none. */
	assert_int_equal(boot_layout_compute(RAM_BASE, 256 * MiB, 0, 40 * MiB,
					     MiB, 0, &l, err, sizeof(err)), 0);
	assert_int_equal(l.reserved_start, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_guest),
		cmocka_unit_test(test_no_initrd),
		cmocka_unit_test(test_large_guest_stays_in_the_32g_window),
		cmocka_unit_test(test_exact_fit_and_one_byte_over),
		cmocka_unit_test(test_kernel_too_big),
		cmocka_unit_test(test_usable_ram),
		cmocka_unit_test(test_reserved_below_the_dtb),
	};

	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
