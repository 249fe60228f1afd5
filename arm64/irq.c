// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts from devices on the I/O thread without an ioctl each: an
 * eventfd bound with KVM_IRQFD to a GSI. GSIs below GSI_MSI_BASE are SPIs
 * (the vGIC's default routing); the MSI routes above it are rewritten
 * whenever a guest programs an MSI-X vector (api.rst, KVM_SET_GSI_ROUTING,
 * which replaces the whole table, so the SPI entries are restated).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "arm64/kvm_arm64.h"
#include "core/log.h"
#include "machine/memmap.h"

#define NR_SPI_ROUTES	(GIC_NR_IRQS - GIC_SPI_BASE)

int arm64_irqfd(struct vm *vm, int fd, unsigned int gsi)
{
	struct kvm_irqfd irqfd = { .fd = fd, .gsi = gsi };

	if (ioctl(vm->vm_fd, KVM_IRQFD, &irqfd)) {
		pr_err("KVM_IRQFD for GSI %u failed: %s", gsi, strerror(errno));
		return -errno;
	}
	return 0;
}

void arm64_irq_init(struct vm_irq *irq)
{
	memset(irq, 0, sizeof(*irq));
	irq->gic_fd = irq->its_fd = -1;
	pthread_mutex_init(&irq->lock, NULL);
}

void arm64_irq_destroy(struct vm_irq *irq)
{
	if (irq->its_fd >= 0)
		close(irq->its_fd);
	if (irq->gic_fd >= 0)
		close(irq->gic_fd);
	irq->its_fd = irq->gic_fd = -1;
	pthread_mutex_destroy(&irq->lock);
}

int arm64_msi_alloc(struct vm *vm, unsigned int count, unsigned int *first)
{
	if (count > MSI_ROUTES_MAX - vm->irq.nr_msi_routes)
		return -ENOSPC;
	*first = vm->irq.nr_msi_routes;
	vm->irq.nr_msi_routes += count;
	return 0;
}

static int set_routing(struct vm *vm)
{
	unsigned int nr = NR_SPI_ROUTES + vm->irq.nr_msi_routes;
	struct kvm_irq_routing *table;
	int ret = 0;

	table = calloc(1, sizeof(*table) + nr * sizeof(table->entries[0]));
	if (!table)
		return -ENOMEM;
	table->nr = nr;
	for (unsigned int i = 0; i < NR_SPI_ROUTES; i++) {
		struct kvm_irq_routing_entry *e = &table->entries[i];

		e->gsi = i;
		e->type = KVM_IRQ_ROUTING_IRQCHIP;
		e->u.irqchip.pin = i;
	}
	for (unsigned int i = 0; i < vm->irq.nr_msi_routes; i++) {
		struct kvm_irq_routing_entry *e = &table->entries[NR_SPI_ROUTES + i];
		const struct msi_route *r = &vm->irq.msi_routes[i];

		e->gsi = GSI_MSI_BASE + i;
		e->type = KVM_IRQ_ROUTING_MSI;
		e->flags = KVM_MSI_VALID_DEVID;
		e->u.msi.address_lo = r->addr;
		e->u.msi.address_hi = r->addr >> 32;
		e->u.msi.data = r->data;
		e->u.msi.devid = r->devid;
	}
	if (ioctl(vm->vm_fd, KVM_SET_GSI_ROUTING, table))
		ret = -errno;
	free(table);
	return ret;
}

int arm64_msi_route(struct vm *vm, unsigned int n, uint64_t addr, uint32_t data,
		    uint32_t devid)
{
	struct msi_route *r = &vm->irq.msi_routes[n];
	int ret = 0;

	pthread_mutex_lock(&vm->irq.lock);
	if (r->addr != addr || r->data != data || r->devid != devid || !r->set) {
		*r = (struct msi_route) { addr, data, devid, true };
		ret = set_routing(vm);
	}
	pthread_mutex_unlock(&vm->irq.lock);
	if (ret)
		pr_warn("KVM_SET_GSI_ROUTING for MSI %#llx/%#x failed: %s",
			(unsigned long long)addr, data, strerror(-ret));
	return ret;
}
