/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_PASST_H
#define LKVM_CORE_PASST_H

/*
 * passt (Debian package passt), the user-mode network behind -n mode=user:
 * one passt process per NIC, in the foreground, on a socketpair whose
 * other end lkvm keeps. passt exits when that end closes, so it never
 * outlives lkvm, crash included.
 */
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/options.h"

struct passt {
	pid_t pid;	/* 0: none, and nothing else holds */
	int err_fd;	/* what passt prints, for lkvm's debug messages */
};

/* Is there an executable passt on $PATH? */
bool passt_installed(void);

/*
 * Start passt for @nic and wait until it is ready to take frames: 0 with
 * lkvm's end of the stream in *@fd (non-blocking, the caller's), or
 * -errno with a one-line reason, passt's own where it gave one, in @why.
 */
int passt_start(struct passt *p, const struct net_config *nic, int *fd, char *why,
		size_t why_len);

/* Log what passt printed since (debug level): false once it printed its last. */
bool passt_drain_messages(struct passt *p);

/* After lkvm's end was closed: passt's end, reaped (a bounded wait). */
void passt_stop(struct passt *p);

#endif
