// SPDX-License-Identifier: GPL-2.0
/*
 * The FUSE server's front: a request copied into lkvm's buffer, its header
 * checked, INIT and DESTROY, and the dispatch to the operations
 * (fuse/ops_*.c). What lkvm does not implement answers ENOSYS, which the
 * kernel remembers and stops asking.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/iov.h"
#include "fuse/internal.h"

/* The protocol lkvm speaks: 7.31 is virtio-fs's first. */
#define FUSE_MINOR_MIN		31
#define FUSE_MINOR_MAX		38

/* What lkvm offers at INIT, of what the driver asks for. */
#define FUSE_FLAGS_OFFERED	(FUSE_ASYNC_READ | FUSE_ATOMIC_O_TRUNC | FUSE_BIG_WRITES | \
				 FUSE_AUTO_INVAL_DATA | FUSE_DO_READDIRPLUS | \
				 FUSE_READDIRPLUS_AUTO | FUSE_MAX_PAGES | FUSE_CACHE_SYMLINKS)

bool fuse_req_args(const struct fuse_req *r, void *dst, size_t size)
{
	if (r->arg_len < size)
		return false;
	memcpy(dst, r->arg, size);
	return true;
}

/* A NUL-terminated string at @*off of at most @max bytes before the NUL. */
static const char *req_string(const struct fuse_req *r, size_t *off, size_t max)
{
	const char *s = (const char *)r->arg + *off;
	size_t n;

	if (*off >= r->arg_len)
		return NULL;
	n = strnlen(s, r->arg_len - *off);
	if (n == r->arg_len - *off || !n || n > max)
		return NULL;
	*off += n + 1;
	return s;
}

const char *fuse_req_name(const struct fuse_req *r, size_t *off)
{
	const char *name = req_string(r, off, NAME_MAX);

	if (!name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return NULL;
	return name;
}

const char *fuse_req_target(const struct fuse_req *r, size_t *off)
{
	return req_string(r, off, PATH_MAX - 1);
}

struct fuse_node *fuse_req_node(const struct fuse_req *r)
{
	return fuse_node_get(&r->s->nodes, r->h.nodeid);
}

void fuse_proc_name(const struct fuse_node *n, char buf[16])
{
	snprintf(buf, 16, "%d", n->fd);
}

int fuse_reopen(struct fuse_server *s, const struct fuse_node *n, int flags)
{
	char name[16];
	int fd;

	/* Never a FIFO, a device or a socket: opening one could block or act. */
	if (n->type != S_IFREG && n->type != S_IFDIR)
		return -EACCES;
	/* The magic link lands on the node's inode (O_NOFOLLOW would refuse it). */
	fuse_proc_name(n, name);
	fd = openat(s->proc_fd, name, flags | O_CLOEXEC | O_NOCTTY);
	return fd < 0 ? -errno : fd;
}

static int do_init(struct fuse_req *r)
{
	struct fuse_init_in in = { 0 };
	struct fuse_init_out out = { 0 };

	/* The fields up to flags: older drivers send no more. */
	if (!fuse_req_args(r, &in, offsetof(struct fuse_init_in, flags2)))
		return -EINVAL;
	if (in.major != FUSE_KERNEL_VERSION || in.minor < FUSE_MINOR_MIN)
		return -EPROTO;
	if (r->s->initialised) {
		fuse_handles_close_all(&r->s->handles);
		fuse_nodes_forget_all(&r->s->nodes);
	}
	out.major = FUSE_KERNEL_VERSION;
	out.minor = in.minor < FUSE_MINOR_MAX ? in.minor : FUSE_MINOR_MAX;
	out.max_readahead = in.max_readahead;
	out.flags = in.flags & FUSE_FLAGS_OFFERED;
	out.max_background = 16;
	out.congestion_threshold = 12;
	out.max_write = FUSE_MAX_WRITE;
	out.time_gran = 1;
	out.max_pages = FUSE_MAX_PAGES_OFFERED;
	memcpy(r->s->reply, &out, sizeof(out));
	r->reply_len = sizeof(out);
	r->s->initialised = true;
	return 0;
}

static int do_destroy(struct fuse_req *r)
{
	fuse_handles_close_all(&r->s->handles);
	fuse_nodes_forget_all(&r->s->nodes);
	r->s->initialised = false;
	return 0;
}

typedef int (*fuse_op_fn)(struct fuse_req *r);

static const fuse_op_fn ops[] = {
	[FUSE_LOOKUP] = fuse_do_lookup,
	[FUSE_FORGET] = fuse_do_forget,
	[FUSE_GETATTR] = fuse_do_getattr,
	[FUSE_SETATTR] = fuse_do_setattr,
	[FUSE_READLINK] = fuse_do_readlink,
	[FUSE_SYMLINK] = fuse_do_symlink,
	[FUSE_MKDIR] = fuse_do_mkdir,
	[FUSE_UNLINK] = fuse_do_unlink,
	[FUSE_RMDIR] = fuse_do_rmdir,
	[FUSE_RENAME] = fuse_do_rename,
	[FUSE_LINK] = fuse_do_link,
	[FUSE_OPEN] = fuse_do_open,
	[FUSE_READ] = fuse_do_read,
	[FUSE_WRITE] = fuse_do_write,
	[FUSE_STATFS] = fuse_do_statfs,
	[FUSE_RELEASE] = fuse_do_release,
	[FUSE_FSYNC] = fuse_do_fsync,
	[FUSE_FLUSH] = fuse_do_flush,
	[FUSE_INIT] = do_init,
	[FUSE_OPENDIR] = fuse_do_opendir,
	[FUSE_READDIR] = fuse_do_readdir,
	[FUSE_RELEASEDIR] = fuse_do_releasedir,
	[FUSE_FSYNCDIR] = fuse_do_fsyncdir,
	[FUSE_CREATE] = fuse_do_create,
	[FUSE_DESTROY] = do_destroy,
	[FUSE_BATCH_FORGET] = fuse_do_batch_forget,
	[FUSE_READDIRPLUS] = fuse_do_readdirplus,
	[FUSE_RENAME2] = fuse_do_rename2,
};

static int dispatch(struct fuse_req *r, size_t copied)
{
	uint32_t op = r->h.opcode;

	if (r->h.len != r->in_len || r->h.len < sizeof(r->h))
		return -EINVAL;
	/* Only WRITE's data may lie beyond what lkvm copied. */
	if (copied < r->in_len && op != FUSE_WRITE)
		return -E2BIG;
	if (op >= sizeof(ops) / sizeof(ops[0]) || !ops[op])
		return -ENOSYS;
	if (!r->s->initialised && op != FUSE_INIT)
		return -EIO;
	return ops[op](r);
}

/* FORGET and BATCH_FORGET have no reply (FUSE's, 7.x). */
static bool has_reply(uint32_t opcode)
{
	return opcode != FUSE_FORGET && opcode != FUSE_BATCH_FORGET;
}

size_t fuse_server_handle(struct fuse_server *s, const struct iovec *req, unsigned int nr_req,
			  size_t req_len, const struct iovec *reply, unsigned int nr_reply,
			  size_t reply_len)
{
	struct fuse_req r = {
		.s = s, .in = req, .nr_in = nr_req, .in_len = req_len,
		.out = reply, .nr_out = nr_reply, .out_len = reply_len,
	};
	size_t copied = iov_copy_from(req, nr_req, 0, s->req,
				      req_len < FUSE_REQ_MAX ? req_len : FUSE_REQ_MAX);
	struct fuse_out_header out;
	int err;

	if (copied < sizeof(r.h))
		return 0;	/* not even a header: nothing to answer to */
	memcpy(&r.h, s->req, sizeof(r.h));
	r.arg = s->req + sizeof(r.h);
	r.arg_len = copied - sizeof(r.h);
	err = dispatch(&r, copied);
	if (!has_reply(r.h.opcode) || reply_len < sizeof(out))
		return 0;
	if (!err && !r.reply_direct && r.reply_len > reply_len - sizeof(out))
		err = -EINVAL;	/* the driver left no room for the reply */
	if (err)
		r.reply_len = 0;
	out = (struct fuse_out_header) {
		.len = sizeof(out) + r.reply_len, .error = err, .unique = r.h.unique,
	};
	iov_copy_to(reply, nr_reply, 0, &out, sizeof(out));
	if (!r.reply_direct)
		iov_copy_to(reply, nr_reply, sizeof(out), s->reply, r.reply_len);
	return out.len;
}

static int openat2_path(int dir_fd, const char *name, int flags)
{
	struct open_how how = {
		.flags = flags | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd = syscall(SYS_openat2, dir_fd, name, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

int fuse_server_init(struct fuse_server *s, const char *dir, bool ro, uint32_t max_nodes,
		     char *why, size_t why_len)
{
	int root, ret;

	memset(s, 0, sizeof(*s));
	s->dir = dir;
	s->ro = ro;
	s->proc_fd = -1;
	fuse_handles_init(&s->handles);
	root = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		ret = -errno;
		snprintf(why, why_len, "%s", errno == ENOTDIR ? "not a directory" :
			 strerror(errno));
		return ret;
	}
	/* The kernel confines every lookup: no openat2, no sharing. */
	ret = openat2_path(root, ".", O_PATH);
	if (ret < 0) {
		snprintf(why, why_len, "%s", ret == -ENOSYS ?
			 "this host's kernel has no openat2() (Linux 5.6), which confines the guest to the folder" :
			 strerror(-ret));
		close(root);
		return ret;
	}
	close(ret);
	s->proc_fd = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->proc_fd < 0) {
		ret = -errno;
		snprintf(why, why_len, "cannot open /proc/self/fd (is /proc mounted?): %s",
			 strerror(errno));
		close(root);
		return ret;
	}
	ret = fuse_nodes_init(&s->nodes, max_nodes, root);
	if (ret) {
		snprintf(why, why_len, "%s", strerror(-ret));
		close(root);
		close(s->proc_fd);
		s->proc_fd = -1;
	}
	return ret;
}

void fuse_server_destroy(struct fuse_server *s)
{
	fuse_handles_close_all(&s->handles);
	fuse_nodes_destroy(&s->nodes);
	if (s->proc_fd >= 0)
		close(s->proc_fd);
	s->proc_fd = -1;
}

int fuse_lookup_at(struct fuse_server *s, int dir_fd, const char *name,
		   struct fuse_entry_out *entry)
{
	int fd = openat2_path(dir_fd, name, O_PATH | O_NOFOLLOW);
	struct stat st;
	uint64_t id;

	if (fd < 0)
		return fd;
	if (fstatat(fd, "", &st, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)) {
		int err = -errno;

		close(fd);
		return err;
	}
	id = fuse_node_add(&s->nodes, fd, &st);
	if (!id) {
		pr_warn_ratelimited(&s->full_warned,
				    "--fs %s: the guest holds %u inodes, all lkvm may keep open; it gets ENFILE until it lets some go (ulimit -n raises the limit)",
				    s->dir, s->nodes.used);
		return -ENFILE;
	}
	*entry = (struct fuse_entry_out) {
		.nodeid = id, .generation = s->nodes.slots[id].generation,
		.entry_valid = FUSE_TIMEOUT_S, .attr_valid = FUSE_TIMEOUT_S,
	};
	fuse_fill_attr(&entry->attr, &st);
	return 0;
}

void fuse_fill_attr(struct fuse_attr *attr, const struct stat *st)
{
	*attr = (struct fuse_attr) {
		.ino = st->st_ino, .size = st->st_size, .blocks = st->st_blocks,
		.atime = st->st_atim.tv_sec, .atimensec = st->st_atim.tv_nsec,
		.mtime = st->st_mtim.tv_sec, .mtimensec = st->st_mtim.tv_nsec,
		.ctime = st->st_ctim.tv_sec, .ctimensec = st->st_ctim.tv_nsec,
		.mode = st->st_mode, .nlink = st->st_nlink, .uid = st->st_uid,
		.gid = st->st_gid, .rdev = st->st_rdev, .blksize = st->st_blksize,
	};
}
