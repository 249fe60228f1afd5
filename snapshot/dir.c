// SPDX-License-Identifier: GPL-2.0
/* A snapshot directory, written file by file and checked when read. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/fileio.h"
#include "snapshot/dir.h"

#define CHUNK	(1u << 20)

/* "@what", and ": strerror(@err)" if @err; returns -@err, or -EINVAL. */
static int fail(int err, char *why, size_t why_len, const char *what, const char *name)
{
	int n = snprintf(why, why_len, what, name);

	if (err && n >= 0 && (size_t)n < why_len)
		snprintf(why + n, why_len - n, ": %s", strerror(err));
	return err ? -err : -EINVAL;
}

/* zlib's crc32() takes its length as a uInt: feed it in pieces. */
uint32_t snap_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len) {
		size_t n = len < CHUNK ? len : CHUNK;

		crc = crc32(crc, p, n);
		p += n;
		len -= n;
	}
	return crc;
}

static bool dir_empty(int dirfd)
{
	int fd = dup(dirfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *e;
	bool empty = true;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while (empty && (e = readdir(d)))
		empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
	closedir(d);
	return empty;
}

int snap_dir_create(const char *path, int *dirfd, char *why, size_t why_len)
{
	int fd;

	if (mkdir(path, 0700) && errno != EEXIST)
		return fail(errno, why, why_len, "%s: cannot create it", path);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, why, why_len, "%s: cannot open it as a directory", path);
	/* Never over another snapshot, or among other files. */
	if (!dir_empty(fd)) {
		close(fd);
		return fail(EEXIST, why, why_len, "%s: a snapshot goes into a new or empty directory",
			    path);
	}
	*dirfd = fd;
	return 0;
}

static void temp_name(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, ".%s.tmp", name);
}

int snap_dir_create_file(int dirfd, const char *name, char *why, size_t why_len)
{
	char tmp[SNAP_NAME_MAX + 8];
	int fd;

	if (!snap_name_valid(name))
		return fail(0, why, why_len, "%s: not a name for a snapshot file", name);
	temp_name(tmp, sizeof(tmp), name);
	fd = openat(dirfd, tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(errno, why, why_len, "%s: cannot create it", name);
	return fd;
}

int snap_dir_keep_file(int dirfd, const char *name, bool keep, char *why, size_t why_len)
{
	char tmp[SNAP_NAME_MAX + 8];

	temp_name(tmp, sizeof(tmp), name);
	if (!keep) {
		unlinkat(dirfd, tmp, 0);
		return 0;
	}
	if (renameat(dirfd, tmp, dirfd, name))
		return fail(errno, why, why_len, "%s: cannot name it", name);
	return 0;
}

/* @name's bytes into the directory under a temporary name, then renamed. */
static int write_named(int dirfd, const char *name, const void *buf, size_t len, char *why,
		       size_t why_len)
{
	char tmp[SNAP_NAME_MAX + 8];
	int fd, ret;

	temp_name(tmp, sizeof(tmp), name);
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return fail(errno, why, why_len, "%s: cannot create it", name);
	ret = write_full(fd, buf, len);
	if (!ret && fsync(fd))
		ret = -errno;
	close(fd);
	if (!ret && renameat(dirfd, tmp, dirfd, name))
		ret = -errno;
	if (ret) {
		unlinkat(dirfd, tmp, 0);
		return fail(-ret, why, why_len, "%s: cannot write it", name);
	}
	return 0;
}

int snap_dir_write(int dirfd, const char *name, const void *buf, size_t len,
		   struct snap_manifest *m, char *why, size_t why_len)
{
	struct snap_file *f;
	int ret;

	if (!snap_name_valid(name) || snap_manifest_find(m, name) ||
	    m->nr_files == SNAP_MAX_FILES)
		return fail(0, why, why_len, "%s: not a name for one more snapshot file", name);
	ret = write_named(dirfd, name, buf, len, why, why_len);
	if (ret)
		return ret;
	f = &m->files[m->nr_files++];
	snprintf(f->name, sizeof(f->name), "%s", name);
	f->size = len;
	f->crc32 = snap_crc32(crc32(0, NULL, 0), buf, len);
	return 0;
}

int snap_dir_finish(int dirfd, const struct snap_manifest *m, char *why, size_t why_len)
{
	char text[SNAP_MANIFEST_MAX];
	int len = snap_manifest_format(m, text, sizeof(text));

	if (len < 0)
		return fail(-len, why, why_len, "%s: cannot format it", SNAP_MANIFEST_NAME);
	len = write_named(dirfd, SNAP_MANIFEST_NAME, text, len, why, why_len);
	if (!len && fsync(dirfd)) {
		snprintf(why, why_len, "cannot sync the snapshot directory: %s", strerror(errno));
		return -errno;
	}
	return len;
}

int snap_dir_open(const char *path, uint32_t page_size, struct snap_manifest *m, int *dirfd,
		  char *why, size_t why_len)
{
	char text[SNAP_MANIFEST_MAX + 1];
	ssize_t len;
	int dfd, fd, ret;

	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return fail(errno, why, why_len, "%s: cannot open it as a directory", path);
	fd = openat(dfd, SNAP_MANIFEST_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ret = errno;
		close(dfd);
		if (ret == ENOENT)
			return fail(0, why, why_len,
				    "%s: no manifest: not a snapshot, or one not finished", path);
		return fail(ret, why, why_len, "%s/manifest: cannot open it", path);
	}
	/* One byte more than a manifest may have, to see a longer one. */
	len = read(fd, text, sizeof(text));
	ret = len < 0 ? errno : 0;
	close(fd);
	if (ret) {
		close(dfd);
		return fail(ret, why, why_len, "%s/manifest: cannot read it", path);
	}
	ret = snap_manifest_parse(text, len, page_size, m, why, why_len);
	if (ret) {
		close(dfd);
		return ret;
	}
	*dirfd = dfd;
	return 0;
}

static int check_crc(int fd, const struct snap_file *f, char *why, size_t why_len)
{
	uint8_t *buf = malloc(CHUNK);
	uint32_t crc = crc32(0, NULL, 0);
	uint64_t off;
	int ret = 0;

	if (!buf)
		return fail(ENOMEM, why, why_len, "%s: cannot check it", f->name);
	for (off = 0; off < f->size && !ret; off += CHUNK) {
		size_t n = f->size - off < CHUNK ? f->size - off : CHUNK;

		ret = pread_full(fd, buf, n, off);
		crc = snap_crc32(crc, buf, n);
	}
	free(buf);
	if (ret)
		return fail(-ret, why, why_len, "%s: cannot read it", f->name);
	if (crc != f->crc32)
		return fail(0, why, why_len, "%s: corrupted (its CRC-32 is not the manifest's)",
			    f->name);
	return 0;
}

int snap_dir_open_file(int dirfd, const struct snap_manifest *m, const char *name,
		       bool check, char *why, size_t why_len)
{
	const struct snap_file *f = snap_manifest_find(m, name);
	struct stat st;
	int fd, ret;

	if (!f)
		return fail(0, why, why_len, "%s: not in the manifest", name);
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, why, why_len, "%s: cannot open it", name);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode))
		ret = fail(0, why, why_len, "%s: not a regular file", name);
	else if ((uint64_t)st.st_size != f->size)
		ret = fail(0, why, why_len, "%s: truncated or grown since the snapshot", name);
	else
		ret = check ? check_crc(fd, f, why, why_len) : 0;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}
