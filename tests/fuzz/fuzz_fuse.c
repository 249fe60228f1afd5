// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the FUSE server (fuse/), as a hostile virtio-fs
 * driver drives it, on a real folder: files, a subfolder, a symlink to a
 * file outside, one to "..", a FIFO. Each input is an INIT, then
 * requests, each copied into an allocation of exactly its size (guest
 * RAM) and cut into up to three segments, with a reply buffer of the
 * size the input asks for, also exact and cut. Checked:
 *   - a reply fits the room given, its header's length is what was
 *     written, it echoes the request's ID, and an error is a negative
 *     errno with no payload;
 *   - nothing outside the folder changes: the folder beside it keeps its
 *     one file, byte for byte, and the parent holds only the two;
 *   - the server takes nothing with it: once destroyed, lkvm has the
 *     descriptors it had before (nodes and open files all closed);
 *   - no request blocks (the FIFO is never opened) or loops: libFuzzer's
 *     timeout.
 * After each input the folder is made afresh.
 */
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/fuse.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuse/server.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define REPLY_MAX	(FUSE_REPLY_MAX + 64)

static char base[64], share[96], outside[96], secret[128];
static struct fuse_server server;

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	check(fp);
	fputs(text, fp);
	fclose(fp);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void make_share(void)
{
	char path[200];

	nftw(share, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	check(!mkdir(share, 0755));
	snprintf(path, sizeof(path), "%s/file", share);
	write_file(path, "a file in the shared folder\n");
	snprintf(path, sizeof(path), "%s/dir", share);
	check(!mkdir(path, 0755));
	snprintf(path, sizeof(path), "%s/dir/inner", share);
	write_file(path, "inner\n");
	snprintf(path, sizeof(path), "%s/abs", share);
	check(!symlink(secret, path));
	snprintf(path, sizeof(path), "%s/up", share);
	check(!symlink("..", path));
	snprintf(path, sizeof(path), "%s/fifo", share);
	check(!mkfifo(path, 0644));
}

static unsigned int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	unsigned int n = 0;

	check(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static unsigned int open_fds(void)
{
	return count_entries("/proc/self/fd");
}

static void remove_base(void)
{
	nftw(base, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	strcpy(base, "/tmp/lkvm-fuzz-fuse-XXXXXX");
	check(mkdtemp(base));
	snprintf(share, sizeof(share), "%s/share", base);
	snprintf(outside, sizeof(outside), "%s/outside", base);
	snprintf(secret, sizeof(secret), "%s/secret", outside);
	check(!mkdir(outside, 0755));
	write_file(secret, "outside the shared folder\n");
	make_share();
	atexit(remove_base);
	return 0;
}

static void check_outside(void)
{
	char buf[64] = { 0 };
	int fd = open(secret, O_RDONLY);

	check(fd >= 0);
	check(read(fd, buf, sizeof(buf) - 1) == 26);
	close(fd);
	check(!strcmp(buf, "outside the shared folder\n"));
	check(count_entries(outside) == 3);	/* ".", "..", secret */
	check(count_entries(base) == 4);	/* ".", "..", share, outside */
}

/* Cut @len bytes at @buf into up to three segments, where @cuts says. */
static unsigned int cut(uint8_t *buf, size_t len, uint8_t cuts, struct iovec *iov)
{
	size_t a = len ? (cuts & 0xf) % (len + 1) : 0, b = len ? (cuts >> 4) * 37 % (len + 1) : 0;
	size_t lo = a < b ? a : b, hi = a < b ? b : a;

	iov[0] = (struct iovec) { buf, lo };
	iov[1] = (struct iovec) { buf + lo, hi - lo };
	iov[2] = (struct iovec) { buf + hi, len - hi };
	return 3;
}

static void one_request(const uint8_t *req_bytes, size_t req_len, size_t room, uint8_t cuts)
{
	uint8_t *req = malloc(req_len ? req_len : 1), *reply = malloc(room ? room : 1);
	struct iovec in[3], out[3];
	struct fuse_in_header h = { 0 };
	size_t n;

	memcpy(req, req_bytes, req_len);
	if (req_len >= sizeof(h))
		memcpy(&h, req, sizeof(h));
	n = fuse_server_handle(&server, in, cut(req, req_len, cuts, in), req_len, out,
			       cut(reply, room, cuts ^ 0x5a, out), room);
	check(n <= room);
	if (n) {
		struct fuse_out_header o;

		check(n >= sizeof(o));
		memcpy(&o, reply, sizeof(o));
		check(o.len == n && o.unique == h.unique);
		check(o.error <= 0 && o.error > -4096);
		check(!o.error || n == sizeof(o));
	}
	free(req);
	free(reply);
}

/* Each request: u16 length, u32 reply room (bounded), u8 cuts, then its bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuse_init_in init = {
		.major = 7, .minor = 38, .max_readahead = 65536,
		.flags = FUSE_DO_READDIRPLUS | FUSE_MAX_PAGES | FUSE_ATOMIC_O_TRUNC,
	};
	struct fuse_in_header h = { .len = sizeof(h) + sizeof(init), .opcode = FUSE_INIT };
	uint8_t first[sizeof(h) + sizeof(init)];
	unsigned int fds = open_fds();
	char why[200];

	check(!fuse_server_init(&server, share, size && data[0] & 1, 32, why, sizeof(why)));
	memcpy(first, &h, sizeof(h));
	memcpy(first + sizeof(h), &init, sizeof(init));
	one_request(first, sizeof(first), 256, 0);
	if (size)
		data++, size--;
	while (size >= 7) {
		size_t len = data[0] | data[1] << 8;
		size_t room = (data[2] | data[3] << 8 | (size_t)data[4] << 16) % (REPLY_MAX + 1);
		uint8_t cuts = data[5];

		data += 6;
		size -= 6;
		if (len > size)
			len = size;
		one_request(data, len, room, cuts);
		data += len;
		size -= len;
	}
	fuse_server_destroy(&server);
	check(open_fds() == fds);
	check_outside();
	make_share();
	return 0;
}
