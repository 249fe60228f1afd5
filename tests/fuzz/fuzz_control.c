// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the control socket's framing, server side
 * (core/control_proto.c, what core/control.c's on_conn() reads with).
 * The input is a byte stream, the peers' bytes one connection after the
 * other, and the sizes of the pieces reads give them (a piece of 0: the
 * peer hangs up). Each piece is at most the room the parser offers, as
 * read() gives it. The parser's answer is compared with a model built
 * here from the bytes that arrived, and only them:
 *   - a request is accepted only when complete and well formed: the
 *     magic, a known type, exactly that type's payload size, and all of
 *     the payload received; what the server then reads (header and
 *     payload) is the peer's bytes;
 *   - a malformed header is refused as soon as the header is whole, no
 *     earlier and never later (no payload byte of it is ever asked for);
 *   - it never reads past what arrived: the bytes beyond are scribbled
 *     over before every piece, and its answers must not change;
 *   - sizes never wrap: the room offered always lies inside the buffer,
 *     is never 0 while a request is open, and what was received never
 *     exceeds the header plus the largest payload.
 * A connection ends at its answer (refused, or served) or when the peer
 * hangs up, and the next one starts with the rest of the stream.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/control_proto.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define MAX_CONNECTIONS	16
#define HDR		sizeof(struct ctl_header)

/* The payload size of each type, written out from control_proto.h's comments. */
static int64_t payload_size(uint32_t type)
{
	switch (type) {
	case CTL_SDEI_SIGNAL:
		return 8;
	case CTL_RAS_INJECT:
		return 32;
	case CTL_RAS_POISON:
	case CTL_VM_SNAPSHOT:
	case CTL_VM_BALLOON_SET:
		return 8;
	case CTL_SDEI_STATUS:
	case CTL_RAS_STATUS:
	case CTL_VM_INFO:
	case CTL_VM_STOP:
	case CTL_VM_PAUSE:
	case CTL_VM_RESUME:
	case CTL_VM_BALLOON_STATS:
		return 0;
	default:
		return -1;
	}
}

static uint32_t le32(const uint8_t *b)
{
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* What the @got bytes of @in received so far make. */
static enum ctl_request_state model(const uint8_t *in, size_t got)
{
	int64_t want;

	if (got < HDR)
		return CTL_REQ_MORE;
	want = payload_size(le32(in + 4));
	if (le32(in) != CTL_MAGIC || want < 0 || le32(in + 8) != want)
		return CTL_REQ_BAD;
	return got < HDR + want ? CTL_REQ_MORE : CTL_REQ_DONE;
}

/* One connection: returns how many bytes of @stream it took. */
static size_t connection(struct ctl_request *req, const uint8_t *stream,
			 size_t len, const uint8_t **sizes, const uint8_t *sizes_end,
			 uint8_t scribble)
{
	uint8_t *base = (uint8_t *)&req->msg;
	size_t used = 0;

	memset(req, 0, sizeof(*req));
	for (;;) {
		enum ctl_request_state state, want;
		uint8_t *at;
		size_t room = ctl_request_room(req, &at), n;

		/* Offered room lies in the buffer, right after what arrived. */
		check(req->got <= sizeof(req->msg));
		check(at == base + req->got);
		check(room >= 1 && room <= sizeof(req->msg) - req->got);
		/* The header first, then never more than its payload. */
		if (req->got < HDR)
			check(room == HDR - req->got);
		else
			check(req->got + room == HDR + req->msg.hdr.len);

		n = *sizes < sizes_end ? *(*sizes)++ : 0xff;
		if (n > room)
			n = room;
		if (n > len - used)
			n = len - used;
		if (!n)
			return used;	/* the peer hung up: nothing accepted */

		/* What did not arrive is anything: it must not matter. */
		memset(at, scribble, sizeof(req->msg) - req->got);
		memcpy(at, stream + used, n);
		scribble = scribble * 167 + 13;
		used += n;
		state = ctl_request_add(req, n);
		want = model(stream, used);
		check(state == want);
		check(req->got == used);
		if (state == CTL_REQ_BAD) {
			check(used == HDR);	/* refused at the header */
			return used;
		}
		if (state == CTL_REQ_DONE) {
			/* The server reads the peer's bytes, and only those. */
			check(used == HDR + req->msg.hdr.len);
			check(!memcmp(base, stream, used));
			check(ctl_well_formed(&req->msg.hdr));
			check(req->msg.hdr.type >= CTL_SDEI_SIGNAL &&
			      req->msg.hdr.type <= CTL_VM_BALLOON_SET);
			return used;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *sizes, *sizes_end;
	struct ctl_request *req;
	size_t nsizes, at = 0;
	uint8_t scribble;

	if (size < 2)
		return 0;
	/* The first byte: how many piece sizes follow; then the stream. */
	nsizes = data[0] < size - 2 ? data[0] : size - 2;
	scribble = data[1];
	sizes = data + 2;
	sizes_end = sizes + nsizes;
	req = malloc(sizeof(*req));	/* exactly: ASan guards both ends */
	for (int c = 0; c < MAX_CONNECTIONS && sizes_end + at < data + size; c++) {
		size_t took = connection(req, sizes_end + at, data + size - sizes_end - at,
					 &sizes, sizes_end, scribble);

		if (!took)
			break;
		at += took;
	}
	free(req);
	return 0;
}
