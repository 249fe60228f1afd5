// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for loading the error sources' state from a snapshot
 * (ras/ghes_state.c), a file anyone could have written. The input, copied
 * into an allocation of exactly its size, is loaded into a region of 5
 * sources (a 2-vCPU VM) whose memory is an exact-size allocation too.
 * Checked:
 *   - refused with a one-line reason and the region unchanged, or
 *     accepted;
 *   - accepted, every source's counts balance (received = delivered +
 *     queued + dropped, delivered = acked + the one awaited if any), it
 *     saves back byte for byte,
 *     and with the guest acknowledging, every queued record is written
 *     into its block as one Linux accepts, with a notice for this VM.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "ras/ghes.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define GPA	0x47e00000ull
#define NR	5
#define VCPUS	(NR - RAS_SRC_SEA_FIRST)

static void balanced(const struct ghes_region *r)
{
	for (unsigned int i = 0; i < r->nr_sources; i++) {
		const struct ghes_source *s = &r->sources[i];

		check(s->queued <= GHES_QUEUE_MAX);
		check(s->count.received == s->count.delivered + s->queued + s->count.dropped);
		check(s->count.acked + s->awaiting_ack == s->count.delivered);
	}
}

/* The guest reads and acknowledges source @src's block. */
static void guest_ack(struct ghes_region *r, unsigned int src)
{
	uint8_t *ack = r->mem + (ghes_ack_gpa(r, src) - GPA);

	put_le32(ghes_block(r, src), 0);
	put_le64(ack, get_le64(ack) | 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t mem_size = ghes_region_size(NR), fresh_size;
	uint8_t *mem = calloc(1, mem_size), *file = malloc(size ? size : 1), *fresh, *again;
	struct ghes_region r;
	struct ras_notice n;
	char why[160];
	int ret;

	check(mem && file);
	memcpy(file, data, size);
	check(!ghes_region_init(&r, mem, GPA, NR));
	fresh_size = ghes_state_size(&r);
	fresh = malloc(fresh_size);
	ghes_state_save(&r, fresh);
	ret = ghes_state_load(&r, VCPUS, file, size, why, sizeof(why));
	if (ret) {
		check(ret == -EINVAL && why[0] && !strchr(why, '\n'));
		check(ghes_state_size(&r) == fresh_size);
		again = malloc(fresh_size);
		ghes_state_save(&r, again);
		check(!memcmp(again, fresh, fresh_size));
		free(again);
		goto out;
	}
	balanced(&r);
	check(ghes_state_size(&r) == size);
	again = malloc(size ? size : 1);
	ghes_state_save(&r, again);
	check(!memcmp(again, file, size));
	free(again);
	for (unsigned int src = 0; src < NR; src++) {
		for (unsigned int i = 0; i <= GHES_QUEUE_MAX; i++) {
			const char *bad;

			guest_ack(&r, src);
			if (!ghes_poll(&r, src, &n))
				break;
			check(n.how != RAS_NOTIFY_DEFAULT && n.how <= RAS_NOTIFY_SDEI);
			check(n.vcpu < VCPUS);
			check(cper_check(ghes_block(&r, src), GHES_BLOCK_SIZE, GHES_BLOCK_SIZE,
					 &bad) == CPER_OK);
		}
		check(!r.sources[src].queued);
		balanced(&r);
	}
out:
	ghes_region_destroy(&r);
	free(fresh);
	free(file);
	free(mem);
	return 0;
}
