/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_VIRTIO_RNG_H
#define LKVM_VIRTIO_RNG_H

#include "virtio/virtio.h"

/* virtio-rng (Virtio 1.2, 5.4), fed from the host's getrandom(). */
struct virtio_rng {
	struct virtio_dev dev;
	struct vq_chain chain;
};

int virtio_rng_init(struct virtio_rng *rng, const struct vq_guest_mem *mem);

#endif
