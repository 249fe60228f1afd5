// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for fw_cfg (hw/fw_cfg.c), driven as a hostile guest
 * drives it through fw_cfg_mmio(): raw accesses of any width at any of
 * its 0x18 bytes, selections, data-register reads, and DMA requests whose
 * descriptor and buffers the guest places anywhere: inside guest RAM, at
 * its edges, overlapping each other, outside it. Guest RAM is a heap
 * allocation of exactly its size, made per input, and every item is one
 * too (set up as arm64/firmware.c does: the kernel, its size, the command
 * line under fixed keys; the ACPI files, one of them writable), so ASan
 * sees any byte touched outside them. The input is a program of at most
 * MAX_STEPS steps. The fuzzer keeps its own reference of the selection,
 * the item offset, guest RAM and the writable file, and checks:
 *   - a DMA request whose descriptor is in RAM always ends with its
 *     control word 0 or ERROR (edk2 spins until it is), the one the
 *     reference expects; one whose descriptor is not changes nothing;
 *   - DMA changes guest RAM only in the buffer of a successful read and
 *     the descriptor's control word: the whole of RAM is compared with
 *     the reference after every step;
 *   - DMA never writes into a read-only item or past a writable file's
 *     end: read-only items keep their bytes, the writable file is exactly
 *     what the guest's accepted writes made it, and written() names it
 *     once per accepted non-empty write and never otherwise;
 *   - data-register reads give the selected item's bytes from the
 *     offset, zeros past its end, and advance the offset by the width;
 *     the DMA register reads "QEMU CFG"; everything else reads 0;
 *   - the device's selection and offset are the reference's.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "hw/fw_cfg.h"

#define MAX_STEPS	128
#define RAM_GPA		0x40000000ull
#define RAM_SIZE	0x4000
#define WINDOW		0x18		/* FW_CFG_SIZE in machine/memmap.h */
#define WP_NAME		"etc/hardware_errors_addr"

#define DMA_ERROR	(1u << 0)
#define DMA_READ	(1u << 1)
#define DMA_SKIP	(1u << 2)
#define DMA_SELECT	(1u << 3)
#define DMA_WRITE	(1u << 4)

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* The items, as the guest must see them. */
struct item {
	uint8_t *data;		/* what the device was given */
	uint8_t *want;		/* what it must hold */
	uint32_t size;
	bool writable;
};

#define NR_ITEMS	(FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES)

static struct {
	uint8_t *ram;		/* the device's guest RAM */
	uint8_t want_ram[RAM_SIZE];
	struct item items[NR_ITEMS];
	uint16_t sel;
	uint32_t off;
	uint32_t dma_high;	/* the DMA address's latched high half */
	unsigned int written, want_written;
} S;

static bool in_ram(uint64_t gpa, uint64_t len)
{
	return gpa >= RAM_GPA && len <= RAM_SIZE && gpa - RAM_GPA <= RAM_SIZE - len;
}

/* The VM's guest_ram_contains()/guest_ram_host(), over the heap block. */
static uint8_t *ram_fn(void *opaque, uint64_t gpa, uint64_t len)
{
	(void)opaque;
	return in_ram(gpa, len) ? S.ram + (gpa - RAM_GPA) : NULL;
}

static void written_fn(void *opaque, const char *name)
{
	(void)opaque;
	check(!strcmp(name, WP_NAME));
	S.written++;
}

static uint8_t pick(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

static uint32_t pick32(const uint8_t **p, const uint8_t *end)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v = v << 8 | pick(p, end);
	return v;
}

/* An item of @size heap bytes, filled with a pattern of its own. */
static uint8_t *new_item(uint16_t key, uint32_t size, bool writable)
{
	struct item *it = &S.items[key];

	it->data = malloc(size ? size : 1);
	it->want = malloc(size ? size : 1);
	check(it->data && it->want);
	for (uint32_t i = 0; i < size; i++)
		it->data[i] = it->want[i] = i * 13 + key;
	it->size = size;
	it->writable = writable;
	return it->data;
}

static void setup(struct fw_cfg *cfg)
{
	static const struct { const char *name; uint32_t size; bool rw; } files[] = {
		{ "etc/acpi/tables", 700, false },
		{ "etc/acpi/rsdp", 36, false },
		{ "etc/hardware_errors", 200, false },
		{ WP_NAME, 8, true },
		{ "etc/table-loader", 128, false },
	};
	uint32_t key;

	fw_cfg_init(cfg, ram_fn, written_fn, NULL);
	/* What fw_cfg_init() gives: the signature and the feature bits. */
	S.items[FW_CFG_SIGNATURE] = (struct item){ cfg->signature, NULL, 4, false };
	S.items[FW_CFG_ID] = (struct item){ cfg->id, NULL, 4, false };
	fw_cfg_set(cfg, FW_CFG_KERNEL_DATA, new_item(FW_CFG_KERNEL_DATA, 3000, false), 3000);
	fw_cfg_set(cfg, FW_CFG_KERNEL_SIZE, new_item(FW_CFG_KERNEL_SIZE, 4, false), 4);
	fw_cfg_set_u32(cfg, FW_CFG_KERNEL_SIZE, S.items[FW_CFG_KERNEL_SIZE].data, 3000);
	memcpy(S.items[FW_CFG_KERNEL_SIZE].want, S.items[FW_CFG_KERNEL_SIZE].data, 4);
	fw_cfg_set(cfg, FW_CFG_CMDLINE_DATA, new_item(FW_CFG_CMDLINE_DATA, 30, false), 30);
	for (unsigned int i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		key = FW_CFG_FILE_FIRST + i;
		check(fw_cfg_add_file(cfg, files[i].name, new_item(key, files[i].size, files[i].rw),
				      files[i].size, files[i].rw) == (int)key);
	}
	/* The directory, as the device built it (its layout is checked by
	 * the unit tests; here it is one more read-only item). */
	S.items[FW_CFG_FILE_DIR] = (struct item){ cfg->dir, NULL, 4 + 64 * 5, false };
}

static void teardown(struct fw_cfg *cfg)
{
	fw_cfg_destroy(cfg);
	for (unsigned int k = 0; k < NR_ITEMS; k++) {
		if (S.items[k].want) {
			free(S.items[k].data);
			free(S.items[k].want);
		}
	}
}

static const struct item *ref_item(void)
{
	return S.sel < NR_ITEMS ? &S.items[S.sel] : NULL;
}

static void ref_advance(uint32_t len)
{
	S.off = len > UINT32_MAX - S.off ? UINT32_MAX : S.off + len;
}

/* The reference's read of @len item bytes into @out. */
static void ref_read(uint8_t *out, uint32_t len)
{
	const struct item *it = ref_item();

	for (uint32_t i = 0; i < len; i++) {
		uint64_t at = (uint64_t)S.off + i;

		out[i] = it && it->data && at < it->size ?
			 (it->want ? it->want[at] : it->data[at]) : 0;
	}
	ref_advance(len);
}

static uint32_t ref_transfer(uint32_t control, uint32_t len, uint64_t addr)
{
	const struct item *it;

	if (control & DMA_SELECT) {
		S.sel = control >> 16;
		S.off = 0;
	}
	it = ref_item();
	if (len && (control & (DMA_READ | DMA_WRITE)) && !in_ram(addr, len))
		return DMA_ERROR;
	if (control & DMA_READ) {
		if (len)
			ref_read(S.want_ram + (addr - RAM_GPA), len);
	} else if (control & DMA_WRITE) {
		if (!it || !it->writable || S.off > it->size || len > it->size - S.off)
			return DMA_ERROR;
		if (len) {
			memcpy(it->want + S.off, S.want_ram + (addr - RAM_GPA), len);
			S.off += len;
			S.want_written++;
		}
	} else if (control & DMA_SKIP) {
		ref_advance(len);
	}
	return 0;
}

static void ref_dma(uint64_t gpa)
{
	uint8_t *desc;
	uint64_t addr;
	uint32_t result;

	if (!in_ram(gpa, 16))
		return;
	desc = S.want_ram + (gpa - RAM_GPA);
	addr = (uint64_t)get_be32(desc + 8) << 32 | get_be32(desc + 12);
	result = ref_transfer(get_be32(desc), get_be32(desc + 4), addr);
	put_be32(desc, result);
}

static void check_state(const struct fw_cfg *cfg)
{
	check(cfg->selected == S.sel && cfg->offset == S.off);
	check(memcmp(S.ram, S.want_ram, RAM_SIZE) == 0);
	for (unsigned int k = 0; k < NR_ITEMS; k++) {
		const struct item *it = &S.items[k];

		if (it->want)
			check(memcmp(it->data, it->want, it->size) == 0);
	}
	check(S.written == S.want_written);
}

static void guest_access(struct fw_cfg *cfg, uint64_t offset, uint32_t len,
			 bool is_write, const uint8_t *val)
{
	static const uint8_t magic[8] = "QEMU CFG";
	uint8_t data[8], want[8] = { 0 };
	uint64_t gpa = 0;
	bool run = false;

	memcpy(data, val, 8);
	if (is_write) {
		if (offset == 8 && len == 2) {
			S.sel = val[0] << 8 | val[1];
			S.off = 0;
		} else if (offset == 16 && len == 8) {
			gpa = (uint64_t)get_be32(val) << 32 | get_be32(val + 4);
			run = true;
		} else if (offset == 16 && len == 4) {
			S.dma_high = get_be32(val);
		} else if (offset == 20 && len == 4) {
			gpa = (uint64_t)S.dma_high << 32 | get_be32(val);
			run = true;
		}
		if (run)
			ref_dma(gpa);
		fw_cfg_mmio(cfg, offset, data, len, true);
		check(memcmp(data, val, 8) == 0);
		/* edk2 polls the control word until it is 0 or ERROR. */
		if (run && in_ram(gpa, 16)) {
			uint32_t control = get_be32(S.ram + (gpa - RAM_GPA));

			check(control == 0 || control == DMA_ERROR);
		}
		return;
	}
	if (offset == 0)
		ref_read(want, len);
	else if (offset >= 16 && offset + len <= 24)
		memcpy(want, magic + (offset - 16), len);
	fw_cfg_mmio(cfg, offset, data, len, false);
	check(memcmp(data, want, len) == 0);
}

static const uint16_t keys[] = {
	FW_CFG_SIGNATURE, FW_CFG_ID, FW_CFG_KERNEL_SIZE, FW_CFG_KERNEL_DATA,
	FW_CFG_INITRD_DATA, FW_CFG_CMDLINE_DATA, FW_CFG_FILE_DIR,
	0x20, 0x21, 0x22, 0x23, 0x23, 0x23, 0x24, 0x25, 0x2f, 0x30, 0xffff,
};

/* A guest-physical address: in RAM mostly, at its edges, or outside. */
static uint64_t pick_gpa(const uint8_t **p, const uint8_t *end)
{
	uint16_t x = pick(p, end) << 8 | pick(p, end);

	switch (x >> 14) {
	case 0:
	case 1:
		return RAM_GPA + x % RAM_SIZE;
	case 2:
		return RAM_GPA + RAM_SIZE - (x & 0x3f);		/* the end */
	default:
		switch (x & 3) {
		case 0: return RAM_GPA - (x >> 2 & 0x3f);	/* below it */
		case 1: return 0;
		case 2: return UINT64_MAX - (x >> 2 & 0x3f);	/* wraps */
		default: return (uint64_t)x << 32 | RAM_GPA;
		}
	}
}

static uint32_t pick_len(const uint8_t **p, const uint8_t *end)
{
	uint8_t b = pick(p, end);

	switch (b >> 6) {
	case 0: return b;				/* 0-63 */
	case 1: return (b & 0x3f) << 6;			/* up to 4 KiB */
	case 2: return RAM_SIZE - (b & 0x1f) + (b & 0x20 ? 64 : 0);
	default: return UINT32_MAX - (b & 0x3f);
	}
}

/* The guest writes @n bytes of RAM (a descriptor, data to send). */
static void guest_store(uint64_t gpa, const uint8_t *bytes, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (in_ram(gpa + i, 1)) {
			S.ram[gpa + i - RAM_GPA] = bytes[i];
			S.want_ram[gpa + i - RAM_GPA] = bytes[i];
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct fw_cfg cfg;

	memset(&S, 0, sizeof(S));
	S.ram = malloc(RAM_SIZE);	/* exactly guest RAM, for ASan */
	check(S.ram);
	memset(S.ram, 0, RAM_SIZE);
	setup(&cfg);
	check_state(&cfg);

	for (int step = 0; step < MAX_STEPS && p < end; step++) {
		uint8_t op = pick(&p, end), val[8], desc[16];
		uint32_t len = 1u << (op >> 4 & 3), control;
		uint64_t offset, gpa;
		unsigned int n;

		switch (op & 7) {
		case 0:
		case 1:
			offset = pick(&p, end) % WINDOW;
			if (offset + len > WINDOW)
				len = 1;
			for (int i = 0; i < 8; i++)
				val[i] = pick(&p, end);
			guest_access(&cfg, offset, len, op & 0x40, val);
			break;
		case 2: {
			uint16_t key = keys[pick(&p, end) % (sizeof(keys) / sizeof(keys[0]))];

			val[0] = key >> 8;
			val[1] = key;
			guest_access(&cfg, 8, 2, true, val);
			break;
		}
		case 3:
			/* QemuFwCfgReadBytes' loop over the data register. */
			n = pick(&p, end) % 64 + 1;
			for (unsigned int i = 0; i < n; i++) {
				memset(val, 0xa5, sizeof(val));
				guest_access(&cfg, 0, len, false, val);
			}
			break;
		case 4:
		case 5:
			/* A DMA request: the descriptor in RAM, then the doorbell. */
			gpa = pick_gpa(&p, end);
			control = (uint32_t)keys[pick(&p, end) % (sizeof(keys) / sizeof(keys[0]))] << 16 |
				  pick(&p, end);
			put_be32(desc, control);
			put_be32(desc + 4, pick_len(&p, end));
			{
				uint64_t addr = pick_gpa(&p, end);

				put_be32(desc + 8, addr >> 32);
				put_be32(desc + 12, addr);
			}
			guest_store(gpa, desc, 16);
			put_be32(val, gpa >> 32);
			put_be32(val + 4, gpa);
			if (op & 0x40) {
				guest_access(&cfg, 16, 8, true, val);
			} else {
				uint8_t lo[8] = { val[4], val[5], val[6], val[7] };

				guest_access(&cfg, 16, 4, true, val);
				guest_access(&cfg, 20, 4, true, lo);
			}
			break;
		case 6:
			/* The guest prepares a buffer: bytes for a DMA write. */
			gpa = pick_gpa(&p, end);
			n = pick(&p, end) % 16;
			for (unsigned int i = 0; i < n; i++)
				desc[i] = pick(&p, end);
			guest_store(gpa, desc, n);
			break;
		default:
			/* A doorbell with any address at all. */
			put_be32(val, pick32(&p, end));
			put_be32(val + 4, pick32(&p, end));
			guest_access(&cfg, 16, 8, true, val);
			break;
		}
		check_state(&cfg);
	}
	teardown(&cfg);
	free(S.ram);
	return 0;
}
