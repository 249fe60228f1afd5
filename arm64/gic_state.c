// SPDX-License-Identifier: GPL-2.0
/*
 * The vGICv3 and its ITS for a snapshot (devices/arm-vgic-v3.rst,
 * arm-vgic-its.rst). Saved as register lists in the order they must be
 * written back, so that restoring is one walk:
 *
 * - the distributor's GICD_CTLR first;
 * - per vCPU, the redistributor: PROPBASER and PENDBASER before GICR_CTLR
 *   (KVM ignores them once EnableLPIs is set), WAKER, then the SGI/PPI
 *   frame: groups, configuration and priorities before the line levels
 *   and the pending and active bits, the enables last; then the CPU
 *   interface: SRE, CTLR before the active priorities, the rest;
 * - the SPIs as the SGI/PPI frame, routes before pending;
 * - the ITS: IIDR, CBASER (which resets CREADR), CREADR, CWRITER, the
 *   BASERs, its tables from guest RAM, GITS_CTLR last.
 *
 * Before the registers are read, KVM writes the LPIs' pending bits and the
 * ITS's tables into guest RAM, which the snapshot then holds.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arm64/kvm_arm64.h"
#include "arm64/snapshot.h"
#include "arm64/vm.h"
#include "machine/memmap.h"

/* Register offsets (GICv3 architecture specification, IHI 0069, 12.8-12.11). */
#define GICD_CTLR		0x0000
#define GICD_IGROUPR		0x0080
#define GICD_ISENABLER		0x0100
#define GICD_ISPENDR		0x0200
#define GICD_ISACTIVER		0x0300
#define GICD_IPRIORITYR		0x0400
#define GICD_ICFGR		0x0c00
#define GICD_IROUTER		0x6000
#define GICR_CTLR		0x0000
#define GICR_WAKER		0x0014
#define GICR_PROPBASER		0x0070
#define GICR_PENDBASER		0x0078
#define GICR_SGI		0x10000	/* the SGI/PPI frame, distributor layout */
#define GITS_CTLR		0x0000
#define GITS_IIDR		0x0004
#define GITS_CBASER		0x0080
#define GITS_CWRITER		0x0088
#define GITS_CREADR		0x0090
#define GITS_BASER		0x0100
#define GITS_NR_BASER		8

/* A CPU interface register as KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS names it. */
#define ICC(op1, crn, crm, op2)	((3u << 14) | ((op1) << 11) | ((crn) << 7) | ((crm) << 3) | (op2))
#define ICC_PMR_EL1		ICC(0, 4, 6, 0)
#define ICC_BPR0_EL1		ICC(0, 12, 8, 3)
#define ICC_AP0R_EL1(n)		ICC(0, 12, 8, 4 + (n))
#define ICC_AP1R_EL1(n)		ICC(0, 12, 9, (n))
#define ICC_BPR1_EL1		ICC(0, 12, 12, 3)
#define ICC_CTLR_EL1		ICC(0, 12, 12, 4)
#define ICC_SRE_EL1		ICC(0, 12, 12, 5)
#define ICC_IGRPEN0_EL1		ICC(0, 12, 12, 6)
#define ICC_IGRPEN1_EL1		ICC(0, 12, 12, 7)
#define ICC_CTLR_PRIBITS(v)	((((v) >> 8) & 7) + 1)

struct gic_saver {
	struct snap_out *o;
	int fd;
	int err;
	uint64_t failed;	/* the attribute that failed */
};

/* The affinity a vCPU's redistributor is named by: Aff3.Aff2.Aff1.Aff0. */
static uint64_t redist_of(const struct vcpu *vcpu)
{
	uint64_t aff = ((vcpu->mpidr >> 8) & 0xff000000) | (vcpu->mpidr & 0xffffff);

	return aff << KVM_DEV_ARM_VGIC_V3_MPIDR_SHIFT;
}

static void save(struct gic_saver *s, uint32_t group, uint64_t attr, uint32_t size)
{
	uint64_t value = 0;
	struct kvm_device_attr a = { .group = group, .attr = attr, .addr = (uintptr_t)&value };

	if (s->err)
		return;
	if (ioctl(s->fd, KVM_GET_DEVICE_ATTR, &a)) {
		s->err = -errno;
		s->failed = attr;
		return;
	}
	snap_out_reg(s->o, attr, group, &value, size);
}

static void save_words(struct gic_saver *s, uint32_t group, uint64_t base, uint32_t first,
		       uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		save(s, group, base + (first + i) * 4, 4);
}

/*
 * The distributor-layout registers of INTIDs [@first, @end), in restore
 * order, at @base (in @group, with a vCPU's affinity for the SGI frame).
 */
static void save_irqs(struct gic_saver *s, uint32_t group, uint64_t base, uint64_t redist,
		      uint32_t first, uint32_t end, bool spis)
{
	uint32_t w = first / 32, nw = (end - first) / 32;

	save_words(s, group, base + GICD_IGROUPR, w, nw);
	save_words(s, group, base + GICD_ICFGR, first / 16, (end - first) / 16);
	save_words(s, group, base + GICD_IPRIORITYR, first / 4, (end - first) / 4);
	for (uint32_t irq = first; spis && irq < end; irq++)
		save_words(s, group, base + GICD_IROUTER + irq * 8, 0, 2);
	for (uint32_t irq = first; irq < end; irq += 32)
		save(s, KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO,
		     redist | (VGIC_LEVEL_INFO_LINE_LEVEL << KVM_DEV_ARM_VGIC_LINE_LEVEL_INFO_SHIFT) | irq, 4);
	save_words(s, group, base + GICD_ISPENDR, w, nw);
	save_words(s, group, base + GICD_ISACTIVER, w, nw);
	save_words(s, group, base + GICD_ISENABLER, w, nw);
}

static void save_cpu_if(struct gic_saver *s, uint64_t redist)
{
	const uint32_t g = KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS;
	uint64_t ctlr = 0;
	struct kvm_device_attr a = {
		.group = g, .attr = redist | ICC_CTLR_EL1, .addr = (uintptr_t)&ctlr,
	};
	unsigned int nr_apr;

	save(s, g, redist | ICC_SRE_EL1, 8);
	save(s, g, redist | ICC_CTLR_EL1, 8);
	if (!s->err && ioctl(s->fd, KVM_GET_DEVICE_ATTR, &a))
		s->err = -errno;
	/* 5 priority bits: one active-priority register; 6: two; 7: four. */
	nr_apr = 1u << (ICC_CTLR_PRIBITS(ctlr) > 5 ? ICC_CTLR_PRIBITS(ctlr) - 5 : 0);
	save(s, g, redist | ICC_IGRPEN0_EL1, 8);
	save(s, g, redist | ICC_IGRPEN1_EL1, 8);
	save(s, g, redist | ICC_PMR_EL1, 8);
	save(s, g, redist | ICC_BPR0_EL1, 8);
	save(s, g, redist | ICC_BPR1_EL1, 8);
	for (unsigned int n = 0; n < nr_apr && n < 4; n++) {
		save(s, g, redist | ICC_AP0R_EL1(n), 8);
		save(s, g, redist | ICC_AP1R_EL1(n), 8);
	}
}

static int ctrl(int fd, uint64_t what)
{
	struct kvm_device_attr a = { .group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = what };

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

static int save_its(struct vm *vm, struct snap_out *o, char *why, size_t why_len)
{
	struct gic_saver s = { .o = o, .fd = vm->irq.its_fd };
	const uint32_t g = KVM_DEV_ARM_VGIC_GRP_ITS_REGS;
	uint64_t zero = 0;
	size_t begin;
	int ret = ctrl(s.fd, KVM_DEV_ARM_ITS_SAVE_TABLES);

	if (ret) {
		snprintf(why, why_len, "the ITS cannot write its tables to guest RAM: %s",
			 strerror(-ret));
		return ret;
	}
	begin = snap_out_begin(o, SNAP_SEC_ITS, 0);
	save(&s, g, GITS_IIDR, 8);
	save(&s, g, GITS_CBASER, 8);
	save(&s, g, GITS_CREADR, 8);
	save(&s, g, GITS_CWRITER, 8);
	for (unsigned int n = 0; n < GITS_NR_BASER; n++)
		save(&s, g, GITS_BASER + 8 * n, 8);
	if (!s.err)
		snap_out_reg(o, KVM_DEV_ARM_ITS_RESTORE_TABLES, KVM_DEV_ARM_VGIC_GRP_CTRL, &zero, 8);
	save(&s, g, GITS_CTLR, 8);
	snap_out_end(o, begin);
	if (s.err)
		snprintf(why, why_len, "cannot read ITS register 0x%llx: %s",
			 (unsigned long long)s.failed, strerror(-s.err));
	return s.err;
}

int gic_state_save(struct vm *vm, struct snap_out *o, char *why, size_t why_len)
{
	struct gic_saver s = { .o = o, .fd = vm->irq.gic_fd };
	const uint32_t dist = KVM_DEV_ARM_VGIC_GRP_DIST_REGS;
	const uint32_t redist = KVM_DEV_ARM_VGIC_GRP_REDIST_REGS;
	size_t begin;
	int ret;

	if (vm->irq.gic != GIC_V3) {
		snprintf(why, why_len, "a VM with a GICv2 cannot be snapshotted");
		return -ENOTSUP;
	}
	if (vm->irq.its_fd >= 0) {
		ret = ctrl(s.fd, KVM_DEV_ARM_VGIC_SAVE_PENDING_TABLES);
		if (ret) {
			snprintf(why, why_len, "the vGIC cannot write the LPIs' pending bits to guest RAM: %s",
				 strerror(-ret));
			return ret;
		}
	}
	begin = snap_out_begin(o, SNAP_SEC_GIC, 0);
	save(&s, dist, GICD_CTLR, 4);
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		uint64_t r = redist_of(&vm->vcpus[i]);

		save_words(&s, redist, r | GICR_PROPBASER, 0, 2);
		save_words(&s, redist, r | GICR_PENDBASER, 0, 2);
		save(&s, redist, r | GICR_CTLR, 4);
		save(&s, redist, r | GICR_WAKER, 4);
		save_irqs(&s, redist, r | GICR_SGI, r, 0, GIC_SPI_BASE, false);
		save_cpu_if(&s, r);
	}
	save_irqs(&s, dist, 0, redist_of(&vm->vcpus[0]), GIC_SPI_BASE, GIC_NR_IRQS, true);
	snap_out_end(o, begin);
	if (s.err) {
		snprintf(why, why_len, "cannot read vGIC register 0x%llx: %s",
			 (unsigned long long)s.failed, strerror(-s.err));
		return s.err;
	}
	return vm->irq.its_fd >= 0 ? save_its(vm, o, why, why_len) : 0;
}

/* Which groups a section may write, and at what size: the rest is refused. */
static bool allowed(uint32_t tag, const struct snap_reg *r)
{
	if (tag == SNAP_SEC_ITS)
		return (r->group == KVM_DEV_ARM_VGIC_GRP_ITS_REGS && r->size == 8) ||
		       (r->group == KVM_DEV_ARM_VGIC_GRP_CTRL &&
			r->key == KVM_DEV_ARM_ITS_RESTORE_TABLES);
	switch (r->group) {
	case KVM_DEV_ARM_VGIC_GRP_DIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_REDIST_REGS:
	case KVM_DEV_ARM_VGIC_GRP_LEVEL_INFO:
		return r->size == 4;
	case KVM_DEV_ARM_VGIC_GRP_CPU_SYSREGS:
		return r->size == 8;
	default:
		return false;
	}
}

int gic_state_load(struct vm *vm, const struct snap_section *sec, char *why, size_t why_len)
{
	int fd = sec->tag == SNAP_SEC_ITS ? vm->irq.its_fd : vm->irq.gic_fd;
	const char *what = sec->tag == SNAP_SEC_ITS ? "ITS" : "vGIC";
	struct snap_reg r;
	size_t off = 0;
	int ret;

	if (fd < 0 || vm->irq.gic != GIC_V3) {
		snprintf(why, why_len, "the snapshot has %s state, this VM has no %s", what, what);
		return -EINVAL;
	}
	while ((ret = snap_reg_next(sec, &off, &r, why, why_len)) > 0) {
		uint64_t value = 0;
		struct kvm_device_attr a = {
			.group = r.group, .attr = r.key, .addr = (uintptr_t)&value,
		};

		if (!allowed(sec->tag, &r)) {
			snprintf(why, why_len, "%s register 0x%llx in group %u: not one a snapshot sets",
				 what, (unsigned long long)r.key, r.group);
			return -EINVAL;
		}
		memcpy(&value, r.value, r.size);
		if (r.group == KVM_DEV_ARM_VGIC_GRP_CTRL)
			a.addr = 0;
		if (ioctl(fd, KVM_SET_DEVICE_ATTR, &a)) {
			ret = -errno;
			snprintf(why, why_len, "this host's KVM refuses %s register 0x%llx (group %u): %s",
				 what, (unsigned long long)r.key, r.group, strerror(-ret));
			return ret;
		}
	}
	return ret;
}
