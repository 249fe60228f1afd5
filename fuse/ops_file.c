// SPDX-License-Identifier: GPL-2.0
/*
 * Open files and directories: a node is reopened through /proc/self/fd
 * (regular files and directories only), or created beneath its parent;
 * READ and WRITE move data between the file and the guest's buffers with
 * one preadv or pwritev each, the guest's data never parsed.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "core/iov.h"
#include "fuse/internal.h"

/* The open(2) flags a driver's OPEN may carry through to the host. */
/* A chain has no more segments than a queue has entries (256). */
#define FUSE_IOV_MAX		256

#define OPEN_FLAGS_KEPT		(O_ACCMODE | O_APPEND | O_TRUNC | O_SYNC | O_DSYNC | \
				 O_NONBLOCK)

static int open_flags(const struct fuse_server *s, uint32_t guest)
{
	int flags = guest & OPEN_FLAGS_KEPT;

	if ((flags & O_ACCMODE) == O_ACCMODE)
		return -EINVAL;
	if (s->ro && ((flags & O_ACCMODE) != O_RDONLY || flags & O_TRUNC))
		return -EROFS;
	return flags;
}

static int reply_open(struct fuse_req *r, int fd, bool dir, size_t at)
{
	struct fuse_open_out out = { 0 };

	out.fh = fuse_handle_add(&r->s->handles, fd, dir);
	if (!out.fh)
		return -ENFILE;
	memcpy(r->s->reply + at, &out, sizeof(out));
	r->reply_len = at + sizeof(out);
	return 0;
}

static int open_node(struct fuse_req *r, bool dir)
{
	struct fuse_node *n = fuse_req_node(r);
	struct fuse_open_in in;
	int flags, fd;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	if (!n)
		return -ESTALE;
	if (dir) {
		if (n->type != S_IFDIR)
			return -ENOTDIR;
		flags = O_RDONLY | O_DIRECTORY;
	} else {
		if (n->type == S_IFDIR)
			return -EISDIR;
		flags = open_flags(r->s, in.flags);
		if (flags < 0)
			return flags;
	}
	fd = fuse_reopen(r->s, n, flags);
	return fd < 0 ? fd : reply_open(r, fd, dir, 0);
}

int fuse_do_open(struct fuse_req *r)
{
	return open_node(r, false);
}

int fuse_do_opendir(struct fuse_req *r)
{
	return open_node(r, true);
}

/*
 * CREATE: a new regular file, then opened. If the name exists already (the
 * host made it since the driver looked), it is opened as OPEN would, unless
 * the guest asked for O_EXCL: never a FIFO or device a guest could block on.
 */
int fuse_do_create(struct fuse_req *r)
{
	struct fuse_node *dir = fuse_req_node(r);
	struct fuse_entry_out entry;
	struct fuse_create_in in;
	size_t off = sizeof(in);
	const char *name;
	int flags, fd, ret;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	name = fuse_req_name(r, &off);
	if (!dir)
		return -ESTALE;
	if (!name)
		return -EINVAL;
	if (r->s->ro)
		return -EROFS;
	flags = open_flags(r->s, in.flags);
	if (flags < 0)
		return flags;
	fd = openat(dir->fd, name, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    in.mode & 07777);
	if (fd < 0 && (errno != EEXIST || in.flags & O_EXCL))
		return -errno;
	ret = fuse_lookup_at(r->s, dir->fd, name, &entry);
	if (ret) {
		if (fd >= 0)
			close(fd);
		return ret;
	}
	if (fd < 0)
		fd = fuse_reopen(r->s, &r->s->nodes.slots[entry.nodeid], flags);
	if (fd < 0) {
		fuse_node_forget(&r->s->nodes, entry.nodeid, 1);
		return fd;
	}
	memcpy(r->s->reply, &entry, sizeof(entry));
	ret = reply_open(r, fd, false, sizeof(entry));
	if (ret)
		fuse_node_forget(&r->s->nodes, entry.nodeid, 1);
	return ret;
}

int fuse_do_read(struct fuse_req *r)
{
	struct fuse_read_in in;
	struct fuse_handle *h;
	struct iovec data[FUSE_IOV_MAX];
	unsigned int cnt;
	size_t room;
	ssize_t n;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	h = fuse_handle_get(&r->s->handles, in.fh, false);
	if (!h)
		return -EBADF;
	if (in.offset > INT64_MAX)
		return -EINVAL;
	room = r->out_len - sizeof(struct fuse_out_header);
	if (in.size > room || in.size > FUSE_MAX_WRITE)
		return -EINVAL;
	cnt = iov_slice(r->out, r->nr_out, sizeof(struct fuse_out_header), in.size, data,
			FUSE_IOV_MAX);
	do
		n = preadv(h->fd, data, cnt, in.offset);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	r->reply_len = n;
	r->reply_direct = true;
	return 0;
}

int fuse_do_write(struct fuse_req *r)
{
	const size_t at = sizeof(struct fuse_in_header) + sizeof(struct fuse_write_in);
	struct fuse_write_out out = { 0 };
	struct fuse_write_in in;
	struct fuse_handle *h;
	struct iovec data[FUSE_IOV_MAX];
	unsigned int cnt;
	ssize_t n;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	if (r->s->ro)
		return -EROFS;
	h = fuse_handle_get(&r->s->handles, in.fh, false);
	if (!h)
		return -EBADF;
	if (in.size != r->in_len - at || in.size > FUSE_MAX_WRITE)
		return -EINVAL;
	if (in.offset > (uint64_t)INT64_MAX - in.size)
		return -EFBIG;
	cnt = iov_slice(r->in, r->nr_in, at, in.size, data, FUSE_IOV_MAX);
	do
		n = pwritev(h->fd, data, cnt, in.offset);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	out.size = n;
	memcpy(r->s->reply, &out, sizeof(out));
	r->reply_len = sizeof(out);
	return 0;
}

static int release(struct fuse_req *r, bool dir)
{
	struct fuse_release_in in;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	return fuse_handle_close(&r->s->handles, in.fh, dir);
}

int fuse_do_release(struct fuse_req *r)
{
	return release(r, false);
}

int fuse_do_releasedir(struct fuse_req *r)
{
	return release(r, true);
}

/* FLUSH, at each close() in the guest: lkvm holds no locks, writes nothing back. */
int fuse_do_flush(struct fuse_req *r)
{
	struct fuse_flush_in in;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	return fuse_handle_get(&r->s->handles, in.fh, false) ? 0 : -EBADF;
}

static int sync_handle(struct fuse_req *r, bool dir)
{
	struct fuse_fsync_in in;
	struct fuse_handle *h;
	int ret;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	h = fuse_handle_get(&r->s->handles, in.fh, dir);
	if (!h)
		return -EBADF;
	ret = in.fsync_flags & FUSE_FSYNC_FDATASYNC ? fdatasync(h->fd) : fsync(h->fd);
	return ret ? -errno : 0;
}

int fuse_do_fsync(struct fuse_req *r)
{
	return sync_handle(r, false);
}

int fuse_do_fsyncdir(struct fuse_req *r)
{
	return sync_handle(r, true);
}
