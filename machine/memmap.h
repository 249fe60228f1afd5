/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_MACHINE_MEMMAP_H
#define LKVM_MACHINE_MEMMAP_H

/*
 * The guest physical memory map and interrupt numbers: the one table.
 *
 * It follows QEMU's "virt" machine, because Debian's UEFI build hard-codes
 * that layout (RAM at 1 GiB, devices in 0x0800_0000-0x0FFF_FFFF, see
 * firmware-path.md), and adds the 16550 at 0x0100_0000 where kvm-unit-tests'
 * kvmtool target writes its early output. 0x0000_0000-0x00FF_FFFF stays
 * free for flash0 (the firmware code, up to 16 MiB).
 */
#define UART16550_BASE		0x01000000ULL
#define UART16550_SIZE		0x1000ULL

#define GIC_DIST_BASE		0x08000000ULL
#define GIC_DIST_SIZE		0x10000ULL
#define GICV2_CPU_BASE		0x08010000ULL
#define GICV2_CPU_SIZE		0x2000ULL	/* KVM_VGIC_V2_CPU_SIZE */
#define GICV2_DIST_SIZE		0x1000ULL	/* KVM_VGIC_V2_DIST_SIZE */
#define GIC_ITS_BASE		0x08080000ULL
#define GIC_ITS_SIZE		0x20000ULL	/* KVM_VGIC_V3_ITS_SIZE */
#define GICV3_REDIST_BASE	0x080A0000ULL
#define GICV3_REDIST_SIZE	0x00F60000ULL
#define GICV3_REDIST_STRIDE	0x20000ULL	/* RD_base + SGI_base frames */

/* Firmware mode's devices, where Debian's QEMU_EFI.fd looks for them. */
#define FLASH_CODE_BASE		0x00000000ULL
#define FLASH_VARS_BASE		0x04000000ULL
#define PL011_BASE		0x09000000ULL
#define PL011_SIZE		0x1000ULL
#define PL031_BASE		0x09010000ULL
#define PL031_SIZE		0x1000ULL
#define FW_CFG_BASE		0x09020000ULL
#define FW_CFG_SIZE		0x18ULL		/* with the DMA register */

/* QEMU's pvpanic, in both modes (--no-pvpanic: none). */
#define PVPANIC_BASE		0x09030000ULL
#define PVPANIC_MMIO_SIZE	0x2ULL

/*
 * Stolen time: 64 bytes per vCPU that KVM keeps up to date, in memory of
 * its own outside RAM (the guest asks PV_TIME_ST for its address, so the
 * DT need not say). 64 KiB, for hosts with 64 KiB pages.
 */
#define PVTIME_BASE		0x09040000ULL
#define PVTIME_SIZE		0x10000ULL
#define PVTIME_STRIDE		64

/* Memslots: 0 is RAM; flash0 and flash1 in firmware mode; stolen time. */
#define SLOT_RAM		0
#define SLOT_FLASH_CODE		1
#define SLOT_FLASH_VARS		2
#define SLOT_PVTIME		3

/* virtio-mmio devices, as QEMU's virt places them (0x200 apart). */
#define VIRTIO_MMIO_BASE	0x0a000000ULL
#define VIRTIO_MMIO_STRIDE	0x200ULL
#define VIRTIO_MMIO_MAX		32

/*
 * The PCI host bridge: BARs in the 32-bit window below the ECAM space,
 * which covers bus 0 only (QEMU's virt reserves 16 buses there).
 */
#define PCI_MMIO_BASE		0x10000000ULL
#define PCI_MMIO_SIZE		0x2eff0000ULL
#define PCI_ECAM_BASE		0x3f000000ULL
#define PCI_ECAM_SIZE		0x100000ULL

#define RAM_BASE		0x40000000ULL

/* GICv3 redistributors that fit in the window; GICv2 is limited to 8. */
#define GICV3_MAX_CPUS		(GICV3_REDIST_SIZE / GICV3_REDIST_STRIDE)
#define GICV2_MAX_CPUS		8

/* Interrupts: GIC INTIDs. SPIs start at 32. */
#define GIC_SPI_BASE		32
#define GIC_NR_IRQS		128	/* INTIDs the vGIC implements (SGIs+PPIs+SPIs) */
#define IRQ_UART16550		(GIC_SPI_BASE + 0)
#define IRQ_PL011		(GIC_SPI_BASE + 1)
#define IRQ_PL031		(GIC_SPI_BASE + 2)
#define IRQ_PCI_INTX(line)	(GIC_SPI_BASE + 3 + (line))	/* INTA-INTD */
#define IRQ_VIRTIO_MMIO(n)	(GIC_SPI_BASE + 16 + (n))

/* GSIs for MSIs (KVM's routing table); below them, GSI n is SPI n. */
#define GSI_MSI_BASE		256

/* Architected timer PPIs (INTIDs), as every arm64 platform wires them. */
#define PPI_TIMER_SEC_PHYS	29
#define PPI_TIMER_PHYS		30
#define PPI_TIMER_VIRT		27
#define PPI_TIMER_HYP		26
#define PPI_TIMER_HYP_VIRT	28
#define PPI_GIC_MAINT		25	/* vGIC maintenance, for a guest at EL2 */
#define PPI_PMU			23

#endif
