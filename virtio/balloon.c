// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-balloon: free page reporting (5.5.6.7) and the balloon's own
 * queues give memory back; the statistics queue (5.5.6.3) keeps the
 * guest's last report. Which queue is which depends on what the driver
 * took: the statistics queue exists only with STATS_VQ, and the reporting
 * queue comes after the queues that exist (free page hinting, which comes
 * between, is not offered).
 */
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>

#include "core/le.h"
#include "virtio/balloon.h"

#define VIRTIO_BALLOON_F_STATS_VQ	1
#define VIRTIO_BALLOON_F_DEFLATE_ON_OOM	2
#define VIRTIO_BALLOON_F_REPORTING	5

#define BALLOON_PFN_SHIFT	12	/* the balloon's page frames are 4 KiB */
#define STAT_SIZE		10	/* le16 tag, le64 value, packed */
#define PFNS_PER_COPY		256
/* Linux sends 256 per buffer; a hostile driver's longer ones are cut here. */
#define PFNS_PER_CHAIN		4096

enum { Q_INFLATE, Q_DEFLATE, Q_THIRD, Q_FOURTH };

static unsigned int stats_queue(const struct virtio_dev *dev)
{
	return virtio_has_feature(dev, VIRTIO_BALLOON_F_STATS_VQ) ? Q_THIRD : VIRTIO_MAX_QUEUES;
}

static unsigned int reporting_queue(const struct virtio_dev *dev)
{
	if (!virtio_has_feature(dev, VIRTIO_BALLOON_F_REPORTING))
		return VIRTIO_MAX_QUEUES;
	return virtio_has_feature(dev, VIRTIO_BALLOON_F_STATS_VQ) ? Q_FOURTH : Q_THIRD;
}

/* The whole host pages inside [@host, +@len), handed to discard. */
static void discard_range(struct virtio_balloon *b, uint8_t *host, size_t len)
{
	uintptr_t start = ((uintptr_t)host + b->page_size - 1) & ~(b->page_size - 1);
	uintptr_t end = ((uintptr_t)host + len) & ~(b->page_size - 1);

	if (end > start) {
		b->discard(b->opaque, (void *)start, end - start);
		b->discarded += end - start;
	}
}

/* Inflate: each le32 is a 4 KiB page frame of guest RAM the driver gave up. */
static void take_pfns(struct virtio_balloon *b, const struct vq_chain *c)
{
	const struct vq_guest_mem *mem = b->dev.mem;
	uint8_t buf[PFNS_PER_COPY * 4];

	const uint64_t frame = 1u << BALLOON_PFN_SHIFT;
	uint32_t bytes = c->out_len < PFNS_PER_CHAIN * 4 ? c->out_len : PFNS_PER_CHAIN * 4;

	for (uint32_t off = 0; off + 4 <= bytes; off += sizeof(buf)) {
		size_t n = iov_copy_from(c->iov, c->nr_out, off, buf, sizeof(buf)) / 4;

		for (size_t i = 0; i < n; i++) {
			uint64_t gpa = (uint64_t)get_le32(buf + 4 * i) << BALLOON_PFN_SHIFT;

			if (gpa >= mem->gpa && gpa - mem->gpa < mem->size &&
			    mem->size - (gpa - mem->gpa) >= frame)
				discard_range(b, mem->host + (gpa - mem->gpa), frame);
		}
	}
}

/* Reporting: each writable segment is a free range of guest RAM. */
static void take_free_ranges(struct virtio_balloon *b, const struct vq_chain *c)
{
	for (unsigned int i = c->nr_out; i < c->nr_out + c->nr_in; i++)
		discard_range(b, c->iov[i].iov_base, c->iov[i].iov_len);
}

/* The driver's report: kept, and its buffer held for the next request. */
static void take_stats(struct virtio_balloon *b, const struct vq_chain *c)
{
	unsigned int n = c->out_len / STAT_SIZE;
	uint8_t one[STAT_SIZE];

	if (n > BALLOON_STATS_MAX)
		n = BALLOON_STATS_MAX;
	for (unsigned int i = 0; i < n; i++) {
		iov_copy_from(c->iov, c->nr_out, i * STAT_SIZE, one, STAT_SIZE);
		b->stats[i] = (struct balloon_stat) { get_le16(one), get_le64(one + 2) };
	}
	b->nr_stats = n;
	b->stats_seq++;
	b->stats_held = true;
	b->stats_head = c->head;
}

static void balloon_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_balloon *b = dev->priv;
	struct vq_chain *c = &b->chain;
	bool pushed = false;

	while (virtio_queue_pop(dev, q, c) > 0) {
		if (q == stats_queue(dev)) {
			/*
			 * One buffer at a time (5.5.6.3.1): another waits until
			 * the held one goes back. Taking until the queue is
			 * empty asks the driver to notify for the next one.
			 */
			if (b->stats_held) {
				vq_unpop(&dev->queues[q].vq);
				break;
			}
			take_stats(b, c);
			continue;
		}
		if (q == Q_INFLATE)
			take_pfns(b, c);
		else if (q == reporting_queue(dev))
			take_free_ranges(b, c);
		vq_push(&dev->queues[q].vq, c->head, 0);
		pushed = true;
	}
	if (pushed)
		virtio_queue_done(dev, q);
}

bool virtio_balloon_request_stats(struct virtio_balloon *b)
{
	unsigned int q = stats_queue(&b->dev);

	if (!b->stats_held || !virtio_queue_live(&b->dev, q))
		return false;
	b->stats_held = false;
	vq_push(&b->dev.queues[q].vq, b->stats_head, 0);
	virtio_queue_done(&b->dev, q);
	/* A buffer that waited behind the held one is taken now. */
	eventfd_write(b->dev.queues[q].notify_fd, 1);
	return true;
}

void virtio_balloon_set_target(struct virtio_balloon *b, uint32_t pages)
{
	uint64_t max = b->dev.mem->size >> BALLOON_PFN_SHIFT;

	put_le32(b->config, pages < max ? pages : max);
	virtio_config_changed(&b->dev);
}

uint32_t virtio_balloon_target(const struct virtio_balloon *b)
{
	return get_le32(b->config);
}

uint32_t virtio_balloon_actual(const struct virtio_balloon *b)
{
	return get_le32(b->config + 4);
}

static const char *const stat_names[] = {
	"swapped in (bytes)", "swapped out (bytes)", "major faults", "minor faults",
	"free memory (bytes)", "total memory (bytes)", "available memory (bytes)",
	"disk caches (bytes)", "huge page allocations", "huge page failures",
	"OOM kills", "allocation stalls", "async scans", "direct scans",
	"async reclaims", "direct reclaims",
};

void virtio_balloon_format_stats(const struct virtio_balloon *b, char *buf, size_t len)
{
	size_t used = snprintf(buf, len, "%-26s %llu\n%-26s %llu\n", "balloon target (bytes)",
			(unsigned long long)virtio_balloon_target(b) << BALLOON_PFN_SHIFT,
			"balloon size (bytes)",
			(unsigned long long)virtio_balloon_actual(b) << BALLOON_PFN_SHIFT);
	for (unsigned int i = 0; i < b->nr_stats && used < len; i++) {
		const struct balloon_stat *s = &b->stats[i];
		char unknown[16];
		const char *name = unknown;

		if (s->tag < sizeof(stat_names) / sizeof(stat_names[0]))
			name = stat_names[s->tag];
		else
			snprintf(unknown, sizeof(unknown), "tag %u", s->tag);
		used += snprintf(buf + used, len - used, "%-26s %llu\n", name,
				 (unsigned long long)s->value);
	}
}

static void balloon_reset(struct virtio_dev *dev)
{
	struct virtio_balloon *b = dev->priv;

	b->stats_held = false;
	put_le32(b->config + 4, 0);
}

/* The driver reports the balloon's size in `actual`; num_pages is lkvm's. */
static void balloon_config_write(struct virtio_dev *dev, uint32_t offset, const uint8_t *data,
				 uint32_t len)
{
	struct virtio_balloon *b = dev->priv;

	if (offset >= 4 && len <= VIRTIO_BALLOON_CONFIG_SIZE - offset)
		memcpy(b->config + offset, data, len);
}

static const struct virtio_device_ops balloon_ops = {
	.device_id = VIRTIO_ID_BALLOON,
	.nr_queues = 4,
	.config_size = VIRTIO_BALLOON_CONFIG_SIZE,
	.queue_notify = balloon_queue_notify,
	.reset = balloon_reset,
	.config_write = balloon_config_write,
};

int virtio_balloon_init(struct virtio_balloon *b, const struct vq_guest_mem *mem,
			size_t page_size, balloon_discard_fn discard, void *opaque)
{
	memset(b, 0, sizeof(*b));
	b->page_size = page_size;
	b->discard = discard;
	b->opaque = opaque;
	return virtio_dev_init(&b->dev, &balloon_ops, b, "virtio-balloon", mem,
			       1ull << VIRTIO_BALLOON_F_STATS_VQ |
			       1ull << VIRTIO_BALLOON_F_DEFLATE_ON_OOM |
			       1ull << VIRTIO_BALLOON_F_REPORTING, b->config);
}
