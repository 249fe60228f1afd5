// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the snapshot readers (snapshot/manifest.c and
 * snapshot/state.c), which read files anyone could have written. The
 * first input byte picks the reader; the rest, copied into an allocation
 * of exactly its size, is the file. Checked:
 *   - the manifest parses or is refused with a one-line reason; parsed,
 *     it has at most SNAP_MAX_FILES files with valid, distinct names,
 *     and written back it is byte for byte the input (the grammar has one
 *     spelling for each manifest);
 *   - the state file's sections lie inside the buffer, one after another,
 *     each within SNAP_SECTION_MAX; a walk that ends cleanly covered the
 *     whole file, and writing the sections again gives a file of the
 *     same length with the same headers and payloads.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot/manifest.h"
#include "snapshot/state.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define PAGE	4096

static void one_line(const char *why)
{
	check(why[0] && !strchr(why, '\n'));
}

static void fuzz_manifest(const uint8_t *data, size_t len)
{
	struct snap_manifest m;
	char why[160], text[SNAP_MANIFEST_MAX];
	int ret = snap_manifest_parse((const char *)data, len, PAGE, &m, why, sizeof(why));

	if (ret) {
		check(ret == -EINVAL || ret == -ENOTSUP);
		one_line(why);
		return;
	}
	check(m.page_size == PAGE && m.nr_files <= SNAP_MAX_FILES);
	for (unsigned int i = 0; i < m.nr_files; i++) {
		check(snap_name_valid(m.files[i].name));
		check(snap_manifest_find(&m, m.files[i].name) == &m.files[i]);
	}
	ret = snap_manifest_format(&m, text, sizeof(text));
	check(ret == (int)len && !memcmp(text, data, len));
}

static void fuzz_state(const uint8_t *data, size_t len)
{
	struct snap_section s;
	struct snap_out out;
	struct snap_in in;
	char why[160];
	size_t end = SNAP_STATE_HEADER;
	int ret = snap_in_init(&in, data, len, why, sizeof(why));

	if (ret) {
		check(ret == -EINVAL || ret == -ENOTSUP);
		one_line(why);
		return;
	}
	snap_out_init(&out);
	while ((ret = snap_in_next(&in, &s, why, sizeof(why))) == 1) {
		check(s.data == data + end + SNAP_SECTION_HEADER);
		check(s.len <= SNAP_SECTION_MAX && s.len <= len - end - SNAP_SECTION_HEADER);
		snap_out_section(&out, s.tag, s.index, s.data, s.len);
		check(!out.err && !memcmp(out.buf + end, data + end, SNAP_SECTION_HEADER + s.len));
		end += SNAP_SECTION_HEADER + ((s.len + 7) & ~7u);
		check(end <= len && out.len == end);
	}
	if (ret == 0) {
		check(end == len && out.err == 0 && out.len == len);
		check(!memcmp(out.buf, data, SNAP_STATE_HEADER));
	} else {
		check(ret == -EINVAL);
		one_line(why);
	}
	snap_out_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *file;

	if (size < 1)
		return 0;
	file = malloc(size - 1 ? size - 1 : 1);
	if (!file)
		return 0;
	memcpy(file, data + 1, size - 1);
	if (data[0] & 1)
		fuzz_state(file, size - 1);
	else
		fuzz_manifest(file, size - 1);
	free(file);
	return 0;
}
