/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_FUSE_INTERNAL_H
#define LKVM_FUSE_INTERNAL_H

/* What the server's operations share: one request, as it is handled. */
#include <linux/fuse.h>
#include <sys/stat.h>

#include "fuse/server.h"

#define FUSE_TIMEOUT_S		1	/* names and attributes cached this long */

struct fuse_req {
	struct fuse_server *s;
	struct fuse_in_header h;
	const uint8_t *arg;		/* after the header, in s->req */
	size_t arg_len;
	/* the guest's segments: the request (WRITE's data) and the reply */
	const struct iovec *in, *out;
	unsigned int nr_in, nr_out;
	size_t in_len, out_len;
	/* the reply's payload: in s->reply, or already in the guest's (READ) */
	size_t reply_len;
	bool reply_direct;
};

/*
 * The fixed part of the arguments into @dst: false when the request is
 * shorter. Names after it: fuse_req_name() from @*off on, NUL-terminated
 * inside the request, 1 to NAME_MAX bytes, with no '/' and not "." or
 * "..": NULL if not, else the name with @*off past it.
 */
bool fuse_req_args(const struct fuse_req *r, void *dst, size_t size);
const char *fuse_req_name(const struct fuse_req *r, size_t *off);
/* A symlink's target: any bytes but NUL, 1 to PATH_MAX - 1 of them. */
const char *fuse_req_target(const struct fuse_req *r, size_t *off);

/* The node the request is about, or NULL (the handlers answer ESTALE). */
struct fuse_node *fuse_req_node(const struct fuse_req *r);
/* Reopen @n (S_IFREG or S_IFDIR) with @flags through /proc/self/fd. */
int fuse_reopen(struct fuse_server *s, const struct fuse_node *n, int flags);
/* "N" for /proc/self/fd/N of @n: the name the *at() calls follow. */
void fuse_proc_name(const struct fuse_node *n, char buf[16]);

/*
 * Look up @name beneath @dir_fd and take a lookup of its node: fills
 * @entry. 0, or -errno (ENFILE when the table is full).
 */
int fuse_lookup_at(struct fuse_server *s, int dir_fd, const char *name,
		   struct fuse_entry_out *entry);
void fuse_fill_attr(struct fuse_attr *attr, const struct stat *st);

/* Each operation: 0 with the reply's payload set, or -errno. */
int fuse_do_lookup(struct fuse_req *r);
int fuse_do_forget(struct fuse_req *r);
int fuse_do_batch_forget(struct fuse_req *r);
int fuse_do_getattr(struct fuse_req *r);
int fuse_do_setattr(struct fuse_req *r);
int fuse_do_statfs(struct fuse_req *r);
int fuse_do_readlink(struct fuse_req *r);
int fuse_do_symlink(struct fuse_req *r);
int fuse_do_mkdir(struct fuse_req *r);
int fuse_do_unlink(struct fuse_req *r);
int fuse_do_rmdir(struct fuse_req *r);
int fuse_do_rename(struct fuse_req *r);
int fuse_do_rename2(struct fuse_req *r);
int fuse_do_link(struct fuse_req *r);
int fuse_do_open(struct fuse_req *r);
int fuse_do_create(struct fuse_req *r);
int fuse_do_read(struct fuse_req *r);
int fuse_do_write(struct fuse_req *r);
int fuse_do_release(struct fuse_req *r);
int fuse_do_flush(struct fuse_req *r);
int fuse_do_fsync(struct fuse_req *r);
int fuse_do_opendir(struct fuse_req *r);
int fuse_do_readdir(struct fuse_req *r);
int fuse_do_readdirplus(struct fuse_req *r);
int fuse_do_releasedir(struct fuse_req *r);
int fuse_do_fsyncdir(struct fuse_req *r);

#endif
