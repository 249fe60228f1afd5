// SPDX-License-Identifier: GPL-2.0
/*
 * The ACPI tables and their table-loader script: linked the way edk2 links
 * them, every table must sum to zero and point where it should; then
 * ACPICA's own disassembler (iasl -d, Debian's acpica-tools) must read each
 * one without an error or a warning, and its DSDT source must compile.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acpi/aml.h"
#include "acpi/loader.h"
#include "acpi/tables.h"
#include "core/le.h"
#include "machine/memmap.h"
#include "ras/ghes.h"
#include "ras/policy.h"
#include "tests/unit/helpers.h"

#define TABLES_GPA	0x7f000000ull

static const uint64_t mpidrs[] = { 0x80000000, 0x80000001, 0x80000100 };

/* GICv3 with an ITS, PCI and virtio-mmio, SDEI and RAS: every table. */
static const struct platform full = {
	.nr_cpus = 3, .mpidrs = mpidrs, .gic = GIC_V3, .its = true, .pmu = true,
	.sdei = true, .ras_size = 1, .nr_virtio_mmio = 2, .pci_slots = 0x13,
	.pvpanic = true,
};
/* GICv2, one vCPU, nothing optional. */
static const struct platform bare = {
	.nr_cpus = 1, .mpidrs = mpidrs, .gic = GIC_V2,
};
/* RAS without SDEI: the SDEI sources become polled ones. */
static const struct platform ras_only = {
	.nr_cpus = 2, .mpidrs = mpidrs, .gic = GIC_V3, .ras_size = 1,
};

struct linked {
	struct acpi_tables t;
	uint8_t *tables, *rsdp, *hw_errors;
};

static void link_tables(const struct platform *plat, struct linked *l)
{
	const char *why = NULL;

	assert_int_equal(acpi_build(plat, &l->t), 0);
	if (acpi_link(&l->t, TABLES_GPA, &l->tables, &l->rsdp, &l->hw_errors, &why))
		fail_msg("the loader script fails: %s", why);
}

static void unlink_tables(struct linked *l)
{
	acpi_tables_free(&l->t);
	free(l->tables);
	free(l->rsdp);
	free(l->hw_errors);
}

static const struct acpi_table_ref *find(const struct linked *l, const char *sig)
{
	for (unsigned int i = 0; i < l->t.nr; i++)
		if (!strcmp(l->t.index[i].signature, sig))
			return &l->t.index[i];
	return NULL;
}

static uint8_t sum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;

	while (len--)
		s += *p++;
	return s;
}

static void test_every_table_sums_to_zero(void **state)
{
	const struct platform *plats[] = { &full, &bare, &ras_only };

	(void)state;
	for (unsigned int p = 0; p < ARRAY_SIZE(plats); p++) {
		struct linked l = { 0 };

		link_tables(plats[p], &l);
		for (unsigned int i = 0; i < l.t.nr; i++) {
			const uint8_t *tbl = l.tables + l.t.index[i].offset;

			assert_memory_equal(tbl, l.t.index[i].signature, 4);
			assert_int_equal(get_le32(tbl + 4), l.t.index[i].length);
			if (sum(tbl, l.t.index[i].length))
				fail_msg("%s does not sum to 0", l.t.index[i].signature);
		}
		assert_int_equal(sum(l.rsdp, 20), 0);
		assert_int_equal(sum(l.rsdp, 36), 0);
		unlink_tables(&l);
	}
}

static void test_which_tables(void **state)
{
	struct linked l = { 0 };
	const char *all[] = { "DSDT", "FACP", "APIC", "GTDT", "SPCR", "MCFG", "HEST", "SDEI", "XSDT" };

	(void)state;
	link_tables(&full, &l);
	assert_int_equal(l.t.nr, ARRAY_SIZE(all));
	for (unsigned int i = 0; i < ARRAY_SIZE(all); i++)
		assert_string_equal(l.t.index[i].signature, all[i]);
	unlink_tables(&l);

	link_tables(&bare, &l);
	assert_int_equal(l.t.nr, 6);
	assert_null(find(&l, "MCFG"));
	assert_null(find(&l, "HEST"));
	assert_null(find(&l, "SDEI"));
	assert_int_equal(l.t.hw_errors.len, 0);
	unlink_tables(&l);
}

/* RSDP -> XSDT -> every table but the DSDT, which the FADT points at. */
static void test_pointers(void **state)
{
	struct linked l = { 0 };
	const struct acpi_table_ref *xsdt, *fadt;
	unsigned int n = 0;

	(void)state;
	link_tables(&full, &l);
	xsdt = find(&l, "XSDT");
	fadt = find(&l, "FACP");
	assert_int_equal(get_le64(l.rsdp + 24), TABLES_GPA + xsdt->offset);
	assert_int_equal((xsdt->length - 36) / 8, l.t.nr - 2);
	for (unsigned int i = 0; i < l.t.nr; i++) {
		const char *sig = l.t.index[i].signature;

		if (!strcmp(sig, "DSDT") || !strcmp(sig, "XSDT"))
			continue;
		assert_int_equal(get_le64(l.tables + xsdt->offset + 36 + 8 * n++),
				 TABLES_GPA + l.t.index[i].offset);
	}
	assert_int_equal(get_le64(l.tables + fadt->offset + 140),
			 TABLES_GPA + find(&l, "DSDT")->offset);
	/* Hardware-reduced, PSCI over HVC: what arm64 Linux insists on. */
	assert_int_equal(l.tables[fadt->offset + 8], 6);
	assert_true(get_le32(l.tables + fadt->offset + 112) & 1u << 20);
	assert_int_equal(get_le16(l.tables + fadt->offset + 129), 3);
	unlink_tables(&l);
}

/* One GICC per vCPU with its MPIDR, then the GICD, GICR and ITS. */
static void test_madt(void **state)
{
	struct linked l = { 0 };
	const struct acpi_table_ref *madt;
	const uint8_t *p, *end;
	unsigned int gicc = 0, seen[16] = { 0 };

	(void)state;
	link_tables(&full, &l);
	madt = find(&l, "APIC");
	p = l.tables + madt->offset + 44;
	end = l.tables + madt->offset + madt->length;
	while (p < end) {
		assert_true(p[1] >= 2 && p + p[1] <= end);
		seen[p[0] & 15]++;
		if (p[0] == 0x0b) {
			assert_int_equal(get_le32(p + 8), gicc);
			/* Affinity only: Linux skips a GICC with bit 31 set. */
			assert_int_equal(get_le64(p + 68), mpidrs[gicc] & 0xff00ffffffull);
			assert_int_equal(get_le32(p + 20), PPI_PMU);
			gicc++;
		} else if (p[0] == 0x0c) {
			assert_int_equal(get_le64(p + 8), GIC_DIST_BASE);
			assert_int_equal(p[20], 3);
		} else if (p[0] == 0x0e) {
			assert_int_equal(get_le64(p + 4), GICV3_REDIST_BASE);
			assert_int_equal(get_le32(p + 12), 3 * GICV3_REDIST_STRIDE);
		} else if (p[0] == 0x0f) {
			assert_int_equal(get_le64(p + 8), GIC_ITS_BASE);
		}
		p += p[1];
	}
	assert_int_equal(gicc, 3);
	assert_int_equal(seen[0x0c], 1);
	assert_int_equal(seen[0x0e], 1);
	assert_int_equal(seen[0x0f], 1);
	unlink_tables(&l);
}

/*
 * HEST: one GHESv2 per RAS source, each pointing at its slot and ack in
 * the linked error region, whose slots point at the blocks; the notify
 * types follow ras/policy.h.
 */
static void check_hest(const struct platform *plat)
{
	struct linked l = { 0 };
	unsigned int n = RAS_NR_SOURCES(plat->nr_cpus);
	uint64_t region;
	const uint8_t *e;

	link_tables(plat, &l);
	region = (TABLES_GPA + l.t.tables.len + 0xfff) / 0x1000 * 0x1000 + 0x1000;
	e = l.tables + find(&l, "HEST")->offset;
	assert_int_equal(get_le32(e + 36), n);
	assert_int_equal(find(&l, "HEST")->length, 40 + 92 * n);
	for (unsigned int i = 0; i < n; i++) {
		const uint8_t *g = e + 40 + 92 * i;
		uint8_t type = i >= RAS_SRC_SEA_FIRST ? 8 : plat->sdei && i < 2 ? 11 : 0;

		assert_int_equal(get_le16(g), 10);
		assert_int_equal(get_le16(g + 2), i);
		assert_int_equal(get_le64(g + 24), region + 8 * i);
		assert_int_equal(get_le64(g + 68), region + 8 * (n + i));
		assert_int_equal(g[32], type);
		if (type == 11)
			assert_int_equal(get_le32(g + 40), i ? RAS_SDEI_EVENT_CRITICAL
							     : RAS_SDEI_EVENT_NORMAL);
		if (type == 0)
			assert_true(get_le32(g + 36) > 0);	/* poll interval */
		assert_int_equal(get_le32(g + 60), GHES_BLOCK_SIZE);
		assert_int_equal(get_le64(l.hw_errors + 8 * i),
				 region + GHES_BLOCK_SIZE * (i + 1));
		assert_int_equal(get_le64(l.hw_errors + 8 * (n + i)), 1);
	}
	unlink_tables(&l);
}

static void test_hest(void **state)
{
	(void)state;
	check_hest(&full);
	check_hest(&ras_only);
}

/* The DSDT is one \_SB scope whose PkgLength covers the rest exactly. */
static void test_dsdt_devices(void **state)
{
	struct linked l = { 0 };
	const struct acpi_table_ref *dsdt;
	const uint8_t *aml;
	uint32_t len, pkg;
	unsigned int n;

	(void)state;
	link_tables(&full, &l);
	dsdt = find(&l, "DSDT");
	aml = l.tables + dsdt->offset + 36;
	len = dsdt->length - 36;
	assert_int_equal(aml[0], 0x10);
	n = (aml[1] >> 6) + 1;
	pkg = n == 1 ? aml[1] : aml[1] & 0xf;
	for (unsigned int i = 1; i < n; i++)
		pkg |= aml[1 + i] << (4 + 8 * (i - 1));
	assert_int_equal(1 + pkg, len);
	assert_memory_equal(aml + 1 + n, "\\_SB_", 5);
	assert_non_null(memmem(aml, len, "ARMH0011", 8));
	assert_non_null(memmem(aml, len, "QEMU0002", 8));
	/* pvpanic, which Linux's pvpanic-mmio driver matches by this _HID */
	assert_non_null(memmem(aml, len, "PEVT", 4));
	assert_non_null(memmem(aml, len, "QEMU0001", 8));
	assert_non_null(memmem(aml, len, "PCI0", 4));
	/* RES0, PNP0C02 (EISAID 0x020cd041), claims the ECAM window. */
	assert_non_null(memmem(aml, len, "RES0", 4));
	assert_non_null(memmem(aml, len, "\x41\xd0\x0c\x02", 4));
	assert_non_null(memmem(aml, len, "VR01", 4));
	assert_non_null(memmem(aml, len, "C002", 4));
	assert_null(memmem(aml, len, "C003", 4));
	unlink_tables(&l);

	link_tables(&bare, &l);
	dsdt = find(&l, "DSDT");
	assert_null(memmem(l.tables + dsdt->offset, dsdt->length, "QEMU0001", 8));
	unlink_tables(&l);
}

static void test_aml_encodings(void **state)
{
	struct acpi_buf b = { 0 };
	const uint8_t pnp0a03[] = { 0x0c, 0x41, 0xd0, 0x0a, 0x03 };
	size_t m;

	(void)state;
	aml_eisaid(&b, "PNP0A03");
	assert_int_equal(b.len, sizeof(pnp0a03));
	assert_memory_equal(b.data, pnp0a03, sizeof(pnp0a03));
	buf_free(&b);

	/* 62 bytes of content: one PkgLength byte of 63. */
	m = aml_package_open(&b, 0);
	buf_grow(&b, 61);
	aml_close(&b, m);
	assert_int_equal(b.data[1], 63);
	buf_free(&b);
	/* 63 bytes: two PkgLength bytes, 65 in all: 0x41, 0x04. */
	m = aml_package_open(&b, 0);
	buf_grow(&b, 62);
	aml_close(&b, m);
	assert_int_equal(b.data[1], 0x41);
	assert_int_equal(b.data[2], 0x04);
	assert_int_equal(b.len, 1 + 2 + 63);
	buf_free(&b);

	aml_integer(&b, 0x1234);
	aml_integer(&b, 1);
	aml_integer(&b, 0x123456789ull);
	assert_int_equal(b.len, 3 + 1 + 9);
	assert_int_equal(b.data[0], 0x0b);
	assert_int_equal(b.data[3], 0x01);
	assert_int_equal(b.data[4], 0x0e);
	buf_free(&b);
}

/* The script must be refused where edk2 would fail or go wrong. */
static void test_loader_refusals(void **state)
{
	uint8_t a[16] = { 0 }, p[8] = { 0 };
	struct loader_blob blobs[] = {
		{ .name = "a", .data = a, .size = sizeof(a), .gpa = 0x1000 },
		{ .name = "p", .data = p, .size = sizeof(p) },
	};
	struct acpi_buf s = { 0 };
	unsigned int bad;
	const char *why;

	(void)state;
	/* Pointer into a file before it is allocated. */
	loader_add_pointer(&s, "a", "a", 0, 8);
	assert_int_equal(loader_run(s.data, s.len, blobs, 2, &bad, &why), -22);
	buf_free(&s);

	/* A pointer field holding an offset past its pointee. */
	loader_allocate(&s, "a", 16, LOADER_ZONE_HIGH);
	put_le64(a, 16);
	loader_add_pointer(&s, "a", "a", 0, 8);
	assert_int_equal(loader_run(s.data, s.len, blobs, 2, &bad, &why), -22);
	assert_int_equal(bad, 1);
	buf_free(&s);

	/* A checksum byte that is not zero beforehand. */
	loader_allocate(&s, "a", 16, LOADER_ZONE_HIGH);
	a[9] = 1;
	loader_add_checksum(&s, "a", 9, 0, 16);
	assert_int_equal(loader_run(s.data, s.len, blobs, 2, &bad, &why), -22);
	a[9] = 0;
	assert_int_equal(loader_run(s.data, s.len, blobs, 2, &bad, &why), 0);
	assert_int_equal(sum(a, 16), 0);

	/* Alignment the address does not meet; a torn script. */
	blobs[0].gpa = 0x1008;
	assert_int_equal(loader_run(s.data, s.len, blobs, 2, &bad, &why), -22);
	blobs[0].gpa = 0x1000;
	assert_int_equal(loader_run(s.data, s.len - 1, blobs, 2, &bad, &why), -22);

	/* WRITE_POINTER into the fw_cfg file "p". */
	a[9] = 0;
	loader_write_pointer(&s, "p", "a", 0, 4, 8);
	assert_int_equal(loader_run(s.data, s.len, blobs, 2, &bad, &why), 0);
	assert_int_equal(get_le64(p), 0x1004);
	buf_free(&s);
}

/* iasl ARGS in @dir: exit 0 and no line naming an error, a warning or a
 * checksum, but for a compile's "successful. 0 Errors, 0 Warnings". */
static void iasl_clean(const char *dir, const char *args)
{
	char cmd[512], line[512];
	FILE *out;
	int status;

	snprintf(cmd, sizeof(cmd), "cd %s && iasl %s 2>&1", dir, args);
	out = popen(cmd, "r");
	assert_non_null(out);
	while (fgets(line, sizeof(line), out))
		if ((strcasestr(line, "error") || strcasestr(line, "warning") ||
		     strcasestr(line, "checksum")) &&
		    !strstr(line, "successful. 0 Errors, 0 Warnings,"))
			fail_msg("iasl %s: %s", args, line);
	status = pclose(out);
	if (status)
		fail_msg("iasl %s: exit status %d (is acpica-tools installed?)", args, status);
}

static void write_file(const char *path, const uint8_t *p, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_iasl_disassembles_every_table(void **state)
{
	const struct platform *plats[] = { &full, &bare, &ras_only };
	char dir[] = "/tmp/lkvm-acpi-XXXXXX", path[600], cmd[600];

	(void)state;
	assert_non_null(mkdtemp(dir));
	for (unsigned int p = 0; p < ARRAY_SIZE(plats); p++) {
		struct linked l = { 0 };

		link_tables(plats[p], &l);
		for (unsigned int i = 0; i < l.t.nr; i++) {
			snprintf(path, sizeof(path), "%s/%s.dat", dir, l.t.index[i].signature);
			write_file(path, l.tables + l.t.index[i].offset, l.t.index[i].length);
			snprintf(path, sizeof(path), "-d %s.dat", l.t.index[i].signature);
			iasl_clean(dir, path);
		}
		/* The DSDT's AML, disassembled, compiles back cleanly. */
		iasl_clean(dir, "DSDT.dsl");
		unlink_tables(&l);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_table_sums_to_zero),
		cmocka_unit_test(test_which_tables),
		cmocka_unit_test(test_pointers),
		cmocka_unit_test(test_madt),
		cmocka_unit_test(test_hest),
		cmocka_unit_test(test_dsdt_devices),
		cmocka_unit_test(test_aml_encodings),
		cmocka_unit_test(test_loader_refusals),
		cmocka_unit_test(test_iasl_disassembles_every_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
