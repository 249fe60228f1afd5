// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio device's state for a snapshot, and back: the core's (status,
 * features, the queues with their indexes), then the device model's and
 * the transport's own parts, each behind its length. All little-endian:
 *
 *   u32 device id, u32 queues, u64 features offered, u64 accepted,
 *   u32 device and driver feature selects, u32 interrupt status,
 *   u16 queue select, u16 config vector, u8 status, u8 config generation,
 *   u8 needs-reset, u8 0, u32 config size, the config bytes;
 *   per queue: u16 size, u16 vector, u8 ready, u8 signalled valid,
 *   u16 last available, u16 next used, u16 signalled used,
 *   u64 descriptors, driver and device areas;
 *   u32 length + the model's part; u32 length + the transport's part.
 *
 * The buffer comes from a snapshot file, which anyone may have written:
 * it is bounds-checked field by field, and what it says is checked
 * against this device (same kind, features, configuration) and against
 * the rules a driver is held to (accepted features offered, a live
 * queue's rings inside guest RAM), since the guest runs on with it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/le.h"
#include "virtio/virtio.h"

#define HEADER_SIZE	44
#define QUEUE_SIZE	36

struct cursor {
	const uint8_t *p;
	size_t left;
};

/* The next @n bytes, or NULL past the end. */
static const uint8_t *take(struct cursor *c, size_t n)
{
	const uint8_t *p = c->p;

	if (n > c->left)
		return NULL;
	c->p += n;
	c->left -= n;
	return p;
}

/* The ring's indexes only while it is live: a reset leaves them stale. */
static uint8_t *put_queue(uint8_t *p, const struct virtio_queue *vq)
{
	const struct virtqueue none = { 0 }, *ring = vq->ready ? &vq->vq : &none;

	put_le16(p, vq->size);
	put_le16(p + 2, vq->msix_vector);
	p[4] = vq->ready;
	p[5] = ring->signalled_valid;
	put_le16(p + 6, ring->last_avail);
	put_le16(p + 8, ring->used_idx);
	put_le16(p + 10, ring->signalled_used);
	put_le64(p + 12, vq->desc);
	put_le64(p + 20, vq->driver);
	put_le64(p + 28, vq->device);
	return p + QUEUE_SIZE;
}

/* A part behind its length; @save may be NULL (an empty part). */
static uint8_t *put_part(uint8_t *p, size_t (*save)(struct virtio_dev *, uint8_t *),
			 struct virtio_dev *dev)
{
	uint32_t n = save ? save(dev, p + 4) : 0;

	put_le32(p, n);
	return p + 4 + n;
}

size_t virtio_state_save(struct virtio_dev *dev, uint8_t *buf)
{
	const struct virtio_device_ops *ops = dev->ops;
	uint8_t *p = buf;

	put_le32(p, ops->device_id);
	put_le32(p + 4, ops->nr_queues);
	put_le64(p + 8, dev->features);
	put_le64(p + 16, dev->driver_features);
	put_le32(p + 24, dev->device_features_sel);
	put_le32(p + 28, dev->driver_features_sel);
	put_le32(p + 32, dev->isr);
	put_le16(p + 36, dev->queue_sel);
	put_le16(p + 38, dev->config_msix_vector);
	p[40] = dev->status;
	p[41] = dev->config_generation;
	p[42] = dev->broken;
	p[43] = 0;
	put_le32(p + HEADER_SIZE, ops->config_size);
	p += HEADER_SIZE + 4;
	if (ops->config_size)
		memcpy(p, dev->config, ops->config_size);
	p += ops->config_size;
	for (unsigned int q = 0; q < ops->nr_queues; q++)
		p = put_queue(p, &dev->queues[q]);
	p = put_part(p, ops->state_save, dev);
	p = put_part(p, dev->transport->state_save, dev);
	return p - buf;
}

static int refuse(char *why, size_t len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int refuse(char *why, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return err;
}

/* Is the snapshot's device this one: kind, queues, features, configuration? */
static int check_same(struct virtio_dev *dev, const uint8_t *h, const uint8_t *config,
		      uint32_t config_size, char *why, size_t len)
{
	const struct virtio_device_ops *ops = dev->ops;
	uint64_t features = get_le64(h + 8);

	if (get_le32(h) != ops->device_id || get_le32(h + 4) != ops->nr_queues)
		return refuse(why, len, -EINVAL, "the snapshot's device %u is another kind, not %s",
			      get_le32(h), dev->name);
	if (features == dev->features && config_size == ops->config_size &&
	    (!config_size || !memcmp(config, dev->config, config_size)))
		return 0;
	/* Told in the model's words (a disk's size), if it has them. */
	if (config_size == ops->config_size && ops->state_differs &&
	    ops->state_differs(dev, features, config, why, len))
		return -EINVAL;
	return refuse(why, len, -EINVAL, "%s: its %s not the snapshot's", dev->name,
		      features != dev->features ? "features are" : "configuration is");
}

/* A queue as the driver left it; a live one must map as it did then. */
static int load_queue(struct virtio_dev *dev, unsigned int q, const uint8_t *p, char *why,
		      size_t len)
{
	struct virtio_queue *vq = &dev->queues[q];
	const char *bad;

	vq->size = get_le16(p);
	vq->msix_vector = get_le16(p + 2);
	vq->ready = false;
	vq->desc = get_le64(p + 12);
	vq->driver = get_le64(p + 20);
	vq->device = get_le64(p + 28);
	if (p[4] > 1 || p[5] > 1 || (!p[4] && (p[5] || get_le16(p + 6) || get_le16(p + 8) ||
						  get_le16(p + 10))))
		return refuse(why, len, -EINVAL, "%s: queue %u's state is malformed", dev->name, q);
	if (!p[4])
		return 0;
	if (vq_setup(&vq->vq, dev->mem, vq->size, vq->desc, vq->driver, vq->device,
		     virtio_has_feature(dev, VIRTIO_F_EVENT_IDX),
		     virtio_has_feature(dev, VIRTIO_F_INDIRECT_DESC), &bad))
		return refuse(why, len, -EINVAL, "%s: queue %u: %s", dev->name, q, bad);
	vq->ready = true;
	vq->vq.signalled_valid = p[5];
	vq->vq.last_avail = get_le16(p + 6);
	vq->vq.used_idx = get_le16(p + 8);
	vq->vq.signalled_used = get_le16(p + 10);
	return 0;
}

/* The core's fields, each as a driver could have left it. */
static int load_core(struct virtio_dev *dev, const uint8_t *h, char *why, size_t len)
{
	uint8_t status = h[40];
	uint64_t accepted = get_le64(h + 16);

	if (accepted & ~dev->features)
		return refuse(why, len, -EINVAL, "%s: accepted features %#llx were never offered",
			      dev->name, (unsigned long long)accepted);
	if ((status & VIRTIO_STATUS_FEATURES_OK) &&
	    !(accepted & 1ull << VIRTIO_F_VERSION_1))
		return refuse(why, len, -EINVAL, "%s: FEATURES_OK without VERSION_1", dev->name);
	if (h[42] > 1 || h[43] || get_le32(h + 32) & ~(VIRTIO_ISR_QUEUE | VIRTIO_ISR_CONFIG))
		return refuse(why, len, -EINVAL, "%s: the status fields are malformed", dev->name);
	dev->driver_features = accepted;
	dev->device_features_sel = get_le32(h + 24);
	dev->driver_features_sel = get_le32(h + 28);
	dev->isr = get_le32(h + 32);
	dev->queue_sel = get_le16(h + 36);
	dev->config_msix_vector = get_le16(h + 38);
	dev->status = status;
	dev->config_generation = h[41];
	dev->broken = h[42];
	return 0;
}

/* A part behind its length, for @load; no @load takes only an empty part. */
static int load_part(struct virtio_dev *dev, struct cursor *c, const char *whose,
		     int (*load)(struct virtio_dev *, const uint8_t *, size_t, char *, size_t),
		     char *why, size_t len)
{
	const uint8_t *n = take(c, 4);
	const uint8_t *part = n ? take(c, get_le32(n)) : NULL;

	if (!part)
		return refuse(why, len, -EINVAL, "%s: its %s state is cut short", dev->name, whose);
	if (load)
		return load(dev, part, get_le32(n), why, len);
	if (get_le32(n))
		return refuse(why, len, -EINVAL, "%s: the snapshot has %s state this one lacks",
			      dev->name, whose);
	return 0;
}

int virtio_state_load(struct virtio_dev *dev, const uint8_t *buf, size_t buf_len, char *why,
		      size_t len)
{
	const struct virtio_device_ops *ops = dev->ops;
	struct cursor c = { buf, buf_len };
	const uint8_t *h = take(&c, HEADER_SIZE + 4), *config, *queues;
	uint32_t config_size;
	int ret;

	if (!h)
		return refuse(why, len, -EINVAL, "%s: its state is cut short", dev->name);
	config_size = get_le32(h + HEADER_SIZE);
	config = take(&c, config_size);
	queues = take(&c, (size_t)QUEUE_SIZE * ops->nr_queues);
	if (!config || !queues)
		return refuse(why, len, -EINVAL, "%s: its state is cut short", dev->name);
	ret = check_same(dev, h, config, config_size, why, len);
	ret = ret ?: load_core(dev, h, why, len);
	for (unsigned int q = 0; q < ops->nr_queues && !ret; q++)
		ret = load_queue(dev, q, queues + QUEUE_SIZE * q, why, len);
	ret = ret ?: load_part(dev, &c, "model's", ops->state_load, why, len);
	ret = ret ?: load_part(dev, &c, "transport's", dev->transport->state_load, why, len);
	if (!ret && c.left)
		ret = refuse(why, len, -EINVAL, "%s: its state has %zu bytes too many", dev->name,
			     c.left);
	return ret;
}
