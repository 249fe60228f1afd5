// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's framing, server side: a request as its bytes
 * arrive, judged at its header. Pure (no socket, no VM), so that
 * tests/fuzz/fuzz_control.c drives it with any byte stream in any pieces.
 */
#include "core/control_proto.h"

/* The payload each request type must have, exactly. */
bool ctl_well_formed(const struct ctl_header *hdr)
{
	switch (hdr->type) {
	case CTL_SDEI_SIGNAL:
		return hdr->len == sizeof(struct ctl_sdei_signal);
	case CTL_SDEI_STATUS:
	case CTL_RAS_STATUS:
	case CTL_VM_INFO:
	case CTL_VM_STOP:
	case CTL_VM_PAUSE:
	case CTL_VM_RESUME:
	case CTL_VM_BALLOON_STATS:
		return hdr->len == 0;
	case CTL_RAS_INJECT:
		return hdr->len == sizeof(struct ctl_ras_inject);
	case CTL_RAS_POISON:
		return hdr->len == sizeof(struct ctl_ras_poison);
	case CTL_VM_SNAPSHOT:
		return hdr->len == sizeof(struct ctl_snapshot);
	case CTL_VM_BALLOON_SET:
		return hdr->len == sizeof(struct ctl_balloon);
	default:
		return false;
	}
}

size_t ctl_request_room(struct ctl_request *req, uint8_t **at)
{
	size_t want = sizeof(req->msg.hdr);

	/* Past the header, its length was judged: at most a payload's worth. */
	if (req->got >= sizeof(req->msg.hdr))
		want += req->msg.hdr.len;
	*at = (uint8_t *)&req->msg + req->got;
	return want - req->got;
}

enum ctl_request_state ctl_request_add(struct ctl_request *req, size_t n)
{
	req->got += n;
	if (req->got == sizeof(req->msg.hdr) &&
	    (req->msg.hdr.magic != CTL_MAGIC || !ctl_well_formed(&req->msg.hdr)))
		return CTL_REQ_BAD;
	if (req->got < sizeof(req->msg.hdr) ||
	    req->got < sizeof(req->msg.hdr) + req->msg.hdr.len)
		return CTL_REQ_MORE;
	return CTL_REQ_DONE;
}
