// SPDX-License-Identifier: GPL-2.0
/*
 * CPER validator: the checks Linux applies to a block it reads from a GHES
 * source (drivers/acpi/apei/ghes.c __ghes_peek_estatus/__ghes_check_estatus,
 * drivers/firmware/efi/cper.c cper_estatus_check_header/cper_estatus_check),
 * then those of its memory and ARM section printers (cper.c, cper-arm.c).
 * The quoted phrases are Linux's own, so a user can match guest logs.
 */
#include <string.h>

#include "ras/cper.h"
#include "core/le.h"

#define GHES_MAX_BLOCK_LENGTH 65536	/* Linux clamps larger blocks */

size_t cper_block_length(const uint8_t *buf)
{
	uint64_t raw_off = get_le32(buf + 4), raw_len = get_le32(buf + 8);

	if (raw_len)
		return raw_off + raw_len;
	return CPER_BLOCK_HEADER_SIZE + (uint64_t)get_le32(buf + 12);
}

static const char *check_mem_section(const uint8_t *sec, uint32_t len)
{
	uint64_t valid;

	if (len < CPER_MEM_SECTION_SIZE_OLD)
		return "memory error section: error section length is too small";
	valid = get_le64(sec);
	/* The 73-byte UEFI 2.1 layout ends before the rank number (bit 15). */
	if (len == CPER_MEM_SECTION_SIZE_OLD && valid >> 15)
		return "memory error section: valid bits set for fields beyond structure";
	return NULL;
}

static const char *check_arm_section(const uint8_t *sec, uint32_t len)
{
	uint32_t section_length, info_num, ctx_num, off;

	if (len < CPER_ARM_SECTION_HEADER_SIZE)
		return "ARM processor section: arm error length is too small (firmware-generated error record is incorrect)";
	info_num = get_le16(sec + 4);
	ctx_num = get_le16(sec + 6);
	section_length = get_le32(sec + 8);
	if (!info_num)
		return "ARM processor section: ERR_INFO_NUM is 0";
	if (section_length < CPER_ARM_SECTION_HEADER_SIZE + info_num * CPER_ARM_ERR_INFO_SIZE)
		return "ARM processor section: section length is too small for ERR_INFO_NUM (firmware-generated error record is incorrect)";
	if (section_length > len)
		return "ARM processor section: section length exceeds the entry's error data length";
	off = CPER_ARM_SECTION_HEADER_SIZE + info_num * CPER_ARM_ERR_INFO_SIZE;
	for (uint32_t i = 0; i < ctx_num; i++) {
		uint32_t size;

		if (section_length - off < CPER_ARM_CTX_HEADER_SIZE)
			return "ARM processor section: context info: section length is too small";
		size = get_le32(sec + off + 4);
		if (get_le16(sec + off + 2) > CPER_ARM_CTX_TYPE_MAX)
			return "ARM processor section: context info: Invalid context type";
		if (size > section_length - off - CPER_ARM_CTX_HEADER_SIZE)
			return "ARM processor section: context info: section length is too small";
		off += CPER_ARM_CTX_HEADER_SIZE + size;
	}
	return NULL;
}

static const char *check_section(const uint8_t *entry, size_t header_size)
{
	uint32_t len = get_le32(entry + 24);

	if (!memcmp(entry, cper_sec_platform_mem.b, 16))
		return check_mem_section(entry + header_size, len);
	if (!memcmp(entry, cper_sec_proc_arm.b, 16))
		return check_arm_section(entry + header_size, len);
	return NULL;	/* other sections are logged raw, never refused */
}

/* Linux's cper_estatus_check(): entries must tile data_length exactly. */
static const char *check_entries(const uint8_t *buf)
{
	uint32_t remaining = get_le32(buf + 12);
	const uint8_t *entry = buf + CPER_BLOCK_HEADER_SIZE;

	while (remaining) {
		size_t header_size;
		uint64_t record;
		const char *why;

		if (remaining < CPER_ENTRY_HEADER_SIZE_V2)
			return "Failed to read error status block! (an entry header overruns data_length)";
		header_size = get_le16(entry + 20) >> 8 >= 3 ?
			      CPER_ENTRY_HEADER_SIZE : CPER_ENTRY_HEADER_SIZE_V2;
		if (header_size > remaining)
			return "Failed to read error status block! (an entry header overruns data_length)";
		record = header_size + (uint64_t)get_le32(entry + 24);
		if (record > remaining)
			return "Failed to read error status block! (an entry's error data overruns data_length)";
		why = check_section(entry, header_size);
		if (why)
			return why;
		remaining -= record;
		entry += record;
	}
	return NULL;
}

enum cper_verdict cper_check(const uint8_t *buf, size_t len,
			     size_t block_length, const char **why)
{
	uint32_t data_len, raw_off, raw_len;
	size_t limit = block_length < GHES_MAX_BLOCK_LENGTH ?
		       block_length : GHES_MAX_BLOCK_LENGTH;
	uint64_t elen;

	*why = NULL;
	if (len < CPER_BLOCK_HEADER_SIZE) {
		*why = "Truncated error status block! (shorter than its 20-byte header)";
		return CPER_INVALID;
	}
	if (!get_le32(buf))
		return CPER_EMPTY;
	raw_off = get_le32(buf + 4);
	raw_len = get_le32(buf + 8);
	data_len = get_le32(buf + 12);
	elen = cper_block_length(buf);
	if (elen < CPER_BLOCK_HEADER_SIZE)
		*why = "Truncated error status block! (raw data ends inside the header)";
	else if (elen > limit)
		*why = "Invalid error status block length! (longer than the source's error block length)";
	else if (data_len && data_len < CPER_ENTRY_HEADER_SIZE_V2)
		*why = "Invalid CPER header! (data_length is shorter than one entry header)";
	else if (raw_len && raw_off < CPER_BLOCK_HEADER_SIZE + (uint64_t)data_len)
		*why = "Invalid CPER header! (raw data overlaps the data entries)";
	else if (elen > len)
		*why = "Truncated error status block! (its length runs past the bytes given)";
	else
		*why = check_entries(buf);
	return *why ? CPER_INVALID : CPER_OK;
}
