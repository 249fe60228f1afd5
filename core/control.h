/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_CONTROL_H
#define LKVM_CORE_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ioloop.h"

/* One whole, well-formed request (core/control_proto.h). */
struct control_msg {
	uint32_t type;
	const void *payload;
	const int *fds;		/* the peer's, passed with it; closed after */
	unsigned int nr_fds;
};

/*
 * The answer to @msg goes into @text (CTL_MAX_REPLY bytes); returns 0 or
 * -errno, the status the client sees.
 */
typedef int (*control_handler_t)(void *opaque, const struct control_msg *msg, char *text);

struct control_server {
	int fd;			/* listening; -1: no socket */
	char path[108];		/* the VM's name for it, removed at the end */
	unsigned int connections;
	const char *name;	/* the VM's, for messages */
	control_handler_t handle;
	void *opaque;
};

/*
 * $HOME/.lkvm, and $HOME/.lkvm/NAME.sock: 0, -ENOENT without HOME, or
 * -ENAMETOOLONG if it does not fit.
 */
int control_dir(char *buf, size_t len);
int control_socket_path(const char *name, char *buf, size_t len);
/*
 * Why the directory @dir cannot be trusted with VM sockets (a symlink,
 * another user's, writable by others), or NULL: the user's own, or absent.
 */
const char *control_dir_distrust(const char *dir, char *buf, size_t len);
/* Client side: control_dir(), refused with one printed line if not trusted. */
int control_client_dir(char *buf, size_t len);
/*
 * Client side: VM @name's socket path into @path, or -1 with the reason
 * printed in one line (a directory not to be trusted, a name too long).
 */
int control_client_path(const char *name, char *path, size_t len);
/* Does a VM answer on the socket at @path? */
bool control_socket_alive(const char *path);

/*
 * Listen on VM @name's socket, served by @loop's thread, each request
 * answered by @handle. Refuses a name a running VM already has; removes
 * the socket of a VM that is gone. Without a socket (no HOME, a directory
 * not to be trusted) the VM runs on: 0, with a warning.
 */
int control_start(struct control_server *srv, struct ioloop *loop, const char *name,
		  control_handler_t handle, void *opaque);
void control_stop(struct control_server *srv);

/*
 * Client side: one request to the socket at @path. Returns the VM's status
 * (0 or a positive errno) with its text in *@reply (to free), or a negative
 * errno: cannot connect, or -EPROTO when the VM did not answer.
 */
int control_exchange(const char *path, uint32_t type, const void *payload,
		     uint32_t len, char **reply);
/* The same, with @nr_fds open files passed along (at most CTL_MAX_FDS). */
int control_exchange_fds(const char *path, uint32_t type, const void *payload,
			 uint32_t len, const int *fds, unsigned int nr_fds, char **reply);
/* Client side: send one request, print the reply; returns the exit status. */
int control_request(const char *name, uint32_t type, const void *payload,
		    uint32_t len);
int control_request_fds(const char *name, uint32_t type, const void *payload,
			uint32_t len, const int *fds, unsigned int nr_fds);

#endif
