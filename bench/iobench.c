// SPDX-License-Identifier: GPL-2.0
/*
 * iobench: the one transfer tool both sides of the virtio benchmark run, so
 * the guest and the emulated host are measured by the same code (busybox dd
 * and nc print no timing and move 1 KiB per system call).
 *
 *   iobench write FILE MIB [KIB] O_DIRECT writes of KIB-sized blocks (1024)
 *   iobench read FILE MIB [KIB]  O_DIRECT reads of the same
 *   iobench send ADDR PORT MIB   MIB of zeros over TCP, 64 KiB per write
 *   iobench recv PORT            one connection, read to its end
 *
 * Each prints "iobench WHAT BYTES NANOSECONDS", write and read the block
 * size after it; recv's clock runs from the accepted connection to its
 * end, and it says "iobench listening" first.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NET_CHUNK	(64 << 10)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int fail(const char *what)
{
	perror(what);
	return 1;
}

/* The line for @what; @block_kib, when non-zero, after it. */
static void report(const char *what, uint64_t bytes, uint64_t start, long block_kib)
{
	printf("iobench %s %llu %llu", what, (unsigned long long)bytes,
	       (unsigned long long)(now_ns() - start));
	printf(block_kib ? " %ld\n" : "\n", block_kib);
}

static int disk(const char *path, long mib, long block_kib, int write)
{
	uint64_t block = (uint64_t)block_kib << 10, total = (uint64_t)mib << 20;
	uint64_t start, done = 0;
	void *buf;
	int fd;

	fd = open(path, (write ? O_WRONLY : O_RDONLY) | O_DIRECT);
	if (fd < 0)
		return fail(path);
	if (block_kib <= 0 || block % 4096 || total % block) {
		fprintf(stderr, "iobench: %ld KiB blocks: want a multiple of 4 that divides %ld MiB\n",
			block_kib, mib);
		return 2;
	}
	if (posix_memalign(&buf, 4096, block))
		return fail("posix_memalign");
	memset(buf, 0x5a, block);
	start = now_ns();
	while (done < total) {
		ssize_t n = write ? pwrite(fd, buf, block, done) :
				    pread(fd, buf, block, done);

		if (n != (ssize_t)block)
			return fail(write ? "pwrite" : "pread");
		done += n;
	}
	report(write ? "write" : "read", done, start, block_kib);
	return 0;
}

static int send_zeros(const char *addr, int port, long mib)
{
	static char buf[NET_CHUNK];
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	uint64_t left = (uint64_t)mib << 20;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
		return fail(addr);
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)))
		return fail("connect");
	while (left) {
		ssize_t n = write(fd, buf, left < sizeof(buf) ? left : sizeof(buf));

		if (n <= 0)
			return fail("write");
		left -= n;
	}
	/* Wait for the receiver to close, so every byte has arrived. */
	shutdown(fd, SHUT_WR);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	return 0;
}

static int recv_all(int port)
{
	static char buf[NET_CHUNK];
	struct sockaddr_in sin = {
		.sin_family = AF_INET, .sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_ANY),
	};
	uint64_t start, got = 0;
	int one = 1, lfd, fd;
	ssize_t n;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		return fail("socket");
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) || listen(lfd, 1))
		return fail("bind");
	printf("iobench listening\n");
	fflush(stdout);
	fd = accept(lfd, NULL, NULL);
	if (fd < 0)
		return fail("accept");
	start = now_ns();
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		got += n;
	report("recv", got, start, 0);
	return 0;
}

int main(int argc, char **argv)
{
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "write"))
		return disk(argv[2], atol(argv[3]), argc == 5 ? atol(argv[4]) : 1024, 1);
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "read"))
		return disk(argv[2], atol(argv[3]), argc == 5 ? atol(argv[4]) : 1024, 0);
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_zeros(argv[2], atoi(argv[3]), atol(argv[4]));
	if (argc == 3 && !strcmp(argv[1], "recv"))
		return recv_all(atoi(argv[2]));
	fprintf(stderr, "usage: iobench write|read FILE MIB [KIB] | send ADDR PORT MIB | recv PORT\n");
	return 2;
}
