// SPDX-License-Identifier: GPL-2.0
/*
 * As QEMU's device behaves: every byte of the register reads the events
 * it knows, and every byte written reports events; bits it does not know
 * are ignored. Wider accesses count byte by byte.
 */
#include "hw/pvpanic.h"

void pvpanic_init(struct pvpanic *pv, void (*event)(void *, unsigned int),
		  void *opaque)
{
	pv->event = event;
	pv->opaque = opaque;
}

void pvpanic_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		    bool is_write)
{
	struct pvpanic *pv = opaque;

	for (uint32_t i = 0; i < len; i++) {
		bool inside = offset < PVPANIC_SIZE && i < PVPANIC_SIZE - offset;

		if (!is_write)
			data[i] = inside ? PVPANIC_EVENTS : 0;
		else if (inside && (data[i] & PVPANIC_EVENTS))
			pv->event(pv->opaque, data[i] & PVPANIC_EVENTS);
	}
}
