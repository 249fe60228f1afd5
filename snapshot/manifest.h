/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_SNAPSHOT_MANIFEST_H
#define LKVM_SNAPSHOT_MANIFEST_H

/*
 * A snapshot directory's manifest: a short text file that says which lkvm
 * wrote it and lists every other file with its size and CRC-32, so that
 * a restore refuses a truncated, corrupted or foreign snapshot before it
 * changes anything. For example:
 *
 *   lkvm snapshot 1.0
 *   arch arm64
 *   page-size 4096
 *   file state 5120 crc32 1c291ca3
 *   file memory 268435456 crc32 8f3e0d12
 *
 * A reader takes the same major version and a minor version up to its
 * own; every line is one of these, in this order, files last.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAP_MANIFEST_NAME	"manifest"
#define SNAP_VERSION_MAJOR	1
#define SNAP_VERSION_MINOR	0
#define SNAP_ARCH		"arm64"
#define SNAP_MAX_FILES		16
#define SNAP_NAME_MAX		31	/* [a-z0-9-], first a letter */
#define SNAP_MANIFEST_MAX	4096	/* bytes: a longer one is refused */

struct snap_file {
	char name[SNAP_NAME_MAX + 1];
	uint64_t size;
	uint32_t crc32;
};

struct snap_manifest {
	unsigned int major, minor;
	uint32_t page_size;
	unsigned int nr_files;
	struct snap_file files[SNAP_MAX_FILES];
};

/* Is @name one a snapshot file may have? */
bool snap_name_valid(const char *name);

/*
 * The text of @m (this lkvm's version and arch) into @buf. Returns its
 * length, or -ENOSPC if @len is too small, -EINVAL for a bad file name.
 */
int snap_manifest_format(const struct snap_manifest *m, char *buf, size_t len);

/*
 * Parse @len bytes of manifest text into @m. Returns 0, or -EINVAL for a
 * malformed manifest and -ENOTSUP for another version, arch or page size
 * than @page_size, with what is wrong in one phrase in @why ("line 4:
 * ...").
 */
int snap_manifest_parse(const char *text, size_t len, uint32_t page_size,
			struct snap_manifest *m, char *why, size_t why_len);

/* The file called @name, or NULL. */
const struct snap_file *snap_manifest_find(const struct snap_manifest *m, const char *name);

#endif
