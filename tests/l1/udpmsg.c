// SPDX-License-Identifier: GPL-2.0
/*
 * udpmsg send ADDR PORT TEXT: one datagram holding TEXT to ADDR:PORT.
 * udpmsg recv PORT SECONDS: wait that long for one datagram on PORT and
 * print it; exit 1 if none came. Both sides of the UDP checks of
 * tests/l1/netuser.sh, in the emulated host and in the guest (busybox's
 * nc has no UDP).
 */
#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char *argv[])
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0) {
		perror("udpmsg: socket");
		return 1;
	}
	if (argc == 5 && !strcmp(argv[1], "send") && inet_aton(argv[2], &sin.sin_addr)) {
		sin.sin_port = htons(atoi(argv[3]));
		if (sendto(fd, argv[4], strlen(argv[4]), 0, (struct sockaddr *)&sin,
			   sizeof(sin)) < 0) {
			perror("udpmsg: sendto");
			return 1;
		}
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "recv")) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char buf[2048];
		ssize_t n;

		sin.sin_port = htons(atoi(argv[2]));
		if (bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
			perror("udpmsg: bind");
			return 1;
		}
		if (poll(&p, 1, atoi(argv[3]) * 1000) != 1)
			return 1;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			return 1;
		printf("%.*s\n", (int)n, buf);
		return 0;
	}
	fprintf(stderr, "usage: udpmsg send ADDR PORT TEXT | udpmsg recv PORT SECONDS\n");
	return 2;
}
