// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>

#include "arm64/layout.h"

#define INITRD_ALIGN 4096u

uint64_t boot_usable_ram(uint64_t ram_size, uint64_t reserved)
{
	uint64_t window = ram_size < BOOT_WINDOW_SIZE ? ram_size : BOOT_WINDOW_SIZE;

	return window < DTB_MAX_SIZE + reserved ? 0 : window - DTB_MAX_SIZE - reserved;
}

int boot_layout_compute(uint64_t ram_base, uint64_t ram_size,
			uint64_t kernel_offset, uint64_t kernel_size,
			uint64_t initrd_size, uint64_t reserved,
			struct boot_layout *layout,
			char *err, size_t err_len)
{
	uint64_t usable = boot_usable_ram(ram_size, reserved);
	uint64_t kernel_end = kernel_offset + kernel_size;
	uint64_t initrd_offset;

	if (kernel_end > usable) {
		snprintf(err, err_len,
			 "kernel needs %llu MiB of guest RAM but only %llu MiB are left for it; use a larger --mem",
			 (unsigned long long)((kernel_end + (1 << 20) - 1) >> 20),
			 (unsigned long long)(usable >> 20));
		return -EFBIG;
	}
	initrd_offset = usable - initrd_size;
	initrd_offset -= initrd_offset % INITRD_ALIGN;
	if (initrd_size > usable || initrd_offset < kernel_end) {
		snprintf(err, err_len,
			 "initrd of %llu MiB does not fit in guest RAM beside the %llu MiB kernel; use a larger --mem",
			 (unsigned long long)((initrd_size + (1 << 20) - 1) >> 20),
			 (unsigned long long)((kernel_end + (1 << 20) - 1) >> 20));
		return -EFBIG;
	}
	layout->kernel_start = ram_base + kernel_offset;
	layout->kernel_end = ram_base + kernel_end;
	layout->initrd_start = initrd_size ? ram_base + initrd_offset : 0;
	layout->initrd_size = initrd_size;
	layout->dtb_start = ram_base + usable + reserved;
	layout->reserved_start = reserved ? ram_base + usable : 0;
	layout->reserved_size = reserved;
	return 0;
}
