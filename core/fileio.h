/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_FILEIO_H
#define LKVM_CORE_FILEIO_H

#include <stdint.h>
#include <sys/types.h>

/* Read exactly @len bytes at @off. Returns 0, -EIO at end of file, or -errno. */
int pread_full(int fd, void *buf, uint64_t len, off_t off);
/* Read exactly @len bytes from a stream (socket, pipe). Same returns. */
int read_full(int fd, void *buf, uint64_t len);
/* Write exactly @len bytes. Returns 0 or -errno. */
int write_full(int fd, const void *buf, uint64_t len);
/* Write exactly @len bytes at @off. Returns 0 or -errno. */
int pwrite_full(int fd, const void *buf, uint64_t len, off_t off);
/* Reset the non-blocking eventfd @fd to 0. Returns 0 or -errno. */
int eventfd_drain(int fd);
/*
 * Make @path a new file (mode 0644) holding @len bytes of @buf: written
 * beside it and renamed over it, so a symlink or file already there is
 * replaced, never followed or truncated. Returns 0 or -errno, with
 * *@failed naming the step: "create", "write" or "replace".
 */
int write_file(const char *path, const void *buf, uint64_t len, const char **failed);

#endif
