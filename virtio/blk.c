// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-blk (Virtio 1.2, 5.2) on a raw file or block device. Requests run
 * synchronously on the I/O thread with preadv/pwritev straight into guest
 * memory. Discard and write-zeroes punch or zero ranges of the file where
 * its file system can (fallocate), and report UNSUPP where it cannot. A
 * read-only disk is opened read-only, offers VIRTIO_BLK_F_RO and fails
 * every write, so its image cannot change.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/le.h"
#include "core/log.h"
#include "virtio/blk.h"

#define VIRTIO_BLK_F_SEG_MAX		2
#define VIRTIO_BLK_F_RO			5
#define VIRTIO_BLK_F_FLUSH		9
#define VIRTIO_BLK_F_DISCARD		13
#define VIRTIO_BLK_F_WRITE_ZEROES	14

#define VIRTIO_BLK_T_IN			0
#define VIRTIO_BLK_T_OUT		1
#define VIRTIO_BLK_T_FLUSH		4
#define VIRTIO_BLK_T_GET_ID		8
#define VIRTIO_BLK_T_DISCARD		11
#define VIRTIO_BLK_T_WRITE_ZEROES	13

#define VIRTIO_BLK_S_OK			0
#define VIRTIO_BLK_S_IOERR		1
#define VIRTIO_BLK_S_UNSUPP		2

#define WRITE_ZEROES_FLAG_UNMAP		1

#define SECTOR				512
#define HEADER_SIZE			16	/* type, reserved, sector */
#define RANGE_SIZE			16	/* sector, num_sectors, flags */
#define MAX_RANGES			32
#define MAX_RANGE_SECTORS		0x3fffff

/* The configuration layout (5.2.4). */
enum {
	CFG_CAPACITY = 0, CFG_SEG_MAX = 12, CFG_MAX_DISCARD_SECTORS = 36,
	CFG_MAX_DISCARD_SEG = 40, CFG_DISCARD_ALIGNMENT = 44,
	CFG_MAX_WRITE_ZEROES_SECTORS = 48, CFG_MAX_WRITE_ZEROES_SEG = 52,
	CFG_WRITE_ZEROES_MAY_UNMAP = 56,
};

/* Is [sector, +count) on the disk? */
static bool in_range(const struct virtio_blk *blk, uint64_t sector, uint64_t count)
{
	return sector <= blk->sectors && count <= blk->sectors - sector;
}

/* preadv/pwritev all of @iov at @off, resuming after short transfers. */
static int rw_all(int fd, struct iovec *iov, int cnt, off_t off, bool write)
{
	while (cnt > 0) {
		ssize_t n = write ? pwritev(fd, iov, cnt, off) : preadv(fd, iov, cnt, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;	/* a read past the end of the file */
		off += n;
		while (cnt > 0 && (size_t)n >= iov->iov_len) {
			n -= iov->iov_len;
			iov++;
			cnt--;
		}
		if (cnt > 0) {
			iov->iov_base = (uint8_t *)iov->iov_base + n;
			iov->iov_len -= n;
		}
	}
	return 0;
}

static uint8_t read_write(struct virtio_blk *blk, struct iovec *iov, int cnt,
			  uint64_t len, uint64_t sector, bool write)
{
	struct iovec copy[VQ_CHAIN_MAX];
	int ret;

	if (len % SECTOR || !in_range(blk, sector, len / SECTOR))
		return VIRTIO_BLK_S_IOERR;
	if (write && blk->ro)
		return VIRTIO_BLK_S_IOERR;
	/* Nothing to move: preadv()'s 0 would read as the end of the file. */
	if (!len)
		return VIRTIO_BLK_S_OK;
	memcpy(copy, iov, cnt * sizeof(*iov));
	ret = rw_all(blk->fd, copy, cnt, sector * SECTOR, write);
	/* O_DIRECT wants aligned buffers; the guest's need not be. */
	if (ret == -EINVAL && blk->buffered_fd != blk->fd) {
		memcpy(copy, iov, cnt * sizeof(*iov));
		ret = rw_all(blk->buffered_fd, copy, cnt, sector * SECTOR, write);
	}
	if (ret)
		pr_debug("%s: %s at sector %llu: %s", blk->dev.name,
			 write ? "write" : "read", (unsigned long long)sector,
			 strerror(-ret));
	return ret ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
}

static int zero_range(struct virtio_blk *blk, uint64_t off, uint64_t len,
		      bool unmap)
{
	uint64_t range[2] = { off, len };

	if (blk->block_device)
		return ioctl(blk->fd, unmap ? BLKDISCARD : BLKZEROOUT, range) ? -errno : 0;
	if (!unmap && !fallocate(blk->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
				 off, len))
		return 0;
	/* A punched hole reads as zeros too. */
	return fallocate(blk->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
			 len) ? -errno : 0;
}

/* DISCARD and WRITE_ZEROES: a list of ranges after the header (5.2.6). */
static uint8_t discard_or_zero(struct virtio_blk *blk, const struct vq_chain *c,
			       bool zero)
{
	uint8_t range[RANGE_SIZE];
	uint32_t n = (c->out_len - HEADER_SIZE) / RANGE_SIZE;

	if (blk->ro)
		return VIRTIO_BLK_S_IOERR;
	if ((c->out_len - HEADER_SIZE) % RANGE_SIZE || !n || n > MAX_RANGES)
		return VIRTIO_BLK_S_UNSUPP;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t sector;
		uint32_t count, flags;
		int ret;

		iov_copy_from(c->iov, c->nr_out, HEADER_SIZE + i * RANGE_SIZE,
			      range, RANGE_SIZE);
		sector = get_le64(range);
		count = get_le32(range + 8);
		flags = get_le32(range + 12);
		/* The unmap flag is for write-zeroes only; the rest reserved. */
		if (flags & ~(zero ? WRITE_ZEROES_FLAG_UNMAP : 0))
			return VIRTIO_BLK_S_UNSUPP;
		if (count > MAX_RANGE_SECTORS || !in_range(blk, sector, count))
			return VIRTIO_BLK_S_IOERR;
		ret = zero_range(blk, sector * SECTOR, (uint64_t)count * SECTOR,
				 !zero || (flags & WRITE_ZEROES_FLAG_UNMAP));
		if (ret == -EOPNOTSUPP && !zero)
			return VIRTIO_BLK_S_UNSUPP;	/* the host cannot discard */
		if (ret)
			return VIRTIO_BLK_S_IOERR;
	}
	return VIRTIO_BLK_S_OK;
}

/* One request: returns its status; *@written counts bytes for the guest. */
static uint8_t handle_request(struct virtio_blk *blk, struct vq_chain *c,
			      uint32_t *written)
{
	struct iovec *in = c->iov + c->nr_out;
	uint8_t header[HEADER_SIZE];
	uint32_t type;
	uint64_t sector;
	int nr_in = c->nr_in;

	iov_copy_from(c->iov, c->nr_out, 0, header, HEADER_SIZE);
	type = get_le32(header);
	sector = get_le64(header + 8);

	/* The status byte is the last writable byte: leave it out of the data. */
	in[nr_in - 1].iov_len--;
	if (!in[nr_in - 1].iov_len)
		nr_in--;
	*written = 0;

	switch (type) {
	case VIRTIO_BLK_T_IN:
		*written = c->in_len - 1;
		return read_write(blk, in, nr_in, c->in_len - 1, sector, false);
	case VIRTIO_BLK_T_OUT: {
		struct iovec data[VQ_CHAIN_MAX];
		unsigned int cnt = iov_slice(c->iov, c->nr_out, HEADER_SIZE,
					     c->out_len - HEADER_SIZE, data, VQ_CHAIN_MAX);

		return read_write(blk, data, cnt, c->out_len - HEADER_SIZE,
				  sector, true);
	}
	case VIRTIO_BLK_T_FLUSH:
		return fdatasync(blk->fd) ? VIRTIO_BLK_S_IOERR : VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_GET_ID:
		*written = iov_copy_to(in, nr_in, 0, blk->serial, sizeof(blk->serial));
		return VIRTIO_BLK_S_OK;
	case VIRTIO_BLK_T_DISCARD:
	case VIRTIO_BLK_T_WRITE_ZEROES:
		return discard_or_zero(blk, c, type == VIRTIO_BLK_T_WRITE_ZEROES);
	default:
		return VIRTIO_BLK_S_UNSUPP;
	}
}

static void blk_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_blk *blk = dev->priv;
	struct vq_chain *c = &blk->chain;
	bool pushed = false;

	while (virtio_queue_pop(dev, q, c) > 0) {
		struct iovec *last;
		uint32_t written;
		uint8_t status;

		/*
		 * 5.2.6: a header to read and a status byte to write, at
		 * least; the status is the last byte of the last writable
		 * segment, so that segment cannot be empty.
		 */
		if (c->out_len < HEADER_SIZE || !c->nr_in) {
			virtio_needs_reset(dev, "request without a header or a status byte");
			break;
		}
		last = &c->iov[c->nr_out + c->nr_in - 1];
		if (!last->iov_len) {
			virtio_needs_reset(dev, "request whose status segment is empty");
			break;
		}
		status = handle_request(blk, c, &written);
		/* handle_request() took the status byte off the last segment. */
		((uint8_t *)last->iov_base)[last->iov_len] = status;
		vq_push(&dev->queues[q].vq, c->head, written + 1);
		pushed = true;
	}
	if (pushed)
		virtio_queue_done(dev, q);
}

/* A snapshot's disk that is not this one: its size, or read-only or not. */
static bool blk_state_differs(struct virtio_dev *dev, uint64_t features, const uint8_t *config,
			      char *why, size_t why_len)
{
	struct virtio_blk *blk = dev->priv;
	bool ro = features & 1ull << VIRTIO_BLK_F_RO;
	uint64_t sectors = get_le64(config + CFG_CAPACITY);

	if (ro != blk->ro)
		snprintf(why, why_len, "%s: the snapshot's disk was %s, this one is %s", dev->name,
			 ro ? "read-only" : "writable", blk->ro ? "read-only" : "writable");
	else if (sectors != blk->sectors)
		snprintf(why, why_len, "%s: the snapshot's disk had %llu sectors, this one %llu",
			 dev->name, (unsigned long long)sectors, (unsigned long long)blk->sectors);
	else
		return false;
	return true;
}

static const struct virtio_device_ops blk_ops = {
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.config_size = VIRTIO_BLK_CONFIG_SIZE,
	.queue_notify = blk_queue_notify,
	.state_differs = blk_state_differs,
};

static int disk_size(struct virtio_blk *blk, const char *name, uint64_t *size)
{
	struct stat st;

	if (fstat(blk->fd, &st))
		return -errno;
	if (S_ISBLK(st.st_mode)) {
		blk->block_device = true;
		return ioctl(blk->fd, BLKGETSIZE64, size) ? -errno : 0;
	}
	if (!S_ISREG(st.st_mode)) {
		pr_err("--disk %s: not a regular file nor a block device", name);
		return -EINVAL;
	}
	*size = st.st_size;
	return 0;
}

int virtio_blk_init(struct virtio_blk *blk, const struct disk_config *disk,
		    unsigned int index, const struct vq_guest_mem *mem)
{
	char path[4096], name[24];
	uint64_t size = 0, features;
	int flags = (disk->ro ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	int ret;

	memset(blk, 0, sizeof(*blk));
	blk->fd = blk->buffered_fd = -1;
	snprintf(path, sizeof(path), "%.*s", (int)disk->path_len, disk->path);
	blk->ro = disk->ro;
	blk->fd = open(path, flags | (disk->direct ? O_DIRECT : 0));
	if (blk->fd < 0) {
		pr_err("--disk %s: cannot open: %s", path, strerror(errno));
		return -errno;
	}
	/* Two writers of one image corrupt it: refuse, as QEMU does. */
	if (flock(blk->fd, (disk->ro ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
		pr_err("--disk %s: in use by another process (it holds a lock on the file)",
		       path);
		return -EBUSY;
	}
	blk->buffered_fd = blk->fd;
	if (disk->direct) {
		blk->buffered_fd = open(path, flags);
		if (blk->buffered_fd < 0) {
			pr_err("--disk %s: cannot open: %s", path, strerror(errno));
			return -errno;
		}
	}
	ret = disk_size(blk, path, &size);
	if (ret) {
		if (ret != -EINVAL)
			pr_err("--disk %s: cannot find its size: %s", path,
			       strerror(-ret));
		return ret;
	}
	if (size % SECTOR)
		pr_warn("--disk %s: the last %llu bytes are not a whole sector; the guest will not see them",
			path, (unsigned long long)(size % SECTOR));
	blk->sectors = size / SECTOR;
	snprintf(blk->serial, sizeof(blk->serial), "lkvm-disk%u", index);

	put_le64(blk->config + CFG_CAPACITY, blk->sectors);
	put_le32(blk->config + CFG_SEG_MAX, VQ_CHAIN_MAX - 2);
	put_le32(blk->config + CFG_MAX_DISCARD_SECTORS, MAX_RANGE_SECTORS);
	put_le32(blk->config + CFG_MAX_DISCARD_SEG, MAX_RANGES);
	put_le32(blk->config + CFG_DISCARD_ALIGNMENT, 8);	/* 4 KiB, the host's pages */
	put_le32(blk->config + CFG_MAX_WRITE_ZEROES_SECTORS, MAX_RANGE_SECTORS);
	put_le32(blk->config + CFG_MAX_WRITE_ZEROES_SEG, MAX_RANGES);
	blk->config[CFG_WRITE_ZEROES_MAY_UNMAP] = 1;

	features = 1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_FLUSH;
	if (disk->ro)
		features |= 1ull << VIRTIO_BLK_F_RO;
	else
		features |= 1ull << VIRTIO_BLK_F_DISCARD | 1ull << VIRTIO_BLK_F_WRITE_ZEROES;
	snprintf(name, sizeof(name), "virtio-blk%u", index);
	return virtio_dev_init(&blk->dev, &blk_ops, blk, name, mem, features,
			       blk->config);
}

void virtio_blk_destroy(struct virtio_blk *blk)
{
	if (blk->buffered_fd >= 0 && blk->buffered_fd != blk->fd)
		close(blk->buffered_fd);
	if (blk->fd >= 0)
		close(blk->fd);
	virtio_dev_destroy(&blk->dev);
}
