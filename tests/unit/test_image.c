// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "arm64/image.h"
#include "tests/unit/helpers.h"

#define MiB (1024ULL * 1024)

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

/* A fake arm64 Image: a valid header, then a recognisable pattern. */
static uint8_t *make_image(size_t size, uint64_t text_offset,
			   uint64_t image_size, uint64_t flags)
{
	uint8_t *buf = malloc(size);

	for (size_t i = 0; i < size; i++)
		buf[i] = (uint8_t)(i * 7 + 3);
	memset(buf, 0, ARM64_IMAGE_HEADER_SIZE);
	buf[0] = 0x4d;	/* "MZ", as EFI-stub kernels start */
	buf[1] = 0x5a;
	put_le64(buf + 8, text_offset);
	put_le64(buf + 16, image_size);
	put_le64(buf + 24, flags);
	memcpy(buf + ARM64_IMAGE_MAGIC_OFFSET, "ARM\x64", 4);
	return buf;
}

static int temp_file(const void *data, size_t len)
{
	char path[] = "/tmp/lkvm-unit-XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	return fd;
}

static uint8_t *gzip_buffer(const uint8_t *data, size_t len, size_t *out_len)
{
	z_stream zs = { 0 };
	size_t cap = compressBound(len) + 64;
	uint8_t *out = malloc(cap);

	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8,
				      Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (uint8_t *)data;
	zs.avail_in = len;
	zs.next_out = out;
	zs.avail_out = cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static void test_header_good(void **state)
{
	uint8_t *img = make_image(4096, 0, 40 * MiB, 0x0a);
	struct arm64_image_header hdr;
	const char *why = NULL;

	(void)state;
	assert_int_equal(arm64_image_parse_header(img, 4096, &hdr, &why), 0);
	assert_int_equal(hdr.text_offset, 0);
	assert_int_equal(hdr.image_size, 40 * MiB);
	assert_int_equal(hdr.flags, 0x0a);
	free(img);
}

static void test_header_legacy_text_offset(void **state)
{
	uint8_t *img = make_image(4096, 0, 0, 0);
	struct arm64_image_header hdr;
	const char *why;

	(void)state;
	/* image_size 0: a pre-3.17 kernel, which expects 0x80000. */
	assert_int_equal(arm64_image_parse_header(img, 4096, &hdr, &why), 0);
	assert_int_equal(hdr.text_offset, 0x80000);
	free(img);
}

static void test_header_truncated(void **state)
{
	uint8_t *img = make_image(4096, 0, MiB, 0);
	struct arm64_image_header hdr;
	const char *why;

	(void)state;
	assert_int_equal(arm64_image_parse_header(img, 63, &hdr, &why), -ENODATA);
	assert_int_equal(arm64_image_parse_header(img, 0, &hdr, &why), -ENODATA);
	free(img);
}

static void test_header_wrong_magic(void **state)
{
	uint8_t *img = make_image(4096, 0, MiB, 0);
	struct arm64_image_header hdr;
	const char *why;

	(void)state;
	img[ARM64_IMAGE_MAGIC_OFFSET + 3] = 0x65;
	assert_int_equal(arm64_image_parse_header(img, 4096, &hdr, &why), -ENOEXEC);
	free(img);
}

static void test_header_refused(void **state)
{
	uint8_t *be = make_image(4096, 0, MiB, ARM64_IMAGE_FLAG_BE);
	uint8_t *odd = make_image(4096, 0x1234, MiB, 0);
	struct arm64_image_header hdr;
	const char *why = NULL;

	(void)state;
	assert_int_equal(arm64_image_parse_header(be, 4096, &hdr, &why), -EINVAL);
	assert_non_null(strstr(why, "big-endian"));
	assert_int_equal(arm64_image_parse_header(odd, 4096, &hdr, &why), -EINVAL);
	assert_non_null(strstr(why, "text_offset"));
	free(be);
	free(odd);
}

static void test_identify(void **state)
{
	static const struct {
		const char *bytes;
		size_t len;
		int ret;
		enum kernel_format fmt;
		const char *why;
	} cases[] = {
		{ "\x1f\x8b\x08\x00", 4, 0, KERNEL_FORMAT_IMAGE_GZIP, NULL },
		{ "\xd3\x01\x00\x91\x00\x00\x00\x14", 8, 0, KERNEL_FORMAT_FLAT, NULL },
		{ "", 0, -ENOEXEC, 0, "is empty" },
		{ "\x7f" "ELF\x02\x01\x01", 7, -ENOEXEC, 0, "an ELF file" },
		{ "070701000000", 12, -ENOEXEC, 0, "a cpio archive" },
		{ "\xfd" "7zXZ\x00", 6, -ENOEXEC, 0, "xz-compressed" },
		{ "\x28\xb5\x2f\xfd", 4, -ENOEXEC, 0, "zstd-compressed" },
		{ "#!/bin/sh\n", 10, -ENOEXEC, 0, "a script" },
	};
	uint8_t *img = make_image(64, 0, MiB, 0);
	enum kernel_format fmt;
	const char *why;

	(void)state;
	assert_int_equal(kernel_identify(img, 64, &fmt, &why), 0);
	assert_int_equal(fmt, KERNEL_FORMAT_IMAGE);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		why = NULL;
		assert_int_equal(kernel_identify(cases[i].bytes, cases[i].len,
						 &fmt, &why), cases[i].ret);
		if (cases[i].ret == 0)
			assert_int_equal(fmt, cases[i].fmt);
		else
			assert_non_null(strstr(why, cases[i].why));
	}
	free(img);
}

static void test_load_image(void **state)
{
	size_t size = 3 * MiB + 123;
	uint8_t *img = make_image(size, 0x80000, 5 * MiB, 0);
	uint8_t *ram = calloc(1, 64 * MiB);
	struct kernel_load kl;
	char err[256];
	int fd = temp_file(img, size);

	(void)state;
	assert_int_equal(kernel_load(fd, ram, 62 * MiB, &kl, err, sizeof(err)), 0);
	assert_int_equal(kl.format, KERNEL_FORMAT_IMAGE);
	assert_int_equal(kl.offset, 0x80000);
	assert_int_equal(kl.file_size, size);
	assert_int_equal(kl.mem_size, 5 * MiB);
	assert_memory_equal(ram + 0x80000, img, size);
	close(fd);
	free(ram);
	free(img);
}

static void test_load_gzip_image(void **state)
{
	size_t size = 4 * MiB, gz_len;
	uint8_t *img = make_image(size, 0, 6 * MiB, 0);
	uint8_t *gz = gzip_buffer(img, size, &gz_len);
	uint8_t *ram = calloc(1, 64 * MiB);
	struct kernel_load kl;
	char err[256];
	int fd = temp_file(gz, gz_len);

	(void)state;
	assert_int_equal(kernel_load(fd, ram, 62 * MiB, &kl, err, sizeof(err)), 0);
	assert_int_equal(kl.format, KERNEL_FORMAT_IMAGE_GZIP);
	assert_int_equal(kl.offset, 0);
	assert_int_equal(kl.file_size, size);
	assert_int_equal(kl.mem_size, 6 * MiB);
	assert_memory_equal(ram, img, size);
	close(fd);

	/* Cut short: the decoder says so instead of booting half a kernel. */
	fd = temp_file(gz, gz_len / 2);
	assert_int_equal(kernel_load(fd, ram, 62 * MiB, &kl, err, sizeof(err)), -EIO);
	assert_string_equal(err, "gzip-compressed kernel is truncated");
	close(fd);

	/* Too big for the room it is given. */
	fd = temp_file(gz, gz_len);
	assert_int_equal(kernel_load(fd, ram, 2 * MiB, &kl, err, sizeof(err)), -EFBIG);
	assert_non_null(strstr(err, "use a larger --mem"));
	close(fd);
	free(ram);
	free(gz);
	free(img);
}

static void test_load_gzip_not_an_image(void **state)
{
	static const char text[] = "070701 this is a cpio archive, not a kernel, but long enough for a header....";
	size_t gz_len;
	uint8_t *gz = gzip_buffer((const uint8_t *)text, sizeof(text), &gz_len);
	uint8_t *ram = calloc(1, 4 * MiB);
	struct kernel_load kl;
	char err[256];
	int fd = temp_file(gz, gz_len);

	(void)state;
	assert_int_equal(kernel_load(fd, ram, 4 * MiB, &kl, err, sizeof(err)), -ENOEXEC);
	assert_string_equal(err, "gzip-compressed file is not an arm64 Image (no arm64 Image magic)");
	close(fd);

	/* Shorter than an Image header once inflated. */
	free(gz);
	gz = gzip_buffer((const uint8_t *)"tiny", 4, &gz_len);
	fd = temp_file(gz, gz_len);
	assert_int_equal(kernel_load(fd, ram, 4 * MiB, &kl, err, sizeof(err)), -ENOEXEC);
	assert_string_equal(err, "gzip-compressed file does not contain an arm64 Image");
	close(fd);

	/* Corrupt deflate data after a valid gzip header. */
	gz[12] ^= 0xff;
	gz[13] ^= 0xff;
	fd = temp_file(gz, gz_len);
	assert_int_not_equal(kernel_load(fd, ram, 4 * MiB, &kl, err, sizeof(err)), 0);
	close(fd);
	free(ram);
	free(gz);
}

/* For firmware: the whole Image, inflated past the first buffer's 32 MiB. */
static void test_read_all(void **state)
{
	size_t size = 40 * MiB, gz_len;
	uint8_t *img = make_image(size, 0, size, 0);
	uint8_t *gz = gzip_buffer(img, size, &gz_len);
	uint64_t got_size;
	uint8_t *got;
	char err[256];
	int fd = temp_file(gz, gz_len);

	(void)state;
	img[size - 1] = 0x5a;
	free(gz);
	gz = gzip_buffer(img, size, &gz_len);
	close(fd);
	fd = temp_file(gz, gz_len);
	assert_int_equal(kernel_read_all(fd, UINT64_MAX, &got, &got_size, err, sizeof(err)), 0);
	assert_int_equal(got_size, size);
	assert_memory_equal(got, img, size);
	free(got);
	close(fd);

	fd = temp_file(img, 1000);			/* uncompressed: as is */
	assert_int_equal(kernel_read_all(fd, UINT64_MAX, &got, &got_size, err, sizeof(err)), 0);
	assert_int_equal(got_size, 1000);
	assert_memory_equal(got, img, 1000);
	free(got);
	close(fd);

	fd = temp_file(gz, gz_len / 3);
	assert_int_equal(kernel_read_all(fd, UINT64_MAX, &got, &got_size, err, sizeof(err)), -EIO);
	assert_string_equal(err, "gzip-compressed kernel is truncated");
	close(fd);

	/*
	 * Beyond the limit (the guest's RAM): refused once the limit is
	 * filled, not after growing the buffer until memory runs out.
	 */
	fd = temp_file(gz, gz_len);
	assert_int_equal(kernel_read_all(fd, 33 * MiB, &got, &got_size, err, sizeof(err)), -EFBIG);
	assert_string_equal(err, "kernel is larger than 33 MiB");
	close(fd);
	fd = temp_file(img, 1000);
	assert_int_equal(kernel_read_all(fd, 999, &got, &got_size, err, sizeof(err)), -EFBIG);
	assert_int_equal(kernel_read_all(fd, 1000, &got, &got_size, err, sizeof(err)), 0);
	free(got);
	close(fd);
	free(gz);
	free(img);
}

static void test_load_flat(void **state)
{
	uint8_t code[300];
	uint8_t *ram = calloc(1, 4 * MiB);
	struct kernel_load kl;
	char err[256];
	int fd;

	(void)state;
	for (size_t i = 0; i < sizeof(code); i++)
		code[i] = (uint8_t)(0x91 + i);
	fd = temp_file(code, sizeof(code));
	assert_int_equal(kernel_load(fd, ram, 4 * MiB, &kl, err, sizeof(err)), 0);
	assert_int_equal(kl.format, KERNEL_FORMAT_FLAT);
	assert_int_equal(kl.offset, 0x80000);
	assert_int_equal(kl.mem_size, sizeof(code));
	assert_memory_equal(ram + 0x80000, code, sizeof(code));
	close(fd);
	free(ram);
}

static void test_load_too_big(void **state)
{
	uint8_t *img = make_image(4096, 0, 70 * MiB, 0);
	uint8_t *ram = calloc(1, 64 * MiB);
	struct kernel_load kl;
	char err[256];
	int fd = temp_file(img, 4096);

	(void)state;
	assert_int_equal(kernel_load(fd, ram, 62 * MiB, &kl, err, sizeof(err)), -EFBIG);
	assert_string_equal(err, "kernel needs 70 MiB of guest RAM but only 62 MiB are left for it; use a larger --mem");
	close(fd);
	free(ram);
	free(img);
}

/*
 * An image_size that wraps past 2^64 with text_offset. Found by
 * fuzz_image: the sum came out small, the check passed, and the whole
 * file was read past the end of guest RAM (or a gzip Image was taken with
 * a footprint no RAM holds).
 */
static void test_load_image_size_wraps(void **state)
{
	uint8_t *img = make_image(8192, 0x1000, -0x1000ull, 0);
	uint8_t *ram = malloc(6144);	/* exact, so ASan sees an overrun */
	struct kernel_load kl;
	size_t gz_len;
	uint8_t *gz = gzip_buffer(img, 1024, &gz_len);	/* inflates to fit */
	char err[256];
	int fd = temp_file(img, 8192);

	(void)state;
	assert_int_equal(kernel_load(fd, ram, 6144, &kl, err, sizeof(err)), -EFBIG);
	assert_string_equal(err, "kernel needs 17592186044416 MiB of guest RAM but only 0 MiB are left for it; use a larger --mem");
	close(fd);
	fd = temp_file(gz, gz_len);
	assert_int_equal(kernel_load(fd, ram, 6144, &kl, err, sizeof(err)), -EFBIG);
	close(fd);
	free(gz);
	free(ram);
	free(img);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_good),
		cmocka_unit_test(test_header_legacy_text_offset),
		cmocka_unit_test(test_header_truncated),
		cmocka_unit_test(test_header_wrong_magic),
		cmocka_unit_test(test_header_refused),
		cmocka_unit_test(test_identify),
		cmocka_unit_test(test_load_image),
		cmocka_unit_test(test_load_gzip_image),
		cmocka_unit_test(test_load_gzip_not_an_image),
		cmocka_unit_test(test_read_all),
		cmocka_unit_test(test_load_flat),
		cmocka_unit_test(test_load_too_big),
		cmocka_unit_test(test_load_image_size_wraps),
	};

	return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
