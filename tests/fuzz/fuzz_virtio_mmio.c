// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the virtio-mmio transport (virtio/mmio.c) with a
 * real device behind it: virtio-rng, virtio-console (two queues and a
 * configuration space), virtio-vsock on a stand-in for the kernel's
 * vhost-vsock, or virtio-balloon (four queues, a configuration the driver
 * writes), picked by the input's first byte. The input is a
 * hostile driver's program: register accesses of any width at any offset
 * of the 0x200-byte window, queue kicks as KVM's ioeventfd gives them,
 * writes into guest RAM between accesses (the rings are there), and host
 * input for the console. After every step the I/O thread's work is done
 * synchronously: each queue whose notify eventfd was signalled gets one
 * virtio_queue_notify(), as arm64/devices.c does.
 *
 * Guest RAM is one heap block of exactly its size, so that AddressSanitizer
 * sees any access outside it. Invariants checked after every step:
 *   - a broken device shows NEEDS_RESET, and leaves the broken state
 *     only through a reset (status 0, nothing ready, ISR clear);
 *   - with FEATURES_OK, the driver's features are a subset of what the
 *     device offers (computed here, not read from the device) and include
 *     VERSION_1; FEATURES_OK is refused exactly when they are not;
 *   - a ready queue was set up inside guest RAM: its size a power of two
 *     up to 256, its three parts aligned and wholly inside RAM, and the
 *     mapping the device uses is the one the registers read back;
 *   - an interrupt (a signal on the irq eventfd) comes only with an ISR
 *     bit set, ISR holds no other bits, and a device that enters
 *     NEEDS_RESET after DRIVER_OK interrupts with the config bit;
 *   - reads: the identity registers read their constants, device features
 *     only offered bits, write-only and unknown registers 0, accesses not
 *     32-bit and aligned 0 in every byte, the configuration the device's
 *     bytes where it exists and 0 beyond;
 *   - bounded work: one wake-up of a queue (a notification, console
 *     input) takes at most one queue size of chains; the rest waits for
 *     the next turn of the I/O loop;
 *   - vsock: vhost is handed only guest RAM: its memory table is RAM's,
 *     and each ring it is given lies wholly inside RAM, aligned, of a
 *     size up to 256 and a power of two; it runs only once both queues
 *     were handed over whole with their own kick and call eventfds and
 *     features the driver took and vhost offered, and only while the
 *     device is at DRIVER_OK and not broken; a vhost that refuses a step
 *     leaves the device needing a reset; its "used" signals reach the
 *     guest only while it runs;
 *   - balloon: what it gives back to the host is whole 4 KiB pages of
 *     guest RAM, and it holds at most one statistics buffer, which lkvm
 *     asking for statistics (now and then) gives back; a target lkvm sets
 *     is never beyond RAM.
 */
#include <errno.h>
#include <linux/vhost.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/random.h>
#include <unistd.h>

#include "core/le.h"
#include "core/log.h"
#include "tests/fuzz/virtio_host.h"
#include "virtio/balloon.h"
#include "virtio/console.h"
#include "virtio/mmio.h"
#include "virtio/rng.h"
#include "virtio/vsock.h"


#define GPA_LOW		0x10000ull	/* low, so that small numbers are addresses */
#define GPA_HIGH	0x100000000ull	/* above 4 GiB: the HIGH halves matter */
#define MAX_STEPS	512
#define IO_ROUNDS	4	/* I/O loop turns after each step */

#define CORE_OFFER	(1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_EVENT_IDX | \
			 1ull << VIRTIO_F_INDIRECT_DESC)
#define CONSOLE_F_EMERG_WRITE	2

/* Register offsets of Virtio 1.2 4.2.2, written out independently. */
enum {
	R_MAGIC = 0x000, R_VERSION = 0x004, R_DEVICE_ID = 0x008, R_VENDOR = 0x00c,
	R_DEV_FEATURES = 0x010, R_DEV_FEATURES_SEL = 0x014,
	R_DRV_FEATURES = 0x020, R_DRV_FEATURES_SEL = 0x024,
	R_QUEUE_SEL = 0x030, R_QUEUE_NUM_MAX = 0x034, R_QUEUE_NUM = 0x038,
	R_QUEUE_READY = 0x044, R_QUEUE_NOTIFY = 0x050, R_ISR = 0x060,
	R_ISR_ACK = 0x064, R_STATUS = 0x070,
	R_DESC_LO = 0x080, R_DESC_HI = 0x084, R_DRIVER_LO = 0x090,
	R_DRIVER_HI = 0x094, R_DEVICE_LO = 0x0a0, R_DEVICE_HI = 0x0a4,
	R_SHM_SEL = 0x0ac, R_SHM_LEN_LO = 0x0b0, R_SHM_LEN_HI = 0x0b4,
	R_SHM_BASE_LO = 0x0b8, R_SHM_BASE_HI = 0x0bc,
	R_GENERATION = 0x0fc, R_CONFIG = 0x100,
};

struct world {
	struct vq_guest_mem mem;
	struct virtio_rng rng;
	struct virtio_console con;
	struct virtio_vsock vsock;
	struct virtio_balloon balloon;
	struct virtio_dev *dev;
	struct virtio_mmio mmio;
	uint64_t offered;	/* what this device must offer, from its spec */
	int irq_fd;
	bool is_console, is_vsock, is_balloon;
	unsigned int drained;	/* input_drained() calls */
};

#define VSOCK_F_SEQPACKET	1
#define VHOST_OFFER	(CORE_OFFER | 1ull << VSOCK_F_SEQPACKET | 1ull << 33 /* ACCESS_PLATFORM */)

#define BALLOON_OFFER	(CORE_OFFER | 1ull << 1 | 1ull << 2 | 1ull << 5)
#define PAGE		4096

/* The balloon's discards: whole pages, inside RAM; nothing is dropped here. */
static void check_discard(void *opaque, void *host, size_t len)
{
	const struct world *w = opaque;
	uintptr_t start = (uintptr_t)w->mem.host, at = (uintptr_t)host;

	check(len && len % PAGE == 0 && at % PAGE == 0);
	check(at >= start && at - start < w->mem.size && len <= w->mem.size - (at - start));
}

/* The stand-in for vhost-vsock: what lkvm handed it, since its last stop. */
static struct {
	const struct world *w;
	uint16_t num[2];
	bool queue_set[2][4];	/* num, addr, kick, call */
	bool running;
	unsigned long fail;	/* a request it refuses, or 0 */
} vhost;

/* [@addr, @addr + @len) is lkvm's mapping of guest RAM, @align-aligned in the guest. */
static bool in_lkvm_ram(const struct world *w, uint64_t addr, uint64_t len, uint64_t align)
{
	uint64_t start = (uintptr_t)w->mem.host;

	return addr >= start && addr - start <= w->mem.size && len <= w->mem.size - (addr - start) &&
	       (w->mem.gpa + (addr - start)) % align == 0;
}

static int fake_vhost(int fd, unsigned long request, void *arg)
{
	const struct world *w = vhost.w;
	const struct vhost_vring_state *st = arg;
	const struct vhost_vring_addr *a = arg;
	const struct vhost_vring_file *f = arg;
	const struct vhost_memory *table = arg;

	(void)fd;
	if (request == vhost.fail) {
		errno = EINVAL;
		return -1;
	}
	switch (request) {
	case VHOST_SET_OWNER:
		return 0;
	case VHOST_GET_FEATURES:
		*(uint64_t *)arg = VHOST_OFFER;
		return 0;
	case VHOST_SET_MEM_TABLE:
		check(table->nregions == 1 && table->regions[0].guest_phys_addr == w->mem.gpa &&
		      table->regions[0].memory_size == w->mem.size &&
		      table->regions[0].userspace_addr == (uintptr_t)w->mem.host);
		return 0;
	case VHOST_VSOCK_SET_GUEST_CID:
		check(*(uint64_t *)arg == 3);
		return 0;
	case VHOST_SET_FEATURES:
		check(!vhost.running && !(*(uint64_t *)arg & ~VHOST_OFFER) &&
		      *(uint64_t *)arg == (w->dev->driver_features & VHOST_OFFER));
		return 0;
	case VHOST_SET_VRING_NUM:
		check(!vhost.running && st->index < 2 && st->num && st->num <= 256 &&
		      !(st->num & (st->num - 1)));
		vhost.num[st->index] = st->num;
		vhost.queue_set[st->index][0] = true;
		return 0;
	case VHOST_SET_VRING_BASE:
		check(!vhost.running && st->index < 2 && st->num == 0);
		return 0;
	case VHOST_SET_VRING_ADDR:
		check(!vhost.running && a->index < 2 && vhost.queue_set[a->index][0]);
		check(in_lkvm_ram(w, a->desc_user_addr, 16ull * vhost.num[a->index], 16));
		check(in_lkvm_ram(w, a->avail_user_addr, 6 + 2ull * vhost.num[a->index], 2));
		check(in_lkvm_ram(w, a->used_user_addr, 6 + 8ull * vhost.num[a->index], 4));
		vhost.queue_set[a->index][1] = true;
		return 0;
	case VHOST_SET_VRING_KICK:
		check(f->index < 2 && f->fd == w->dev->queues[f->index].notify_fd);
		vhost.queue_set[f->index][2] = true;
		return 0;
	case VHOST_SET_VRING_CALL:
		check(f->index < 2 && f->fd == w->vsock.call_fds[f->index]);
		vhost.queue_set[f->index][3] = true;
		return 0;
	case VHOST_VSOCK_SET_RUNNING:
		if (*(int *)arg) {
			for (int q = 0; q < 2; q++)
				for (int i = 0; i < 4; i++)
					check(vhost.queue_set[q][i]);
		} else {
			memset(vhost.queue_set, 0, sizeof(vhost.queue_set));
		}
		vhost.running = *(int *)arg;
		return 0;
	}
	check(false);
	return -1;
}

static void input_drained(void *opaque)
{
	struct world *w = opaque;

	w->drained++;
}

/* How many times an eventfd was signalled since the last look. */
struct snapshot {
	uint8_t status;
	bool broken;
};

static void snap(const struct world *w, struct snapshot *s)
{
	s->status = w->dev->status;
	s->broken = w->dev->broken;
}

static void check_state(const struct world *w, const struct snapshot *before,
			uint64_t irqs)
{
	const struct virtio_dev *dev = w->dev;

	/*
	 * A broken device shows NEEDS_RESET. Not the converse: core.c keeps
	 * a NEEDS_RESET the driver writes itself (reported, not ours to fix).
	 */
	check(!dev->broken || (dev->status & VIRTIO_STATUS_NEEDS_RESET));
	if (before->broken && !dev->broken) {
		/* Only a reset leaves NEEDS_RESET. */
		check(dev->status == 0 && dev->isr == 0 && !dev->driver_features);
		for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
			check(!dev->queues[q].ready);
	}
	if (dev->status & VIRTIO_STATUS_FEATURES_OK)
		check(acceptable(w->offered, dev->driver_features));
	check(!(dev->isr & ~(VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG)));
	if (irqs)
		check(dev->isr);
	if (!before->broken && dev->broken && (before->status & VIRTIO_STATUS_DRIVER_OK))
		check(irqs && (dev->isr & VIRTIO_ISR_CONFIG));
	for (unsigned int q = 0; q < w->dev->ops->nr_queues; q++)
		check_ready_queue(&w->mem, &w->dev->queues[q]);
	for (unsigned int q = w->dev->ops->nr_queues; q < VIRTIO_MAX_QUEUES; q++)
		check(!dev->queues[q].ready);
	if (w->is_vsock) {
		check(vhost.running == w->vsock.running);
		check(!vhost.running || ((dev->status & VIRTIO_STATUS_DRIVER_OK) && !dev->broken));
		/* A refused start: the device needs a reset. */
		if (vhost.fail && (dev->status & VIRTIO_STATUS_DRIVER_OK) &&
		    !(before->status & VIRTIO_STATUS_DRIVER_OK) && !before->broken)
			check(dev->broken);
	}
}

/* The I/O thread: turns until no queue is signalled, at most IO_ROUNDS. */
static void io_loop(struct world *w)
{
	for (int round = 0; round < IO_ROUNDS && serve_kicks(w->dev); round++)
		;
}

static bool readable_reg(uint32_t off)
{
	switch (off) {
	case R_MAGIC: case R_VERSION: case R_DEVICE_ID: case R_VENDOR:
	case R_DEV_FEATURES: case R_QUEUE_NUM_MAX: case R_QUEUE_READY:
	case R_ISR: case R_STATUS: case R_SHM_LEN_LO: case R_SHM_LEN_HI:
	case R_GENERATION: case R_QUEUE_NUM: case R_DESC_LO: case R_DESC_HI:
	case R_DRIVER_LO: case R_DRIVER_HI: case R_DEVICE_LO: case R_DEVICE_HI:
		return true;
	}
	return false;
}

static void check_read(struct world *w, uint32_t off, const uint8_t *d, uint32_t len)
{
	struct virtio_dev *dev = w->dev;
	const struct virtio_queue *vq = dev->queue_sel < dev->ops->nr_queues ?
					&dev->queues[dev->queue_sel] : NULL;
	uint32_t v = get_le32(d);

	if (off >= R_CONFIG) {
		uint32_t c = off - R_CONFIG, size = dev->ops->config_size;

		for (uint32_t i = 0; i < len; i++)
			check(d[i] == (c + len <= size ? dev->config[c + i] : 0));
		return;
	}
	if (len != 4 || off % 4 || !readable_reg(off)) {
		for (uint32_t i = 0; i < len; i++)
			check(d[i] == 0);
		return;
	}
	switch (off) {
	case R_MAGIC:
		check(v == 0x74726976);
		break;
	case R_VERSION:
		check(v == 2);
		break;
	case R_DEVICE_ID:
		check(v == (w->is_console ? VIRTIO_ID_CONSOLE :
			    w->is_vsock ? VIRTIO_ID_VSOCK :
			    w->is_balloon ? VIRTIO_ID_BALLOON : VIRTIO_ID_RNG));
		break;
	case R_DEV_FEATURES:
		check(dev->device_features_sel < 2 ?
		      v == (uint32_t)(w->offered >> (32 * dev->device_features_sel)) : !v);
		break;
	case R_QUEUE_NUM_MAX:
		check(v == (vq ? VQ_MAX_SIZE : 0));
		break;
	case R_QUEUE_READY:
		check(v == (vq && vq->ready));
		break;
	case R_ISR:
		check(v == dev->isr && !(v & ~3u));
		break;
	case R_STATUS:
		check(v == dev->status);
		break;
	case R_SHM_LEN_LO:
	case R_SHM_LEN_HI:
		check(v == 0xffffffff);
		break;
	case R_QUEUE_NUM:
		check(v == (vq ? vq->size : 0));
		break;
	case R_DESC_LO: case R_DESC_HI: case R_DRIVER_LO: case R_DRIVER_HI:
	case R_DEVICE_LO: case R_DEVICE_HI:
		if (!vq) {
			check(v == 0);
			break;
		}
		/* A live queue's addresses are the ones it was set up with. */
		if (vq->ready) {
			const uint8_t *part = off < R_DRIVER_LO ? vq->vq.desc :
					      off < R_DEVICE_LO ? vq->vq.avail : vq->vq.used;
			uint64_t gpa = w->mem.gpa + (part - w->mem.host);

			check(v == (uint32_t)(off % 8 ? gpa >> 32 : gpa));
		}
		break;
	}
}

/* One access through the window, as the MMIO bus hands it over. */
static void guest_access(struct world *w, uint32_t off, uint32_t len, bool is_write,
		   uint64_t value)
{
	uint8_t d[8], was = w->dev->status;

	off %= VIRTIO_MMIO_SIZE;
	if (off + len > VIRTIO_MMIO_SIZE)
		return;		/* the bus refuses it before the device */
	if (is_write) {
		put_le64(d, value);
		virtio_mmio_access(&w->mmio, off, d, len, true);
	} else {
		memset(d, 0xa5, sizeof(d));	/* every byte must be written */
		virtio_mmio_access(&w->mmio, off, d, len, false);
		check_read(w, off, d, len);
	}
	/* FEATURES_OK is kept exactly when the driver's choice is acceptable. */
	if (is_write && off == R_STATUS && len == 4 && (value & 0xff) &&
	    (value & VIRTIO_STATUS_FEATURES_OK) &&
	    !(was & VIRTIO_STATUS_FEATURES_OK))
		check(!!(w->dev->status & VIRTIO_STATUS_FEATURES_OK) ==
		      acceptable(w->offered, w->dev->driver_features));
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

	w = calloc(1, sizeof(*w));
	w->mem.gpa = flags & 2 ? GPA_HIGH : GPA_LOW;
	w->mem.size = ram;
	w->mem.host = malloc(ram);	/* exactly: ASan guards both ends */
	memset(w->mem.host, 0, ram);
	w->irq_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	w->is_console = flags & 1;
	w->is_vsock = !w->is_console && (flags & 4);
	w->is_balloon = !w->is_console && !w->is_vsock && (flags & 8);
	if (w->is_console) {
		check(!virtio_console_init(&w->con, &w->mem, take_output, input_drained, w));
		w->dev = &w->con.dev;
		w->offered = CORE_OFFER | 1ull << CONSOLE_F_EMERG_WRITE;
	} else if (w->is_vsock) {
		static const unsigned long refusable[] = {
			VHOST_SET_FEATURES, VHOST_SET_VRING_NUM, VHOST_SET_VRING_ADDR,
			VHOST_SET_VRING_CALL, VHOST_VSOCK_SET_RUNNING,
		};
		char why[160];

		memset(&vhost, 0, sizeof(vhost));
		vhost.w = w;
		if (flags & 8)
			vhost.fail = refusable[(flags >> 4) % 5];
		check(!virtio_vsock_init_fd(&w->vsock, eventfd(0, EFD_CLOEXEC), fake_vhost, 3, &w->mem,
					    why, sizeof(why)));
		w->dev = &w->vsock.dev;
		w->offered = CORE_OFFER | 1ull << VSOCK_F_SEQPACKET;
	} else if (w->is_balloon) {
		check(!virtio_balloon_init(&w->balloon, &w->mem, PAGE, check_discard, w));
		w->dev = &w->balloon.dev;
		w->offered = BALLOON_OFFER;
	} else {
		check(!virtio_rng_init(&w->rng, &w->mem));
		w->dev = &w->rng.dev;
		w->offered = CORE_OFFER;
	}
	virtio_mmio_init(&w->mmio, w->dev, w->irq_fd);

	for (int step = 0; step < MAX_STEPS && p < end; step++) {
		uint8_t op = pick(&p, end);
		struct snapshot before;

		snap(w, &before);
		switch (op & 7) {
		case 0:		/* any access: offset, width, direction, value */
		case 1: {
			uint32_t off = pick_n(&p, end, 2);
			uint32_t len = 1u << (pick(&p, end) & 3);
			bool is_write = op & 1;
			uint64_t v = is_write ? pick_n(&p, end, len) : 0;

			guest_access(w, off, len, is_write, v);
			break;
		}
		case 2:		/* a 32-bit register write, the common case */
			guest_access(w, pick(&p, end) * 4, 4, true, pick_n(&p, end, 4));
			break;
		case 3:		/* a 32-bit register read */
			guest_access(w, pick(&p, end) * 4, 4, false, 0);
			break;
		case 4: {	/* KVM's ioeventfd on QueueNotify took the kick */
			uint8_t q = pick(&p, end);

			if (q < w->dev->ops->nr_queues)
				eventfd_write(w->dev->queues[q].notify_fd, 1);
			break;
		}
		case 5: {	/* the guest writes its RAM: rings, descriptors, buffers */
			uint32_t at = pick_n(&p, end, 2) % ram, n = pick(&p, end);

			for (uint32_t i = 0; i < n && at + i < ram; i++)
				w->mem.host[at + i] = pick(&p, end);
			break;
		}
		case 6: {	/* host input for the console; vsock: vhost used buffers;
				 * balloon: lkvm stat or lkvm balloon */
			uint8_t buf[64];
			uint32_t n = pick(&p, end);

			if (w->is_balloon && (n & 1)) {
				/* lkvm balloon: a new target, never beyond RAM */
				virtio_balloon_set_target(&w->balloon, n * 7);
				check(virtio_balloon_target(&w->balloon) <= w->mem.size / PAGE);
				break;
			}
			if (w->is_balloon) {
				bool held = w->balloon.stats_held;
				bool asked = virtio_balloon_request_stats(&w->balloon);

				check(!asked || (held && !w->balloon.stats_held));
				break;
			}
			if (w->is_vsock) {
				eventfd_write(w->vsock.call_fds[n & 1], 1);
				virtio_vsock_used(&w->vsock, n & 1);
				break;
			}
			n %= sizeof(buf);
			for (uint32_t i = 0; i < n; i++)
				buf[i] = pick(&p, end);
			if (w->is_console && n &&
			    n <= VIRTIO_CONSOLE_PENDING - w->con.pending_len) {
				struct virtqueue *rx = &w->con.dev.queues[0].vq;
				uint16_t used = rx->used_idx;

				virtio_console_input(&w->con, buf, n);
				check((uint16_t)(rx->used_idx - used) <= rx->size);
			}
			break;
		}
		default:	/* a 16-bit little-endian RAM write, for ring indexes */
			put_le16(w->mem.host + pick_n(&p, end, 2) % (ram - 1),
				 pick_n(&p, end, 2));
			break;
		}
		io_loop(w);
		check_state(w, &before, signals(w->irq_fd));
	}

	if (w->is_vsock)
		virtio_vsock_destroy(&w->vsock);
	else
		virtio_dev_destroy(w->dev);
	close(w->irq_fd);
	free(w->mem.host);
	free(w);
	return 0;
}
