// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fileio.h"

/* Linux transfers at most ~2 GiB per call; stay well below. */
#define CHUNK (1u << 30)

/* @off < 0: read from the current position (a stream). */
static int read_all(int fd, void *buf, uint64_t len, off_t off)
{
	uint8_t *p = buf;

	while (len) {
		size_t chunk = len > CHUNK ? CHUNK : len;
		ssize_t n = off < 0 ? read(fd, p, chunk) : pread(fd, p, chunk, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		if (off >= 0)
			off += n;
		len -= n;
	}
	return 0;
}

int pread_full(int fd, void *buf, uint64_t len, off_t off)
{
	return read_all(fd, buf, len, off);
}

int read_full(int fd, void *buf, uint64_t len)
{
	return read_all(fd, buf, len, -1);
}

int eventfd_drain(int fd)
{
	uint64_t count;

	if (read(fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

int write_full(int fd, const void *buf, uint64_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len > CHUNK ? CHUNK : len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= n;
	}
	return 0;
}

int pwrite_full(int fd, const void *buf, uint64_t len, off_t off)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = pwrite(fd, p, len > CHUNK ? CHUNK : len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		off += n;
		len -= n;
	}
	return 0;
}

int write_file(const char *path, const void *buf, uint64_t len, const char **failed)
{
	const char *base = strrchr(path, '/');
	char tmp[4096];
	int fd, ret;

	/*
	 * A new file beside @path, renamed over it once written: whatever
	 * @path names now (a symlink someone planted, another user's file)
	 * is replaced, never followed or truncated.
	 */
	base = base ? base + 1 : path;
	if (snprintf(tmp, sizeof(tmp), "%.*s.%s.XXXXXX", (int)(base - path), path,
		     base) >= (int)sizeof(tmp)) {
		*failed = "create";
		return -ENAMETOOLONG;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		*failed = "create";
		return -errno;
	}
	ret = fchmod(fd, 0644) ? -errno : 0;
	ret = ret ?: write_full(fd, buf, len);
	if (close(fd) && !ret)
		ret = -errno;
	*failed = "write";
	if (!ret && rename(tmp, path)) {
		ret = -errno;
		*failed = "replace";
	}
	if (ret)
		unlink(tmp);
	return ret;
}
