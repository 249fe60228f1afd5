// SPDX-License-Identifier: GPL-2.0
/* The snapshot format: the manifest, the state file, a directory on disk. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "snapshot/dir.h"
#include "snapshot/manifest.h"
#include "snapshot/records.h"
#include "snapshot/state.h"
#include "tests/unit/helpers.h"

#define PAGE	4096

static const char good[] =
	"lkvm snapshot 1.0\n"
	"arch arm64\n"
	"page-size 4096\n"
	"file state 5120 crc32 1c291ca3\n"
	"file memory 268435456 crc32 00000000\n";

static int parse(const char *text, struct snap_manifest *m, char *why)
{
	return snap_manifest_parse(text, strlen(text), PAGE, m, why, 128);
}

static void test_manifest_round_trip(void **state)
{
	struct snap_manifest m, again;
	char why[128], text[SNAP_MANIFEST_MAX];
	int len;

	(void)state;
	assert_int_equal(parse(good, &m, why), 0);
	assert_int_equal(m.major, 1);
	assert_int_equal(m.page_size, PAGE);
	assert_int_equal(m.nr_files, 2);
	assert_string_equal(m.files[0].name, "state");
	assert_int_equal(m.files[0].size, 5120);
	assert_int_equal(m.files[0].crc32, 0x1c291ca3);
	assert_int_equal(snap_manifest_find(&m, "memory")->size, 268435456);
	assert_null(snap_manifest_find(&m, "disk"));
	/* Written back: the same text, and parsed again the same manifest. */
	len = snap_manifest_format(&m, text, sizeof(text));
	assert_int_equal(len, strlen(good));
	assert_memory_equal(text, good, len);
	assert_int_equal(snap_manifest_parse(text, len, PAGE, &again, why, sizeof(why)), 0);
	assert_memory_equal(&again, &m, sizeof(m));
	/* Too small a buffer is an error, not a cut manifest. */
	assert_int_equal(snap_manifest_format(&m, text, 40), -ENOSPC);
}

/* Each malformed or foreign manifest is refused, naming the line. */
static void test_manifest_refusals(void **state)
{
	static const struct {
		const char *text;
		int err;
		const char *why;
	} bad[] = {
		{ "", -EINVAL, "not a text file ending in a newline" },
		{ "lkvm snapshot 1.0", -EINVAL, "not a text file ending in a newline" },
		{ "PK\x03\x04\n", -EINVAL, "line 1: not an lkvm snapshot manifest" },
		{ "lkvm snapshot 2.0\n", -ENOTSUP, "line 1: snapshot format 2.0, this lkvm reads 1.0 to 1.0" },
		{ "lkvm snapshot 1.1\n", -ENOTSUP, "line 1: snapshot format 1.1, this lkvm reads 1.0 to 1.0" },
		{ "lkvm snapshot -1.0\n", -EINVAL, "line 1: not an lkvm snapshot manifest" },
		{ "lkvm snapshot 1.0\narch x86_64\n", -ENOTSUP, "line 2: a snapshot of an x86_64 VM, not arm64" },
		{ "lkvm snapshot 1.0\narch arm64\npage-size 65536\n", -ENOTSUP,
		  "line 3: taken on a host with 65536-byte pages, this one has 4096" },
		{ "lkvm snapshot 1.0\narch arm64\n", -EINVAL, "line 2: ends before the page size" },
		{ "lkvm snapshot 1.0\narch  arm64\n", -EINVAL, "line 2: words must be separated by single spaces" },
		{ "lkvm snapshot 1.0\narch arm64\npage-size 4096\nfile state 1 crc32 0000000\n", -EINVAL,
		  "line 4: file state: the CRC-32 is not 8 hex digits" },
		{ "lkvm snapshot 1.0\narch arm64\npage-size 4096\nfile state 18446744073709551616 crc32 00000000\n",
		  -EINVAL, "line 4: file state: the size is not a number of bytes" },
		{ "lkvm snapshot 1.0\narch arm64\npage-size 4096\nfile ../etc 1 crc32 00000000\n", -EINVAL,
		  "line 4: a file name of a-z, 0-9 and '-', at most 31" },
		{ "lkvm snapshot 1.0\narch arm64\npage-size 4096\nfile manifest 1 crc32 00000000\n", -EINVAL,
		  "line 4: a file name of a-z, 0-9 and '-', at most 31" },
		{ "lkvm snapshot 1.0\narch arm64\npage-size 4096\nfile a 1 crc32 00000000\nfile a 1 crc32 00000000\n",
		  -EINVAL, "line 5: file a is listed twice" },
		{ "lkvm snapshot 1.0\narch arm64\npage-size 4096\ndisk vda\n", -EINVAL,
		  "line 4: expected 'file NAME SIZE crc32 HEX'" },
	};
	struct snap_manifest m;
	char why[128], *big;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int ret = parse(bad[i].text, &m, why);

		if (ret != bad[i].err || strcmp(why, bad[i].why))
			fail_msg("manifest %zu: got %d '%s', want %d '%s'", i, ret, why, bad[i].err,
				 bad[i].why);
	}
	/* A NUL inside, and one byte over the limit. */
	assert_int_equal(snap_manifest_parse("lkvm\0snapshot 1.0\n", 18, PAGE, &m, why,
					     sizeof(why)), -EINVAL);
	big = malloc(SNAP_MANIFEST_MAX + 1);
	memset(big, 'a', SNAP_MANIFEST_MAX);
	big[SNAP_MANIFEST_MAX] = '\n';
	assert_int_equal(snap_manifest_parse(big, SNAP_MANIFEST_MAX + 1, PAGE, &m, why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "longer than 4096 bytes");
	free(big);
}

static void test_state_round_trip(void **state)
{
	static const uint8_t regs[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	struct snap_out o;
	struct snap_in in;
	struct snap_section s;
	char why[128];

	(void)state;
	snap_out_init(&o);
	snap_out_section(&o, 0x10, 0, regs, sizeof(regs));
	snap_out_section(&o, 0x10, 1, regs, 3);
	snap_out_section(&o, 0x20, 7, NULL, 0);
	assert_int_equal(o.err, 0);
	/* header, then 16 + 16, 16 + 8, 16 + 0 bytes */
	assert_int_equal(o.len, 16 + 32 + 24 + 16);
	assert_int_equal(snap_in_init(&in, o.buf, o.len, why, sizeof(why)), 0);
	assert_int_equal(snap_in_next(&in, &s, why, sizeof(why)), 1);
	assert_int_equal(s.tag, 0x10);
	assert_int_equal(s.index, 0);
	assert_int_equal(s.len, sizeof(regs));
	assert_memory_equal(s.data, regs, sizeof(regs));
	assert_int_equal(snap_in_next(&in, &s, why, sizeof(why)), 1);
	assert_int_equal(s.index, 1);
	assert_int_equal(s.len, 3);
	assert_int_equal(snap_in_next(&in, &s, why, sizeof(why)), 1);
	assert_int_equal(s.tag, 0x20);
	assert_int_equal(s.len, 0);
	assert_int_equal(snap_in_next(&in, &s, why, sizeof(why)), 0);
	snap_out_free(&o);
}

static void test_state_refusals(void **state)
{
	uint8_t buf[64] = "LKVMSTAT";
	struct snap_in in;
	struct snap_section s;
	char why[128];

	(void)state;
	assert_int_equal(snap_in_init(&in, buf, 15, why, sizeof(why)), -EINVAL);
	assert_int_equal(snap_in_init(&in, (const uint8_t *)"PK\3\4", 4, why, sizeof(why)), -EINVAL);
	buf[8] = 2;
	assert_int_equal(snap_in_init(&in, buf, 16, why, sizeof(why)), -ENOTSUP);
	assert_string_equal(why, "state format 2, this lkvm reads 1");
	buf[8] = 1;
	/* A section header cut short. */
	assert_int_equal(snap_in_init(&in, buf, 20, why, sizeof(why)), 0);
	assert_int_equal(snap_in_next(&in, &s, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "a section header cut short at byte 16");
	/* A length past the end, and one that would wrap when padded. */
	buf[16 + 8] = 9;
	assert_int_equal(snap_in_init(&in, buf, 40, why, sizeof(why)), 0);
	assert_int_equal(snap_in_next(&in, &s, why, sizeof(why)), -EINVAL);
	memset(buf + 16 + 8, 0xff, 8);
	assert_int_equal(snap_in_init(&in, buf, 64, why, sizeof(why)), 0);
	assert_int_equal(snap_in_next(&in, &s, why, sizeof(why)), -EINVAL);
}

/* A section written piece by piece, and its register list read back. */
static void test_register_list(void **state)
{
	static const uint8_t z[256] = { [0] = 0xaa, [255] = 0x55 };
	uint32_t word = 0x11223344;
	uint64_t dword = 0x0102030405060708ull;
	struct snap_section s;
	struct snap_reg r;
	struct snap_out o;
	struct snap_in in;
	size_t begin, off = 0;
	char why[128];

	(void)state;
	snap_out_init(&o);
	begin = snap_out_begin(&o, 3, 2);
	snap_out_reg(&o, 0x6030000000100000ull, 0, &dword, 8);
	snap_out_reg(&o, 0x10004, 5, &word, 4);
	snap_out_reg(&o, 0x6080000000150000ull, 0, z, sizeof(z));
	snap_out_end(&o, begin);
	snap_out_section(&o, 9, 0, "x", 1);
	assert_int_equal(o.err, 0);
	assert_int_equal(snap_in_init(&in, o.buf, o.len, why, sizeof(why)), 0);
	assert_int_equal(snap_in_next(&in, &s, why, sizeof(why)), 1);
	assert_int_equal(s.tag, 3);
	assert_int_equal(s.index, 2);
	/* 16 + 8, 16 + 8 (4 padded), 16 + 256 */
	assert_int_equal(s.len, 24 + 24 + 272);
	assert_int_equal(snap_reg_next(&s, &off, &r, why, sizeof(why)), 1);
	assert_true(r.key == 0x6030000000100000ull && r.group == 0 && r.size == 8);
	assert_memory_equal(r.value, &dword, 8);
	assert_int_equal(snap_reg_next(&s, &off, &r, why, sizeof(why)), 1);
	assert_true(r.key == 0x10004 && r.group == 5 && r.size == 4);
	assert_memory_equal(r.value, &word, 4);
	assert_int_equal(snap_reg_next(&s, &off, &r, why, sizeof(why)), 1);
	assert_int_equal(r.size, 256);
	assert_memory_equal(r.value, z, 256);
	assert_int_equal(snap_reg_next(&s, &off, &r, why, sizeof(why)), 0);
	/* The section after it is intact. */
	assert_int_equal(snap_in_next(&in, &s, why, sizeof(why)), 1);
	assert_int_equal(s.tag, 9);
	assert_int_equal(snap_in_next(&in, &s, why, sizeof(why)), 0);
	/* A register too large is an error of the writer, kept. */
	snap_out_reg(&o, 1, 0, z, 0);
	assert_int_equal(o.err, -EINVAL);
	snap_out_free(&o);
}

static void test_register_list_refusals(void **state)
{
	uint8_t buf[64];
	struct snap_section s = { .tag = 3, .data = buf };
	struct snap_reg r;
	size_t off = 0;
	char why[128];

	(void)state;
	memset(buf, 0, sizeof(buf));
	/* An entry header cut short. */
	s.len = 12;
	assert_int_equal(snap_reg_next(&s, &off, &r, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "section 3: a register cut short");
	/* Sizes 0, above SNAP_REG_MAX, past the end, and wrapping when padded. */
	s.len = 32;
	assert_int_equal(snap_reg_next(&s, &off, &r, why, sizeof(why)), -EINVAL);
	buf[12] = 1;
	buf[13] = 1;	/* 257 */
	assert_int_equal(snap_reg_next(&s, &off, &r, why, sizeof(why)), -EINVAL);
	buf[13] = 0;
	buf[12] = 17;
	assert_int_equal(snap_reg_next(&s, &off, &r, why, sizeof(why)), -EINVAL);
	memset(buf + 12, 0xff, 4);
	assert_int_equal(snap_reg_next(&s, &off, &r, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "section 3: register 0x0 of 4294967295 bytes does not fit");
	assert_int_equal(off, 0);
	/* 16 bytes of value fit exactly. */
	memset(buf + 12, 0, 4);
	buf[12] = 16;
	assert_int_equal(snap_reg_next(&s, &off, &r, why, sizeof(why)), 1);
	assert_int_equal(off, 32);
	assert_int_equal(snap_reg_next(&s, &off, &r, why, sizeof(why)), 0);
}

static void test_records(void **state)
{
	static const char line[] = "-k\0/guest/Image\0-p\0\0--name\0vm";
	const struct snap_machine m = {
		.nr_cpus = 2, .gic = 3, .ram_size = 256ull << 20, .mte = true, .its = true,
		.midr = 0x410fd4f0,
	};
	struct snap_section s = { .data = (const uint8_t *)line, .len = sizeof(line) };
	const char *words[SNAP_MAX_WORDS];
	uint8_t buf[SNAP_MACHINE_SIZE];
	struct snap_machine got;
	char why[128];

	(void)state;
	/* An empty word (-p "") is a word. */
	assert_int_equal(snap_words_decode(&s, words), 6);
	assert_string_equal(words[1], "/guest/Image");
	assert_string_equal(words[3], "");
	assert_string_equal(words[5], "vm");
	s.len--;	/* not NUL-ended */
	assert_int_equal(snap_words_decode(&s, words), -EINVAL);
	s.len = 0;
	assert_int_equal(snap_words_decode(&s, words), -EINVAL);

	snap_machine_encode(&m, buf);
	s.data = buf;
	s.len = sizeof(buf);
	assert_int_equal(snap_machine_decode(&s, &got, why, sizeof(why)), 0);
	assert_true(got.nr_cpus == 2 && got.gic == 3 && got.ram_size == m.ram_size &&
		    got.mte && got.its && got.midr == m.midr);
	buf[8] = 1;	/* RAM not in whole MiB */
	assert_int_equal(snap_machine_decode(&s, &got, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "the machine record is malformed");
	snap_machine_encode(&m, buf);
	buf[4] = 4;	/* a GICv4 */
	assert_int_equal(snap_machine_decode(&s, &got, why, sizeof(why)), -EINVAL);
	s.len--;
	assert_int_equal(snap_machine_decode(&s, &got, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "the machine record has 47 bytes, not 48");
}

/* A real directory: written, read back, then broken in each way. */
static void test_directory(void **state)
{
	char dir[] = "/tmp/lkvm-snap-XXXXXX", path[64], why[160];
	static uint8_t memory[3 * PAGE];
	struct snap_manifest m = { .page_size = PAGE }, got;
	int dfd, fd;

	(void)state;
	for (size_t i = 0; i < sizeof(memory); i++)
		memory[i] = i * 7;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(snap_dir_create(dir, &dfd, why, sizeof(why)), 0);
	assert_int_equal(snap_dir_write(dfd, "state", "hello", 5, &m, why, sizeof(why)), 0);
	assert_int_equal(snap_dir_write(dfd, "memory", memory, sizeof(memory), &m, why, sizeof(why)), 0);
	/* Before the manifest, it is not a snapshot. */
	assert_int_equal(snap_dir_open(dir, PAGE, &got, &fd, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "no manifest: not a snapshot, or one not finished"));
	assert_int_equal(snap_dir_finish(dfd, &m, why, sizeof(why)), 0);
	close(dfd);
	/* Never over a snapshot. */
	assert_int_equal(snap_dir_create(dir, &dfd, why, sizeof(why)), -EEXIST);

	assert_int_equal(snap_dir_open(dir, PAGE, &got, &dfd, why, sizeof(why)), 0);
	assert_int_equal(got.nr_files, 2);
	fd = snap_dir_open_file(dfd, &got, "memory", true, why, sizeof(why));
	assert_true(fd >= 0);
	close(fd);
	/* One flipped byte: the CRC says so; the size alone does not. */
	snprintf(path, sizeof(path), "%s/memory", dir);
	fd = open(path, O_WRONLY);
	assert_int_equal(pwrite(fd, "x", 1, PAGE + 5), 1);
	close(fd);
	fd = snap_dir_open_file(dfd, &got, "memory", false, why, sizeof(why));
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(snap_dir_open_file(dfd, &got, "memory", true, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "memory: corrupted (its CRC-32 is not the manifest's)");
	/* Truncated. */
	assert_int_equal(truncate(path, PAGE), 0);
	assert_int_equal(snap_dir_open_file(dfd, &got, "memory", false, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "memory: truncated or grown since the snapshot");
	/* A symlink in its place is not followed. */
	unlink(path);
	assert_int_equal(symlink("/etc/passwd", path), 0);
	assert_true(snap_dir_open_file(dfd, &got, "memory", false, why, sizeof(why)) < 0);
	assert_non_null(strstr(why, "memory: cannot open it"));
	assert_int_equal(snap_dir_open_file(dfd, &got, "disk", false, why, sizeof(why)), -EINVAL);
	close(dfd);

	unlink(path);
	snprintf(path, sizeof(path), "%s/state", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/manifest", dir);
	unlink(path);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_manifest_round_trip),
		cmocka_unit_test(test_manifest_refusals),
		cmocka_unit_test(test_state_round_trip),
		cmocka_unit_test(test_state_refusals),
		cmocka_unit_test(test_register_list),
		cmocka_unit_test(test_register_list_refusals),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_directory),
	};

	return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
