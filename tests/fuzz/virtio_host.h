/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_FUZZ_VIRTIO_HOST_H
#define LKVM_TESTS_FUZZ_VIRTIO_HOST_H

/*
 * What the virtio fuzz targets share: check(), the input read a byte at a
 * time (zeros past its end) and its header, the feature rule of 3.1.1 and
 * what a ready queue must be, and the host under their devices, one per
 * target binary:
 * the console's output is read byte by byte (so ASan sees where it lies)
 * and dropped, and the host's entropy is made deterministic, since
 * virtio-rng writes it into guest RAM where the next steps may read it as
 * rings: a crash must replay byte for byte. The device code is untouched;
 * only getrandom() under it is this one.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/types.h>

#include "core/log.h"
#include "virtio/virtio.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static inline uint64_t pick(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

/* @n bytes, little-endian. */
static inline uint64_t pick_n(const uint8_t **p, const uint8_t *end, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= pick(p, end) << (8 * i);
	return v;
}

/* Is [gpa, gpa + len) inside guest RAM? */
static inline bool in_ram(const struct vq_guest_mem *mem, uint64_t gpa, uint64_t len)
{
	return gpa >= mem->gpa && len <= mem->size && gpa - mem->gpa <= mem->size - len;
}

/* A ready queue: a power-of-two size, each part aligned and wholly in RAM. */
static inline void check_ready_queue(const struct vq_guest_mem *mem,
				     const struct virtio_queue *vq)
{
	uint16_t n = vq->vq.size;

	if (!vq->ready)
		return;
	check(n && n <= VQ_MAX_SIZE && !(n & (n - 1)) && n == vq->size);
	check(!(vq->desc % 16) && !(vq->driver % 2) && !(vq->device % 4));
	check(in_ram(mem, vq->desc, 16ull * n));
	check(in_ram(mem, vq->driver, 6 + 2ull * n));
	check(in_ram(mem, vq->device, 6 + 8ull * n));
	check(vq->vq.desc == mem->host + (vq->desc - mem->gpa));
	check(vq->vq.avail == mem->host + (vq->driver - mem->gpa));
	check(vq->vq.used == mem->host + (vq->device - mem->gpa));
}

/* Features a driver may keep at FEATURES_OK: offered ones, VERSION_1 among them. */
static inline bool acceptable(uint64_t offered, uint64_t drv)
{
	return !(drv & ~offered) && (drv & 1ull << VIRTIO_F_VERSION_1);
}

static uint64_t entropy_state;

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	uint8_t *p = buf;

	(void)flags;
	for (size_t i = 0; i < len; i++) {
		entropy_state ^= entropy_state << 13;
		entropy_state ^= entropy_state >> 7;
		entropy_state ^= entropy_state << 17;
		p[i] = entropy_state;
	}
	return len;
}

/*
 * A transport target's input starts with a byte of flags for the target,
 * the size of guest RAM (1 to 16 pages, less up to 63 bytes: RAM need not
 * end on a ring's alignment) and the entropy's seed. Only errors are
 * logged: needs-reset warnings are expected.
 */
static inline uint8_t take_header(const uint8_t **p, const uint8_t *end,
				  uint64_t *ram)
{
	static bool quiet;
	uint8_t flags;

	if (!quiet) {
		quiet = true;
		log_set_level(LOG_ERROR);
	}
	flags = pick(p, end);
	*ram = 0x1000 * (1 + pick(p, end) % 16);
	*ram -= pick(p, end) % 64;
	entropy_state = 0x9e3779b97f4a7c15ull ^ pick(p, end);
	return flags;
}

/* How often @fd (an eventfd) was signalled since the last look. */
static inline uint64_t signals(int fd)
{
	eventfd_t v = 0;

	return eventfd_read(fd, &v) ? 0 : v;
}

/*
 * One turn of the I/O thread, as arm64/devices.c's on_queue_notify(): a
 * queue whose eventfd was signalled gets one virtio_queue_notify() (which
 * does nothing unless the queue is live). A device that stops at its
 * budget signals the eventfd again, and the next turn comes back to it.
 * Returns whether any queue was signalled.
 */
static inline bool serve_kicks(struct virtio_dev *dev)
{
	bool busy = false;

	for (unsigned int q = 0; q < dev->ops->nr_queues; q++) {
		struct virtio_queue *vq = &dev->queues[q];
		uint16_t used = vq->vq.used_idx, size = vq->vq.size;

		/* The host kernel's queues (vhost) are its own to serve. */
		if (!signals(vq->notify_fd) || (dev->ops->kernel_queues & 1u << q))
			continue;
		busy = true;
		pthread_mutex_lock(&dev->lock);
		virtio_queue_notify(dev, q);
		/* Every chain taken is given back: count them. */
		check((uint16_t)(vq->vq.used_idx - used) <= size);
		pthread_mutex_unlock(&dev->lock);
	}
	return busy;
}

static volatile uint8_t output_sink;

static inline void take_output(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	for (size_t i = 0; i < len; i++)
		output_sink ^= buf[i];
}

#endif
