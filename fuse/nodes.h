/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_FUSE_NODES_H
#define LKVM_FUSE_NODES_H

/*
 * The inodes a FUSE driver holds, each as an O_PATH descriptor that pins
 * the host's inode (FUSE's node IDs, with the lookup counts of FUSE 7.x's
 * LOOKUP and FORGET). One host inode gets one node, whatever name led to
 * it. Node 1 is the shared directory and never goes away. The table is
 * bounded: each node holds a descriptor, which the guest must not be able
 * to exhaust.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#define FUSE_ROOT_NODE		1
#define FUSE_NODES_MAX		65536

struct fuse_node {
	int fd;			/* O_PATH|O_NOFOLLOW; -1 when the slot is free */
	mode_t type;		/* S_IFMT bits: an inode never changes type */
	dev_t dev;
	ino_t ino;
	uint64_t nlookup;
	uint64_t generation;	/* bumped each time the slot is reused */
	uint32_t next;		/* the hash chain, 0 at its end */
};

struct fuse_nodes {
	struct fuse_node *slots;	/* [0] unused, [1] the root */
	uint32_t max, used;		/* slots allocated; in use */
	uint32_t *buckets;		/* by (dev, ino) */
	uint32_t free_head;		/* a chain through .next of free slots */
	uint32_t high;			/* slots [1, high) were handed out once */
};

/* Up to @max nodes (at most FUSE_NODES_MAX), the root from @root_fd. */
int fuse_nodes_init(struct fuse_nodes *t, uint32_t max, int root_fd);
/* Close every node's descriptor, the root's too. */
void fuse_nodes_destroy(struct fuse_nodes *t);
/* Drop every node but the root (the driver unmounted). */
void fuse_nodes_forget_all(struct fuse_nodes *t);

/* A node the driver may name, or NULL for a free or unknown ID. */
struct fuse_node *fuse_node_get(struct fuse_nodes *t, uint64_t id);

/*
 * One more lookup of the inode @fd (O_PATH) with @st: its existing node,
 * whose count goes up and @fd is closed, or a new one that keeps @fd.
 * Returns the node's ID, or 0 with @fd closed when the table is full.
 */
uint64_t fuse_node_add(struct fuse_nodes *t, int fd, const struct stat *st);

/* FORGET: @n fewer lookups; the node goes at 0 (the root never). */
void fuse_node_forget(struct fuse_nodes *t, uint64_t id, uint64_t n);

#endif
