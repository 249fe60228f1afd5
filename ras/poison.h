/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_POISON_H
#define LKVM_RAS_POISON_H

/*
 * The guest RAM the host found poisoned and lkvm did not replace: what a
 * snapshot must not read, and what a restore must poison again so that the
 * guest still sees it poisoned. Sorted, disjoint, non-adjacent extents of
 * guest addresses; pure, so that it is unit-tested and fuzzed natively.
 *
 * Bounded: past RAS_POISON_MAX extents the set only notes that it lost
 * one, and a snapshot is refused rather than read a page it does not know.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RAS_POISON_MAX		256

struct ras_extent {
	uint64_t gpa, size;
};

struct ras_poison {
	unsigned int nr;
	bool overflowed;
	struct ras_extent e[RAS_POISON_MAX];
};

/* Add [@gpa, @gpa + @size), merged with what it overlaps or touches. */
void ras_poison_add(struct ras_poison *p, uint64_t gpa, uint64_t size);
/*
 * Take [@gpa, @gpa + @size) out: lkvm gave it a fresh page. An extent it
 * splits needs a slot; without one the set notes that it is wrong.
 */
void ras_poison_remove(struct ras_poison *p, uint64_t gpa, uint64_t size);
/* The first extent that ends after @gpa, or NULL. */
const struct ras_extent *ras_poison_next(const struct ras_poison *p, uint64_t gpa);

/*
 * For a snapshot (SNAP_SEC_RAS_POISON): u32 count, u32 zero, then per
 * extent u64 gpa and u64 size, little-endian. The loader takes the set
 * only whole and canonical: extents of whole @page_size pages inside
 * [@ram_gpa, @ram_gpa + @ram_size), ascending with gaps between them.
 * 0, or -EINVAL with a one-line reason in @why and @p unchanged.
 */
#define RAS_POISON_STATE_MAX	(8 + 16 * RAS_POISON_MAX)

size_t ras_poison_state_size(const struct ras_poison *p);
void ras_poison_state_save(const struct ras_poison *p, uint8_t *buf);
int ras_poison_state_load(struct ras_poison *p, const uint8_t *buf, size_t len,
			  uint64_t ram_gpa, uint64_t ram_size, uint64_t page_size,
			  char *why, size_t why_len);

#endif
