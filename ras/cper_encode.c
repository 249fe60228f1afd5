// SPDX-License-Identifier: GPL-2.0
/*
 * CPER encoder: a struct cper_record becomes a Generic Error Status Block.
 * Offsets are the spec's tables (see ras/README.md); every field is written
 * explicitly, reserved bytes are zero.
 */
#include <string.h>

#include "ras/cper.h"
#include "core/le.h"

/* EFI GUIDs: the first three fields little-endian, the rest as written. */
#define CPER_GUID(a, b, c, d0, d1, d2, d3, d4, d5, d6, d7) { {		\
	(a) & 0xff, ((a) >> 8) & 0xff, ((a) >> 16) & 0xff, ((a) >> 24) & 0xff,	\
	(b) & 0xff, ((b) >> 8) & 0xff, (c) & 0xff, ((c) >> 8) & 0xff,	\
	d0, d1, d2, d3, d4, d5, d6, d7 } }

const struct cper_guid cper_sec_platform_mem =
	CPER_GUID(0xA5BC1114, 0x6F64, 0x4EDE,
		  0xB8, 0x63, 0x3E, 0x83, 0xED, 0x7C, 0x83, 0xB1);
const struct cper_guid cper_sec_proc_arm =
	CPER_GUID(0xE19E3D16, 0xBC11, 0x11E4,
		  0x9C, 0xAA, 0xC2, 0x05, 0x1D, 0x5D, 0x46, 0xB0);

static unsigned int severity_rank(enum cper_severity sev)
{
	static const unsigned int rank[] = {
		[CPER_SEV_FATAL] = 3, [CPER_SEV_RECOVERABLE] = 2,
		[CPER_SEV_CORRECTED] = 1, [CPER_SEV_INFO] = 0,
	};
	return rank[sev];
}

enum cper_severity cper_record_severity(const struct cper_record *rec)
{
	enum cper_severity worst = CPER_SEV_INFO;

	for (unsigned int i = 0; i < rec->nr_sections; i++)
		if (severity_rank(rec->sections[i].severity) > severity_rank(worst))
			worst = rec->sections[i].severity;
	return worst;
}

static size_t arm_section_size(const struct cper_arm_error *arm)
{
	size_t size = CPER_ARM_SECTION_HEADER_SIZE +
		      arm->nr_err_info * CPER_ARM_ERR_INFO_SIZE;

	if (arm->ctx_size)
		size += CPER_ARM_CTX_HEADER_SIZE + arm->ctx_size;
	return size;
}

static size_t section_size(const struct cper_section *sec)
{
	if (sec->kind == CPER_SECTION_MEMORY)
		return CPER_MEM_SECTION_SIZE;
	return arm_section_size(&sec->arm);
}

bool cper_record_valid(const struct cper_record *rec)
{
	if (!rec->nr_sections || rec->nr_sections > CPER_MAX_SECTIONS)
		return false;
	for (unsigned int i = 0; i < rec->nr_sections; i++) {
		const struct cper_section *sec = &rec->sections[i];

		if (sec->severity > CPER_SEV_INFO)
			return false;
		if (sec->kind == CPER_SECTION_ARM &&
		    (!sec->arm.nr_err_info ||
		     sec->arm.nr_err_info > CPER_ARM_MAX_ERR_INFO ||
		     sec->arm.ctx_type > CPER_ARM_CTX_TYPE_MAX ||
		     (sec->arm.ctx_size && !sec->arm.ctx_regs)))
			return false;
	}
	return true;
}

size_t cper_encoded_size(const struct cper_record *rec)
{
	size_t size = CPER_BLOCK_HEADER_SIZE;

	for (unsigned int i = 0; i < rec->nr_sections; i++)
		size += CPER_ENTRY_HEADER_SIZE + section_size(&rec->sections[i]);
	return size;
}

static uint8_t bcd(unsigned int v)
{
	return (v / 10) << 4 | (v % 10);
}

static void put_timestamp(uint8_t *p, const struct cper_timestamp *ts)
{
	p[0] = bcd(ts->sec);
	p[1] = bcd(ts->min);
	p[2] = bcd(ts->hour);
	p[3] = ts->precise;
	p[4] = bcd(ts->day);
	p[5] = bcd(ts->month);
	p[6] = bcd(ts->year);
	p[7] = bcd(ts->century);
}

static void put_mem_section(uint8_t *p, const struct cper_mem_error *mem)
{
	put_le64(p + 0, mem->valid);
	put_le64(p + 8, mem->error_status);
	put_le64(p + 16, mem->pa);
	put_le64(p + 24, mem->pa_mask);
	put_le16(p + 32, mem->node);
	put_le16(p + 34, mem->card);
	put_le16(p + 36, mem->module);
	put_le16(p + 38, mem->bank);
	put_le16(p + 40, mem->device);
	put_le16(p + 42, mem->row);
	put_le16(p + 44, mem->column);
	put_le16(p + 46, mem->bit_pos);
	/* requestor, responder and target ids (48-71) stay zero */
	p[72] = mem->type;
	/* extended row, rank, card and module handles (73-79) stay zero */
}

static void put_arm_section(uint8_t *p, const struct cper_arm_error *arm)
{
	uint8_t *info = p + CPER_ARM_SECTION_HEADER_SIZE;

	put_le32(p + 0, arm->valid);
	put_le16(p + 4, arm->nr_err_info);
	put_le16(p + 6, arm->ctx_size ? 1 : 0);
	put_le32(p + 8, arm_section_size(arm));
	p[12] = arm->affinity_level;
	put_le64(p + 16, arm->mpidr);
	put_le64(p + 24, arm->midr);
	put_le32(p + 32, arm->running_state);
	put_le32(p + 36, arm->psci_state);
	for (unsigned int i = 0; i < arm->nr_err_info; i++) {
		const struct cper_arm_err_info *e = &arm->err_info[i];

		info[0] = 0;			/* version */
		info[1] = CPER_ARM_ERR_INFO_SIZE;
		put_le16(info + 2, e->valid);
		info[4] = e->type;
		put_le16(info + 5, e->multiple);
		info[7] = e->flags;
		put_le64(info + 8, e->info);
		put_le64(info + 16, e->va);
		put_le64(info + 24, e->pa);
		info += CPER_ARM_ERR_INFO_SIZE;
	}
	if (arm->ctx_size) {
		put_le16(info + 0, 0);		/* version */
		put_le16(info + 2, arm->ctx_type);
		put_le32(info + 4, arm->ctx_size);
		memcpy(info + CPER_ARM_CTX_HEADER_SIZE, arm->ctx_regs,
		       arm->ctx_size);
	}
}

static uint32_t block_status(const struct cper_record *rec)
{
	unsigned int ue = 0, ce = 0;
	uint32_t status;

	for (unsigned int i = 0; i < rec->nr_sections; i++) {
		enum cper_severity sev = rec->sections[i].severity;

		ue += sev == CPER_SEV_RECOVERABLE || sev == CPER_SEV_FATAL;
		ce += sev == CPER_SEV_CORRECTED;
	}
	status = rec->nr_sections << CPER_BLOCK_ENTRY_COUNT_SHIFT;
	if (ue)
		status |= CPER_BLOCK_UE_VALID;
	if (ce)
		status |= CPER_BLOCK_CE_VALID;
	if (ue > 1 || rec->lost_uncorrectable)
		status |= CPER_BLOCK_MULTIPLE_UE;
	if (ce > 1 || rec->lost_corrected)
		status |= CPER_BLOCK_MULTIPLE_CE;
	/* Informational entries only: still non-zero, so the block reads full. */
	if (!(status & (CPER_BLOCK_UE_VALID | CPER_BLOCK_CE_VALID)))
		status |= CPER_BLOCK_CE_VALID;
	return status;
}

size_t cper_encode(const struct cper_record *rec, uint8_t *buf, size_t len)
{
	size_t size, off = CPER_BLOCK_HEADER_SIZE;

	if (!cper_record_valid(rec))
		return 0;
	size = cper_encoded_size(rec);
	if (size > len)
		return 0;
	memset(buf, 0, size);
	for (unsigned int i = 0; i < rec->nr_sections; i++) {
		const struct cper_section *sec = &rec->sections[i];
		uint8_t *entry = buf + off;
		size_t payload = section_size(sec);

		memcpy(entry, sec->kind == CPER_SECTION_MEMORY ?
			      cper_sec_platform_mem.b : cper_sec_proc_arm.b, 16);
		put_le32(entry + 16, sec->severity);
		put_le16(entry + 20, CPER_ENTRY_REVISION);
		entry[22] = rec->has_timestamp ? CPER_ENTRY_VALID_TIMESTAMP : 0;
		entry[23] = sec->flags;
		put_le32(entry + 24, payload);
		/* FRU id (28-43) and text (44-63) stay zero */
		if (rec->has_timestamp)
			put_timestamp(entry + 64, &rec->timestamp);
		if (sec->kind == CPER_SECTION_MEMORY)
			put_mem_section(entry + CPER_ENTRY_HEADER_SIZE, &sec->mem);
		else
			put_arm_section(entry + CPER_ENTRY_HEADER_SIZE, &sec->arm);
		off += CPER_ENTRY_HEADER_SIZE + payload;
	}
	put_le32(buf + 4, 0);			/* raw data offset */
	put_le32(buf + 8, 0);			/* raw data length */
	put_le32(buf + 12, size - CPER_BLOCK_HEADER_SIZE);
	put_le32(buf + 16, cper_record_severity(rec));
	put_le32(buf + 0, block_status(rec));
	return size;
}
