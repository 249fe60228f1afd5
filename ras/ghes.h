/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_GHES_H
#define LKVM_RAS_GHES_H

/*
 * The GHESv2 error region in guest RAM and its producer side (pure; the
 * caller holds one lock around every call). For N error sources:
 *
 *   [0, 8N)          error status address slots: slot i holds block i's GPA
 *   [8N, 16N)        read-ack registers: 1 = the guest consumed block i
 *   [4 KiB + 4 KiB*i) Generic Error Status Block i, GHES_BLOCK_SIZE bytes
 *
 * which is what an ACPI HEST GHESv2 entry points at (Error Status Address
 * -> slot, Read Ack Register -> ack; preserve ~1, write 1).
 *
 * A block is written only when its ack register reads 1 (the guest cleared
 * block_status, then acked, as Linux does): lkvm writes 0 to the ack, the
 * entries, then block_status last, so a guest polling block_status never
 * sees half a record. Busy: the record waits in a bounded queue; past the
 * bound it is dropped and counted, and the next record delivered from that
 * source sets the "multiple errors" bits of the lost classes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ras/cper.h"
#include "ras/policy.h"

#define GHES_BLOCK_SIZE		4096
#define GHES_QUEUE_MAX		16
/* A source's slot and ack register, 16 bytes, all below the first block. */
#define GHES_MAX_SOURCES	(GHES_BLOCK_SIZE / 16)
#define GHES_REGION_ALIGN	0x10000	/* whole pages for 64 KiB guests */

/* A record waiting for its block: encoded, with how to notify. */
struct ghes_queued {
	struct ras_notice notice;	/* handed back on delivery */
	uint32_t len;
	uint8_t block[];		/* a Generic Error Status Block */
};

struct ghes_counters {
	uint64_t received;	/* submitted */
	uint64_t delivered;	/* written to the block */
	uint64_t dropped;	/* queue full */
	uint64_t acked;		/* deliveries the guest acknowledged */
};

struct ghes_source {
	struct ghes_counters count;
	bool awaiting_ack;
	bool lost_uncorrectable, lost_corrected;
	unsigned int head, queued;
	struct ghes_queued *queue[GHES_QUEUE_MAX];
};

struct ghes_region {
	uint8_t *mem;		/* the region as lkvm sees it */
	uint64_t gpa;
	uint64_t size;
	unsigned int nr_sources;
	struct ghes_source *sources;
};

/* Bytes of region @nr_sources need, a multiple of GHES_REGION_ALIGN. */
uint64_t ghes_region_size(unsigned int nr_sources);

/* Lay out the region at @mem (guest address @gpa): slots, acks = 1, empty
 * blocks. Returns 0 or -ENOMEM. */
int ghes_region_init(struct ghes_region *r, uint8_t *mem, uint64_t gpa,
		     unsigned int nr_sources);
/*
 * Take the region already laid out at @mem, as a restored guest's RAM
 * holds it, writing nothing; its sources' state comes from
 * ghes_state_load(). Returns 0, -E2BIG or -ENOMEM.
 */
int ghes_region_attach(struct ghes_region *r, uint8_t *mem, uint64_t gpa,
		       unsigned int nr_sources);
void ghes_region_destroy(struct ghes_region *r);

uint64_t ghes_slot_gpa(const struct ghes_region *r, unsigned int src);
uint64_t ghes_ack_gpa(const struct ghes_region *r, unsigned int src);
uint64_t ghes_block_gpa(const struct ghes_region *r, unsigned int src);
uint8_t *ghes_block(const struct ghes_region *r, unsigned int src);

enum ghes_result {
	GHES_DELIVERED,		/* in the block now: notify the guest */
	GHES_QUEUED,		/* waits for the guest's ack */
	GHES_DROPPED,		/* queue full: counted, flagged on the next */
	GHES_INVALID,		/* malformed or larger than a block: refused */
};

/* @notice is kept with the record if it must wait. */
enum ghes_result ghes_submit(struct ghes_region *r, unsigned int src,
			     const struct cper_record *rec, const struct ras_notice *notice);

/*
 * If source @src has a queued record and the guest has acknowledged, write
 * the oldest one and return true with its notice in *@notice.
 */
bool ghes_poll(struct ghes_region *r, unsigned int src, struct ras_notice *notice);

/*
 * For a snapshot (ras/ghes_state.c): each source's counts, flags and
 * queue as ghes_state_size() bytes; loaded back into a region of as many
 * sources for @nr_vcpus vCPUs only once checked whole. Load returns 0,
 * or -EINVAL with the reason in @why and the region unchanged.
 */
size_t ghes_state_size(const struct ghes_region *r);
void ghes_state_save(const struct ghes_region *r, uint8_t *buf);
int ghes_state_load(struct ghes_region *r, unsigned int nr_vcpus, const uint8_t *buf,
		    size_t len, char *why, size_t why_len);

/* Does any source hold queued records? */
bool ghes_any_queued(const struct ghes_region *r);

/* Has the guest acknowledged source @src's last record (or none yet)? */
bool ghes_acked(struct ghes_region *r, unsigned int src);

#endif
