// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuse/nodes.h"

#define NR_BUCKETS	4096

static uint32_t bucket_of(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)ino * 0x9e3779b97f4a7c15ull ^ (uint64_t)dev;

	return (h >> 32 ^ h) % NR_BUCKETS;
}

int fuse_nodes_init(struct fuse_nodes *t, uint32_t max, int root_fd)
{
	struct stat st;

	if (max > FUSE_NODES_MAX)
		max = FUSE_NODES_MAX;
	if (max < 2 || fstat(root_fd, &st))
		return -EINVAL;
	*t = (struct fuse_nodes) { .max = max + 1, .high = 2, .used = 1 };
	t->slots = calloc(t->max, sizeof(*t->slots));
	t->buckets = calloc(NR_BUCKETS, sizeof(*t->buckets));
	if (!t->slots || !t->buckets) {
		free(t->slots);
		free(t->buckets);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < t->max; i++)
		t->slots[i].fd = -1;
	t->slots[FUSE_ROOT_NODE] = (struct fuse_node) {
		.fd = root_fd, .type = st.st_mode & S_IFMT, .dev = st.st_dev,
		.ino = st.st_ino, .nlookup = 1,
	};
	t->buckets[bucket_of(st.st_dev, st.st_ino)] = FUSE_ROOT_NODE;
	return 0;
}

static void unhash(struct fuse_nodes *t, uint32_t id)
{
	struct fuse_node *n = &t->slots[id];
	uint32_t *link = &t->buckets[bucket_of(n->dev, n->ino)];

	while (*link != id)
		link = &t->slots[*link].next;
	*link = n->next;
}

static void release(struct fuse_nodes *t, uint32_t id)
{
	struct fuse_node *n = &t->slots[id];

	unhash(t, id);
	close(n->fd);
	n->fd = -1;
	n->nlookup = 0;
	n->next = t->free_head;
	t->free_head = id;
	t->used--;
}

void fuse_nodes_forget_all(struct fuse_nodes *t)
{
	for (uint32_t id = FUSE_ROOT_NODE + 1; id < t->high; id++)
		if (t->slots[id].fd >= 0)
			release(t, id);
}

void fuse_nodes_destroy(struct fuse_nodes *t)
{
	if (!t->slots)
		return;
	fuse_nodes_forget_all(t);
	close(t->slots[FUSE_ROOT_NODE].fd);
	free(t->slots);
	free(t->buckets);
	t->slots = NULL;
}

struct fuse_node *fuse_node_get(struct fuse_nodes *t, uint64_t id)
{
	if (!id || id >= t->high || t->slots[id].fd < 0)
		return NULL;
	return &t->slots[id];
}

uint64_t fuse_node_add(struct fuse_nodes *t, int fd, const struct stat *st)
{
	uint32_t b = bucket_of(st->st_dev, st->st_ino), id;
	struct fuse_node *n;

	for (id = t->buckets[b]; id; id = t->slots[id].next) {
		n = &t->slots[id];
		if (n->dev == st->st_dev && n->ino == st->st_ino) {
			close(fd);
			n->nlookup++;
			return id;
		}
	}
	if (t->free_head) {
		id = t->free_head;
		t->free_head = t->slots[id].next;
	} else if (t->high < t->max) {
		id = t->high++;
	} else {
		close(fd);
		return 0;
	}
	n = &t->slots[id];
	*n = (struct fuse_node) {
		.fd = fd, .type = st->st_mode & S_IFMT, .dev = st->st_dev, .ino = st->st_ino,
		.nlookup = 1, .generation = n->generation + 1, .next = t->buckets[b],
	};
	t->buckets[b] = id;
	t->used++;
	return id;
}

void fuse_node_forget(struct fuse_nodes *t, uint64_t id, uint64_t count)
{
	struct fuse_node *n = fuse_node_get(t, id);

	if (!n || id == FUSE_ROOT_NODE)
		return;
	if (count >= n->nlookup)
		release(t, id);
	else
		n->nlookup -= count;
}
