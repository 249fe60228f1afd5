// SPDX-License-Identifier: GPL-2.0
/*
 * The transport-independent part of a virtio 1.x device: the status
 * machine and feature negotiation of Virtio 1.2 section 3.1, the
 * configuration space and the needs-reset state of 2.1.2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/log.h"
#include "virtio/virtio.h"

#define CORE_FEATURES	(1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_EVENT_IDX | \
			 1ull << VIRTIO_F_INDIRECT_DESC)

int virtio_dev_init(struct virtio_dev *dev, const struct virtio_device_ops *ops,
		    void *priv, const char *name, const struct vq_guest_mem *mem,
		    uint64_t features, uint8_t *config)
{
	memset(dev, 0, sizeof(*dev));
	/* A snapshot holds at most this much of it (VIRTIO_STATE_MAX). */
	if (ops->config_size > VIRTIO_CONFIG_MAX || ops->nr_queues > VIRTIO_MAX_QUEUES)
		return -EINVAL;
	dev->ops = ops;
	dev->priv = priv;
	dev->mem = mem;
	dev->features = features | CORE_FEATURES;
	dev->config = config;
	dev->config_msix_vector = VIRTIO_NO_VECTOR;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	pthread_mutex_init(&dev->lock, NULL);
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++) {
		struct virtio_queue *vq = &dev->queues[q];

		vq->notify_fd = -1;
		vq->size = VQ_MAX_SIZE;
		vq->msix_vector = VIRTIO_NO_VECTOR;
		if (q >= ops->nr_queues)
			continue;
		vq->notify_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vq->notify_fd < 0)
			return -errno;
	}
	return 0;
}

void virtio_dev_destroy(struct virtio_dev *dev)
{
	if (!dev->ops)
		return;		/* never initialised */
	for (unsigned int q = 0; q < VIRTIO_MAX_QUEUES; q++)
		if (dev->queues[q].notify_fd >= 0)
			close(dev->queues[q].notify_fd);
	pthread_mutex_destroy(&dev->lock);
}

uint32_t virtio_read_device_features(struct virtio_dev *dev)
{
	return dev->device_features_sel < 2 ?
	       dev->features >> (32 * dev->device_features_sel) : 0;
}

void virtio_write_driver_features(struct virtio_dev *dev, uint32_t value)
{
	unsigned int shift = 32 * dev->driver_features_sel;

	/* 3.1.1: features are fixed once FEATURES_OK is set. */
	if (dev->driver_features_sel >= 2 ||
	    (dev->status & VIRTIO_STATUS_FEATURES_OK))
		return;
	dev->driver_features &= ~(0xffffffffull << shift);
	dev->driver_features |= (uint64_t)value << shift;
}

uint32_t virtio_read_driver_features(struct virtio_dev *dev)
{
	return dev->driver_features_sel < 2 ?
	       dev->driver_features >> (32 * dev->driver_features_sel) : 0;
}

static void reset(struct virtio_dev *dev)
{
	if (dev->ops->reset)
		dev->ops->reset(dev);
	dev->status = 0;
	dev->driver_features = 0;
	dev->device_features_sel = dev->driver_features_sel = 0;
	dev->queue_sel = 0;
	dev->isr = 0;
	dev->broken = false;
	dev->config_msix_vector = VIRTIO_NO_VECTOR;
	for (unsigned int q = 0; q < dev->ops->nr_queues; q++) {
		struct virtio_queue *vq = &dev->queues[q];

		vq->ready = false;
		vq->size = VQ_MAX_SIZE;
		vq->desc = vq->driver = vq->device = 0;
		vq->msix_vector = VIRTIO_NO_VECTOR;
	}
}

/*
 * 3.1.1 step 5: the driver sets FEATURES_OK; the device keeps it only if
 * it can live with the driver's choice. lkvm speaks only the 1.x layout,
 * so a legacy driver (no VERSION_1) is refused here.
 */
static bool features_acceptable(struct virtio_dev *dev)
{
	return !(dev->driver_features & ~dev->features) &&
	       (dev->driver_features & 1ull << VIRTIO_F_VERSION_1);
}

void virtio_write_status(struct virtio_dev *dev, uint8_t status)
{
	uint8_t was = dev->status;

	if (!status) {
		reset(dev);
		return;
	}
	/* The device owns NEEDS_RESET; the driver can neither set nor clear it. */
	status &= ~VIRTIO_STATUS_NEEDS_RESET;
	if ((status & VIRTIO_STATUS_FEATURES_OK) &&
	    !(was & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(dev)) {
		pr_debug("%s: driver features %#llx refused (offered %#llx)",
			 dev->name, (unsigned long long)dev->driver_features,
			 (unsigned long long)dev->features);
		status &= ~VIRTIO_STATUS_FEATURES_OK;
	}
	dev->status = status | (was & VIRTIO_STATUS_NEEDS_RESET);
	/*
	 * Buffers made available before DRIVER_OK are looked at now, on the
	 * I/O thread like every other notification.
	 */
	if (!(status & VIRTIO_STATUS_DRIVER_OK) && (was & VIRTIO_STATUS_DRIVER_OK) &&
	    dev->ops->stop)
		dev->ops->stop(dev);
	/*
	 * A device that needs a reset stays stopped; one whose features were
	 * never settled has nothing to start its service with.
	 */
	if ((status & VIRTIO_STATUS_DRIVER_OK) && !(was & VIRTIO_STATUS_DRIVER_OK) &&
	    !dev->broken) {
		const char *why = NULL;

		if (dev->ops->driver_ok && !(status & VIRTIO_STATUS_FEATURES_OK))
			virtio_needs_reset(dev, "DRIVER_OK without FEATURES_OK");
		else if (dev->ops->driver_ok && dev->ops->driver_ok(dev, &why))
			virtio_needs_reset(dev, why);
		else
			virtio_kick_live_queues(dev);
	}
}

void virtio_config_changed(struct virtio_dev *dev)
{
	dev->config_generation++;
	if (!(dev->status & VIRTIO_STATUS_DRIVER_OK) || dev->broken)
		return;
	dev->isr |= VIRTIO_ISR_CONFIG;
	dev->transport->interrupt(dev, -1);
}

void virtio_kick_live_queues(struct virtio_dev *dev)
{
	for (unsigned int q = 0; q < dev->ops->nr_queues; q++)
		if (virtio_queue_live(dev, q))
			eventfd_write(dev->queues[q].notify_fd, 1);
}

struct virtio_queue *virtio_selected_queue(struct virtio_dev *dev)
{
	return dev->queue_sel < dev->ops->nr_queues ?
	       &dev->queues[dev->queue_sel] : NULL;
}

void virtio_enable_queue(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_queue *vq = &dev->queues[q];
	const char *why;

	if (vq->ready || dev->broken)
		return;
	if (vq_setup(&vq->vq, dev->mem, vq->size, vq->desc, vq->driver,
		     vq->device, virtio_has_feature(dev, VIRTIO_F_EVENT_IDX),
		     virtio_has_feature(dev, VIRTIO_F_INDIRECT_DESC), &why)) {
		char msg[128];

		snprintf(msg, sizeof(msg), "queue %u: %s", q, why);
		virtio_needs_reset(dev, msg);
		return;
	}
	vq->ready = true;
}

void virtio_config_read(struct virtio_dev *dev, uint32_t offset, uint8_t *data,
			uint32_t len)
{
	memset(data, 0, len);
	if (offset < dev->ops->config_size && len <= dev->ops->config_size - offset)
		memcpy(data, dev->config + offset, len);
}

void virtio_config_write(struct virtio_dev *dev, uint32_t offset,
			 const uint8_t *data, uint32_t len)
{
	if (dev->ops->config_write && offset < dev->ops->config_size &&
	    len <= dev->ops->config_size - offset)
		dev->ops->config_write(dev, offset, data, len);
}

uint32_t virtio_isr_read_clear(struct virtio_dev *dev)
{
	uint32_t isr = dev->isr;

	dev->isr = 0;
	return isr;
}

bool virtio_has_feature(const struct virtio_dev *dev, unsigned int bit)
{
	return dev->driver_features & 1ull << bit;
}

bool virtio_queue_live(const struct virtio_dev *dev, unsigned int q)
{
	/*
	 * DRIVER_OK counts only after FEATURES_OK was accepted (3.1.1): a
	 * driver that skips it, as a legacy one refused there could, gets
	 * no queues with features never negotiated.
	 */
	uint8_t ok = VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK;

	return q < dev->ops->nr_queues && dev->queues[q].ready && !dev->broken &&
	       (dev->status & ok) == ok;
}

void virtio_queue_new_round(struct virtio_dev *dev, unsigned int q)
{
	dev->queues[q].budget = dev->queues[q].size;
}

void virtio_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	if (!virtio_queue_live(dev, q))
		return;
	virtio_queue_new_round(dev, q);
	dev->ops->queue_notify(dev, q);
}

int virtio_queue_pop(struct virtio_dev *dev, unsigned int q,
		     struct vq_chain *chain)
{
	struct virtio_queue *vq = &dev->queues[q];
	const char *why;
	int ret;

	if (!virtio_queue_live(dev, q))
		return 0;
	ret = vq_pop(&vq->vq, chain, &why);
	if (ret > 0 && !vq->budget) {
		/* More than this round may take: come back after the rest. */
		vq_unpop(&vq->vq);
		eventfd_write(vq->notify_fd, 1);
		return 0;
	}
	if (ret > 0)
		vq->budget--;
	if (ret < 0) {
		char msg[128];

		snprintf(msg, sizeof(msg), "queue %u: %s", q, why);
		virtio_needs_reset(dev, msg);
	}
	return ret;
}

void virtio_queue_done(struct virtio_dev *dev, unsigned int q)
{
	if (vq_should_interrupt(&dev->queues[q].vq)) {
		dev->isr |= VIRTIO_ISR_QUEUE;
		dev->transport->interrupt(dev, q);
	}
}

void virtio_needs_reset(struct virtio_dev *dev, const char *why)
{
	if (dev->broken)
		return;
	dev->broken = true;
	pr_warn_ratelimited(&dev->warn_limit, "%s: %s; the device needs a reset",
			    dev->name, why);
	if (dev->ops->stop)
		dev->ops->stop(dev);
	dev->status |= VIRTIO_STATUS_NEEDS_RESET;
	dev->isr |= VIRTIO_ISR_CONFIG;
	if (dev->status & VIRTIO_STATUS_DRIVER_OK)
		dev->transport->interrupt(dev, -1);
}

void virtio_set_addr_half(uint64_t *addr, bool high, uint32_t v)
{
	if (high)
		*addr = (*addr & 0xffffffffull) | (uint64_t)v << 32;
	else
		*addr = (*addr & ~0xffffffffull) | v;
}
