/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_IOV_H
#define LKVM_CORE_IOV_H

/* Byte ranges of scattered buffers, such as a virtqueue chain's segments. */
#include <stddef.h>
#include <sys/uio.h>

/* Copy @len bytes at byte @offset of the segments; returns bytes done. */
size_t iov_copy_from(const struct iovec *iov, unsigned int nr, size_t offset,
		     void *buf, size_t len);
size_t iov_copy_to(const struct iovec *iov, unsigned int nr, size_t offset,
		   const void *buf, size_t len);

/*
 * The segments' bytes from @offset on, at most @len of them, as at most
 * @max segments of their own in @out: how many. For preadv and pwritev
 * straight into the buffers after a header.
 */
unsigned int iov_slice(const struct iovec *iov, unsigned int nr, size_t offset,
		       size_t len, struct iovec *out, unsigned int max);

#endif
