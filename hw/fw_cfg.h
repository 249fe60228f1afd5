/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_FW_CFG_H
#define LKVM_HW_FW_CFG_H

/*
 * QEMU's firmware configuration device, MMIO flavour with DMA (QEMU's
 * docs/specs/fw_cfg.rst), as UEFI firmware reads it: the kernel, initrd
 * and command line under their fixed keys, and named files (the ACPI
 * tables and their loader script) in a directory at key 0x19.
 *
 *   +0   data       1 to 8 bytes of the selected item, in order
 *   +8   selector   16 bits, big-endian; resets the item's offset
 *   +16  DMA        64-bit big-endian guest address of a descriptor; a
 *                   write of the low half (or all 8 bytes) runs it
 *
 * Items are referenced, not copied: their bytes must outlive the device.
 * Only files added writable take DMA writes, never past their end.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_KERNEL_SIZE	0x08
#define FW_CFG_INITRD_SIZE	0x0b
#define FW_CFG_KERNEL_DATA	0x11
#define FW_CFG_INITRD_DATA	0x12
#define FW_CFG_CMDLINE_SIZE	0x14
#define FW_CFG_CMDLINE_DATA	0x15
#define FW_CFG_SETUP_SIZE	0x17
#define FW_CFG_SETUP_DATA	0x18
#define FW_CFG_FILE_DIR		0x19
#define FW_CFG_FILE_FIRST	0x20
#define FW_CFG_MAX_FILES	16
#define FW_CFG_NAME_LEN		56

struct fw_cfg_item {
	uint8_t *data;
	uint32_t size;
	bool writable;
	char name[FW_CFG_NAME_LEN];	/* files only */
};

/* Guest RAM for DMA: the host address of [gpa, gpa + len), or NULL. */
typedef uint8_t *(*fw_cfg_ram_fn)(void *opaque, uint64_t gpa, uint64_t len);
/* A DMA write changed the writable file @name (called under the device lock). */
typedef void (*fw_cfg_written_fn)(void *opaque, const char *name);

struct fw_cfg {
	pthread_mutex_t lock;		/* vCPU threads share the selection */
	struct fw_cfg_item items[FW_CFG_FILE_FIRST + FW_CFG_MAX_FILES];
	unsigned int nr_files;
	uint8_t signature[4], id[4];
	uint8_t dir[4 + 64 * FW_CFG_MAX_FILES];
	uint16_t selected;
	uint32_t offset;		/* in the selected item */
	uint32_t dma_high;		/* the descriptor address's high half */
	fw_cfg_ram_fn ram;
	fw_cfg_written_fn written;
	void *opaque;
};

void fw_cfg_init(struct fw_cfg *cfg, fw_cfg_ram_fn ram, fw_cfg_written_fn written,
		 void *opaque);
void fw_cfg_destroy(struct fw_cfg *cfg);
/* An item under a fixed key (below FW_CFG_FILE_FIRST). */
void fw_cfg_set(struct fw_cfg *cfg, uint16_t key, uint8_t *data, uint32_t size);
/* A little-endian u32 item, as the size keys are; @store keeps the bytes. */
void fw_cfg_set_u32(struct fw_cfg *cfg, uint16_t key, uint8_t store[4], uint32_t v);
/* A named file in the directory. Returns its key, or -ENOSPC/-EINVAL. */
int fw_cfg_add_file(struct fw_cfg *cfg, const char *name, uint8_t *data,
		    uint32_t size, bool writable);

/*
 * For a snapshot: the selection, each item's size and the writable files'
 * bytes (fw_cfg_state_size() of them). Loaded back into a device with the
 * same items: 0, or -EINVAL with the reason in @why (an item of another
 * size) and the device unchanged.
 */
size_t fw_cfg_state_size(const struct fw_cfg *cfg);
size_t fw_cfg_state_save(struct fw_cfg *cfg, uint8_t *buf);
int fw_cfg_state_load(struct fw_cfg *cfg, const uint8_t *buf, size_t len, char *why,
		      size_t why_len);

/* The MMIO handler (core/mmio.h). */
void fw_cfg_mmio(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		 bool is_write);

#endif
