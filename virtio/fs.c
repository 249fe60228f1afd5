// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-fs: each chain is one FUSE request, its readable part the
 * request and its writable part the reply (5.11.6). The request's bytes
 * are copied once into the server's buffer; fuse/ does the rest.
 */
#include <stdio.h>
#include <string.h>

#include "core/le.h"
#include "virtio/fs.h"

#define CFG_NUM_REQUEST_QUEUES	36

static void fs_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_fs *vfs = dev->priv;
	struct vq_chain *c = &vfs->chain;
	bool pushed = false;

	while (virtio_queue_pop(dev, q, c) > 0) {
		size_t written = fuse_server_handle(&vfs->server, c->iov, c->nr_out, c->out_len,
						    c->iov + c->nr_out, c->nr_in, c->in_len);

		vq_push(&dev->queues[q].vq, c->head, written);
		pushed = true;
	}
	if (pushed)
		virtio_queue_done(dev, q);
}

static const struct virtio_device_ops fs_ops = {
	.device_id = VIRTIO_ID_FS,
	.nr_queues = 2,		/* high priority, then one request queue */
	.config_size = VIRTIO_FS_CONFIG_SIZE,
	.queue_notify = fs_queue_notify,
};

int virtio_fs_init(struct virtio_fs *vfs, const struct fs_config *fs, unsigned int index,
		   const struct vq_guest_mem *mem, uint32_t max_nodes, char *why, size_t why_len)
{
	char name[24];
	int ret;

	memset(vfs, 0, sizeof(*vfs));
	ret = fuse_server_init(&vfs->server, fs->path, fs->ro, max_nodes, why, why_len);
	if (ret)
		return ret;
	/* The tag fills its 36 bytes, NUL-padded, without a NUL when it is 36 long. */
	memcpy(vfs->config, fs->tag, strnlen(fs->tag, FS_TAG_MAX));
	put_le32(vfs->config + CFG_NUM_REQUEST_QUEUES, 1);
	snprintf(name, sizeof(name), "virtio-fs%u", index);
	ret = virtio_dev_init(&vfs->dev, &fs_ops, vfs, name, mem, 0, vfs->config);
	if (ret) {
		snprintf(why, why_len, "%s", strerror(-ret));
		fuse_server_destroy(&vfs->server);
	}
	return ret;
}

void virtio_fs_destroy(struct virtio_fs *vfs)
{
	fuse_server_destroy(&vfs->server);
	virtio_dev_destroy(&vfs->dev);
}
