// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's virtio devices, wired to KVM: each queue's notify register is an
 * ioeventfd, so a driver's kick wakes the I/O thread without a vCPU exit
 * to lkvm; each interrupt is an irqfd (the SPI of a virtio-mmio device, or
 * one MSI route per MSI-X vector through the ITS). virtio-pci INTx, level
 * triggered and shared, goes through KVM_IRQ_LINE.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "arm64/devices.h"
#include "arm64/kvm_arm64.h"
#include "arm64/vm.h"
#include "core/log.h"
#include "machine/memmap.h"

/*
 * Have KVM signal @fd on a write of @len bytes at @addr (of @data, if
 * @match). Without it the write still reaches lkvm's MMIO handler, which
 * signals the same eventfd: slower, never lost.
 */
static void ioeventfd(struct vm *vm, uint64_t addr, uint32_t len, bool match,
		      uint64_t data, int fd, bool assign)
{
	struct kvm_ioeventfd ev = {
		.datamatch = data, .addr = addr, .len = len, .fd = fd,
		.flags = (match ? KVM_IOEVENTFD_FLAG_DATAMATCH : 0) |
			 (assign ? 0 : KVM_IOEVENTFD_FLAG_DEASSIGN),
	};

	if (ioctl(vm->vm_fd, KVM_IOEVENTFD, &ev))
		pr_debug("KVM_IOEVENTFD %s at %#llx: %s",
			 assign ? "assign" : "deassign",
			 (unsigned long long)addr, strerror(errno));
}

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

static int attach_mmio(struct vm *vm, struct virtio_slot *slot)
{
	struct vm_devices *devs = vm->devices;
	unsigned int n = devs->nr_mmio;
	uint64_t base = VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_STRIDE;
	int ret;

	if (n == VIRTIO_MMIO_MAX) {
		pr_err("%s: no room for another virtio-mmio device (at most %d)",
		       slot->dev->name, VIRTIO_MMIO_MAX);
		return -ENOSPC;
	}
	slot->irq_fd = new_eventfd();
	if (slot->irq_fd < 0)
		return slot->irq_fd;
	ret = arm64_irqfd(vm, slot->irq_fd, IRQ_VIRTIO_MMIO(n) - GIC_SPI_BASE);
	if (ret)
		return ret;
	virtio_mmio_init(&slot->mmio, slot->dev, slot->irq_fd);
	ret = mmio_bus_add(&vm->mmio, base, VIRTIO_MMIO_STRIDE, virtio_mmio_access,
			   &slot->mmio, slot->dev->name);
	if (ret)
		return ret;
	for (unsigned int q = 0; q < slot->dev->ops->nr_queues; q++)
		ioeventfd(vm, base + VIRTIO_MMIO_QUEUE_NOTIFY, 4, true, q,
			  slot->dev->queues[q].notify_fd, true);
	devs->nr_mmio++;
	return 0;
}

/* The requester ID on bus 0, which the ITS takes as the DeviceID. */
static uint32_t pci_devid(const struct virtio_slot *slot)
{
	return slot->pci.fn.slot << 3;
}

static void vpci_msix_route(struct virtio_pci *vp, unsigned int v)
{
	struct virtio_slot *slot = vp->opaque;
	const uint32_t *w = vp->msix[v].word;

	arm64_msi_route(slot->vm, slot->msi_first + v,
			w[MSIX_ADDR_LO] | (uint64_t)w[MSIX_ADDR_HI] << 32,
			w[MSIX_DATA], pci_devid(slot));
}

static void vpci_notify_moved(struct virtio_pci *vp, uint64_t old, uint64_t addr)
{
	struct virtio_slot *slot = vp->opaque;

	for (unsigned int q = 0; q < slot->dev->ops->nr_queues; q++) {
		uint64_t off = VPCI_NOTIFY_OFF + q * VPCI_NOTIFY_MULT;
		int fd = slot->dev->queues[q].notify_fd;

		/* Drivers write the queue index as 16 bits (4.1.5.2). */
		if (old)
			ioeventfd(slot->vm, old + off, 2, false, 0, fd, false);
		if (addr)
			ioeventfd(slot->vm, addr + off, 2, false, 0, fd, true);
	}
}

static const struct virtio_pci_ops vpci_ops = {
	.msix_route = vpci_msix_route,
	.notify_moved = vpci_notify_moved,
};

static void pci_set_irq(void *opaque, unsigned int line, bool level)
{
	arm64_irq_line(opaque, IRQ_PCI_INTX(line), level);
}

static int attach_pci(struct vm *vm, struct virtio_slot *slot)
{
	struct vm_devices *devs = vm->devices;
	bool msix = vm->irq.its_fd >= 0;
	unsigned int nr_vectors = slot->dev->ops->nr_queues + 1;
	int ret;

	if (!devs->nr_pci) {
		pci_host_init(&devs->pci, PCI_MMIO_BASE, PCI_MMIO_SIZE, pci_set_irq, vm);
		ret = mmio_bus_add(&vm->mmio, PCI_ECAM_BASE, PCI_ECAM_SIZE,
				   pci_ecam_access, &devs->pci, "pci-ecam");
		ret = ret ?: mmio_bus_add(&vm->mmio, PCI_MMIO_BASE, PCI_MMIO_SIZE,
					  pci_mmio_access, &devs->pci, "pci-mmio");
		if (ret)
			return ret;
	}
	devs->nr_pci++;
	if (msix) {
		ret = arm64_msi_alloc(vm, nr_vectors, &slot->msi_first);
		for (unsigned int v = 0; !ret && v < nr_vectors; v++) {
			slot->vector_fds[v] = new_eventfd();
			ret = slot->vector_fds[v] < 0 ? slot->vector_fds[v] :
			      arm64_irqfd(vm, slot->vector_fds[v],
					  GSI_MSI_BASE + slot->msi_first + v);
		}
		if (ret)
			return ret;
	}
	virtio_pci_init(&slot->pci, slot->dev, &vpci_ops, slot,
			msix ? slot->vector_fds : NULL);
	ret = pci_host_add(&devs->pci, &slot->pci.fn);
	if (ret < 0)
		pr_err("%s: no free PCI slot (at most %d)", slot->dev->name,
		       PCI_MAX_SLOTS);
	return ret < 0 ? ret : 0;
}

static int attach(struct vm *vm, struct virtio_dev *dev,
		  enum virtio_transport_kind transport)
{
	struct vm_devices *devs = vm->devices;
	struct virtio_slot *slot = &devs->slots[devs->nr_slots++];

	slot->vm = vm;
	slot->dev = dev;
	slot->irq_fd = -1;
	for (unsigned int v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++)
		slot->vector_fds[v] = -1;
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
		slot->watches[q] = (struct queue_watch) { slot, q };
	return transport == VIRTIO_MMIO ? attach_mmio(vm, slot) : attach_pci(vm, slot);
}

/* The console's pending input reached the guest: read the terminal again. */
static void console_drained(void *opaque)
{
	struct vm *vm = opaque;

	console_input_space(vm);
}

/*
 * A NIC waits for what its queues need: packets while the guest has
 * receive buffers, room to finish a frame passt has not taken.
 */
static void net_set_events(void *opaque, int fd, uint32_t events)
{
	struct vm *vm = opaque;

	ioloop_set_events(&vm->io.loop, fd, events);
}

/* -n mode=user: virtio-net on the stream of a passt of its own. */
static int create_user_nic(struct vm *vm, unsigned int i)
{
	const struct net_config *nic = &vm->cfg->nics[i];
	struct vm_devices *devs = vm->devices;
	char why[200];
	int fd, ret;

	devs->nets[i].fd = -1;
	ret = passt_start(&devs->passts[i], nic, &fd, why, sizeof(why));
	if (ret && vm->cfg->default_network)
		pr_warn("network: no user-mode network: %s; -n mode=none goes without one quietly",
			why);
	else if (ret)
		pr_err("--network mode=user: %s", why);
	if (ret)
		return ret;
	ret = virtio_net_init_fd(&devs->nets[i], NET_BACKEND_STREAM, fd, nic->guest_mac, i,
				 &devs->mem, net_set_events, vm);
	if (ret)
		pr_err("--network mode=user: %s", strerror(-ret));
	return ret;
}

/*
 * Guest RAM the balloon says the guest does not use: dropped, so that the
 * host takes the pages back; the guest's next touch gets a zeroed page.
 */
static void discard_guest_ram(void *opaque, void *host, size_t len)
{
	if (madvise(host, len, MADV_DONTNEED))
		pr_debug("virtio-balloon: madvise(%p, %zu): %s", host, len, strerror(errno));
}

static int create_vsock(struct vm *vm)
{
	struct vm_devices *devs = vm->devices;
	char why[200];
	int ret = virtio_vsock_init(&devs->vsock, "/dev/vhost-vsock", vm->cfg->vsock_cid,
				    &devs->mem, why, sizeof(why));

	if (ret) {
		pr_err("--vsock %llu: %s", (unsigned long long)vm->cfg->vsock_cid, why);
		return ret;
	}
	return attach(vm, &devs->vsock.dev, vm->cfg->transport);
}

/*
 * Each inode a guest holds is one of lkvm's descriptors, as in virtiofsd:
 * lkvm takes as many as it may (the soft limit is often 1024; root may
 * raise the hard one too), keeps 256 for itself and each folder's open
 * files, and shares the rest between the folders.
 */
static uint32_t fs_max_nodes(unsigned int nr_fs)
{
	const struct rlimit wanted = { 1u << 20, 1u << 20 };	/* Linux's nr_open */
	uint64_t kept = 256 + (uint64_t)nr_fs * FUSE_HANDLES_MAX, per_fs;
	struct rlimit rl;

	if (setrlimit(RLIMIT_NOFILE, &wanted) && !getrlimit(RLIMIT_NOFILE, &rl) &&
	    rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl))
		return 256;
	per_fs = rl.rlim_cur > kept + 256 * nr_fs ? (rl.rlim_cur - kept) / nr_fs : 256;
	return per_fs < FUSE_NODES_MAX ? per_fs : FUSE_NODES_MAX;
}

static int create_fs(struct vm *vm, unsigned int i, uint32_t max_nodes)
{
	const struct fs_config *fs = &vm->cfg->fs[i];
	struct vm_devices *devs = vm->devices;
	char why[200];
	int ret = virtio_fs_init(&devs->fs[i], fs, i, &devs->mem, max_nodes, why, sizeof(why));

	if (ret) {
		pr_err("--fs %s: %s", fs->path, why);
		return ret;
	}
	devs->nr_fs++;
	ret = attach(vm, &devs->fs[i].dev, vm->cfg->transport);
	devs->slots[devs->nr_slots - 1].own_thread = true;
	return ret;
}

int devices_create(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	struct vm_devices *devs;
	int ret = 0;

	devs = calloc(1, sizeof(*devs));
	if (!devs)
		return -ENOMEM;
	vm->devices = devs;
	devs->mem = (struct vq_guest_mem) { vm->mem.ram.gpa, vm->mem.ram.size, vm->mem.ram.host };

	if (cfg->console == CONSOLE_VIRTIO) {
		ret = virtio_console_init(&devs->console, &devs->mem, vm_console_transmit,
					  console_drained, vm);
		ret = ret ?: attach(vm, &devs->console.dev, cfg->transport);
		if (ret)
			return ret;
	}
	for (unsigned int i = 0; i < cfg->nr_disks; i++) {
		ret = virtio_blk_init(&devs->blks[i], &cfg->disks[i], i, &devs->mem);
		devs->nr_blks++;
		ret = ret ?: attach(vm, &devs->blks[i].dev, cfg->transport);
		if (ret)
			return ret;
	}
	for (unsigned int i = 0; i < cfg->nr_nics; i++) {
		if (cfg->nics[i].mode == NET_MODE_USER)
			ret = create_user_nic(vm, i);
		else
			ret = virtio_net_init(&devs->nets[i], &cfg->nics[i], i, &devs->mem,
					      net_set_events, vm);
		/* A quick VM runs on where the default NIC cannot. */
		if (ret && cfg->default_network) {
			ret = 0;
			continue;
		}
		devs->nr_nets++;
		ret = ret ?: attach(vm, &devs->nets[i].dev, cfg->nics[i].transport);
		if (ret)
			return ret;
	}
	if (cfg->rng) {
		ret = virtio_rng_init(&devs->rng, &devs->mem);
		ret = ret ?: attach(vm, &devs->rng.dev, cfg->transport);
	}
	if (!ret && cfg->vsock_cid)
		ret = create_vsock(vm);
	if (!ret && cfg->balloon) {
		ret = virtio_balloon_init(&devs->balloon, &devs->mem, sysconf(_SC_PAGESIZE),
					  discard_guest_ram, vm);
		ret = ret ?: attach(vm, &devs->balloon.dev, cfg->transport);
	}
	if (!ret && cfg->nr_fs) {
		uint32_t max_nodes = fs_max_nodes(cfg->nr_fs);

		for (unsigned int i = 0; !ret && i < cfg->nr_fs; i++)
			ret = create_fs(vm, i, max_nodes);
	}
	return ret;
}

void devices_on_queue_notify(struct ioloop *loop, void *opaque)
{
	struct queue_watch *w = opaque;
	struct virtio_dev *dev = w->slot->dev;
	eventfd_t v;

	(void)loop;
	if (eventfd_read(dev->queues[w->q].notify_fd, &v))
		return;
	pthread_mutex_lock(&dev->lock);
	virtio_queue_notify(dev, w->q);
	pthread_mutex_unlock(&dev->lock);
}

/* Either queue's eventfd: both are looked at, the other one is cheap. */
static void on_vsock_used(struct ioloop *loop, void *opaque)
{
	struct vm_devices *devs = opaque;

	(void)loop;
	virtio_vsock_used(&devs->vsock, 0);
	virtio_vsock_used(&devs->vsock, 1);
}

static void on_passt_message(struct ioloop *loop, void *opaque)
{
	struct passt *p = opaque;

	if (!passt_drain_messages(p))
		ioloop_unwatch(loop, p->err_fd);
}

static void on_net_ready(struct ioloop *loop, void *opaque)
{
	struct virtio_net *net = opaque;

	virtio_net_backend_writable(net);
	virtio_net_backend_readable(net);
	/* A closed stream would be reported ready for ever. */
	if (net->gone)
		ioloop_unwatch(loop, net->fd);
}

int devices_start_io(struct vm *vm)
{
	struct vm_devices *devs = vm->devices;
	int ret = 0;

	for (unsigned int i = 0; devs && i < devs->nr_nets && !ret; i++)
		ret = ioloop_watch(&vm->io.loop, devs->nets[i].fd, on_net_ready, &devs->nets[i]);
	for (unsigned int i = 0; devs && i < devs->nr_nets && !ret; i++)
		if (devs->passts[i].pid)
			ret = ioloop_watch(&vm->io.loop, devs->passts[i].err_fd, on_passt_message,
					   &devs->passts[i]);
	for (unsigned int i = 0; devs && i < devs->nr_slots && !ret; i++) {
		struct virtio_slot *slot = &devs->slots[i];

		for (unsigned int q = 0; q < slot->dev->ops->nr_queues && !ret; q++)
			if (!(slot->dev->ops->kernel_queues & 1u << q) && !slot->own_thread)
				ret = ioloop_watch(&vm->io.loop, slot->dev->queues[q].notify_fd,
						   devices_on_queue_notify, &slot->watches[q]);
	}
	for (unsigned int q = 0; devs && devs->vsock.dev.ops && q < 2 && !ret; q++)
		ret = ioloop_watch(&vm->io.loop, devs->vsock.call_fds[q], on_vsock_used, devs);
	return ret;
}

/* "network: virtio-net0 through passt, guest MAC ..., tcp 127.0.0.1:2222 to 22" */
static void report_user_nic(const struct virtio_net *net, const struct net_config *nic)
{
	const uint8_t *mac = net->config;
	char fwds[MAX_HOSTFWDS * 40] = "";
	size_t used = 0;

	for (unsigned int i = 0; i < nic->nr_fwds; i++) {
		const struct net_hostfwd *f = &nic->fwds[i];

		used += snprintf(fwds + used, sizeof(fwds) - used, ", %s %u.%u.%u.%u:%u to %u",
				 f->udp ? "udp" : "tcp", f->host_ip >> 24, f->host_ip >> 16 & 0xff,
				 f->host_ip >> 8 & 0xff, f->host_ip & 0xff, f->host_port,
				 f->guest_port);
	}
	pr_info("network: %s through passt (user mode), guest MAC %02x:%02x:%02x:%02x:%02x:%02x%s",
		net->dev.name, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], fwds);
}

void devices_report(struct vm *vm)
{
	for (unsigned int i = 0; vm->devices && i < vm->devices->nr_nets; i++) {
		const struct virtio_net *net = &vm->devices->nets[i];
		const uint8_t *mac = net->config;

		if (net->backend == NET_BACKEND_TAP)
			pr_info("network: %s on tap %s, guest MAC %02x:%02x:%02x:%02x:%02x:%02x",
				net->dev.name, net->ifname, mac[0], mac[1], mac[2], mac[3],
				mac[4], mac[5]);
		else
			report_user_nic(net, &vm->cfg->nics[i]);
	}
	for (unsigned int i = 0; vm->devices && i < vm->devices->nr_fs; i++) {
		const struct fs_config *fs = &vm->cfg->fs[i];
		bool root = vm->cfg->fs_root && !strcmp(fs->tag, "root");
		char how[FS_TAG_MAX + 48];

		snprintf(how, sizeof(how), root ? "the guest's root file system" :
			 "in the guest: mount -t virtiofs %s DIR", fs->tag);
		pr_info("folder: %s%s as %s, tag %s (%s)", fs->path, fs->ro ? ", read-only," : "",
			vm->devices->fs[i].dev.name, fs->tag, how);
	}
}

size_t devices_console_space(struct vm *vm)
{
	return virtio_console_rx_space(&vm->devices->console);
}

size_t devices_console_input(struct vm *vm, const uint8_t *buf, size_t len)
{
	return virtio_console_input(&vm->devices->console, buf, len);
}

void devices_destroy(struct vm *vm)
{
	struct vm_devices *devs = vm->devices;

	if (!devs)
		return;
	fs_thread_stop(vm);
	for (unsigned int i = 0; i < devs->nr_slots; i++) {
		struct virtio_slot *slot = &devs->slots[i];

		if (slot->irq_fd >= 0)
			close(slot->irq_fd);
		for (unsigned int v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++)
			if (slot->vector_fds[v] >= 0)
				close(slot->vector_fds[v]);
	}
	for (unsigned int i = 0; i < devs->nr_blks; i++)
		virtio_blk_destroy(&devs->blks[i]);
	/* A NIC's end of passt's stream closes first: then passt exits. */
	for (unsigned int i = 0; i < devs->nr_nets; i++)
		virtio_net_destroy(&devs->nets[i]);
	for (unsigned int i = 0; i < devs->nr_nets; i++)
		passt_stop(&devs->passts[i]);
	virtio_dev_destroy(&devs->rng.dev);
	if (devs->balloon.dev.ops)
		virtio_dev_destroy(&devs->balloon.dev);
	for (unsigned int i = 0; i < devs->nr_fs; i++)
		virtio_fs_destroy(&devs->fs[i]);
	if (devs->vsock.dev.ops)
		virtio_vsock_destroy(&devs->vsock);
	virtio_dev_destroy(&devs->console.dev);
	if (devs->nr_pci)
		pci_host_destroy(&devs->pci);
	free(devs);
	vm->devices = NULL;
}
