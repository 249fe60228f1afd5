// SPDX-License-Identifier: GPL-2.0
#include <errno.h>

#include "core/memslot.h"

static bool overlap(uint64_t a, uint64_t a_size, uint64_t b, uint64_t b_size)
{
	return a < b + b_size && b < a + a_size;
}

int memslot_add(struct memslot_table *t, uint64_t gpa, uint64_t size, uintptr_t hva)
{
	for (unsigned int i = 0; i < t->nr; i++)
		if (overlap(gpa, size, t->slots[i].gpa, t->slots[i].size) ||
		    overlap(hva, size, t->slots[i].hva, t->slots[i].size))
			return -EEXIST;
	if (t->nr == MEMSLOTS_MAX)
		return -ENOSPC;
	t->slots[t->nr++] = (struct memslot){ gpa, size, hva };
	return 0;
}

bool memslot_hva_to_gpa(const struct memslot_table *t, uintptr_t hva, uint64_t *gpa)
{
	for (unsigned int i = 0; i < t->nr; i++) {
		const struct memslot *s = &t->slots[i];

		if (hva >= s->hva && hva - s->hva < s->size) {
			*gpa = s->gpa + (hva - s->hva);
			return true;
		}
	}
	return false;
}
