// SPDX-License-Identifier: GPL-2.0
/* Stage-1 walks over page tables built here, in a fake guest RAM. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/s1walk.h"
#include "tests/unit/helpers.h"

#define RAM_BASE	0x40000000ULL
#define RAM_SIZE	(8ULL << 20)

static uint8_t *ram;

static bool read_desc(void *opaque, uint64_t pa, uint64_t *desc)
{
	(void)opaque;
	if (pa < RAM_BASE || pa + 8 > RAM_BASE + RAM_SIZE || pa % 8)
		return false;
	memcpy(desc, ram + (pa - RAM_BASE), 8);
	return true;
}

static void put(uint64_t pa, uint64_t desc)
{
	memcpy(ram + (pa - RAM_BASE), &desc, 8);
}

static int setup(void **state)
{
	(void)state;
	ram = calloc(1, RAM_SIZE);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

#define TABLE	3ULL	/* valid table (or page at level 3) */
#define BLOCK	1ULL

static int walk(const struct s1_regs *r, uint64_t va, uint64_t *pa)
{
	return s1_translate(r, va, read_desc, NULL, pa);
}

/* Linux's usual arm64 layout: 4K pages, 48-bit kernel VAs in TTBR1. */
static void test_4k_48bit_pages_and_blocks(void **state)
{
	uint64_t va = 0xffff800080123456ULL, pa;
	struct s1_regs r = {
		.tcr = 16ULL << 16 | 2ULL << 30 | 16,	/* T1SZ 16, TG1 4K, T0SZ 16 */
		.ttbr1 = RAM_BASE + 0x1000,
	};

	(void)state;
	/* L0[256] -> L1 at +0x2000; L1[2] -> L2 at +0x3000; L2[0] -> L3 at
	 * +0x4000; L3[0x123] -> page 0x40500000. */
	put(RAM_BASE + 0x1000 + 256 * 8, (RAM_BASE + 0x2000) | TABLE);
	put(RAM_BASE + 0x2000 + 2 * 8, (RAM_BASE + 0x3000) | TABLE);
	put(RAM_BASE + 0x3000 + 0 * 8, (RAM_BASE + 0x4000) | TABLE);
	put(RAM_BASE + 0x4000 + 0x123 * 8, 0x40500000ULL | TABLE | 0x700);
	assert_int_equal(walk(&r, va, &pa), 0);
	assert_int_equal(pa, 0x40500456ULL);

	/* L2[1]: a 2 MiB block. */
	put(RAM_BASE + 0x3000 + 1 * 8, 0x40600000ULL | BLOCK);
	assert_int_equal(walk(&r, 0xffff800080312345ULL, &pa), 0);
	assert_int_equal(pa, 0x40712345ULL);

	/* Unmapped: an empty L3 slot, an empty L0 slot. */
	assert_int_equal(walk(&r, 0xffff800080124000ULL, &pa), -EFAULT);
	assert_int_equal(walk(&r, 0xffff000000000000ULL, &pa), -EFAULT);
	/* Not a valid TTBR1 address for 48 bits; the top byte matters. */
	assert_int_equal(walk(&r, 0xfeff800080123456ULL, &pa), -EFAULT);
	/* TTBR0 side with nothing there: its table address is 0, not RAM. */
	assert_int_equal(walk(&r, 0x0000000080123456ULL, &pa), -EFAULT);
	/* Walks disabled for TTBR1. */
	r.tcr |= 1ULL << 23;
	assert_int_equal(walk(&r, va, &pa), -EFAULT);
}

/* LPA2 (TCR.DS): 52-bit VAs, five levels starting at level -1. */
static void test_4k_lpa2_five_levels(void **state)
{
	uint64_t va = 0xfff0000000001008ULL, pa;
	struct s1_regs r = {
		.tcr = 12ULL << 16 | 2ULL << 30 | 1ULL << 59,
		.ttbr1 = RAM_BASE + 0x10000,
	};
	uint64_t idx_m1 = (va >> 48) & 0xf;

	(void)state;
	put(RAM_BASE + 0x10000 + idx_m1 * 8, (RAM_BASE + 0x11000) | TABLE);
	put(RAM_BASE + 0x11000, (RAM_BASE + 0x12000) | TABLE);
	put(RAM_BASE + 0x12000, (RAM_BASE + 0x13000) | TABLE);
	put(RAM_BASE + 0x13000, (RAM_BASE + 0x14000) | TABLE);
	/* With LPA2, descriptor bits [9:8] are OA[51:50]. */
	put(RAM_BASE + 0x14000 + 1 * 8, 0x40700000ULL | TABLE);
	assert_int_equal(walk(&r, va, &pa), 0);
	assert_int_equal(pa, 0x40700008ULL);
	put(RAM_BASE + 0x14000 + 1 * 8, 0x40700000ULL | TABLE | 1ULL << 8);
	assert_int_equal(walk(&r, va, &pa), 0);
	assert_int_equal(pa, (1ULL << 50) | 0x40700008ULL);
}

/* 64K granule, 42-bit TTBR0 with the top byte ignored. */
static void test_64k_ttbr0_tbi(void **state)
{
	uint64_t pa;
	struct s1_regs r = {
		.tcr = 22 | 1ULL << 14 | 1ULL << 37,	/* T0SZ 22, TG0 64K, TBI0 */
		.ttbr0 = RAM_BASE + 0x20000,
	};

	(void)state;
	/* Two levels: L2 indexes bits [41:29], L3 bits [28:16]. */
	put(RAM_BASE + 0x20000 + 2 * 8, (RAM_BASE + 0x30000) | TABLE);
	put(RAM_BASE + 0x30000 + 5 * 8, 0x40400000ULL | TABLE);
	assert_int_equal(walk(&r, 0x40050abcULL, &pa), 0);
	assert_int_equal(pa, 0x40400abcULL);
	/* A tag in the top byte is ignored... */
	assert_int_equal(walk(&r, 0x5a00000040050abcULL, &pa), 0);
	assert_int_equal(pa, 0x40400abcULL);
	/* ...but not without TBI0. */
	r.tcr &= ~(1ULL << 37);
	assert_int_equal(walk(&r, 0x5a00000040050abcULL, &pa), -EFAULT);
}

static void test_bad_tables(void **state)
{
	uint64_t pa;
	struct s1_regs r = {
		.tcr = 25 | 0ULL << 14,			/* T0SZ 25: 39 bits, 4K */
		.ttbr0 = RAM_BASE + 0x40000,
	};

	(void)state;
	/* A table outside guest RAM. */
	put(RAM_BASE + 0x40000 + 1 * 8, 0x80000000ULL | TABLE);
	assert_int_equal(walk(&r, 0x40000000ULL, &pa), -EFAULT);
	/* A level-3 descriptor with bit 1 clear is reserved. */
	put(RAM_BASE + 0x40000 + 1 * 8, (RAM_BASE + 0x41000) | TABLE);
	put(RAM_BASE + 0x41000, (RAM_BASE + 0x42000) | TABLE);
	put(RAM_BASE + 0x42000, 0x40500000ULL | BLOCK);
	assert_int_equal(walk(&r, 0x40000000ULL, &pa), -EFAULT);
	/* A 1 GiB block at level 1 is fine. */
	put(RAM_BASE + 0x40000 + 1 * 8, 0x40000000ULL | BLOCK);
	assert_int_equal(walk(&r, 0x40123456ULL, &pa), 0);
	assert_int_equal(pa, 0x40123456ULL);
	/* Above the 39-bit range. */
	assert_int_equal(walk(&r, 1ULL << 40, &pa), -EFAULT);
}

static unsigned int reads;

static bool count_reads(void *opaque, uint64_t pa, uint64_t *desc)
{
	reads++;
	return read_desc(opaque, pa, desc);
}

/*
 * 64K pages with T0SZ 48 leave no VA bit above the page offset: no level
 * can index it. Found by fuzz_s1walk: the walk started at level 4 and,
 * through a table pointing at itself, went on with negative shifts.
 */
static void test_64k_too_few_va_bits(void **state)
{
	uint64_t pa;
	struct s1_regs r = {
		.tcr = 48 | 1ULL << 14,			/* T0SZ 48, TG0 64K */
		.ttbr0 = RAM_BASE + 0x50000,
	};

	(void)state;
	for (unsigned int i = 0; i < 8192; i++)
		put(RAM_BASE + 0x50000 + i * 8, (RAM_BASE + 0x50000) | TABLE);
	reads = 0;
	assert_int_equal(s1_translate(&r, 0x1234, count_reads, NULL, &pa), -EFAULT);
	assert_int_equal(reads, 0);
	/* 17 bits is the architecture's least: one level, one read. */
	r.tcr = 47 | 1ULL << 14;
	put(RAM_BASE + 0x50000 + 1 * 8, 0x40400000ULL | TABLE);
	reads = 0;
	assert_int_equal(s1_translate(&r, 0x11234, count_reads, NULL, &pa), 0);
	assert_int_equal(pa, 0x40401234ULL);
	assert_int_equal(reads, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_4k_48bit_pages_and_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_4k_lpa2_five_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_64k_ttbr0_tbi, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_64k_too_few_va_bits, setup, teardown),
	};

	return cmocka_run_group_tests_name("s1walk", tests, NULL, NULL);
}
