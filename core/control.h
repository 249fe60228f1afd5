/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_CONTROL_H
#define LKVM_CORE_CONTROL_H

#include <stddef.h>
#include <stdint.h>

struct vm;

/* $HOME/.lkvm/NAME.sock into @buf; -ENAMETOOLONG if it does not fit. */
int control_socket_path(const char *name, char *buf, size_t len);

/*
 * Listen on the VM's socket, served by the I/O thread. Refuses a name a
 * running VM already has; removes the socket of a VM that is gone.
 */
int control_start(struct vm *vm);
void control_stop(struct vm *vm);

/* Client side: send one request, print the reply; returns the exit status. */
int control_request(const char *name, uint32_t type, const void *payload,
		    uint32_t len);

#endif
