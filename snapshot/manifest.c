// SPDX-License-Identifier: GPL-2.0
/*
 * The manifest, written and read. The reader takes its input as hostile:
 * another user's directory, a truncated copy, a file from another tool.
 * It works on a bounded copy, line by line, and accepts only the exact
 * grammar below; a number that does not fit is an error, not a wrap.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "snapshot/manifest.h"

bool snap_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > SNAP_NAME_MAX || name[0] < 'a' || name[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= '0' && name[i] <= '9') ||
		      name[i] == '-'))
			return false;
	/* The manifest is not one of the files it lists. */
	return strcmp(name, SNAP_MANIFEST_NAME) != 0;
}

int snap_manifest_format(const struct snap_manifest *m, char *buf, size_t len)
{
	size_t used;
	int n;

	n = snprintf(buf, len, "lkvm snapshot %d.%d\narch %s\npage-size %" PRIu32 "\n",
		     SNAP_VERSION_MAJOR, SNAP_VERSION_MINOR, SNAP_ARCH, m->page_size);
	if (n < 0 || (size_t)n >= len)
		return -ENOSPC;
	used = n;
	for (unsigned int i = 0; i < m->nr_files; i++) {
		const struct snap_file *f = &m->files[i];

		if (!snap_name_valid(f->name))
			return -EINVAL;
		n = snprintf(buf + used, len - used, "file %s %" PRIu64 " crc32 %08" PRIx32 "\n",
			     f->name, f->size, f->crc32);
		if (n < 0 || (size_t)n >= len - used)
			return -ENOSPC;
		used += n;
	}
	return used <= SNAP_MANIFEST_MAX ? (int)used : -ENOSPC;
}

struct parser {
	char *why;
	size_t why_len;
	unsigned int line;
};

static int fail(struct parser *p, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *p, int err, const char *fmt, ...)
{
	va_list ap;
	int n = p->line ? snprintf(p->why, p->why_len, "line %u: ", p->line) : 0;

	if (n < 0 || (size_t)n >= p->why_len)
		return err;
	va_start(ap, fmt);
	vsnprintf(p->why + n, p->why_len - n, fmt, ap);
	va_end(ap);
	return err;
}

/* A decimal number of at most 20 digits that fits in 64 bits. */
static bool parse_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || x > (UINT64_MAX - (*s - '0')) / 10)
			return false;
		x = x * 10 + (*s - '0');
	}
	*v = x;
	return true;
}

/* Exactly eight lower-case hex digits. */
static bool parse_crc(const char *s, uint32_t *v)
{
	uint32_t x = 0;

	if (strlen(s) != 8)
		return false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			x = x << 4 | (*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			x = x << 4 | (*s - 'a' + 10);
		else
			return false;
	}
	*v = x;
	return true;
}

/* Split @line at single spaces into at most @max words; false otherwise. */
static bool split(char *line, char **words, unsigned int max, unsigned int *n)
{
	*n = 0;
	for (char *p = line;;) {
		char *sp = strchr(p, ' ');

		if (*n == max || p == sp || !*p)
			return false;
		words[(*n)++] = p;
		if (!sp)
			return true;
		*sp = '\0';
		p = sp + 1;
	}
}

/* "MAJOR.MINOR", each a number up to 999. */
static bool parse_version_number(char *s, unsigned int *major, unsigned int *minor)
{
	char *dot = strchr(s, '.');
	uint64_t a, b;

	if (!dot)
		return false;
	*dot = '\0';
	if (!parse_u64(s, &a) || !parse_u64(dot + 1, &b) || a > 999 || b > 999)
		return false;
	*major = a;
	*minor = b;
	return true;
}

static int parse_version(struct parser *p, char **w, unsigned int n, struct snap_manifest *m)
{
	unsigned int major, minor;

	if (n != 3 || strcmp(w[0], "lkvm") || strcmp(w[1], "snapshot") ||
	    !parse_version_number(w[2], &major, &minor))
		return fail(p, -EINVAL, "not an lkvm snapshot manifest");
	if (major != SNAP_VERSION_MAJOR || minor > SNAP_VERSION_MINOR)
		return fail(p, -ENOTSUP, "snapshot format %u.%u, this lkvm reads %d.0 to %d.%d",
			    major, minor, SNAP_VERSION_MAJOR, SNAP_VERSION_MAJOR, SNAP_VERSION_MINOR);
	m->major = major;
	m->minor = minor;
	return 0;
}

static int parse_arch(struct parser *p, char **w, unsigned int n)
{
	if (n != 2 || strcmp(w[0], "arch"))
		return fail(p, -EINVAL, "expected 'arch NAME'");
	if (strcmp(w[1], SNAP_ARCH))
		return fail(p, -ENOTSUP, "a snapshot of an %s VM, not %s", w[1], SNAP_ARCH);
	return 0;
}

static int parse_page_size(struct parser *p, char **w, unsigned int n, uint32_t page_size,
			   struct snap_manifest *m)
{
	uint64_t v;

	if (n != 2 || strcmp(w[0], "page-size") || !parse_u64(w[1], &v) || v > UINT32_MAX)
		return fail(p, -EINVAL, "expected 'page-size BYTES'");
	if (v != page_size)
		return fail(p, -ENOTSUP, "taken on a host with %" PRIu64 "-byte pages, this one has %" PRIu32,
			    v, page_size);
	m->page_size = v;
	return 0;
}

static int parse_file(struct parser *p, char **w, unsigned int n, struct snap_manifest *m)
{
	struct snap_file *f;

	if (n != 5 || strcmp(w[0], "file") || strcmp(w[3], "crc32"))
		return fail(p, -EINVAL, "expected 'file NAME SIZE crc32 HEX'");
	if (!snap_name_valid(w[1]))
		return fail(p, -EINVAL, "a file name of a-z, 0-9 and '-', at most %d", SNAP_NAME_MAX);
	if (snap_manifest_find(m, w[1]))
		return fail(p, -EINVAL, "file %s is listed twice", w[1]);
	if (m->nr_files == SNAP_MAX_FILES)
		return fail(p, -EINVAL, "more than %d files", SNAP_MAX_FILES);
	f = &m->files[m->nr_files];
	if (!parse_u64(w[2], &f->size))
		return fail(p, -EINVAL, "file %s: the size is not a number of bytes", w[1]);
	if (!parse_crc(w[4], &f->crc32))
		return fail(p, -EINVAL, "file %s: the CRC-32 is not 8 hex digits", w[1]);
	snprintf(f->name, sizeof(f->name), "%s", w[1]);
	m->nr_files++;
	return 0;
}

int snap_manifest_parse(const char *text, size_t len, uint32_t page_size,
			struct snap_manifest *m, char *why, size_t why_len)
{
	struct parser p = { why, why_len, 0 };
	char copy[SNAP_MANIFEST_MAX + 1], *line, *next;
	char *w[6];
	unsigned int n;
	int ret;

	memset(m, 0, sizeof(*m));
	if (why_len)
		why[0] = '\0';
	if (len > SNAP_MANIFEST_MAX)
		return fail(&p, -EINVAL, "longer than %d bytes", SNAP_MANIFEST_MAX);
	if (!len || text[len - 1] != '\n' || memchr(text, '\0', len))
		return fail(&p, -EINVAL, "not a text file ending in a newline");
	memcpy(copy, text, len);
	copy[len] = '\0';
	for (line = copy; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		p.line++;
		if (!split(line, w, 6, &n))
			return fail(&p, -EINVAL, "words must be separated by single spaces");
		switch (p.line) {
		case 1:
			ret = parse_version(&p, w, n, m);
			break;
		case 2:
			ret = parse_arch(&p, w, n);
			break;
		case 3:
			ret = parse_page_size(&p, w, n, page_size, m);
			break;
		default:
			ret = parse_file(&p, w, n, m);
			break;
		}
		if (ret)
			return ret;
	}
	if (p.line < 3)
		return fail(&p, -EINVAL, "ends before the page size");
	return 0;
}

const struct snap_file *snap_manifest_find(const struct snap_manifest *m, const char *name)
{
	for (unsigned int i = 0; i < m->nr_files; i++)
		if (!strcmp(m->files[i].name, name))
			return &m->files[i];
	return NULL;
}
