// SPDX-License-Identifier: GPL-2.0
/*
 * dnsstub ADDR NAME IPV4: a DNS server on ADDR port 53 (UDP) that knows
 * one name. A query for NAME's A record gets IPV4, for another of its
 * records no answer; a query for any other name gets NXDOMAIN. The emulated host's resolver, for the guest's lookups through
 * passt's DNS forwarding (tests/l1/netuser.sh). Runs until killed.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define HDR	12

/* The question's name at @p as dotted text into @name: its wire length, or 0. */
static size_t read_name(const unsigned char *p, size_t len, char *name, size_t cap)
{
	size_t at = 0, out = 0;

	while (at < len && p[at]) {
		size_t label = p[at];

		if (label > 63 || at + 1 + label >= len || out + label + 2 > cap)
			return 0;
		if (out)
			name[out++] = '.';
		memcpy(name + out, p + at + 1, label);
		out += label;
		at += 1 + label;
	}
	if (at >= len)
		return 0;
	name[out] = '\0';
	return at + 1;
}

int main(int argc, char *argv[])
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(53) };
	struct in_addr answer;
	unsigned char q[512], r[512 + 16];
	int fd;

	if (argc != 4 || !inet_aton(argv[1], &sin.sin_addr) || !inet_aton(argv[3], &answer)) {
		fprintf(stderr, "usage: dnsstub ADDR NAME IPV4\n");
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("dnsstub: bind");
		return 1;
	}
	for (;;) {
		struct sockaddr_in from;
		socklen_t from_len = sizeof(from);
		ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &from_len);
		char name[256];
		size_t qname, end;
		int ours, known;

		if (n < HDR || q[4] || q[5] != 1)
			continue;	/* one question, or nothing */
		qname = read_name(q + HDR, n - HDR, name, sizeof(name));
		if (!qname || HDR + qname + 4 > (size_t)n)
			continue;
		end = HDR + qname + 4;
		ours = !strcasecmp(name, argv[2]);
		known = ours && q[end - 4] == 0 && q[end - 3] == 1;
		printf("dnsstub: %s type %u from %s: %s\n", name, q[end - 4] << 8 | q[end - 3],
		       inet_ntoa(from.sin_addr), known ? argv[3] : ours ? "no answer" : "NXDOMAIN");
		fflush(stdout);
		memcpy(r, q, end);
		r[2] = 0x81;			/* a response, recursion desired */
		r[3] = ours ? 0x80 : 0x83;	/* recursion available; NXDOMAIN */
		memset(r + 6, 0, 6);
		r[7] = known;			/* answers */
		if (known) {
			static const unsigned char rr[] = {
				0xc0, HDR, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4,
			};

			memcpy(r + end, rr, sizeof(rr));
			memcpy(r + end + sizeof(rr), &answer, 4);
			end += sizeof(rr) + 4;
		}
		sendto(fd, r, end, 0, (struct sockaddr *)&from, from_len);
	}
}
