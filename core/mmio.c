// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "core/mmio.h"

int mmio_bus_add(struct mmio_bus *bus, uint64_t base, uint64_t size,
		 mmio_handler_fn handler, void *opaque, const char *name)
{
	unsigned int i;

	if (bus->nr_regions == MMIO_MAX_REGIONS)
		return -ENOSPC;
	for (i = 0; i < bus->nr_regions; i++) {
		const struct mmio_region *r = &bus->regions[i];

		if (base < r->base + r->size && r->base < base + size)
			return -EEXIST;
		if (r->base > base)
			break;
	}
	memmove(&bus->regions[i + 1], &bus->regions[i],
		(bus->nr_regions - i) * sizeof(bus->regions[0]));
	bus->regions[i] = (struct mmio_region) {
		.base = base, .size = size, .handler = handler,
		.opaque = opaque, .name = name,
	};
	bus->nr_regions++;
	return 0;
}

bool mmio_bus_dispatch(const struct mmio_bus *bus, uint64_t addr,
		       uint8_t *data, uint32_t len, bool is_write)
{
	unsigned int lo = 0, hi = bus->nr_regions;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		const struct mmio_region *r = &bus->regions[mid];

		if (addr < r->base) {
			hi = mid;
		} else if (addr - r->base >= r->size) {
			lo = mid + 1;
		} else {
			if (addr - r->base + len > r->size)
				return false;
			r->handler(r->opaque, addr - r->base, data, len, is_write);
			return true;
		}
	}
	return false;
}
