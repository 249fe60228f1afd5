// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the split virtqueue: the input is guest memory
 * (descriptor table at +0, available ring at +0x1000, used ring at
 * +0x2000, the rest buffers and indirect tables), its first byte picks
 * the queue size and features. Chains are taken until the queue is empty
 * or refused; for each one taken:
 *   - every segment lies inside guest memory;
 *   - readable segments come first, and the totals are their sums;
 *   - the head is inside the queue and no chain is longer than allowed;
 * and giving it back advances the used index by one. The number of chains
 * taken before the queue runs dry is bounded by the queue size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "virtio/virtqueue.h"

#define GPA		0x10000ull	/* low, so that small numbers are addresses */
#define MEM_SIZE	0x4000

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

static uint8_t mem_buf[MEM_SIZE] __attribute__((aligned(4096)));

static bool inside(const struct iovec *iov)
{
	const uint8_t *p = iov->iov_base;

	return p >= mem_buf && iov->iov_len <= MEM_SIZE &&
	       (size_t)(p - mem_buf) <= MEM_SIZE - iov->iov_len;
}

static void check_chain(const struct virtqueue *vq, const struct vq_chain *c)
{
	uint64_t out = 0, in = 0;

	check(c->head < vq->size);
	check(c->nr_out + c->nr_in <= VQ_CHAIN_MAX);
	for (unsigned int i = 0; i < c->nr_out + c->nr_in; i++) {
		check(inside(&c->iov[i]));
		if (i < c->nr_out)
			out += c->iov[i].iov_len;
		else
			in += c->iov[i].iov_len;
	}
	check(out == c->out_len && in == c->in_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vq_chain chain;
	struct vq_guest_mem mem = { GPA, MEM_SIZE, mem_buf };
	struct virtqueue vq;
	const char *why;
	uint8_t knobs;
	int taken = 0, ret;

	if (size < 1)
		return 0;
	knobs = data[0];
	memset(mem_buf, 0, sizeof(mem_buf));
	memcpy(mem_buf, data + 1, size - 1 < MEM_SIZE ? size - 1 : MEM_SIZE);
	if (vq_setup(&vq, &mem, 1u << (knobs % 9), GPA, GPA + 0x1000, GPA + 0x2000,
		     knobs & 0x10, knobs & 0x20, &why))
		return 0;
	while ((ret = vq_pop(&vq, &chain, &why)) == 1) {
		uint16_t used = vq.used_idx;

		check_chain(&vq, &chain);
		vq_push(&vq, chain.head, chain.in_len);
		check((uint16_t)(vq.used_idx - used) == 1);
		vq_should_interrupt(&vq);
		check(++taken <= vq.size);
	}
	check(ret == 0 || (ret < 0 && why));
	return 0;
}
