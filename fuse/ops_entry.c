// SPDX-License-Identifier: GPL-2.0
/*
 * The operations on names: each is one *at() call on the parent's O_PATH
 * descriptor with a single checked name, so it acts on that directory's
 * entry and nothing a symlink points to; what it creates is then looked
 * up as LOOKUP would.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuse/internal.h"

static int reply_entry(struct fuse_req *r, int dir_fd, const char *name)
{
	struct fuse_entry_out entry;
	int ret = fuse_lookup_at(r->s, dir_fd, name, &entry);

	if (ret)
		return ret;
	memcpy(r->s->reply, &entry, sizeof(entry));
	r->reply_len = sizeof(entry);
	return 0;
}

/* The request's node as a directory to change, and the first name in it. */
static int parent_and_name(struct fuse_req *r, size_t off, struct fuse_node **dir,
			   const char **name, size_t *end)
{
	*dir = fuse_req_node(r);
	*end = off;
	*name = fuse_req_name(r, end);
	if (!*dir)
		return -ESTALE;
	if (!*name)
		return -EINVAL;
	return r->s->ro ? -EROFS : 0;
}

int fuse_do_lookup(struct fuse_req *r)
{
	struct fuse_node *dir = fuse_req_node(r);
	size_t off = 0;
	const char *name = fuse_req_name(r, &off);

	if (!dir)
		return -ESTALE;
	if (!name)
		return -EINVAL;
	return reply_entry(r, dir->fd, name);
}

int fuse_do_forget(struct fuse_req *r)
{
	struct fuse_forget_in in;

	if (fuse_req_args(r, &in, sizeof(in)))
		fuse_node_forget(&r->s->nodes, r->h.nodeid, in.nlookup);
	return 0;
}

int fuse_do_batch_forget(struct fuse_req *r)
{
	struct fuse_batch_forget_in in;
	size_t room;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return 0;
	room = (r->arg_len - sizeof(in)) / sizeof(struct fuse_forget_one);
	for (uint32_t i = 0; i < in.count && i < room; i++) {
		struct fuse_forget_one one;

		memcpy(&one, r->arg + sizeof(in) + i * sizeof(one), sizeof(one));
		fuse_node_forget(&r->s->nodes, one.nodeid, one.nlookup);
	}
	return 0;
}

int fuse_do_readlink(struct fuse_req *r)
{
	struct fuse_node *n = fuse_req_node(r);
	ssize_t len;

	if (!n)
		return -ESTALE;
	len = readlinkat(n->fd, "", (char *)r->s->reply, PATH_MAX);
	if (len < 0)
		return -errno;
	r->reply_len = len;
	return 0;
}

int fuse_do_symlink(struct fuse_req *r)
{
	struct fuse_node *dir;
	const char *name, *target;
	size_t off;
	int ret = parent_and_name(r, 0, &dir, &name, &off);

	target = fuse_req_target(r, &off);
	if (ret)
		return ret;
	if (!target)
		return -EINVAL;
	/* The target is only stored: lkvm never follows a guest's symlink. */
	if (symlinkat(target, dir->fd, name))
		return -errno;
	return reply_entry(r, dir->fd, name);
}

int fuse_do_mkdir(struct fuse_req *r)
{
	struct fuse_mkdir_in in;
	struct fuse_node *dir;
	const char *name;
	size_t off;
	int ret;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	ret = parent_and_name(r, sizeof(in), &dir, &name, &off);
	if (ret)
		return ret;
	if (mkdirat(dir->fd, name, in.mode & 07777))
		return -errno;
	return reply_entry(r, dir->fd, name);
}

static int remove_name(struct fuse_req *r, int flags)
{
	struct fuse_node *dir;
	const char *name;
	size_t off;
	int ret = parent_and_name(r, 0, &dir, &name, &off);

	if (ret)
		return ret;
	return unlinkat(dir->fd, name, flags) ? -errno : 0;
}

int fuse_do_unlink(struct fuse_req *r)
{
	return remove_name(r, 0);
}

int fuse_do_rmdir(struct fuse_req *r)
{
	return remove_name(r, AT_REMOVEDIR);
}

static int rename_names(struct fuse_req *r, size_t off, uint64_t newdir_id, uint32_t flags)
{
	struct fuse_node *dir, *newdir = fuse_node_get(&r->s->nodes, newdir_id);
	const char *name, *newname;
	int ret = parent_and_name(r, off, &dir, &name, &off);

	newname = fuse_req_name(r, &off);
	if (!ret && !newdir)
		ret = -ESTALE;
	if (!ret && !newname)
		ret = -EINVAL;
	/* RENAME_WHITEOUT makes a device node: overlayfs's, not a guest's. */
	if (!ret && flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE))
		ret = -EINVAL;
	if (ret)
		return ret;
	return renameat2(dir->fd, name, newdir->fd, newname, flags) ? -errno : 0;
}

int fuse_do_rename(struct fuse_req *r)
{
	struct fuse_rename_in in;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	return rename_names(r, sizeof(in), in.newdir, 0);
}

int fuse_do_rename2(struct fuse_req *r)
{
	struct fuse_rename2_in in;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	return rename_names(r, sizeof(in), in.newdir, in.flags);
}

int fuse_do_link(struct fuse_req *r)
{
	struct fuse_link_in in;
	struct fuse_node *dir, *old;
	const char *name;
	char proc_name[16];
	size_t off;
	int ret;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	ret = parent_and_name(r, sizeof(in), &dir, &name, &off);
	old = fuse_node_get(&r->s->nodes, in.oldnodeid);
	if (!ret && !old)
		ret = -ESTALE;
	if (ret)
		return ret;
	/*
	 * Through /proc/self/fd, which lands on the node's own inode and
	 * follows nothing further; linkat(AT_EMPTY_PATH) would need
	 * CAP_DAC_READ_SEARCH.
	 */
	fuse_proc_name(old, proc_name);
	if (linkat(r->s->proc_fd, proc_name, dir->fd, name, AT_SYMLINK_FOLLOW))
		return -errno;
	return reply_entry(r, dir->fd, name);
}
