// SPDX-License-Identifier: GPL-2.0
/*
 * The set of poisoned guest extents (ras/poison.h). Few extents, rarely
 * added: a sorted array, searched and shifted linearly.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/le.h"
#include "ras/poison.h"

#define HEADER_SIZE	8
#define EXTENT_SIZE	16

static uint64_t end_of(const struct ras_extent *e)
{
	return e->gpa + e->size;
}

void ras_poison_add(struct ras_poison *p, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;
	unsigned int first = 0, last;

	if (!size || end < gpa)
		return;
	while (first < p->nr && end_of(&p->e[first]) < gpa)
		first++;
	/* [first, last): the extents the new one overlaps or touches. */
	for (last = first; last < p->nr && p->e[last].gpa <= end; last++) {
		if (p->e[last].gpa < gpa)
			gpa = p->e[last].gpa;
		if (end_of(&p->e[last]) > end)
			end = end_of(&p->e[last]);
	}
	if (first == last) {
		if (p->nr == RAS_POISON_MAX) {
			p->overflowed = true;
			return;
		}
		memmove(&p->e[first + 1], &p->e[first], (p->nr - first) * sizeof(p->e[0]));
		p->nr++;
		last = first + 1;
	}
	p->e[first] = (struct ras_extent){ gpa, end - gpa };
	memmove(&p->e[first + 1], &p->e[last], (p->nr - last) * sizeof(p->e[0]));
	p->nr -= last - first - 1;
}

void ras_poison_remove(struct ras_poison *p, uint64_t gpa, uint64_t size)
{
	uint64_t end = gpa + size;

	if (!size || end < gpa)
		return;
	for (unsigned int i = 0; i < p->nr; i++) {
		struct ras_extent *e = &p->e[i];
		uint64_t e_end = end_of(e);

		if (e_end <= gpa || e->gpa >= end)
			continue;
		if (e->gpa < gpa && e_end > end) {
			if (p->nr == RAS_POISON_MAX) {
				p->overflowed = true;
				return;
			}
			memmove(e + 1, e, (p->nr - i) * sizeof(*e));
			p->nr++;
			e->size = gpa - e->gpa;
			e[1] = (struct ras_extent){ end, e_end - end };
			return;
		}
		if (e->gpa < gpa) {
			e->size = gpa - e->gpa;
		} else if (e_end > end) {
			*e = (struct ras_extent){ end, e_end - end };
		} else {
			memmove(e, e + 1, (p->nr - i - 1) * sizeof(*e));
			p->nr--;
			i--;
		}
	}
}

const struct ras_extent *ras_poison_next(const struct ras_poison *p, uint64_t gpa)
{
	for (unsigned int i = 0; i < p->nr; i++)
		if (end_of(&p->e[i]) > gpa)
			return &p->e[i];
	return NULL;
}

size_t ras_poison_state_size(const struct ras_poison *p)
{
	return HEADER_SIZE + (size_t)p->nr * EXTENT_SIZE;
}

void ras_poison_state_save(const struct ras_poison *p, uint8_t *buf)
{
	put_le32(buf, p->nr);
	put_le32(buf + 4, 0);
	for (unsigned int i = 0; i < p->nr; i++) {
		put_le64(buf + HEADER_SIZE + i * EXTENT_SIZE, p->e[i].gpa);
		put_le64(buf + HEADER_SIZE + i * EXTENT_SIZE + 8, p->e[i].size);
	}
}

int ras_poison_state_load(struct ras_poison *p, const uint8_t *buf, size_t len,
			  uint64_t ram_gpa, uint64_t ram_size, uint64_t page_size,
			  char *why, size_t why_len)
{
	uint64_t floor = ram_gpa;	/* where the next extent may begin */
	uint32_t nr;

	if (len < HEADER_SIZE || get_le32(buf + 4) || (nr = get_le32(buf)) > RAS_POISON_MAX ||
	    len != HEADER_SIZE + (size_t)nr * EXTENT_SIZE) {
		snprintf(why, why_len, "the poisoned pages' list is malformed");
		return -EINVAL;
	}
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t gpa = get_le64(buf + HEADER_SIZE + i * EXTENT_SIZE);
		uint64_t size = get_le64(buf + HEADER_SIZE + i * EXTENT_SIZE + 8);

		if (gpa < floor || (i && gpa == floor) || gpa % page_size || !size ||
		    size % page_size || gpa - ram_gpa >= ram_size ||
		    size > ram_size - (gpa - ram_gpa)) {
			snprintf(why, why_len,
				 "poisoned extent %u (0x%llx, %llu bytes) is not whole pages of RAM after the one before",
				 i, (unsigned long long)gpa, (unsigned long long)size);
			return -EINVAL;
		}
		floor = gpa + size;
	}
	p->nr = nr;
	p->overflowed = false;
	for (uint32_t i = 0; i < nr; i++)
		p->e[i] = (struct ras_extent){
			get_le64(buf + HEADER_SIZE + i * EXTENT_SIZE),
			get_le64(buf + HEADER_SIZE + i * EXTENT_SIZE + 8),
		};
	return 0;
}
