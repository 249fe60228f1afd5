/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_FIRMWARE_H
#define LKVM_ARM64_FIRMWARE_H

/*
 * --firmware: the machine Debian's UEFI build (ArmVirtQemu) expects, which
 * is QEMU virt's (../shared/docs/firmware-path.md). The firmware runs in
 * place from flash at 0, keeps its variables in CFI flash at 0x0400_0000,
 * finds the device tree at the start of RAM, and reads the kernel, initrd,
 * command line and lkvm's ACPI tables from fw_cfg; the OS gets ACPI only.
 */
#include <stdint.h>

#include "acpi/tables.h"
#include "core/log.h"
#include "hw/cfi_flash.h"
#include "hw/fw_cfg.h"
#include "hw/pl031.h"
#include "machine/platform.h"

struct vm;

struct firmware {
	uint8_t *code;			/* flash0: the firmware file, read-only */
	uint64_t code_size;
	uint8_t *vars;			/* flash1: the variable store */
	uint64_t vars_size;
	int vars_fd;			/* --flash, written back to under MTE; or -1 */
	struct log_ratelimit write_warn;
	struct cfi_flash flash;
	struct log_ratelimit array_warn;	/* the guest switches the flash's mode */
	struct pl031 rtc;
	struct fw_cfg fw_cfg;
	struct acpi_tables acpi;
	uint8_t *kernel, *initrd;
	uint64_t kernel_size, initrd_size;
	uint8_t kernel_size_le[4], initrd_size_le[4], cmdline_size_le[4], setup_size_le[4];
	uint8_t hw_errors_addr[8];	/* written by the firmware */
	bool ready;			/* firmware_load() got as far as the devices */
};

/* Start-up step instead of loading the kernel: flash, RTC, fw_cfg, boot files. */
int firmware_load(struct vm *vm);
/* Once the platform is known: the ACPI tables into fw_cfg (and --dump-acpi). */
int firmware_tables(struct vm *vm, const struct platform *plat);
void firmware_destroy(struct vm *vm);

#endif
