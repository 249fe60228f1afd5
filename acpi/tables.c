// SPDX-License-Identifier: GPL-2.0
/*
 * ACPI 6.3 tables for lkvm's firmware mode: a hardware-reduced platform
 * with PSCI over HVC, a GIC, the architected timer, a PL011 console, and
 * the error sources of lkvm's RAS region. Field offsets are the spec's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/aml.h"
#include "acpi/tables.h"
#include "core/le.h"
#include "hw/pci.h"
#include "machine/memmap.h"
#include "machine/regs.h"
#include "ras/ghes.h"
#include "ras/policy.h"

#define OEM_ID		"LKVM  "
#define OEM_TABLE_ID	"LKVMVIRT"
#define CREATOR_ID	"LKVM"

#define HEADER_LEN		36
#define HDR_LENGTH		4
#define HDR_CHECKSUM		9

struct builder {
	struct acpi_tables *t;
	struct acpi_buf *b;		/* t->tables */
	struct acpi_buf link;		/* loader commands after the ALLOCATEs */
	const struct platform *plat;
};

static size_t table_begin(struct builder *bld, const char *sig, uint8_t rev)
{
	struct acpi_buf *b = bld->b;
	size_t start = b->len;

	buf_str(b, sig, 4);
	buf_u32(b, 0);		/* length, at table_end() */
	buf_u8(b, rev);
	buf_u8(b, 0);		/* checksum, by the loader */
	buf_str(b, OEM_ID, 6);
	buf_str(b, OEM_TABLE_ID, 8);
	buf_u32(b, 1);		/* OEM revision */
	buf_str(b, CREATOR_ID, 4);
	buf_u32(b, 1);		/* creator revision */
	return start;
}

/* After the table's pointers: its length, index entry and checksum. */
static void table_end(struct builder *bld, size_t start)
{
	struct acpi_tables *t = bld->t;
	uint32_t len = bld->b->len - start;

	if (bld->b->broken || t->nr == ACPI_MAX_TABLES) {
		bld->b->broken = true;
		return;
	}
	put_le32(bld->b->data + start + HDR_LENGTH, len);
	memcpy(t->index[t->nr].signature, bld->b->data + start, 4);
	t->index[t->nr].offset = start;
	t->index[t->nr].length = len;
	t->nr++;
	loader_add_checksum(&bld->link, ACPI_FILE_TABLES, start + HDR_CHECKSUM, start, len);
}

/* A 64-bit field of etc/acpi/tables pointing at @offset of @file. */
static void pointer64(struct builder *bld, const char *file, uint64_t offset)
{
	loader_add_pointer(&bld->link, ACPI_FILE_TABLES, file, bld->b->len, 8);
	buf_u64(bld->b, offset);
}

/* Generic Address Structure (5.2.3.2) in system memory. */
static void gas(struct acpi_buf *b, uint8_t bits, uint8_t access, uint64_t addr)
{
	buf_u8(b, 0);		/* system memory */
	buf_u8(b, bits);
	buf_u8(b, 0);		/* bit offset */
	buf_u8(b, access);	/* 1 byte, 2 word, 3 dword, 4 qword */
	buf_u64(b, addr);
}

/* --- DSDT (5.2.11.1) ---------------------------------------------------- */

static void dsdt_named_int(struct acpi_buf *b, const char *name, uint64_t v)
{
	aml_name(b, name);
	aml_integer(b, v);
}

static void dsdt_named_str(struct acpi_buf *b, const char *name, const char *s)
{
	aml_name(b, name);
	aml_string(b, s);
}

/* Method(_OSC, 4) { Return (Arg3) }: grant what the OS asks for. */
static void dsdt_osc(struct acpi_buf *b)
{
	size_t m = aml_method_open(b, "_OSC", 4);

	aml_return_arg(b, 3);
	aml_close(b, m);
}

/* A device with one MMIO range and, if @gsi, one interrupt. */
static void dsdt_mmio_device(struct acpi_buf *b, const char *name, const char *hid,
			     unsigned int uid, uint32_t base, uint32_t size,
			     uint32_t gsi, bool edge)
{
	size_t dev = aml_device_open(b, name), res;

	dsdt_named_str(b, "_HID", hid);
	dsdt_named_int(b, "_UID", uid);
	dsdt_named_int(b, "_CCA", 1);		/* DMA is cache-coherent */
	aml_name(b, "_CRS");
	res = aml_resources_open(b);
	aml_memory32_fixed(b, base, size);
	if (gsi)
		aml_interrupt(b, gsi, edge);
	aml_resources_close(b, res);
	aml_close(b, dev);
}

/* The ECAM host bridge: bus 0, the 32-bit window, INTA of each slot, and
 * the ECAM space itself as a motherboard resource. */
static void dsdt_pci(struct acpi_buf *b, uint32_t slots)
{
	size_t dev = aml_device_open(b, "PCI0"), res, prt, res_dev;
	unsigned int nr = __builtin_popcount(slots);

	aml_name(b, "_HID");
	aml_eisaid(b, "PNP0A08");
	aml_name(b, "_CID");
	aml_eisaid(b, "PNP0A03");
	dsdt_named_int(b, "_SEG", 0);
	dsdt_named_int(b, "_BBN", 0);
	dsdt_named_int(b, "_UID", 0);
	dsdt_named_int(b, "_CCA", 1);
	aml_name(b, "_CRS");
	res = aml_resources_open(b);
	aml_word_bus_number(b, 0, 0);
	aml_dword_memory(b, PCI_MMIO_BASE, PCI_MMIO_SIZE);
	aml_resources_close(b, res);
	/* _PRT (6.2.13): { address 0xSSSSFFFF, pin, source 0, GSI } */
	aml_name(b, "_PRT");
	prt = aml_package_open(b, nr);
	for (unsigned int slot = 0; slot < PCI_MAX_SLOTS; slot++) {
		size_t entry;

		if (!(slots & 1u << slot))
			continue;
		entry = aml_package_open(b, 4);
		aml_integer(b, (uint64_t)slot << 16 | 0xffff);
		aml_integer(b, 0);
		aml_integer(b, 0);
		aml_integer(b, IRQ_PCI_INTX(pci_intx_line(slot)));
		aml_close(b, entry);
	}
	aml_close(b, prt);
	dsdt_osc(b);
	/* Linux wants the ECAM space claimed by a device in the namespace
	 * ("ECAM area ... not reserved in ACPI namespace" otherwise). */
	res_dev = aml_device_open(b, "RES0");
	aml_name(b, "_HID");
	aml_eisaid(b, "PNP0C02");		/* motherboard resources */
	aml_name(b, "_CRS");
	res = aml_resources_open(b);
	aml_memory32_fixed(b, PCI_ECAM_BASE, PCI_ECAM_SIZE);
	aml_resources_close(b, res);
	aml_close(b, res_dev);
	aml_close(b, dev);
}

static size_t build_dsdt(struct builder *bld)
{
	const struct platform *plat = bld->plat;
	struct acpi_buf *b = bld->b;
	size_t start = table_begin(bld, "DSDT", 2), sb;
	char name[5];

	sb = aml_scope_open(b, "\\_SB");
	dsdt_osc(b);		/* APEI and platform-wide features */
	for (unsigned int i = 0; i < plat->nr_cpus; i++) {
		size_t dev;

		snprintf(name, sizeof(name), "C%03X", i & 0xfff);
		dev = aml_device_open(b, name);
		dsdt_named_str(b, "_HID", "ACPI0007");
		dsdt_named_int(b, "_UID", i);
		aml_close(b, dev);
	}
	dsdt_mmio_device(b, "COM0", "ARMH0011", 0, PL011_BASE, PL011_SIZE, IRQ_PL011, false);
	dsdt_mmio_device(b, "FWCF", "QEMU0002", 0, FW_CFG_BASE, FW_CFG_SIZE, 0, false);
	if (plat->pvpanic)
		dsdt_mmio_device(b, "PEVT", "QEMU0001", 0, PVPANIC_BASE, PVPANIC_MMIO_SIZE, 0,
				 false);
	for (unsigned int n = 0; n < plat->nr_virtio_mmio; n++) {
		snprintf(name, sizeof(name), "VR%02X", n & 0xff);
		dsdt_mmio_device(b, name, "LNRO0005", n, VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_STRIDE,
				 VIRTIO_MMIO_STRIDE, IRQ_VIRTIO_MMIO(n), true);
	}
	if (plat->pci_slots)
		dsdt_pci(b, plat->pci_slots);
	aml_close(b, sb);
	table_end(bld, start);
	return start;
}

/* --- FADT (5.2.9), hardware-reduced, PSCI over HVC ------------------------ */

#define FADT_HW_REDUCED_ACPI	(1u << 20)
#define FADT_ARM_PSCI_COMPLIANT	1
#define FADT_ARM_PSCI_USE_HVC	2
#define FADT_X_DSDT		140
#define FADT_LEN		276

static void build_fadt(struct builder *bld, size_t dsdt)
{
	struct acpi_buf *b = bld->b;
	size_t start = table_begin(bld, "FACP", 6);

	buf_grow(b, FADT_LEN - HEADER_LEN);
	if (b->broken)
		return;
	put_le32(b->data + start + 112, FADT_HW_REDUCED_ACPI);
	put_le16(b->data + start + 129, FADT_ARM_PSCI_COMPLIANT | FADT_ARM_PSCI_USE_HVC);
	b->data[start + 131] = 3;	/* FADT minor version: ACPI 6.3 */
	put_le64(b->data + start + FADT_X_DSDT, dsdt);
	loader_add_pointer(&bld->link, ACPI_FILE_TABLES, ACPI_FILE_TABLES,
			   start + FADT_X_DSDT, 8);
	memcpy(b->data + start + 268, "LKVM", 4);	/* hypervisor vendor */
	table_end(bld, start);
}

/* --- MADT (5.2.12) -------------------------------------------------------- */

#define MADT_GICC		0x0b
#define MADT_GICD		0x0c
#define MADT_GICR		0x0e
#define MADT_ITS		0x0f
#define GICC_LEN		80
#define GICC_ENABLED		1

static void build_madt(struct builder *bld)
{
	const struct platform *plat = bld->plat;
	struct acpi_buf *b = bld->b;
	size_t start = table_begin(bld, "APIC", 5);

	buf_u32(b, 0);		/* no local APIC */
	buf_u32(b, 0);		/* no PC-AT 8259s */
	for (unsigned int i = 0; i < plat->nr_cpus; i++) {
		buf_u8(b, MADT_GICC);
		buf_u8(b, GICC_LEN);
		buf_u16(b, 0);
		buf_u32(b, i);				/* CPU interface number */
		buf_u32(b, i);				/* ACPI processor UID */
		buf_u32(b, GICC_ENABLED);
		buf_u32(b, 0);				/* no parking protocol */
		buf_u32(b, plat->pmu ? PPI_PMU : 0);
		buf_u64(b, 0);				/* parked address */
		buf_u64(b, plat->gic == GIC_V2 ? GICV2_CPU_BASE : 0);
		buf_u64(b, 0);				/* GICV */
		buf_u64(b, 0);				/* GICH */
		buf_u32(b, plat->nested ? PPI_GIC_MAINT : 0);
		buf_u64(b, 0);				/* GICR: in the GICR entry */
		buf_u64(b, plat->mpidrs[i] & MPIDR_AFFINITY);
		buf_u8(b, 0);				/* efficiency class */
		buf_u8(b, 0);
		buf_u16(b, 0);				/* no SPE interrupt */
	}
	buf_u8(b, MADT_GICD);
	buf_u8(b, 24);
	buf_u16(b, 0);
	buf_u32(b, 0);				/* GIC ID */
	buf_u64(b, GIC_DIST_BASE);
	buf_u32(b, 0);				/* system vector base */
	buf_u8(b, plat->gic);
	buf_grow(b, 3);
	if (plat->gic == GIC_V3) {
		buf_u8(b, MADT_GICR);
		buf_u8(b, 16);
		buf_u16(b, 0);
		buf_u64(b, GICV3_REDIST_BASE);
		buf_u32(b, plat->nr_cpus * GICV3_REDIST_STRIDE);
	}
	if (plat->its) {
		buf_u8(b, MADT_ITS);
		buf_u8(b, 20);
		buf_u16(b, 0);
		buf_u32(b, 0);			/* ITS ID */
		buf_u64(b, GIC_ITS_BASE);
		buf_u32(b, 0);
	}
	table_end(bld, start);
}

/* --- GTDT (5.2.25) -------------------------------------------------------- */

#define GTDT_ALWAYS_ON		4	/* level, active high, never stops */

static void build_gtdt(struct builder *bld)
{
	struct acpi_buf *b = bld->b;
	size_t start = table_begin(bld, "GTDT", 2);
	const uint32_t timers[] = {
		PPI_TIMER_SEC_PHYS, PPI_TIMER_PHYS, PPI_TIMER_VIRT, PPI_TIMER_HYP,
	};

	buf_u64(b, UINT64_MAX);		/* no memory-mapped CNTControlBase */
	buf_u32(b, 0);
	for (unsigned int i = 0; i < 4; i++) {
		buf_u32(b, timers[i]);
		buf_u32(b, GTDT_ALWAYS_ON);
	}
	buf_u64(b, UINT64_MAX);		/* no CNTReadBase */
	buf_u32(b, 0);			/* no platform timers */
	buf_u32(b, 0);
	table_end(bld, start);
}

/* --- SPCR (Microsoft's Serial Port Console Redirection, revision 2) ------- */

#define SPCR_PL011		3
#define SPCR_IRQ_GIC		8
#define SPCR_115200		7

static void build_spcr(struct builder *bld)
{
	struct acpi_buf *b = bld->b;
	size_t start = table_begin(bld, "SPCR", 2);

	buf_u8(b, SPCR_PL011);
	buf_grow(b, 3);
	gas(b, 32, 3, PL011_BASE);
	buf_u8(b, SPCR_IRQ_GIC);
	buf_u8(b, 0);			/* no PC-AT IRQ */
	buf_u32(b, IRQ_PL011);
	buf_u8(b, SPCR_115200);
	buf_u8(b, 0);			/* no parity */
	buf_u8(b, 1);			/* one stop bit */
	buf_u8(b, 0);			/* no flow control */
	buf_u8(b, 0);			/* VT100 */
	buf_u8(b, 0);
	buf_u16(b, 0xffff);		/* not a PCI device */
	buf_u16(b, 0xffff);
	buf_grow(b, 3 + 4 + 1 + 4);	/* bus, device, function, flags, segment */
	table_end(bld, start);
}

/* --- MCFG (PCI Firmware Specification 3.2, 4.1.2) ------------------------- */

static void build_mcfg(struct builder *bld)
{
	struct acpi_buf *b = bld->b;
	size_t start = table_begin(bld, "MCFG", 1);

	buf_u64(b, 0);
	buf_u64(b, PCI_ECAM_BASE);
	buf_u16(b, 0);			/* segment */
	buf_u8(b, 0);			/* buses 0 to 0 */
	buf_u8(b, 0);
	buf_u32(b, 0);
	table_end(bld, start);
}

/* --- HEST (18.3.2) with GHESv2 entries for the RAS region ----------------- */

#define HEST_GHES_V2		10
#define NOTIFY_POLLED		0
#define NOTIFY_SEA		8
#define NOTIFY_SDEI		11
#define POLL_INTERVAL_MS	1000
#define GHES_V2_STATUS_GAS	20
#define GHES_V2_ACK_GAS		64

/*
 * How the guest hears of source @src: SDEI events for 0 and 1 when lkvm
 * dispatches SDEI, an external abort for the per-vCPU sources, and
 * polling for the rest. Linux has no handler for the SEI notification
 * type, so the SError source is polled: the SError itself carries the
 * severity, the poll finds the record.
 */
static void hest_notification(struct acpi_buf *b, const struct platform *plat,
			      unsigned int src)
{
	uint8_t type = NOTIFY_POLLED;
	uint32_t vector = 0, poll = 0;

	if (src >= RAS_SRC_SEA_FIRST)
		type = NOTIFY_SEA;
	else if (plat->sdei && src == RAS_SRC_SDEI_NORMAL)
		type = NOTIFY_SDEI, vector = RAS_SDEI_EVENT_NORMAL;
	else if (plat->sdei && src == RAS_SRC_SDEI_CRITICAL)
		type = NOTIFY_SDEI, vector = RAS_SDEI_EVENT_CRITICAL;
	else
		poll = POLL_INTERVAL_MS;
	buf_u8(b, type);
	buf_u8(b, 28);
	buf_u16(b, 0);			/* nothing the OS may reconfigure */
	buf_u32(b, poll);
	buf_u32(b, vector);
	buf_grow(b, 16);		/* no thresholds */
}

static void build_hest(struct builder *bld, const struct ghes_region *r)
{
	struct acpi_buf *b = bld->b;
	size_t start = table_begin(bld, "HEST", 1);

	buf_u32(b, r->nr_sources);
	for (unsigned int i = 0; i < r->nr_sources; i++) {
		size_t entry = b->len;

		buf_u16(b, HEST_GHES_V2);
		buf_u16(b, i);			/* source ID */
		buf_u16(b, 0xffff);		/* no related source */
		buf_u8(b, 0);
		buf_u8(b, 1);			/* enabled */
		buf_u32(b, 1);			/* records to pre-allocate */
		buf_u32(b, GHES_BLOCK_SIZE / 256);	/* sections per record */
		buf_u32(b, GHES_BLOCK_SIZE);	/* max raw data length */
		loader_add_pointer(&bld->link, ACPI_FILE_TABLES, ACPI_FILE_HW_ERRORS,
				   entry + GHES_V2_STATUS_GAS + 4, 8);
		gas(b, 64, 4, ghes_slot_gpa(r, i));
		hest_notification(b, bld->plat, i);
		buf_u32(b, GHES_BLOCK_SIZE);	/* error status block length */
		loader_add_pointer(&bld->link, ACPI_FILE_TABLES, ACPI_FILE_HW_ERRORS,
				   entry + GHES_V2_ACK_GAS + 4, 8);
		gas(b, 64, 4, ghes_ack_gpa(r, i));
		buf_u64(b, ~1ull);		/* read ack preserve */
		buf_u64(b, 1);			/* read ack write */
	}
	table_end(bld, start);
}

/* The region as a blob: slots hold offsets the loader makes addresses. */
static int build_hw_errors(struct builder *bld, struct ghes_region *r)
{
	struct acpi_buf *hw = &bld->t->hw_errors;
	unsigned int n = RAS_NR_SOURCES(bld->plat->nr_cpus);
	int ret;

	buf_grow(hw, ghes_region_size(n));
	if (hw->broken)
		return -ENOMEM;
	ret = ghes_region_init(r, hw->data, 0, n);
	if (ret)
		return ret;
	for (unsigned int i = 0; i < n; i++)
		loader_add_pointer(&bld->link, ACPI_FILE_HW_ERRORS, ACPI_FILE_HW_ERRORS,
				   ghes_slot_gpa(r, i), 8);
	return 0;
}

/* --- XSDT (5.2.8) and RSDP (5.2.5.3) -------------------------------------- */

static void build_xsdt(struct builder *bld)
{
	struct acpi_tables *t = bld->t;
	unsigned int nr = t->nr;
	size_t start = table_begin(bld, "XSDT", 1);

	for (unsigned int i = 0; i < nr; i++)
		if (memcmp(t->index[i].signature, "DSDT", 4))	/* the FADT's */
			pointer64(bld, ACPI_FILE_TABLES, t->index[i].offset);
	table_end(bld, start);
}

#define RSDP_LEN	36
#define RSDP_XSDT	24

static void build_rsdp(struct builder *bld, size_t xsdt)
{
	struct acpi_buf *r = &bld->t->rsdp;

	buf_str(r, "RSD PTR ", 8);
	buf_u8(r, 0);			/* checksum of the first 20 bytes */
	buf_str(r, OEM_ID, 6);
	buf_u8(r, 2);			/* revision: ACPI 2.0+, XSDT */
	buf_u32(r, 0);			/* no RSDT */
	buf_u32(r, RSDP_LEN);
	buf_u64(r, xsdt);
	buf_u8(r, 0);			/* extended checksum */
	buf_grow(r, 3);
	loader_add_pointer(&bld->link, ACPI_FILE_RSDP, ACPI_FILE_TABLES, RSDP_XSDT, 8);
	loader_add_checksum(&bld->link, ACPI_FILE_RSDP, 8, 0, 20);
	loader_add_checksum(&bld->link, ACPI_FILE_RSDP, 32, 0, RSDP_LEN);
}

int acpi_build(const struct platform *plat, struct acpi_tables *t)
{
	struct builder bld = { .t = t, .b = &t->tables, .plat = plat };
	struct ghes_region region = { 0 };
	size_t dsdt, xsdt;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	if (plat->ras_size)
		ret = build_hw_errors(&bld, &region);
	if (!ret) {
		dsdt = build_dsdt(&bld);
		build_fadt(&bld, dsdt);
		build_madt(&bld);
		build_gtdt(&bld);
		build_spcr(&bld);
		if (plat->pci_slots)
			build_mcfg(&bld);
		if (plat->ras_size)
			build_hest(&bld, &region);
		if (plat->sdei) {
			size_t sdei = table_begin(&bld, "SDEI", 1);

			table_end(&bld, sdei);
		}
		xsdt = bld.b->len;
		build_xsdt(&bld);
		build_rsdp(&bld, xsdt);

		/* The ALLOCATEs first: every file exists before it is linked. */
		loader_allocate(&t->loader, ACPI_FILE_RSDP, 16, LOADER_ZONE_FSEG);
		if (plat->ras_size)
			loader_allocate(&t->loader, ACPI_FILE_HW_ERRORS, 4096, LOADER_ZONE_HIGH);
		loader_allocate(&t->loader, ACPI_FILE_TABLES, 64, LOADER_ZONE_HIGH);
		buf_bytes(&t->loader, bld.link.data, bld.link.len);
		if (plat->ras_size)
			loader_write_pointer(&t->loader, ACPI_FILE_HW_ERRORS_ADDR,
					     ACPI_FILE_HW_ERRORS, 0, 0, 8);
		ret = buf_status(&t->tables) ?: buf_status(&t->rsdp) ?:
		      buf_status(&t->loader) ?: buf_status(&bld.link);
	}
	ghes_region_destroy(&region);
	buf_free(&bld.link);
	if (ret)
		acpi_tables_free(t);
	return ret;
}

void acpi_tables_free(struct acpi_tables *t)
{
	buf_free(&t->tables);
	buf_free(&t->rsdp);
	buf_free(&t->hw_errors);
	buf_free(&t->loader);
	t->nr = 0;
}

static uint8_t *copy_of(const struct acpi_buf *b)
{
	uint8_t *p = malloc(b->len ? b->len : 1);

	if (p && b->len)
		memcpy(p, b->data, b->len);
	return p;
}

int acpi_link(const struct acpi_tables *t, uint64_t tables_gpa, uint8_t **tables,
	      uint8_t **rsdp, uint8_t **hw_errors, const char **why)
{
	uint64_t after = (tables_gpa + t->tables.len + 0xfff) & ~0xfffull;
	uint8_t addr[8] = { 0 };
	struct loader_blob blobs[] = {
		{ .name = ACPI_FILE_TABLES, .data = copy_of(&t->tables),
		  .size = t->tables.len, .gpa = tables_gpa },
		{ .name = ACPI_FILE_RSDP, .data = copy_of(&t->rsdp),
		  .size = t->rsdp.len, .gpa = after },
		{ .name = ACPI_FILE_HW_ERRORS, .data = copy_of(&t->hw_errors),
		  .size = t->hw_errors.len, .gpa = after + 0x1000 },
		{ .name = ACPI_FILE_HW_ERRORS_ADDR, .data = addr, .size = sizeof(addr) },
	};
	unsigned int bad;
	int ret = -ENOMEM;

	if (blobs[0].data && blobs[1].data && blobs[2].data)
		ret = loader_run(t->loader.data, t->loader.len, blobs, 4, &bad, why);
	if (!ret && t->hw_errors.len && get_le64(addr) != blobs[2].gpa) {
		*why = "the firmware would not tell lkvm where the error region went";
		ret = -EINVAL;
	}
	if (ret) {
		for (unsigned int i = 0; i < 3; i++)
			free(blobs[i].data);
		return ret;
	}
	*tables = blobs[0].data;
	*rsdp = blobs[1].data;
	*hw_errors = blobs[2].data;
	return 0;
}
