// SPDX-License-Identifier: GPL-2.0
/* passt's stream framing (virtio/net_stream.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "virtio/net_stream.h"

void net_stream_init(struct net_stream *s)
{
	s->rx_head = s->rx_len = 0;
	s->tx_len = s->tx_done = 0;
}

int net_stream_peek(const struct net_stream *s, const uint8_t **frame, size_t *len)
{
	const uint8_t *p = s->rx + s->rx_head;
	size_t have = s->rx_len - s->rx_head;
	uint32_t n;

	if (have < NET_STREAM_HDR)
		return 0;
	n = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	if (n < NET_FRAME_MIN || n > NET_FRAME_MAX)
		return -EPROTO;
	if (have - NET_STREAM_HDR < n)
		return 0;
	*frame = p + NET_STREAM_HDR;
	*len = n;
	return 1;
}

void net_stream_consume(struct net_stream *s)
{
	const uint8_t *p = s->rx + s->rx_head;

	s->rx_head += NET_STREAM_HDR + ((size_t)p[0] << 24 | (size_t)p[1] << 16 |
					(size_t)p[2] << 8 | p[3]);
	if (s->rx_head == s->rx_len)
		s->rx_head = s->rx_len = 0;
}

ssize_t net_stream_read(struct net_stream *s, int fd)
{
	ssize_t n;

	/*
	 * Only a partial frame is left when more is read: moved to the
	 * front, it leaves room for at least one whole frame after it.
	 */
	if (s->rx_head) {
		memmove(s->rx, s->rx + s->rx_head, s->rx_len - s->rx_head);
		s->rx_len -= s->rx_head;
		s->rx_head = 0;
	}
	n = read(fd, s->rx + s->rx_len, sizeof(s->rx) - s->rx_len);
	if (n < 0)
		return -errno;
	s->rx_len += n;
	return n;
}

uint8_t *net_stream_tx_frame(struct net_stream *s, size_t len)
{
	s->tx[0] = len >> 24;
	s->tx[1] = len >> 16;
	s->tx[2] = len >> 8;
	s->tx[3] = len;
	s->tx_len = NET_STREAM_HDR + len;
	s->tx_done = 0;
	return s->tx + NET_STREAM_HDR;
}

int net_stream_flush(struct net_stream *s, int fd)
{
	while (s->tx_done < s->tx_len) {
		ssize_t n = write(fd, s->tx + s->tx_done, s->tx_len - s->tx_done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		s->tx_done += n;
	}
	s->tx_len = s->tx_done = 0;
	return 0;
}

bool net_stream_tx_pending(const struct net_stream *s)
{
	return s->tx_done < s->tx_len;
}
