/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_LAYOUT_H
#define LKVM_ARM64_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Where the DTB and initrd go in guest RAM (booting.rst): the DTB gets a
 * 2 MiB block of its own (it may be up to 2 MiB and is mapped with block
 * mappings), at the top of the first 32 GiB of RAM; the initrd sits right
 * below it. RAM starts 1 GiB-aligned, so both stay inside the 1 GiB-aligned
 * window of at most 32 GiB that must also cover the kernel. A region
 * firmware would own (the RAS error region, --ras) is carved out right
 * below the DTB block, so the initrd goes below that.
 */
#define DTB_MAX_SIZE (2u << 20)
#define BOOT_WINDOW_SIZE (32ULL << 30)

struct boot_layout {
	uint64_t kernel_start;
	uint64_t kernel_end;
	uint64_t initrd_start;
	uint64_t initrd_size;
	uint64_t dtb_start;
	uint64_t reserved_start;	/* 0: nothing reserved */
	uint64_t reserved_size;
};

/* RAM below the DTB block and @reserved bytes: for the kernel and initrd. */
uint64_t boot_usable_ram(uint64_t ram_size, uint64_t reserved);

/*
 * Fill @layout for a kernel occupying [@kernel_offset, +@kernel_size) from
 * the start of RAM, an initrd of @initrd_size bytes (0: none) and
 * @reserved bytes (a multiple of 2 MiB) kept from the guest.
 * Returns 0, or -EFBIG with a one-line reason in @err.
 */
int boot_layout_compute(uint64_t ram_base, uint64_t ram_size,
			uint64_t kernel_offset, uint64_t kernel_size,
			uint64_t initrd_size, uint64_t reserved,
			struct boot_layout *layout,
			char *err, size_t err_len);

#endif
