/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_VIRTQUEUE_H
#define LKVM_VIRTIO_VIRTQUEUE_H

/*
 * The device side of a virtio 1.x split virtqueue (Virtio 1.2, 2.7) over
 * guest memory the guest may change at any time: every field is read once,
 * every address and length is checked, and a ring or chain the spec does
 * not allow is refused with the reason, for the device to enter the
 * needs-reset state. Pure: no KVM, unit-tested and fuzzed natively.
 */
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

/* The largest queue lkvm's devices offer; a chain is no longer (2.7.5.3.1). */
#define VQ_MAX_SIZE		256
#define VQ_CHAIN_MAX		VQ_MAX_SIZE

#define VIRTQ_DESC_F_NEXT	1
#define VIRTQ_DESC_F_WRITE	2
#define VIRTQ_DESC_F_INDIRECT	4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

/* Guest RAM as a device sees it: one range, mapped at @host. */
struct vq_guest_mem {
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;
};

struct virtqueue {
	const struct vq_guest_mem *mem;
	uint16_t size;
	bool event_idx;		/* VIRTIO_F_EVENT_IDX negotiated */
	bool indirect;		/* VIRTIO_F_INDIRECT_DESC negotiated */
	uint8_t *desc, *avail, *used;	/* the three parts, in host memory */
	uint16_t last_avail;	/* the next available entry to take */
	uint16_t used_idx;	/* the next used entry to fill */
	uint16_t signalled_used;	/* used_idx when last asked to interrupt */
	bool signalled_valid;
};

/* A chain taken from the queue: readable segments first, then writable. */
struct vq_chain {
	uint16_t head;
	unsigned int nr_out, nr_in;	/* iov[0, nr_out) read, then nr_in written */
	uint32_t out_len, in_len;
	struct iovec iov[VQ_CHAIN_MAX];
};

/*
 * Check and map a queue the driver set up: @size a power of two up to
 * VQ_MAX_SIZE, each part aligned as 2.7 asks and inside guest RAM.
 * Returns 0, or -EINVAL with *@why.
 */
int vq_setup(struct virtqueue *vq, const struct vq_guest_mem *mem, uint16_t size,
	     uint64_t desc, uint64_t avail, uint64_t used, bool event_idx,
	     bool indirect, const char **why);

/*
 * Take the next available chain into @chain: 1, or 0 when there is none
 * (with event-idx, the driver is then asked to notify for the next one),
 * or -EINVAL with *@why when the ring or the chain breaks the spec: an
 * index beyond the queue, a loop, memory outside guest RAM, a readable
 * segment after a writable one, a nested or unnegotiated indirect table,
 * a chain longer than the queue or 4 GiB.
 */
int vq_pop(struct virtqueue *vq, struct vq_chain *chain, const char **why);

/* Put the chain vq_pop() just gave back, unused, for the next vq_pop(). */
void vq_unpop(struct virtqueue *vq);

/* Give the chain that started at @head back, @len bytes written. */
void vq_push(struct virtqueue *vq, uint16_t head, uint32_t len);

/* After pushes: does the driver want an interrupt now (2.7.7, 2.7.10)? */
bool vq_should_interrupt(struct virtqueue *vq);

#endif
