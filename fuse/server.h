/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_FUSE_SERVER_H
#define LKVM_FUSE_SERVER_H

/*
 * A FUSE 7.x server for one host directory, as virtio-fs carries the
 * protocol: each request is the readable part of a chain, its reply goes
 * into the writable part. Confinement is the kernel's: every name is
 * resolved by openat2() beneath its parent's O_PATH descriptor, without
 * symlinks on the last component and without magic links, so neither
 * "..", nor a symlink, nor a rename on the host leads outside the
 * directory. A read-only server refuses every change (EROFS) and opens
 * files read-only. Requests are copied once into the server's buffer and
 * parsed there; only WRITE's data, which is never parsed, is written to
 * the file straight from the guest's buffers, as READ's is read into them.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "core/log.h"
#include "fuse/handles.h"
#include "fuse/nodes.h"

/* A request's header and arguments, names included; WRITE's data aside. */
#define FUSE_REQ_MAX		8192
/* The largest reply lkvm builds: READDIR(PLUS), READLINK. */
#define FUSE_REPLY_MAX		65536
#define FUSE_MAX_PAGES_OFFERED	128
#define FUSE_MAX_WRITE		(FUSE_MAX_PAGES_OFFERED * 4096)

struct fuse_server {
	const char *dir;	/* for messages */
	struct log_ratelimit full_warned;
	int proc_fd;		/* /proc/self/fd: reopens an O_PATH node */
	bool ro;
	bool initialised;	/* INIT answered, no DESTROY since */
	struct fuse_nodes nodes;
	struct fuse_handles handles;
	uint8_t req[FUSE_REQ_MAX];
	uint8_t reply[FUSE_REPLY_MAX];
};

/*
 * Serve @dir (read-only if @ro) with at most @max_nodes inodes held open.
 * Returns 0, or -errno with a one-line reason in @why.
 */
int fuse_server_init(struct fuse_server *s, const char *dir, bool ro, uint32_t max_nodes,
		     char *why, size_t why_len);
void fuse_server_destroy(struct fuse_server *s);

/*
 * One request: @req_len bytes in @req's segments, room for @reply_len in
 * @reply's. Returns the bytes of reply written, 0 for a request that has
 * none (FORGET) or no room for one.
 */
size_t fuse_server_handle(struct fuse_server *s, const struct iovec *req, unsigned int nr_req,
			  size_t req_len, const struct iovec *reply, unsigned int nr_reply,
			  size_t reply_len);

#endif
