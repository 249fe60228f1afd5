// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <unistd.h>

#include "fuse/handles.h"

void fuse_handles_init(struct fuse_handles *h)
{
	for (unsigned int i = 0; i < FUSE_HANDLES_MAX; i++)
		h->slots[i] = (struct fuse_handle) { .fd = -1 };
}

void fuse_handles_close_all(struct fuse_handles *h)
{
	for (unsigned int i = 0; i < FUSE_HANDLES_MAX; i++)
		if (h->slots[i].fd >= 0)
			close(h->slots[i].fd);
	fuse_handles_init(h);
}

uint64_t fuse_handle_add(struct fuse_handles *h, int fd, bool dir)
{
	for (unsigned int i = 0; i < FUSE_HANDLES_MAX; i++) {
		if (h->slots[i].fd < 0) {
			h->slots[i] = (struct fuse_handle) { fd, dir };
			return i + 1;
		}
	}
	close(fd);
	return 0;
}

struct fuse_handle *fuse_handle_get(struct fuse_handles *h, uint64_t fh, bool dir)
{
	struct fuse_handle *slot;

	if (!fh || fh > FUSE_HANDLES_MAX)
		return NULL;
	slot = &h->slots[fh - 1];
	return slot->fd >= 0 && slot->dir == dir ? slot : NULL;
}

int fuse_handle_close(struct fuse_handles *h, uint64_t fh, bool dir)
{
	struct fuse_handle *slot = fuse_handle_get(h, fh, dir);

	if (!slot)
		return -EBADF;
	close(slot->fd);
	slot->fd = -1;
	return 0;
}
