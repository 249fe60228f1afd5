// SPDX-License-Identifier: GPL-2.0
/*
 * The in-kernel vGIC (Documentation/virt/kvm/devices/arm-vgic{,-v3}.rst):
 * created before the vCPUs with its addresses, sized and initialised after.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "arm64/kvm_arm64.h"
#include "arm64/kvm_uapi.h"
#include "core/log.h"
#include "machine/memmap.h"

static int set_attr(int fd, uint32_t group, uint64_t attr, const void *val)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uintptr_t)val,
	};

	return ioctl(fd, KVM_SET_DEVICE_ATTR, &a) ? -errno : 0;
}

static int create_gic(struct vm *vm, enum gic_version version)
{
	struct kvm_create_device dev = {
		.type = version == GIC_V3 ? KVM_DEV_TYPE_ARM_VGIC_V3 :
					    KVM_DEV_TYPE_ARM_VGIC_V2,
	};
	uint64_t dist = GIC_DIST_BASE, cpu = GICV2_CPU_BASE;
	uint64_t redist = GICV3_REDIST_BASE;
	int ret;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev))
		return -errno;
	if (version == GIC_V3) {
		ret = set_attr(dev.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			       KVM_VGIC_V3_ADDR_TYPE_DIST, &dist);
		ret = ret ?: set_attr(dev.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
				      KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist);
	} else {
		ret = set_attr(dev.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
			       KVM_VGIC_V2_ADDR_TYPE_DIST, &dist);
		ret = ret ?: set_attr(dev.fd, KVM_DEV_ARM_VGIC_GRP_ADDR,
				      KVM_VGIC_V2_ADDR_TYPE_CPU, &cpu);
	}
	if (ret) {
		pr_err("vGICv%d: cannot set its addresses: %s", version,
		       strerror(-ret));
		close(dev.fd);
		return ret;
	}
	vm->irq.gic_fd = dev.fd;
	vm->irq.gic = version;
	return 0;
}

/*
 * The ITS turns PCI devices' MSI writes into LPIs; with it, KVM wants each
 * MSI to carry the requester ID as the DeviceID (KVM_CAP_MSI_DEVID).
 */
static int create_its(struct vm *vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_ITS };
	uint64_t base = GIC_ITS_BASE;
	int ret;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev))
		return -errno;
	ret = set_attr(dev.fd, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_ITS_ADDR_TYPE,
		       &base);
	if (ret) {
		close(dev.fd);
		return ret;
	}
	vm->irq.its_fd = dev.fd;
	return 0;
}

int arm64_gic_create(struct vm *vm)
{
	enum irqchip_kind want = vm->cfg->irqchip;
	int ret;

	if (want != IRQCHIP_GICV2) {
		ret = create_gic(vm, GIC_V3);
		if (ret && (want != IRQCHIP_AUTO || vm->cfg->nested)) {
			pr_err("--%s: this host cannot give the guest a GICv3: %s",
			       want == IRQCHIP_GICV3 ? "irqchip gicv3" :
			       want == IRQCHIP_GICV3_ITS ? "irqchip gicv3-its" : "nested",
			       strerror(-ret));
			return ret;
		}
		if (!ret && want != IRQCHIP_GICV3) {
			int its = create_its(vm);

			if (its && want == IRQCHIP_GICV3_ITS) {
				pr_err("--irqchip gicv3-its: this host cannot give the guest an ITS: %s",
				       strerror(-its));
				return its;
			}
			if (its)
				pr_debug("no ITS (%s): PCI devices will use INTx",
					 strerror(-its));
		}
		if (!ret)
			return 0;
		pr_debug("no vGICv3 (%s); trying vGICv2", strerror(-ret));
	}
	ret = create_gic(vm, GIC_V2);
	if (ret)
		pr_err("--irqchip %s: this host cannot give the guest a GICv2%s: %s",
		       want == IRQCHIP_AUTO ? "auto" : "gicv2",
		       want == IRQCHIP_AUTO ? " nor a GICv3" : "",
		       strerror(-ret));
	else if (vm->nr_cpus > GICV2_MAX_CPUS)
		ret = -EINVAL, pr_err("--cpus %u: a GICv2 guest has at most %u vCPUs",
				      vm->nr_cpus, GICV2_MAX_CPUS);
	return ret;
}

int arm64_gic_finalize(struct vm *vm)
{
	uint32_t nr_irqs = GIC_NR_IRQS, maint = PPI_GIC_MAINT;
	int ret;

	ret = set_attr(vm->irq.gic_fd, KVM_DEV_ARM_VGIC_GRP_NR_IRQS, 0, &nr_irqs);
	/* A guest hypervisor's own vGIC signals through this PPI. */
	if (!ret && vm->cfg->nested)
		ret = set_attr(vm->irq.gic_fd, KVM_DEV_ARM_VGIC_GRP_MAINT_IRQ, 0, &maint);
	ret = ret ?: set_attr(vm->irq.gic_fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
			      KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
	if (ret) {
		pr_err("vGICv%d: initialisation failed: %s", vm->irq.gic,
		       strerror(-ret));
		return ret;
	}
	if (vm->irq.its_fd >= 0) {
		ret = set_attr(vm->irq.its_fd, KVM_DEV_ARM_VGIC_GRP_CTRL,
			       KVM_DEV_ARM_VGIC_CTRL_INIT, NULL);
		if (ret)
			pr_err("vGIC ITS: initialisation failed: %s", strerror(-ret));
	}
	return ret;
}

int arm64_irq_line(struct vm *vm, unsigned int intid, int level)
{
	struct kvm_irq_level irq = {
		.irq = KVM_ARM_IRQ_TYPE_SPI << KVM_ARM_IRQ_TYPE_SHIFT | intid,
		.level = level,
	};

	if (ioctl(vm->vm_fd, KVM_IRQ_LINE, &irq)) {
		pr_warn("interrupt %u: KVM_IRQ_LINE failed: %s", intid,
			strerror(errno));
		return -errno;
	}
	return 0;
}
