// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio devices in a snapshot: one section per device, in the order
 * devices_create() made them (the recorded command line makes them in the
 * same order again), holding its transport's kind and virtio_state_save().
 * The KVM side follows from the state: the notify ioeventfds move with
 * BAR 0 (bar_moved), the MSI routes are set again from the MSI-X table,
 * INTA is raised again. The disks and taps are not in the snapshot: they
 * are opened again, as the command line names them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "arm64/devices.h"
#include "arm64/snapshot.h"
#include "arm64/vm.h"
#include "core/le.h"

#define SECTION_HEADER	4	/* u32 transport: */
#define ON_PCI		1
#define ON_MMIO		2

static uint32_t transport_of(const struct virtio_slot *slot)
{
	return slot->dev->transport_data == &slot->pci ? ON_PCI : ON_MMIO;
}

int devices_state_save(struct vm *vm, struct snap_out *o)
{
	struct vm_devices *devs = vm->devices;
	uint8_t *buf;

	if (!devs || !devs->nr_slots)
		return 0;
	buf = malloc(SECTION_HEADER + VIRTIO_STATE_MAX);
	if (!buf)
		return -ENOMEM;
	for (unsigned int i = 0; i < devs->nr_slots; i++) {
		struct virtio_slot *slot = &devs->slots[i];
		size_t n;

		put_le32(buf, transport_of(slot));
		n = virtio_state_save(slot->dev, buf + SECTION_HEADER);
		snap_out_section(o, SNAP_SEC_VIRTIO, i, buf, SECTION_HEADER + n);
	}
	free(buf);
	return 0;
}

int devices_state_load(struct vm *vm, const struct snap_section *s, char *why, size_t len)
{
	struct vm_devices *devs = vm->devices;
	struct virtio_slot *slot;

	if (!devs || s->index >= devs->nr_slots) {
		snprintf(why, len, "the snapshot's VM has a virtio device %u, which this VM lacks",
			 s->index);
		return -EINVAL;
	}
	slot = &devs->slots[s->index];
	if (s->len < SECTION_HEADER || get_le32(s->data) != transport_of(slot)) {
		snprintf(why, len, "%s: the snapshot's device is on another transport",
			 slot->dev->name);
		return -EINVAL;
	}
	return virtio_state_load(slot->dev, s->data + SECTION_HEADER, s->len - SECTION_HEADER,
				 why, len);
}

unsigned int devices_count(struct vm *vm)
{
	return vm->devices ? vm->devices->nr_slots : 0;
}

void devices_state_resume(struct vm *vm)
{
	for (unsigned int i = 0; i < devices_count(vm); i++)
		virtio_kick_live_queues(vm->devices->slots[i].dev);
}
