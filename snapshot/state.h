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

/* What a section holds; its index says which vCPU or device. */
enum snap_tag {
	SNAP_SEC_CONFIG = 1,	/* the run command line, NUL-separated words */
	SNAP_SEC_MACHINE,	/* what the VM was built as (snapshot/records.h) */
	SNAP_SEC_VCPU,		/* a vCPU's registers (register list) */
	SNAP_SEC_VCPU_LKVM,	/* what lkvm keeps of a vCPU: struct snap_vcpu */
	SNAP_SEC_GIC,		/* the vGIC's registers, in restore order (list) */
	SNAP_SEC_ITS,		/* the ITS's registers, in restore order (list) */
	SNAP_SEC_UART,		/* the console 16550 */
	SNAP_SEC_SDEI,		/* sdei_state_save() */
	SNAP_SEC_RAS,		/* the error sources (arm64/ras.c) */
	SNAP_SEC_PVTIME,	/* the stolen-time region's bytes */
	SNAP_SEC_VIRTIO,	/* a virtio device (arm64/devices_state.c) */
	/* --firmware (arm64/firmware_state.c) */
	SNAP_SEC_PL011,		/* the console PL011 */
	SNAP_SEC_PL031,
	SNAP_SEC_FW_CFG,
	SNAP_SEC_FLASH,		/* the variable store's CFI flash */
	SNAP_SEC_FLASH_BLOCK,	/* a block of an in-memory variable store */
	SNAP_SEC_RAS_POISON,	/* the guest pages the host poisoned (ras/poison.h) */
	SNAP_SEC_LAST = SNAP_SEC_RAS_POISON
};

/*
 * A register list: entries of u64 key (a ONE_REG id, a device attribute),
 * u32 group (the device attribute group; 0 for ONE_REG), u32 size (1 to
 * SNAP_REG_MAX bytes), the value, zeros up to a multiple of 8 bytes.
 */
#define SNAP_REG_HEADER		16
#define SNAP_REG_MAX		256	/* an SVE Z register, 2048 bits */

struct snap_reg {
	uint64_t key;
	uint32_t group;
	uint32_t size;
	const uint8_t *value;	/* into the reader's buffer */
};

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
/*
 * A section written piece by piece: begin it, append to it (registers,
 * bytes), end it. Returns where it began, for snap_out_end().
 */
size_t snap_out_begin(struct snap_out *o, uint32_t tag, uint32_t index);
void snap_out_append(struct snap_out *o, const void *data, size_t len);
void snap_out_reg(struct snap_out *o, uint64_t key, uint32_t group, const void *value,
		  uint32_t size);
void snap_out_end(struct snap_out *o, size_t begin);

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

/*
 * The next register of a register list at *@off of @s: 1, 0 at its end,
 * or -EINVAL (an entry cut short, a size of 0 or above SNAP_REG_MAX).
 */
int snap_reg_next(const struct snap_section *s, size_t *off, struct snap_reg *r,
		  char *why, size_t why_len);

#endif
