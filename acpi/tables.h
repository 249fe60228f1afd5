/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ACPI_TABLES_H
#define LKVM_ACPI_TABLES_H

/*
 * The ACPI tables lkvm hands to UEFI firmware through fw_cfg, and the
 * table-loader script that links them (QEMU's protocol, see loader.h):
 *
 *   etc/acpi/tables      DSDT FACP APIC GTDT SPCR [MCFG] [HEST] [SDEI] XSDT
 *   etc/acpi/rsdp        the RSDP, pointing at the XSDT
 *   etc/hardware_errors  the RAS error region (ras/ghes.h), with --ras
 *   etc/table-loader     the script
 *
 * Pointer fields hold offsets into their target file until the firmware
 * adds the file's address; every checksum byte is 0 until the firmware
 * computes it. The firmware writes where etc/hardware_errors went into the
 * writable fw_cfg file etc/hardware_errors_addr.
 */
#include "acpi/buf.h"
#include "acpi/loader.h"
#include "machine/platform.h"

#define ACPI_FILE_TABLES	"etc/acpi/tables"
#define ACPI_FILE_RSDP		"etc/acpi/rsdp"
#define ACPI_FILE_HW_ERRORS	"etc/hardware_errors"
#define ACPI_FILE_HW_ERRORS_ADDR "etc/hardware_errors_addr"
#define ACPI_FILE_LOADER	"etc/table-loader"

#define ACPI_MAX_TABLES		10

struct acpi_table_ref {
	char signature[5];
	uint32_t offset, length;	/* in etc/acpi/tables */
};

struct acpi_tables {
	struct acpi_buf tables, rsdp, hw_errors, loader;
	struct acpi_table_ref index[ACPI_MAX_TABLES];
	unsigned int nr;
};

/* HEST error sources are the RAS region's (ras/policy.h), when
 * @plat->ras_size is not 0. Returns 0 or -ENOMEM. */
int acpi_build(const struct platform *plat, struct acpi_tables *t);
void acpi_tables_free(struct acpi_tables *t);

/*
 * The tables as a guest sees them: run the loader with etc/acpi/tables at
 * @tables_gpa, the RSDP and the error region after it, and return copies
 * in @rsdp / @tables / @hw_errors (the caller frees them), checksums done.
 * Returns 0, or -EINVAL with *@why from loader_run().
 */
int acpi_link(const struct acpi_tables *t, uint64_t tables_gpa, uint8_t **tables,
	      uint8_t **rsdp, uint8_t **hw_errors, const char **why);

#endif
