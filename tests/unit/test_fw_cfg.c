// SPDX-License-Identifier: GPL-2.0
/* fw_cfg as edk2's QemuFwCfgLibMmio drives it: registers and DMA. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/le.h"
#include "hw/fw_cfg.h"
#include "tests/unit/helpers.h"

#define RAM_GPA		0x40000000ull
#define RAM_SIZE	0x10000

static uint8_t ram[RAM_SIZE];
static char written_name[FW_CFG_NAME_LEN];
static unsigned int nr_written;

static uint8_t *ram_range(void *opaque, uint64_t gpa, uint64_t len)
{
	(void)opaque;
	if (gpa < RAM_GPA || len > RAM_SIZE || gpa - RAM_GPA > RAM_SIZE - len)
		return NULL;
	return ram + (gpa - RAM_GPA);
}

static void written(void *opaque, const char *name)
{
	(void)opaque;
	strcpy(written_name, name);
	nr_written++;
}

static uint8_t tables[100], addr_file[8], kernel[3000];
static uint8_t kernel_size[4];

static void setup(struct fw_cfg *cfg)
{
	memset(ram, 0xee, sizeof(ram));
	nr_written = 0;
	for (unsigned int i = 0; i < sizeof(tables); i++)
		tables[i] = i;
	for (unsigned int i = 0; i < sizeof(kernel); i++)
		kernel[i] = i * 7;
	memset(addr_file, 0, sizeof(addr_file));
	fw_cfg_init(cfg, ram_range, written, NULL);
	fw_cfg_set(cfg, FW_CFG_KERNEL_DATA, kernel, sizeof(kernel));
	fw_cfg_set_u32(cfg, FW_CFG_KERNEL_SIZE, kernel_size, sizeof(kernel));
	assert_int_equal(fw_cfg_add_file(cfg, "etc/acpi/tables", tables, sizeof(tables), false), 0x20);
	assert_int_equal(fw_cfg_add_file(cfg, "etc/hardware_errors_addr", addr_file, 8, true), 0x21);
}

static void select_key(struct fw_cfg *cfg, uint16_t key)
{
	uint8_t be[2] = { key >> 8, key };

	fw_cfg_mmio(cfg, 8, be, 2, true);
}

static void read_data(struct fw_cfg *cfg, uint8_t *out, uint32_t len)
{
	while (len) {
		uint32_t n = len < 8 ? len : 8;

		fw_cfg_mmio(cfg, 0, out, n, false);
		out += n;
		len -= n;
	}
}

/* A descriptor at RAM + 0, run by writing its address as edk2 does. */
static uint32_t dma(struct fw_cfg *cfg, uint32_t control, uint32_t len, uint64_t addr)
{
	uint8_t reg[8];

	put_be32(ram, control);
	put_be32(ram + 4, len);
	put_be32(ram + 8, addr >> 32);
	put_be32(ram + 12, addr);
	put_be32(reg, RAM_GPA >> 32);
	put_be32(reg + 4, (uint32_t)RAM_GPA);
	fw_cfg_mmio(cfg, 16, reg, 8, true);
	return get_be32(ram);
}

static void test_identity(void **state)
{
	struct fw_cfg cfg;
	uint8_t b[8];

	(void)state;
	setup(&cfg);
	select_key(&cfg, FW_CFG_SIGNATURE);
	read_data(&cfg, b, 4);
	assert_memory_equal(b, "QEMU", 4);
	/* Past the end: zeros. */
	read_data(&cfg, b, 2);
	assert_int_equal(b[0] | b[1], 0);
	select_key(&cfg, FW_CFG_ID);
	read_data(&cfg, b, 4);
	assert_int_equal(b[0], 3);	/* traditional and DMA */
	fw_cfg_mmio(&cfg, 16, b, 8, false);
	assert_memory_equal(b, "QEMU CFG", 8);
	select_key(&cfg, FW_CFG_KERNEL_SIZE);
	read_data(&cfg, b, 4);
	assert_int_equal(b[0] | b[1] << 8, sizeof(kernel));
	/* A key nobody set reads as zeros. */
	select_key(&cfg, 0x1f);
	memset(b, 0xff, sizeof(b));
	read_data(&cfg, b, 8);
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(b[i], 0);
}

static void test_directory(void **state)
{
	struct fw_cfg cfg;
	uint8_t dir[4 + 2 * 64];

	(void)state;
	setup(&cfg);
	select_key(&cfg, FW_CFG_FILE_DIR);
	read_data(&cfg, dir, sizeof(dir));
	assert_int_equal(get_be32(dir), 2);
	assert_int_equal(get_be32(dir + 4), sizeof(tables));
	assert_int_equal(dir[8] << 8 | dir[9], 0x20);
	assert_string_equal((char *)dir + 12, "etc/acpi/tables");
	assert_int_equal(get_be32(dir + 68), 8);
	assert_int_equal(dir[72] << 8 | dir[73], 0x21);
	assert_string_equal((char *)dir + 76, "etc/hardware_errors_addr");
}

static void test_dma_read_skip(void **state)
{
	struct fw_cfg cfg;

	(void)state;
	setup(&cfg);
	/* SELECT and READ in one: the kernel's first 2000 bytes. */
	assert_int_equal(dma(&cfg, FW_CFG_KERNEL_DATA << 16 | 8 | 2, 2000, RAM_GPA + 0x100), 0);
	assert_memory_equal(ram + 0x100, kernel, 2000);
	/* SKIP 500, READ on: past the end is zero-filled, not an error. */
	assert_int_equal(dma(&cfg, 4, 500, 0), 0);
	assert_int_equal(dma(&cfg, 2, 1000, RAM_GPA + 0x1000), 0);
	assert_memory_equal(ram + 0x1000, kernel + 2500, 500);
	for (unsigned int i = 500; i < 1000; i++)
		assert_int_equal(ram[0x1000 + i], 0);
	/* A buffer outside RAM: ERROR, and nothing else happens. */
	assert_int_equal(dma(&cfg, 2, 16, 0x1000), 1);
}

static void test_dma_write(void **state)
{
	struct fw_cfg cfg;
	const uint8_t gpa[8] = { 0x00, 0x20, 0x12, 0x7f };

	(void)state;
	setup(&cfg);
	memcpy(ram + 0x200, gpa, 8);
	/* WRITE_POINTER as edk2 does it: select, then write 8 bytes. */
	select_key(&cfg, 0x21);
	assert_int_equal(dma(&cfg, 16, 8, RAM_GPA + 0x200), 0);
	assert_memory_equal(addr_file, gpa, 8);
	assert_int_equal(nr_written, 1);
	assert_string_equal(written_name, "etc/hardware_errors_addr");
	/* Past the end of the file: refused. */
	select_key(&cfg, 0x21);
	assert_int_equal(dma(&cfg, 4, 4, 0), 0);
	assert_int_equal(dma(&cfg, 16, 8, RAM_GPA + 0x200), 1);
	/* Into a read-only file: refused, the file unchanged. */
	assert_int_equal(dma(&cfg, 0x20 << 16 | 8 | 16, 4, RAM_GPA + 0x200), 1);
	assert_int_equal(tables[0], 0);
	assert_int_equal(nr_written, 1);
	/* A descriptor outside RAM: nothing to answer, nothing done. */
	{
		uint8_t reg[8] = { 0, 0, 0, 0, 0, 0, 0x10, 0 };

		fw_cfg_mmio(&cfg, 16, reg, 8, true);
	}
	assert_int_equal(nr_written, 1);
}

static void test_split_dma_register(void **state)
{
	struct fw_cfg cfg;
	uint8_t hi[4] = { 0 }, lo[4] = { 0x40, 0, 0, 0 };

	(void)state;
	setup(&cfg);
	put_be32(ram, FW_CFG_SIGNATURE << 16 | 8 | 2);
	put_be32(ram + 4, 4);
	put_be32(ram + 8, 0);
	put_be32(ram + 12, (uint32_t)RAM_GPA + 0x300);
	/* The high half latches; the low half runs it. */
	fw_cfg_mmio(&cfg, 16, hi, 4, true);
	assert_int_equal(get_be32(ram), FW_CFG_SIGNATURE << 16 | 8 | 2);
	fw_cfg_mmio(&cfg, 20, lo, 4, true);
	assert_int_equal(get_be32(ram), 0);
	assert_memory_equal(ram + 0x300, "QEMU", 4);
}

static void test_full_directory(void **state)
{
	struct fw_cfg cfg;
	char name[80];

	(void)state;
	setup(&cfg);
	for (unsigned int i = 2; i < FW_CFG_MAX_FILES; i++) {
		snprintf(name, sizeof(name), "f%u", i);
		assert_int_equal(fw_cfg_add_file(&cfg, name, tables, 1, false), 0x20 + i);
	}
	assert_int_equal(fw_cfg_add_file(&cfg, "one too many", tables, 1, false), -ENOSPC);
	memset(name, 'x', 56);
	name[56] = 0;
	setup(&cfg);
	assert_int_equal(fw_cfg_add_file(&cfg, name, tables, 1, false), -EINVAL);
}

/* A device with the same items, but a writable file of its own. */
static void setup_again(struct fw_cfg *cfg, uint8_t *addr, uint32_t tables_size)
{
	static uint8_t size_le[4];

	fw_cfg_init(cfg, ram_range, written, NULL);
	fw_cfg_set(cfg, FW_CFG_KERNEL_DATA, kernel, sizeof(kernel));
	fw_cfg_set_u32(cfg, FW_CFG_KERNEL_SIZE, size_le, sizeof(kernel));
	assert_int_equal(fw_cfg_add_file(cfg, "etc/acpi/tables", tables, tables_size, false), 0x20);
	assert_int_equal(fw_cfg_add_file(cfg, "etc/hardware_errors_addr", addr, 8, true), 0x21);
}

/*
 * A snapshot in the middle of a read goes on where it was, with what the
 * firmware wrote; a device whose items differ in size is refused.
 */
static void test_state(void **state)
{
	const uint8_t gpa[8] = { 0x00, 0x20, 0x12, 0x7f };
	uint8_t buf[512], b5[5], addr[8] = { 0 };
	struct fw_cfg a, b, c;
	char why[160];
	size_t n;

	(void)state;
	setup(&a);
	memcpy(ram + 0x200, gpa, 8);
	select_key(&a, 0x21);
	assert_int_equal(dma(&a, 16, 8, RAM_GPA + 0x200), 0);
	select_key(&a, FW_CFG_KERNEL_DATA);
	read_data(&a, b5, 5);
	n = fw_cfg_state_save(&a, buf);
	assert_int_equal(n, fw_cfg_state_size(&a));

	setup_again(&c, addr, sizeof(tables) - 1);
	assert_int_equal(fw_cfg_state_load(&c, buf, n, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "fw_cfg: item 0x20 has 99 bytes, the snapshot's 100 (a kernel, initrd or table that changed)");
	assert_int_equal(fw_cfg_state_load(&c, buf, n - 1, why, sizeof(why)), -EINVAL);
	fw_cfg_destroy(&c);

	setup_again(&b, addr, sizeof(tables));
	assert_int_equal(fw_cfg_state_load(&b, buf, n, why, sizeof(why)), 0);
	assert_memory_equal(addr, gpa, 8);
	read_data(&b, b5, 5);
	for (unsigned int i = 0; i < 5; i++)
		assert_int_equal(b5[i], kernel[5 + i]);
	fw_cfg_destroy(&a);
	fw_cfg_destroy(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identity),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_dma_read_skip),
		cmocka_unit_test(test_dma_write),
		cmocka_unit_test(test_split_dma_register),
		cmocka_unit_test(test_full_directory),
		cmocka_unit_test(test_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
