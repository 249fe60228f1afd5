// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the kernel loader (arm64/image.c): a kernel file
 * (the input as it is, an arm64 Image built from fuzzed header fields, or
 * that Image gzip-compressed by real zlib, then perhaps cut short or
 * corrupted) loaded into a guest RAM of fuzzed size: an arena allocated
 * once, every byte past the RAM's size poisoned for ASan, so a write one
 * byte past it is caught as with an exact-size allocation (without the
 * page faults of a fresh 4 MiB one per input). Checked:
 *   - an error is a negative errno with a one-line reason; a file
 *     kernel_identify() refuses, or a big-endian Image, is refused;
 *   - a loaded kernel is where booting.rst puts it: RAM + text_offset for
 *     an Image or a gzip Image (0x80000 when image_size is 0), RAM +
 *     0x80000 for a flat binary; text_offset below 2 MiB, 4 KiB aligned;
 *   - it lies inside RAM, and so does its whole footprint (mem_size, at
 *     least the file and the header's image_size), without wrapping;
 *   - RAM holds exactly the file (or what the gzip stream inflates to),
 *     and nothing below the kernel was touched;
 *   - kernel_read_all() (the --firmware path) gives the same bytes, and
 *     inflates no more than deflate's best ratio allows.
 * Work is bounded by the RAM (at most 4 MiB here) and the input.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <sanitizer/asan_interface.h>
#include <zlib.h>

#include "arm64/image.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define MiB		(1024ULL * 1024)
#define MAX_RAM		(4 * MiB)
#define READ_ALL_LIMIT	(64 * MiB)	/* what kernel_read_all() may hold */
#define CANARY		0xa5
#define HEADER		22	/* knobs and Image fields before the body */

static int file_fd = -1;
static uint8_t *arena, canary[2 * MiB];

/* Guest RAM of @limit bytes: the start of the arena, the rest poisoned. */
static uint8_t *guest_ram(uint64_t limit)
{
	static uint64_t size = MAX_RAM;

	if (!arena) {
		arena = malloc(MAX_RAM);
		check(arena);
		memset(canary, CANARY, sizeof(canary));
	}
	/* Only the difference: ASan gives large unpoisoned shadow back to
	 * the kernel, and faulting it in again would be most of the work. */
	if (limit > size)
		ASAN_UNPOISON_MEMORY_REGION(arena + size, limit - size);
	else
		ASAN_POISON_MEMORY_REGION(arena + limit, size - limit);
	size = limit;
	/* Only below 2 MiB can anything lie under a kernel. */
	memset(arena, CANARY, limit < sizeof(canary) ? limit : sizeof(canary));
	return arena;
}

static uint64_t get(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 8 | p[n];
	return v;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static void set_file(const uint8_t *buf, size_t len)
{
	check(ftruncate(file_fd, 0) == 0);
	check(pwrite(file_fd, buf, len, 0) == (ssize_t)len);
	check(lseek(file_fd, 0, SEEK_SET) == 0);
}

static uint8_t *gzip(const uint8_t *buf, size_t len, int level, size_t *out_len)
{
	z_stream zs = { 0 };
	size_t cap = compressBound(len) + 64;
	uint8_t *out = malloc(cap);

	check(out);
	check(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8,
			   Z_DEFAULT_STRATEGY) == Z_OK);
	zs.next_in = (uint8_t *)buf;
	zs.avail_in = len;
	zs.next_out = out;
	zs.avail_out = cap;
	check(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static void one_line(const char *err)
{
	check(err[0] && !strchr(err, '\n'));
}

/*
 * An Image from fuzzed fields; image_size either raw or just around the
 * edges that matter (the RAM left above text_offset, the 64-bit wrap).
 */
static uint8_t *build_image(const uint8_t *k, const uint8_t *body, size_t body_len,
			    uint64_t limit, size_t *len)
{
	/* Mostly 4 KiB multiples up to 3 MiB, some misaligned. */
	uint64_t text_offset = (get(k, 2) % 0x300) << 12 >> (k[3] & 7);
	int64_t delta = (int8_t)k[4];
	uint64_t image_size;
	uint8_t *img;

	switch (k[5] & 3) {
	case 0:
		image_size = get(k + 6, 8);
		break;
	case 1:
		image_size = limit - text_offset + delta;
		break;
	case 2:
		image_size = -text_offset + delta;
		break;
	default:
		image_size = k[5] & 4 ? 0 : body_len + ARM64_IMAGE_HEADER_SIZE;
		break;
	}
	*len = ARM64_IMAGE_HEADER_SIZE + body_len;
	img = malloc(*len);
	check(img);
	memset(img, 0, ARM64_IMAGE_HEADER_SIZE);
	img[0] = 0x4d;	/* "MZ", as EFI-stub kernels start */
	img[1] = 0x5a;
	put_le64(img + 8, text_offset);
	put_le64(img + 16, image_size);
	put_le64(img + 24, k[14] & 0xf);	/* BE, page size, placement */
	memcpy(img + ARM64_IMAGE_MAGIC_OFFSET, "ARM\x64", 4);
	memcpy(img + ARM64_IMAGE_HEADER_SIZE, body, body_len);
	return img;
}

/* What a successful load must look like. */
static void check_loaded(const struct kernel_load *kl, const uint8_t *ram,
			 uint64_t limit, const uint8_t *file, size_t file_len,
			 const uint8_t *plain, size_t plain_len)
{
	struct arm64_image_header hdr;
	const char *why;
	enum kernel_format fmt;

	check(kernel_identify(file, file_len < ARM64_IMAGE_HEADER_SIZE ? file_len :
			      ARM64_IMAGE_HEADER_SIZE, &fmt, &why) == 0);
	check(kl->format == fmt);
	check(kl->offset < 2 * MiB && kl->offset % 4096 == 0);
	check(kl->offset <= limit && kl->file_size <= limit - kl->offset);
	check(kl->mem_size <= limit - kl->offset && kl->mem_size >= kl->file_size);

	if (fmt == KERNEL_FORMAT_FLAT) {
		check(kl->offset == FLAT_LOAD_OFFSET);
	} else {
		/* The header, as it lies in RAM now. */
		check(kl->file_size >= ARM64_IMAGE_HEADER_SIZE);
		check(arm64_image_parse_header(ram + kl->offset, ARM64_IMAGE_HEADER_SIZE,
					       &hdr, &why) == 0);
		check(kl->offset == hdr.text_offset);
		check(kl->mem_size >= hdr.image_size);
	}
	if (plain) {
		check(kl->file_size == plain_len);
		check(!memcmp(ram + kl->offset, plain, plain_len));
	}
	/* Nothing below the kernel was written. */
	check(!memcmp(ram, canary, kl->offset));
}

static void check_read_all(const uint8_t *file, size_t file_len, bool gzipped,
			   const uint8_t *plain, size_t plain_len,
			   const uint8_t *ram, const struct kernel_load *kl)
{
	char err[256] = "";
	uint8_t *all = NULL;
	uint64_t size = 0;
	int ret;

	set_file(file, file_len);
	ret = kernel_read_all(file_fd, READ_ALL_LIMIT, &all, &size, err, sizeof(err));
	if (ret) {
		check(ret < 0);
		one_line(err);
		return;
	}
	check(size <= READ_ALL_LIMIT);
	if (!gzipped) {
		check(size == file_len && !memcmp(all, file, file_len));
	} else {
		/* deflate's best is about 1032:1; the gzip framing adds 18. */
		check(size <= 1032 * (uint64_t)file_len + 64);
		if (plain)
			check(size == plain_len && !memcmp(all, plain, plain_len));
	}
	/* Whatever both loaded, they agree on. */
	if (kl)
		check(kl->file_size == size && !memcmp(ram + kl->offset, all, size));
	free(all);
}

/*
 * Every input inflates (and some deflate) through zlib's fresh windows: with
 * ASan's usual 256 MiB quarantine each is new memory to fault in, half the
 * run. Freed memory is not what this target looks at.
 */
const char *__asan_default_options(void);

const char *__asan_default_options(void)
{
	return "quarantine_size_mb=8";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *body = data + HEADER;
	uint8_t *ram, *file = NULL, *img = NULL, *gz = NULL;
	const uint8_t *plain = NULL;
	size_t body_len, file_len, plain_len = 0;
	struct kernel_load kl;
	char err[256] = "";
	uint64_t limit;
	uint8_t mode;
	bool gzipped;
	int ret;

	if (file_fd < 0)
		file_fd = memfd_create("fuzz-kernel", 0);
	check(file_fd >= 0);
	if (size < HEADER)
		return 0;
	body_len = size - HEADER;
	/* RAM: 0 to 4 MiB, any byte count (a usable limit need not be whole
	 * pages once the RAS region is carved out). */
	limit = get(data, 3) % (MAX_RAM + 1);
	mode = data[3];

	switch (mode & 3) {
	case 0:
	case 1:
		/* The input itself: Images, gzip streams, anything. */
		file = (uint8_t *)body;
		file_len = body_len;
		break;
	case 2:
		img = build_image(data + 4, body, body_len, limit, &file_len);
		file = img;
		plain = img;
		plain_len = file_len;
		break;
	default:
		img = build_image(data + 4, body, body_len, limit, &plain_len);
		plain = img;
		gz = gzip(img, plain_len, (mode >> 2) % 10, &file_len);
		file = gz;
		/* Cut short, or one byte flipped: no longer what it says. */
		if (mode & 0x40 && file_len)
			file_len -= 1 + data[20] % file_len;
		if (mode & 0x80 && file_len) {
			gz[data[21] % file_len] ^= 1 << (data[20] & 7);
			plain = NULL;
		}
		if (mode & 0x40)
			plain = NULL;
		break;
	}
	gzipped = file_len >= 2 && file[0] == 0x1f && file[1] == 0x8b;

	ram = guest_ram(limit);
	set_file(file, file_len);
	memset(&kl, 0, sizeof(kl));
	ret = kernel_load(file_fd, ram, limit, &kl, err, sizeof(err));
	if (ret) {
		check(ret < 0);
		one_line(err);
	} else {
		check_loaded(&kl, ram, limit, file, file_len, plain, plain_len);
	}
	/* A refused file, a big-endian Image: never loaded. */
	{
		enum kernel_format fmt;
		const char *why;

		if (kernel_identify(file, file_len < ARM64_IMAGE_HEADER_SIZE ? file_len :
				    ARM64_IMAGE_HEADER_SIZE, &fmt, &why))
			check(ret);
		if ((mode & 3) == 2 && data[18] & 1)
			check(ret);
	}
	/* The --firmware path; a gzip file only now and then: it allocates
	 * 32 MiB to inflate into, and ASan poisons all of it, twice. */
	if (!gzipped || data[19] == 0xff)
		check_read_all(file, file_len, gzipped, plain, plain_len, ram,
			       ret || !gzipped ? NULL : &kl);

	free(img);
	free(gz);
	return 0;
}
