// SPDX-License-Identifier: GPL-2.0
/* Attributes: GETATTR, SETATTR, STATFS, on a node's O_PATH descriptor. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "fuse/internal.h"

static int reply_attr(struct fuse_req *r, const struct fuse_node *n)
{
	struct fuse_attr_out out = { .attr_valid = FUSE_TIMEOUT_S };
	struct stat st;

	if (fstatat(n->fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	fuse_fill_attr(&out.attr, &st);
	memcpy(r->s->reply, &out, sizeof(out));
	r->reply_len = sizeof(out);
	return 0;
}

int fuse_do_getattr(struct fuse_req *r)
{
	struct fuse_node *n = fuse_req_node(r);

	return n ? reply_attr(r, n) : -ESTALE;
}

static int set_size(struct fuse_req *r, const struct fuse_node *n,
		    const struct fuse_setattr_in *in)
{
	struct fuse_handle *h = in->valid & FATTR_FH ?
				fuse_handle_get(&r->s->handles, in->fh, false) : NULL;
	int fd, ret = 0;

	if (n->type != S_IFREG)
		return n->type == S_IFDIR ? -EISDIR : -EINVAL;
	if (in->size > INT64_MAX)
		return -EFBIG;
	if (h)
		return ftruncate(h->fd, in->size) ? -errno : 0;
	fd = fuse_reopen(r->s, n, O_WRONLY);
	if (fd < 0)
		return fd;
	if (ftruncate(fd, in->size))
		ret = -errno;
	close(fd);
	return ret;
}

static struct timespec time_of(uint32_t valid, uint32_t set, uint32_t now, uint64_t sec,
			       uint32_t nsec)
{
	if (valid & now)
		return (struct timespec) { .tv_nsec = UTIME_NOW };
	if (!(valid & set))
		return (struct timespec) { .tv_nsec = UTIME_OMIT };
	return (struct timespec) { .tv_sec = sec, .tv_nsec = nsec < 1000000000 ? nsec : 0 };
}

/*
 * Mode, owner, size and times, in that order, each on the node's own
 * inode: by /proc/self/fd where a call cannot take an O_PATH descriptor,
 * which lands on the inode and follows nothing further.
 */
int fuse_do_setattr(struct fuse_req *r)
{
	struct fuse_node *n = fuse_req_node(r);
	struct fuse_setattr_in in;
	char proc_name[16];

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	if (!n)
		return -ESTALE;
	if (r->s->ro && in.valid & (FATTR_MODE | FATTR_UID | FATTR_GID | FATTR_SIZE |
				    FATTR_ATIME | FATTR_MTIME | FATTR_ATIME_NOW |
				    FATTR_MTIME_NOW))
		return -EROFS;
	fuse_proc_name(n, proc_name);
	if (in.valid & FATTR_MODE) {
		/* Linux gives symlinks no mode of their own. */
		if (n->type == S_IFLNK)
			return -EOPNOTSUPP;
		if (fchmodat(r->s->proc_fd, proc_name, in.mode & 07777, 0))
			return -errno;
	}
	if (in.valid & (FATTR_UID | FATTR_GID) &&
	    fchownat(n->fd, "", in.valid & FATTR_UID ? in.uid : (uid_t)-1,
		     in.valid & FATTR_GID ? in.gid : (gid_t)-1,
		     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -errno;
	if (in.valid & FATTR_SIZE) {
		int ret = set_size(r, n, &in);

		if (ret)
			return ret;
	}
	if (in.valid & (FATTR_ATIME | FATTR_MTIME | FATTR_ATIME_NOW | FATTR_MTIME_NOW)) {
		struct timespec ts[2] = {
			time_of(in.valid, FATTR_ATIME, FATTR_ATIME_NOW, in.atime, in.atimensec),
			time_of(in.valid, FATTR_MTIME, FATTR_MTIME_NOW, in.mtime, in.mtimensec),
		};

		if (utimensat(r->s->proc_fd, proc_name, ts, 0))
			return -errno;
	}
	return reply_attr(r, n);
}

int fuse_do_statfs(struct fuse_req *r)
{
	struct fuse_node *n = fuse_req_node(r);
	struct fuse_statfs_out out = { 0 };
	struct statfs st;

	if (!n)
		return -ESTALE;
	if (fstatfs(n->fd, &st))
		return -errno;
	out.st = (struct fuse_kstatfs) {
		.blocks = st.f_blocks, .bfree = st.f_bfree, .bavail = st.f_bavail,
		.files = st.f_files, .ffree = st.f_ffree, .bsize = st.f_bsize,
		.namelen = st.f_namelen, .frsize = st.f_frsize,
	};
	memcpy(r->s->reply, &out, sizeof(out));
	r->reply_len = sizeof(out);
	return 0;
}
