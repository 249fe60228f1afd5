/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_SNAPSHOT_RECORDS_H
#define LKVM_SNAPSHOT_RECORDS_H

/*
 * The two sections a restore reads before it builds anything: the run
 * command line (SNAP_SEC_CONFIG) and what the VM was built as
 * (SNAP_SEC_MACHINE). Pure, so that tests/fuzz/fuzz_snapshot.c reads
 * them as it reads the rest.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "snapshot/state.h"

#define SNAP_MACHINE_SIZE	48
#define SNAP_MAX_CPUS		512
#define SNAP_MAX_RAM		(1ull << 40)	/* beyond any IPA space lkvm asks for */
#define SNAP_MAX_WORDS		256

struct snap_machine {
	uint32_t nr_cpus;
	uint32_t gic;		/* 2 or 3 */
	uint64_t ram_size;	/* whole MiB, at least 64 MiB */
	bool mte;		/* the tags are in file "tags" */
	bool its;
	uint64_t midr;		/* vCPU 0's MIDR_EL1 */
};

void snap_machine_encode(const struct snap_machine *m, uint8_t buf[SNAP_MACHINE_SIZE]);
/* 0, or -EINVAL with the reason in @why. */
int snap_machine_decode(const struct snap_section *s, struct snap_machine *m, char *why,
			size_t why_len);

/*
 * The words of a config section (each ended by a NUL) into @words, which
 * point into the section: their number, or -EINVAL (none, not NUL-ended,
 * more than SNAP_MAX_WORDS).
 */
int snap_words_decode(const struct snap_section *s, const char *words[SNAP_MAX_WORDS]);

#endif
