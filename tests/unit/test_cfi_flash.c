// SPDX-License-Identifier: GPL-2.0
/* The CFI flash as edk2's VirtNorFlashDxe drives it (dual x16, 32-bit bus). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "hw/cfi_flash.h"
#include "tests/unit/helpers.h"

#define SIZE		(3 * CFI_BLOCK_SIZE)
#define READY		0x00800080u
#define DUAL(c)		((uint32_t)(c) | (uint32_t)(c) << 16)

static int array_on_calls, array_off_calls;
static bool array_on = true;

static void array_mode(void *opaque, bool on)
{
	(void)opaque;
	array_on = on;
	if (on)
		array_on_calls++;
	else
		array_off_calls++;
}

static uint32_t rd(struct cfi_flash *f, uint64_t off)
{
	uint8_t v[4];

	cfi_flash_access(f, off, v, 4, false);
	return get_le32(v);
}

static void wr(struct cfi_flash *f, uint64_t off, uint32_t v)
{
	uint8_t b[4];

	put_le32(b, v);
	cfi_flash_access(f, off, b, 4, true);
}

struct fixture {
	struct cfi_flash f;
	uint8_t *mem;
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	fx->mem = malloc(SIZE);
	memset(fx->mem, 0, SIZE);	/* a fresh varstore file is all zeros */
	array_on = true;
	array_on_calls = array_off_calls = 0;
	assert_int_equal(cfi_flash_init(&fx->f, fx->mem, SIZE, array_mode, NULL), 0);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	cfi_flash_destroy(&fx->f);
	free(fx->mem);
	free(fx);
	return 0;
}

static void test_id_and_status(void **state)
{
	struct cfi_flash *f = &((struct fixture *)*state)->f;

	/* NorFlashUnlockSingleBlock: read ID, lock status at block + 8. */
	wr(f, CFI_BLOCK_SIZE, DUAL(0x90));
	assert_false(array_on);
	assert_int_equal(rd(f, 0), DUAL(0x89));
	assert_int_equal(rd(f, 4), DUAL(0x18));
	assert_int_equal(rd(f, CFI_BLOCK_SIZE + 8), 0);	/* unlocked */
	wr(f, 0, DUAL(0x70));
	assert_int_equal(rd(f, 0x1234), READY);
	/* A 16-bit read sees the low chip's half. */
	{
		uint8_t v[2];

		cfi_flash_access(f, 0, v, 2, false);
		assert_int_equal(get_le16(v), 0x80);
	}
	wr(f, 0, DUAL(0xff));
	assert_true(array_on);
	assert_int_equal(array_off_calls, 1);
	assert_int_equal(array_on_calls, 1);
	/* Reads that still trap in array mode see the array. */
	assert_int_equal(rd(f, 0), 0);
}

static void test_erase_and_buffered_program(void **state)
{
	struct fixture *fx = *state;
	struct cfi_flash *f = &fx->f;
	uint64_t target = CFI_BLOCK_SIZE + 0x100;

	/* NorFlashEraseSingleBlock */
	wr(f, CFI_BLOCK_SIZE, DUAL(0x20));
	wr(f, CFI_BLOCK_SIZE, DUAL(0xd0));
	assert_int_equal(rd(f, CFI_BLOCK_SIZE), READY);
	wr(f, CFI_BLOCK_SIZE, DUAL(0xff));
	for (uint64_t i = 0; i < CFI_BLOCK_SIZE; i++)
		if (fx->mem[CFI_BLOCK_SIZE + i] != 0xff)
			fail_msg("byte %#llx of the erased block is %#x",
				 (unsigned long long)i, fx->mem[CFI_BLOCK_SIZE + i]);
	assert_int_equal(fx->mem[0], 0);		/* other blocks untouched */
	assert_int_equal(fx->mem[2 * CFI_BLOCK_SIZE], 0);

	/* NorFlashWriteBuffer: 0xE8, status shows ready, count - 1, data, confirm. */
	wr(f, target, DUAL(0xe8));
	assert_int_equal(rd(f, target), READY);
	wr(f, target, DUAL(31));
	for (unsigned int i = 0; i < 32; i++)
		wr(f, target + 4 * i, 0x11000000u + i);
	assert_int_equal(get_le32(fx->mem + target), 0xffffffff);	/* not before 0xD0 */
	wr(f, CFI_BLOCK_SIZE, DUAL(0xd0));
	assert_int_equal(rd(f, 0), READY);
	wr(f, 0, DUAL(0xff));
	for (unsigned int i = 0; i < 32; i++)
		assert_int_equal(get_le32(fx->mem + target + 4 * i), 0x11000000u + i);
	assert_int_equal(get_le32(fx->mem + target + 128), 0xffffffff);
	assert_int_equal(f->erases, 1);
	assert_int_equal(f->programs, 1);

	/* Programming clears bits only, as NOR does: word program 0x40. */
	wr(f, target, DUAL(0x40));
	wr(f, target, 0xffff00ff);
	wr(f, 0, DUAL(0xff));
	assert_int_equal(get_le32(fx->mem + target), 0x11000000u & 0xffff00ff);
}

static uint64_t written[4][2];
static unsigned int nr_written;

static void record_written(void *opaque, uint64_t offset, uint64_t len)
{
	(void)opaque;
	if (nr_written < 4) {
		written[nr_written][0] = offset;
		written[nr_written][1] = len;
	}
	nr_written++;
}

/* Each program and erase says what it changed: lkvm writes that back. */
static void test_written_ranges(void **state)
{
	struct fixture *fx = *state;
	struct cfi_flash *f = &fx->f;
	uint64_t target = CFI_BLOCK_SIZE + 0x100;

	nr_written = 0;
	f->written = record_written;
	wr(f, CFI_BLOCK_SIZE + 8, DUAL(0x20));
	wr(f, CFI_BLOCK_SIZE + 8, DUAL(0xd0));
	/* a buffer of 3 words, the last loaded at word 5 */
	wr(f, target, DUAL(0xe8));
	wr(f, target, DUAL(2));
	wr(f, target + 8, 1);
	wr(f, target, 2);
	wr(f, target + 20, 3);
	wr(f, target, DUAL(0xd0));
	wr(f, target + 64, DUAL(0x40));
	wr(f, target + 64, 0);
	/* a refused erase (bad confirm) changes nothing */
	wr(f, 0, DUAL(0x20));
	wr(f, 0, DUAL(0x01));
	assert_int_equal(nr_written, 3);
	assert_int_equal(written[0][0], CFI_BLOCK_SIZE);
	assert_int_equal(written[0][1], CFI_BLOCK_SIZE);
	assert_int_equal(written[1][0], target);
	assert_int_equal(written[1][1], 24);
	assert_int_equal(written[2][0], target + 64);
	assert_int_equal(written[2][1], 4);
}

static void test_sequence_errors(void **state)
{
	struct fixture *fx = *state;
	struct cfi_flash *f = &fx->f;

	/* An erase not confirmed: command sequence error, nothing erased. */
	wr(f, 0, DUAL(0x20));
	wr(f, 0, DUAL(0xff));
	assert_int_equal(rd(f, 0), DUAL(0xb0));
	assert_int_equal(fx->mem[0], 0);
	wr(f, 0, DUAL(0x50));				/* clear status */
	assert_int_equal(rd(f, 0) & ~READY, 0);	/* still in status mode */
	wr(f, 0, DUAL(0x70));
	assert_int_equal(rd(f, 0), READY);

	/* A count past the buffer is refused; so is data outside it. */
	wr(f, 0, DUAL(0xe8));
	wr(f, 0, DUAL(32));
	assert_int_equal(rd(f, 0), DUAL(0xb0));
	wr(f, 0, DUAL(0x50));
	wr(f, 0, DUAL(0xe8));
	wr(f, 0, DUAL(1));
	wr(f, 0x1000, 0);
	assert_int_equal(rd(f, 0), DUAL(0xb0));
	wr(f, 0, DUAL(0x50));
	/* Chips given different counts: refused. */
	wr(f, 0, DUAL(0xe8));
	wr(f, 0, 0x00010003);
	assert_int_equal(rd(f, 0), DUAL(0xb0));
	wr(f, 0, DUAL(0x50));

	/* Narrow writes are not bus cycles; accesses past the end are ignored. */
	{
		uint8_t b[2] = { 0x20, 0 };

		cfi_flash_access(f, 0, b, 2, true);
		wr(f, SIZE, DUAL(0x20));
		wr(f, 0, DUAL(0xd0));			/* a lone confirm: no-op */
	}
	wr(f, 0, DUAL(0xff));
	assert_int_equal(fx->mem[0], 0);
	assert_int_equal(f->erases, 0);
	assert_true(array_on);
}

static void test_locks(void **state)
{
	struct fixture *fx = *state;
	struct cfi_flash *f = &fx->f;

	wr(f, 0, DUAL(0x60));
	wr(f, 0, DUAL(0x01));				/* lock block 0 */
	wr(f, 0, DUAL(0x90));
	assert_int_equal(rd(f, 8), DUAL(1));
	assert_int_equal(rd(f, CFI_BLOCK_SIZE + 8), 0);
	wr(f, 0, DUAL(0x20));
	wr(f, 0, DUAL(0xd0));
	assert_int_equal(rd(f, 0), DUAL(0xa2));	/* erase error, locked */
	assert_int_equal(fx->mem[0], 0);
	wr(f, 0, DUAL(0x50));
	/* NorFlashUnlockSingleBlock: 0x60 then 0xD0. */
	wr(f, 0, DUAL(0x60));
	wr(f, 0, DUAL(0xd0));
	wr(f, 0, DUAL(0x90));
	assert_int_equal(rd(f, 8), 0);
	wr(f, 0, DUAL(0x20));
	wr(f, 0, DUAL(0xd0));
	assert_int_equal(rd(f, 0), READY);
	assert_int_equal(fx->mem[0], 0xff);
}

/*
 * A buffer that starts mid-window, as Linux's cfi_cmdset_0001 writes one:
 * the words loaded are programmed wherever they fall in the window.
 */
static void test_buffer_mid_window(void **state)
{
	struct fixture *fx = *state;
	struct cfi_flash *f = &fx->f;
	uint64_t window = CFI_BLOCK_SIZE, start = window + 31 * 4;

	wr(f, window, DUAL(0x20));
	wr(f, window, DUAL(0xd0));
	wr(f, start, DUAL(0xe8));
	wr(f, start, DUAL(0));				/* one word */
	wr(f, start, 0x12345678);
	wr(f, start, DUAL(0xd0));
	assert_int_equal(rd(f, start), READY);
	wr(f, 0, DUAL(0xff));
	assert_int_equal(get_le32(fx->mem + start), 0x12345678);
	assert_int_equal(get_le32(fx->mem + window), 0xffffffff);
	assert_int_equal(f->programs, 1);
}

/*
 * A snapshot in the middle of a buffered program, with block 1 locked:
 * the flash loaded from it leaves the array unmapped (status mode), takes
 * the rest of the sequence and programs the words; the lock holds.
 */
static void test_state(void **state)
{
	struct fixture *fx = *state;
	struct cfi_flash *f = &fx->f, g;
	uint8_t *mem = malloc(SIZE), *buf = malloc(cfi_flash_state_size(f)), *bad;
	size_t n;

	memset(fx->mem, 0xff, SIZE);
	memset(mem, 0xff, SIZE);
	wr(f, 0, DUAL(0x60));
	wr(f, CFI_BLOCK_SIZE, DUAL(0x01));		/* lock block 1 */
	wr(f, 0, DUAL(0xe8));
	wr(f, 0, DUAL(1));				/* two words */
	wr(f, 0, 0x11111111);
	n = cfi_flash_state_save(f, buf);
	assert_int_equal(n, cfi_flash_state_size(f));

	assert_int_equal(cfi_flash_init(&g, mem, SIZE, array_mode, NULL), 0);
	bad = malloc(n);
	memcpy(bad, buf, n);
	bad[1] = 9;					/* no such cycle */
	assert_int_equal(cfi_flash_state_load(&g, bad, n), -EINVAL);
	memcpy(bad, buf, n);
	put_le64(bad + 16, SIZE);			/* buffer past the array */
	assert_int_equal(cfi_flash_state_load(&g, bad, n), -EINVAL);
	assert_int_equal(cfi_flash_state_load(&g, buf, n - 1), -EINVAL);
	array_off_calls = 0;
	assert_int_equal(cfi_flash_state_load(&g, buf, n), 0);
	assert_int_equal(array_off_calls, 1);
	assert_false(array_on);
	wr(&g, 4, 0x22222222);
	wr(&g, 0, DUAL(0xd0));
	assert_int_equal(rd(&g, 0), READY);
	assert_int_equal(get_le32(mem), 0x11111111);
	assert_int_equal(get_le32(mem + 4), 0x22222222);
	wr(&g, 0, DUAL(0x90));
	assert_int_equal(rd(&g, CFI_BLOCK_SIZE + 8), DUAL(1));
	cfi_flash_destroy(&g);
	free(bad);
	free(buf);
	free(mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_id_and_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_erase_and_buffered_program, setup, teardown),
		cmocka_unit_test_setup_teardown(test_written_ranges, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sequence_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_locks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_buffer_mid_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_state, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
