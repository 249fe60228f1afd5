// SPDX-License-Identifier: GPL-2.0
/* The state file's sections, written into a buffer and read back. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "snapshot/state.h"

static void *room(struct snap_out *o, size_t n)
{
	void *p;

	if (o->err)
		return NULL;
	if (n > o->cap - o->len) {
		size_t cap = o->cap ? o->cap : 4096;
		uint8_t *buf;

		while (cap - o->len < n) {
			if (cap > SIZE_MAX / 2) {
				o->err = -E2BIG;
				return NULL;
			}
			cap *= 2;
		}
		buf = realloc(o->buf, cap);
		if (!buf) {
			o->err = -ENOMEM;
			return NULL;
		}
		o->buf = buf;
		o->cap = cap;
	}
	p = o->buf + o->len;
	o->len += n;
	return p;
}

void snap_out_init(struct snap_out *o)
{
	uint8_t *h;

	memset(o, 0, sizeof(*o));
	h = room(o, SNAP_STATE_HEADER);
	if (!h)
		return;
	memcpy(h, SNAP_STATE_MAGIC, 8);
	put_le32(h + 8, SNAP_STATE_VERSION);
	put_le32(h + 12, 0);
}

static size_t padded(size_t len)
{
	return (len + 7) & ~(size_t)7;
}

void snap_out_section(struct snap_out *o, uint32_t tag, uint32_t index, const void *data,
		      size_t len)
{
	uint8_t *p;

	if (!o->err && len > SNAP_SECTION_MAX)
		o->err = -E2BIG;
	p = room(o, SNAP_SECTION_HEADER + padded(len));
	if (!p)
		return;
	put_le32(p, tag);
	put_le32(p + 4, index);
	put_le64(p + 8, len);
	if (len)
		memcpy(p + SNAP_SECTION_HEADER, data, len);
	memset(p + SNAP_SECTION_HEADER + len, 0, padded(len) - len);
}

size_t snap_out_begin(struct snap_out *o, uint32_t tag, uint32_t index)
{
	size_t begin = o->len;
	uint8_t *p = room(o, SNAP_SECTION_HEADER);

	if (p) {
		put_le32(p, tag);
		put_le32(p + 4, index);
		put_le64(p + 8, 0);
	}
	return begin;
}

void snap_out_append(struct snap_out *o, const void *data, size_t len)
{
	uint8_t *p = room(o, len);

	if (p && len)
		memcpy(p, data, len);
}

void snap_out_reg(struct snap_out *o, uint64_t key, uint32_t group, const void *value,
		  uint32_t size)
{
	uint8_t *p;

	if (!o->err && (!size || size > SNAP_REG_MAX))
		o->err = -EINVAL;
	p = room(o, SNAP_REG_HEADER + padded(size));
	if (!p)
		return;
	put_le64(p, key);
	put_le32(p + 8, group);
	put_le32(p + 12, size);
	memcpy(p + SNAP_REG_HEADER, value, size);
	memset(p + SNAP_REG_HEADER + size, 0, padded(size) - size);
}

void snap_out_end(struct snap_out *o, size_t begin)
{
	size_t len;
	uint8_t *pad;

	if (o->err)
		return;
	len = o->len - begin - SNAP_SECTION_HEADER;
	if (len > SNAP_SECTION_MAX) {
		o->err = -E2BIG;
		return;
	}
	pad = room(o, padded(len) - len);
	if (!pad)
		return;
	memset(pad, 0, padded(len) - len);
	put_le64(o->buf + begin + 8, len);
}

void snap_out_free(struct snap_out *o)
{
	free(o->buf);
	memset(o, 0, sizeof(*o));
}

int snap_in_init(struct snap_in *in, const uint8_t *buf, size_t len, char *why,
		 size_t why_len)
{
	memset(in, 0, sizeof(*in));
	if (len < SNAP_STATE_HEADER || memcmp(buf, SNAP_STATE_MAGIC, 8) || get_le32(buf + 12)) {
		snprintf(why, why_len, "not an lkvm state file");
		return -EINVAL;
	}
	if (get_le32(buf + 8) != SNAP_STATE_VERSION) {
		snprintf(why, why_len, "state format %u, this lkvm reads %d", get_le32(buf + 8),
			 SNAP_STATE_VERSION);
		return -ENOTSUP;
	}
	in->buf = buf;
	in->len = len;
	in->off = SNAP_STATE_HEADER;
	return 0;
}

int snap_in_next(struct snap_in *in, struct snap_section *s, char *why, size_t why_len)
{
	size_t left = in->len - in->off;
	const uint8_t *p = in->buf + in->off;
	uint64_t len;

	if (!left)
		return 0;
	if (left < SNAP_SECTION_HEADER) {
		snprintf(why, why_len, "a section header cut short at byte %zu", in->off);
		return -EINVAL;
	}
	len = get_le64(p + 8);
	/* padded() cannot wrap: the length is bounded first. */
	if (len > SNAP_SECTION_MAX || padded(len) > left - SNAP_SECTION_HEADER) {
		snprintf(why, why_len, "section %u at byte %zu: %llu bytes, more than the file holds",
			 get_le32(p), in->off, (unsigned long long)len);
		return -EINVAL;
	}
	s->tag = get_le32(p);
	s->index = get_le32(p + 4);
	s->len = len;
	s->data = p + SNAP_SECTION_HEADER;
	in->off += SNAP_SECTION_HEADER + padded(len);
	return 1;
}

int snap_reg_next(const struct snap_section *s, size_t *off, struct snap_reg *r,
		  char *why, size_t why_len)
{
	size_t left = s->len - *off;
	const uint8_t *p = s->data + *off;

	if (!left)
		return 0;
	if (left < SNAP_REG_HEADER) {
		snprintf(why, why_len, "section %u: a register cut short", s->tag);
		return -EINVAL;
	}
	r->key = get_le64(p);
	r->group = get_le32(p + 8);
	r->size = get_le32(p + 12);
	if (!r->size || r->size > SNAP_REG_MAX ||
	    padded(r->size) > left - SNAP_REG_HEADER) {
		snprintf(why, why_len, "section %u: register 0x%llx of %u bytes does not fit",
			 s->tag, (unsigned long long)r->key, r->size);
		return -EINVAL;
	}
	r->value = p + SNAP_REG_HEADER;
	*off += SNAP_REG_HEADER + padded(r->size);
	return 1;
}
