/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_OUTBUF_H
#define LKVM_CORE_OUTBUF_H

/*
 * The guest's console output on its way to stdout. A stdout nobody
 * reads must not stop the guest: the UARTs transmit on vCPU threads under
 * their lock, and virtio-console on the I/O thread. So a writer writes
 * straight to stdout only when nothing waits before it and stdout takes
 * it without blocking; otherwise it appends to a bounded buffer, which the
 * I/O thread writes out when stdout can take more. What does not fit is
 * dropped and counted.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define OUTBUF_SIZE	(256 * 1024)

struct outbuf {
	pthread_mutex_t lock;
	uint8_t *buf;
	size_t head, len;	/* the bytes waiting: buf[head, head + len) mod size */
	uint64_t dropped;	/* bytes refused while full */
	int fd;			/* stdout, or a non-blocking description of it */
	bool own_fd;		/* @fd was opened here */
	bool is_socket;		/* sent with MSG_DONTWAIT */
	bool never_blocks;	/* a write to @fd returns at once */
	int wake_fd;		/* eventfd: bytes arrived in an empty buffer */
};

/* Prepare for output to @out_fd (stdout). Returns 0 or -errno. */
int outbuf_init(struct outbuf *ob, int out_fd);
void outbuf_destroy(struct outbuf *ob);

/* Any thread, never blocking: returns the bytes written or kept. */
size_t outbuf_write(struct outbuf *ob, const void *data, size_t len);

/*
 * The I/O thread: write as much as @fd takes without blocking. Returns 0
 * when all went, -EAGAIN when the rest must wait until @fd is writable.
 */
int outbuf_flush(struct outbuf *ob);

/* At exit: keep flushing for up to @ms milliseconds. */
void outbuf_drain(struct outbuf *ob, int ms);

/* Bytes dropped since the last call. */
uint64_t outbuf_take_dropped(struct outbuf *ob);

#endif
