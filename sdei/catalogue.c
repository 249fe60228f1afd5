// SPDX-License-Identifier: GPL-2.0
/*
 * The events lkvm's dispatcher offers. Event numbers are platform-defined
 * and told to the guest out of band (there is no discovery call): this
 * table, `lkvm run --sdei --help` and the README are where they are told.
 */
#include <stdio.h>

#include "sdei/sdei.h"

const struct sdei_event_desc sdei_catalogue[] = {
	/* Required by the spec (section 4.4): private, normal, signalable. */
	{ 0, false, false, true, "software-signalled (SDEI_EVENT_SIGNAL)" },
	{ 1, false, false, false, "host-injected, per vCPU, normal priority" },
	{ 2, false, true, false, "host-injected, per vCPU, critical priority" },
	{ 16, true, false, false, "host-injected or RAS notification, shared, normal priority" },
	{ 17, true, true, false, "host-injected or RAS notification, shared, critical priority" },
};

const unsigned int sdei_catalogue_size =
	sizeof(sdei_catalogue) / sizeof(sdei_catalogue[0]);

void sdei_print_catalogue(FILE *out)
{
	fprintf(out, "SDEI events (lkvm run --sdei):\n"
		"    %-7s %-8s %-9s %s\n", "event", "type", "priority", "use");
	for (unsigned int i = 0; i < sdei_catalogue_size; i++) {
		const struct sdei_event_desc *e = &sdei_catalogue[i];

		fprintf(out, "    %-7u %-8s %-9s %s\n", e->number,
			e->shared ? "shared" : "private",
			e->critical ? "critical" : "normal", e->purpose);
	}
	fprintf(out, "\n");
}

static const char *const call_names[] = {
	"VERSION", "EVENT_REGISTER", "EVENT_ENABLE", "EVENT_DISABLE",
	"EVENT_CONTEXT", "EVENT_COMPLETE", "EVENT_COMPLETE_AND_RESUME",
	"EVENT_UNREGISTER", "EVENT_STATUS", "EVENT_GET_INFO",
	"EVENT_ROUTING_SET", "PE_MASK", "PE_UNMASK", "INTERRUPT_BIND",
	"INTERRUPT_RELEASE", "EVENT_SIGNAL", "FEATURES", "PRIVATE_RESET",
	"SHARED_RESET",
};

const char *sdei_call_name(uint32_t fid)
{
	uint32_t i = fid - SDEI_FID_BASE;

	return i < sizeof(call_names) / sizeof(call_names[0]) ?
	       call_names[i] : "unknown";
}

const struct sdei_event_desc *sdei_find_event(uint32_t number,
					       unsigned int *index)
{
	for (unsigned int i = 0; i < sdei_catalogue_size; i++) {
		if (sdei_catalogue[i].number == number) {
			if (index)
				*index = i;
			return &sdei_catalogue[i];
		}
	}
	return NULL;
}
