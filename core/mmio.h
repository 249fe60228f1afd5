/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_MMIO_H
#define LKVM_CORE_MMIO_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*mmio_handler_fn)(void *opaque, uint64_t offset, uint8_t *data,
				uint32_t len, bool is_write);

struct mmio_region {
	uint64_t base;
	uint64_t size;
	mmio_handler_fn handler;
	void *opaque;
	const char *name;
};

#define MMIO_MAX_REGIONS 32

/*
 * Guest-physical ranges trapped to device models. Regions are added while
 * the VM is built, before any vCPU runs, and never change afterwards, so
 * vCPU threads look them up without a lock.
 */
struct mmio_bus {
	struct mmio_region regions[MMIO_MAX_REGIONS];	/* sorted by base */
	unsigned int nr_regions;
};

/* Returns 0, -EEXIST if the range overlaps a region, -ENOSPC if full. */
int mmio_bus_add(struct mmio_bus *bus, uint64_t base, uint64_t size,
		 mmio_handler_fn handler, void *opaque, const char *name);

/* Returns false when no region covers [addr, addr + len). */
bool mmio_bus_dispatch(const struct mmio_bus *bus, uint64_t addr,
		       uint8_t *data, uint32_t len, bool is_write);

#endif
