/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_IMAGE_H
#define LKVM_ARM64_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Documentation/arch/arm64/booting.rst, "Call the kernel image". */
#define ARM64_IMAGE_HEADER_SIZE 64
#define ARM64_IMAGE_MAGIC_OFFSET 56
#define ARM64_IMAGE_MAGIC 0x644d5241u		/* "ARM\x64" */
#define ARM64_IMAGE_FLAG_BE (1u << 0)
/* Pre-3.17 kernels leave image_size 0 and expect this text_offset. */
#define ARM64_IMAGE_LEGACY_TEXT_OFFSET 0x80000u
/* kvmtool and kvm-unit-tests: a binary without the magic runs from here. */
#define FLAT_LOAD_OFFSET 0x80000u

enum kernel_format {
	KERNEL_FORMAT_IMAGE,
	KERNEL_FORMAT_IMAGE_GZIP,
	KERNEL_FORMAT_FLAT,
};

struct arm64_image_header {
	uint64_t text_offset;
	uint64_t image_size;	/* footprint in memory, BSS included */
	uint64_t flags;
};

/*
 * Parse the 64-byte header. Returns 0; -ENODATA if @len is too short;
 * -ENOEXEC if the magic is missing; -EINVAL for a header lkvm cannot boot,
 * with @why set.
 */
int arm64_image_parse_header(const void *buf, size_t len,
			     struct arm64_image_header *hdr, const char **why);

/*
 * Say what the first @len bytes of a kernel file are. Returns 0, or
 * -ENOEXEC with @why naming what the file is instead (ELF, cpio, ...).
 */
int kernel_identify(const void *head, size_t len, enum kernel_format *fmt,
		    const char **why);

struct kernel_load {
	enum kernel_format format;
	uint64_t offset;	/* from the start of RAM */
	uint64_t file_size;	/* bytes written to RAM */
	uint64_t mem_size;	/* bytes the kernel may use from @offset */
};

/*
 * Load the kernel in @fd into @ram, using at most the first @limit bytes.
 * Returns 0, or a negative errno with a one-line reason in @err.
 */
int kernel_load(int fd, void *ram, uint64_t limit, struct kernel_load *out,
		char *err, size_t err_len);

/*
 * The whole kernel file in a new buffer (the caller frees it), gunzipped
 * if it is gzip: for UEFI firmware, which places the kernel itself. More
 * than @limit bytes, read or inflated, is refused (-EFBIG) as soon as it
 * shows, so a small gzip file that inflates to terabytes costs at most
 * @limit of memory. Returns 0, or a negative errno with a one-line reason
 * in @err.
 */
int kernel_read_all(int fd, uint64_t limit, uint8_t **out, uint64_t *size,
		    char *err, size_t err_len);

#endif
