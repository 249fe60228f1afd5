// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "acpi/buf.h"
#include "core/le.h"

size_t buf_grow(struct acpi_buf *b, size_t n)
{
	size_t at = b->len;

	if (b->broken)
		return at;
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *p;

		while (cap < b->len + n)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p) {
			b->broken = true;
			return at;
		}
		b->data = p;
		b->cap = cap;
	}
	memset(b->data + at, 0, n);
	b->len += n;
	return at;
}

void buf_bytes(struct acpi_buf *b, const void *p, size_t n)
{
	size_t at = buf_grow(b, n);

	if (!b->broken)
		memcpy(b->data + at, p, n);
}

void buf_u8(struct acpi_buf *b, uint8_t v)
{
	buf_bytes(b, &v, 1);
}

void buf_u16(struct acpi_buf *b, uint16_t v)
{
	uint8_t le[2];

	put_le16(le, v);
	buf_bytes(b, le, sizeof(le));
}

void buf_u32(struct acpi_buf *b, uint32_t v)
{
	uint8_t le[4];

	put_le32(le, v);
	buf_bytes(b, le, sizeof(le));
}

void buf_u64(struct acpi_buf *b, uint64_t v)
{
	uint8_t le[8];

	put_le64(le, v);
	buf_bytes(b, le, sizeof(le));
}

void buf_str(struct acpi_buf *b, const char *s, size_t n)
{
	size_t at = buf_grow(b, n), len = strlen(s);

	if (!b->broken)
		memcpy(b->data + at, s, len < n ? len : n);
}

void buf_insert(struct acpi_buf *b, size_t at, size_t n)
{
	size_t old = b->len;

	buf_grow(b, n);
	if (b->broken)
		return;
	memmove(b->data + at + n, b->data + at, old - at);
	memset(b->data + at, 0, n);
}

void buf_free(struct acpi_buf *b)
{
	free(b->data);
	*b = (struct acpi_buf){ 0 };
}

int buf_status(const struct acpi_buf *b)
{
	return b->broken ? -ENOMEM : 0;
}
