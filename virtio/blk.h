/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_BLK_H
#define LKVM_VIRTIO_BLK_H

#include "core/options.h"
#include "virtio/virtio.h"

#define VIRTIO_BLK_CONFIG_SIZE	60

/* virtio-blk over a raw image or block device (Virtio 1.2, 5.2). */
struct virtio_blk {
	struct virtio_dev dev;
	int fd;			/* O_DIRECT with ,direct */
	int buffered_fd;	/* for requests O_DIRECT refuses; or == fd */
	uint64_t sectors;
	bool ro;
	bool block_device;
	char serial[20];	/* VIRTIO_BLK_T_GET_ID */
	uint8_t config[VIRTIO_BLK_CONFIG_SIZE];
	struct vq_chain chain;
};

/*
 * Open @disk (-d) as disk number @index. Returns 0, or a negative errno
 * with the reason printed (naming the option and the file).
 */
int virtio_blk_init(struct virtio_blk *blk, const struct disk_config *disk,
		    unsigned int index, const struct vq_guest_mem *mem);
void virtio_blk_destroy(struct virtio_blk *blk);

#endif
