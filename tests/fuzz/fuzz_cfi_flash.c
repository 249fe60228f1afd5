// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the CFI flash (hw/cfi_flash.c), the UEFI variable
 * store, driven as a hostile guest drives it through cfi_flash_access():
 * raw accesses of any width at any offset, whole commands (read array,
 * status, clear status, ID, word program, buffered program, erase, lock
 * setup and its confirms), whole buffered programs, and resets (a VM
 * reboot: the array persists, the chip state does not). The array is an
 * exact-size heap allocation of two blocks, so ASan sees any byte touched
 * outside it. The input is a program of at most MAX_STEPS steps.
 *
 * The fuzzer runs its own reference of the command set (the P30 data
 * sheet, as the model's header describes it) over a second copy of the
 * array, and checks after every step:
 *   - the array equals the reference's: a write changes nothing but the
 *     word a program names, the 32-word window a buffered program names,
 *     or the block an erase names; a program only clears bits (new & ~old
 *     is 0), only an erase sets them (to 0xFF, the whole block); a locked
 *     block never changes; and a buffered program reported successful
 *     has programmed every word the guest loaded into the buffer;
 *   - status reads give the reference's status on both chips (READY,
 *     and the error bits of failed or refused operations until a clear),
 *     ID reads the manufacturer, device and lock bit, array reads the
 *     array; a read of more than 4 bytes gives zeros, a narrower or
 *     unaligned one the word's bytes at its offset, zeros past it;
 *     narrower or unaligned writes are no commands at all;
 *   - array_mode() is told exactly of each change between read-array
 *     and the other modes (never twice the same), so the VM maps the
 *     array exactly when reads may bypass the model;
 *   - the completed program and erase counts are the reference's.
 * At the end the whole array is compared with the reference.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "hw/cfi_flash.h"

#define MAX_STEPS	256
#define NR_BLOCKS	2
#define SIZE		(NR_BLOCKS * CFI_BLOCK_SIZE)
#define BUF_BYTES	(4 * CFI_BUFFER_WORDS)

#define SR_READY	0x80
#define SR_ERASE_ERR	0x20
#define SR_PROGRAM_ERR	0x10
#define SR_LOCKED	0x02

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

/* The chip as the data sheet says it must behave. */
struct ref {
	uint8_t *mem;
	enum cfi_mode mode;
	enum cfi_cycle cycle;
	uint8_t status;
	uint64_t buf_start;
	unsigned int buf_words, buf_filled;
	uint32_t buf[CFI_BUFFER_WORDS], buf_written;
	bool locked[NR_BLOCKS];
	uint64_t programs, erases;
	bool mapped;			/* as array_mode() last said */
};

static struct ref R;
static uint8_t *mem;			/* the model's array */
static uint8_t *ref_mem;		/* the reference's */

static void array_mode(void *opaque, bool on)
{
	(void)opaque;
	check(on != R.mapped);		/* only changes */
	R.mapped = on;
}

static uint8_t pick(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

static uint32_t pick32(const uint8_t **p, const uint8_t *end)
{
	uint32_t v = 0;

	for (int i = 0; i < 4; i++)
		v |= (uint32_t)pick(p, end) << (8 * i);
	return v;
}

static uint32_t dual(uint16_t v)
{
	return v | (uint32_t)v << 16;
}

static void ref_finish(uint8_t error)
{
	R.status |= error;
	R.cycle = CFI_CYCLE_COMMAND;
	R.mode = CFI_READ_STATUS;
}

static void ref_program(uint64_t off, uint32_t v)
{
	put_le32(R.mem + off, get_le32(R.mem + off) & v);
}

/* The reference's part of a 32-bit aligned write at @off. */
static void ref_write(uint64_t off, uint32_t v)
{
	uint8_t cmd = v;
	uint64_t word;

	switch (R.cycle) {
	case CFI_CYCLE_COMMAND:
		switch (cmd) {
		case 0xff: case 0xf0: R.mode = CFI_READ_ARRAY; break;
		case 0x70: R.mode = CFI_READ_STATUS; break;
		case 0x50: R.status = SR_READY; break;
		case 0x90: R.mode = CFI_READ_ID; break;
		case 0x40: case 0x10:
			R.cycle = CFI_CYCLE_PROGRAM;
			R.mode = CFI_READ_STATUS;
			break;
		case 0xe8:
			R.buf_start = off & ~(uint64_t)(BUF_BYTES - 1);
			R.cycle = CFI_CYCLE_BUF_COUNT;
			R.mode = CFI_READ_STATUS;
			break;
		case 0x20:
			R.cycle = CFI_CYCLE_ERASE_CONFIRM;
			R.mode = CFI_READ_STATUS;
			break;
		case 0x60:
			R.cycle = CFI_CYCLE_LOCK_CONFIRM;
			R.mode = CFI_READ_STATUS;
			break;
		default:
			break;
		}
		break;
	case CFI_CYCLE_PROGRAM:
		if (R.locked[off / CFI_BLOCK_SIZE]) {
			ref_finish(SR_PROGRAM_ERR | SR_LOCKED);
		} else {
			ref_program(off, v);
			R.programs++;
			ref_finish(0);
		}
		break;
	case CFI_CYCLE_BUF_COUNT:
		if ((v & 0xffff) != v >> 16 || (v & 0xffff) >= CFI_BUFFER_WORDS) {
			ref_finish(SR_ERASE_ERR | SR_PROGRAM_ERR);
		} else {
			R.buf_words = (v & 0xffff) + 1;
			R.buf_filled = R.buf_written = 0;
			R.cycle = CFI_CYCLE_BUF_DATA;
		}
		break;
	case CFI_CYCLE_BUF_DATA:
		/* Anywhere in the buffer's window, as the model takes it. */
		if (off < R.buf_start || off - R.buf_start >= BUF_BYTES) {
			ref_finish(SR_ERASE_ERR | SR_PROGRAM_ERR);
			break;
		}
		word = (off - R.buf_start) / 4;
		R.buf[word] = v;
		R.buf_written |= 1u << word;
		if (++R.buf_filled == R.buf_words)
			R.cycle = CFI_CYCLE_BUF_CONFIRM;
		break;
	case CFI_CYCLE_BUF_CONFIRM:
		if (cmd != 0xd0) {
			ref_finish(SR_ERASE_ERR | SR_PROGRAM_ERR);
		} else if (R.locked[R.buf_start / CFI_BLOCK_SIZE]) {
			ref_finish(SR_PROGRAM_ERR | SR_LOCKED);
		} else {
			/* Every word the guest loaded, and only those. */
			for (unsigned int i = 0; i < CFI_BUFFER_WORDS; i++)
				if (R.buf_written & 1u << i)
					ref_program(R.buf_start + 4 * i, R.buf[i]);
			R.programs++;
			ref_finish(0);
		}
		break;
	case CFI_CYCLE_ERASE_CONFIRM:
		if (cmd != 0xd0) {
			ref_finish(SR_ERASE_ERR | SR_PROGRAM_ERR);
		} else if (R.locked[off / CFI_BLOCK_SIZE]) {
			ref_finish(SR_ERASE_ERR | SR_LOCKED);
		} else {
			memset(R.mem + off - off % CFI_BLOCK_SIZE, 0xff, CFI_BLOCK_SIZE);
			R.erases++;
			ref_finish(0);
		}
		break;
	case CFI_CYCLE_LOCK_CONFIRM:
		if (cmd == 0xd0 || cmd == 0x01 || cmd == 0x2f) {
			R.locked[off / CFI_BLOCK_SIZE] = cmd != 0xd0;
			ref_finish(0);
		} else {
			ref_finish(SR_ERASE_ERR | SR_PROGRAM_ERR);
		}
		break;
	}
}

static uint32_t ref_read(uint64_t word)
{
	switch (R.mode) {
	case CFI_READ_STATUS:
		return dual(R.status);
	case CFI_READ_ID:
		switch (word % CFI_BLOCK_SIZE / 4) {
		case 0: return dual(0x89);
		case 1: return dual(0x18);
		case 2: return dual(R.locked[word / CFI_BLOCK_SIZE]);
		default: return 0;
		}
	default:
		return get_le32(R.mem + word);
	}
}

/*
 * The model's array against the reference in [lo, hi), and against the
 * array before the step (@old, that range's copy): without an erase no
 * bit may have gone from 0 to 1, and a locked block not changed at all.
 */
static void compare(uint64_t lo, uint64_t hi, const uint8_t *old, bool erased)
{
	check(memcmp(mem + lo, R.mem + lo, hi - lo) == 0);
	if (erased)
		return;		/* the reference checked it is all 0xFF */
	if (hi - lo > BUF_BYTES) {
		/* An erase refused or never confirmed changes nothing. */
		check(memcmp(mem + lo, old, hi - lo) == 0);
		return;
	}
	for (uint64_t i = lo; i < hi; i++) {
		uint8_t was = old[i - lo];

		check(!(mem[i] & ~was));
		if (R.locked[i / CFI_BLOCK_SIZE])
			check(mem[i] == was);
	}
}

static void check_state(const struct cfi_flash *f)
{
	check(f->mode == R.mode && f->cycle == R.cycle && f->status == R.status);
	check(R.mapped == (f->mode == CFI_READ_ARRAY));
	check(f->programs == R.programs && f->erases == R.erases);
	for (unsigned int b = 0; b < NR_BLOCKS; b++)
		check(!!f->locked[b] == R.locked[b]);
}

static void guest_access(struct cfi_flash *f, uint64_t offset, uint32_t len,
			 bool is_write, const uint8_t *val)
{
	static uint8_t old[CFI_BLOCK_SIZE];
	uint64_t word = offset & ~3ull, lo, hi;
	uint8_t data[8], bytes[4];
	uint64_t erases = R.erases;

	memcpy(data, val, 8);
	if (!is_write) {
		unsigned int shift = offset & 3, n = len < 4 - shift ? len : 4 - shift;

		put_le32(bytes, ref_read(word));
		cfi_flash_access(f, offset, data, len, false);
		if (len > 4)
			n = 0;
		check(memcmp(data, bytes + shift, n) == 0);
		for (uint32_t i = n; i < len; i++)
			check(data[i] == 0);
		check_state(f);
		return;
	}

	/* What this write may change: a word, a buffer window, a block. */
	lo = word;
	hi = word + 4;
	if (R.cycle == CFI_CYCLE_BUF_CONFIRM) {
		lo = R.buf_start;
		hi = R.buf_start + BUF_BYTES;
	} else if (R.cycle == CFI_CYCLE_ERASE_CONFIRM) {
		lo = word - word % CFI_BLOCK_SIZE;
		hi = lo + CFI_BLOCK_SIZE;
	}
	memcpy(old, mem + lo, hi - lo);

	if (len == 4 && offset == word)
		ref_write(word, get_le32(val));
	cfi_flash_access(f, offset, data, len, true);
	check(memcmp(data, val, 8) == 0);
	compare(lo, hi, old, R.erases != erases);
	check_state(f);
}

/* Mostly the first words of each block, where the windows overlap. */
static uint64_t pick_offset(const uint8_t **p, const uint8_t *end)
{
	uint16_t x = pick(p, end) | (uint16_t)pick(p, end) << 8;
	uint64_t off = x & 0x8000 ? CFI_BLOCK_SIZE : 0;

	if (x & 0x4000)
		off += CFI_BLOCK_SIZE - 4 * ((x & 0x3f) + 1);
	else
		off += (uint64_t)(x & 0xff) << 2;
	if (x & 0x2000)
		off += x >> 8 & 3;
	return off;
}

static const uint8_t commands[] = {
	0xff, 0xf0, 0x70, 0x50, 0x90, 0x40, 0x10, 0xe8, 0x20, 0x60,
	0xd0, 0x01, 0x2f, 0x00, 0x1f, 0x03,
};

static void write32(struct cfi_flash *f, uint64_t off, uint32_t v)
{
	uint8_t val[8] = { 0 };

	put_le32(val, v);
	guest_access(f, off, 4, true, val);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct cfi_flash f;
	uint8_t fill[NR_BLOCKS];

	for (unsigned int b = 0; b < NR_BLOCKS; b++)
		fill[b] = pick(&p, end);
	/* Allocated once: a fresh 512 KiB mapping per input is most of the
	 * time spent. The array is still exactly its size for ASan. */
	if (!mem) {
		mem = malloc(SIZE);
		ref_mem = malloc(SIZE);
		check(mem && ref_mem);
	}
	memset(&R, 0, sizeof(R));
	R.mem = ref_mem;
	for (unsigned int b = 0; b < NR_BLOCKS; b++)
		memset(mem + b * CFI_BLOCK_SIZE, fill[b], CFI_BLOCK_SIZE);
	memcpy(R.mem, mem, SIZE);
	R.status = SR_READY;
	R.mapped = true;
	check(cfi_flash_init(&f, mem, SIZE, array_mode, NULL) == 0);

	for (int step = 0; step < MAX_STEPS && p < end; step++) {
		uint8_t op = pick(&p, end), val[8];
		uint32_t len = 1u << (op >> 4 & 3);
		uint64_t off;
		unsigned int n;

		switch (op & 7) {
		case 0:
		case 1:
			/* Anything: any width, aligned or not, any value. */
			off = pick_offset(&p, end);
			if (off + len > SIZE)
				len = 1;
			for (int i = 0; i < 8; i++)
				val[i] = pick(&p, end);
			guest_access(&f, off, len, op & 0x40, val);
			break;
		case 2:
		case 3:
			/* A command, on both chips as edk2 writes them. */
			off = pick_offset(&p, end) & ~3ull;
			write32(&f, off, dual(commands[pick(&p, end) % sizeof(commands)]));
			break;
		case 4:
			/* A word for a program cycle (or as a count). */
			off = pick_offset(&p, end) & ~3ull;
			write32(&f, off, op & 0x80 ? dual(pick(&p, end) & 0x3f) :
					 pick32(&p, end));
			break;
		case 5:
			/* A whole buffered program, NorFlashWriteBuffer's way. */
			off = pick_offset(&p, end) & ~3ull;
			n = pick(&p, end) % CFI_BUFFER_WORDS + 1;
			write32(&f, off, dual(0xe8));
			write32(&f, off, dual(n - 1));
			for (unsigned int i = 0; i < n; i++) {
				uint64_t w = off + 4 * i;

				/* Wrap in the window: the data stays inside it. */
				w = (off & ~(uint64_t)(BUF_BYTES - 1)) + w % BUF_BYTES;
				write32(&f, w, pick32(&p, end));
			}
			write32(&f, off, dual(0xd0));
			break;
		case 6:
			/* Read back a few words, as a status poll or a copy. */
			off = pick_offset(&p, end) & ~3ull;
			for (unsigned int i = 0; i < 4 && off + 4 * i + 4 <= SIZE; i++) {
				memset(val, 0xa5, sizeof(val));
				guest_access(&f, off + 4 * i, 4, false, val);
			}
			break;
		default:
			/* A reboot: the array stays, the chips start over. */
			cfi_flash_destroy(&f);
			check(cfi_flash_init(&f, mem, SIZE, array_mode, NULL) == 0);
			memset(R.locked, 0, sizeof(R.locked));
			R.mode = CFI_READ_ARRAY;
			R.cycle = CFI_CYCLE_COMMAND;
			R.status = SR_READY;
			R.mapped = true;
			R.programs = R.erases = 0;
			break;
		}
		check_state(&f);
	}
	check(memcmp(mem, R.mem, SIZE) == 0);
	cfi_flash_destroy(&f);
	return 0;
}
