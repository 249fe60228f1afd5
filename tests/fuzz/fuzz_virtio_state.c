// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for a virtio device's snapshot state (virtio/state.c,
 * the virtio-pci part in virtio/pci.c, the console's pending input), which
 * a restore reads from a file anyone could have written. The input's
 * header (virtio_host.h) sizes guest RAM, one heap block of exactly that
 * size; its next byte picks the device: virtio-console or virtio-rng, on
 * virtio-pci with MSI-X, with INTx only, or on virtio-mmio. The rest,
 * copied into an allocation of exactly its size, is the state to load.
 * Checked:
 *   - a refusal comes with a reason; a state taken is one a driver could
 *     have left: accepted features among those offered, with VERSION_1
 *     once FEATURES_OK; ready queues aligned and wholly inside guest RAM;
 *     every vector named one the function has; the PBA only its vectors;
 *     INTA asserted (to the bridge too) only with an ISR bit to read,
 *     INTx enabled and MSI-X off; BAR 0 decoding only inside the bridge's
 *     window, the notify ioeventfds (notify_moved) where it decodes;
 *   - saved again, the state is what was loaded, byte for byte, and a
 *     second device takes it too;
 *   - the device then serves the resume kick, and every queue again,
 *     within a queue size of chains each (the guest RAM is whatever the
 *     input left in it: zeros and the entropy it wrote).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/le.h"
#include "hw/pci.h"
#include "tests/fuzz/virtio_host.h"
#include "virtio/console.h"
#include "virtio/mmio.h"
#include "virtio/pci.h"
#include "virtio/rng.h"

#define GPA		0x40000000ull
#define MMIO_WIN	0x10000000ull
#define MMIO_WIN_SIZE	0x1000000ull

enum { ON_MSIX, ON_INTX, ON_MMIO, NR_TRANSPORTS };

struct harness {
	struct vq_guest_mem mem;
	struct virtio_console con;
	struct virtio_rng rng;
	struct virtio_dev *dev;
	struct virtio_pci vp;
	struct virtio_mmio mmio;
	struct pci_host host;
	int fds[VIRTIO_PCI_MAX_VECTORS];
	int irq_fd;
	uint64_t notify_at;
	bool intx;
};

static void set_intx(void *opaque, unsigned int line, bool level)
{
	struct harness *h = opaque;

	(void)line;
	h->intx = level;
}

static void msix_route(struct virtio_pci *vp, unsigned int v)
{
	check(v < vp->nr_vectors);
}

static void notify_moved(struct virtio_pci *vp, uint64_t old, uint64_t addr)
{
	struct harness *h = vp->opaque;

	check(old == h->notify_at);
	h->notify_at = addr;
}

static const struct virtio_pci_ops vpci_ops = { .msix_route = msix_route,
						 .notify_moved = notify_moved };

static void drained(void *opaque)
{
	(void)opaque;
}

static void harness_init(struct harness *h, struct vq_guest_mem mem, bool console, int transport)
{
	memset(h, 0, sizeof(*h));
	h->mem = mem;
	if (console) {
		check(!virtio_console_init(&h->con, &h->mem, take_output, drained, NULL));
		h->dev = &h->con.dev;
	} else {
		check(!virtio_rng_init(&h->rng, &h->mem));
		h->dev = &h->rng.dev;
	}
	for (unsigned int v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++)
		h->fds[v] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	h->irq_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (transport == ON_MMIO) {
		virtio_mmio_init(&h->mmio, h->dev, h->irq_fd);
		return;
	}
	pci_host_init(&h->host, MMIO_WIN, MMIO_WIN_SIZE, set_intx, h);
	virtio_pci_init(&h->vp, h->dev, &vpci_ops, h, transport == ON_MSIX ? h->fds : NULL);
	check(pci_host_add(&h->host, &h->vp.fn) == 0);
}

static void harness_destroy(struct harness *h, int transport)
{
	virtio_dev_destroy(h->dev);
	for (unsigned int v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++)
		close(h->fds[v]);
	close(h->irq_fd);
	if (transport != ON_MMIO)
		pci_host_destroy(&h->host);
}

/* What a driver could have left, as loaded. */
static void check_loaded(struct harness *h, int transport)
{
	struct virtio_dev *dev = h->dev;
	struct virtio_pci *vp = &h->vp;

	check(!(dev->driver_features & ~dev->features));
	if (dev->status & VIRTIO_STATUS_FEATURES_OK)
		check(acceptable(dev->features, dev->driver_features));
	for (unsigned int q = 0; q < dev->ops->nr_queues; q++)
		check_ready_queue(&h->mem, &dev->queues[q]);
	if (transport == ON_MMIO)
		return;
	for (unsigned int q = 0; q < dev->ops->nr_queues; q++)
		check(dev->queues[q].msix_vector == VIRTIO_NO_VECTOR ||
		      (vp->has_msix && dev->queues[q].msix_vector < vp->nr_vectors));
	check(dev->config_msix_vector == VIRTIO_NO_VECTOR ||
	      (vp->has_msix && dev->config_msix_vector < vp->nr_vectors));
	check(!(vp->msix_pending >> vp->nr_vectors));
	check(h->intx == vp->fn.intx);
	if (vp->fn.intx)
		check(dev->isr && !(get_le16(vp->fn.cfg + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE) &&
		      !virtio_pci_msix_enabled(vp));
	check(h->notify_at == vp->fn.bar_mapped[0]);
	if (vp->fn.bar_mapped[0])
		check(vp->fn.bar_mapped[0] >= MMIO_WIN &&
		      vp->fn.bar_mapped[0] - MMIO_WIN <= MMIO_WIN_SIZE - VPCI_BAR_SIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	uint8_t *state, saved[VIRTIO_STATE_MAX], again[VIRTIO_STATE_MAX];
	struct harness *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));
	struct vq_guest_mem mem;
	char why[200] = "";
	uint64_t ram;
	bool console;
	int transport;
	size_t n, len;

	take_header(&p, end, &ram);
	console = pick(&p, end) & 1;
	transport = pick(&p, end) % NR_TRANSPORTS;
	len = end - p;
	state = malloc(len ? len : 1);
	memcpy(state, p, len);
	mem = (struct vq_guest_mem){ GPA, ram, calloc(1, ram) };
	harness_init(a, mem, console, transport);
	harness_init(b, mem, console, transport);

	if (virtio_state_load(a->dev, state, len, why, sizeof(why))) {
		check(why[0] && strlen(why) < sizeof(why) - 1 && !strchr(why, '\n'));
		goto out;
	}
	check_loaded(a, transport);
	n = virtio_state_save(a->dev, saved);
	check(n == len && !memcmp(saved, state, len));
	check(!virtio_state_load(b->dev, saved, n, why, sizeof(why)));
	check(virtio_state_save(b->dev, again) == n && !memcmp(again, saved, n));

	virtio_kick_live_queues(a->dev);
	for (unsigned int turn = 0; turn < 4 && serve_kicks(a->dev); turn++)
		;
	for (unsigned int q = 0; q < a->dev->ops->nr_queues; q++)
		eventfd_write(a->dev->queues[q].notify_fd, 1);
	for (unsigned int turn = 0; turn < 4 && serve_kicks(a->dev); turn++)
		;
out:
	harness_destroy(a, transport);
	harness_destroy(b, transport);
	free(mem.host);
	free(state);
	free(a);
	free(b);
	return 0;
}
