/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_NET_STREAM_H
#define LKVM_VIRTIO_NET_STREAM_H

/*
 * passt's stream, as QEMU speaks it: over one stream socket, both ways,
 * each Ethernet frame follows its length, 4 bytes big-endian, with no
 * virtio-net header. Frames are reassembled across reads, and a frame
 * the socket took in part is finished before the next one starts.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NET_STREAM_HDR		4
#define NET_FRAME_MIN		14	/* an Ethernet header */
#define NET_FRAME_MAX		65535	/* what the 16-bit bound of passt's peers allows */

struct net_stream {
	/* Bytes read: frames from rx_head on, the last perhaps partial. */
	uint8_t rx[2 * (NET_STREAM_HDR + NET_FRAME_MAX)];
	size_t rx_head, rx_len;
	/* One framed frame on its way out, written up to tx_done. */
	uint8_t tx[NET_STREAM_HDR + NET_FRAME_MAX];
	size_t tx_len, tx_done;
};

void net_stream_init(struct net_stream *s);
/*
 * The frame at the head of what was read: 1 with @frame and @len; 0 if it
 * is not whole yet; -EPROTO if its length is one no frame has (the peer
 * is not speaking this protocol: nothing after it can be trusted).
 */
int net_stream_peek(const struct net_stream *s, const uint8_t **frame, size_t *len);
/* The head frame was taken. */
void net_stream_consume(struct net_stream *s);
/* Read more from @fd: bytes read, 0 at its end, or -errno (-EAGAIN). */
ssize_t net_stream_read(struct net_stream *s, int fd);

/* A frame of @len bytes (NET_FRAME_MIN to _MAX) to send: where it goes. */
uint8_t *net_stream_tx_frame(struct net_stream *s, size_t len);
/* Write what waits: 0 once all of it went, -EAGAIN if the socket is full, -errno. */
int net_stream_flush(struct net_stream *s, int fd);
bool net_stream_tx_pending(const struct net_stream *s);

#endif
