// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
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

int write_file(const char *path, const void *buf, uint64_t len, const char **failed)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int ret;

	if (fd < 0) {
		*failed = "create";
		return -errno;
	}
	ret = write_full(fd, buf, len);
	if (close(fd) && !ret)
		ret = -errno;
	*failed = "write";
	return ret;
}
