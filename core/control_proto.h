/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_CONTROL_PROTO_H
#define LKVM_CORE_CONTROL_PROTO_H

/*
 * The control socket's wire format, shared by the VM (server) and the
 * `lkvm <command> --name VM` clients. One request per connection:
 * a header, then @len bytes of payload; the reply is a header whose type
 * is 0 or a positive errno, then @len bytes of text for the user.
 */
#include <stdint.h>

#define CTL_MAGIC		0x4c4b564du	/* "LKVM" */
#define CTL_MAX_PAYLOAD		4096
#define CTL_MAX_REPLY		65536

enum ctl_type {
	CTL_SDEI_SIGNAL = 1,	/* struct ctl_sdei_signal */
	CTL_SDEI_STATUS = 2,	/* no payload */
};

struct ctl_header {
	uint32_t magic;
	uint32_t type;
	uint32_t len;
};

struct ctl_sdei_signal {
	uint32_t event;
	int32_t vcpu;		/* -1: every vCPU (private) or routing (shared) */
};

#endif
