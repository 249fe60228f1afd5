/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_IOLOOP_H
#define LKVM_CORE_IOLOOP_H

#include <stdbool.h>
#include <stdint.h>

struct ioloop;
typedef void (*io_handler_fn)(struct ioloop *loop, void *opaque);

struct io_watch {
	int fd;
	io_handler_fn handler;
	void *opaque;
	struct io_watch *next;
};

/* The I/O thread's epoll loop: console input, stop requests, signals. */
struct ioloop {
	int epoll_fd;
	bool done;
	struct io_watch *watches;
	struct io_watch *retired;	/* unwatched, freed after this round */
};

int ioloop_init(struct ioloop *loop);
void ioloop_destroy(struct ioloop *loop);
/* Call @handler whenever @fd is readable. */
int ioloop_watch(struct ioloop *loop, int fd, io_handler_fn handler,
		 void *opaque);
/* Call @handler on @events (EPOLLIN, EPOLLOUT, or 0 for none yet). */
int ioloop_watch_events(struct ioloop *loop, int fd, uint32_t events,
			io_handler_fn handler, void *opaque);
/* Change the events a watched @fd is waited for. */
int ioloop_set_events(struct ioloop *loop, int fd, uint32_t events);
/* Forget @fd (the caller closes it). Safe from inside its own handler. */
void ioloop_unwatch(struct ioloop *loop, int fd);
/* Stop or resume watching @fd (it stays registered). */
int ioloop_pause(struct ioloop *loop, int fd, bool paused);
/* Dispatch until a handler sets loop->done. */
int ioloop_run(struct ioloop *loop);

#endif
