// SPDX-License-Identifier: GPL-2.0
/* The SDEI dispatcher against a fake register file (sdei-facts.md). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sdei/internal.h"
#include "sdei/sdei.h"
#include "tests/unit/helpers.h"

#define NR_VCPUS	3
#define RAM_LO		0x40000000ULL
#define RAM_HI		0x50000000ULL
#define HANDLER		0x40001000ULL
#define HANDLER2	0x40002000ULL
#define EL1H_DAIF	0x3c5ULL

/* Catalogue events used here. */
#define EV_SIGNAL	0	/* private normal, signalable */
#define EV_PRIV		1	/* private normal */
#define EV_PRIV_CRIT	2	/* private critical */
#define EV_SHARED	16	/* shared normal */
#define EV_SHARED_CRIT	17	/* shared critical */

struct fake_cpu {
	uint64_t x[31];
	uint64_t pc, pstate, elr, spsr, sctlr;
	bool offline;
	int kicks;
};

struct fixture {
	struct sdei sdei;
	struct fake_cpu cpu[NR_VCPUS];
	uint64_t mpidr[NR_VCPUS];
};

static struct fake_cpu *cpu_of(void *opaque, unsigned int vcpu)
{
	return &((struct fixture *)opaque)->cpu[vcpu];
}

static int f_get_args(void *o, unsigned int v, uint64_t *a, unsigned int n)
{
	memcpy(a, &cpu_of(o, v)->x[1], n * sizeof(*a));
	return 0;
}

static int f_set_result(void *o, unsigned int v, int64_t x0)
{
	cpu_of(o, v)->x[0] = x0;
	return 0;
}

static int f_save(void *o, unsigned int v, struct sdei_context *ctx,
		  unsigned int from)
{
	struct fake_cpu *c = cpu_of(o, v);

	/* What the dispatcher says it knows must be what the vCPU has (but
	 * x0, the call's result, which goes into the context instead). */
	for (unsigned int i = 1; i < from; i++)
		assert_int_equal(ctx->x[i], c->x[i]);
	memcpy(&ctx->x[from], &c->x[from], (SDEI_SAVED_GPRS - from) * sizeof(ctx->x[0]));
	ctx->pc = c->pc;
	ctx->pstate = c->pstate;
	return 0;
}

static int f_enter(void *o, unsigned int v, const uint64_t x[4], uint64_t pc,
		   uint64_t pstate)
{
	struct fake_cpu *c = cpu_of(o, v);

	memcpy(c->x, x, 4 * sizeof(*x));
	c->pc = pc;
	c->pstate = pstate;
	return 0;
}

static int f_restore(void *o, unsigned int v, const struct sdei_context *ctx)
{
	struct fake_cpu *c = cpu_of(o, v);

	memcpy(c->x, ctx->x, sizeof(ctx->x));
	c->pc = ctx->pc;
	c->pstate = ctx->pstate;
	return 0;
}

static int f_resume_at(void *o, unsigned int v, const struct sdei_context *ctx,
		       uint64_t pc, uint64_t pstate)
{
	struct fake_cpu *c = cpu_of(o, v);

	memcpy(c->x, ctx->x, sizeof(ctx->x));
	c->elr = ctx->pc;
	c->spsr = ctx->pstate;
	c->pc = pc;
	c->pstate = pstate;
	return 0;
}

static int f_get_sctlr(void *o, unsigned int v, uint64_t *sctlr)
{
	*sctlr = cpu_of(o, v)->sctlr;
	return 0;
}

static bool f_valid(void *o, unsigned int v, uint64_t addr)
{
	(void)o, (void)v;
	return addr >= RAM_LO && addr < RAM_HI;
}

static bool f_online(void *o, unsigned int v)
{
	return !cpu_of(o, v)->offline;
}

static void f_kick(void *o, unsigned int v)
{
	cpu_of(o, v)->kicks++;
}

static const struct sdei_ops fake_ops = {
	f_get_args, f_set_result, f_save, f_enter, f_restore, f_resume_at,
	f_get_sctlr, f_valid, f_online, f_kick,
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		f->mpidr[v] = 0x80000000ULL | v;
		for (unsigned int r = 0; r < 31; r++)
			f->cpu[v].x[r] = 0x1000 * (v + 1) + r;
		f->cpu[v].pc = 0x40080000 + 0x100 * v;
		f->cpu[v].pstate = 0x60000005;	/* EL1h, Z and C set, DAIF clear */
		f->cpu[v].elr = 0xe1e1;
		f->cpu[v].spsr = 0x5959;
		f->cpu[v].sctlr = 1ULL << 23;	/* SPAN: PAN left alone */
	}
	assert_int_equal(sdei_init(&f->sdei, NR_VCPUS, f->mpidr, &fake_ops, f), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	sdei_destroy(&f->sdei);
	free(f);
	return 0;
}

/* The guest on @v makes call @fid: arguments go in x1-x5, PC moves past the
 * HVC, and the dispatcher runs. Returns x0 afterwards. */
static int64_t call(struct fixture *f, unsigned int v, uint32_t fid,
		    uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		    uint64_t a5)
{
	struct fake_cpu *c = &f->cpu[v];
	uint64_t args[5] = { a1, a2, a3, a4, a5 };

	c->x[0] = fid;
	memcpy(&c->x[1], args, sizeof(args));
	c->pc += 4;
	/* Like the KVM edge, pass only the arguments the call takes. */
	for (unsigned int i = sdei_nr_args(fid); i < 5; i++)
		args[i] = 0x5afe0000 + i;
	sdei_handle_call(&f->sdei, v, fid, args);
	return (int64_t)c->x[0];
}

#define CALL0(f, v, fid) call(f, v, fid, 0, 0, 0, 0, 0)
#define CALL1(f, v, fid, a) call(f, v, fid, a, 0, 0, 0, 0)
#define CALL2(f, v, fid, a, b) call(f, v, fid, a, b, 0, 0, 0)

static int64_t reg_ev(struct fixture *f, unsigned int v, uint32_t ev,
		      uint64_t entry, uint64_t arg)
{
	return call(f, v, SDEI_EVENT_REGISTER, ev, entry, arg, 0, 0);
}

/* Registered, enabled, PE unmasked: ready to take @ev on @v. */
static void ready(struct fixture *f, unsigned int v, uint32_t ev)
{
	assert_int_equal(reg_ev(f, v, ev, HANDLER + ev * 0x100, 0xa000 + ev), 0);
	assert_int_equal(CALL1(f, v, SDEI_EVENT_ENABLE, ev), 0);
	assert_int_equal(CALL0(f, v, SDEI_PE_UNMASK), 0);
}

static void complete(struct fixture *f, unsigned int v)
{
	uint64_t args[5] = { 0 };

	f->cpu[v].pc += 4;
	sdei_handle_call(&f->sdei, v, SDEI_EVENT_COMPLETE, args);
}

static void test_version_features_unknown(void **state)
{
	struct fixture *f = *state;
	int64_t v = CALL0(f, 0, SDEI_VERSION);

	assert_int_equal((v >> 48) & 0x7fff, 1);
	assert_int_equal((v >> 32) & 0xffff, 1);
	assert_int_equal(v & 0xffffffff, SDEI_VENDOR_ID);
	assert_true(v > 0);
	assert_int_equal(CALL1(f, 0, SDEI_FEATURES, 0), 0);
	assert_int_equal(CALL1(f, 0, SDEI_FEATURES, 1), 0);
	assert_int_equal(CALL1(f, 0, SDEI_FEATURES, 2), SDEI_INVALID_PARAMETERS);
	assert_int_equal(CALL0(f, 0, 0xC4000033), SDEI_NOT_SUPPORTED);
	assert_int_equal(CALL0(f, 0, 0xC400003F), SDEI_NOT_SUPPORTED);
	/* Results are sign-extended 64-bit values. */
	assert_int_equal(f->cpu[0].x[0], 0xffffffffffffffffULL);
}

static void test_register_errors(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(reg_ev(f, 0, 99, HANDLER, 0), SDEI_INVALID_PARAMETERS);
	assert_int_equal(reg_ev(f, 0, EV_PRIV, 0, 0), SDEI_INVALID_PARAMETERS);
	assert_int_equal(reg_ev(f, 0, EV_PRIV, 0x1000, 0), SDEI_INVALID_PARAMETERS);
	assert_int_equal(reg_ev(f, 0, EV_PRIV, RAM_HI, 0), SDEI_INVALID_PARAMETERS);
	assert_int_equal(call(f, 0, SDEI_EVENT_REGISTER, (1ULL << 32) | EV_PRIV,
			      HANDLER, 0, 0, 0), SDEI_INVALID_PARAMETERS);
	/* Relative mode (bit 1) is not offered; other bits are reserved. */
	assert_int_equal(call(f, 0, SDEI_EVENT_REGISTER, EV_SHARED, HANDLER, 0,
			      2, 0), SDEI_INVALID_PARAMETERS);
	assert_int_equal(call(f, 0, SDEI_EVENT_REGISTER, EV_SHARED, HANDLER, 0,
			      1ULL << 40, 0), SDEI_INVALID_PARAMETERS);
	/* RM_PE to an MPIDR no vCPU has. */
	assert_int_equal(call(f, 0, SDEI_EVENT_REGISTER, EV_SHARED, HANDLER, 0,
			      SDEI_RM_PE, 0x80000007), SDEI_INVALID_PARAMETERS);
	assert_int_equal(call(f, 0, SDEI_EVENT_STATUS, EV_SHARED, 0, 0, 0, 0), 0);
	/* Private events take flags 0 and affinity 0, as Linux passes. */
	assert_int_equal(reg_ev(f, 0, EV_PRIV, HANDLER, 0), 0);
	assert_int_equal(reg_ev(f, 0, EV_PRIV, HANDLER, 0), SDEI_DENIED);
	/* Private: each vCPU has its own registration. */
	assert_int_equal(reg_ev(f, 1, EV_PRIV, HANDLER, 0), 0);
	/* Shared: one per VM, whoever registers it. */
	assert_int_equal(reg_ev(f, 1, EV_SHARED, HANDLER, 0), 0);
	assert_int_equal(reg_ev(f, 2, EV_SHARED, HANDLER, 0), SDEI_DENIED);
	assert_int_equal(CALL1(f, 2, SDEI_EVENT_STATUS, EV_SHARED), SDEI_ST_REGISTERED);
	assert_int_equal(CALL1(f, 2, SDEI_EVENT_STATUS, EV_PRIV), 0);
	assert_int_equal(CALL1(f, 2, SDEI_EVENT_STATUS, 1000), SDEI_INVALID_PARAMETERS);
}

/*
 * sdei-facts.md section 2: every state crossed with every call. States are
 * reached for the shared normal event; "next" is the state after the call.
 */
enum { ST_reg, ST_reG, ST_rEG, ST_ReG, ST_REG, ST_Reg, NR_STATES };
static const unsigned int state_bits[NR_STATES] = { 0, 1, 3, 5, 7, 4 };

enum { C_REGISTER, C_RELEASE, C_ENABLE, C_DISABLE, C_UNREGISTER, C_ROUTING,
       C_CONTEXT, C_COMPLETE, NR_CALLS };

struct cell {
	int64_t ret;	/* 1: "a value", for CONTEXT */
	int next;
};

#define OK(n)	{ SDEI_SUCCESS, ST_##n }
#define DEN(n)	{ SDEI_DENIED, ST_##n }
#define PEN(n)	{ SDEI_PENDING, ST_##n }
#define INV(n)	{ SDEI_INVALID_PARAMETERS, ST_##n }
#define VAL(n)	{ 1, ST_##n }

static const struct cell state_table[NR_STATES][NR_CALLS] = {
	/*           REGISTER  RELEASE   ENABLE    DISABLE   UNREG     ROUTING   CONTEXT   COMPLETE */
	[ST_reg] = { OK(reG),  INV(reg), DEN(reg), DEN(reg), DEN(reg), DEN(reg), DEN(reg), DEN(reg) },
	[ST_reG] = { DEN(reG), INV(reG), OK(rEG),  OK(reG),  OK(reg),  OK(reG),  DEN(reG), DEN(reG) },
	[ST_rEG] = { DEN(rEG), INV(rEG), OK(rEG),  OK(reG),  OK(reg),  DEN(rEG), DEN(rEG), DEN(rEG) },
	[ST_ReG] = { DEN(ReG), INV(ReG), OK(REG),  OK(ReG),  PEN(Reg), DEN(ReG), VAL(ReG), OK(reG) },
	[ST_REG] = { DEN(REG), INV(REG), OK(REG),  OK(ReG),  PEN(Reg), DEN(REG), VAL(REG), OK(rEG) },
	[ST_Reg] = { DEN(Reg), INV(Reg), DEN(Reg), DEN(Reg), PEN(Reg), DEN(Reg), VAL(Reg), OK(reg) },
};

/* Where vCPU 0 was when reach_state() dispatched the event. */
static uint64_t interrupted_pc;

/* Bring the shared event to @st on vCPU 0, with nothing else going on. */
static void reach_state(struct fixture *f, int st)
{
	if (st == ST_reg)
		return;
	assert_int_equal(reg_ev(f, 0, EV_SHARED, HANDLER, 0x77), 0);
	if (st == ST_reG)
		return;
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_ENABLE, EV_SHARED), 0);
	if (st == ST_rEG)
		return;
	assert_int_equal(CALL0(f, 0, SDEI_PE_UNMASK), 0);
	assert_int_equal(sdei_inject(&f->sdei, EV_SHARED, -1), 0);
	interrupted_pc = f->cpu[0].pc;
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(f->cpu[0].pc, HANDLER);
	if (st == ST_REG)
		return;
	if (st == ST_ReG) {
		assert_int_equal(CALL1(f, 0, SDEI_EVENT_DISABLE, EV_SHARED), 0);
		return;
	}
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_UNREGISTER, EV_SHARED), SDEI_PENDING);
}

static int64_t do_call(struct fixture *f, int c)
{
	switch (c) {
	case C_REGISTER:
		return reg_ev(f, 0, EV_SHARED, HANDLER, 0);
	case C_RELEASE:
		return CALL1(f, 0, SDEI_INTERRUPT_RELEASE, EV_SHARED);
	case C_ENABLE:
		return CALL1(f, 0, SDEI_EVENT_ENABLE, EV_SHARED);
	case C_DISABLE:
		return CALL1(f, 0, SDEI_EVENT_DISABLE, EV_SHARED);
	case C_UNREGISTER:
		return CALL1(f, 0, SDEI_EVENT_UNREGISTER, EV_SHARED);
	case C_ROUTING:
		return call(f, 0, SDEI_EVENT_ROUTING_SET, EV_SHARED, SDEI_RM_PE,
			    f->mpidr[1], 0, 0);
	case C_CONTEXT:
		return CALL1(f, 0, SDEI_EVENT_CONTEXT, 5);
	default:
		return CALL1(f, 0, SDEI_EVENT_COMPLETE, 0);
	}
}

static void test_state_table(void **state)
{
	(void)state;
	for (int st = 0; st < NR_STATES; st++) {
		for (int c = 0; c < NR_CALLS; c++) {
			const struct cell *cell = &state_table[st][c];
			void *fx;
			struct fixture *f;
			int64_t ret;

			setup(&fx);
			f = fx;
			reach_state(f, st);
			assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_SHARED),
					 state_bits[st]);
			ret = do_call(f, c);
			if (c == C_COMPLETE && cell->ret == SDEI_SUCCESS) {
				/* Resumed the interrupted context instead. */
				assert_int_equal(f->cpu[0].pc, interrupted_pc);
			} else if (cell->ret == 1) {
				assert_true(ret >= 0);
			} else if (ret != cell->ret) {
				fail_msg("state %u, call %d: got %lld, want %lld",
					 state_bits[st], c, (long long)ret,
					 (long long)cell->ret);
			}
			ret = CALL1(f, 0, SDEI_EVENT_STATUS, EV_SHARED);
			if (ret != state_bits[cell->next])
				fail_msg("state %u, call %d: now %lld, want %u",
					 state_bits[st], c, (long long)ret,
					 state_bits[cell->next]);
			teardown(&fx);
		}
	}
}

/*
 * The table behind the calls (state.c): a state no event can be in (2 and
 * 6: enabled but not registered) takes no action, and stays as it is.
 */
static void test_transition_refuses_impossible_states(void **state)
{
	static const uint8_t impossible[] = {
		SDEI_ST_ENABLED, SDEI_ST_ENABLED | SDEI_ST_RUNNING,
	};
	struct sdei_registration registered = { .state = SDEI_ST_REGISTERED };
	unsigned int valid = 0;

	(void)state;
	for (uint8_t st = 0; st < 8; st++)
		valid += sdei_state_valid(st);
	assert_int_equal(valid, 6);
	for (size_t i = 0; i < sizeof(impossible); i++) {
		assert_false(sdei_state_valid(impossible[i]));
		for (int act = 0; act < SDEI_NR_ACTIONS; act++) {
			struct sdei_registration reg = { .state = impossible[i], .pending = true };

			assert_int_equal(sdei_transition(&reg, act), SDEI_DENIED);
			assert_int_equal(reg.state, impossible[i]);
			assert_true(reg.pending);
		}
	}
	/* An action outside the table is refused too. */
	assert_int_equal(sdei_transition(&registered, SDEI_NR_ACTIONS), SDEI_DENIED);
	assert_int_equal(registered.state, SDEI_ST_REGISTERED);
}

static void test_dispatch_and_complete(void **state)
{
	struct fixture *f = *state;
	struct fake_cpu *c = &f->cpu[1];
	uint64_t before[31], pc, pstate;

	ready(f, 1, EV_PRIV);
	memcpy(before, c->x, sizeof(before));
	pc = c->pc;
	pstate = c->pstate;
	assert_int_equal(sdei_inject(&f->sdei, EV_PRIV, 1), 0);
	/* Delivered on the vCPU's own thread: the injector only kicks. */
	assert_int_equal(c->kicks, 1);
	assert_int_equal(c->pc, pc);
	assert_true(sdei_maybe_pending(&f->sdei, 1));
	sdei_deliver(&f->sdei, 1);
	assert_false(sdei_maybe_pending(&f->sdei, 1));

	assert_int_equal(c->pc, HANDLER + EV_PRIV * 0x100);
	assert_int_equal(c->x[0], EV_PRIV);
	assert_int_equal(c->x[1], 0xa000 + EV_PRIV);
	assert_int_equal(c->x[2], pc);
	assert_int_equal(c->x[3], pstate);
	/* EL1h, DAIF masked, NZCV kept; x4-x30, ELR and SPSR untouched. */
	assert_int_equal(c->pstate, 0x60000000 | EL1H_DAIF);
	assert_memory_equal(&c->x[4], &before[4], 27 * sizeof(uint64_t));
	assert_int_equal(c->elr, 0xe1e1);
	assert_int_equal(c->spsr, 0x5959);
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_STATUS, EV_PRIV), 7);

	/* EVENT_CONTEXT gives the interrupted x0-x17. */
	for (int n = 0; n < 18; n++)
		assert_int_equal(CALL1(f, 1, SDEI_EVENT_CONTEXT, n), before[n]);
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_CONTEXT, 18), SDEI_INVALID_PARAMETERS);

	/* The handler clobbers x0-x17; COMPLETE brings back all of them. */
	for (int r = 0; r < 18; r++)
		c->x[r] = 0xdead0000 + r;
	complete(f, 1);
	assert_memory_equal(c->x, before, 18 * sizeof(uint64_t));
	assert_int_equal(c->pc, pc);
	assert_int_equal(c->pstate, pstate);
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_STATUS, EV_PRIV), 3);
	/* Nothing running now. */
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_COMPLETE, 0), SDEI_DENIED);
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_CONTEXT, 0), SDEI_DENIED);
}

static void test_pan_from_sctlr(void **state)
{
	struct fixture *f = *state;

	f->cpu[0].sctlr = 1ULL << 44;	/* SPAN clear, DSSBS set */
	ready(f, 0, EV_PRIV);
	sdei_inject(&f->sdei, EV_PRIV, 0);
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(f->cpu[0].pstate,
			 0x60000000 | (1ULL << 22) | (1ULL << 12) | EL1H_DAIF);
}

static void test_complete_and_resume(void **state)
{
	struct fixture *f = *state;
	struct fake_cpu *c = &f->cpu[0];
	uint64_t before[18], pc, pstate;

	ready(f, 0, EV_PRIV);
	memcpy(before, c->x, sizeof(before));
	pc = c->pc;
	pstate = c->pstate;
	sdei_inject(&f->sdei, EV_PRIV, 0);
	sdei_deliver(&f->sdei, 0);
	for (int r = 0; r < 18; r++)
		c->x[r] = 0xbeef;
	/* A resume address outside RAM is refused (TF-A: DENIED). */
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_COMPLETE_AND_RESUME, 0x10), SDEI_DENIED);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_PRIV), 7);
	call(f, 0, SDEI_EVENT_COMPLETE_AND_RESUME, HANDLER2, 0, 0, 0, 0);
	assert_memory_equal(c->x, before, sizeof(before));
	assert_int_equal(c->pc, HANDLER2);
	assert_int_equal(c->pstate, EL1H_DAIF);
	assert_int_equal(c->elr, pc);
	assert_int_equal(c->spsr, pstate);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_PRIV), 3);
}

/* A normal, a critical and a shared event (routed to it) ready on vCPU 0. */
static void three_events_on_vcpu0(struct fixture *f)
{
	ready(f, 0, EV_PRIV);
	assert_int_equal(reg_ev(f, 0, EV_PRIV_CRIT, HANDLER2, 0), 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_ENABLE, EV_PRIV_CRIT), 0);
	assert_int_equal(reg_ev(f, 0, EV_SHARED, HANDLER + 0x800, 0), 0);
	assert_int_equal(call(f, 0, SDEI_EVENT_ROUTING_SET, EV_SHARED, SDEI_RM_PE,
			      f->mpidr[0], 0, 0), 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_ENABLE, EV_SHARED), 0);
}

static void test_priorities(void **state)
{
	struct fixture *f = *state;
	struct fake_cpu *c = &f->cpu[0];
	uint64_t pc;

	three_events_on_vcpu0(f);

	/* Normal running: another normal waits, a critical preempts. */
	pc = c->pc;
	sdei_inject(&f->sdei, EV_PRIV, 0);
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(c->x[0], EV_PRIV);
	sdei_inject(&f->sdei, EV_SHARED, -1);
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(c->x[0], EV_PRIV);
	sdei_inject(&f->sdei, EV_PRIV_CRIT, 0);
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(c->pc, HANDLER2);
	assert_int_equal(c->x[0], EV_PRIV_CRIT);
	/* Critical running: nothing preempts it, not even a critical. */
	assert_int_equal(c->x[2], HANDLER + EV_PRIV * 0x100);

	/* COMPLETE of the critical goes back into the normal handler... */
	complete(f, 0);
	assert_int_equal(c->pc, HANDLER + EV_PRIV * 0x100);
	assert_int_equal(c->x[0], EV_PRIV);
	/* ...and the waiting normal runs once the first normal completes. */
	complete(f, 0);
	assert_int_equal(c->pc, HANDLER + 0x800);
	assert_int_equal(c->x[0], EV_SHARED);
	complete(f, 0);
	assert_int_equal(c->pc, pc);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_COMPLETE, 0), SDEI_DENIED);
}

/*
 * The scene of test_priorities, saved while a critical handler preempts a
 * normal one with a shared event waiting, loaded into a second dispatcher
 * with the same vCPU registers: both then run the rest the same way, to
 * the exact interrupted context.
 */
static uint64_t nested_scene(struct fixture *f)
{
	uint64_t interrupted;

	three_events_on_vcpu0(f);
	ready(f, 2, EV_SIGNAL);
	interrupted = f->cpu[0].pc;
	sdei_inject(&f->sdei, EV_PRIV, 0);
	sdei_deliver(&f->sdei, 0);
	sdei_inject(&f->sdei, EV_SHARED, -1);
	sdei_inject(&f->sdei, EV_PRIV_CRIT, 0);
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(f->sdei.vcpus[0].depth, 2);
	return interrupted;
}

static void test_state_save_load(void **state)
{
	struct fixture *f = *state;
	void *other;
	struct fixture *g;
	size_t size = sdei_state_size(&f->sdei);
	uint8_t *saved = malloc(size), *again = malloc(size);
	char why[128], text_f[4096], text_g[4096];
	uint64_t interrupted = nested_scene(f);
	sdei_state_save(&f->sdei, saved);
	setup(&other);
	g = other;
	memcpy(g->cpu, f->cpu, sizeof(f->cpu));
	if (sdei_state_load(&g->sdei, saved, size, why, sizeof(why)))
		fail_msg("load: %s", why);
	sdei_state_save(&g->sdei, again);
	assert_memory_equal(again, saved, size);
	sdei_format_status(&f->sdei, text_f, sizeof(text_f));
	sdei_format_status(&g->sdei, text_g, sizeof(text_g));
	assert_string_equal(text_g, text_f);
	/* Three completions each: critical, normal (the shared one enters), shared. */
	for (int i = 0; i < 3; i++) {
		complete(f, 0);
		complete(g, 0);
		assert_memory_equal(&g->cpu[0], &f->cpu[0], sizeof(f->cpu[0]));
	}
	assert_int_equal(g->cpu[0].pc, interrupted);
	assert_int_equal(f->sdei.vcpus[0].depth, 0);
	assert_int_equal(g->sdei.vcpus[0].depth, 0);
	assert_int_equal(CALL1(g, 0, SDEI_EVENT_COMPLETE, 0), SDEI_DENIED);
	teardown(&other);
	free(saved);
	free(again);
}

/* Offsets into the saved state (sdei/save.c's layout). */
#define ST_REG		40
#define ST_FRAME	(8 + (SDEI_SAVED_GPRS + 2) * 8)
#define ST_VCPU		(8 + SDEI_MAX_DEPTH * ST_FRAME)

static size_t shared_reg_at(unsigned int number)
{
	unsigned int ev;

	assert_non_null(sdei_find_event(number, &ev));
	return 8 + ev * ST_REG;
}

static size_t vcpu_at(unsigned int v)
{
	return 8 + sdei_catalogue_size * ST_REG + v * (ST_VCPU + sdei_catalogue_size * ST_REG);
}

/* A state file broken one way at a time: refused, the dispatcher as it was. */
static void test_state_load_refusals(void **state)
{
	struct fixture *f = *state;
	size_t size = sdei_state_size(&f->sdei), frame0 = vcpu_at(0) + 8;
	uint8_t *saved = malloc(size), *bad = malloc(size), *before = malloc(size),
		*after = malloc(size);
	char why[128];
	void *other;
	struct fixture *g;

	nested_scene(f);
	sdei_state_save(&f->sdei, saved);
	setup(&other);
	g = other;
	sdei_state_save(&g->sdei, before);
	for (int i = 0; i < 8; i++) {
		const char *want;
		size_t len = size;

		memcpy(bad, saved, size);
		switch (i) {
		case 0:
			len--;
			want = "the SDEI state is for another VM (vCPUs or events differ)";
			break;
		case 1:
			bad[shared_reg_at(EV_SHARED)] = SDEI_ST_ENABLED;
			want = "event 16: a registration out of range";
			break;
		case 2:
			bad[shared_reg_at(EV_SHARED) + 3] = 1;
			want = "event 16: a registration out of range";
			break;
		case 3:
			bad[vcpu_at(0) + 1] = 3;
			want = "vCPU 0: a handler stack out of range";
			break;
		case 4:
			/* The interrupted context at EL2. */
			bad[frame0 + 8 + 8 * SDEI_SAVED_GPRS + 8] = 0x09;
			want = "vCPU 0: a handler stack out of range";
			break;
		case 5:
			memcpy(bad + frame0, saved + frame0 + ST_FRAME, ST_FRAME);
			memcpy(bad + frame0 + ST_FRAME, saved + frame0, ST_FRAME);
			want = "vCPU 0: a handler over one it may not preempt";
			break;
		case 6:
			/* The critical handler's frame gone, its event still running. */
			bad[vcpu_at(0) + 1] = 1;
			memset(bad + frame0 + ST_FRAME, 0, ST_FRAME);
			want = "vCPU 0: a running event not on its stack";
			break;
		default:
			memset(bad + shared_reg_at(EV_SHARED) + 8, 0, 8);
			want = "event 16: a handler or route no guest could register";
			break;
		}
		assert_int_equal(sdei_state_load(&g->sdei, bad, len, why, sizeof(why)), -EINVAL);
		if (strcmp(why, want))
			fail_msg("case %d: '%s', want '%s'", i, why, want);
		sdei_state_save(&g->sdei, after);
		assert_memory_equal(after, before, size);
	}
	teardown(&other);
	free(saved);
	free(bad);
	free(before);
	free(after);
}

static void test_critical_first_when_both_pending(void **state)
{
	struct fixture *f = *state;
	struct fake_cpu *c = &f->cpu[0];

	ready(f, 0, EV_PRIV);
	assert_int_equal(reg_ev(f, 0, EV_PRIV_CRIT, HANDLER2, 0), 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_ENABLE, EV_PRIV_CRIT), 0);
	assert_int_equal(CALL0(f, 0, SDEI_PE_MASK), 1);
	sdei_inject(&f->sdei, EV_PRIV, 0);
	sdei_inject(&f->sdei, EV_PRIV_CRIT, 0);
	/* Masked: nothing is delivered, both stay pending. */
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_PRIV), 3);
	/* Unmasking delivers the critical one, then the normal one may not
	 * nest under it: depth stays 1 until the critical completes. */
	CALL0(f, 0, SDEI_PE_UNMASK);
	assert_int_equal(c->x[0], EV_PRIV_CRIT);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_PRIV), 3);
	complete(f, 0);
	assert_int_equal(c->x[0], EV_PRIV);
}

static void test_mask_unmask(void **state)
{
	struct fixture *f = *state;
	struct fake_cpu *c = &f->cpu[0];
	uint64_t pc;

	/* PEs start masked; MASK answers 1 if it changed anything, else 0. */
	assert_int_equal(CALL0(f, 0, SDEI_PE_MASK), 0);
	assert_int_equal(CALL0(f, 0, SDEI_PE_UNMASK), 0);
	assert_int_equal(CALL0(f, 0, SDEI_PE_MASK), 1);
	assert_int_equal(CALL0(f, 0, SDEI_PE_MASK), 0);
	assert_int_equal(reg_ev(f, 0, EV_PRIV, HANDLER, 0), 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_ENABLE, EV_PRIV), 0);
	sdei_inject(&f->sdei, EV_PRIV, 0);
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_PRIV), 3);
	/* UNMASK returns 0 to the caller, then the event runs; COMPLETE
	 * comes back right after the UNMASK call with x0 = 0. */
	pc = c->pc + 4;
	assert_int_equal(CALL0(f, 0, SDEI_PE_UNMASK), EV_PRIV);
	assert_int_equal(c->pc, HANDLER);
	assert_int_equal(c->x[2], pc);
	complete(f, 0);
	assert_int_equal(c->pc, pc);
	assert_int_equal(c->x[0], 0);
}

static void test_disabled_event_waits_for_enable(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(reg_ev(f, 0, EV_PRIV, HANDLER, 0), 0);
	CALL0(f, 0, SDEI_PE_UNMASK);
	assert_int_equal(sdei_inject(&f->sdei, EV_PRIV, 0), 0);
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_PRIV), 1);
	/* ENABLE returns 0 and the pending event runs. */
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_ENABLE, EV_PRIV), EV_PRIV);
	assert_int_equal(f->cpu[0].pc, HANDLER);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_CONTEXT, 0), 0);
}

static void test_unregister_while_running(void **state)
{
	struct fixture *f = *state;

	ready(f, 0, EV_PRIV);
	sdei_inject(&f->sdei, EV_PRIV, 0);
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_UNREGISTER, EV_PRIV), SDEI_PENDING);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_PRIV), SDEI_ST_RUNNING);
	/* Triggers while unregister-pending are not kept. */
	assert_int_equal(sdei_inject(&f->sdei, EV_PRIV, 0), -ENOTCONN);
	complete(f, 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_PRIV), 0);
	assert_int_equal(reg_ev(f, 0, EV_PRIV, HANDLER, 0), 0);
}

static void test_resets(void **state)
{
	struct fixture *f = *state;

	ready(f, 0, EV_PRIV);
	assert_int_equal(reg_ev(f, 0, EV_PRIV_CRIT, HANDLER2, 0), 0);
	assert_int_equal(reg_ev(f, 1, EV_PRIV, HANDLER, 0), 0);
	assert_int_equal(reg_ev(f, 0, EV_SHARED, HANDLER, 0), 0);
	CALL1(f, 0, SDEI_EVENT_ENABLE, EV_SHARED);

	/* Nothing running: both resets succeed. PRIVATE_RESET is per PE. */
	assert_int_equal(CALL0(f, 0, SDEI_PRIVATE_RESET), 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_PRIV), 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_PRIV_CRIT), 0);
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_STATUS, EV_PRIV), 1);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_SHARED), 3);

	/* A running shared event: SHARED_RESET is DENIED, the event ends
	 * unregistered when it completes. */
	sdei_inject(&f->sdei, EV_SHARED, -1);
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(CALL0(f, 0, SDEI_SHARED_RESET), SDEI_DENIED);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_SHARED), SDEI_ST_RUNNING);
	complete(f, 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_SHARED), 0);
	assert_int_equal(CALL0(f, 0, SDEI_SHARED_RESET), 0);

	/* A running private event: PRIVATE_RESET is DENIED. */
	ready(f, 1, EV_PRIV_CRIT);
	sdei_inject(&f->sdei, EV_PRIV_CRIT, 1);
	sdei_deliver(&f->sdei, 1);
	assert_int_equal(CALL0(f, 1, SDEI_PRIVATE_RESET), SDEI_DENIED);
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_STATUS, EV_PRIV), 0);
	complete(f, 1);
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_STATUS, EV_PRIV_CRIT), 0);
}

static void test_signal(void **state)
{
	struct fixture *f = *state;
	struct fake_cpu *c0 = &f->cpu[0], *c2 = &f->cpu[2];
	uint64_t pc;

	assert_int_equal(CALL2(f, 0, SDEI_EVENT_SIGNAL, 1, f->mpidr[0]), SDEI_INVALID_PARAMETERS);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_SIGNAL, 0, 0x80000009), SDEI_INVALID_PARAMETERS);
	/* Target without event 0 registered and enabled, or masked. */
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_SIGNAL, 0, f->mpidr[2]), SDEI_INVALID_PARAMETERS);
	assert_int_equal(reg_ev(f, 2, EV_SIGNAL, HANDLER, 0x22), 0);
	assert_int_equal(CALL1(f, 2, SDEI_EVENT_ENABLE, EV_SIGNAL), 0);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_SIGNAL, 0, f->mpidr[2]), SDEI_INVALID_PARAMETERS);
	CALL0(f, 2, SDEI_PE_UNMASK);

	/* Another PE: it is kicked and takes the event on its own thread. */
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_SIGNAL, 0, f->mpidr[2]), 0);
	assert_int_equal(c2->kicks, 1);
	sdei_deliver(&f->sdei, 2);
	assert_int_equal(c2->pc, HANDLER);
	assert_int_equal(c2->x[0], 0);
	assert_int_equal(c2->x[1], 0x22);
	complete(f, 2);

	/* Itself: the handler runs at once and returns into the caller just
	 * after its HVC, with x0 = 0 (the call's result). */
	ready(f, 0, EV_SIGNAL);
	pc = c0->pc + 4;
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_SIGNAL, 0, f->mpidr[0] & 0xff),
			 EV_SIGNAL);
	assert_int_equal(c0->pc, HANDLER);
	assert_int_equal(c0->x[2], pc);
	complete(f, 0);
	assert_int_equal(c0->pc, pc);
	assert_int_equal(c0->x[0], 0);
	assert_int_equal(c0->x[1], 0);
}

static void test_shared_routing(void **state)
{
	struct fixture *f = *state;

	for (unsigned int v = 0; v < NR_VCPUS; v++)
		CALL0(f, v, SDEI_PE_UNMASK);
	assert_int_equal(call(f, 0, SDEI_EVENT_REGISTER, EV_SHARED, HANDLER, 0,
			      SDEI_RM_PE, f->mpidr[2]), 0);
	assert_int_equal(call(f, 0, SDEI_EVENT_GET_INFO, EV_SHARED, 3, 0, 0, 0), SDEI_RM_PE);
	assert_int_equal(call(f, 0, SDEI_EVENT_GET_INFO, EV_SHARED, 4, 0, 0, 0),
			 (int64_t)(f->mpidr[2] & 0xff00ffffffULL));
	CALL1(f, 1, SDEI_EVENT_ENABLE, EV_SHARED);
	sdei_inject(&f->sdei, EV_SHARED, -1);
	/* Only the RM_PE target is kicked and can take it. */
	assert_int_equal(f->cpu[0].kicks + f->cpu[1].kicks, 0);
	assert_int_equal(f->cpu[2].kicks, 1);
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_SHARED), 3);
	sdei_deliver(&f->sdei, 2);
	assert_int_equal(f->cpu[2].pc, HANDLER);
	/* One instance system-wide: running is seen from every PE. */
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_STATUS, EV_SHARED), 7);
	complete(f, 2);

	/* ROUTING_SET only while registered, disabled and not running. */
	assert_int_equal(call(f, 0, SDEI_EVENT_ROUTING_SET, EV_SHARED, SDEI_RM_ANY, 0, 0, 0), SDEI_DENIED);
	CALL1(f, 0, SDEI_EVENT_DISABLE, EV_SHARED);
	assert_int_equal(call(f, 0, SDEI_EVENT_ROUTING_SET, EV_SHARED, 2, 0, 0, 0), SDEI_INVALID_PARAMETERS);
	assert_int_equal(call(f, 0, SDEI_EVENT_ROUTING_SET, EV_SHARED, SDEI_RM_PE, 0x80000005, 0, 0), SDEI_INVALID_PARAMETERS);
	assert_int_equal(call(f, 0, SDEI_EVENT_ROUTING_SET, EV_PRIV, SDEI_RM_ANY, 0, 0, 0), SDEI_INVALID_PARAMETERS);
	assert_int_equal(call(f, 0, SDEI_EVENT_ROUTING_SET, EV_SHARED, SDEI_RM_ANY, 0, 0, 0), 0);
	assert_int_equal(call(f, 0, SDEI_EVENT_GET_INFO, EV_SHARED, 4, 0, 0, 0), SDEI_INVALID_PARAMETERS);
	CALL1(f, 0, SDEI_EVENT_ENABLE, EV_SHARED);

	/* RM_ANY: any unmasked PE may take it; masked ones are skipped. */
	CALL0(f, 0, SDEI_PE_MASK);
	CALL0(f, 1, SDEI_PE_MASK);
	f->cpu[2].kicks = 0;
	sdei_inject(&f->sdei, EV_SHARED, -1);
	assert_int_equal(f->cpu[2].kicks, 1);
	sdei_deliver(&f->sdei, 2);
	assert_int_equal(f->cpu[2].pc, HANDLER);
	/* Delivered once: another PE finds nothing. */
	CALL0(f, 1, SDEI_PE_UNMASK);
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_CONTEXT, 0), SDEI_DENIED);
}

static void test_get_info(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_SIGNAL, 0), 0);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_SHARED, 0), 1);
	/* TF-A's polarity: 0 means "can be signalled". */
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_SIGNAL, 1), 0);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_PRIV, 1), 1);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_PRIV, 2), 0);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_SHARED_CRIT, 2), 1);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_PRIV, 3), SDEI_INVALID_PARAMETERS);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_PRIV, 4), SDEI_INVALID_PARAMETERS);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_SHARED, 3), SDEI_DENIED);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_SHARED, 4), SDEI_DENIED);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_SHARED, 5), SDEI_INVALID_PARAMETERS);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, 12345, 0), SDEI_INVALID_PARAMETERS);
	reg_ev(f, 0, EV_SHARED, HANDLER, 0);
	assert_int_equal(CALL2(f, 0, SDEI_EVENT_GET_INFO, EV_SHARED, 3), SDEI_RM_ANY);
}

static void test_interrupt_bind_release(void **state)
{
	struct fixture *f = *state;

	/* SGIs and out-of-range INTIDs are invalid; PPIs and SPIs find no
	 * bind slot, as FEATURES(0) = 0 says. */
	assert_int_equal(CALL1(f, 0, SDEI_INTERRUPT_BIND, 5), SDEI_INVALID_PARAMETERS);
	assert_int_equal(CALL1(f, 0, SDEI_INTERRUPT_BIND, 1020), SDEI_INVALID_PARAMETERS);
	assert_int_equal(CALL1(f, 0, SDEI_INTERRUPT_BIND, 27), SDEI_OUT_OF_RESOURCE);
	assert_int_equal(CALL1(f, 0, SDEI_INTERRUPT_BIND, 40), SDEI_OUT_OF_RESOURCE);
	assert_int_equal(CALL1(f, 0, SDEI_INTERRUPT_RELEASE, EV_SHARED), SDEI_INVALID_PARAMETERS);
	assert_int_equal(CALL1(f, 0, SDEI_INTERRUPT_RELEASE, 777), SDEI_INVALID_PARAMETERS);
}

static void test_inject_errors_and_offline(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(sdei_inject(&f->sdei, 555, -1), -ENOENT);
	assert_int_equal(sdei_inject(&f->sdei, EV_PRIV, NR_VCPUS), -EINVAL);
	assert_int_equal(sdei_inject(&f->sdei, EV_SHARED, 0), -EINVAL);
	assert_int_equal(sdei_inject(&f->sdei, EV_PRIV, 0), -ENOTCONN);
	assert_int_equal(sdei_inject(&f->sdei, EV_SHARED, -1), -ENOTCONN);

	/* An off PE keeps the event pending; it is not woken by it. (An off
	 * PE makes no calls, so its state is looked at directly.) */
	ready(f, 1, EV_PRIV);
	f->cpu[1].offline = true;
	assert_int_equal(sdei_inject(&f->sdei, EV_PRIV, 1), 0);
	sdei_deliver(&f->sdei, 1);
	assert_int_equal(f->sdei.vcpus[1].depth, 0);
	assert_true(f->sdei.vcpus[1].priv[EV_PRIV].pending);
	f->cpu[1].offline = false;
	sdei_deliver(&f->sdei, 1);
	assert_int_equal(f->sdei.vcpus[1].depth, 1);
	assert_int_equal(f->cpu[1].pc, HANDLER + EV_PRIV * 0x100);
}

static void test_vcpu_reset(void **state)
{
	struct fixture *f = *state;

	ready(f, 1, EV_PRIV);
	assert_int_equal(reg_ev(f, 1, EV_SHARED, HANDLER, 0), 0);
	sdei_vcpu_reset(&f->sdei, 1);
	/* CPU_ON: masked again, its private events gone, shared kept. */
	assert_int_equal(CALL0(f, 1, SDEI_PE_MASK), 0);
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_STATUS, EV_PRIV), 0);
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_STATUS, EV_SHARED), 1);
}

static void test_vcpu_off(void **state)
{
	struct fixture *f = *state;

	for (unsigned int v = 0; v < 2; v++)
		CALL0(f, v, SDEI_PE_UNMASK);
	assert_int_equal(reg_ev(f, 0, EV_SHARED, HANDLER, 0), 0);
	CALL1(f, 0, SDEI_EVENT_ENABLE, EV_SHARED);
	assert_int_equal(call(f, 0, SDEI_EVENT_ROUTING_SET, EV_SHARED, SDEI_RM_ANY, 0, 0, 0), SDEI_DENIED);
	sdei_inject(&f->sdei, EV_SHARED, -1);
	sdei_deliver(&f->sdei, 1);
	assert_int_equal(f->cpu[1].pc, HANDLER);
	/* CPU_OFF inside the handler: it ends with the PE, which is masked;
	 * the shared event can run elsewhere again. */
	sdei_vcpu_off(&f->sdei, 1);
	assert_int_equal(CALL1(f, 0, SDEI_EVENT_STATUS, EV_SHARED), 3);
	assert_int_equal(CALL1(f, 1, SDEI_EVENT_CONTEXT, 0), SDEI_DENIED);
	assert_int_equal(CALL0(f, 1, SDEI_PE_MASK), 0);
	sdei_inject(&f->sdei, EV_SHARED, -1);
	sdei_deliver(&f->sdei, 0);
	assert_int_equal(f->cpu[0].pc, HANDLER);
}

static void test_nr_args(void **state)
{
	(void)state;
	assert_int_equal(sdei_nr_args(SDEI_EVENT_REGISTER), 5);
	assert_int_equal(sdei_nr_args(SDEI_EVENT_ROUTING_SET), 3);
	assert_int_equal(sdei_nr_args(SDEI_EVENT_SIGNAL), 2);
	assert_int_equal(sdei_nr_args(SDEI_EVENT_GET_INFO), 2);
	assert_int_equal(sdei_nr_args(SDEI_EVENT_COMPLETE_AND_RESUME), 1);
	assert_int_equal(sdei_nr_args(SDEI_VERSION), 0);
	assert_int_equal(sdei_nr_args(SDEI_PE_MASK), 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_version_features_unknown),
		T(test_register_errors),
		cmocka_unit_test(test_state_table),
		cmocka_unit_test(test_transition_refuses_impossible_states),
		T(test_dispatch_and_complete),
		T(test_pan_from_sctlr),
		T(test_complete_and_resume),
		T(test_priorities),
		T(test_critical_first_when_both_pending),
		T(test_state_save_load),
		T(test_state_load_refusals),
		T(test_mask_unmask),
		T(test_disabled_event_waits_for_enable),
		T(test_unregister_while_running),
		T(test_resets),
		T(test_signal),
		T(test_shared_routing),
		T(test_get_info),
		T(test_interrupt_bind_release),
		T(test_inject_errors_and_offline),
		T(test_vcpu_reset),
		T(test_vcpu_off),
		T(test_nr_args),
	};

	return cmocka_run_group_tests_name("sdei", tests, NULL, NULL);
}
