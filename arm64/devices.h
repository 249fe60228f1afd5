/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_DEVICES_H
#define LKVM_ARM64_DEVICES_H

#include "core/ioloop.h"
#include "core/options.h"
#include "core/passt.h"
#include "hw/pci.h"
#include "virtio/balloon.h"
#include "virtio/blk.h"
#include "virtio/console.h"
#include "virtio/fs.h"
#include "virtio/mmio.h"
#include "virtio/net.h"
#include "virtio/pci.h"
#include "virtio/rng.h"
#include "virtio/vsock.h"

#define MAX_VIRTIO_DEVICES	(MAX_DISKS + MAX_NICS + MAX_FS + 4)

struct virtio_slot;

struct queue_watch {
	struct virtio_slot *slot;
	unsigned int q;
};

/* One virtio device as the VM wired it: its transport, eventfds, routes. */
struct virtio_slot {
	struct vm *vm;
	struct virtio_dev *dev;
	struct virtio_mmio mmio;
	int irq_fd;			/* virtio-mmio: irqfd on its SPI */
	struct virtio_pci pci;
	unsigned int msi_first;		/* virtio-pci: its first MSI route */
	int vector_fds[VIRTIO_PCI_MAX_VECTORS];
	struct queue_watch watches[VIRTIO_MAX_QUEUES];
	bool own_thread;		/* its queues are the fs thread's, not the I/O loop's */
};

/* The thread that serves the virtio-fs devices' FUSE requests (arm64/fs_thread.c). */
struct fs_thread {
	pthread_t thread;
	bool set_up, started;		/* the loop and eventfd exist; the thread runs */
	struct ioloop loop;
	int stop_fd;			/* eventfd: the VM is ending */
};

struct vm_devices {
	struct vq_guest_mem mem;
	struct pci_host pci;
	unsigned int nr_pci, nr_mmio;
	struct virtio_slot slots[MAX_VIRTIO_DEVICES];
	unsigned int nr_slots;
	struct virtio_blk blks[MAX_DISKS];
	unsigned int nr_blks;
	struct virtio_net nets[MAX_NICS];
	struct passt passts[MAX_NICS];	/* mode=user NICs' */
	unsigned int nr_nets;
	struct virtio_rng rng;
	struct virtio_console console;
	struct virtio_vsock vsock;	/* --vsock, when vsock.dev.ops is set */
	struct virtio_balloon balloon;	/* --balloon, when balloon.dev.ops is set */
	struct virtio_fs fs[MAX_FS];
	unsigned int nr_fs;
	struct fs_thread fs_thread;
};

/* The virtio devices the configuration asks for, on their transports. */
int devices_create(struct vm *vm);
/* Their queue notifications, watched by the I/O thread. */
int devices_start_io(struct vm *vm);
void devices_destroy(struct vm *vm);
/* An I/O loop's handler for a queue's notify eventfd (@opaque: its watch). */
void devices_on_queue_notify(struct ioloop *loop, void *opaque);

/* The fs thread: started once the sandbox's filters are ready, stopped with the VM. */
int fs_thread_start(struct vm *vm);
void fs_thread_stop(struct vm *vm);
/* What the VM was given, once it is built: each NIC's backend and MAC. */
void devices_report(struct vm *vm);

/* --console virtio: room for input for hvc0, and the input (as much as fits). */
size_t devices_console_space(struct vm *vm);
size_t devices_console_input(struct vm *vm, const uint8_t *buf, size_t len);

#endif
