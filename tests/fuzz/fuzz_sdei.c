// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the SDEI dispatcher. The input is a program: each
 * step is a guest call from one of three vCPUs with fuzzed arguments, a
 * host injection, a delivery attempt, or a PSCI-style vCPU reset. After
 * every step the dispatcher's invariants are checked:
 *   - every event state is one of the six valid ones (no 2 or 6);
 *   - a vCPU runs at most 2 handlers, a critical one only above a normal
 *     one, and every running handler's event has its running bit;
 *   - a shared event runs on at most one vCPU, the one it says;
 *   - an event instance is never dispatched more often than it was
 *     triggered (nothing is delivered twice);
 *   - COMPLETE gives back exactly the registers saved at dispatch.
 * At the end the guest is made to complete everything and unmask: any
 * event that could still be taken must then be taken (nothing is lost).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdei/sdei.h"

#define NR_VCPUS	3
#define RAM_LO		0x40000000ULL
#define RAM_HI		0x48000000ULL
#define ENTRY		0x40001000ULL

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

struct fake_cpu {
	uint64_t x[31], pc, pstate, elr, spsr;
	/* What dispatch saved, per nesting level, to compare on COMPLETE. */
	struct sdei_context saved[SDEI_MAX_DEPTH];
};

struct world {
	struct sdei sdei;
	struct fake_cpu cpu[NR_VCPUS];
	uint64_t mpidr[NR_VCPUS];
	/* Triggers per (vCPU, event) instance, counted where they are made. */
	uint64_t triggers[NR_VCPUS][32];
	int64_t last_result[NR_VCPUS];
};

static struct world *W;

static int get_args(void *o, unsigned int v, uint64_t *a, unsigned int n)
{
	(void)o;
	memcpy(a, &W->cpu[v].x[1], n * sizeof(*a));
	return 0;
}

static int set_result(void *o, unsigned int v, int64_t x0)
{
	(void)o;
	W->cpu[v].x[0] = x0;
	W->last_result[v] = x0;
	return 0;
}

static int save(void *o, unsigned int v, struct sdei_context *ctx,
		unsigned int from)
{
	struct fake_cpu *c = &W->cpu[v];

	(void)o;
	/* What the dispatcher says it knows must be what the vCPU has (but
	 * x0, the call's result, which goes into the context instead). */
	for (unsigned int i = 1; i < from; i++)
		check(ctx->x[i] == c->x[i]);
	memcpy(&ctx->x[from], &c->x[from], (SDEI_SAVED_GPRS - from) * sizeof(ctx->x[0]));
	ctx->pc = c->pc;
	ctx->pstate = c->pstate;
	return 0;
}

static int enter(void *o, unsigned int v, const uint64_t x[4], uint64_t pc,
		 uint64_t pstate)
{
	struct fake_cpu *c = &W->cpu[v];
	unsigned int depth = W->sdei.vcpus[v].depth;

	(void)o;
	/* The dispatcher has not pushed yet: its next frame is what it saved.
	 * It must be the vCPU's registers; x0 too, unless the vCPU is in the
	 * middle of a call, whose result goes into the frame instead. */
	const struct sdei_context *frame = &W->sdei.vcpus[v].stack[depth].ctx;
	bool in_call = c->x[0] - SDEI_FID_BASE < SDEI_FID_COUNT;

	check(depth < SDEI_MAX_DEPTH);
	check(!memcmp(&frame->x[1], &c->x[1], (SDEI_SAVED_GPRS - 1) * sizeof(c->x[0])));
	check(frame->pc == c->pc && frame->pstate == c->pstate);
	check(in_call || frame->x[0] == c->x[0]);
	c->saved[depth] = *frame;
	memcpy(c->x, x, 4 * sizeof(*x));
	c->pc = pc;
	c->pstate = pstate;
	return 0;
}

static int restore(void *o, unsigned int v, const struct sdei_context *ctx)
{
	struct fake_cpu *c = &W->cpu[v];
	unsigned int depth = W->sdei.vcpus[v].depth;	/* already popped */

	(void)o;
	check(!memcmp(ctx, &c->saved[depth], sizeof(*ctx)));
	memcpy(c->x, ctx->x, sizeof(ctx->x));
	c->pc = ctx->pc;
	c->pstate = ctx->pstate;
	return 0;
}

static int resume_at(void *o, unsigned int v, const struct sdei_context *ctx,
		     uint64_t pc, uint64_t pstate)
{
	struct fake_cpu *c = &W->cpu[v];

	restore(o, v, ctx);
	c->elr = ctx->pc;
	c->spsr = ctx->pstate;
	c->pc = pc;
	c->pstate = pstate;
	return 0;
}

static int get_sctlr(void *o, unsigned int v, uint64_t *s)
{
	(void)o, (void)v;
	*s = 1ULL << 23;
	return 0;
}

static bool valid(void *o, unsigned int v, uint64_t addr)
{
	(void)o, (void)v;
	return addr >= RAM_LO && addr < RAM_HI;
}

static bool online(void *o, unsigned int v)
{
	(void)o, (void)v;
	return true;
}

static void kick(void *o, unsigned int v)
{
	(void)o;
	check(v < NR_VCPUS);
}

static const struct sdei_ops ops = {
	get_args, set_result, save, enter, restore, resume_at, get_sctlr,
	valid, online, kick,
};

static struct sdei_registration *reg_of(unsigned int v, unsigned int ev)
{
	return sdei_catalogue[ev].shared ? &W->sdei.shared[ev] :
					   &W->sdei.vcpus[v].priv[ev];
}

/* A successful sdei_inject() reached every registered instance it named. */
static void count_inject(uint32_t number, int target)
{
	unsigned int ev;
	const struct sdei_event_desc *desc = sdei_find_event(number, &ev);

	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		if ((desc->shared && v) || (target >= 0 && (int)v != target))
			continue;
		if (reg_of(v, ev)->state & SDEI_ST_REGISTERED)
			W->triggers[v][ev]++;
	}
}

/*
 * A successful EVENT_SIGNAL triggered event 0 on its target. Its result is
 * in x0, or, if the call let an event in on the caller, in the frame that
 * was pushed for it (@depth: the caller's depth before the call).
 */
static void count_signal(unsigned int caller, uint64_t mpidr,
			 unsigned int depth)
{
	const struct sdei_vcpu *cpu = &W->sdei.vcpus[caller];
	int64_t result = cpu->depth > depth ? (int64_t)cpu->stack[depth].ctx.x[0] :
					      W->last_result[caller];

	if (result != 0)
		return;
	for (unsigned int v = 0; v < NR_VCPUS; v++)
		if ((W->mpidr[v] & 0xff00ffffffULL) == (mpidr & 0xff00ffffffULL))
			W->triggers[v][0]++;
}

static void check_invariants(void)
{
	static const uint8_t valid_states = 1u << 0 | 1u << 1 | 1u << 3 |
					    1u << 4 | 1u << 5 | 1u << 7;
	unsigned int running[32] = { 0 };

	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		const struct sdei_vcpu *cpu = &W->sdei.vcpus[v];

		check(cpu->depth <= SDEI_MAX_DEPTH);
		if (cpu->depth == 2) {
			check(!sdei_catalogue[cpu->stack[0].event].critical);
			check(sdei_catalogue[cpu->stack[1].event].critical);
		}
		for (unsigned int d = 0; d < cpu->depth; d++) {
			unsigned int ev = cpu->stack[d].event;
			const struct sdei_registration *reg = reg_of(v, ev);

			check(reg->state & SDEI_ST_RUNNING);
			if (sdei_catalogue[ev].shared) {
				check(reg->running_on == (int)v);
				running[ev]++;
			}
		}
		for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++) {
			const struct sdei_registration *reg = reg_of(v, ev);
			bool on_stack = false;

			check(valid_states & (1u << reg->state));
			for (unsigned int d = 0; d < cpu->depth; d++)
				on_stack |= cpu->stack[d].event == ev;
			if (!sdei_catalogue[ev].shared)
				check(on_stack == !!(reg->state & SDEI_ST_RUNNING));
			if (!sdei_catalogue[ev].shared || v == 0)
				check(reg->dispatched <= W->triggers[v][ev]);
		}
	}
	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++)
		if (sdei_catalogue[ev].shared)
			check(running[ev] == !!(W->sdei.shared[ev].state & SDEI_ST_RUNNING));
}

static const uint32_t event_numbers[] = { 0, 1, 2, 16, 17, 3, 0xffffffff };

static uint64_t pick(const uint8_t **p, const uint8_t *end)
{
	return *p < end ? *(*p)++ : 0;
}

/* A fuzzed argument: usually meaningful, sometimes arbitrary. */
static uint64_t arg(const uint8_t **p, const uint8_t *end)
{
	uint8_t b = pick(p, end);

	switch (b & 7) {
	case 0: return event_numbers[(b >> 3) % 7];
	case 1: return ENTRY + ((b >> 3) << 4);
	case 2: return W->mpidr[(b >> 3) % NR_VCPUS];
	case 3: return b >> 3;
	case 4: return RAM_HI + b;
	default: return (uint64_t)b << 56 | b;
	}
}

static void guest_call(unsigned int v, uint32_t fid, const uint64_t *a)
{
	struct fake_cpu *c = &W->cpu[v];
	uint64_t passed[5];

	c->x[0] = fid;
	memcpy(&c->x[1], a, 5 * sizeof(*a));
	c->pc += 4;
	/* Like the KVM edge, pass only the arguments the call takes. */
	for (unsigned int i = 0; i < 5; i++)
		passed[i] = i < sdei_nr_args(fid) ? a[i] : 0x5afe0000 + i;
	sdei_handle_call(&W->sdei, v, fid, passed);
}

/* Complete everything, unmask everyone, deliver until quiet. */
static void settle(void)
{
	static const uint64_t none[5];

	for (int round = 0; round < 64; round++) {
		bool busy = false;

		for (unsigned int v = 0; v < NR_VCPUS; v++) {
			if (W->sdei.vcpus[v].depth)
				guest_call(v, SDEI_EVENT_COMPLETE, none);
			if (W->sdei.vcpus[v].masked)
				guest_call(v, SDEI_PE_UNMASK, none);
			sdei_deliver(&W->sdei, v);
		}
		/* Completing may have let the next pending event in. */
		for (unsigned int v = 0; v < NR_VCPUS; v++)
			busy |= W->sdei.vcpus[v].depth != 0;
		if (!busy)
			break;
	}
	/* Quiet now: nothing deliverable may be left pending. */
	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		check(!W->sdei.vcpus[v].depth);
		for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++) {
			const struct sdei_registration *reg = reg_of(v, ev);

			check(!(reg->pending && reg->state == (SDEI_ST_REGISTERED |
							      SDEI_ST_ENABLED)));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;
	struct world world;

	memset(&world, 0, sizeof(world));
	W = &world;
	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		world.mpidr[v] = 0x80000000ULL | v;
		world.cpu[v].pc = 0x40080000;
		world.cpu[v].pstate = 0x3c5;
	}
	if (sdei_init(&world.sdei, NR_VCPUS, world.mpidr, &ops, NULL))
		return 0;

	while (p < end) {
		uint8_t op = pick(&p, end);
		unsigned int v = (op >> 4) % NR_VCPUS;
		uint64_t a[5];

		switch (op & 0xf) {
		case 0 ... 10: {
			unsigned int depth;
			uint32_t fid;

			for (int i = 0; i < 5; i++)
				a[i] = arg(&p, end);
			fid = SDEI_FID_BASE + pick(&p, end) % 20;
			world.last_result[v] = 1;
			depth = world.sdei.vcpus[v].depth;
			guest_call(v, fid, a);
			if (fid == SDEI_EVENT_SIGNAL)
				count_signal(v, a[1], depth);
			break;
		}
		case 11:
		case 12: {
			uint32_t ev = event_numbers[pick(&p, end) % 7];
			int target = (int)(pick(&p, end) % (NR_VCPUS + 1)) - 1;

			if (sdei_inject(&world.sdei, ev, target) == 0)
				count_inject(ev, target);
			break;
		}
		case 13:
		case 14:
			sdei_deliver(&world.sdei, v);
			break;
		default:
			/* PSCI: a vCPU powers down, or comes up again. */
			if (op & 0x80)
				sdei_vcpu_off(&world.sdei, v);
			else
				sdei_vcpu_reset(&world.sdei, v);
			break;
		}
		check_invariants();
	}
	settle();
	check_invariants();
	sdei_destroy(&world.sdei);
	return 0;
}
