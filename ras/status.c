// SPDX-License-Identifier: GPL-2.0
/* The text of `lkvm ras --status`. */
#include <inttypes.h>
#include <stdio.h>

#include "ras/cper.h"
#include "ras/status.h"

void ras_status_text(char *text, size_t len, struct ghes_region *r, bool sea_to_user,
		     const struct ras_counts *c)
{
	FILE *out;
	char name[32];

	if (!len)
		return;
	out = fmemopen(text, len, "w");
	if (!out) {
		snprintf(text, len, "out of memory");
		return;
	}
	if (r->mem)
		fprintf(out, "region 0x%" PRIx64 ", %u sources, %u-byte blocks%s\n",
			r->gpa, r->nr_sources, GHES_BLOCK_SIZE,
			sea_to_user ? "; KVM_EXIT_ARM_SEA on" : "");
	else
		fprintf(out, "region not placed yet: the UEFI firmware allocates it\n");
	fprintf(out, "%-3s %-14s %-5s %-3s %9s %9s %6s %7s %9s\n", "src", "notify",
		"block", "ack", "received", "delivered", "queued", "dropped", "acked");
	for (unsigned int i = 0; r->mem && i < r->nr_sources; i++) {
		const struct ghes_source *s = &r->sources[i];
		bool acked = ghes_acked(r, i);

		fprintf(out, "%-3u %-14s %-5s %-3u %9" PRIu64 " %9" PRIu64 " %6u %7" PRIu64 " %9" PRIu64 "\n",
			i, ras_source_name(i, name, sizeof(name)),
			*(volatile uint32_t *)ghes_block(r, i) ? "full" : "empty",
			acked, s->count.received, s->count.delivered, s->queued,
			s->count.dropped, s->count.acked);
	}
	fprintf(out, "notified: sea %" PRIu64 ", serror %" PRIu64 ", sdei %" PRIu64
		"; not notified %" PRIu64 "\n",
		c->notified[RAS_NOTIFY_SEA], c->notified[RAS_NOTIFY_SERROR],
		c->notified[RAS_NOTIFY_SDEI], c->not_notified);
	fprintf(out, "host memory errors: %" PRIu64 "; KVM external abort exits: %" PRIu64 "\n",
		c->host_errors, c->sea_exits);
	for (unsigned int i = 0; r->mem && i < r->nr_sources; i++) {
		snprintf(name, sizeof(name), "source %u", i);
		cper_print_shared(out, name, ghes_block(r, i), GHES_BLOCK_SIZE);
	}
	fclose(out);
	text[len - 1] = '\0';	/* fmemopen leaves a full buffer unterminated */
}
