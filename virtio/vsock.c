// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-vsock on vhost-vsock (virtio/vsock.h). The order of the vhost
 * calls is the kernel's (drivers/vhost/vsock.c): owner, memory table and
 * guest CID once; at DRIVER_OK the negotiated features, then per queue
 * its size, first index, ring addresses (lkvm's addresses of the guest's
 * rings, which vq_setup() checked lie in RAM), kick and call eventfds,
 * and last "running". A reset stops it; the next DRIVER_OK starts it
 * again from index 0.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/vhost.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "core/le.h"
#include "virtio/vsock.h"

#define RX_QUEUE		0
#define TX_QUEUE		1
#define EVENT_QUEUE		2
#define VIRTIO_VSOCK_F_SEQPACKET	1

static uint64_t host_addr(const struct virtio_vsock *vs, uint64_t gpa)
{
	return (uint64_t)(uintptr_t)vs->dev.mem->host + (gpa - vs->dev.mem->gpa);
}

static void stop(struct virtio_vsock *vs)
{
	int off = 0;

	if (vs->running && vs->vhost_ioctl(vs->vhost_fd, VHOST_VSOCK_SET_RUNNING, &off))
		pr_warn("%s: cannot stop vhost-vsock: %s", vs->dev.name, strerror(errno));
	vs->running = false;
}

static int start_queue(struct virtio_vsock *vs, unsigned int q)
{
	const struct virtio_queue *vq = &vs->dev.queues[q];
	struct vhost_vring_state num = { q, vq->size }, base = { q, 0 };
	struct vhost_vring_addr addr = {
		.index = q,
		.desc_user_addr = host_addr(vs, vq->desc),
		.avail_user_addr = host_addr(vs, vq->driver),
		.used_user_addr = host_addr(vs, vq->device),
	};
	struct vhost_vring_file kick = { q, vq->notify_fd }, call = { q, vs->call_fds[q] };

	if (vs->vhost_ioctl(vs->vhost_fd, VHOST_SET_VRING_NUM, &num) ||
	    vs->vhost_ioctl(vs->vhost_fd, VHOST_SET_VRING_BASE, &base) ||
	    vs->vhost_ioctl(vs->vhost_fd, VHOST_SET_VRING_ADDR, &addr) ||
	    vs->vhost_ioctl(vs->vhost_fd, VHOST_SET_VRING_KICK, &kick) ||
	    vs->vhost_ioctl(vs->vhost_fd, VHOST_SET_VRING_CALL, &call))
		return -errno;
	return 0;
}

static int vsock_driver_ok(struct virtio_dev *dev, const char **why)
{
	struct virtio_vsock *vs = dev->priv;
	uint64_t features = dev->driver_features & vs->vhost_features;
	int on = 1;

	if (!dev->queues[RX_QUEUE].ready || !dev->queues[TX_QUEUE].ready) {
		*why = "the driver enabled no receive or transmit queue";
		return -EINVAL;
	}
	if (vs->vhost_ioctl(vs->vhost_fd, VHOST_SET_FEATURES, &features)) {
		*why = "vhost-vsock refused the features";
		return -errno;
	}
	for (unsigned int q = RX_QUEUE; q <= TX_QUEUE; q++) {
		if (start_queue(vs, q)) {
			*why = "vhost-vsock refused a queue";
			return -errno;
		}
	}
	if (vs->vhost_ioctl(vs->vhost_fd, VHOST_VSOCK_SET_RUNNING, &on)) {
		*why = "vhost-vsock would not run";
		return -errno;
	}
	vs->running = true;
	return 0;
}

/* A reset, or queues no longer live: vhost stops serving them. */
static void vsock_reset(struct virtio_dev *dev)
{
	stop(dev->priv);
}

/* The event queue: lkvm has no event to send, so its buffers wait. */
static void vsock_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	(void)dev;
	(void)q;
}

static const struct virtio_device_ops vsock_ops = {
	.device_id = VIRTIO_ID_VSOCK,
	.nr_queues = 3,
	.config_size = VIRTIO_VSOCK_CONFIG_SIZE,
	.queue_notify = vsock_queue_notify,
	.reset = vsock_reset,
	.driver_ok = vsock_driver_ok,
	.stop = vsock_reset,
	.kernel_queues = 1u << RX_QUEUE | 1u << TX_QUEUE,
};

void virtio_vsock_used(struct virtio_vsock *vs, unsigned int q)
{
	eventfd_t n;

	if (eventfd_read(vs->call_fds[q], &n))
		return;
	pthread_mutex_lock(&vs->dev.lock);
	/* vhost already weighed the driver's suppression: raise it as is. */
	if (vs->running) {
		vs->dev.isr |= VIRTIO_ISR_QUEUE;
		vs->dev.transport->interrupt(&vs->dev, q);
	}
	pthread_mutex_unlock(&vs->dev.lock);
}

/* Owner, guest memory and CID: what stays for the device's life. */
static int vhost_setup(struct virtio_vsock *vs, uint64_t cid, const struct vq_guest_mem *mem,
		       char *why, size_t why_len)
{
	struct vhost_memory *table = calloc(1, sizeof(*table) + sizeof(table->regions[0]));
	int ret = 0;

	if (!table)
		return -ENOMEM;
	table->nregions = 1;
	table->regions[0] = (struct vhost_memory_region){
		.guest_phys_addr = mem->gpa, .memory_size = mem->size,
		.userspace_addr = (uintptr_t)mem->host,
	};
	if (vs->vhost_ioctl(vs->vhost_fd, VHOST_SET_OWNER, NULL) ||
	    vs->vhost_ioctl(vs->vhost_fd, VHOST_GET_FEATURES, &vs->vhost_features) ||
	    vs->vhost_ioctl(vs->vhost_fd, VHOST_SET_MEM_TABLE, table)) {
		ret = -errno;
		snprintf(why, why_len, "vhost-vsock set-up failed: %s", strerror(-ret));
	} else if (vs->vhost_ioctl(vs->vhost_fd, VHOST_VSOCK_SET_GUEST_CID, &cid)) {
		ret = -errno;
		if (ret == -EADDRINUSE)
			snprintf(why, why_len, "CID %llu is another VM's", (unsigned long long)cid);
		else
			snprintf(why, why_len, "vhost-vsock refused CID %llu: %s",
				 (unsigned long long)cid, strerror(-ret));
	}
	free(table);
	return ret;
}

static void close_fds(struct virtio_vsock *vs)
{
	for (int q = RX_QUEUE; q <= TX_QUEUE; q++)
		if (vs->call_fds[q] >= 0)
			close(vs->call_fds[q]);
	if (vs->vhost_fd >= 0)
		close(vs->vhost_fd);
	vs->call_fds[0] = vs->call_fds[1] = vs->vhost_fd = -1;
}

static int kernel_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg);
}

int virtio_vsock_init(struct virtio_vsock *vs, const char *dev_path, uint64_t cid,
		      const struct vq_guest_mem *mem, char *why, size_t why_len)
{
	int fd = open(dev_path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int err = errno;

		snprintf(why, why_len, "cannot open %s: %s%s", dev_path, strerror(err),
			 err == ENOENT ? " (modprobe vhost_vsock)" : "");
		return -err;
	}
	return virtio_vsock_init_fd(vs, fd, kernel_ioctl, cid, mem, why, why_len);
}

int virtio_vsock_init_fd(struct virtio_vsock *vs, int vhost_fd, vhost_ioctl_fn fn, uint64_t cid,
			 const struct vq_guest_mem *mem, char *why, size_t why_len)
{
	uint64_t features;
	int ret;

	memset(vs, 0, sizeof(*vs));
	vs->call_fds[0] = vs->call_fds[1] = -1;
	vs->vhost_fd = vhost_fd;
	vs->vhost_ioctl = fn;
	ret = vhost_setup(vs, cid, mem, why, why_len);
	for (int q = RX_QUEUE; q <= TX_QUEUE && !ret; q++) {
		vs->call_fds[q] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (vs->call_fds[q] < 0) {
			ret = -errno;
			snprintf(why, why_len, "eventfd: %s", strerror(-ret));
		}
	}
	put_le64(vs->config, cid);
	/* The core adds VERSION_1, EVENT_IDX and INDIRECT_DESC; vhost has them. */
	features = vs->vhost_features & 1ull << VIRTIO_VSOCK_F_SEQPACKET;
	if (!ret) {
		ret = virtio_dev_init(&vs->dev, &vsock_ops, vs, "virtio-vsock", mem, features,
				      vs->config);
		if (ret)
			snprintf(why, why_len, "%s", strerror(-ret));
	}
	if (ret)
		close_fds(vs);
	return ret;
}

void virtio_vsock_destroy(struct virtio_vsock *vs)
{
	/* Closing the vhost device stops it. */
	close_fds(vs);
	virtio_dev_destroy(&vs->dev);
}
