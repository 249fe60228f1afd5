/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_CFI_FLASH_H
#define LKVM_HW_CFI_FLASH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * NOR flash with the Intel/Sharp command set (Micron P30), two x16 chips
 * side by side on a 32-bit bus, as QEMU's virt machine gives UEFI its
 * variable store: every command is written to both chips at once
 * (cmd | cmd << 16), status and ID reads answer for both, blocks are
 * 256 KiB (128 KiB per chip) and the write buffer takes 32 bus words.
 *
 * In read-array mode the guest reads the array straight from memory
 * (a read-only memslot: its copy loops are loads KVM cannot emulate);
 * @array_mode tells the VM when to map and unmap it. Writes always trap.
 */
#define CFI_BLOCK_SIZE		(256u << 10)
#define CFI_BUFFER_WORDS	32

enum cfi_mode {
	CFI_READ_ARRAY,
	CFI_READ_STATUS,
	CFI_READ_ID,
};

/* What the next write is, after a command that takes a second cycle. */
enum cfi_cycle {
	CFI_CYCLE_COMMAND,
	CFI_CYCLE_PROGRAM,	/* 0x40/0x10: the word to program */
	CFI_CYCLE_BUF_COUNT,	/* 0xE8: words - 1 */
	CFI_CYCLE_BUF_DATA,	/* the words */
	CFI_CYCLE_BUF_CONFIRM,	/* 0xD0 */
	CFI_CYCLE_ERASE_CONFIRM,/* 0x20, then 0xD0 */
	CFI_CYCLE_LOCK_CONFIRM,	/* 0x60, then 0x01/0x2F lock or 0xD0 unlock */
};

/* The array became readable in place (@on) or must trap from now on. */
typedef void (*cfi_array_mode_fn)(void *opaque, bool on);
/* A program or erase changed the array's bytes [@offset, @offset + @len). */
typedef void (*cfi_written_fn)(void *opaque, uint64_t offset, uint64_t len);

struct cfi_flash {
	pthread_mutex_t lock;
	uint8_t *mem;			/* the array, the caller's memory */
	uint64_t size;			/* a multiple of CFI_BLOCK_SIZE */
	enum cfi_mode mode;
	enum cfi_cycle cycle;
	uint8_t status;			/* each chip's status register */
	uint64_t buf_start;		/* write buffer: where it goes */
	unsigned int buf_words, buf_filled;
	uint32_t buf[CFI_BUFFER_WORDS];
	uint32_t buf_written;		/* bit n: word n was written */
	uint8_t *locked;		/* one byte per block */
	cfi_array_mode_fn array_mode;
	cfi_written_fn written;		/* optional, set after init */
	void *opaque;
	uint64_t erases, programs;	/* completed operations */
};

/* Over @size bytes at @mem, unlocked, in read-array mode. 0 or -EINVAL/-ENOMEM. */
int cfi_flash_init(struct cfi_flash *f, uint8_t *mem, uint64_t size,
		   cfi_array_mode_fn array_mode, void *opaque);
void cfi_flash_destroy(struct cfi_flash *f);

/*
 * For a snapshot: the command state, the write buffer and the block locks
 * (the array is the caller's memory, saved by the caller), at most
 * cfi_flash_state_size() bytes; loaded back only if well formed (0, or
 * -EINVAL and the flash unchanged), array_mode() told of the mode.
 */
size_t cfi_flash_state_size(const struct cfi_flash *f);
size_t cfi_flash_state_save(struct cfi_flash *f, uint8_t *buf);
int cfi_flash_state_load(struct cfi_flash *f, const uint8_t *buf, size_t len);

/* One guest access (core/mmio.h). */
void cfi_flash_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		      bool is_write);

#endif
