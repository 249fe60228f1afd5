// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <unistd.h>

#include "core/fileio.h"

/* Linux transfers at most ~2 GiB per call; stay well below. */
#define CHUNK (1u << 30)

int pread_full(int fd, void *buf, uint64_t len, off_t off)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t n = pread(fd, p, len > CHUNK ? CHUNK : len, off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		off += n;
		len -= n;
	}
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
