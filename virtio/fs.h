/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_FS_H
#define LKVM_VIRTIO_FS_H

#include "core/options.h"
#include "fuse/server.h"
#include "virtio/virtio.h"

#define VIRTIO_FS_CONFIG_SIZE	40	/* tag[36], num_request_queues */

/*
 * virtio-fs (Virtio 1.2, 5.11) for one host folder: the high-priority
 * queue (FORGET) and one request queue, both fed to lkvm's FUSE server.
 * Its queues are served on a thread of their own (arm64/fs_thread.c),
 * with the device's lock held, as the I/O thread serves other devices'.
 */
struct virtio_fs {
	struct virtio_dev dev;
	struct vq_chain chain;
	uint8_t config[VIRTIO_FS_CONFIG_SIZE];
	struct fuse_server server;
};

/*
 * --fs @fs, the @index-th, holding at most @max_nodes host inodes open.
 * Returns 0, or -errno with a one-line reason in @why.
 */
int virtio_fs_init(struct virtio_fs *vfs, const struct fs_config *fs, unsigned int index,
		   const struct vq_guest_mem *mem, uint32_t max_nodes, char *why, size_t why_len);
void virtio_fs_destroy(struct virtio_fs *vfs);

#endif
