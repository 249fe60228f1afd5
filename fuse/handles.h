/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_FUSE_HANDLES_H
#define LKVM_FUSE_HANDLES_H

/*
 * The files and directories a FUSE driver has open (OPEN, CREATE and
 * OPENDIR's handles), each a descriptor of lkvm's. Bounded, as nodes are.
 */
#include <stdbool.h>
#include <stdint.h>

#define FUSE_HANDLES_MAX	1024

struct fuse_handle {
	int fd;			/* -1: a free slot */
	bool dir;
};

struct fuse_handles {
	struct fuse_handle slots[FUSE_HANDLES_MAX];
};

void fuse_handles_init(struct fuse_handles *h);
void fuse_handles_close_all(struct fuse_handles *h);
/* A handle for @fd: its number (never 0), or 0 with @fd closed when full. */
uint64_t fuse_handle_add(struct fuse_handles *h, int fd, bool dir);
/* The open file (or directory, @dir) the driver calls @fh, or NULL. */
struct fuse_handle *fuse_handle_get(struct fuse_handles *h, uint64_t fh, bool dir);
/* RELEASE: 0, or -EBADF for a handle that is not open as @dir says. */
int fuse_handle_close(struct fuse_handles *h, uint64_t fh, bool dir);

#endif
