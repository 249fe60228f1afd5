// SPDX-License-Identifier: GPL-2.0
/*
 * ctlpoke SOCKET: send the control socket what a broken or hostile client
 * would, one connection each: a wrong magic, an oversized length, a
 * header cut short, a request type that does not exist, a payload of the
 * wrong size (an SDEI signal and a RAS injection), a request with more
 * open files than any takes. Exits 0 when the server closed every one of
 * those connections without a reply, and refused (EINVAL) a request
 * with a file it does not take; the caller then checks the VM still
 * answers.
 *   ctlpoke --uid UID SOCKET   as UID (run as root), a well-formed request
 *                              (VM info): exits 0 when closed unanswered
 *   ctlpoke --hold N SOCKET    N connections that never send a byte: exits 0
 *                              when the server closes all of them within 15 s
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

struct header {
	uint32_t magic, type, len;
};

static int poke(const char *path, const void *msg, size_t len, const char *what)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char reply[64];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ssize_t n;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		fprintf(stderr, "ctlpoke: %s: cannot connect\n", what);
		return 1;
	}
	if (write(fd, msg, len) != (ssize_t)len) {
		/* Closed before it read a byte (a refused peer): also a close. */
		if (errno == EPIPE || errno == ECONNRESET) {
			close(fd);
			return 0;
		}
		fprintf(stderr, "ctlpoke: %s: cannot send\n", what);
		return 1;
	}
	shutdown(fd, SHUT_WR);
	n = read(fd, reply, sizeof(reply));
	/* Closed with our unread bytes still queued: a reset, also a close. */
	if (n < 0 && errno == ECONNRESET)
		n = 0;
	close(fd);
	if (n != 0) {
		fprintf(stderr, "ctlpoke: %s: got %zd bytes instead of a close\n", what, n);
		return 1;
	}
	return 0;
}

/*
 * A VM info request with @nr open files (of /dev/null): the server's
 * reply status, or -1 when it closed the connection unanswered.
 */
static int with_files(const char *path, unsigned int nr)
{
	struct header info = { 0x4c4b564d, 6, 0 }, reply;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 8)];
	} control;
	struct iovec iov = { .iov_base = &info, .iov_len = sizeof(info) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = CMSG_SPACE(sizeof(int) * nr),
	};
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0), files[8];
	struct cmsghdr *c;
	ssize_t n;

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		return -2;
	memset(&control, 0, sizeof(control));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int) * nr);
	for (unsigned int i = 0; i < nr; i++)
		files[i] = open("/dev/null", O_RDONLY);
	memcpy(CMSG_DATA(c), files, sizeof(int) * nr);
	n = sendmsg(fd, &mh, 0);
	for (unsigned int i = 0; i < nr; i++)
		close(files[i]);
	if (n != sizeof(info))
		return -2;
	n = read(fd, &reply, sizeof(reply));
	close(fd);
	return n == sizeof(reply) ? (int)reply.type : n <= 0 ? -1 : -2;
}

static int connect_to(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		perror("ctlpoke: connect");
		return -1;
	}
	return fd;
}

/* Idle peers must not hold the server's few connection slots for ever. */
static int hold(const char *path, int n)
{
	struct pollfd p[64];
	int open_left = n;

	if (n < 1 || n > 64)
		return 2;
	for (int i = 0; i < n; i++) {
		p[i] = (struct pollfd){ .fd = connect_to(path), .events = POLLIN };
		if (p[i].fd < 0)
			return 1;
	}
	for (int ms = 0; open_left && ms < 15000; ms += 100) {
		char c;

		poll(p, n, 100);
		for (int i = 0; i < n; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			if (read(p[i].fd, &c, 1) > 0) {
				fprintf(stderr, "ctlpoke: an idle connection got a reply\n");
				return 1;
			}
			close(p[i].fd);
			p[i].fd = -1;
			open_left--;
		}
	}
	if (open_left)
		fprintf(stderr, "ctlpoke: %d of %d idle connections still open after 15 s\n",
			open_left, n);
	return open_left ? 1 : 0;
}

int main(int argc, char *argv[])
{
	const uint32_t magic = 0x4c4b564d;
	struct header bad_magic = { 0x12345678, 2, 0 };
	struct header huge = { magic, 1, 0x7fffffff };
	struct header unknown = { magic, 99, 0 };
	struct { struct header h; uint8_t extra[3]; } wrong_size = { { magic, 1, 3 }, { 1, 2, 3 } };
	struct { struct header h; uint8_t extra[8]; } short_inject = { { magic, 3, 8 }, { 0 } };
	int bad = 0;

	signal(SIGPIPE, SIG_IGN);	/* a closed connection is an answer here */
	if (argc == 4 && !strcmp(argv[1], "--hold"))
		return hold(argv[3], atoi(argv[2]));
	if (argc == 4 && !strcmp(argv[1], "--uid")) {
		struct header info = { magic, 6, 0 };	/* CTL_VM_INFO */

		if (setuid(atoi(argv[2]))) {
			perror("ctlpoke: setuid");
			return 2;
		}
		return poke(argv[3], &info, sizeof(info), "another user's request");
	}
	if (argc != 2) {
		fprintf(stderr, "usage: ctlpoke SOCKET, ctlpoke --uid UID SOCKET or ctlpoke --hold N SOCKET\n");
		return 2;
	}
	bad += poke(argv[1], &bad_magic, sizeof(bad_magic), "wrong magic");
	bad += poke(argv[1], &huge, sizeof(huge), "oversized length");
	bad += poke(argv[1], &huge, 5, "header cut short");
	bad += poke(argv[1], &unknown, sizeof(unknown), "unknown request type");
	bad += poke(argv[1], &wrong_size, sizeof(wrong_size), "payload of the wrong size");
	bad += poke(argv[1], &short_inject, sizeof(short_inject), "RAS injection of the wrong size");
	if (with_files(argv[1], 5) != -1) {
		fprintf(stderr, "ctlpoke: a request with 5 files was not closed unanswered\n");
		bad++;
	}
	if (with_files(argv[1], 1) != EINVAL) {
		fprintf(stderr, "ctlpoke: a VM info request with a file was not refused\n");
		bad++;
	}
	return bad ? 1 : 0;
}
