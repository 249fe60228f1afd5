/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ACPI_LOADER_H
#define LKVM_ACPI_LOADER_H

/*
 * QEMU's table-loader ("etc/table-loader"), the script with which the
 * firmware downloads fw_cfg files into guest memory and links them: an
 * array of 128-byte little-endian commands naming files in 56 bytes.
 *
 * Writing: loader_allocate() and friends append commands.
 * Running: loader_run() does what edk2's QemuFwCfgAcpi.c does to a set of
 * named blobs at chosen guest addresses, stricter where edk2 is silent
 * (a checksum byte not zero beforehand, a pointer command on a file not
 * yet allocated), so tests and --dump-acpi see the tables a guest gets.
 */
#include <stddef.h>
#include <stdint.h>

#include "acpi/buf.h"

#define LOADER_ENTRY_SIZE	128
#define LOADER_FILE_NAME	56

enum loader_cmd {
	LOADER_ALLOCATE = 1,
	LOADER_ADD_POINTER = 2,
	LOADER_ADD_CHECKSUM = 3,
	LOADER_WRITE_POINTER = 4,
};

enum loader_zone {
	LOADER_ZONE_HIGH = 1,
	LOADER_ZONE_FSEG = 2,
};

void loader_allocate(struct acpi_buf *s, const char *file, uint32_t align,
		     enum loader_zone zone);
/* *(@file + @offset) (@size bytes, holding an offset into @pointee) +=
 * the guest address of @pointee. */
void loader_add_pointer(struct acpi_buf *s, const char *file, const char *pointee,
			uint32_t offset, uint8_t size);
/* The byte at @result = minus the sum of [@start, @start + @len). */
void loader_add_checksum(struct acpi_buf *s, const char *file, uint32_t result,
			 uint32_t start, uint32_t len);
/* Write the guest address of @pointee + @pointee_offset (@size bytes) into
 * the fw_cfg file @file at @offset: how the VMM learns where a blob went. */
void loader_write_pointer(struct acpi_buf *s, const char *file, const char *pointee,
			  uint32_t offset, uint32_t pointee_offset, uint8_t size);

/* A named blob, for loader_run(): its bytes and its guest address. */
struct loader_blob {
	const char *name;
	uint8_t *data;
	size_t size;
	uint64_t gpa;
	int allocated;		/* set by loader_run() */
};

/*
 * Run @script over @blobs: ALLOCATE marks a blob (it must be among them,
 * @gpa aligned as asked), pointers and checksums patch the blobs in place,
 * WRITE_POINTER writes into the blob it names (which is not allocated: it
 * stands for the VMM's writable fw_cfg file). Returns 0, or -EINVAL with
 * the failing command's index in *@bad_cmd and the reason in *@why.
 */
int loader_run(const uint8_t *script, size_t len, struct loader_blob *blobs,
	       unsigned int nr_blobs, unsigned int *bad_cmd, const char **why);

#endif
