/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_MEMSLOT_H
#define LKVM_CORE_MEMSLOT_H

/*
 * The guest-physical to host-virtual mappings lkvm gave KVM, kept to turn
 * a host address back into a guest one (a SIGBUS names the host page).
 */
#include <stdbool.h>
#include <stdint.h>

#define MEMSLOTS_MAX 8

struct memslot {
	uint64_t gpa;
	uint64_t size;
	uintptr_t hva;
};

struct memslot_table {
	unsigned int nr;
	struct memslot slots[MEMSLOTS_MAX];
};

/* Add a slot; -ENOSPC when full, -EEXIST if it overlaps one (either side). */
int memslot_add(struct memslot_table *t, uint64_t gpa, uint64_t size, uintptr_t hva);

/* The guest address of host address @hva, if a slot maps it. */
bool memslot_hva_to_gpa(const struct memslot_table *t, uintptr_t hva, uint64_t *gpa);

#endif
