// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the PCI host bridge (hw/pci.c) and the modern
 * virtio-pci transport behind it (virtio/pci.c), with two real devices:
 * virtio-rng in slot 0 and virtio-console in slot 1, each offering MSI-X
 * or not as the input's first byte says. The input is a hostile guest's
 * program: ECAM config accesses of any width at any offset of any slot
 * and function, accesses into the BAR windows wherever the guest placed
 * them (or anywhere in the bridge's MMIO window), queue kicks as KVM's
 * ioeventfds give them (only where the BAR decodes), writes into guest
 * RAM, and host input for the console. After each step the I/O thread's
 * work is done synchronously, as arm64/devices.c does it.
 *
 * Guest RAM is one heap block of exactly its size, so that AddressSanitizer
 * sees any access outside it. Only the callbacks the code asks for are
 * ours (INTx lines, MSI routes, notify moves; and a recorder wrapped
 * around each function's bar_access to see what the bridge routes).
 * Invariants checked after every step:
 *   - config space: every bit the write mask does not cover keeps its
 *     initial value; BAR 0 reads back aligned to its size with the type
 *     bits 0, BARs 1-5 read 0; where BAR 0 decodes is exactly where the
 *     guest put it if memory decode is on and it fits the window, else
 *     nowhere; the notify ioeventfds (notify_moved) follow it exactly;
 *   - routing: an access in the MMIO window reaches a function exactly
 *     when it falls inside a BAR as placed (the lowest slot's on overlap),
 *     at the right offset; any other read is all-ones;
 *   - ECAM reads: absent functions all-ones, the extended space and
 *     misaligned or odd-width accesses 0;
 *   - virtio: a broken device shows NEEDS_RESET and is mended only
 *     through a reset; with FEATURES_OK, the driver's features are a
 *     subset of what the device offers (computed here) with VERSION_1; a
 *     ready queue lies inside guest RAM, aligned, as its registers say;
 *     reads of the common structure, ISR, device configuration, MSI-X
 *     table and PBA give what the spec and the code's comments say, and
 *     the holes between them read 0;
 *   - interrupts: INTx lines are the OR of the functions asserting them,
 *     only edges are reported, a function asserts only with an ISR bit
 *     set, INTx enabled and MSI-X off; an MSI-X vector fires only while
 *     MSI-X is enabled and the vector unmasked, and is then not pending;
 *     MSI routes are asked only for vectors that exist;
 *   - bounded work: one wake-up of a queue (a notification, console
 *     input) takes at most one queue size of chains.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/le.h"
#include "core/log.h"
#include "hw/pci.h"
#include "machine/memmap.h"
#include "tests/fuzz/virtio_host.h"
#include "virtio/console.h"
#include "virtio/pci.h"
#include "virtio/rng.h"


#define GPA_LOW		0x10000ull	/* low, so that small numbers are addresses */
#define GPA_HIGH	0x100000000ull	/* above 4 GiB: the high halves matter */
#define NR_FNS		2
#define MAX_STEPS	512
#define IO_ROUNDS	4

#define CORE_OFFER	(1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_EVENT_IDX | \
			 1ull << VIRTIO_F_INDIRECT_DESC)
#define CONSOLE_F_EMERG_WRITE	2

/* The common configuration structure (Virtio 1.2, 4.1.4.3), written out here. */
enum {
	CC_DFSELECT = 0x00, CC_DF = 0x04, CC_GFSELECT = 0x08, CC_GF = 0x0c,
	CC_MSIX_CONFIG = 0x10, CC_NUM_QUEUES = 0x12, CC_STATUS = 0x14,
	CC_Q_SELECT = 0x16, CC_Q_SIZE = 0x18, CC_Q_MSIX = 0x1a, CC_SIZE = 0x38,
};

#define PCI_CAP_ID_MSIX	0x11
#define MSIX_ENABLE	0x8000
#define MSIX_MASKALL	0x4000

struct world {
	struct vq_guest_mem mem;
	struct virtio_rng rng;
	struct virtio_console con;
	struct pci_host host;
	struct virtio_pci vp[NR_FNS];
	struct virtio_dev *dev[NR_FNS];
	uint64_t offered[NR_FNS];
	uint8_t cfg0[NR_FNS][PCI_CFG_SIZE];	/* config space as created */
	unsigned int msix_cap[NR_FNS];		/* 0: none offered */
	int vector_fds[NR_FNS][VIRTIO_PCI_MAX_VECTORS];
	bool intx_level[4];
	uint64_t notify_at[NR_FNS];
	/* What the bridge last handed to a function's bar_access. */
	struct {
		struct pci_function *fn;
		int bar;
		uint64_t off;
		unsigned int count;
	} routed;
};

static struct world *W;
static void input_drained(void *opaque)
{
	(void)opaque;
}

static int fn_index(const struct virtio_pci *vp)
{
	return vp == &W->vp[0] ? 0 : 1;
}

/* --- the callbacks the code asks for: recorders ------------------------ */

static void set_intx(void *opaque, unsigned int line, bool level)
{
	struct world *w = opaque;

	check(line < 4);
	check(w->intx_level[line] != level);	/* edges only */
	w->intx_level[line] = level;
}

static void msix_route(struct virtio_pci *vp, unsigned int v)
{
	check(vp->has_msix && v < vp->nr_vectors);
}

static void notify_moved(struct virtio_pci *vp, uint64_t old, uint64_t addr)
{
	int i = fn_index(vp);

	check(old == W->notify_at[i] && addr != old);
	check(!addr || (addr >= PCI_MMIO_BASE && !(addr % VPCI_BAR_SIZE) &&
			addr - PCI_MMIO_BASE <= PCI_MMIO_SIZE - VPCI_BAR_SIZE));
	W->notify_at[i] = addr;
}

static const struct virtio_pci_ops vpci_ops = {
	.msix_route = msix_route,
	.notify_moved = notify_moved,
};

/* virtio/pci.c's own function ops, and the same with a routing recorder. */
static const struct pci_function_ops *real_fn_ops;
static struct pci_function_ops recorded_fn_ops;

static void recorded_bar_access(struct pci_function *fn, int bar, uint64_t off,
				uint8_t *data, uint32_t len, bool is_write)
{
	W->routed.fn = fn;
	W->routed.bar = bar;
	W->routed.off = off;
	W->routed.count++;
	real_fn_ops->bar_access(fn, bar, off, data, len, is_write);
}

/* --- invariants -------------------------------------------------------- */

static uint16_t msix_ctrl(const struct world *w, int i)
{
	return w->msix_cap[i] ? get_le16(w->vp[i].fn.cfg + w->msix_cap[i] + 2) : 0;
}

static bool msix_on(const struct world *w, int i)
{
	return msix_ctrl(w, i) & MSIX_ENABLE;
}

static bool vector_masked(const struct world *w, int i, unsigned int v)
{
	return (msix_ctrl(w, i) & MSIX_MASKALL) ||
	       (w->vp[i].msix[v].word[MSIX_CTRL_WORD] & 1);
}

/* Where BAR 0 must decode, from the config space alone. */
static uint64_t expected_bar0(const struct world *w, int i)
{
	const uint8_t *cfg = w->vp[i].fn.cfg;
	uint64_t addr = get_le32(cfg + PCI_BAR0) & ~0xfull;

	if (!(get_le16(cfg + PCI_COMMAND) & PCI_COMMAND_MEMORY))
		return 0;
	if (addr < PCI_MMIO_BASE || addr - PCI_MMIO_BASE > PCI_MMIO_SIZE - VPCI_BAR_SIZE)
		return 0;
	return addr;
}

struct snapshot {
	uint8_t status[NR_FNS];
	bool broken[NR_FNS];
};

static void snap(const struct world *w, struct snapshot *s)
{
	for (int i = 0; i < NR_FNS; i++) {
		s->status[i] = w->dev[i]->status;
		s->broken[i] = w->dev[i]->broken;
	}
}

static void check_virtio(const struct world *w, int i, const struct snapshot *before)
{
	const struct virtio_dev *dev = w->dev[i];
	const struct virtio_pci *vp = &w->vp[i];

	/* Not the converse: core.c keeps a NEEDS_RESET the driver wrote. */
	check(!dev->broken || (dev->status & VIRTIO_STATUS_NEEDS_RESET));
	if (before->broken[i] && !dev->broken) {
		check(dev->status == 0 && dev->isr == 0 && !dev->driver_features);
		for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
			check(!dev->queues[q].ready);
	}
	if (dev->status & VIRTIO_STATUS_FEATURES_OK)
		check(acceptable(w->offered[i], dev->driver_features));
	check(!(dev->isr & ~(VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG)));
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		const struct virtio_queue *vq = &dev->queues[q];

		if (q >= dev->ops->nr_queues) {
			check(!vq->ready);
			continue;
		}
		check_ready_queue(&w->mem, vq);
		check(vq->msix_vector == VIRTIO_NO_VECTOR ||
		      (vp->has_msix && vq->msix_vector < vp->nr_vectors));
	}
	check(dev->config_msix_vector == VIRTIO_NO_VECTOR ||
	      (vp->has_msix && dev->config_msix_vector < vp->nr_vectors));
}

static void check_pci(struct world *w)
{
	unsigned int asserting[4] = { 0 };

	for (int i = 0; i < NR_FNS; i++) {
		const struct pci_function *fn = &w->vp[i].fn;
		const struct virtio_pci *vp = &w->vp[i];

		/* Bits outside the write mask never move. */
		for (int r = 0; r < PCI_CFG_SIZE; r++)
			check(!((fn->cfg[r] ^ w->cfg0[i][r]) & ~fn->wmask[r]));
		check(!(get_le32(fn->cfg + PCI_BAR0) & (VPCI_BAR_SIZE - 1)));
		for (int b = 1; b < PCI_NR_BARS; b++) {
			check(!get_le32(fn->cfg + PCI_BAR0 + 4 * b));
			check(!fn->bar_mapped[b]);
		}
		check(fn->bar_mapped[0] == expected_bar0(w, i));
		check(w->notify_at[i] == fn->bar_mapped[0]);

		if (fn->intx) {
			asserting[pci_intx_line(fn->slot)]++;
			check(w->dev[i]->isr);
			check(!(get_le16(fn->cfg + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE));
			check(!msix_on(w, i));
		}
		check(!(vp->msix_pending & ~((1u << vp->nr_vectors) - 1)));
		for (unsigned int v = 0; vp->has_msix && v < vp->nr_vectors; v++) {
			if (!signals(w->vector_fds[i][v]))
				continue;
			check(msix_on(w, i) && !vector_masked(w, i, v));
			check(!(vp->msix_pending & 1u << v));
		}
	}
	for (int line = 0; line < 4; line++) {
		check(w->host.intx_count[line] == asserting[line]);
		check(w->intx_level[line] == (asserting[line] > 0));
	}
}

/* The I/O thread: turns until no queue is signalled, at most IO_ROUNDS. */
static void io_loop(struct world *w)
{
	bool busy = true;

	for (int round = 0; round < IO_ROUNDS && busy; round++) {
		busy = false;
		for (int i = 0; i < NR_FNS; i++)
			busy |= serve_kicks(w->dev[i]);
	}
}

/* --- accesses ---------------------------------------------------------- */

static void check_zero(const uint8_t *d, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		check(d[i] == 0);
}

/* A read of BAR 0 at @off, @len bytes, of function @i, as the guest saw it. */
static void check_bar_read(struct world *w, int i, uint64_t off, const uint8_t *d,
			   uint32_t len, uint32_t isr_before)
{
	struct virtio_dev *dev = w->dev[i];
	struct virtio_pci *vp = &w->vp[i];
	uint64_t v = 0;

	memcpy(&v, d, len);
	if (len > VPCI_BAR_SIZE - off) {
		check_zero(d, len);
	} else if (off < CC_SIZE) {
		if (off + len > CC_SIZE) {
			check_zero(d, len);
		} else if (off == CC_DF && len == 4) {
			check(dev->device_features_sel < 2 ?
			      v == (uint32_t)(w->offered[i] >> (32 * dev->device_features_sel)) :
			      !v);
		} else if (off == CC_GF && len == 4 && (dev->status & VIRTIO_STATUS_FEATURES_OK)) {
			check(dev->driver_features_sel < 2 ?
			      !(v & ~(uint32_t)(w->offered[i] >> (32 * dev->driver_features_sel))) :
			      !v);
		} else if (off == CC_NUM_QUEUES && len == 2) {
			check(v == dev->ops->nr_queues);
		} else if (off >= CC_Q_SIZE && dev->queue_sel >= dev->ops->nr_queues) {
			check(!v);	/* a queue that does not exist reads all 0 */
		} else if ((off == CC_MSIX_CONFIG || off == CC_Q_MSIX) && len == 2) {
			check(v == VIRTIO_NO_VECTOR || (vp->has_msix && v < vp->nr_vectors));
		} else if (off == CC_STATUS && len == 1) {
			check(v == dev->status);
		}
	} else if (off == VPCI_ISR_OFF) {
		/* Read-to-clear, and the line goes down with it. */
		check(v == isr_before && !(v & ~3ull));
		check(!dev->isr && !vp->fn.intx);
	} else if (off >= VPCI_DEVICE_OFF && off < VPCI_NOTIFY_OFF) {
		uint32_t c = off - VPCI_DEVICE_OFF, size = dev->ops->config_size;

		for (uint32_t b = 0; b < len; b++)
			check(d[b] == (c + len <= size ? dev->config[c + b] : 0));
	} else if (off >= VPCI_MSIX_TABLE_OFF && vp->has_msix) {
		uint64_t t = off - VPCI_MSIX_TABLE_OFF;

		if (off >= VPCI_MSIX_PBA_OFF) {
			t = off - VPCI_MSIX_PBA_OFF;
			if (t + len <= 8) {
				uint64_t pba = (uint64_t)vp->msix_pending >> (8 * t);

				check(!(v & ~pba));
			} else {
				check_zero(d, len);
			}
		} else if (t / 16 >= vp->nr_vectors || t % 4 || (len != 4 && len != 8)) {
			check_zero(d, len);
		} else if (t % 16 == 12 && len == 4) {
			check(!(v & ~1ull));	/* only the mask bit of vector control */
		}
	} else {
		/* Between the structures, the notify area, no MSI-X: nothing. */
		check_zero(d, len);
	}
}

/* An access at @offset into the bridge's MMIO window (the bus checked it). */
static void window_access(struct world *w, uint64_t offset, uint32_t len,
			  bool is_write, uint64_t value)
{
	uint64_t addr = PCI_MMIO_BASE + offset, hit_off = 0;
	struct pci_function *hit = NULL;
	uint32_t isr_before = 0;
	uint8_t d[8];
	int hit_i = 0;

	if (offset >= PCI_MMIO_SIZE || len > PCI_MMIO_SIZE - offset)
		return;
	/* The lowest slot whose BAR, as placed, holds the address. */
	for (int i = 0; i < NR_FNS && !hit; i++) {
		uint64_t base = w->vp[i].fn.bar_mapped[0];

		if (base && addr >= base && addr - base < VPCI_BAR_SIZE) {
			hit = &w->vp[i].fn;
			hit_i = i;
			hit_off = addr - base;
			isr_before = w->dev[i]->isr;
		}
	}
	w->routed.count = 0;
	put_le64(d, is_write ? value : 0xa5a5a5a5a5a5a5a5ull);
	pci_mmio_access(&w->host, offset, d, len, is_write);
	if (!hit) {
		check(w->routed.count == 0);
		if (!is_write)
			for (uint32_t b = 0; b < len; b++)
				check(d[b] == 0xff);	/* master abort */
		return;
	}
	check(w->routed.count == 1 && w->routed.fn == hit && w->routed.bar == 0 &&
	      w->routed.off == hit_off);
	if (!is_write)
		check_bar_read(w, hit_i, hit_off, d, len, isr_before);
}

static void ecam_access(struct world *w, uint64_t offset, uint32_t len,
			bool is_write, uint64_t value)
{
	unsigned int slot = (offset >> 15) & 31, func = (offset >> 12) & 7;
	uint32_t reg = offset & 0xfff;
	bool present = func == 0 && slot < NR_FNS;
	uint8_t d[8];

	if (offset + len > PCI_ECAM_SIZE)
		return;
	put_le64(d, is_write ? value : 0xa5a5a5a5a5a5a5a5ull);
	pci_ecam_access(&w->host, offset, d, len, is_write);
	if (is_write)
		return;
	for (uint32_t b = 0; b < len; b++) {
		if (!present)
			check(d[b] == 0xff);
		else if (reg >= PCI_CFG_SIZE || (len != 1 && len != 2 && len != 4) || reg % len)
			check(d[b] == 0);
	}
}

/* Find a capability by walking the list, as a driver would. */
static unsigned int find_cap(const uint8_t *cfg, uint8_t id)
{
	unsigned int hops = 0;

	for (unsigned int p = cfg[PCI_CAPABILITY_LIST]; p && hops < 48; p = cfg[p + 1], hops++)
		if (cfg[p] == id)
			return p;
	return 0;
}

static void setup(struct world *w, uint8_t flags)
{
	pci_host_init(&w->host, PCI_MMIO_BASE, PCI_MMIO_SIZE, set_intx, w);
	check(!virtio_rng_init(&w->rng, &w->mem));
	check(!virtio_console_init(&w->con, &w->mem, take_output, input_drained, w));
	w->dev[0] = &w->rng.dev;
	w->dev[1] = &w->con.dev;
	w->offered[0] = CORE_OFFER;
	w->offered[1] = CORE_OFFER | 1ull << CONSOLE_F_EMERG_WRITE;
	for (int i = 0; i < NR_FNS; i++) {
		bool msix = flags & (1 << i);

		for (int v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++)
			w->vector_fds[i][v] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		virtio_pci_init(&w->vp[i], w->dev[i], &vpci_ops, w,
				msix ? w->vector_fds[i] : NULL);
		real_fn_ops = w->vp[i].fn.ops;
		recorded_fn_ops = *real_fn_ops;
		recorded_fn_ops.bar_access = recorded_bar_access;
		w->vp[i].fn.ops = &recorded_fn_ops;
		check(pci_host_add(&w->host, &w->vp[i].fn) == i);
		memcpy(w->cfg0[i], w->vp[i].fn.cfg, PCI_CFG_SIZE);
		w->msix_cap[i] = find_cap(w->cfg0[i], PCI_CAP_ID_MSIX);
		check(!!w->msix_cap[i] == msix);
	}
}

static void teardown(struct world *w)
{
	for (int i = 0; i < NR_FNS; i++) {
		virtio_dev_destroy(w->dev[i]);
		for (int v = 0; v < VIRTIO_PCI_MAX_VECTORS; v++)
			close(w->vector_fds[i][v]);
	}
	pci_host_destroy(&w->host);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct world *w;
	uint8_t flags;
	uint64_t ram;

	if (size < 4)
		return 0;
	flags = take_header(&p, end, &ram);

	W = w = calloc(1, sizeof(*w));
	w->mem.gpa = flags & 4 ? GPA_HIGH : GPA_LOW;
	w->mem.size = ram;
	w->mem.host = malloc(ram);	/* exactly: ASan guards both ends */
	memset(w->mem.host, 0, ram);
	setup(w, flags);

	for (int step = 0; step < MAX_STEPS && p < end; step++) {
		uint8_t op = pick(&p, end);
		struct snapshot before;

		snap(w, &before);
		switch (op & 7) {
		case 0:		/* ECAM: slot/function, register, width, direction */
		case 1: {
			uint8_t sf = pick(&p, end);
			uint32_t reg = pick_n(&p, end, 2) % 0x1000;
			uint32_t len = 1u << (pick(&p, end) & 3);
			bool is_write = op & 1;
			uint64_t v = is_write ? pick_n(&p, end, len) : 0;
			unsigned int func = sf & 0x80 ? 1 + (sf >> 4) % 7 : 0;

			ecam_access(w, (sf & 31) << 15 | func << 12 | reg, len, is_write, v);
			break;
		}
		case 2:		/* into a function's BAR 0, where the guest put it */
		case 3: {
			uint8_t fsel = pick(&p, end);
			uint32_t off = pick_n(&p, end, 2) % (VPCI_BAR_SIZE + 0x100);
			uint32_t len = 1u << (pick(&p, end) & 3);
			bool is_write = op & 1;
			uint64_t v = is_write ? pick_n(&p, end, len) : 0;
			uint64_t bar = get_le32(w->vp[fsel % NR_FNS].fn.cfg + PCI_BAR0) & ~0xfull;

			if (bar + off >= PCI_MMIO_BASE)
				window_access(w, bar + off - PCI_MMIO_BASE, len, is_write, v);
			break;
		}
		case 4: {	/* anywhere in the window */
			uint64_t off = pick_n(&p, end, 4) % PCI_MMIO_SIZE;
			uint8_t wl = pick(&p, end);
			uint32_t len = 1u << (wl & 3);

			window_access(w, off, len, wl & 4, wl & 4 ? pick_n(&p, end, len) : 0);
			break;
		}
		case 5: {	/* KVM's ioeventfd took a kick: only where BAR 0 decodes */
			uint8_t b = pick(&p, end);
			int i = b & 1;
			unsigned int q = b >> 1;

			if (w->notify_at[i] && q < w->dev[i]->ops->nr_queues)
				eventfd_write(w->dev[i]->queues[q].notify_fd, 1);
			break;
		}
		case 6: {	/* the guest writes its RAM */
			uint32_t at = pick_n(&p, end, 2) % ram, n = pick(&p, end);

			for (uint32_t b = 0; b < n && at + b < ram; b++)
				w->mem.host[at + b] = pick(&p, end);
			break;
		}
		default: {	/* host input for the console's receive queue */
			uint8_t buf[64];
			uint32_t n = pick(&p, end) % sizeof(buf);

			for (uint32_t b = 0; b < n; b++)
				buf[b] = pick(&p, end);
			if (n && n <= VIRTIO_CONSOLE_PENDING - w->con.pending_len) {
				struct virtqueue *rx = &w->con.dev.queues[0].vq;
				uint16_t used = rx->used_idx;

				virtio_console_input(&w->con, buf, n);
				check((uint16_t)(rx->used_idx - used) <= rx->size);
			}
			break;
		}
		}
		io_loop(w);
		for (int i = 0; i < NR_FNS; i++)
			check_virtio(w, i, &before);
		check_pci(w);
	}

	teardown(w);
	free(w->mem.host);
	free(w);
	W = NULL;
	return 0;
}
