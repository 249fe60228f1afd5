/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_STATUS_H
#define LKVM_RAS_STATUS_H

/* The text of `lkvm ras --status`, from a copy of the counts; pure. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ras/ghes.h"
#include "ras/policy.h"

struct ras_counts {
	uint64_t notified[RAS_NOTIFY_SDEI + 1];
	uint64_t not_notified;		/* SDEI event not registered, ... */
	uint64_t host_errors;		/* SIGBUS on guest memory */
	uint64_t sea_exits;		/* KVM_EXIT_ARM_SEA */
};

/*
 * The region @r (not placed yet if it has no memory), each source's
 * counts and block, the notification counts and each block decoded, into
 * @text: at most @len bytes, always terminated. Reading a source's ack
 * brings its acked count up to date, as ghes_acked() does.
 */
void ras_status_text(char *text, size_t len, struct ghes_region *r, bool sea_to_user,
		     const struct ras_counts *c);

#endif
