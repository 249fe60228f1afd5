// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-console without MULTIPORT: queue 0 carries input to the guest,
 * queue 1 its output, handed to transmit() as it comes. EMERG_WRITE lets a
 * driver print a byte through the configuration before the queues are up.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/uio.h>

#include "virtio/console.h"

#define VIRTIO_CONSOLE_F_EMERG_WRITE	2
#define RX_QUEUE			0
#define TX_QUEUE			1
#define CFG_EMERG_WR			8

static void take_output(struct virtio_dev *dev)
{
	struct virtio_console *con = dev->priv;
	struct vq_chain *c = &con->chain;
	bool pushed = false;

	while (virtio_queue_pop(dev, TX_QUEUE, c) > 0) {
		for (unsigned int i = 0; i < c->nr_out; i++)
			con->transmit(con->opaque, c->iov[i].iov_base, c->iov[i].iov_len);
		vq_push(&dev->queues[TX_QUEUE].vq, c->head, 0);
		pushed = true;
	}
	if (pushed)
		virtio_queue_done(dev, TX_QUEUE);
}

/* Move pending input into the guest's receive buffers; true if all went. */
static bool deliver(struct virtio_console *con)
{
	struct virtio_dev *dev = &con->dev;
	struct vq_chain *c = &con->chain;
	bool pushed = false;

	while (con->pending_len && virtio_queue_pop(dev, RX_QUEUE, c) > 0) {
		size_t n = iov_copy_to(c->iov + c->nr_out, c->nr_in, 0,
				       con->pending, con->pending_len);

		memmove(con->pending, con->pending + n, con->pending_len - n);
		con->pending_len -= n;
		vq_push(&dev->queues[RX_QUEUE].vq, c->head, n);
		pushed = true;
	}
	if (pushed)
		virtio_queue_done(dev, RX_QUEUE);
	return !con->pending_len;
}

static void console_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_console *con = dev->priv;

	if (q == TX_QUEUE)
		take_output(dev);
	else if (con->pending_len && deliver(con))
		con->input_drained(con->opaque);
}

static void console_config_write(struct virtio_dev *dev, uint32_t offset,
				 const uint8_t *data, uint32_t len)
{
	struct virtio_console *con = dev->priv;

	/* emerg_wr: the low byte is a character to print (5.3.4). */
	if (offset == CFG_EMERG_WR && len == 4)
		con->transmit(con->opaque, data, 1);
}

static void console_reset(struct virtio_dev *dev)
{
	struct virtio_console *con = dev->priv;

	if (con->pending_len) {
		con->pending_len = 0;
		con->input_drained(con->opaque);
	}
}

/* Snapshots: the input the guest has not taken yet. */
_Static_assert(VIRTIO_CONSOLE_PENDING <= VIRTIO_PART_MAX, "a console's input fits its part");

static size_t console_state_save(struct virtio_dev *dev, uint8_t *buf)
{
	struct virtio_console *con = dev->priv;

	memcpy(buf, con->pending, con->pending_len);
	return con->pending_len;
}

static int console_state_load(struct virtio_dev *dev, const uint8_t *buf, size_t len,
			      char *why, size_t why_len)
{
	struct virtio_console *con = dev->priv;

	if (len > sizeof(con->pending)) {
		snprintf(why, why_len, "%s: %zu bytes of pending input, more than it holds",
			 dev->name, len);
		return -EINVAL;
	}
	memcpy(con->pending, buf, len);
	con->pending_len = len;
	return 0;
}

static const struct virtio_device_ops console_ops = {
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.config_size = VIRTIO_CONSOLE_CONFIG_SIZE,
	.queue_notify = console_queue_notify,
	.config_write = console_config_write,
	.reset = console_reset,
	.state_save = console_state_save,
	.state_load = console_state_load,
};

int virtio_console_init(struct virtio_console *con, const struct vq_guest_mem *mem,
			void (*transmit)(void *, const uint8_t *, size_t),
			void (*input_drained)(void *), void *opaque)
{
	memset(con, 0, sizeof(*con));
	con->transmit = transmit;
	con->input_drained = input_drained;
	con->opaque = opaque;
	return virtio_dev_init(&con->dev, &console_ops, con, "virtio-console", mem,
			       1ull << VIRTIO_CONSOLE_F_EMERG_WRITE, con->config);
}

size_t virtio_console_rx_space(struct virtio_console *con)
{
	size_t space;

	pthread_mutex_lock(&con->dev.lock);
	space = sizeof(con->pending) - con->pending_len;
	pthread_mutex_unlock(&con->dev.lock);
	return space;
}

size_t virtio_console_input(struct virtio_console *con, const uint8_t *buf,
			    size_t len)
{
	pthread_mutex_lock(&con->dev.lock);
	if (len > sizeof(con->pending) - con->pending_len)
		len = sizeof(con->pending) - con->pending_len;
	memcpy(con->pending + con->pending_len, buf, len);
	con->pending_len += len;
	virtio_queue_new_round(&con->dev, RX_QUEUE);
	deliver(con);
	pthread_mutex_unlock(&con->dev.lock);
	return len;
}
