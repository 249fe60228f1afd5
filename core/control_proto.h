/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_CONTROL_PROTO_H
#define LKVM_CORE_CONTROL_PROTO_H

/*
 * The control socket's wire format, shared by the VM (server) and the
 * `lkvm <command> --name VM` clients. One request per connection:
 * a header, then @len bytes of payload; the reply is a header whose type
 * is 0 or a positive errno, then @len bytes of text for the user.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CTL_MAGIC		0x4c4b564du	/* "LKVM" */
#define CTL_MAX_PAYLOAD		4096
#define CTL_MAX_REPLY		65536
#define CTL_MAX_FDS		4	/* open files one request may carry */

enum ctl_type {
	CTL_SDEI_SIGNAL = 1,	/* struct ctl_sdei_signal */
	CTL_SDEI_STATUS = 2,	/* no payload */
	CTL_RAS_INJECT = 3,	/* struct ctl_ras_inject */
	CTL_RAS_STATUS = 4,	/* no payload */
	CTL_RAS_POISON = 5,	/* struct ctl_ras_poison */
	CTL_VM_INFO = 6,	/* no payload; reply "PID STATE VCPUS MEM_MIB\n" */
	CTL_VM_STOP = 7,	/* no payload */
	CTL_VM_PAUSE = 8,	/* no payload */
	CTL_VM_RESUME = 9,	/* no payload */
	CTL_VM_SNAPSHOT = 10,	/* struct ctl_snapshot, with its files' fds */
	/* no payload; reply "seq N\n" then the guest's memory statistics,
	 * N counting the reports the guest sent; asks it for a new one */
	CTL_VM_BALLOON_STATS = 11,
	CTL_VM_BALLOON_SET = 12,	/* struct ctl_balloon */
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

enum ctl_ras_kind {
	CTL_RAS_MEMORY = 0,	/* platform memory error section */
	CTL_RAS_PROCESSOR = 1,	/* ARM processor error section */
};

#define CTL_RAS_GPA_GIVEN	(1u << 0)
#define CTL_RAS_MAX_COUNT	100000

struct ctl_ras_inject {
	uint32_t kind;		/* enum ctl_ras_kind */
	uint32_t severity;	/* enum cper_severity, not info */
	uint32_t notify;	/* enum ras_notify */
	int32_t vcpu;		/* -1: the default (vCPU 0) */
	uint64_t gpa;
	uint32_t count;		/* the same error, this many times */
	uint32_t flags;		/* CTL_RAS_GPA_GIVEN */
};

/*
 * lkvm snapshot: the client creates the snapshot's files and passes them
 * open (SCM_RIGHTS, in this order), so that a VM in its sandbox writes
 * into what it was given and opens nothing by name.
 */
#define CTL_SNAPSHOT_STOP	(1u << 0)	/* end the VM once written */

enum ctl_snapshot_fd {
	CTL_SNAPSHOT_FD_STATE,
	CTL_SNAPSHOT_FD_MEMORY,
	CTL_SNAPSHOT_FD_TAGS,		/* MTE's tags; left empty without MTE */
	CTL_SNAPSHOT_NR_FDS,
};

/* lkvm balloon: the balloon's target grows (or, negative, shrinks) by this. */
#define CTL_BALLOON_MAX_MIB	(1 << 20)

struct ctl_balloon {
	int32_t delta_mib;	/* -CTL_BALLOON_MAX_MIB to CTL_BALLOON_MAX_MIB */
	uint32_t reserved;	/* 0 */
};

struct ctl_snapshot {
	uint32_t flags;
	uint32_t reserved;	/* 0 */
};

/* Test hook: poison the host page behind @gpa for real (MADV_HWPOISON). */
struct ctl_ras_poison {
	uint64_t gpa;
};

/*
 * The server's side of the framing (core/control_proto.c), pure so that
 * it is fuzzed natively: a request arrives in pieces, as reads give it.
 * Its header is judged as soon as it is whole (magic, a known type, and
 * exactly that type's payload size); then its payload is awaited.
 */
struct ctl_request {
	size_t got;		/* bytes of msg received */
	struct {
		struct ctl_header hdr;
		uint8_t payload[CTL_MAX_PAYLOAD];
	} msg;
};

enum ctl_request_state {
	CTL_REQ_MORE,		/* incomplete: read more */
	CTL_REQ_BAD,		/* a malformed header: drop the connection */
	CTL_REQ_DONE,		/* complete and well formed: msg holds it */
};

/* Does @hdr name a known request with exactly its payload size? */
bool ctl_well_formed(const struct ctl_header *hdr);
/*
 * Where the next bytes of @req go (*@at) and how many of them, at most:
 * never more than the header, or than the rest of a judged request.
 */
size_t ctl_request_room(struct ctl_request *req, uint8_t **at);
/* @n bytes, at most the room, arrived at *@at: what is the request now? */
enum ctl_request_state ctl_request_add(struct ctl_request *req, size_t n);

#endif
