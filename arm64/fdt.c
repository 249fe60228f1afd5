// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's device tree, written with libfdt's sequential-write API.
 * Bindings: Documentation/devicetree/bindings/{arm/cpus.yaml,arm/psci.yaml,
 * timer/arm,arch_timer.yaml,interrupt-controller/arm,gic*.yaml,
 * serial/8250.yaml,virtio/mmio.yaml,pci/host-generic-pci.yaml,
 * pci/pci-msi.txt}, and the chosen node of the DT specification.
 */
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include "arm64/fdt.h"
#include "hw/pci.h"
#include "machine/memmap.h"

/* The three interrupt cells of the GIC binding. */
#define GIC_FDT_SPI		0
#define GIC_FDT_PPI		1
#define IRQ_TYPE_EDGE_RISING	1
#define IRQ_TYPE_LEVEL_HIGH	4
#define IRQ_TYPE_LEVEL_LOW	8

#define TRY(expr) do { int __r = (expr); if (__r) return __r; } while (0)

static int prop_reg(void *fdt, const uint64_t *pairs, int nr_pairs)
{
	fdt64_t cells[8];

	for (int i = 0; i < 2 * nr_pairs; i++)
		cells[i] = cpu_to_fdt64(pairs[i]);
	return fdt_property(fdt, "reg", cells, 2 * nr_pairs * sizeof(cells[0]));
}

static int prop_cells(void *fdt, const char *name, const uint32_t *v, int n)
{
	fdt32_t cells[PCI_MAX_SLOTS * 10];	/* the largest: an interrupt-map */

	for (int i = 0; i < n; i++)
		cells[i] = cpu_to_fdt32(v[i]);
	return fdt_property(fdt, name, cells, n * sizeof(cells[0]));
}

static int begin_node_at(void *fdt, const char *name, uint64_t addr)
{
	char node[64];

	snprintf(node, sizeof(node), "%s@%llx", name, (unsigned long long)addr);
	return fdt_begin_node(fdt, node);
}

static int add_chosen(void *fdt, const struct platform *plat)
{
	TRY(fdt_begin_node(fdt, "chosen"));
	if (plat->bootargs)
		TRY(fdt_property_string(fdt, "bootargs", plat->bootargs));
	TRY(fdt_property_string(fdt, "stdout-path", "serial0"));
	if (plat->initrd_size) {
		TRY(fdt_property_u64(fdt, "linux,initrd-start", plat->initrd_start));
		TRY(fdt_property_u64(fdt, "linux,initrd-end",
				     plat->initrd_start + plat->initrd_size));
	}
	if (plat->rng_seed_len)
		TRY(fdt_property(fdt, "rng-seed", plat->rng_seed,
				 plat->rng_seed_len));
	TRY(fdt_property_u64(fdt, "kaslr-seed", plat->kaslr_seed));
	return fdt_end_node(fdt);
}

static int add_memory(void *fdt, const struct platform *plat)
{
	uint64_t reg[] = { plat->ram_base, plat->ram_size };

	TRY(begin_node_at(fdt, "memory", plat->ram_base));
	TRY(fdt_property_string(fdt, "device_type", "memory"));
	TRY(prop_reg(fdt, reg, 1));
	return fdt_end_node(fdt);
}

static int add_cpus(void *fdt, const struct platform *plat)
{
	TRY(fdt_begin_node(fdt, "cpus"));
	TRY(fdt_property_u32(fdt, "#address-cells", 1));
	TRY(fdt_property_u32(fdt, "#size-cells", 0));
	for (unsigned int i = 0; i < plat->nr_cpus; i++) {
		/* reg is MPIDR_EL1's affinity fields Aff2..Aff0 (Aff3 is 0). */
		uint32_t hwid = plat->mpidrs[i] & 0xffffff;

		TRY(begin_node_at(fdt, "cpu", hwid));
		TRY(fdt_property_string(fdt, "device_type", "cpu"));
		TRY(fdt_property_string(fdt, "compatible", "arm,arm-v8"));
		TRY(fdt_property_u32(fdt, "reg", hwid));
		TRY(fdt_property_string(fdt, "enable-method", "psci"));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int add_psci(void *fdt)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2\0arm,psci";

	TRY(fdt_begin_node(fdt, "psci"));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(fdt_property_string(fdt, "method", "hvc"));
	return fdt_end_node(fdt);
}

/* GICv2 PPIs carry a mask of the CPUs they reach in bits [15:8]. */
static uint32_t ppi_flags(const struct platform *plat, uint32_t type)
{
	if (plat->gic == GIC_V2)
		type |= ((1u << plat->nr_cpus) - 1) << 8;
	return type;
}

static int add_gic(void *fdt, const struct platform *plat)
{
	static const char v2_compat[] = "arm,cortex-a15-gic";

	TRY(begin_node_at(fdt, "intc", GIC_DIST_BASE));
	if (plat->gic == GIC_V3) {
		uint64_t reg[] = {
			GIC_DIST_BASE, GIC_DIST_SIZE,
			GICV3_REDIST_BASE, plat->nr_cpus * GICV3_REDIST_STRIDE,
		};

		TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3"));
		TRY(prop_reg(fdt, reg, 2));
	} else {
		uint64_t reg[] = {
			GIC_DIST_BASE, GICV2_DIST_SIZE,
			GICV2_CPU_BASE, GICV2_CPU_SIZE,
		};

		TRY(fdt_property(fdt, "compatible", v2_compat, sizeof(v2_compat)));
		TRY(prop_reg(fdt, reg, 2));
	}
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 3));
	TRY(fdt_property(fdt, "interrupt-controller", NULL, 0));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "phandle", FDT_PHANDLE_GIC));
	if (plat->nested) {
		uint32_t maint[] = {
			GIC_FDT_PPI, PPI_GIC_MAINT - 16,
			ppi_flags(plat, IRQ_TYPE_LEVEL_HIGH),
		};

		TRY(prop_cells(fdt, "interrupts", maint, 3));
	}
	if (plat->its) {
		uint64_t reg[] = { GIC_ITS_BASE, GIC_ITS_SIZE };

		TRY(fdt_property(fdt, "ranges", NULL, 0));
		TRY(begin_node_at(fdt, "msi-controller", GIC_ITS_BASE));
		TRY(fdt_property_string(fdt, "compatible", "arm,gic-v3-its"));
		TRY(fdt_property(fdt, "msi-controller", NULL, 0));
		TRY(fdt_property_u32(fdt, "#msi-cells", 1));
		TRY(prop_reg(fdt, reg, 1));
		TRY(fdt_property_u32(fdt, "phandle", FDT_PHANDLE_ITS));
		TRY(fdt_end_node(fdt));
	}
	return fdt_end_node(fdt);
}

static int add_timer(void *fdt, const struct platform *plat)
{
	static const char compat[] = "arm,armv8-timer\0arm,armv7-timer";
	uint32_t flags = ppi_flags(plat, IRQ_TYPE_LEVEL_LOW);
	uint32_t irqs[] = {
		GIC_FDT_PPI, PPI_TIMER_SEC_PHYS - 16, flags,
		GIC_FDT_PPI, PPI_TIMER_PHYS - 16, flags,
		GIC_FDT_PPI, PPI_TIMER_VIRT - 16, flags,
		GIC_FDT_PPI, PPI_TIMER_HYP - 16, flags,
		GIC_FDT_PPI, PPI_TIMER_HYP_VIRT - 16, flags,
	};

	TRY(fdt_begin_node(fdt, "timer"));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	/* The EL2 virtual timer exists only for a guest at EL2. */
	TRY(prop_cells(fdt, "interrupts", irqs, plat->nested ? 15 : 12));
	TRY(fdt_property(fdt, "always-on", NULL, 0));
	/* Only for guests whose firmware left CNTFRQ_EL0 wrong (arm,arch_timer.yaml). */
	if (plat->timer_frequency)
		TRY(fdt_property_u32(fdt, "clock-frequency", plat->timer_frequency));
	return fdt_end_node(fdt);
}

static int add_pmu(void *fdt, const struct platform *plat)
{
	uint32_t irq[] = {
		GIC_FDT_PPI, PPI_PMU - 16, ppi_flags(plat, IRQ_TYPE_LEVEL_HIGH),
	};

	TRY(fdt_begin_node(fdt, "pmu"));
	TRY(fdt_property_string(fdt, "compatible", "arm,armv8-pmuv3"));
	TRY(prop_cells(fdt, "interrupts", irq, 3));
	return fdt_end_node(fdt);
}

static int add_uart(void *fdt)
{
	uint64_t reg[] = { UART16550_BASE, 8 };
	uint32_t irq[] = {
		GIC_FDT_SPI, IRQ_UART16550 - GIC_SPI_BASE, IRQ_TYPE_LEVEL_HIGH,
	};

	TRY(begin_node_at(fdt, "uart", UART16550_BASE));
	TRY(fdt_property_string(fdt, "compatible", "ns16550a"));
	TRY(prop_reg(fdt, reg, 1));
	TRY(prop_cells(fdt, "interrupts", irq, 3));
	TRY(fdt_property_u32(fdt, "clock-frequency", 1843200));
	return fdt_end_node(fdt);
}

/* Firmware mode's console (Documentation/devicetree/bindings/serial/pl011.yaml). */
static int add_pl011(void *fdt)
{
	static const char compat[] = "arm,pl011\0arm,primecell";
	uint64_t reg[] = { PL011_BASE, PL011_SIZE };
	uint32_t irq[] = { GIC_FDT_SPI, IRQ_PL011 - GIC_SPI_BASE, IRQ_TYPE_LEVEL_HIGH };

	TRY(begin_node_at(fdt, "pl011", PL011_BASE));
	TRY(fdt_property(fdt, "compatible", compat, sizeof(compat)));
	TRY(prop_reg(fdt, reg, 1));
	TRY(prop_cells(fdt, "interrupts", irq, 3));
	return fdt_end_node(fdt);
}

/*
 * What Debian's UEFI build looks for besides the console: the RTC (its
 * kernel loader depends on it), both flash banks (code, then the variable
 * store: 32-bit bus) and fw_cfg, whose 0x18-byte size says "DMA".
 */
static int add_firmware_devices(void *fdt, const struct platform *plat)
{
	static const char rtc_compat[] = "arm,pl031\0arm,primecell";
	uint64_t rtc_reg[] = { PL031_BASE, PL031_SIZE };
	uint64_t flash_reg[] = {
		FLASH_CODE_BASE, plat->flash_code_size,
		FLASH_VARS_BASE, plat->flash_vars_size,
	};
	uint64_t fw_cfg_reg[] = { FW_CFG_BASE, FW_CFG_SIZE };

	TRY(begin_node_at(fdt, "pl031", PL031_BASE));
	TRY(fdt_property(fdt, "compatible", rtc_compat, sizeof(rtc_compat)));
	TRY(prop_reg(fdt, rtc_reg, 1));
	TRY(fdt_end_node(fdt));

	TRY(begin_node_at(fdt, "flash", FLASH_CODE_BASE));
	TRY(fdt_property_string(fdt, "compatible", "cfi-flash"));
	TRY(prop_reg(fdt, flash_reg, 2));
	TRY(fdt_property_u32(fdt, "bank-width", 4));
	TRY(fdt_end_node(fdt));

	TRY(begin_node_at(fdt, "fw-cfg", FW_CFG_BASE));
	TRY(fdt_property_string(fdt, "compatible", "qemu,fw-cfg-mmio"));
	TRY(prop_reg(fdt, fw_cfg_reg, 1));
	TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	return fdt_end_node(fdt);
}

/* Documentation/devicetree/bindings/misc/qemu,pvpanic-mmio.yaml */
static int add_pvpanic(void *fdt)
{
	uint64_t reg[] = { PVPANIC_BASE, PVPANIC_MMIO_SIZE };

	TRY(begin_node_at(fdt, "pvpanic", PVPANIC_BASE));
	TRY(fdt_property_string(fdt, "compatible", "qemu,pvpanic-mmio"));
	TRY(prop_reg(fdt, reg, 1));
	return fdt_end_node(fdt);
}

static int add_virtio_mmio(void *fdt, unsigned int n)
{
	uint64_t base = VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_STRIDE;
	uint64_t reg[] = { base, VIRTIO_MMIO_STRIDE };
	uint32_t irq[] = {
		GIC_FDT_SPI, IRQ_VIRTIO_MMIO(n) - GIC_SPI_BASE, IRQ_TYPE_EDGE_RISING,
	};

	TRY(begin_node_at(fdt, "virtio_mmio", base));
	TRY(fdt_property_string(fdt, "compatible", "virtio,mmio"));
	TRY(prop_reg(fdt, reg, 1));
	TRY(prop_cells(fdt, "interrupts", irq, 3));
	TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	return fdt_end_node(fdt);
}

/*
 * The ECAM host bridge. Each used slot's INTA goes to one of four SPIs
 * (the usual swizzle, slot mod 4); MSIs go to the ITS with the requester
 * ID as DeviceID.
 */
static int add_pci(void *fdt, const struct platform *plat)
{
	uint64_t reg[] = { PCI_ECAM_BASE, PCI_ECAM_SIZE };
	/* child (3 cells: 32-bit non-prefetchable memory), parent (2), size (2) */
	uint32_t ranges[] = {
		0x02000000, 0, (uint32_t)PCI_MMIO_BASE, 0, (uint32_t)PCI_MMIO_BASE,
		0, (uint32_t)PCI_MMIO_SIZE,
	};
	uint32_t bus_range[] = { 0, 0 };
	uint32_t mask[] = { 0xf800, 0, 0, 7 };
	uint32_t map[PCI_MAX_SLOTS * 10];
	uint32_t msi_map[] = { 0, FDT_PHANDLE_ITS, 0, 0x10000 };
	int n = 0;

	for (unsigned int slot = 0; slot < PCI_MAX_SLOTS; slot++) {
		if (!(plat->pci_slots & 1u << slot))
			continue;
		/* child unit address (3), pin; GIC, its unit address (2), SPI */
		uint32_t entry[] = {
			slot << 11, 0, 0, 1, FDT_PHANDLE_GIC, 0, 0, GIC_FDT_SPI,
			IRQ_PCI_INTX(pci_intx_line(slot)) - GIC_SPI_BASE,
			IRQ_TYPE_LEVEL_HIGH,
		};

		memcpy(map + n, entry, sizeof(entry));
		n += 10;
	}
	TRY(begin_node_at(fdt, "pcie", PCI_ECAM_BASE));
	TRY(fdt_property_string(fdt, "compatible", "pci-host-ecam-generic"));
	TRY(fdt_property_string(fdt, "device_type", "pci"));
	TRY(fdt_property_u32(fdt, "#address-cells", 3));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "#interrupt-cells", 1));
	TRY(prop_reg(fdt, reg, 1));
	TRY(prop_cells(fdt, "bus-range", bus_range, 2));
	TRY(prop_cells(fdt, "ranges", ranges, 7));
	TRY(prop_cells(fdt, "interrupt-map-mask", mask, 4));
	TRY(prop_cells(fdt, "interrupt-map", map, n));
	if (plat->its)
		TRY(prop_cells(fdt, "msi-map", msi_map, 4));
	TRY(fdt_property(fdt, "dma-coherent", NULL, 0));
	return fdt_end_node(fdt);
}

/* Documentation/devicetree/bindings/arm/firmware/sdei.txt */
static int add_sdei(void *fdt)
{
	TRY(fdt_begin_node(fdt, "firmware"));
	TRY(fdt_begin_node(fdt, "sdei"));
	TRY(fdt_property_string(fdt, "compatible", "arm,sdei-1.0"));
	TRY(fdt_property_string(fdt, "method", "hvc"));
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

/*
 * reserved-memory.yaml: the RAS error region belongs to lkvm, never to the
 * guest's allocator, and is kept out of its linear map.
 */
static int add_ras_region(void *fdt, const struct platform *plat)
{
	const uint64_t reg[] = { plat->ras_start, plat->ras_size };

	TRY(fdt_begin_node(fdt, "reserved-memory"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property(fdt, "ranges", NULL, 0));
	TRY(begin_node_at(fdt, "ras-errors", plat->ras_start));
	TRY(fdt_property_string(fdt, "compatible", "lkvm,ghes-error-region"));
	TRY(prop_reg(fdt, reg, 1));
	TRY(fdt_property(fdt, "no-map", NULL, 0));
	TRY(fdt_end_node(fdt));
	return fdt_end_node(fdt);
}

static int add_aliases(void *fdt, const struct platform *plat)
{
	char path[64];

	if (plat->firmware)
		snprintf(path, sizeof(path), "/pl011@%llx", (unsigned long long)PL011_BASE);
	else
		snprintf(path, sizeof(path), "/uart@%llx",
			 (unsigned long long)UART16550_BASE);
	TRY(fdt_begin_node(fdt, "aliases"));
	TRY(fdt_property_string(fdt, "serial0", path));
	return fdt_end_node(fdt);
}

int fdt_build(const struct platform *plat, void *buf, size_t size)
{
	void *fdt = buf;

	TRY(fdt_create(fdt, size));
	TRY(fdt_finish_reservemap(fdt));
	TRY(fdt_begin_node(fdt, ""));
	TRY(fdt_property_string(fdt, "compatible", "linux,dummy-virt"));
	TRY(fdt_property_u32(fdt, "#address-cells", 2));
	TRY(fdt_property_u32(fdt, "#size-cells", 2));
	TRY(fdt_property_u32(fdt, "interrupt-parent", FDT_PHANDLE_GIC));
	TRY(add_chosen(fdt, plat));
	TRY(add_aliases(fdt, plat));
	TRY(add_memory(fdt, plat));
	TRY(add_cpus(fdt, plat));
	TRY(add_psci(fdt));
	TRY(add_gic(fdt, plat));
	TRY(add_timer(fdt, plat));
	if (plat->pmu)
		TRY(add_pmu(fdt, plat));
	if (plat->firmware) {
		TRY(add_pl011(fdt));
		TRY(add_firmware_devices(fdt, plat));
	} else {
		TRY(add_uart(fdt));
	}
	if (plat->pvpanic)
		TRY(add_pvpanic(fdt));
	for (unsigned int i = 0; i < plat->nr_virtio_mmio; i++)
		TRY(add_virtio_mmio(fdt, i));
	if (plat->pci_slots)
		TRY(add_pci(fdt, plat));
	if (plat->sdei)
		TRY(add_sdei(fdt));
	if (plat->ras_size && !plat->firmware)
		TRY(add_ras_region(fdt, plat));
	TRY(fdt_end_node(fdt));
	TRY(fdt_finish(fdt));
	TRY(fdt_open_into(fdt, fdt, size));
	return fdt_pack(fdt);
}
