// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-mmio transport, version 2 (Virtio 1.2, 4.2.2). Registers are
 * 32-bit and aligned (4.2.2.2); other accesses to them read 0 and write
 * nothing. The device configuration from 0x100 takes any width.
 */
#include <string.h>
#include <sys/eventfd.h>

#include "core/le.h"
#include "core/log.h"
#include "virtio/mmio.h"

#define MAGIC		0x74726976	/* "virt" */
#define VENDOR_ID	0x4d564b4c	/* "LKVM", as kvmtool */

enum {
	REG_MAGIC = 0x000, REG_VERSION = 0x004, REG_DEVICE_ID = 0x008,
	REG_VENDOR_ID = 0x00c, REG_DEVICE_FEATURES = 0x010,
	REG_DEVICE_FEATURES_SEL = 0x014, REG_DRIVER_FEATURES = 0x020,
	REG_DRIVER_FEATURES_SEL = 0x024, REG_QUEUE_SEL = 0x030,
	REG_QUEUE_NUM_MAX = 0x034, REG_QUEUE_NUM = 0x038,
	REG_QUEUE_READY = 0x044, REG_QUEUE_NOTIFY = VIRTIO_MMIO_QUEUE_NOTIFY,
	REG_INTERRUPT_STATUS = 0x060, REG_INTERRUPT_ACK = 0x064,
	REG_STATUS = 0x070,
	REG_QUEUE_DESC_LOW = 0x080, REG_QUEUE_DESC_HIGH = 0x084,
	REG_QUEUE_DRIVER_LOW = 0x090, REG_QUEUE_DRIVER_HIGH = 0x094,
	REG_QUEUE_DEVICE_LOW = 0x0a0, REG_QUEUE_DEVICE_HIGH = 0x0a4,
	REG_SHM_SEL = 0x0ac, REG_SHM_LEN_LOW = 0x0b0, REG_SHM_LEN_HIGH = 0x0b4,
	REG_CONFIG_GENERATION = 0x0fc, REG_CONFIG = 0x100,
};

static void mmio_interrupt(struct virtio_dev *dev, int q)
{
	struct virtio_mmio *m = dev->transport_data;

	(void)q;
	if (eventfd_write(m->irq_fd, 1))
		pr_debug("%s: cannot raise the interrupt", dev->name);
}

static const struct virtio_transport_ops mmio_transport = {
	.interrupt = mmio_interrupt,
};

void virtio_mmio_init(struct virtio_mmio *m, struct virtio_dev *dev, int irq_fd)
{
	m->dev = dev;
	m->irq_fd = irq_fd;
	dev->transport = &mmio_transport;
	dev->transport_data = m;
}

static uint32_t reg_read(struct virtio_dev *dev, uint32_t reg)
{
	struct virtio_queue *vq = virtio_selected_queue(dev);

	switch (reg) {
	case REG_MAGIC:
		return MAGIC;
	case REG_VERSION:
		return 2;
	case REG_DEVICE_ID:
		return dev->ops->device_id;
	case REG_VENDOR_ID:
		return VENDOR_ID;
	case REG_DEVICE_FEATURES:
		return virtio_read_device_features(dev);
	case REG_QUEUE_NUM_MAX:
		return vq ? VQ_MAX_SIZE : 0;
	case REG_QUEUE_READY:
		return vq && vq->ready;
	case REG_INTERRUPT_STATUS:
		return dev->isr;
	case REG_STATUS:
		return dev->status;
	case REG_SHM_LEN_LOW:
	case REG_SHM_LEN_HIGH:
		return 0xffffffff;	/* no shared memory regions (4.2.2) */
	case REG_CONFIG_GENERATION:
		return dev->config_generation;
	case REG_QUEUE_NUM:
		return vq ? vq->size : 0;
	case REG_QUEUE_DESC_LOW:
		return vq ? (uint32_t)vq->desc : 0;
	case REG_QUEUE_DESC_HIGH:
		return vq ? vq->desc >> 32 : 0;
	case REG_QUEUE_DRIVER_LOW:
		return vq ? (uint32_t)vq->driver : 0;
	case REG_QUEUE_DRIVER_HIGH:
		return vq ? vq->driver >> 32 : 0;
	case REG_QUEUE_DEVICE_LOW:
		return vq ? (uint32_t)vq->device : 0;
	case REG_QUEUE_DEVICE_HIGH:
		return vq ? vq->device >> 32 : 0;
	default:
		return 0;
	}
}

static void queue_write(struct virtio_dev *dev, uint32_t reg, uint32_t v)
{
	struct virtio_queue *vq = virtio_selected_queue(dev);

	/* A live queue's set-up is fixed until it is reset (4.2.3.2). */
	if (!vq || vq->ready) {
		if (vq && reg == REG_QUEUE_READY && !v)
			vq->ready = false;
		return;
	}
	switch (reg) {
	case REG_QUEUE_NUM:
		vq->size = v;
		break;
	case REG_QUEUE_READY:
		if (v)
			virtio_enable_queue(dev, dev->queue_sel);
		break;
	case REG_QUEUE_DESC_LOW:
	case REG_QUEUE_DESC_HIGH:
		virtio_set_addr_half(&vq->desc, reg == REG_QUEUE_DESC_HIGH, v);
		break;
	case REG_QUEUE_DRIVER_LOW:
	case REG_QUEUE_DRIVER_HIGH:
		virtio_set_addr_half(&vq->driver, reg == REG_QUEUE_DRIVER_HIGH, v);
		break;
	case REG_QUEUE_DEVICE_LOW:
	case REG_QUEUE_DEVICE_HIGH:
		virtio_set_addr_half(&vq->device, reg == REG_QUEUE_DEVICE_HIGH, v);
		break;
	}
}

static void reg_write(struct virtio_dev *dev, uint32_t reg, uint32_t v)
{
	switch (reg) {
	case REG_DEVICE_FEATURES_SEL:
		dev->device_features_sel = v;
		break;
	case REG_DRIVER_FEATURES:
		virtio_write_driver_features(dev, v);
		break;
	case REG_DRIVER_FEATURES_SEL:
		dev->driver_features_sel = v;
		break;
	case REG_QUEUE_SEL:
		dev->queue_sel = v;
		break;
	case REG_QUEUE_NOTIFY:
		/* Only without an ioeventfd, which KVM would have signalled. */
		if (v < dev->ops->nr_queues)
			eventfd_write(dev->queues[v].notify_fd, 1);
		break;
	case REG_INTERRUPT_ACK:
		dev->isr &= ~v;
		break;
	case REG_STATUS:
		virtio_write_status(dev, v);
		break;
	default:
		queue_write(dev, reg, v);
		break;
	}
}

void virtio_mmio_access(void *opaque, uint64_t offset, uint8_t *data,
			uint32_t len, bool is_write)
{
	struct virtio_mmio *m = opaque;
	struct virtio_dev *dev = m->dev;
	pthread_mutex_lock(&dev->lock);
	if (offset >= REG_CONFIG) {
		if (is_write)
			virtio_config_write(dev, offset - REG_CONFIG, data, len);
		else
			virtio_config_read(dev, offset - REG_CONFIG, data, len);
	} else if (len != 4 || offset % 4) {
		if (!is_write)
			memset(data, 0, len);
	} else if (is_write) {
		reg_write(dev, offset, get_le32(data));
	} else {
		put_le32(data, reg_read(dev, offset));
	}
	pthread_mutex_unlock(&dev->lock);
}
