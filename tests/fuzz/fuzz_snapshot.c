// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the snapshot readers (snapshot/manifest.c,
 * snapshot/state.c, the 16550's state), which read files anyone could
 * have written. The first input byte picks the reader; the rest, copied
 * into an allocation of exactly its size, is the input. Checked:
 *   - the manifest parses or is refused with a one-line reason; parsed,
 *     it has at most SNAP_MAX_FILES files with valid, distinct names,
 *     and written back it is byte for byte the input (the grammar has one
 *     spelling for each manifest);
 *   - the state file's sections lie inside the buffer, one after another,
 *     each within SNAP_SECTION_MAX; a walk that ends cleanly covered the
 *     whole file, and writing the sections again gives a file of the
 *     same length with the same headers and payloads;
 *   - a register list's entries lie inside their section, one after
 *     another, each of 1 to SNAP_REG_MAX bytes, and written again they
 *     make a section of the same length;
 *   - the UART takes a state or refuses it unchanged; taken, it saves
 *     what it loaded (the interrupt enables masked to the four it has);
 *     so do firmware mode's PL011, PL031, CFI flash (a 768 KiB array)
 *     and fw_cfg (a kernel, a table and a writable file), byte for byte;
 *   - the recorded command line's words lie inside the section, end with
 *     its NULs and are as many as they are; a machine record decoded is
 *     within its bounds and encodes back to the input;
 *   - a list of poisoned extents is refused in one line with the set
 *     unchanged, or taken: then whole pages of RAM, ascending with gaps,
 *     saved back byte for byte, and still so after each extent is taken
 *     out and added back in halves.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hw/cfi_flash.h"
#include "hw/fw_cfg.h"
#include "hw/pl011.h"
#include "hw/pl031.h"
#include "hw/uart16550.h"
#include "ras/poison.h"
#include "snapshot/manifest.h"
#include "snapshot/records.h"
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

static void fuzz_registers(const uint8_t *data, size_t len)
{
	const struct snap_section s = { .tag = 3, .len = len, .data = data };
	struct snap_out out;
	struct snap_reg r;
	size_t off = 0, begin;
	char why[160];
	int ret;

	if (len > SNAP_SECTION_MAX)
		return;
	snap_out_init(&out);
	begin = snap_out_begin(&out, 3, 0);
	while ((ret = snap_reg_next(&s, &off, &r, why, sizeof(why))) == 1) {
		check(r.size >= 1 && r.size <= SNAP_REG_MAX);
		check(r.value >= data + SNAP_REG_HEADER && r.value + r.size <= data + off);
		check(off <= len);
		snap_out_reg(&out, r.key, r.group, r.value, r.size);
	}
	snap_out_end(&out, begin);
	if (ret == 0) {
		/* Padding is written as zeros: the input's may be anything. */
		check(off == len && !out.err);
		check(out.len == SNAP_STATE_HEADER + SNAP_SECTION_HEADER + len);
	} else {
		check(ret == -EINVAL);
		one_line(why);
	}
	snap_out_free(&out);
}

static void no_transmit(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	(void)buf;
	(void)len;
}

static void no_irq(void *opaque, int level)
{
	(void)opaque;
	(void)level;
}

static void fuzz_uart(const uint8_t *data, size_t len)
{
	static const struct serial_ops ops = { .transmit = no_transmit, .set_irq = no_irq };
	uint8_t before[UART16550_STATE_MAX], after[UART16550_STATE_MAX];
	struct uart16550 uart;
	size_t n = 0, m;

	uart16550_init(&uart, &ops, NULL);
	n = uart16550_state_save(&uart, before);
	if (uart16550_state_load(&uart, data, len)) {
		m = uart16550_state_save(&uart, after);
		check(m == n && !memcmp(before, after, n));
	} else {
		m = uart16550_state_save(&uart, after);
		check(m == len && after[0] == (data[0] & 0x0f) && !memcmp(after + 1, data + 1, 8));
		check(!memcmp(after + 16, data + 16, len - 16));
	}
	uart16550_destroy(&uart);
}

/* A device's state, loaded: refused and unchanged, or saved back the same. */
#define CHECK_STATE_LOAD(loaded, save, dev, data, len, max) do {		\
	uint8_t *before_ = malloc(max), *after_ = malloc(max);			\
	size_t n_ = save(dev, before_);						\
										\
	if (!(loaded)) {							\
		check(save(dev, after_) == n_ && !memcmp(before_, after_, n_));	\
	} else {								\
		check(save(dev, after_) == len && !memcmp(after_, data, len));	\
	}									\
	free(before_);								\
	free(after_);								\
} while (0)

static uint64_t fixed_clock(void)
{
	return 1700000000;
}

static void no_array_mode(void *opaque, bool on)
{
	(void)opaque;
	(void)on;
}

static uint8_t *no_ram(void *opaque, uint64_t gpa, uint64_t len)
{
	(void)opaque, (void)gpa, (void)len;
	return NULL;
}

static void fuzz_board(const uint8_t *data, size_t len, unsigned int which)
{
	static const struct serial_ops ops = { .transmit = no_transmit, .set_irq = no_irq };
	static uint8_t kernel[3000], tables[100], addr[8], size_le[4];
	struct pl011 uart;
	struct pl031 rtc;
	struct cfi_flash flash;
	struct fw_cfg cfg;
	uint8_t *array;
	char why[160] = "";

	switch (which) {
	case 0:
		pl011_init(&uart, &ops, NULL);
		CHECK_STATE_LOAD(!pl011_state_load(&uart, data, len), pl011_state_save, &uart,
				 data, len, PL011_STATE_MAX);
		pl011_destroy(&uart);
		break;
	case 1:
		pl031_init(&rtc, fixed_clock);
		CHECK_STATE_LOAD(!pl031_state_load(&rtc, data, len), pl031_state_save, &rtc,
				 data, len, PL031_STATE_SIZE);
		pl031_destroy(&rtc);
		break;
	case 2:
		array = calloc(1, 3 * CFI_BLOCK_SIZE);
		check(!cfi_flash_init(&flash, array, 3 * CFI_BLOCK_SIZE, no_array_mode, NULL));
		CHECK_STATE_LOAD(!cfi_flash_state_load(&flash, data, len), cfi_flash_state_save,
				 &flash, data, len, cfi_flash_state_size(&flash));
		cfi_flash_destroy(&flash);
		free(array);
		break;
	default:
		fw_cfg_init(&cfg, no_ram, NULL, NULL);
		fw_cfg_set(&cfg, FW_CFG_KERNEL_DATA, kernel, sizeof(kernel));
		fw_cfg_set_u32(&cfg, FW_CFG_KERNEL_SIZE, size_le, sizeof(kernel));
		check(fw_cfg_add_file(&cfg, "etc/acpi/tables", tables, sizeof(tables), false) > 0);
		check(fw_cfg_add_file(&cfg, "etc/hardware_errors_addr", addr, 8, true) > 0);
		CHECK_STATE_LOAD(!fw_cfg_state_load(&cfg, data, len, why, sizeof(why)) ||
				 (one_line(why), false),
				 fw_cfg_state_save, &cfg, data, len, fw_cfg_state_size(&cfg));
		fw_cfg_destroy(&cfg);
	}
}

static void fuzz_records(const uint8_t *data, size_t len, bool machine)
{
	const struct snap_section s = { .tag = 1, .len = len, .data = data };
	const char *words[SNAP_MAX_WORDS];
	uint8_t again[SNAP_MACHINE_SIZE];
	struct snap_machine m;
	char why[160];
	int n;

	if (len > SNAP_SECTION_MAX)
		return;
	if (machine) {
		if (snap_machine_decode(&s, &m, why, sizeof(why))) {
			one_line(why);
			return;
		}
		check(m.nr_cpus >= 1 && m.nr_cpus <= SNAP_MAX_CPUS && m.ram_size <= SNAP_MAX_RAM);
		snap_machine_encode(&m, again);
		check(len == SNAP_MACHINE_SIZE && !memcmp(again, data, len));
		return;
	}
	n = snap_words_decode(&s, words);
	if (n < 0)
		return;
	check(n >= 1 && n <= SNAP_MAX_WORDS);
	for (int i = 0; i < n; i++) {
		size_t at = (const uint8_t *)words[i] - data;

		check(at < len && at + strlen(words[i]) < len);
		check(i == 0 ? at == 0 : words[i - 1] + strlen(words[i - 1]) + 1 == words[i]);
	}
	check((const uint8_t *)words[n - 1] + strlen(words[n - 1]) + 1 == data + len);
}

/* Sorted, disjoint, not touching, whole pages of the RAM at 1 GiB. */
static void canonical(const struct ras_poison *p, uint64_t ram_size)
{
	check(p->nr <= RAS_POISON_MAX);
	for (unsigned int i = 0; i < p->nr; i++) {
		const struct ras_extent *e = &p->e[i];

		check(e->size && e->gpa % PAGE == 0 && e->size % PAGE == 0);
		check(e->gpa >= (1ull << 30) && e->gpa - (1ull << 30) < ram_size &&
		      e->size <= ram_size - (e->gpa - (1ull << 30)));
		check(!i || e->gpa > p->e[i - 1].gpa + p->e[i - 1].size);
	}
}

static void fuzz_poison(const uint8_t *data, size_t len)
{
	const uint64_t ram = 1ull << 30, ram_size = 256ull << 20;
	static struct ras_poison p, before;
	static uint8_t again[RAS_POISON_STATE_MAX];
	char why[160];

	memset(&p, 0, sizeof(p));
	ras_poison_add(&p, ram + PAGE, PAGE);
	before = p;
	if (ras_poison_state_load(&p, data, len, ram, ram_size, PAGE, why, sizeof(why))) {
		one_line(why);
		check(!memcmp(&p, &before, sizeof(p)));
		return;
	}
	canonical(&p, ram_size);
	check(ras_poison_state_size(&p) == len);
	ras_poison_state_save(&p, again);
	check(!memcmp(again, data, len));
	/* Each extent out, then back in two halves: the same set again. */
	for (unsigned int i = 0; i < p.nr; i++) {
		struct ras_extent e = p.e[i];
		uint64_t half = e.size / PAGE / 2 * PAGE;

		ras_poison_remove(&p, e.gpa, e.size);
		canonical(&p, ram_size);
		ras_poison_add(&p, e.gpa + half, e.size - half);
		ras_poison_add(&p, e.gpa, half);
		canonical(&p, ram_size);
	}
	check(!p.overflowed && ras_poison_state_size(&p) == len);
	ras_poison_state_save(&p, again);
	check(!memcmp(again, data, len));
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
	switch (data[0] % 11) {
	case 0:
		fuzz_manifest(file, size - 1);
		break;
	case 1:
		fuzz_state(file, size - 1);
		break;
	case 2:
		fuzz_registers(file, size - 1);
		break;
	case 3:
		fuzz_uart(file, size - 1);
		break;
	case 4:
	case 5:
		fuzz_records(file, size - 1, data[0] % 11 == 5);
		break;
	case 10:
		fuzz_poison(file, size - 1);
		break;
	default:
		fuzz_board(file, size - 1, data[0] % 11 - 6);
	}
	free(file);
	return 0;
}
