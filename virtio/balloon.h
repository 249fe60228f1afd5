/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_BALLOON_H
#define LKVM_VIRTIO_BALLOON_H

#include <stddef.h>

#include "virtio/virtio.h"

#define VIRTIO_BALLOON_CONFIG_SIZE	8	/* num_pages, actual */
#define BALLOON_STATS_MAX		32	/* tags a driver may send at once */

/* What memory the guest handed back is made of, for the host to drop. */
typedef void (*balloon_discard_fn)(void *opaque, void *host, size_t len);

struct balloon_stat {
	uint16_t tag;
	uint64_t value;
};

/*
 * virtio-balloon (Virtio 1.2, 5.5) with free page reporting: the pages a
 * Linux guest reports free, and those it puts in the balloon, go back to
 * the host (@discard, whole host pages only), and the guest's memory
 * statistics are kept for lkvm stat. The balloon's size is the host's
 * to set (lkvm balloon), the driver's to reach.
 */
struct virtio_balloon {
	struct virtio_dev dev;
	struct vq_chain chain;
	uint8_t config[VIRTIO_BALLOON_CONFIG_SIZE];
	size_t page_size;		/* the host's */
	balloon_discard_fn discard;
	void *opaque;
	/* The statistics queue's buffer, held until lkvm wants new ones. */
	bool stats_held;
	uint16_t stats_head;
	struct balloon_stat stats[BALLOON_STATS_MAX];
	unsigned int nr_stats;
	uint64_t stats_seq;		/* buffers taken since the device was made */
	uint64_t discarded;		/* bytes handed to @discard */
};

int virtio_balloon_init(struct virtio_balloon *b, const struct vq_guest_mem *mem,
			size_t page_size, balloon_discard_fn discard, void *opaque);
/*
 * Ask the driver for fresh statistics (it answers on the statistics
 * queue): true if it was asked, false if it holds no buffer to answer in.
 * With the device's lock held.
 */
bool virtio_balloon_request_stats(struct virtio_balloon *b);
/*
 * Ask the driver for a balloon of @pages 4 KiB pages (at most the RAM's),
 * with the lock held.
 */
void virtio_balloon_set_target(struct virtio_balloon *b, uint32_t pages);
/* The pages asked for, and those the driver says it holds. */
uint32_t virtio_balloon_target(const struct virtio_balloon *b);
uint32_t virtio_balloon_actual(const struct virtio_balloon *b);
/* The statistics as text, one per line, into @buf. With the lock held. */
void virtio_balloon_format_stats(const struct virtio_balloon *b, char *buf, size_t len);

#endif
