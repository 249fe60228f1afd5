/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_CONTROL_H
#define LKVM_CORE_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vm;

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
/* Does a VM answer on the socket at @path? */
bool control_socket_alive(const char *path);

/*
 * Listen on the VM's socket, served by the I/O thread. Refuses a name a
 * running VM already has; removes the socket of a VM that is gone.
 */
int control_start(struct vm *vm);
void control_stop(struct vm *vm);

/*
 * Client side: one request to the socket at @path. Returns the VM's status
 * (0 or a positive errno) with its text in *@reply (to free), or a negative
 * errno: cannot connect, or -EPROTO when the VM did not answer.
 */
int control_exchange(const char *path, uint32_t type, const void *payload,
		     uint32_t len, char **reply);
/* Client side: send one request, print the reply; returns the exit status. */
int control_request(const char *name, uint32_t type, const void *payload,
		    uint32_t len);

#endif
