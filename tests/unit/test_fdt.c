// SPDX-License-Identifier: GPL-2.0
/* Build the guest's device tree, parse it back with libfdt, check it. */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/fdt.h"
#include "machine/memmap.h"
#include "tests/unit/helpers.h"

#define FDT_SIZE (64 * 1024)

static const uint64_t mpidrs[] = { 0x80000000, 0x80000001, 0x80000002 };
static const uint8_t seed[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

static void *build_sdei(enum gic_version gic, unsigned int nr_cpus, bool pmu,
			const char *bootargs, uint64_t initrd_size, bool sdei)
{
	struct platform plat = {
		.ram_base = RAM_BASE,
		.ram_size = 512ULL << 20,
		.nr_cpus = nr_cpus,
		.mpidrs = mpidrs,
		.gic = gic,
		.pmu = pmu,
		.sdei = sdei,
		.bootargs = bootargs,
		.initrd_start = 0x5f000000,
		.initrd_size = initrd_size,
		.rng_seed = seed,
		.rng_seed_len = sizeof(seed),
		.kaslr_seed = 0x1234,
	};
	void *fdt = malloc(FDT_SIZE);

	assert_int_equal(fdt_build(&plat, fdt, FDT_SIZE), 0);
	assert_int_equal(fdt_check_header(fdt), 0);
	/* Packed: no slack left for the guest to trip over. */
	assert_true(fdt_totalsize(fdt) < 4096);
	return fdt;
}

static void *build(enum gic_version gic, unsigned int nr_cpus, bool pmu,
		   const char *bootargs, uint64_t initrd_size)
{
	return build_sdei(gic, nr_cpus, pmu, bootargs, initrd_size, false);
}

static int node(const void *fdt, const char *path)
{
	int off = fdt_path_offset(fdt, path);

	if (off < 0)
		fail_msg("node %s missing: %s", path, fdt_strerror(off));
	return off;
}

static const void *prop(const void *fdt, const char *path, const char *name,
			int *len)
{
	const void *p = fdt_getprop(fdt, node(fdt, path), name, len);

	if (!p)
		fail_msg("%s:%s missing", path, name);
	return p;
}

/* Properties are only 4-byte aligned: copy before converting. */
static uint32_t cell(const void *p, int i)
{
	fdt32_t v;

	memcpy(&v, (const uint8_t *)p + 4 * i, sizeof(v));
	return fdt32_to_cpu(v);
}

static uint64_t u64_at(const void *p, int i)
{
	fdt64_t v;

	memcpy(&v, (const uint8_t *)p + 8 * i, sizeof(v));
	return fdt64_to_cpu(v);
}

static void test_root_memory_chosen(void **state)
{
	void *fdt = build(GIC_V3, 2, false, "console=ttyS0 quiet", 4096);
	const void *p;
	int len;

	(void)state;
	p = prop(fdt, "/", "compatible", &len);
	assert_string_equal(p, "linux,dummy-virt");
	assert_int_equal(cell(prop(fdt, "/", "#address-cells", &len), 0), 2);
	assert_int_equal(cell(prop(fdt, "/", "#size-cells", &len), 0), 2);
	assert_int_equal(cell(prop(fdt, "/", "interrupt-parent", &len), 0),
			 FDT_PHANDLE_GIC);

	p = prop(fdt, "/memory@40000000", "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(u64_at(p, 0), RAM_BASE);
	assert_int_equal(u64_at(p, 1), 512ULL << 20);
	assert_string_equal(prop(fdt, "/memory@40000000", "device_type", &len), "memory");

	assert_string_equal(prop(fdt, "/chosen", "bootargs", &len), "console=ttyS0 quiet");
	assert_string_equal(prop(fdt, "/chosen", "stdout-path", &len), "serial0");
	assert_int_equal(u64_at(prop(fdt, "/chosen", "linux,initrd-start", &len), 0), 0x5f000000);
	assert_int_equal(u64_at(prop(fdt, "/chosen", "linux,initrd-end", &len), 0), 0x5f001000);
	assert_int_equal(u64_at(prop(fdt, "/chosen", "kaslr-seed", &len), 0), 0x1234);
	p = prop(fdt, "/chosen", "rng-seed", &len);
	assert_int_equal(len, sizeof(seed));
	assert_memory_equal(p, seed, sizeof(seed));
	free(fdt);
}

static void test_no_bootargs_no_initrd(void **state)
{
	void *fdt = build(GIC_V3, 1, false, NULL, 0);
	int off = node(fdt, "/chosen"), len;

	(void)state;
	assert_null(fdt_getprop(fdt, off, "bootargs", &len));
	assert_null(fdt_getprop(fdt, off, "linux,initrd-start", &len));
	assert_null(fdt_getprop(fdt, off, "linux,initrd-end", &len));
	assert_true(fdt_path_offset(fdt, "/pmu") < 0);
	free(fdt);
}

static void test_cpus_and_psci(void **state)
{
	void *fdt = build(GIC_V3, 3, false, "x", 0);
	char path[32];
	const char *compat;
	int len, count = 0, off;

	(void)state;
	assert_int_equal(cell(prop(fdt, "/cpus", "#address-cells", &len), 0), 1);
	assert_int_equal(cell(prop(fdt, "/cpus", "#size-cells", &len), 0), 0);
	fdt_for_each_subnode(off, fdt, node(fdt, "/cpus"))
		count++;
	assert_int_equal(count, 3);
	for (int i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/cpus/cpu@%d", i);
		/* reg is the MPIDR affinity, without the RES1 bit 31. */
		assert_int_equal(cell(prop(fdt, path, "reg", &len), 0), i);
		assert_string_equal(prop(fdt, path, "device_type", &len), "cpu");
		assert_string_equal(prop(fdt, path, "enable-method", &len), "psci");
	}
	assert_string_equal(prop(fdt, "/psci", "method", &len), "hvc");
	compat = prop(fdt, "/psci", "compatible", &len);
	assert_int_equal(fdt_stringlist_search(fdt, node(fdt, "/psci"), "compatible", "arm,psci-0.2"), 1);
	assert_string_equal(compat, "arm,psci-1.0");
	free(fdt);
}

static void test_gicv3_timer_uart(void **state)
{
	void *fdt = build(GIC_V3, 2, true, "x", 0);
	const void *p;
	int len, off;

	(void)state;
	off = node(fdt, "/intc@8000000");
	assert_string_equal(fdt_getprop(fdt, off, "compatible", &len), "arm,gic-v3");
	assert_non_null(fdt_getprop(fdt, off, "interrupt-controller", &len));
	assert_int_equal(cell(prop(fdt, "/intc@8000000", "#interrupt-cells", &len), 0), 3);
	assert_int_equal(cell(prop(fdt, "/intc@8000000", "phandle", &len), 0), FDT_PHANDLE_GIC);
	assert_int_equal(fdt_node_offset_by_phandle(fdt, FDT_PHANDLE_GIC), off);
	p = prop(fdt, "/intc@8000000", "reg", &len);
	assert_int_equal(len, 32);
	assert_int_equal(u64_at(p, 0), GIC_DIST_BASE);
	assert_int_equal(u64_at(p, 2), GICV3_REDIST_BASE);
	assert_int_equal(u64_at(p, 3), 2 * GICV3_REDIST_STRIDE);

	/* Timer: secure, non-secure, virtual, hypervisor PPIs, level-low. */
	p = prop(fdt, "/timer", "interrupts", &len);
	assert_int_equal(len, 48);
	assert_int_equal(cell(p, 1), 13);
	assert_int_equal(cell(p, 4), 14);
	assert_int_equal(cell(p, 7), 11);
	assert_int_equal(cell(p, 10), 10);
	assert_int_equal(cell(p, 2), 8);
	assert_int_equal(fdt_node_check_compatible(fdt, node(fdt, "/timer"), "arm,armv8-timer"), 0);
	/* No maintenance interrupt without a guest hypervisor. */
	assert_null(fdt_getprop(fdt, off, "interrupts", &len));

	p = prop(fdt, "/pmu", "interrupts", &len);
	assert_int_equal(cell(p, 0), 1);
	assert_int_equal(cell(p, 1), PPI_PMU - 16);

	off = node(fdt, "/uart@1000000");
	assert_int_equal(fdt_node_check_compatible(fdt, off, "ns16550a"), 0);
	p = prop(fdt, "/uart@1000000", "reg", &len);
	assert_int_equal(u64_at(p, 0), UART16550_BASE);
	p = prop(fdt, "/uart@1000000", "interrupts", &len);
	assert_int_equal(cell(p, 0), 0);	/* SPI */
	assert_int_equal(cell(p, 1), IRQ_UART16550 - 32);
	assert_int_equal(cell(p, 2), 4);	/* level-high */
	assert_int_equal(cell(prop(fdt, "/uart@1000000", "clock-frequency", &len), 0), 1843200);
	assert_string_equal(prop(fdt, "/aliases", "serial0", &len), "/uart@1000000");
	/* stdout-path's alias resolves to the UART node. */
	assert_int_equal(fdt_path_offset(fdt, fdt_get_alias(fdt, "serial0")), off);
	free(fdt);
}

static void test_gicv2(void **state)
{
	void *fdt = build(GIC_V2, 2, false, "x", 0);
	const void *p;
	int len;

	(void)state;
	assert_string_equal(prop(fdt, "/intc@8000000", "compatible", &len), "arm,cortex-a15-gic");
	p = prop(fdt, "/intc@8000000", "reg", &len);
	assert_int_equal(u64_at(p, 2), GICV2_CPU_BASE);
	/* GICv2 PPIs carry the CPU mask: two CPUs, bits 8 and 9. */
	p = prop(fdt, "/timer", "interrupts", &len);
	assert_int_equal(cell(p, 2), 0x308);
	free(fdt);
}

static void test_sdei_node(void **state)
{
	void *with = build_sdei(GIC_V3, 1, false, "x", 0, true);
	void *without = build(GIC_V3, 1, false, "x", 0);
	int len;

	(void)state;
	assert_int_equal(fdt_node_check_compatible(with, node(with, "/firmware/sdei"),
						   "arm,sdei-1.0"), 0);
	assert_string_equal(prop(with, "/firmware/sdei", "method", &len), "hvc");
	assert_true(fdt_path_offset(without, "/firmware") < 0);
	free(with);
	free(without);
}

static void test_pvpanic_node(void **state)
{
	struct platform plat = {
		.ram_base = RAM_BASE, .ram_size = 512ULL << 20, .nr_cpus = 1,
		.mpidrs = mpidrs, .gic = GIC_V3, .pvpanic = true,
	};
	void *with = malloc(FDT_SIZE), *without = build(GIC_V3, 1, false, "x", 0);
	const uint8_t *reg;
	int off, len;

	(void)state;
	assert_int_equal(fdt_build(&plat, with, FDT_SIZE), 0);
	off = node(with, "/pvpanic@9030000");
	assert_int_equal(fdt_node_check_compatible(with, off, "qemu,pvpanic-mmio"), 0);
	reg = fdt_getprop(with, off, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(u64_at(reg, 0), 0x9030000);
	assert_int_equal(u64_at(reg, 1), 2);
	assert_true(fdt_node_offset_by_compatible(without, -1, "qemu,pvpanic-mmio") < 0);
	free(with);
	free(without);
}

static void test_ras_region_is_reserved(void **state)
{
	struct platform plat = {
		.ram_base = RAM_BASE, .ram_size = 512ULL << 20, .nr_cpus = 1,
		.mpidrs = mpidrs, .gic = GIC_V3,
		.ras_start = 0x5fa00000, .ras_size = 2 << 20,
	};
	const char *path = "/reserved-memory/ras-errors@5fa00000";
	void *fdt = malloc(FDT_SIZE);
	const fdt32_t *reg;
	int len;

	(void)state;
	assert_int_equal(fdt_build(&plat, fdt, FDT_SIZE), 0);
	assert_int_equal(cell(prop(fdt, "/reserved-memory", "#address-cells", &len), 0), 2);
	assert_non_null(prop(fdt, "/reserved-memory", "ranges", &len));
	assert_int_equal(len, 0);
	reg = prop(fdt, path, "reg", &len);
	assert_int_equal(len, 16);
	assert_int_equal(cell(reg, 1), 0x5fa00000);
	assert_int_equal(cell(reg, 3), 2 << 20);
	assert_non_null(prop(fdt, path, "no-map", &len));
	free(fdt);
	/* Without --ras there is no reservation. */
	fdt = build(GIC_V3, 1, false, "x", 0);
	assert_true(fdt_path_offset(fdt, "/reserved-memory") < 0);
	free(fdt);
}

/* --nested: the vGIC's maintenance PPI 9 and the EL2 virtual timer, PPI 12. */
static void test_nested(void **state)
{
	struct platform plat = {
		.ram_base = RAM_BASE, .ram_size = 512ULL << 20, .nr_cpus = 1,
		.mpidrs = mpidrs, .gic = GIC_V3, .nested = true,
	};
	void *fdt = malloc(FDT_SIZE);
	const void *p;
	int len;

	(void)state;
	assert_int_equal(fdt_build(&plat, fdt, FDT_SIZE), 0);
	p = prop(fdt, "/intc@8000000", "interrupts", &len);
	assert_int_equal(len, 12);
	assert_int_equal(cell(p, 0), 1);	/* PPI */
	assert_int_equal(cell(p, 1), 9);
	assert_int_equal(cell(p, 2), 4);	/* level-high */
	p = prop(fdt, "/timer", "interrupts", &len);
	assert_int_equal(len, 60);
	assert_int_equal(cell(p, 10), 10);
	assert_int_equal(cell(p, 13), 12);
	free(fdt);
}

static void test_too_small_buffer(void **state)
{
	struct platform plat = {
		.ram_base = RAM_BASE, .ram_size = 1 << 30, .nr_cpus = 1,
		.mpidrs = mpidrs, .gic = GIC_V3,
	};
	char buf[256];

	(void)state;
	assert_int_equal(fdt_build(&plat, buf, sizeof(buf)), -FDT_ERR_NOSPACE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_memory_chosen),
		cmocka_unit_test(test_no_bootargs_no_initrd),
		cmocka_unit_test(test_cpus_and_psci),
		cmocka_unit_test(test_gicv3_timer_uart),
		cmocka_unit_test(test_gicv2),
		cmocka_unit_test(test_sdei_node),
		cmocka_unit_test(test_pvpanic_node),
		cmocka_unit_test(test_ras_region_is_reserved),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_too_small_buffer),
	};

	return cmocka_run_group_tests_name("fdt", tests, NULL, NULL);
}
