/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_CPER_H
#define LKVM_RAS_CPER_H

/*
 * UEFI CPER records as an ACPI Generic Error Status Block holds them
 * (ACPI 6.x 18.3.2.7.1, UEFI 2.x appendix N): a 20-byte block header, then
 * Generic Error Data Entries of revision 0x0300 (72-byte header with a
 * timestamp), each carrying one section. All little-endian and packed;
 * the encoder writes bytes, never structs, so host layout cannot leak in.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Severity codes of the block and of each entry. */
enum cper_severity {
	CPER_SEV_RECOVERABLE = 0,
	CPER_SEV_FATAL = 1,
	CPER_SEV_CORRECTED = 2,
	CPER_SEV_INFO = 3,
};

/* Generic Error Status Block: sizes and block_status bits. */
#define CPER_BLOCK_HEADER_SIZE		20
#define CPER_ENTRY_HEADER_SIZE		72	/* revision 0x0300 */
#define CPER_ENTRY_HEADER_SIZE_V2	64	/* before 0x0300 */
#define CPER_ENTRY_REVISION		0x0300
#define CPER_MEM_SECTION_SIZE		80
#define CPER_MEM_SECTION_SIZE_OLD	73	/* UEFI 2.1/2.2 */
#define CPER_ARM_SECTION_HEADER_SIZE	40
#define CPER_ARM_ERR_INFO_SIZE		32
#define CPER_ARM_CTX_HEADER_SIZE	8

#define CPER_BLOCK_UE_VALID		(1u << 0)
#define CPER_BLOCK_CE_VALID		(1u << 1)
#define CPER_BLOCK_MULTIPLE_UE		(1u << 2)
#define CPER_BLOCK_MULTIPLE_CE		(1u << 3)
#define CPER_BLOCK_ENTRY_COUNT_SHIFT	4
#define CPER_BLOCK_ENTRY_COUNT_MASK	0x3ffu

/* Entry header: validation bits and flags. */
#define CPER_ENTRY_VALID_FRU_ID		(1u << 0)
#define CPER_ENTRY_VALID_FRU_TEXT	(1u << 1)
#define CPER_ENTRY_VALID_TIMESTAMP	(1u << 2)
#define CPER_ENTRY_FLAG_PRIMARY		(1u << 0)

/* Memory error section: validation bits of the fields we encode. */
#define CPER_MEM_VALID_ERROR_STATUS	(1ull << 0)
#define CPER_MEM_VALID_PA		(1ull << 1)
#define CPER_MEM_VALID_PA_MASK		(1ull << 2)
#define CPER_MEM_VALID_NODE		(1ull << 3)
#define CPER_MEM_VALID_CARD		(1ull << 4)
#define CPER_MEM_VALID_MODULE		(1ull << 5)
#define CPER_MEM_VALID_BANK		(1ull << 6)
#define CPER_MEM_VALID_DEVICE		(1ull << 7)
#define CPER_MEM_VALID_ROW		(1ull << 8)
#define CPER_MEM_VALID_COLUMN		(1ull << 9)
#define CPER_MEM_VALID_BIT_POSITION	(1ull << 10)
#define CPER_MEM_VALID_ERROR_TYPE	(1ull << 14)
#define CPER_MEM_VALID_LAST		21	/* bits 22-63 are reserved */

/* Memory error types (UEFI N.2.5) that lkvm reports. */
#define CPER_MEM_TYPE_UNKNOWN		0
#define CPER_MEM_TYPE_MULTI_ECC		3
/* Error Status: [15:8] error type; 26 = read of poisoned data. */
#define CPER_ERROR_STATUS_POISON	(26ull << 8)

/* ARM processor error section and its error information structures. */
#define CPER_ARM_VALID_MPIDR		(1u << 0)
#define CPER_ARM_VALID_AFFINITY		(1u << 1)
#define CPER_ARM_VALID_RUNNING_STATE	(1u << 2)
#define CPER_ARM_INFO_VALID_MULTIPLE	(1u << 0)
#define CPER_ARM_INFO_VALID_FLAGS	(1u << 1)
#define CPER_ARM_INFO_VALID_INFO	(1u << 2)
#define CPER_ARM_INFO_VALID_VA		(1u << 3)
#define CPER_ARM_INFO_VALID_PA		(1u << 4)
/* Error types: a bitmap since UEFI 2.9A/2.10. */
#define CPER_ARM_TYPE_CACHE		(1u << 1)
#define CPER_ARM_TYPE_TLB		(1u << 2)
#define CPER_ARM_TYPE_BUS		(1u << 3)
#define CPER_ARM_TYPE_MICROARCH		(1u << 4)
#define CPER_ARM_FLAG_FIRST		(1u << 0)
#define CPER_ARM_FLAG_LAST		(1u << 1)
#define CPER_ARM_CTX_TYPE_MAX		8

/* A GUID as the spec writes it; stored in EFI byte order on the wire. */
struct cper_guid {
	uint8_t b[16];
};

extern const struct cper_guid cper_sec_platform_mem;
extern const struct cper_guid cper_sec_proc_arm;

/* Wall-clock time of an entry, in binary; the encoder writes BCD. */
struct cper_timestamp {
	uint8_t sec, min, hour, day, month, year, century;
	bool precise;
};

struct cper_mem_error {
	uint64_t valid;			/* CPER_MEM_VALID_* */
	uint64_t error_status;
	uint64_t pa, pa_mask;
	uint16_t node, card, module, bank, device, row, column, bit_pos;
	uint8_t type;			/* CPER_MEM_TYPE_* */
};

struct cper_arm_err_info {
	uint16_t valid;			/* CPER_ARM_INFO_VALID_* */
	uint8_t type;			/* CPER_ARM_TYPE_* */
	uint16_t multiple;
	uint8_t flags;
	uint64_t info;
	uint64_t va, pa;
};

#define CPER_ARM_MAX_ERR_INFO 4

struct cper_arm_error {
	uint32_t valid;			/* CPER_ARM_VALID_* */
	uint8_t affinity_level;
	uint64_t mpidr, midr;
	uint32_t running_state, psci_state;
	unsigned int nr_err_info;	/* 1..CPER_ARM_MAX_ERR_INFO */
	struct cper_arm_err_info err_info[CPER_ARM_MAX_ERR_INFO];
	/* One optional context information structure. */
	uint16_t ctx_type;
	uint32_t ctx_size;		/* bytes of register array; 0: none */
	const uint8_t *ctx_regs;
};

enum cper_section_kind {
	CPER_SECTION_MEMORY,
	CPER_SECTION_ARM,
};

struct cper_section {
	enum cper_section_kind kind;
	enum cper_severity severity;
	uint8_t flags;			/* CPER_ENTRY_FLAG_* */
	union {
		struct cper_mem_error mem;
		struct cper_arm_error arm;
	};
};

/* Sections one record may carry: one memory section per 4 KiB guest page
 * of a 64 KiB host page. */
#define CPER_MAX_SECTIONS 16

struct cper_record {
	unsigned int nr_sections;
	struct cper_section sections[CPER_MAX_SECTIONS];
	bool has_timestamp;
	struct cper_timestamp timestamp;
	/* Errors of these classes were lost before this record. */
	bool lost_uncorrectable, lost_corrected;
};

/* The record's worst severity: fatal, recoverable, corrected, info. */
enum cper_severity cper_record_severity(const struct cper_record *rec);

/* Sections present and well formed: what cper_encode() accepts. */
bool cper_record_valid(const struct cper_record *rec);

/* Bytes cper_encode() will write for @rec. */
size_t cper_encoded_size(const struct cper_record *rec);

/*
 * Write @rec as a Generic Error Status Block into @buf. Returns the bytes
 * written, or 0 if @rec is invalid or does not fit in @len.
 */
size_t cper_encode(const struct cper_record *rec, uint8_t *buf, size_t len);

/* cper_check()'s verdicts. */
enum cper_verdict {
	CPER_OK,
	CPER_EMPTY,		/* block_status 0: nothing to read */
	CPER_INVALID,		/* Linux would refuse it; *why says which check */
};

/*
 * Apply every check Linux applies before accepting a block from a GHES
 * source whose Error Block Length is @block_length (ghes.c, cper.c), then
 * the checks its section handlers and printers make. @len is what the
 * caller has of the block. On CPER_INVALID, *why names the failed check.
 */
enum cper_verdict cper_check(const uint8_t *buf, size_t len,
			     size_t block_length, const char **why);

/* Pretty-print a block cper_check() accepted, one field per line. */
void cper_print(FILE *out, const uint8_t *buf);

/*
 * `lkvm ras --status` for a block of @len bytes in guest memory, named
 * @label ("source 3"): a vCPU may rewrite it meanwhile, so it is copied
 * once and only the copy is checked and printed. Nothing for an empty one.
 */
void cper_print_shared(FILE *out, const char *label, const uint8_t *shared,
		       size_t len);

/* The record's length as its header states it (Linux's cper_estatus_len). */
size_t cper_block_length(const uint8_t *buf);

const char *cper_severity_name(uint32_t severity);

#endif
