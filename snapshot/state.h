/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_SNAPSHOT_STATE_H
#define LKVM_SNAPSHOT_STATE_H

/*
 * The state file of a snapshot: a header, then one section per piece of
 * state (a vCPU's registers, a device, the SDEI dispatcher...), all
 * little-endian:
 *
 *   header   "LKVMSTAT", u32 version, u32 0
 *   section  u32 tag, u32 index (which vCPU, which device), u64 length,
 *            the payload, zeros up to a multiple of 8 bytes
 *
 * The writer grows a buffer; the reader walks a buffer it does not trust
 * and checks each length against what is left before using it.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SNAP_STATE_MAGIC	"LKVMSTAT"
#define SNAP_STATE_VERSION	1
#define SNAP_STATE_HEADER	16
#define SNAP_SECTION_HEADER	16
#define SNAP_SECTION_MAX	(16u << 20)	/* bytes of one payload */

struct snap_out {
	uint8_t *buf;
	size_t len, cap;
	int err;		/* the first failure (-ENOMEM, -E2BIG); then no-ops */
};

/* Start a state buffer with its header. */
void snap_out_init(struct snap_out *o);
void snap_out_section(struct snap_out *o, uint32_t tag, uint32_t index, const void *data,
		      size_t len);
void snap_out_free(struct snap_out *o);

struct snap_in {
	const uint8_t *buf;
	size_t len, off;
};

struct snap_section {
	uint32_t tag;
	uint32_t index;
	uint32_t len;
	const uint8_t *data;	/* into the reader's buffer */
};

/*
 * Check @buf's header. Returns 0, -EINVAL (not a state file, truncated)
 * or -ENOTSUP (another version), with the reason in @why.
 */
int snap_in_init(struct snap_in *in, const uint8_t *buf, size_t len, char *why,
		 size_t why_len);
/* The next section: 1, 0 at the end, or -EINVAL with the reason in @why. */
int snap_in_next(struct snap_in *in, struct snap_section *s, char *why, size_t why_len);

#endif
