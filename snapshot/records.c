// SPDX-License-Identifier: GPL-2.0
/* The config and machine records of a state file, written and checked. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/le.h"
#include "snapshot/records.h"

#define MiB	(1ull << 20)

void snap_machine_encode(const struct snap_machine *m, uint8_t buf[SNAP_MACHINE_SIZE])
{
	memset(buf, 0, SNAP_MACHINE_SIZE);
	put_le32(buf, m->nr_cpus);
	put_le32(buf + 4, m->gic);
	put_le64(buf + 8, m->ram_size);
	put_le32(buf + 16, m->mte);
	put_le32(buf + 20, m->its);
	put_le64(buf + 24, m->midr);
}

int snap_machine_decode(const struct snap_section *s, struct snap_machine *m, char *why,
			size_t why_len)
{
	const uint8_t *b = s->data;
	uint32_t mte, its;

	if (s->len != SNAP_MACHINE_SIZE) {
		snprintf(why, why_len, "the machine record has %u bytes, not %d", s->len,
			 SNAP_MACHINE_SIZE);
		return -EINVAL;
	}
	m->nr_cpus = get_le32(b);
	m->gic = get_le32(b + 4);
	m->ram_size = get_le64(b + 8);
	mte = get_le32(b + 16);
	its = get_le32(b + 20);
	m->midr = get_le64(b + 24);
	m->mte = mte;
	m->its = its;
	if (!m->nr_cpus || m->nr_cpus > SNAP_MAX_CPUS || (m->gic != 2 && m->gic != 3) ||
	    mte > 1 || its > 1 || m->ram_size < 64 * MiB || m->ram_size % MiB ||
	    m->ram_size > SNAP_MAX_RAM || get_le64(b + 32) || get_le64(b + 40)) {
		snprintf(why, why_len, "the machine record is malformed");
		return -EINVAL;
	}
	return 0;
}

int snap_words_decode(const struct snap_section *s, const char *words[SNAP_MAX_WORDS])
{
	int n = 0;

	if (!s->len || s->data[s->len - 1])
		return -EINVAL;
	for (uint32_t i = 0; i < s->len; i += strlen(words[n++]) + 1) {
		if (n == SNAP_MAX_WORDS)
			return -EINVAL;
		words[n] = (const char *)s->data + i;
	}
	return n;
}
