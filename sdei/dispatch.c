// SPDX-License-Identifier: GPL-2.0
/*
 * Delivery: which event a PE takes now, entering its handler, popping it
 * at completion, waking the PEs that have something to take, host
 * injection, and PE power transitions.
 */
#include <errno.h>
#include <string.h>

#include "sdei/internal.h"

/*
 * The event @vcpu should take now, or -1. Dispatch needs: signalled,
 * registered and enabled, not already running, this PE a target, the PE
 * unmasked, and the priority rule: a critical event may preempt a normal
 * handler, nothing preempts a critical one, never same over same (spec
 * 4.3.2.1). Guest PSTATE.DAIF plays no part.
 */
static int pick_event(struct sdei *sdei, unsigned int vcpu)
{
	const struct sdei_vcpu *cpu = &sdei->vcpus[vcpu];
	bool need_critical = false;
	int best = -1;

	if (cpu->masked || cpu->depth == SDEI_MAX_DEPTH)
		return -1;
	if (cpu->depth == 1) {
		if (desc_of(cpu->stack[0].event)->critical)
			return -1;
		need_critical = true;
	}
	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++) {
		const struct sdei_event_desc *desc = desc_of(ev);
		const struct sdei_registration *reg = reg_of(sdei, vcpu, ev);

		if (!reg->pending || reg->state != REG_EN)
			continue;
		if (need_critical && !desc->critical)
			continue;
		if (desc->shared && reg->route_mode == SDEI_RM_PE &&
		    (reg->route_mpidr & MPIDR_AFFINITY) !=
		    (sdei->mpidrs[vcpu] & MPIDR_AFFINITY))
			continue;
		if (best < 0 || (desc->critical && !desc_of(best)->critical))
			best = ev;
	}
	return best;
}

/*
 * Dispatch what @vcpu can take, on its own thread. What @known says is
 * not read back: every register is a KVM ioctl.
 */
void deliver_locked(struct sdei *sdei, unsigned int vcpu, struct known_regs known)
{
	const struct sdei_ops *ops = sdei->ops;
	struct sdei_vcpu *cpu = &sdei->vcpus[vcpu];
	struct sdei_context entered;
	int ev;

	while ((ev = pick_event(sdei, vcpu)) >= 0) {
		struct sdei_registration *reg = reg_of(sdei, vcpu, ev);
		struct sdei_frame *frame = &cpu->stack[cpu->depth];
		uint64_t sctlr = 0, pstate, x[4];

		/* An event never brings an off PE online (spec 6.5.2.1). */
		if (!known.running && !ops->online(sdei->opaque, vcpu))
			return;
		if (known.gprs)
			frame->ctx = *known.ctx;
		if (known.gprs < KNOWN_ALL &&
		    ops->save_context(sdei->opaque, vcpu, &frame->ctx, known.gprs))
			return;
		if (ops->get_sctlr(sdei->opaque, vcpu, &sctlr))
			return;
		pstate = el1_exception_pstate(frame->ctx.pstate, sctlr);
		x[0] = desc_of(ev)->number;
		x[1] = reg->arg;
		x[2] = frame->ctx.pc;
		x[3] = frame->ctx.pstate;
		if (ops->enter(sdei->opaque, vcpu, x, reg->entry, pstate))
			return;
		frame->event = ev;
		cpu->depth++;
		sdei_transition(reg, SDEI_ACT_DISPATCH);	/* pick_event: ENABLED */
		reg->pending = false;
		reg->dispatched++;
		if (desc_of(ev)->shared)
			reg->running_on = vcpu;

		/* A critical event may preempt this handler before it starts. */
		entered = frame->ctx;
		memcpy(entered.x, x, sizeof(x));
		entered.pc = reg->entry;
		entered.pstate = pstate;
		known = (struct known_regs) { &entered, KNOWN_ALL, true };
	}
	__atomic_store_n(&cpu->maybe_pending, false, __ATOMIC_RELEASE);
}

/* Wake the other vCPUs that have an event to take now. */
void notify_others(struct sdei *sdei, int self)
{
	for (unsigned int v = 0; v < sdei->nr_vcpus; v++) {
		if ((int)v == self || pick_event(sdei, v) < 0)
			continue;
		__atomic_store_n(&sdei->vcpus[v].maybe_pending, true,
				 __ATOMIC_RELEASE);
		sdei->ops->kick(sdei->opaque, v);
	}
}

/* Pop the running handler's frame into @frame; a pending unregister
 * takes effect now. */
void pop_frame(struct sdei *sdei, unsigned int vcpu, struct sdei_frame *frame)
{
	struct sdei_vcpu *cpu = &sdei->vcpus[vcpu];
	struct sdei_registration *reg;

	*frame = cpu->stack[--cpu->depth];
	reg = reg_of(sdei, vcpu, frame->event);
	sdei_transition(reg, SDEI_ACT_COMPLETE);	/* on the stack: RUNNING */
	reg->running_on = -1;
}

void sdei_deliver(struct sdei *sdei, unsigned int vcpu)
{
	pthread_mutex_lock(&sdei->lock);
	deliver_locked(sdei, vcpu, (struct known_regs) { NULL, 0, false });
	pthread_mutex_unlock(&sdei->lock);
}

int sdei_inject(struct sdei *sdei, uint32_t number, int vcpu)
{
	const struct sdei_event_desc *desc;
	unsigned int ev;
	int ret = -ENOTCONN;

	desc = sdei_find_event(number, &ev);
	if (!desc)
		return -ENOENT;
	if (vcpu >= (int)sdei->nr_vcpus || vcpu < -1 || (desc->shared && vcpu >= 0))
		return -EINVAL;
	pthread_mutex_lock(&sdei->lock);
	for (unsigned int v = 0; v < sdei->nr_vcpus; v++) {
		struct sdei_registration *reg = reg_of(sdei, v, ev);

		if ((vcpu >= 0 && (int)v != vcpu) ||
		    !(reg->state & SDEI_ST_REGISTERED))
			continue;
		/* A disabled event stays pending until it is enabled. */
		reg->pending = true;
		ret = 0;
		if (desc->shared)
			break;
	}
	notify_others(sdei, -1);
	pthread_mutex_unlock(&sdei->lock);
	return ret;
}

/* Handlers that were running on a PE that went down end with it. */
static void drop_frames(struct sdei *sdei, unsigned int vcpu)
{
	struct sdei_frame frame;

	while (sdei->vcpus[vcpu].depth)
		pop_frame(sdei, vcpu, &frame);
	sdei->vcpus[vcpu].masked = true;
}

void sdei_vcpu_off(struct sdei *sdei, unsigned int vcpu)
{
	pthread_mutex_lock(&sdei->lock);
	drop_frames(sdei, vcpu);
	/* A shared event it was running may go elsewhere now. */
	notify_others(sdei, vcpu);
	pthread_mutex_unlock(&sdei->lock);
}

void sdei_vcpu_reset(struct sdei *sdei, unsigned int vcpu)
{
	struct sdei_vcpu *cpu = &sdei->vcpus[vcpu];

	pthread_mutex_lock(&sdei->lock);
	drop_frames(sdei, vcpu);
	memset(cpu->priv, 0, sdei_catalogue_size * sizeof(*cpu->priv));
	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++)
		cpu->priv[ev].running_on = -1;
	notify_others(sdei, vcpu);
	pthread_mutex_unlock(&sdei->lock);
}

