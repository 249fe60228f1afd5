// SPDX-License-Identifier: GPL-2.0
/*
 * Command set from Micron's P30 data sheet (Intel's "Basic Command Set"):
 * read array 0xFF, read status 0x70, clear status 0x50, read ID 0x90,
 * word program 0x40/0x10, buffered program 0xE8 + count + data + 0xD0,
 * block erase 0x20 + 0xD0, lock setup 0x60 + 0x01/0x2F/0xD0. Programming
 * only clears bits, as on real NOR; erase sets a block to 0xFF.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "hw/cfi_flash.h"

#define SR_READY	0x80
#define SR_ERASE_ERR	0x20
#define SR_PROGRAM_ERR	0x10
#define SR_SEQUENCE_ERR	(SR_ERASE_ERR | SR_PROGRAM_ERR)
#define SR_LOCKED	0x02

#define ID_MANUFACTURER	0x89	/* Intel */
#define ID_DEVICE	0x18	/* 28F128J3: what QEMU's virt flash reports */

#define CMD_READ_ARRAY	0xff
#define CMD_READ_ARRAY2	0xf0
#define CMD_READ_STATUS	0x70
#define CMD_CLEAR_STATUS 0x50
#define CMD_READ_ID	0x90
#define CMD_PROGRAM	0x40
#define CMD_PROGRAM2	0x10
#define CMD_BUF_PROGRAM	0xe8
#define CMD_ERASE	0x20
#define CMD_LOCK_SETUP	0x60
#define CMD_CONFIRM	0xd0	/* also: unlock block */
#define CMD_LOCK	0x01
#define CMD_LOCK_DOWN	0x2f

int cfi_flash_init(struct cfi_flash *f, uint8_t *mem, uint64_t size,
		   cfi_array_mode_fn array_mode, void *opaque)
{
	if (!size || size % CFI_BLOCK_SIZE)
		return -EINVAL;
	memset(f, 0, sizeof(*f));
	f->locked = calloc(size / CFI_BLOCK_SIZE, 1);
	if (!f->locked)
		return -ENOMEM;
	pthread_mutex_init(&f->lock, NULL);
	f->mem = mem;
	f->size = size;
	f->status = SR_READY;
	f->array_mode = array_mode;
	f->opaque = opaque;
	return 0;
}

void cfi_flash_destroy(struct cfi_flash *f)
{
	free(f->locked);
	f->locked = NULL;
	pthread_mutex_destroy(&f->lock);
}

static uint32_t dual(uint16_t v)
{
	return v | (uint32_t)v << 16;
}

static void set_mode(struct cfi_flash *f, enum cfi_mode mode)
{
	bool was_array = f->mode == CFI_READ_ARRAY;

	f->mode = mode;
	if (was_array != (mode == CFI_READ_ARRAY) && f->array_mode)
		f->array_mode(f->opaque, mode == CFI_READ_ARRAY);
}

/* An operation ended (well or not): the status register tells which. */
static void finish(struct cfi_flash *f, uint8_t error)
{
	f->status |= error;
	f->cycle = CFI_CYCLE_COMMAND;
	set_mode(f, CFI_READ_STATUS);
}

static bool block_locked(const struct cfi_flash *f, uint64_t offset)
{
	return f->locked[offset / CFI_BLOCK_SIZE];
}

static void changed(struct cfi_flash *f, uint64_t offset, uint64_t len)
{
	if (f->written)
		f->written(f->opaque, offset, len);
}

static void program_word(struct cfi_flash *f, uint64_t offset, uint32_t v)
{
	uint8_t *p = f->mem + offset;

	put_le32(p, get_le32(p) & v);
}

/*
 * Every word loaded, wherever in the window: a buffer need not start at
 * its first word (Linux's cfi_cmdset_0001 starts at the data's address),
 * and the count says how many words come, not which.
 */
static void program_buffer(struct cfi_flash *f)
{
	for (unsigned int i = 0; i < CFI_BUFFER_WORDS; i++)
		if (f->buf_written & 1u << i)
			program_word(f, f->buf_start + 4 * i, f->buf[i]);
	f->programs++;
	if (f->buf_written)	/* up to the last word loaded */
		changed(f, f->buf_start, 4 * (32 - __builtin_clz(f->buf_written)));
}

static void command(struct cfi_flash *f, uint64_t offset, uint8_t cmd)
{
	switch (cmd) {
	case CMD_READ_ARRAY:
	case CMD_READ_ARRAY2:
		set_mode(f, CFI_READ_ARRAY);
		break;
	case CMD_READ_STATUS:
		set_mode(f, CFI_READ_STATUS);
		break;
	case CMD_CLEAR_STATUS:
		f->status = SR_READY;
		break;
	case CMD_READ_ID:
		set_mode(f, CFI_READ_ID);
		break;
	case CMD_PROGRAM:
	case CMD_PROGRAM2:
		f->cycle = CFI_CYCLE_PROGRAM;
		set_mode(f, CFI_READ_STATUS);
		break;
	case CMD_BUF_PROGRAM:
		/* The buffer is aligned to its own size, as on the chips. */
		f->buf_start = offset & ~(uint64_t)(4 * CFI_BUFFER_WORDS - 1);
		f->cycle = CFI_CYCLE_BUF_COUNT;
		set_mode(f, CFI_READ_STATUS);	/* reads give XSR: ready */
		break;
	case CMD_ERASE:
		f->cycle = CFI_CYCLE_ERASE_CONFIRM;
		set_mode(f, CFI_READ_STATUS);
		break;
	case CMD_LOCK_SETUP:
		f->cycle = CFI_CYCLE_LOCK_CONFIRM;
		set_mode(f, CFI_READ_STATUS);
		break;
	default:
		/* 0xD0 alone (resume) and unknown commands: nothing to do. */
		break;
	}
}

static void write_word(struct cfi_flash *f, uint64_t offset, uint32_t v)
{
	uint8_t cmd = v;
	unsigned int word;

	switch (f->cycle) {
	case CFI_CYCLE_COMMAND:
		command(f, offset, cmd);
		break;
	case CFI_CYCLE_PROGRAM:
		if (block_locked(f, offset)) {
			finish(f, SR_PROGRAM_ERR | SR_LOCKED);
			break;
		}
		program_word(f, offset, v);
		f->programs++;
		changed(f, offset, 4);
		finish(f, 0);
		break;
	case CFI_CYCLE_BUF_COUNT:
		/* Both chips take the same count: words - 1, per chip. */
		if ((v & 0xffff) != v >> 16 || (v & 0xffff) >= CFI_BUFFER_WORDS) {
			finish(f, SR_SEQUENCE_ERR);
			break;
		}
		f->buf_words = (v & 0xffff) + 1;
		f->buf_filled = 0;
		f->buf_written = 0;
		f->cycle = CFI_CYCLE_BUF_DATA;
		break;
	case CFI_CYCLE_BUF_DATA:
		word = (offset - f->buf_start) / 4;
		if (offset < f->buf_start || word >= CFI_BUFFER_WORDS) {
			finish(f, SR_SEQUENCE_ERR);
			break;
		}
		f->buf[word] = v;
		f->buf_written |= 1u << word;
		if (++f->buf_filled == f->buf_words)
			f->cycle = CFI_CYCLE_BUF_CONFIRM;
		break;
	case CFI_CYCLE_BUF_CONFIRM:
		if (cmd != CMD_CONFIRM)
			finish(f, SR_SEQUENCE_ERR);
		else if (block_locked(f, f->buf_start))
			finish(f, SR_PROGRAM_ERR | SR_LOCKED);
		else {
			program_buffer(f);
			finish(f, 0);
		}
		break;
	case CFI_CYCLE_ERASE_CONFIRM:
		if (cmd != CMD_CONFIRM) {
			finish(f, SR_SEQUENCE_ERR);
		} else if (block_locked(f, offset)) {
			finish(f, SR_ERASE_ERR | SR_LOCKED);
		} else {
			memset(f->mem + offset - offset % CFI_BLOCK_SIZE, 0xff, CFI_BLOCK_SIZE);
			f->erases++;
			changed(f, offset - offset % CFI_BLOCK_SIZE, CFI_BLOCK_SIZE);
			finish(f, 0);
		}
		break;
	case CFI_CYCLE_LOCK_CONFIRM:
		if (cmd == CMD_CONFIRM || cmd == CMD_LOCK || cmd == CMD_LOCK_DOWN) {
			f->locked[offset / CFI_BLOCK_SIZE] = cmd != CMD_CONFIRM;
			finish(f, 0);
		} else {
			finish(f, SR_SEQUENCE_ERR);
		}
		break;
	}
}

static uint32_t read_word(struct cfi_flash *f, uint64_t offset)
{
	switch (f->mode) {
	case CFI_READ_STATUS:
		return dual(f->status);
	case CFI_READ_ID:
		/* Bus word n of a block is ID address n on both chips. */
		switch (offset % CFI_BLOCK_SIZE / 4) {
		case 0:
			return dual(ID_MANUFACTURER);
		case 1:
			return dual(ID_DEVICE);
		case 2:
			return dual(block_locked(f, offset));
		default:
			return 0;
		}
	case CFI_READ_ARRAY:
	default:
		return get_le32(f->mem + offset);
	}
}

/*
 * Snapshots: u8 mode, u8 cycle, u8 status, u8 0, u32 buffer words, u32
 * filled, u32 written mask, u64 buffer start, u64 erases, u64 programs,
 * the buffer's 32 words, then one byte per block: locked or not.
 */
#define STATE_HEADER	(40 + 4 * CFI_BUFFER_WORDS)

size_t cfi_flash_state_size(const struct cfi_flash *f)
{
	return STATE_HEADER + f->size / CFI_BLOCK_SIZE;
}

size_t cfi_flash_state_save(struct cfi_flash *f, uint8_t *buf)
{
	pthread_mutex_lock(&f->lock);
	buf[0] = f->mode;
	buf[1] = f->cycle;
	buf[2] = f->status;
	buf[3] = 0;
	put_le32(buf + 4, f->buf_words);
	put_le32(buf + 8, f->buf_filled);
	put_le32(buf + 12, f->buf_written);
	put_le64(buf + 16, f->buf_start);
	put_le64(buf + 24, f->erases);
	put_le64(buf + 32, f->programs);
	for (unsigned int i = 0; i < CFI_BUFFER_WORDS; i++)
		put_le32(buf + 40 + 4 * i, f->buf[i]);
	memcpy(buf + STATE_HEADER, f->locked, f->size / CFI_BLOCK_SIZE);
	pthread_mutex_unlock(&f->lock);
	return cfi_flash_state_size(f);
}

/* What the command set could have left: a buffer inside the array, flags. */
static bool state_valid(const struct cfi_flash *f, const uint8_t *buf)
{
	uint32_t words = get_le32(buf + 4), filled = get_le32(buf + 8);
	uint64_t start = get_le64(buf + 16);

	if (buf[0] > CFI_READ_ID || buf[1] > CFI_CYCLE_LOCK_CONFIRM || buf[3] ||
	    buf[2] & ~(SR_READY | SR_SEQUENCE_ERR | SR_LOCKED))
		return false;
	if (words > CFI_BUFFER_WORDS || filled > words ||
	    start % (4 * CFI_BUFFER_WORDS) || start >= f->size)
		return false;
	for (uint64_t b = 0; b < f->size / CFI_BLOCK_SIZE; b++)
		if (buf[STATE_HEADER + b] > 1)
			return false;
	return true;
}

int cfi_flash_state_load(struct cfi_flash *f, const uint8_t *buf, size_t len)
{
	if (len != cfi_flash_state_size(f) || !state_valid(f, buf))
		return -EINVAL;
	pthread_mutex_lock(&f->lock);
	f->cycle = buf[1];
	f->status = buf[2];
	f->buf_words = get_le32(buf + 4);
	f->buf_filled = get_le32(buf + 8);
	f->buf_written = get_le32(buf + 12);
	f->buf_start = get_le64(buf + 16);
	f->erases = get_le64(buf + 24);
	f->programs = get_le64(buf + 32);
	for (unsigned int i = 0; i < CFI_BUFFER_WORDS; i++)
		f->buf[i] = get_le32(buf + 40 + 4 * i);
	memcpy(f->locked, buf + STATE_HEADER, f->size / CFI_BLOCK_SIZE);
	set_mode(f, buf[0]);
	pthread_mutex_unlock(&f->lock);
	return 0;
}

void cfi_flash_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		      bool is_write)
{
	struct cfi_flash *f = opaque;
	uint64_t word = offset & ~3ull;
	uint8_t bytes[4];

	if (word >= f->size || len > 4) {
		if (!is_write)
			memset(data, 0, len);
		return;
	}
	pthread_mutex_lock(&f->lock);
	if (is_write) {
		/* The bus is 32 bits: narrower writes are not commands to it. */
		if (len == 4 && offset == word)
			write_word(f, word, get_le32(data));
	} else {
		unsigned int shift = offset & 3;

		put_le32(bytes, read_word(f, word));
		memset(data, 0, len);
		memcpy(data, bytes + shift, len < 4 - shift ? len : 4 - shift);
	}
	pthread_mutex_unlock(&f->lock);
}
