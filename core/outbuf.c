// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/outbuf.h"

/*
 * Writes must not block, but O_NONBLOCK on stdout itself would change the
 * file description lkvm shares with its shell. A pipe or a terminal is
 * opened again through /proc, which gives a description of its own; a
 * socket is sent to with MSG_DONTWAIT; a file or /dev/null never blocks.
 */
static void pick_fd(struct outbuf *ob, int out_fd)
{
	char path[32];
	struct stat st;
	int fd;

	ob->fd = out_fd;
	if (fstat(out_fd, &st))
		return;
	if (S_ISSOCK(st.st_mode)) {
		ob->is_socket = ob->never_blocks = true;
		return;
	}
	if (!S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
		ob->never_blocks = true;
		return;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", out_fd);
	fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		ob->fd = fd;
		ob->own_fd = ob->never_blocks = true;
	}
}

/* One write that does not block: bytes written, 0 when @fd is full, -1 gone. */
static ssize_t write_some(struct outbuf *ob, const uint8_t *buf, size_t len)
{
	for (;;) {
		ssize_t n = ob->is_socket ? send(ob->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) :
					    write(ob->fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 0;
		return n <= 0 && len ? -1 : n;
	}
}

int outbuf_init(struct outbuf *ob, int out_fd)
{
	memset(ob, 0, sizeof(*ob));
	ob->fd = ob->wake_fd = -1;
	ob->buf = malloc(OUTBUF_SIZE);
	if (!ob->buf)
		return -ENOMEM;
	ob->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (ob->wake_fd < 0)
		return -errno;
	pthread_mutex_init(&ob->lock, NULL);
	pick_fd(ob, out_fd);
	return 0;
}

void outbuf_destroy(struct outbuf *ob)
{
	if (!ob->buf)
		return;
	if (ob->own_fd)
		close(ob->fd);
	if (ob->wake_fd >= 0)
		close(ob->wake_fd);
	pthread_mutex_destroy(&ob->lock);
	free(ob->buf);
	ob->buf = NULL;
}

size_t outbuf_write(struct outbuf *ob, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t offered = len, room, taken, tail;
	bool wake;

	pthread_mutex_lock(&ob->lock);
	/*
	 * Nothing waits: straight out, as a UART sends a byte, without a trip
	 * through the I/O thread; the rest, if stdout is full, is kept.
	 */
	if (!ob->len && ob->never_blocks) {
		ssize_t n = write_some(ob, p, len);

		if (n < 0) {	/* stdout is gone: the guest keeps running, unheard */
			ob->dropped += len;
			pthread_mutex_unlock(&ob->lock);
			return 0;
		}
		p += n;
		len -= n;
	}
	room = OUTBUF_SIZE - ob->len;
	taken = len < room ? len : room;
	tail = (ob->head + ob->len) % OUTBUF_SIZE;
	for (size_t done = 0; done < taken;) {
		size_t chunk = OUTBUF_SIZE - tail < taken - done ? OUTBUF_SIZE - tail : taken - done;

		memcpy(ob->buf + tail, p + done, chunk);
		done += chunk;
		tail = (tail + chunk) % OUTBUF_SIZE;
	}
	wake = !ob->len && taken;
	ob->len += taken;
	ob->dropped += len - taken;
	pthread_mutex_unlock(&ob->lock);
	if (wake)
		eventfd_write(ob->wake_fd, 1);
	return offered - (len - taken);
}

int outbuf_flush(struct outbuf *ob)
{
	int ret = 0;

	pthread_mutex_lock(&ob->lock);
	while (ob->len) {
		size_t chunk = OUTBUF_SIZE - ob->head < ob->len ? OUTBUF_SIZE - ob->head : ob->len;
		ssize_t n = write_some(ob, ob->buf + ob->head, chunk);

		if (n == 0) {
			ret = -EAGAIN;
			break;
		}
		if (n < 0) {
			ob->dropped += ob->len;
			ob->len = 0;
			break;
		}
		ob->head = (ob->head + n) % OUTBUF_SIZE;
		ob->len -= n;
	}
	pthread_mutex_unlock(&ob->lock);
	return ret;
}

void outbuf_drain(struct outbuf *ob, int ms)
{
	struct pollfd p = { .fd = ob->fd, .events = POLLOUT };

	while (outbuf_flush(ob) == -EAGAIN && ms > 0) {
		poll(&p, 1, 10);
		ms -= 10;
	}
}

uint64_t outbuf_take_dropped(struct outbuf *ob)
{
	uint64_t n;

	pthread_mutex_lock(&ob->lock);
	n = ob->dropped;
	ob->dropped = 0;
	pthread_mutex_unlock(&ob->lock);
	return n;
}
