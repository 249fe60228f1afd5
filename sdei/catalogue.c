// SPDX-License-Identifier: GPL-2.0
/*
 * The events lkvm's dispatcher offers. Event numbers are platform-defined
 * and told to the guest out of band (there is no discovery call): this
 * table, `lkvm run --sdei --help` and the README are where they are told.
 */
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
