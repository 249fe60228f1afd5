// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "acpi/loader.h"
#include "core/le.h"

/* Field offsets in an entry, after the 4-byte type. */
#define E_FILE		4
#define E_ALLOC_ALIGN	60
#define E_ALLOC_ZONE	64
#define E_PTR_POINTEE	60
#define E_PTR_OFFSET	116
#define E_PTR_SIZE	120
#define E_SUM_RESULT	60
#define E_SUM_START	64
#define E_SUM_LENGTH	68
#define E_WP_OFFSET	116
#define E_WP_POINTEE_OFF 120
#define E_WP_SIZE	124

static uint8_t *new_entry(struct acpi_buf *s, enum loader_cmd type, const char *file)
{
	size_t at = buf_grow(s, LOADER_ENTRY_SIZE);

	if (s->broken)
		return NULL;
	put_le32(s->data + at, type);
	strncpy((char *)s->data + at + E_FILE, file, LOADER_FILE_NAME - 1);
	return s->data + at;
}

void loader_allocate(struct acpi_buf *s, const char *file, uint32_t align,
		     enum loader_zone zone)
{
	uint8_t *e = new_entry(s, LOADER_ALLOCATE, file);

	if (!e)
		return;
	put_le32(e + E_ALLOC_ALIGN, align);
	e[E_ALLOC_ZONE] = zone;
}

void loader_add_pointer(struct acpi_buf *s, const char *file, const char *pointee,
			uint32_t offset, uint8_t size)
{
	uint8_t *e = new_entry(s, LOADER_ADD_POINTER, file);

	if (!e)
		return;
	strncpy((char *)e + E_PTR_POINTEE, pointee, LOADER_FILE_NAME - 1);
	put_le32(e + E_PTR_OFFSET, offset);
	e[E_PTR_SIZE] = size;
}

void loader_add_checksum(struct acpi_buf *s, const char *file, uint32_t result,
			 uint32_t start, uint32_t len)
{
	uint8_t *e = new_entry(s, LOADER_ADD_CHECKSUM, file);

	if (!e)
		return;
	put_le32(e + E_SUM_RESULT, result);
	put_le32(e + E_SUM_START, start);
	put_le32(e + E_SUM_LENGTH, len);
}

void loader_write_pointer(struct acpi_buf *s, const char *file, const char *pointee,
			  uint32_t offset, uint32_t pointee_offset, uint8_t size)
{
	uint8_t *e = new_entry(s, LOADER_WRITE_POINTER, file);

	if (!e)
		return;
	strncpy((char *)e + E_PTR_POINTEE, pointee, LOADER_FILE_NAME - 1);
	put_le32(e + E_WP_OFFSET, offset);
	put_le32(e + E_WP_POINTEE_OFF, pointee_offset);
	e[E_WP_SIZE] = size;
}

/* --- running a script --------------------------------------------------- */

static struct loader_blob *find(struct loader_blob *blobs, unsigned int nr,
				const uint8_t *name)
{
	if (name[LOADER_FILE_NAME - 1])
		return NULL;
	for (unsigned int i = 0; i < nr; i++)
		if (!strcmp(blobs[i].name, (const char *)name))
			return &blobs[i];
	return NULL;
}

static uint64_t get_n(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void put_n(uint8_t *p, unsigned int n, uint64_t v)
{
	for (unsigned int i = 0; i < n; i++)
		p[i] = v >> (8 * i);
}

static bool valid_size(unsigned int n)
{
	return n == 1 || n == 2 || n == 4 || n == 8;
}

static const char *run_one(const uint8_t *e, struct loader_blob *blobs, unsigned int nr)
{
	struct loader_blob *file = find(blobs, nr, e + E_FILE), *pointee;
	uint32_t off, start, len;
	unsigned int size;
	uint64_t v;
	uint8_t sum = 0;

	switch (get_le32(e)) {
	case LOADER_ALLOCATE:
		if (!file)
			return "ALLOCATE of a file that does not exist";
		if (file->allocated)
			return "ALLOCATE of a file twice";
		if (get_le32(e + E_ALLOC_ALIGN) > 4096 ||
		    file->gpa % (get_le32(e + E_ALLOC_ALIGN) ?: 1))
			return "ALLOCATE alignment above 4096 or not met";
		file->allocated = 1;
		return NULL;
	case LOADER_ADD_POINTER:
		pointee = find(blobs, nr, e + E_PTR_POINTEE);
		off = get_le32(e + E_PTR_OFFSET);
		size = e[E_PTR_SIZE];
		if (!file || !pointee || !file->allocated || !pointee->allocated)
			return "ADD_POINTER between files not allocated";
		if (!valid_size(size) || off > file->size || size > file->size - off)
			return "ADD_POINTER field outside its file";
		v = get_n(file->data + off, size);
		if (v >= pointee->size)
			return "ADD_POINTER offset beyond the pointee";
		v += pointee->gpa;
		if (size < 8 && v >> (8 * size))
			return "ADD_POINTER result does not fit its field";
		put_n(file->data + off, size, v);
		return NULL;
	case LOADER_ADD_CHECKSUM:
		off = get_le32(e + E_SUM_RESULT);
		start = get_le32(e + E_SUM_START);
		len = get_le32(e + E_SUM_LENGTH);
		if (!file || !file->allocated)
			return "ADD_CHECKSUM of a file not allocated";
		if (start > file->size || len > file->size - start ||
		    off < start || off >= start + len)
			return "ADD_CHECKSUM range outside its file or not holding the result";
		if (file->data[off])
			return "ADD_CHECKSUM result byte not zero beforehand";
		for (uint32_t i = start; i < start + len; i++)
			sum += file->data[i];
		file->data[off] = -sum;
		return NULL;
	case LOADER_WRITE_POINTER:
		pointee = find(blobs, nr, e + E_PTR_POINTEE);
		off = get_le32(e + E_WP_OFFSET);
		size = e[E_WP_SIZE];
		if (!file || file->allocated || !pointee || !pointee->allocated)
			return "WRITE_POINTER needs a fw_cfg file and an allocated pointee";
		if (!valid_size(size) || off > file->size || size > file->size - off ||
		    get_le32(e + E_WP_POINTEE_OFF) >= pointee->size)
			return "WRITE_POINTER field outside its file or pointee";
		put_n(file->data + off, size, pointee->gpa + get_le32(e + E_WP_POINTEE_OFF));
		return NULL;
	}
	return NULL;	/* unknown commands are skipped, as edk2 does */
}

int loader_run(const uint8_t *script, size_t len, struct loader_blob *blobs,
	       unsigned int nr_blobs, unsigned int *bad_cmd, const char **why)
{
	*bad_cmd = 0;
	if (len % LOADER_ENTRY_SIZE) {
		*why = "script not a whole number of 128-byte commands";
		return -EINVAL;
	}
	for (unsigned int i = 0; i < nr_blobs; i++)
		blobs[i].allocated = 0;
	for (size_t at = 0; at < len; at += LOADER_ENTRY_SIZE) {
		*why = run_one(script + at, blobs, nr_blobs);
		if (*why) {
			*bad_cmd = at / LOADER_ENTRY_SIZE;
			return -EINVAL;
		}
	}
	return 0;
}
