/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_PLATFORM_H
#define LKVM_MACHINE_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum gic_version {
	GIC_V2 = 2,
	GIC_V3 = 3,
};

/*
 * The machine as the guest sees it, which the device tree (arm64/fdt.c)
 * and the ACPI tables (acpi/tables.c) both describe; filled by the VM.
 */
struct platform {
	uint64_t ram_base;
	uint64_t ram_size;
	unsigned int nr_cpus;
	const uint64_t *mpidrs;		/* MPIDR_EL1 of each vCPU */
	enum gic_version gic;
	bool pmu;
	bool nested;			/* EL2: maintenance and EL2 timer PPIs */
	bool sdei;			/* /firmware/sdei: lkvm dispatches SDEI */
	bool pvpanic;			/* QEMU's pvpanic at PVPANIC_BASE */
	uint64_t ras_start;		/* the RAS error region, no-map */
	uint64_t ras_size;		/* 0: no RAS (no HEST either) */
	const char *bootargs;		/* NULL: no bootargs property */
	uint64_t initrd_start;
	uint64_t initrd_size;		/* 0: no initrd */
	bool its;			/* a GICv3 ITS: PCI MSIs */
	unsigned int nr_virtio_mmio;	/* virtio-mmio devices 0..n-1 (memmap.h) */
	uint32_t pci_slots;		/* used PCI slots; 0: no host bridge */
	const uint8_t *rng_seed;	/* /chosen/rng-seed, seeds the guest's CRNG */
	size_t rng_seed_len;
	uint64_t kaslr_seed;
	uint32_t timer_frequency;	/* the timer's clock-frequency; 0: none */
	/*
	 * Firmware mode (--firmware): the devices UEFI needs (PL011 instead
	 * of the 16550, PL031, the flash banks, fw_cfg); the error region is
	 * the firmware's to place, so it is not in the tree.
	 */
	bool firmware;
	uint64_t flash_code_size;
	uint64_t flash_vars_size;
};

#endif
