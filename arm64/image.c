// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 boot protocol's kernel formats: the Image (booting.rst), the
 * same Image gzip-compressed (decompressed straight into guest RAM, with no
 * intermediate copy), and kvm-unit-tests' flat binaries.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "arm64/image.h"
#include "core/fileio.h"

static uint64_t get_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

int arm64_image_parse_header(const void *buf, size_t len,
			     struct arm64_image_header *hdr, const char **why)
{
	const uint8_t *p = buf;

	if (len < ARM64_IMAGE_HEADER_SIZE) {
		*why = "too short for an arm64 Image header";
		return -ENODATA;
	}
	if (get_le32(p + ARM64_IMAGE_MAGIC_OFFSET) != ARM64_IMAGE_MAGIC) {
		*why = "no arm64 Image magic";
		return -ENOEXEC;
	}
	hdr->text_offset = get_le64(p + 8);
	hdr->image_size = get_le64(p + 16);
	hdr->flags = get_le64(p + 24);
	if (hdr->flags & ARM64_IMAGE_FLAG_BE) {
		*why = "big-endian arm64 Image, the guest would run little-endian";
		return -EINVAL;
	}
	if (hdr->image_size == 0)
		hdr->text_offset = ARM64_IMAGE_LEGACY_TEXT_OFFSET;
	/* Any sane kernel starts within the first 2 MiB block. */
	if (hdr->text_offset >= (2u << 20) || hdr->text_offset % 4096) {
		*why = "arm64 Image header has an invalid text_offset";
		return -EINVAL;
	}
	return 0;
}

struct foreign_format {
	size_t offset;
	const char *magic;
	size_t len;
	const char *what;
};

/* Files people pass by mistake, each named so the error says what to do. */
static const struct foreign_format foreign_formats[] = {
	{ 0, "\x7f" "ELF", 4, "an ELF file (a vmlinux?); boot the arm64 Image (arch/arm64/boot/Image) instead" },
	{ 0, "070701", 6, "a cpio archive (an initramfs?); pass it with -i/--initrd" },
	{ 0, "070702", 6, "a cpio archive (an initramfs?); pass it with -i/--initrd" },
	{ 0, "\x27\x05\x19\x56", 4, "a U-Boot uImage; boot the arm64 Image inside it" },
	{ 0x24, "\x18\x28\x6f\x01", 4, "a 32-bit ARM zImage; lkvm boots arm64 kernels" },
	{ 0, "\xfd" "7zXZ", 5, "xz-compressed; only gzip-compressed Images are supported" },
	{ 0, "\x28\xb5\x2f\xfd", 4, "zstd-compressed; only gzip-compressed Images are supported" },
	{ 0, "BZh", 3, "bzip2-compressed; only gzip-compressed Images are supported" },
	{ 0, "\x02\x21\x4c\x18", 4, "lz4-compressed; only gzip-compressed Images are supported" },
	{ 0, "#!", 2, "a script, not a kernel" },
};

int kernel_identify(const void *head, size_t len, enum kernel_format *fmt,
		    const char **why)
{
	const uint8_t *p = head;
	struct arm64_image_header hdr;
	int ret;

	if (len == 0) {
		*why = "is empty";
		return -ENOEXEC;
	}
	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
		*fmt = KERNEL_FORMAT_IMAGE_GZIP;
		return 0;
	}
	ret = arm64_image_parse_header(head, len, &hdr, why);
	if (ret == 0) {
		*fmt = KERNEL_FORMAT_IMAGE;
		return 0;
	}
	if (ret == -EINVAL)
		return -ENOEXEC;
	for (size_t i = 0; i < sizeof(foreign_formats) / sizeof(foreign_formats[0]); i++) {
		const struct foreign_format *f = &foreign_formats[i];

		if (len >= f->offset + f->len &&
		    !memcmp(p + f->offset, f->magic, f->len)) {
			*why = f->what;
			return -ENOEXEC;
		}
	}
	*fmt = KERNEL_FORMAT_FLAT;
	return 0;
}

static int fail(char *err, size_t len, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return ret;
}

/*
 * Do @size bytes at @offset fit below @limit? Without wrapping: a header
 * may claim any 64-bit image_size.
 */
static bool fits(uint64_t offset, uint64_t size, uint64_t limit)
{
	return offset <= limit && size <= limit - offset;
}

static int too_big(char *err, size_t len, uint64_t offset, uint64_t size,
		   uint64_t limit)
{
	uint64_t need = offset + size < offset ? UINT64_MAX : offset + size;

	return fail(err, len, -EFBIG,
		    "kernel needs %llu MiB of guest RAM but only %llu MiB are left for it; use a larger --mem",
		    (unsigned long long)((need >> 20) + !!(need & ((1 << 20) - 1))),
		    (unsigned long long)(limit >> 20));
}

static int load_raw(int fd, uint64_t file_size, void *ram, uint64_t limit,
		    struct kernel_load *out, char *err, size_t err_len)
{
	int ret;

	if (!fits(out->offset, out->mem_size, limit))
		return too_big(err, err_len, out->offset, out->mem_size, limit);
	out->file_size = file_size;
	ret = pread_full(fd, (uint8_t *)ram + out->offset, file_size, 0);
	if (ret)
		return fail(err, err_len, ret, "cannot read the kernel: %s",
			    strerror(-ret));
	return 0;
}

/* inflate_some()'s own status: the input ended before the stream did. */
#define Z_TRUNCATED (Z_DATA_ERROR + 100)

/*
 * Inflate from @fd until @out_buf is full or the stream ends. Returns the
 * zlib status; Z_BUF_ERROR with avail_out == 0 means "wants more room".
 */
static int inflate_some(z_stream *zs, int fd, uint8_t *in, size_t in_size,
			uint8_t *out_buf, uint64_t out_len)
{
	int zret = Z_OK;

	zs->next_out = out_buf;
	zs->avail_out = out_len > UINT32_MAX ? UINT32_MAX : out_len;
	while (zs->avail_out) {
		if (zs->avail_in == 0) {
			ssize_t n = read(fd, in, in_size);

			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return Z_ERRNO;
			if (n == 0)
				return Z_TRUNCATED;
			zs->next_in = in;
			zs->avail_in = n;
		}
		zret = inflate(zs, Z_NO_FLUSH);
		if (zret == Z_STREAM_END || (zret != Z_OK && zret != Z_BUF_ERROR))
			return zret;
	}
	return Z_BUF_ERROR;
}

static int gzip_status_error(int zret, char *err, size_t len)
{
	if (zret == Z_TRUNCATED)
		return fail(err, len, -EIO, "gzip-compressed kernel is truncated");
	if (zret == Z_ERRNO)
		return fail(err, len, -EIO, "cannot read the kernel: %s",
			    strerror(errno));
	return fail(err, len, -ENOEXEC, "gzip-compressed kernel is corrupt");
}

static int load_gzip(int fd, void *ram, uint64_t limit,
		     struct kernel_load *out, char *err, size_t err_len)
{
	uint8_t header[ARM64_IMAGE_HEADER_SIZE], in[64 * 1024];
	struct arm64_image_header hdr;
	z_stream zs = { 0 };
	const char *why;
	uint8_t *dest;
	int zret, ret;

	if (lseek(fd, 0, SEEK_SET) < 0 || inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return fail(err, err_len, -EIO, "cannot start gzip decompression");

	/* The header says where the Image goes; inflate it on its own first. */
	zret = inflate_some(&zs, fd, in, sizeof(in), header, sizeof(header));
	if (zret != Z_BUF_ERROR || zs.avail_out) {
		ret = zret == Z_STREAM_END ?
			fail(err, err_len, -ENOEXEC,
			     "gzip-compressed file does not contain an arm64 Image") :
			gzip_status_error(zret, err, err_len);
		goto out;
	}
	if (arm64_image_parse_header(header, sizeof(header), &hdr, &why)) {
		ret = fail(err, err_len, -ENOEXEC,
			   "gzip-compressed file is not an arm64 Image (%s)", why);
		goto out;
	}
	out->offset = hdr.text_offset;
	if (!fits(out->offset, sizeof(header), limit)) {
		ret = too_big(err, err_len, out->offset, hdr.image_size, limit);
		goto out;
	}
	dest = (uint8_t *)ram + out->offset;
	memcpy(dest, header, sizeof(header));
	zret = inflate_some(&zs, fd, in, sizeof(in), dest + sizeof(header),
			    limit - out->offset - sizeof(header));
	if (zret == Z_BUF_ERROR) {
		ret = too_big(err, err_len, limit, 1, limit);
		goto out;
	}
	if (zret != Z_STREAM_END) {
		ret = gzip_status_error(zret, err, err_len);
		goto out;
	}
	out->file_size = zs.total_out;
	out->mem_size = hdr.image_size > zs.total_out ? hdr.image_size : zs.total_out;
	ret = 0;
	if (!fits(out->offset, out->mem_size, limit))
		ret = too_big(err, err_len, out->offset, out->mem_size, limit);
out:
	inflateEnd(&zs);
	return ret;
}

/* The file's size, its first bytes (*@n of them, in @head) and its format. */
static int probe(int fd, uint8_t head[ARM64_IMAGE_HEADER_SIZE], ssize_t *n,
		 off_t *size, enum kernel_format *fmt, char *err, size_t err_len)
{
	const char *why;

	*size = lseek(fd, 0, SEEK_END);
	if (*size < 0)
		return fail(err, err_len, -errno, "cannot size the kernel: %s",
			    strerror(errno));
	*n = pread(fd, head, ARM64_IMAGE_HEADER_SIZE, 0);
	if (*n < 0)
		return fail(err, err_len, -errno, "cannot read the kernel: %s",
			    strerror(errno));
	if (kernel_identify(head, *n, fmt, &why))
		return fail(err, err_len, -ENOEXEC,
			    "kernel is not an arm64 Image nor a flat binary: %s",
			    why);
	return 0;
}

int kernel_load(int fd, void *ram, uint64_t limit, struct kernel_load *out,
		char *err, size_t err_len)
{
	uint8_t head[ARM64_IMAGE_HEADER_SIZE];
	struct arm64_image_header hdr;
	const char *why;
	off_t size;
	ssize_t n;
	int ret;

	ret = probe(fd, head, &n, &size, &out->format, err, err_len);
	if (ret)
		return ret;
	switch (out->format) {
	case KERNEL_FORMAT_IMAGE_GZIP:
		return load_gzip(fd, ram, limit, out, err, err_len);
	case KERNEL_FORMAT_IMAGE:
		arm64_image_parse_header(head, n, &hdr, &why);
		out->offset = hdr.text_offset;
		out->mem_size = hdr.image_size > (uint64_t)size ?
				hdr.image_size : (uint64_t)size;
		break;
	case KERNEL_FORMAT_FLAT:
		out->offset = FLAT_LOAD_OFFSET;
		out->mem_size = size;
		break;
	}
	return load_raw(fd, size, ram, limit, out, err, err_len);
}

/* Inflate all of @fd into a buffer that grows as needed. */
static int too_large(char *err, size_t len, uint64_t limit)
{
	return fail(err, len, -EFBIG, "kernel is larger than %llu MiB", (unsigned long long)(limit >> 20));
}

static int read_gzip(int fd, uint64_t limit, uint8_t **out, uint64_t *size,
		     char *err, size_t err_len)
{
	uint8_t in[64 * 1024], *buf = NULL, *bigger;
	uint64_t cap = 0;
	z_stream zs = { 0 };
	int zret = Z_BUF_ERROR;

	if (lseek(fd, 0, SEEK_SET) < 0 || inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return fail(err, err_len, -EIO, "cannot start gzip decompression");
	while (zret == Z_BUF_ERROR) {
		/* Room for one byte past the limit: filling it is too much. */
		if (cap > limit) {
			inflateEnd(&zs);
			free(buf);
			return too_large(err, err_len, limit);
		}
		cap = cap ? 2 * cap : 32ull << 20;
		if (cap > limit)
			cap = limit + 1;
		bigger = realloc(buf, cap);
		if (!bigger) {
			zret = Z_MEM_ERROR;
			break;
		}
		buf = bigger;
		zret = inflate_some(&zs, fd, in, sizeof(in), buf + zs.total_out,
				    cap - zs.total_out);
	}
	*size = zs.total_out;
	inflateEnd(&zs);
	if (zret == Z_MEM_ERROR) {
		free(buf);
		return fail(err, err_len, -ENOMEM, "no memory to decompress the kernel");
	}
	if (zret != Z_STREAM_END) {
		free(buf);
		return gzip_status_error(zret, err, err_len);
	}
	*out = buf;
	return 0;
}

int kernel_read_all(int fd, uint64_t limit, uint8_t **out, uint64_t *size,
		    char *err, size_t err_len)
{
	uint8_t head[ARM64_IMAGE_HEADER_SIZE];
	enum kernel_format fmt;
	off_t file_size;
	ssize_t n;
	int ret;

	ret = probe(fd, head, &n, &file_size, &fmt, err, err_len);
	if (ret)
		return ret;
	if (fmt == KERNEL_FORMAT_IMAGE_GZIP)
		return read_gzip(fd, limit, out, size, err, err_len);
	if ((uint64_t)file_size > limit)
		return too_large(err, err_len, limit);
	*out = malloc(file_size ? file_size : 1);
	if (!*out)
		return fail(err, err_len, -ENOMEM, "no memory for the kernel");
	ret = pread_full(fd, *out, file_size, 0);
	if (ret) {
		free(*out);
		return fail(err, err_len, ret, "cannot read the kernel: %s", strerror(-ret));
	}
	*size = file_size;
	return 0;
}
