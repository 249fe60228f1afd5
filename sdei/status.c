// SPDX-License-Identifier: GPL-2.0
/* Every vCPU's and every event's state as text, for `lkvm sdei --status`. */
#include <stdarg.h>
#include <stdio.h>

#include "sdei/internal.h"

struct text {
	char *buf;
	size_t len, used;
};

static void add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->used >= t->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += n;
}

static void add_registration(struct text *t, const struct sdei_registration *reg)
{
	if (!reg->state)
		add(t, "unregistered");
	else if (!(reg->state & SDEI_ST_REGISTERED))
		add(t, "unregister-pending, running");
	else
		add(t, "registered%s%s", reg->state & SDEI_ST_ENABLED ? ", enabled" : "",
		    reg->state & SDEI_ST_RUNNING ? ", running" : "");
	if (reg->pending)
		add(t, ", pending");
	if (reg->dispatched)
		add(t, ", dispatched %llu", (unsigned long long)reg->dispatched);
}

void sdei_format_status(struct sdei *sdei, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	pthread_mutex_lock(&sdei->lock);
	add(&t, "SDEI %d.%d dispatcher, %u vCPUs\n", SDEI_VERSION_MAJOR,
	    SDEI_VERSION_MINOR, sdei->nr_vcpus);
	for (unsigned int v = 0; v < sdei->nr_vcpus; v++) {
		const struct sdei_vcpu *cpu = &sdei->vcpus[v];

		add(&t, "vCPU %u (MPIDR 0x%llx): %s, running:", v,
		    (unsigned long long)sdei->mpidrs[v],
		    cpu->masked ? "masked" : "unmasked");
		if (!cpu->depth)
			add(&t, " none");
		for (unsigned int d = 0; d < cpu->depth; d++)
			add(&t, " event %u", desc_of(cpu->stack[d].event)->number);
		add(&t, "\n");
	}
	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++) {
		const struct sdei_event_desc *desc = desc_of(ev);

		add(&t, "event %u (%s, %s): ", desc->number,
		    desc->shared ? "shared" : "private",
		    desc->critical ? "critical" : "normal");
		if (desc->shared) {
			const struct sdei_registration *reg = &sdei->shared[ev];

			add_registration(&t, reg);
			if (reg->state & SDEI_ST_REGISTERED)
				add(&t, reg->route_mode == SDEI_RM_PE ?
				    ", routed to MPIDR 0x%llx" : ", routed to any",
				    (unsigned long long)reg->route_mpidr);
			if (reg->running_on >= 0)
				add(&t, ", on vCPU %d", reg->running_on);
		} else {
			for (unsigned int v = 0; v < sdei->nr_vcpus; v++) {
				add(&t, "%svCPU %u ", v ? "; " : "", v);
				add_registration(&t, &sdei->vcpus[v].priv[ev]);
			}
		}
		add(&t, "\n");
	}
	pthread_mutex_unlock(&sdei->lock);
}
