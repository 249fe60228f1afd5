/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_PVPANIC_H
#define LKVM_HW_PVPANIC_H

#include <stdbool.h>
#include <stdint.h>

/*
 * QEMU's pvpanic device, its MMIO form (DT "qemu,pvpanic-mmio", ACPI
 * QEMU0001; QEMU's docs/specs/pvpanic.rst): one byte, twice, that reads
 * as the events the device knows and takes the events the guest reports.
 */
#define PVPANIC_SIZE		2
#define PVPANIC_PANICKED	(1u << 0)	/* the host should act on it */
#define PVPANIC_CRASH_LOADED	(1u << 1)	/* a crash kernel takes over */
#define PVPANIC_EVENTS		(PVPANIC_PANICKED | PVPANIC_CRASH_LOADED)

struct pvpanic {
	/* Called with the known events of each byte written, if any. */
	void (*event)(void *opaque, unsigned int events);
	void *opaque;
};

void pvpanic_init(struct pvpanic *pv, void (*event)(void *, unsigned int),
		  void *opaque);
/* One guest access (core/mmio.h). */
void pvpanic_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		    bool is_write);

#endif
