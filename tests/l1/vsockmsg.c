// SPDX-License-Identifier: GPL-2.0
/*
 * vsockmsg listen PORT SECONDS: accept one AF_VSOCK connection on PORT
 * within SECONDS, print what it sends until it shuts its side, answer
 * "echo: " and the same, and close.
 * vsockmsg send CID PORT TEXT: connect to CID:PORT, send TEXT, shut the
 * sending side, and print the answer.
 * The host's and the guest's side of tests/l1/vsock.sh.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/vm_sockets.h>	/* after sys/socket.h, which it needs */

static size_t read_all(int fd, char *buf, size_t cap)
{
	size_t got = 0;
	ssize_t n;

	while (got < cap && (n = read(fd, buf + got, cap - got)) > 0)
		got += n;
	return got;
}

int main(int argc, char *argv[])
{
	struct sockaddr_vm addr = { .svm_family = AF_VSOCK };
	char buf[4096], reply[4096 + 8];
	int fd = socket(AF_VSOCK, SOCK_STREAM, 0);
	size_t n;

	if (fd < 0) {
		perror("vsockmsg: socket");
		return 1;
	}
	if (argc == 4 && !strcmp(argv[1], "listen")) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int conn;

		addr.svm_cid = VMADDR_CID_ANY;
		addr.svm_port = atoi(argv[2]);
		if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 1)) {
			perror("vsockmsg: bind");
			return 1;
		}
		printf("listening\n");
		fflush(stdout);
		if (poll(&p, 1, atoi(argv[3]) * 1000) != 1 || (conn = accept(fd, NULL, NULL)) < 0)
			return 1;
		n = read_all(conn, buf, sizeof(buf));
		printf("%.*s\n", (int)n, buf);
		n = snprintf(reply, sizeof(reply), "echo: %.*s", (int)n, buf);
		return write(conn, reply, n) != (ssize_t)n;
	}
	if (argc == 5 && !strcmp(argv[1], "send")) {
		addr.svm_cid = atoi(argv[2]);
		addr.svm_port = atoi(argv[3]);
		if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
			perror("vsockmsg: connect");
			return 1;
		}
		if (write(fd, argv[4], strlen(argv[4])) != (ssize_t)strlen(argv[4]) ||
		    shutdown(fd, SHUT_WR))
			return 1;
		n = read_all(fd, buf, sizeof(buf));
		printf("%.*s\n", (int)n, buf);
		return 0;
	}
	fprintf(stderr, "usage: vsockmsg listen PORT SECONDS | vsockmsg send CID PORT TEXT\n");
	return 2;
}
