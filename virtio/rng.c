// SPDX-License-Identifier: GPL-2.0
/* virtio-rng: each writable buffer is filled from getrandom(). */
#include <errno.h>
#include <sys/random.h>

#include "virtio/rng.h"

/* Per request; the driver asks again for more (5.4.6). */
#define RNG_MAX_REQUEST 4096

static void rng_queue_notify(struct virtio_dev *dev, unsigned int q)
{
	struct virtio_rng *rng = dev->priv;
	struct vq_chain *c = &rng->chain;
	bool pushed = false;

	while (virtio_queue_pop(dev, q, c) > 0) {
		uint32_t done = 0;

		for (unsigned int i = c->nr_out; i < c->nr_out + c->nr_in &&
		     done < RNG_MAX_REQUEST; i++) {
			size_t want = c->iov[i].iov_len;
			ssize_t n;

			if (want > RNG_MAX_REQUEST - done)
				want = RNG_MAX_REQUEST - done;
			do
				n = getrandom(c->iov[i].iov_base, want, GRND_NONBLOCK);
			while (n < 0 && errno == EINTR);
			if (n <= 0)
				break;
			done += n;
			if ((size_t)n < c->iov[i].iov_len)
				break;
		}
		vq_push(&dev->queues[q].vq, c->head, done);
		pushed = true;
	}
	if (pushed)
		virtio_queue_done(dev, q);
}

static const struct virtio_device_ops rng_ops = {
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.queue_notify = rng_queue_notify,
};

int virtio_rng_init(struct virtio_rng *rng, const struct vq_guest_mem *mem)
{
	return virtio_dev_init(&rng->dev, &rng_ops, rng, "virtio-rng", mem, 0, NULL);
}
