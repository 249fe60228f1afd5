// SPDX-License-Identifier: GPL-2.0
/*
 * An event's state machine as one table of state x action (DEN0054C 6.1,
 * the shape TF-A's sdei_state.c gives it). An event's state is its
 * EVENT_STATUS bits; every change of it goes through sdei_transition(),
 * which looks the pair up and refuses what the table does not allow.
 */
#include "sdei/internal.h"

#define R	SDEI_ST_REGISTERED
#define E	SDEI_ST_ENABLED
#define RUN	SDEI_ST_RUNNING

/* The six states an event can be in; enabled implies registered. */
enum {
	UNREGISTERED = 0,
	DISABLED = R,
	ENABLED = R | E,
	UNREGISTER_PENDING = RUN,	/* unregistered while its handler runs */
	DISABLED_RUNNING = R | RUN,
	ENABLED_RUNNING = R | E | RUN,
	NR_STATE_BITS = 8,
};

enum outcome { DENY, DONE, PEND };

struct transition {
	uint8_t outcome;
	uint8_t next;
};

#define TO(state)	{ DONE, state }
#define PENDING_UNTIL_COMPLETE	{ PEND, UNREGISTER_PENDING }

/* What is not in the table is DENIED and changes nothing. */
static const struct transition transitions[NR_STATE_BITS][SDEI_NR_ACTIONS] = {
	[UNREGISTERED] = {
		[SDEI_ACT_REGISTER] = TO(DISABLED),
	},
	[DISABLED] = {
		[SDEI_ACT_ENABLE] = TO(ENABLED),
		[SDEI_ACT_DISABLE] = TO(DISABLED),
		[SDEI_ACT_UNREGISTER] = TO(UNREGISTERED),
		[SDEI_ACT_ROUTING_SET] = TO(DISABLED),	/* the only state for it */
	},
	[ENABLED] = {
		[SDEI_ACT_ENABLE] = TO(ENABLED),
		[SDEI_ACT_DISABLE] = TO(DISABLED),
		[SDEI_ACT_UNREGISTER] = TO(UNREGISTERED),
		[SDEI_ACT_DISPATCH] = TO(ENABLED_RUNNING),
	},
	[UNREGISTER_PENDING] = {
		[SDEI_ACT_UNREGISTER] = PENDING_UNTIL_COMPLETE,
		[SDEI_ACT_COMPLETE] = TO(UNREGISTERED),
	},
	[DISABLED_RUNNING] = {
		[SDEI_ACT_ENABLE] = TO(ENABLED_RUNNING),
		[SDEI_ACT_DISABLE] = TO(DISABLED_RUNNING),
		[SDEI_ACT_UNREGISTER] = PENDING_UNTIL_COMPLETE,
		[SDEI_ACT_COMPLETE] = TO(DISABLED),
	},
	[ENABLED_RUNNING] = {
		[SDEI_ACT_ENABLE] = TO(ENABLED_RUNNING),
		[SDEI_ACT_DISABLE] = TO(DISABLED_RUNNING),
		[SDEI_ACT_UNREGISTER] = PENDING_UNTIL_COMPLETE,
		[SDEI_ACT_COMPLETE] = TO(ENABLED),
	},
};

bool sdei_state_valid(uint8_t state)
{
	switch (state) {
	case UNREGISTERED:
	case DISABLED:
	case ENABLED:
	case UNREGISTER_PENDING:
	case DISABLED_RUNNING:
	case ENABLED_RUNNING:
		return true;
	default:
		return false;
	}
}

int64_t sdei_transition(struct sdei_registration *reg, enum sdei_action action)
{
	const struct transition *t;

	if (!sdei_state_valid(reg->state) || action >= SDEI_NR_ACTIONS)
		return SDEI_DENIED;
	t = &transitions[reg->state][action];
	if (t->outcome == DENY)
		return SDEI_DENIED;
	reg->state = t->next;
	/* A signal for an event that is gone is gone with it. */
	if (reg->state == UNREGISTERED)
		reg->pending = false;
	return t->outcome == PEND ? SDEI_PENDING : SDEI_SUCCESS;
}
