// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "core/ioloop.h"

int ioloop_init(struct ioloop *loop)
{
	loop->done = false;
	loop->watches = NULL;
	loop->retired = NULL;
	loop->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epoll_fd < 0 ? -errno : 0;
}

static void free_retired(struct ioloop *loop)
{
	while (loop->retired) {
		struct io_watch *w = loop->retired;

		loop->retired = w->next;
		free(w);
	}
}

void ioloop_destroy(struct ioloop *loop)
{
	free_retired(loop);
	while (loop->watches) {
		struct io_watch *w = loop->watches;

		loop->watches = w->next;
		free(w);
	}
	if (loop->epoll_fd >= 0)
		close(loop->epoll_fd);
	loop->epoll_fd = -1;
}

static struct io_watch *find_watch(struct ioloop *loop, int fd)
{
	for (struct io_watch *w = loop->watches; w; w = w->next)
		if (w->fd == fd)
			return w;
	return NULL;
}

int ioloop_watch(struct ioloop *loop, int fd, io_handler_fn handler,
		 void *opaque)
{
	return ioloop_watch_events(loop, fd, EPOLLIN, handler, opaque);
}

int ioloop_watch_events(struct ioloop *loop, int fd, uint32_t events,
			io_handler_fn handler, void *opaque)
{
	struct io_watch *w = malloc(sizeof(*w));
	struct epoll_event ev = { .events = events };

	if (!w)
		return -ENOMEM;
	*w = (struct io_watch) { fd, handler, opaque, loop->watches };
	ev.data.ptr = w;
	if (epoll_ctl(loop->epoll_fd, EPOLL_CTL_ADD, fd, &ev)) {
		free(w);
		return -errno;
	}
	loop->watches = w;
	return 0;
}

void ioloop_unwatch(struct ioloop *loop, int fd)
{
	for (struct io_watch **p = &loop->watches; *p; p = &(*p)->next) {
		struct io_watch *w = *p;

		if (w->fd != fd)
			continue;
		epoll_ctl(loop->epoll_fd, EPOLL_CTL_DEL, fd, NULL);
		*p = w->next;
		/* Events already fetched for it must find it gone. */
		w->handler = NULL;
		w->next = loop->retired;
		loop->retired = w;
		return;
	}
}

int ioloop_set_events(struct ioloop *loop, int fd, uint32_t events)
{
	struct io_watch *w = find_watch(loop, fd);
	struct epoll_event ev = { .events = events };

	if (!w)
		return -ENOENT;
	ev.data.ptr = w;
	return epoll_ctl(loop->epoll_fd, EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
}

int ioloop_pause(struct ioloop *loop, int fd, bool paused)
{
	return ioloop_set_events(loop, fd, paused ? 0 : EPOLLIN);
}

int ioloop_run(struct ioloop *loop)
{
	struct epoll_event events[8];

	while (!loop->done) {
		int n = epoll_wait(loop->epoll_fd, events, 8, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (int i = 0; i < n && !loop->done; i++) {
			struct io_watch *w = events[i].data.ptr;

			if (w->handler)
				w->handler(loop, w->opaque);
		}
		free_retired(loop);
	}
	return 0;
}
