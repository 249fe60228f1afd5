// SPDX-License-Identifier: GPL-2.0
/*
 * READDIR and READDIRPLUS: the host's getdents64() from the offset the
 * driver gives (the cookie of the last entry it took), as FUSE's records,
 * as many as fit. READDIRPLUS looks each entry up as LOOKUP does, but for
 * "." and "..", which it gives without a node (ID 0), as FUSE allows.
 */
#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "fuse/internal.h"

#define DIRENTS_BUF	8192

/* getdents64()'s record (linux_dirent64), as the kernel lays it out. */
struct host_dirent {
	uint64_t ino;
	int64_t off;
	uint16_t reclen;
	uint8_t type;
	char name[];
};
#define NAME_AT		offsetof(struct host_dirent, name)

/* One entry into the reply at @at: its size, or 0 when it does not fit. */
static size_t add_entry(struct fuse_req *r, int dir_fd, const struct host_dirent *d,
			size_t namelen, size_t at, size_t room, bool plus)
{
	size_t head = plus ? FUSE_NAME_OFFSET_DIRENTPLUS : FUSE_NAME_OFFSET;
	size_t size = FUSE_DIRENT_ALIGN(head + namelen);
	struct fuse_dirent dirent = {
		.ino = d->ino, .off = d->off, .namelen = namelen, .type = d->type,
	};
	uint8_t *p = r->s->reply + at;

	if (size > room - at)
		return 0;
	memset(p, 0, size);
	if (plus) {
		struct fuse_entry_out entry = { 0 };
		bool dots = !strcmp(d->name, ".") || !strcmp(d->name, "..");

		/* An entry gone since getdents64(), or a full table: no node. */
		if (!dots && fuse_lookup_at(r->s, dir_fd, d->name, &entry))
			entry = (struct fuse_entry_out) { 0 };
		memcpy(p, &entry, sizeof(entry));
		p += sizeof(entry);
	}
	memcpy(p, &dirent, FUSE_NAME_OFFSET);
	memcpy(p + FUSE_NAME_OFFSET, d->name, namelen);
	return size;
}

static int read_dir(struct fuse_req *r, bool plus)
{
	uint8_t buf[DIRENTS_BUF] __attribute__((aligned(8)));
	struct fuse_read_in in;
	struct fuse_handle *h;
	size_t room, used = 0;
	bool full = false;

	if (!fuse_req_args(r, &in, sizeof(in)))
		return -EINVAL;
	h = fuse_handle_get(&r->s->handles, in.fh, true);
	if (!h)
		return -EBADF;
	if (in.offset > INT64_MAX)
		return -EINVAL;
	room = r->out_len - sizeof(struct fuse_out_header);
	if (room > in.size)
		room = in.size;
	if (room > FUSE_REPLY_MAX)
		room = FUSE_REPLY_MAX;
	if (lseek(h->fd, in.offset, SEEK_SET) < 0)
		return -errno;
	while (!full) {
		ssize_t n = getdents64(h->fd, buf, sizeof(buf));

		if (n < 0 && !used)
			return -errno;
		if (n <= 0)
			break;
		for (ssize_t pos = 0; pos < n; ) {
			const struct host_dirent *d = (const void *)(buf + pos);
			size_t size;

			if (d->reclen < NAME_AT + 1 || d->reclen > n - pos)
				return -EIO;
			size = add_entry(r, h->fd, d, strnlen(d->name, d->reclen - NAME_AT),
					 used, room, plus);
			if (!size) {
				full = true;
				break;
			}
			used += size;
			pos += d->reclen;
		}
	}
	r->reply_len = used;
	return 0;
}

int fuse_do_readdir(struct fuse_req *r)
{
	return read_dir(r, false);
}

int fuse_do_readdirplus(struct fuse_req *r)
{
	return read_dir(r, true);
}
