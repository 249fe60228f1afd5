/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_RAS_POLICY_H
#define LKVM_RAS_POLICY_H

/*
 * Which error source records an error and how the guest is told: the
 * default per origin and severity (the table in ras/README.md), and the
 * syndromes lkvm injects. Pure, so the table is unit-tested.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ras/cper.h"

enum ras_notify {
	RAS_NOTIFY_DEFAULT,
	RAS_NOTIFY_SEA,		/* synchronous external abort on one vCPU */
	RAS_NOTIFY_SERROR,	/* virtual SError with a RAS syndrome */
	RAS_NOTIFY_SDEI,	/* SDEI event 16 (normal) or 17 (critical) */
};

enum ras_origin {
	RAS_FROM_INJECT,	/* lkvm ras --inject */
	RAS_FROM_HOST_AR,	/* SIGBUS BUS_MCEERR_AR: a vCPU consumed poison */
	RAS_FROM_HOST_AO,	/* SIGBUS BUS_MCEERR_AO: poison found, not consumed */
	RAS_FROM_KVM_SEA,	/* KVM_EXIT_ARM_SEA */
};

/*
 * How the guest is told of one record, kept with it while it waits for
 * its block (ras/ghes.h) and acted on when it is written.
 */
struct ras_notice {
	enum ras_notify how;
	bool sent;		/* told already: an SEA or SError goes at once */
	unsigned int vcpu;	/* SEA and SError: the vCPU told */
	uint32_t iss;		/* SError: its syndrome */
};

/* Error sources, in the region and in a later HEST, in this order. */
#define RAS_SRC_SDEI_NORMAL	0
#define RAS_SRC_SDEI_CRITICAL	1
#define RAS_SRC_SERROR		2
#define RAS_SRC_SEA_FIRST	3	/* one per vCPU */
#define RAS_NR_SOURCES(nr_vcpus) (RAS_SRC_SEA_FIRST + (nr_vcpus))

#define RAS_SDEI_EVENT_NORMAL	16
#define RAS_SDEI_EVENT_CRITICAL	17

/* @requested, or the default for @origin and @sev. */
enum ras_notify ras_notify_for(enum ras_origin origin, enum cper_severity sev,
			       enum ras_notify requested, bool sdei_on);

/* The source a record goes to for @notify (and @vcpu, for SEA). */
unsigned int ras_source_for(enum ras_notify notify, enum cper_severity sev,
			    unsigned int vcpu);

/*
 * The ISS of a virtual SError (EC 0x2F) for an error of @sev: DFSC 0x11
 * (asynchronous SError) and the AET class. @consumed: the data was used
 * (UER), not just found bad (UEO).
 */
#define ESR_SERROR_DFSC_ASYNC	0x11u
#define ESR_SERROR_AET_SHIFT	10
#define ESR_SERROR_AET_UC	0u
#define ESR_SERROR_AET_UEU	1u
#define ESR_SERROR_AET_UEO	2u
#define ESR_SERROR_AET_UER	3u
#define ESR_SERROR_AET_CE	6u
uint32_t ras_serror_iss(enum cper_severity sev, bool consumed);

/*
 * ESR_EL1 of a synchronous external data abort lkvm raises itself (the
 * fault address unknown: FnV), from EL1 or from EL0.
 */
#define ESR_EC_SHIFT		26
#define ESR_EC_DABT_LOW		0x24u
#define ESR_EC_DABT_CUR		0x25u
#define ESR_IL			(1u << 25)
#define ESR_DABT_FNV		(1u << 10)
#define ESR_DFSC_EXT_ABORT	0x10u
uint32_t ras_sea_esr(bool from_el0);

const char *ras_notify_name(enum ras_notify notify);
/* "sdei event 16", "serror", "sea vcpu 2": error source @src, into @buf. */
const char *ras_source_name(unsigned int src, char *buf, size_t len);

#endif
