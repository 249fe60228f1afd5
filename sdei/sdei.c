// SPDX-License-Identifier: GPL-2.0
/*
 * The SDEI dispatcher: its state, set up and taken down, and the lookups
 * every part uses. Facts: ../shared/docs/sdei-facts.md. Where sources
 * conflict, this follows TF-A's dispatcher (services/std_svc/sdei), Arm's
 * reference, and says so.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sdei/internal.h"

int vcpu_by_mpidr(const struct sdei *sdei, uint64_t mpidr)
{
	for (unsigned int i = 0; i < sdei->nr_vcpus; i++)
		if ((sdei->mpidrs[i] & MPIDR_AFFINITY) == (mpidr & MPIDR_AFFINITY))
			return i;
	return -1;
}

const struct sdei_event_desc *event_arg(uint64_t x1, unsigned int *ev)
{
	return x1 > UINT32_MAX ? NULL : sdei_find_event(x1, ev);
}

int sdei_init(struct sdei *sdei, unsigned int nr_vcpus, const uint64_t *mpidrs,
	      const struct sdei_ops *ops, void *opaque)
{
	memset(sdei, 0, sizeof(*sdei));
	sdei->nr_vcpus = nr_vcpus;
	sdei->mpidrs = mpidrs;
	sdei->ops = ops;
	sdei->opaque = opaque;
	sdei->vcpus = calloc(nr_vcpus, sizeof(*sdei->vcpus));
	sdei->shared = calloc(sdei_catalogue_size, sizeof(*sdei->shared));
	if (!sdei->vcpus || !sdei->shared)
		goto nomem;
	for (unsigned int v = 0; v < nr_vcpus; v++) {
		sdei->vcpus[v].priv = calloc(sdei_catalogue_size,
					     sizeof(*sdei->vcpus[v].priv));
		if (!sdei->vcpus[v].priv)
			goto nomem;
		/* Every PE comes out of reset masked (spec 6.5.1). */
		sdei->vcpus[v].masked = true;
		for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++)
			sdei->vcpus[v].priv[ev].running_on = -1;
	}
	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++)
		sdei->shared[ev].running_on = -1;
	pthread_mutex_init(&sdei->lock, NULL);
	return 0;
nomem:
	sdei_destroy(sdei);
	return -ENOMEM;
}

void sdei_destroy(struct sdei *sdei)
{
	for (unsigned int v = 0; sdei->vcpus && v < sdei->nr_vcpus; v++)
		free(sdei->vcpus[v].priv);
	free(sdei->vcpus);
	free(sdei->shared);
	sdei->vcpus = NULL;
	sdei->shared = NULL;
}

