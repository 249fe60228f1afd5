/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_SNAPSHOT_DIR_H
#define LKVM_SNAPSHOT_DIR_H

/*
 * A snapshot directory on disk. Written: each file beside its name and
 * renamed into place once complete and on disk, the manifest last, so
 * that a directory without one is an unfinished snapshot. Read: the
 * manifest first, then each file checked against it (a regular file, not
 * a symlink, of the listed size and, if asked, CRC-32) before anything is
 * restored from it. Every failure says why in one phrase in @why.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot/manifest.h"

/* Make @path (mode 0700), or take an empty directory there. */
int snap_dir_create(const char *path, int *dirfd, char *why, size_t why_len);
/* Write @len bytes of @buf as file @name, and list it in @m. */
int snap_dir_write(int dirfd, const char *name, const void *buf, size_t len,
		   struct snap_manifest *m, char *why, size_t why_len);
/*
 * A file filled by someone else (the VM, through the fd): created under a
 * temporary name, then given its name once written and synced (@keep), or
 * removed. Create returns the fd (read-write) or -errno.
 */
int snap_dir_create_file(int dirfd, const char *name, char *why, size_t why_len);
int snap_dir_keep_file(int dirfd, const char *name, bool keep, char *why, size_t why_len);
/* Write the manifest: the snapshot is complete. */
int snap_dir_finish(int dirfd, const struct snap_manifest *m, char *why, size_t why_len);

/* Open the snapshot at @path and read its manifest into @m. */
int snap_dir_open(const char *path, uint32_t page_size, struct snap_manifest *m, int *dirfd,
		  char *why, size_t why_len);
/*
 * Open file @name of the snapshot and check it against @m: its size, and
 * its CRC-32 when @check (reading it whole). Returns an fd, or -errno.
 */
int snap_dir_open_file(int dirfd, const struct snap_manifest *m, const char *name,
		       bool check, char *why, size_t why_len);

/* CRC-32 (zlib's) of @len bytes, continuing @crc (start from 0). */
uint32_t snap_crc32(uint32_t crc, const uint8_t *p, size_t len);

#endif
