// SPDX-License-Identifier: GPL-2.0
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "core/iov.h"

/* Copy between @buf and the segments' bytes from @offset on, either way. */
static size_t iov_copy(const struct iovec *iov, unsigned int nr, size_t offset,
		       uint8_t *buf, size_t len, bool to_iov)
{
	size_t done = 0;

	for (unsigned int i = 0; i < nr && done < len; i++) {
		uint8_t *seg = iov[i].iov_base;
		size_t n;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		n = iov[i].iov_len - offset;
		if (n > len - done)
			n = len - done;
		if (to_iov)
			memcpy(seg + offset, buf + done, n);
		else
			memcpy(buf + done, seg + offset, n);
		done += n;
		offset = 0;
	}
	return done;
}

size_t iov_copy_from(const struct iovec *iov, unsigned int nr, size_t offset,
		     void *buf, size_t len)
{
	return iov_copy(iov, nr, offset, buf, len, false);
}

size_t iov_copy_to(const struct iovec *iov, unsigned int nr, size_t offset,
		   const void *buf, size_t len)
{
	return iov_copy(iov, nr, offset, (uint8_t *)buf, len, true);
}

unsigned int iov_slice(const struct iovec *iov, unsigned int nr, size_t offset,
		       size_t len, struct iovec *out, unsigned int max)
{
	unsigned int cnt = 0;

	for (unsigned int i = 0; i < nr && len && cnt < max; i++) {
		size_t n;

		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		n = iov[i].iov_len - offset;
		if (n > len)
			n = len;
		out[cnt].iov_base = (uint8_t *)iov[i].iov_base + offset;
		out[cnt++].iov_len = n;
		len -= n;
		offset = 0;
	}
	return cnt;
}
