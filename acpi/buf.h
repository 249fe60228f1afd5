/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ACPI_BUF_H
#define LKVM_ACPI_BUF_H

/*
 * A growable byte buffer for ACPI tables and AML. Appends never fail
 * visibly: on an allocation failure the buffer marks itself broken and
 * later appends do nothing, so a builder checks once, at the end.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct acpi_buf {
	uint8_t *data;
	size_t len, cap;
	bool broken;
};

/* Room for @n more bytes, zeroed; their offset, or the old length if broken. */
size_t buf_grow(struct acpi_buf *b, size_t n);
void buf_bytes(struct acpi_buf *b, const void *p, size_t n);
void buf_u8(struct acpi_buf *b, uint8_t v);
void buf_u16(struct acpi_buf *b, uint16_t v);
void buf_u32(struct acpi_buf *b, uint32_t v);
void buf_u64(struct acpi_buf *b, uint64_t v);
/* @n bytes of @s, NUL-padded (or cut) to @n. */
void buf_str(struct acpi_buf *b, const char *s, size_t n);
/* Insert @n zero bytes at @at, moving what follows. */
void buf_insert(struct acpi_buf *b, size_t at, size_t n);
void buf_free(struct acpi_buf *b);

/* 0 if every byte was appended, else -ENOMEM. */
int buf_status(const struct acpi_buf *b);

#endif
