// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "acpi/aml.h"

#define ZERO_OP		0x00
#define ONE_OP		0x01
#define NAME_OP		0x08
#define BYTE_PREFIX	0x0a
#define WORD_PREFIX	0x0b
#define DWORD_PREFIX	0x0c
#define STRING_PREFIX	0x0d
#define QWORD_PREFIX	0x0e
#define SCOPE_OP	0x10
#define BUFFER_OP	0x11
#define PACKAGE_OP	0x12
#define METHOD_OP	0x14
#define ROOT_CHAR	0x5c
#define EXT_OP_PREFIX	0x5b
#define DEVICE_OP	0x82	/* after EXT_OP_PREFIX */
#define ARG0_OP		0x68
#define RETURN_OP	0xa4
#define ONES_OP		0xff

/* Small resource End Tag; large resource descriptor types (6.4.3). */
#define RES_END_TAG		0x79
#define RES_MEMORY32_FIXED	0x86
#define RES_DWORD_ADDRESS	0x87
#define RES_WORD_ADDRESS	0x88
#define RES_EXT_INTERRUPT	0x89

void aml_name_string(struct acpi_buf *b, const char *name)
{
	char seg[4] = { '_', '_', '_', '_' };

	if (*name == '\\') {
		buf_u8(b, ROOT_CHAR);
		name++;
	}
	memcpy(seg, name, strnlen(name, 4));
	buf_bytes(b, seg, 4);
}

/*
 * PkgLength (20.2.4): one byte up to 63, else a lead byte holding the
 * count of bytes that follow and the low 4 bits; the length counts itself.
 */
void aml_close(struct acpi_buf *b, size_t mark)
{
	size_t content = b->len - mark, total;
	unsigned int n = content + 1 < 0x40 ? 1 : content + 2 < 0x1000 ? 2 :
			 content + 3 < 0x100000 ? 3 : 4;

	total = content + n;
	buf_insert(b, mark, n);
	if (b->broken)
		return;
	if (n == 1) {
		b->data[mark] = total;
		return;
	}
	b->data[mark] = (n - 1) << 6 | (total & 0xf);
	for (unsigned int i = 1; i < n; i++)
		b->data[mark + i] = total >> (4 + 8 * (i - 1));
}

static size_t open_named(struct acpi_buf *b, const char *name)
{
	size_t mark = b->len;

	aml_name_string(b, name);
	return mark;
}

size_t aml_scope_open(struct acpi_buf *b, const char *name)
{
	buf_u8(b, SCOPE_OP);
	return open_named(b, name);
}

size_t aml_device_open(struct acpi_buf *b, const char *name)
{
	buf_u8(b, EXT_OP_PREFIX);
	buf_u8(b, DEVICE_OP);
	return open_named(b, name);
}

size_t aml_method_open(struct acpi_buf *b, const char *name, unsigned int nargs)
{
	size_t mark;

	buf_u8(b, METHOD_OP);
	mark = open_named(b, name);
	buf_u8(b, nargs & 7);
	return mark;
}

size_t aml_package_open(struct acpi_buf *b, unsigned int nr_elements)
{
	size_t mark;

	buf_u8(b, PACKAGE_OP);
	mark = b->len;
	buf_u8(b, nr_elements);
	return mark;
}

void aml_name(struct acpi_buf *b, const char *name)
{
	buf_u8(b, NAME_OP);
	aml_name_string(b, name);
}

void aml_integer(struct acpi_buf *b, uint64_t v)
{
	if (v == 0) {
		buf_u8(b, ZERO_OP);
	} else if (v == 1) {
		buf_u8(b, ONE_OP);
	} else if (v == UINT64_MAX) {
		buf_u8(b, ONES_OP);
	} else if (v <= UINT8_MAX) {
		buf_u8(b, BYTE_PREFIX);
		buf_u8(b, v);
	} else if (v <= UINT16_MAX) {
		buf_u8(b, WORD_PREFIX);
		buf_u16(b, v);
	} else if (v <= UINT32_MAX) {
		buf_u8(b, DWORD_PREFIX);
		buf_u32(b, v);
	} else {
		buf_u8(b, QWORD_PREFIX);
		buf_u64(b, v);
	}
}

void aml_string(struct acpi_buf *b, const char *s)
{
	buf_u8(b, STRING_PREFIX);
	buf_bytes(b, s, strlen(s) + 1);
}

static unsigned int hex_digit(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

/* 19.6.35: 5 bits per letter ('A' = 1), then 4 hex digits, big-endian. */
void aml_eisaid(struct acpi_buf *b, const char *id)
{
	uint32_t v = (uint32_t)(id[0] - '@') << 26 | (uint32_t)(id[1] - '@') << 21 |
		     (uint32_t)(id[2] - '@') << 16;

	for (unsigned int i = 3; i < 7; i++)
		v |= hex_digit(id[i]) << (4 * (6 - i));
	aml_integer(b, __builtin_bswap32(v));
}

void aml_return_arg(struct acpi_buf *b, unsigned int arg)
{
	buf_u8(b, RETURN_OP);
	buf_u8(b, ARG0_OP + arg);
}

size_t aml_resources_open(struct acpi_buf *b)
{
	buf_u8(b, BUFFER_OP);
	return b->len;
}

/* The End Tag, then BufferSize and PkgLength in front of the bytes. */
void aml_resources_close(struct acpi_buf *b, size_t mark)
{
	struct acpi_buf size = { 0 };

	buf_u8(b, RES_END_TAG);
	buf_u8(b, 0);		/* checksum 0: "the template sums to zero" */
	aml_integer(&size, b->len - mark);
	buf_insert(b, mark, size.len);
	if (!b->broken && !size.broken)
		memcpy(b->data + mark, size.data, size.len);
	b->broken |= size.broken;
	buf_free(&size);
	aml_close(b, mark);
}

void aml_memory32_fixed(struct acpi_buf *b, uint32_t base, uint32_t size)
{
	buf_u8(b, RES_MEMORY32_FIXED);
	buf_u16(b, 9);
	buf_u8(b, 1);		/* read-write */
	buf_u32(b, base);
	buf_u32(b, size);
}

void aml_interrupt(struct acpi_buf *b, uint32_t gsi, bool edge)
{
	buf_u8(b, RES_EXT_INTERRUPT);
	buf_u16(b, 6);
	buf_u8(b, 1 | (edge ? 2 : 0));	/* consumer; active-high, exclusive */
	buf_u8(b, 1);
	buf_u32(b, gsi);
}

/* Address space descriptors (6.4.3.5): producer, MinFixed, MaxFixed. */
#define ADDR_FLAGS_FIXED	0x0c

void aml_word_bus_number(struct acpi_buf *b, uint16_t first, uint16_t last)
{
	buf_u8(b, RES_WORD_ADDRESS);
	buf_u16(b, 13);
	buf_u8(b, 2);		/* bus number range */
	buf_u8(b, ADDR_FLAGS_FIXED);
	buf_u8(b, 0);
	buf_u16(b, 0);		/* granularity */
	buf_u16(b, first);
	buf_u16(b, last);
	buf_u16(b, 0);		/* translation */
	buf_u16(b, last - first + 1);
}

void aml_dword_memory(struct acpi_buf *b, uint32_t base, uint32_t size)
{
	buf_u8(b, RES_DWORD_ADDRESS);
	buf_u16(b, 23);
	buf_u8(b, 0);		/* memory range */
	buf_u8(b, ADDR_FLAGS_FIXED);
	buf_u8(b, 1);		/* read-write, non-cacheable */
	buf_u32(b, 0);		/* granularity */
	buf_u32(b, base);
	buf_u32(b, base + size - 1);
	buf_u32(b, 0);		/* translation */
	buf_u32(b, size);
}
