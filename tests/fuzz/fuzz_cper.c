// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the CPER checker and printer (ras/cper_check.c,
 * ras/cper_print.c): the input is a Generic Error Status Block as a guest
 * may leave it in its 4 KiB block, checked as `lkvm ras --status` checks
 * it (an exact 4 KiB heap block, Error Block Length 4096) and as
 * `lkvm ras --decode` does (an exact heap copy of the input, up to 64 KiB).
 * For each:
 *   - the verdict is OK, EMPTY or INVALID, and a reason (one line) comes
 *     with INVALID only;
 *   - an accepted block's stated length lies within its header and the
 *     bytes given and the source's block length, and its entries tile
 *     data_length exactly;
 *   - cper_print() of an accepted block reads nothing past the block's
 *     stated length (it prints a copy of exactly that many bytes, under
 *     ASan, and prints the same as from the whole block), and writes a
 *     bounded amount;
 *   - the same block with its lengths made to overflow (data_length,
 *     raw data, an entry's error data, or the bytes given cut short of
 *     its length) is refused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "ras/cper.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define BLOCK		4096		/* GHES_BLOCK_SIZE: what the guest owns */
#define DECODE_MAX	(64 * 1024)	/* builtin-ras.c's --decode */

/* Where the printer's output goes: counted and hashed, never kept. */
struct sink {
	uint64_t bytes, lines, hash;
};

static ssize_t sink_write(void *cookie, const char *buf, size_t len)
{
	struct sink *s = cookie;

	for (size_t i = 0; i < len; i++) {
		s->hash = (s->hash ^ (uint8_t)buf[i]) * 0x100000001b3ULL;
		s->lines += buf[i] == '\n';
	}
	s->bytes += len;
	return len;
}

static struct sink print(const uint8_t *buf)
{
	static const cookie_io_functions_t io = { .write = sink_write };
	struct sink s = { 0, 0, 0xcbf29ce484222325ULL };
	FILE *out = fopencookie(&s, "w", io);

	check(out);
	cper_print(out, buf);
	fclose(out);
	return s;
}

static enum cper_verdict verdict(const uint8_t *buf, size_t len, size_t block_length)
{
	const char *why = (const char *)1;
	enum cper_verdict v = cper_check(buf, len, block_length, &why);

	check(v == CPER_OK || v == CPER_EMPTY || v == CPER_INVALID);
	check((v == CPER_INVALID) == (why != NULL));
	if (why)
		check(*why && !strchr(why, '\n'));
	return v;
}

/* The entries of an accepted block, walked by the spec: they must end
 * exactly at data_length, each header and its data inside it. */
static void check_tiling(const uint8_t *buf)
{
	uint64_t data_len = get_le32(buf + 12), off = 0;

	while (off < data_len) {
		const uint8_t *e = buf + CPER_BLOCK_HEADER_SIZE + off;
		uint64_t header = get_le16(e + 20) >> 8 >= 3 ? CPER_ENTRY_HEADER_SIZE :
							       CPER_ENTRY_HEADER_SIZE_V2;

		check(data_len - off >= header);
		off += header + get_le32(e + 24);
		check(off <= data_len);
	}
}

/* A heap copy of exactly @len bytes of @src, so ASan sees the end. */
static uint8_t *exact_copy(const uint8_t *src, size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	check(p);
	memcpy(p, src, len);
	return p;
}

/* An accepted block, made to lie about its lengths, is refused. */
static void check_overflows(uint8_t *buf, size_t len, size_t block_length,
			    uint64_t elen, uint32_t salt)
{
	uint8_t saved[CPER_BLOCK_HEADER_SIZE + CPER_ENTRY_HEADER_SIZE];
	uint32_t data_len = get_le32(buf + 12);
	size_t limit = block_length < len ? block_length : len;

	memcpy(saved, buf, sizeof(saved) < len ? sizeof(saved) : len);

	/* Cut short of its stated length, or a source with smaller blocks. */
	check(verdict(buf, elen - 1, block_length) == CPER_INVALID);
	check(verdict(buf, len, elen - 1) == CPER_INVALID);

	/* data_length past the end, no raw data: from one byte too many to
	 * values whose sums wrap 32 bits. */
	put_le32(buf + 4, 0);
	put_le32(buf + 8, 0);
	put_le32(buf + 12, limit - CPER_BLOCK_HEADER_SIZE + 1 + salt % 64);
	check(verdict(buf, len, block_length) == CPER_INVALID);
	put_le32(buf + 12, 0xffffffffu - salt % 64);
	check(verdict(buf, len, block_length) == CPER_INVALID);
	put_le32(buf + 12, data_len);

	/* Raw data that runs past the end, or wraps 32 bits. */
	put_le32(buf + 4, CPER_BLOCK_HEADER_SIZE + data_len);
	put_le32(buf + 8, limit - CPER_BLOCK_HEADER_SIZE - data_len + 1 + salt % 16);
	check(verdict(buf, len, block_length) == CPER_INVALID);
	put_le32(buf + 4, 0xffffffffu - salt % 16);
	put_le32(buf + 8, 0x100 + salt % 16);
	check(verdict(buf, len, block_length) == CPER_INVALID);
	memcpy(buf, saved, CPER_BLOCK_HEADER_SIZE);

	/* The first entry's error data overrunning data_length. */
	if (data_len >= CPER_ENTRY_HEADER_SIZE_V2) {
		uint8_t *e = buf + CPER_BLOCK_HEADER_SIZE;
		uint32_t header = get_le16(e + 20) >> 8 >= 3 ? CPER_ENTRY_HEADER_SIZE :
							       CPER_ENTRY_HEADER_SIZE_V2;

		put_le32(e + 24, data_len - header + 1 + salt % 32);
		check(verdict(buf, len, block_length) == CPER_INVALID);
		put_le32(e + 24, 0xffffffffu - salt % 32);
		check(verdict(buf, len, block_length) == CPER_INVALID);
		memcpy(e + 24, saved + CPER_BLOCK_HEADER_SIZE + 24, 4);
	}
	check(verdict(buf, len, block_length) == CPER_OK);
}

static void check_block(uint8_t *buf, size_t len, size_t block_length,
			uint32_t salt)
{
	size_t limit = block_length < DECODE_MAX ? block_length : DECODE_MAX;
	struct sink whole, cut;
	uint8_t *copy;
	uint64_t elen;

	if (verdict(buf, len, block_length) != CPER_OK)
		return;
	elen = cper_block_length(buf);
	check(elen >= CPER_BLOCK_HEADER_SIZE && elen <= len && elen <= limit);
	check(CPER_BLOCK_HEADER_SIZE + (uint64_t)get_le32(buf + 12) <= elen);
	check_tiling(buf);

	/* What the printer reads lies within the stated length. */
	whole = print(buf);
	copy = exact_copy(buf, elen);
	cut = print(copy);
	free(copy);
	check(whole.bytes == cut.bytes && whole.hash == cut.hash);
	/* Bounded: three header lines, then at most a line per 4 bytes (an
	 * ARM error information structure: 32 bytes, up to 6 lines), none
	 * longer than 128 bytes. */
	check(whole.lines <= 3 + elen / 4);
	check(whole.bytes <= 128 * whole.lines);

	check_overflows(buf, len, block_length, elen, salt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t salt = size ? data[size - 1] * 0x01000193u : 0;
	uint8_t *block, *file;

	/* --status: the guest's 4 KiB block, the rest of it zero. */
	block = calloc(1, BLOCK);
	check(block);
	memcpy(block, data, size < BLOCK ? size : BLOCK);
	check_block(block, BLOCK, BLOCK, salt);
	free(block);

	/* --decode: a file of exactly the input's bytes. */
	if (size <= DECODE_MAX) {
		file = exact_copy(data, size);
		check_block(file, size, DECODE_MAX, salt);
		free(file);
	}
	return 0;
}
