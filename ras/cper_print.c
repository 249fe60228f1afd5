// SPDX-License-Identifier: GPL-2.0
/*
 * A readable dump of a Generic Error Status Block, for `lkvm ras --decode`
 * and `lkvm ras --status`. Names follow UEFI appendix N and Linux's log, so
 * the output can be held against what a guest printed.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ras/cper.h"
#include "core/le.h"

const char *cper_severity_name(uint32_t severity)
{
	static const char *const names[] = {
		[CPER_SEV_RECOVERABLE] = "recoverable",
		[CPER_SEV_FATAL] = "fatal",
		[CPER_SEV_CORRECTED] = "corrected",
		[CPER_SEV_INFO] = "info",
	};
	return severity <= CPER_SEV_INFO ? names[severity] : "unknown";
}

static const char *mem_type_name(uint8_t type)
{
	static const char *const names[] = {
		"unknown", "no error", "single-bit ECC", "multi-bit ECC",
		"single-symbol chipkill ECC", "multi-symbol chipkill ECC",
		"master abort", "target abort", "parity error", "watchdog timeout",
		"invalid address", "mirror Broken", "memory sparing",
		"scrub corrected error", "scrub uncorrected error",
		"physical memory map-out event",
	};
	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "reserved";
}

static unsigned int from_bcd(uint8_t v)
{
	return (v >> 4) * 10 + (v & 0xf);
}

static void print_timestamp(FILE *out, const uint8_t *t)
{
	fprintf(out, "  timestamp: %02u%02u-%02u-%02u %02u:%02u:%02u (%s)\n",
		from_bcd(t[7]), from_bcd(t[6]), from_bcd(t[5]), from_bcd(t[4]),
		from_bcd(t[2]), from_bcd(t[1]), from_bcd(t[0]),
		t[3] & 1 ? "precise" : "imprecise");
}

static void print_mem(FILE *out, const uint8_t *s, uint32_t len)
{
	static const struct {
		unsigned int bit, off, size;
		const char *name;
	} fields[] = {
		{ 0, 8, 8, "error_status" }, { 1, 16, 8, "physical_address" },
		{ 2, 24, 8, "physical_address_mask" }, { 3, 32, 2, "node" },
		{ 4, 34, 2, "card" }, { 5, 36, 2, "module" }, { 6, 38, 2, "bank" },
		{ 7, 40, 2, "device" }, { 8, 42, 2, "row" }, { 9, 44, 2, "column" },
		{ 10, 46, 2, "bit_position" }, { 11, 48, 8, "requestor_id" },
		{ 12, 56, 8, "responder_id" }, { 13, 64, 8, "target_id" },
		{ 15, 74, 2, "rank" }, { 16, 76, 2, "card_handle" },
		{ 17, 78, 2, "module_handle" },
	};
	uint64_t valid = get_le64(s);

	fprintf(out, "  validation_bits: 0x%016" PRIx64 "\n", valid);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (!(valid >> fields[i].bit & 1) || fields[i].off + fields[i].size > len)
			continue;
		if (fields[i].size == 8)
			fprintf(out, "  %s: 0x%016" PRIx64 "\n", fields[i].name,
				get_le64(s + fields[i].off));
		else
			fprintf(out, "  %s: %u\n", fields[i].name,
				get_le16(s + fields[i].off));
	}
	if (valid & CPER_MEM_VALID_ERROR_TYPE)
		fprintf(out, "  error_type: %u, %s\n", s[72], mem_type_name(s[72]));
}

static void print_arm(FILE *out, const uint8_t *s)
{
	uint32_t valid = get_le32(s);
	unsigned int nr_info = get_le16(s + 4), nr_ctx = get_le16(s + 6);
	const uint8_t *p = s + CPER_ARM_SECTION_HEADER_SIZE;

	fprintf(out, "  validation_bits: 0x%08x\n", valid);
	if (valid & CPER_ARM_VALID_MPIDR)
		fprintf(out, "  MPIDR: 0x%016" PRIx64 "\n", get_le64(s + 16));
	fprintf(out, "  MIDR: 0x%016" PRIx64 "\n", get_le64(s + 24));
	if (valid & CPER_ARM_VALID_AFFINITY)
		fprintf(out, "  error affinity level: %u\n", s[12]);
	if (valid & CPER_ARM_VALID_RUNNING_STATE)
		fprintf(out, "  running state: 0x%x, PSCI state: 0x%x\n",
			get_le32(s + 32), get_le32(s + 36));
	for (unsigned int i = 0; i < nr_info; i++, p += CPER_ARM_ERR_INFO_SIZE) {
		unsigned int v = get_le16(p + 2);

		fprintf(out, "  error info %u: type 0x%x%s%s%s%s\n", i, p[4],
			p[4] & CPER_ARM_TYPE_CACHE ? " cache" : "",
			p[4] & CPER_ARM_TYPE_TLB ? " TLB" : "",
			p[4] & CPER_ARM_TYPE_BUS ? " bus" : "",
			p[4] & CPER_ARM_TYPE_MICROARCH ? " micro-architectural" : "");
		if (v & CPER_ARM_INFO_VALID_MULTIPLE)
			fprintf(out, "    multiple errors: %u\n", get_le16(p + 5) + 1);
		if (v & CPER_ARM_INFO_VALID_FLAGS)
			fprintf(out, "    flags: 0x%02x\n", p[7]);
		if (v & CPER_ARM_INFO_VALID_INFO)
			fprintf(out, "    error information: 0x%016" PRIx64 "\n", get_le64(p + 8));
		if (v & CPER_ARM_INFO_VALID_VA)
			fprintf(out, "    virtual fault address: 0x%016" PRIx64 "\n", get_le64(p + 16));
		if (v & CPER_ARM_INFO_VALID_PA)
			fprintf(out, "    physical fault address: 0x%016" PRIx64 "\n", get_le64(p + 24));
	}
	for (unsigned int i = 0; i < nr_ctx; i++) {
		uint32_t size = get_le32(p + 4);

		fprintf(out, "  context %u: type %u, %u bytes of registers\n", i,
			get_le16(p + 2), size);
		p += CPER_ARM_CTX_HEADER_SIZE + size;
	}
}

static void print_guid(FILE *out, const uint8_t *g)
{
	fprintf(out, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		get_le32(g), get_le16(g + 4), get_le16(g + 6), g[8], g[9],
		g[10], g[11], g[12], g[13], g[14], g[15]);
}

void cper_print(FILE *out, const uint8_t *buf)
{
	uint32_t status = get_le32(buf), remaining = get_le32(buf + 12);
	const uint8_t *entry = buf + CPER_BLOCK_HEADER_SIZE;

	fprintf(out, "block_status: 0x%08x (%s%s%s%s%u entries)\n", status,
		status & CPER_BLOCK_UE_VALID ? "uncorrectable, " : "",
		status & CPER_BLOCK_CE_VALID ? "correctable, " : "",
		status & CPER_BLOCK_MULTIPLE_UE ? "multiple uncorrectable, " : "",
		status & CPER_BLOCK_MULTIPLE_CE ? "multiple correctable, " : "",
		status >> CPER_BLOCK_ENTRY_COUNT_SHIFT & CPER_BLOCK_ENTRY_COUNT_MASK);
	fprintf(out, "event severity: %s\n", cper_severity_name(get_le32(buf + 16)));
	fprintf(out, "data_length: %u, raw data: %u bytes at %u\n", remaining,
		get_le32(buf + 8), get_le32(buf + 4));
	for (unsigned int i = 0; remaining; i++) {
		size_t header = get_le16(entry + 20) >> 8 >= 3 ?
				CPER_ENTRY_HEADER_SIZE : CPER_ENTRY_HEADER_SIZE_V2;
		uint32_t data_len = get_le32(entry + 24);
		const uint8_t *payload = entry + header;

		fprintf(out, "Error %u, type: %s\n", i,
			cper_severity_name(get_le32(entry + 16)));
		fputs("  section_type: ", out);
		if (!memcmp(entry, cper_sec_platform_mem.b, 16))
			fputs("memory error\n", out);
		else if (!memcmp(entry, cper_sec_proc_arm.b, 16))
			fputs("ARM processor error\n", out);
		else {
			print_guid(out, entry);
			fputc('\n', out);
		}
		fprintf(out, "  revision: %u.%u, flags: 0x%02x, error data: %u bytes\n",
			entry[21], entry[20], entry[23], data_len);
		if (header == CPER_ENTRY_HEADER_SIZE &&
		    entry[22] & CPER_ENTRY_VALID_TIMESTAMP)
			print_timestamp(out, entry + 64);
		if (!memcmp(entry, cper_sec_platform_mem.b, 16))
			print_mem(out, payload, data_len);
		else if (!memcmp(entry, cper_sec_proc_arm.b, 16))
			print_arm(out, payload);
		remaining -= header + data_len;
		entry += header + data_len;
	}
}

void cper_print_shared(FILE *out, const char *label, const uint8_t *shared,
		       size_t len)
{
	uint8_t *copy = malloc(len);
	const char *why;

	if (!copy) {
		fprintf(out, "%s: out of memory\n", label);
		return;
	}
	memcpy(copy, shared, len);
	switch (cper_check(copy, len, len, &why)) {
	case CPER_EMPTY:
		break;
	case CPER_INVALID:
		fprintf(out, "%s holds a block Linux would refuse: %s\n", label, why);
		break;
	case CPER_OK:
		fprintf(out, "%s holds:\n", label);
		cper_print(out, copy);
	}
	free(copy);
}
