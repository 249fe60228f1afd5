// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware mode in a snapshot: the PL011 (the console, instead of the
 * 16550), the PL031, fw_cfg's selection and writable files, and the CFI
 * flash's command state (behind u64 the store's size, u64 1 if it is in
 * memory), one section each. The variable store is the
 * --flash file, opened again by the restore as a disk is; without one it
 * is lkvm's memory, and each of its blocks that is not all zeros goes in
 * a section of its own (index: the block; a block of one repeated byte,
 * as an erased one is, as that byte).
 *
 * On the restore the firmware's machine is made again first (flash banks,
 * RTC, fw_cfg with the boot files and ACPI tables, as the recorded command
 * line says), then these sections are loaded into it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/snapshot.h"
#include "arm64/vm.h"
#include "core/le.h"
#include "hw/cfi_flash.h"

#define FLASH_HEADER		16

/* The most blocks of an in-memory store a snapshot holds (a quarter of STATE_MAX). */
#define MAX_STORE_BLOCKS	64

static bool uniform(const uint8_t *p, size_t len)
{
	return !memcmp(p, p + 1, len - 1);
}

static int save_store(struct vm *vm, struct snap_out *o, char *why, size_t len)
{
	const struct firmware *fw = &vm->fw;
	unsigned int blocks = 0;

	if (vm->cfg->flash_path)
		return 0;	/* the --flash file, outside the snapshot */
	for (uint64_t off = 0; off < fw->vars_size; off += CFI_BLOCK_SIZE)
		blocks += !uniform(fw->vars + off, CFI_BLOCK_SIZE);
	if (blocks > MAX_STORE_BLOCKS) {
		snprintf(why, len,
			 "the in-memory variable store has %u blocks written, more than a snapshot holds (%u); give the VM a --flash file",
			 blocks, MAX_STORE_BLOCKS);
		return -EFBIG;
	}
	for (uint64_t off = 0; off < fw->vars_size; off += CFI_BLOCK_SIZE) {
		const uint8_t *block = fw->vars + off;

		if (!uniform(block, CFI_BLOCK_SIZE))
			snap_out_section(o, SNAP_SEC_FLASH_BLOCK, off / CFI_BLOCK_SIZE, block,
					 CFI_BLOCK_SIZE);
		else if (block[0])
			snap_out_section(o, SNAP_SEC_FLASH_BLOCK, off / CFI_BLOCK_SIZE, block, 1);
	}
	return 0;
}

int firmware_state_save(struct vm *vm, struct snap_out *o, char *why, size_t len)
{
	struct firmware *fw = &vm->fw;
	size_t n = PL011_STATE_MAX + PL031_STATE_SIZE + FLASH_HEADER +
		   cfi_flash_state_size(&fw->flash) + fw_cfg_state_size(&fw->fw_cfg);
	uint8_t *buf = malloc(n);

	if (!buf)
		return -ENOMEM;
	n = pl011_state_save(&vm->board.pl011, buf);
	snap_out_section(o, SNAP_SEC_PL011, 0, buf, n);
	n = pl031_state_save(&fw->rtc, buf);
	snap_out_section(o, SNAP_SEC_PL031, 0, buf, n);
	n = fw_cfg_state_save(&fw->fw_cfg, buf);
	snap_out_section(o, SNAP_SEC_FW_CFG, 0, buf, n);
	put_le64(buf, fw->vars_size);
	put_le64(buf + 8, !vm->cfg->flash_path);
	n = cfi_flash_state_save(&fw->flash, buf + FLASH_HEADER);
	snap_out_section(o, SNAP_SEC_FLASH, 0, buf, FLASH_HEADER + n);
	free(buf);
	return save_store(vm, o, why, len);
}

/* The store is where the snapshot's was (memory or --flash), of its size. */
static int load_flash(struct vm *vm, const struct snap_section *s, char *why, size_t len)
{
	struct firmware *fw = &vm->fw;
	bool in_memory;

	if (s->len < FLASH_HEADER || get_le64(s->data + 8) > 1) {
		snprintf(why, len, "the flash's state is malformed");
		return -EINVAL;
	}
	in_memory = get_le64(s->data + 8);
	if (in_memory && vm->cfg->flash_path) {
		snprintf(why, len, "the snapshot's variable store was in memory, this VM's is --flash %s",
			 vm->cfg->flash_path);
		return -EINVAL;
	}
	if (!in_memory && !vm->cfg->flash_path) {
		snprintf(why, len, "the snapshot's variable store was a --flash file, this VM has none");
		return -EINVAL;
	}
	if (get_le64(s->data) != fw->vars_size) {
		snprintf(why, len, "the snapshot's variable store had %llu KiB, this one %llu",
			 (unsigned long long)(get_le64(s->data) >> 10),
			 (unsigned long long)(fw->vars_size >> 10));
		return -EINVAL;
	}
	if (cfi_flash_state_load(&fw->flash, s->data + FLASH_HEADER, s->len - FLASH_HEADER)) {
		snprintf(why, len, "the flash's state is malformed");
		return -EINVAL;
	}
	return 0;
}

static int load_block(struct vm *vm, const struct snap_section *s, char *why, size_t len)
{
	struct firmware *fw = &vm->fw;

	if (vm->cfg->flash_path || s->index >= fw->vars_size / CFI_BLOCK_SIZE ||
	    (s->len != 1 && s->len != CFI_BLOCK_SIZE)) {
		snprintf(why, len, "variable store block %u does not fit this VM's store", s->index);
		return -EINVAL;
	}
	if (s->len == 1)
		memset(fw->vars + (uint64_t)s->index * CFI_BLOCK_SIZE, s->data[0], CFI_BLOCK_SIZE);
	else
		memcpy(fw->vars + (uint64_t)s->index * CFI_BLOCK_SIZE, s->data, CFI_BLOCK_SIZE);
	return 0;
}

int firmware_state_load(struct vm *vm, const struct snap_section *s, char *why, size_t len)
{
	struct firmware *fw = &vm->fw;
	const char *what = NULL;

	if (!vm->firmware) {
		snprintf(why, len, "firmware state, for a VM without --firmware");
		return -EINVAL;
	}
	switch (s->tag) {
	case SNAP_SEC_PL011:
		what = pl011_state_load(&vm->board.pl011, s->data, s->len) ? "the PL011's" : NULL;
		break;
	case SNAP_SEC_PL031:
		what = pl031_state_load(&fw->rtc, s->data, s->len) ? "the PL031's" : NULL;
		break;
	case SNAP_SEC_FLASH:
		return load_flash(vm, s, why, len);
	case SNAP_SEC_FW_CFG:
		return fw_cfg_state_load(&fw->fw_cfg, s->data, s->len, why, len);
	default:
		return load_block(vm, s, why, len);
	}
	if (!what)
		return 0;
	snprintf(why, len, "%s state is malformed", what);
	return -EINVAL;
}
