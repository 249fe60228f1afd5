/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_SDEI_INTERNAL_H
#define LKVM_SDEI_INTERNAL_H

/*
 * What the dispatcher's files share: sdei.c (set-up and lookups),
 * state.c (the event state machine), calls.c (the ABI), dispatch.c
 * (delivery, completion, host injection, PE power) and status.c. The rest
 * of lkvm uses sdei.h only. Everything here runs under sdei->lock.
 */
#include "machine/regs.h"
#include "sdei/sdei.h"

#define REG_EN			(SDEI_ST_REGISTERED | SDEI_ST_ENABLED)

static inline const struct sdei_event_desc *desc_of(unsigned int ev)
{
	return &sdei_catalogue[ev];
}

static inline struct sdei_registration *reg_of(struct sdei *sdei, unsigned int vcpu,
					       unsigned int ev)
{
	return desc_of(ev)->shared ? &sdei->shared[ev] : &sdei->vcpus[vcpu].priv[ev];
}

/* The vCPU whose MPIDR_EL1 affinity is @mpidr's, or -1. */
int vcpu_by_mpidr(const struct sdei *sdei, uint64_t mpidr);
/* x1 carries the event number: 32 bits, the rest must be clear. */
const struct sdei_event_desc *event_arg(uint64_t x1, unsigned int *ev);

/*
 * What changes an event's state (state.c): each call that does, dispatch,
 * and completion. sdei_transition() applies @action if the table allows
 * it in the event's state and returns SDEI_SUCCESS, SDEI_PENDING (an
 * unregister that waits for the handler) or SDEI_DENIED (nothing changed).
 */
enum sdei_action {
	SDEI_ACT_REGISTER,
	SDEI_ACT_ENABLE,
	SDEI_ACT_DISABLE,
	SDEI_ACT_UNREGISTER,
	SDEI_ACT_ROUTING_SET,
	SDEI_ACT_DISPATCH,
	SDEI_ACT_COMPLETE,
	SDEI_NR_ACTIONS,
};

int64_t sdei_transition(struct sdei_registration *reg, enum sdei_action action);
/* Is @state one an event can be in (EVENT_STATUS bits)? */
bool sdei_state_valid(uint8_t state);

/* What the dispatcher already knows of a vCPU's registers. */
struct known_regs {
	const struct sdei_context *ctx;
	unsigned int gprs;	/* x0.. valid in ctx; KNOWN_ALL: everything */
	bool running;		/* it just trapped: it is powered on */
};

#define KNOWN_ALL (SDEI_SAVED_GPRS + 1)

/* dispatch.c */
void deliver_locked(struct sdei *sdei, unsigned int vcpu, struct known_regs known);
void notify_others(struct sdei *sdei, int self);
void pop_frame(struct sdei *sdei, unsigned int vcpu, struct sdei_frame *frame);

#endif
