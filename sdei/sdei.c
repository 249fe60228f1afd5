// SPDX-License-Identifier: GPL-2.0
/*
 * The SDEI ABI and event delivery. Facts: ../shared/docs/sdei-facts.md.
 * Where sources conflict, this follows TF-A's dispatcher
 * (services/std_svc/sdei), Arm's reference, and says so.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine/regs.h"
#include "sdei/sdei.h"

#define REG_EN			(SDEI_ST_REGISTERED | SDEI_ST_ENABLED)

#define GIC_FIRST_PPI		16
#define GIC_LAST_SPI		1019

static const struct sdei_event_desc *desc_of(unsigned int ev)
{
	return &sdei_catalogue[ev];
}

static struct sdei_registration *reg_of(struct sdei *sdei, unsigned int vcpu,
					unsigned int ev)
{
	return desc_of(ev)->shared ? &sdei->shared[ev] :
				     &sdei->vcpus[vcpu].priv[ev];
}

static int vcpu_by_mpidr(const struct sdei *sdei, uint64_t mpidr)
{
	for (unsigned int i = 0; i < sdei->nr_vcpus; i++)
		if ((sdei->mpidrs[i] & MPIDR_AFFINITY) == (mpidr & MPIDR_AFFINITY))
			return i;
	return -1;
}

/* x1 carries the event number: 32 bits, the rest must be clear. */
static const struct sdei_event_desc *event_arg(uint64_t x1, unsigned int *ev)
{
	return x1 > UINT32_MAX ? NULL : sdei_find_event(x1, ev);
}

int sdei_init(struct sdei *sdei, unsigned int nr_vcpus, const uint64_t *mpidrs,
	      const struct sdei_ops *ops, void *opaque)
{
	memset(sdei, 0, sizeof(*sdei));
	sdei->nr_vcpus = nr_vcpus;
	sdei->mpidrs = mpidrs;
	sdei->ops = ops;
	sdei->opaque = opaque;
	sdei->vcpus = calloc(nr_vcpus, sizeof(*sdei->vcpus));
	sdei->shared = calloc(sdei_catalogue_size, sizeof(*sdei->shared));
	if (!sdei->vcpus || !sdei->shared)
		goto nomem;
	for (unsigned int v = 0; v < nr_vcpus; v++) {
		sdei->vcpus[v].priv = calloc(sdei_catalogue_size,
					     sizeof(*sdei->vcpus[v].priv));
		if (!sdei->vcpus[v].priv)
			goto nomem;
		/* Every PE comes out of reset masked (spec 6.5.1). */
		sdei->vcpus[v].masked = true;
	}
	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++)
		sdei->shared[ev].running_on = -1;
	pthread_mutex_init(&sdei->lock, NULL);
	return 0;
nomem:
	sdei_destroy(sdei);
	return -ENOMEM;
}

void sdei_destroy(struct sdei *sdei)
{
	for (unsigned int v = 0; sdei->vcpus && v < sdei->nr_vcpus; v++)
		free(sdei->vcpus[v].priv);
	free(sdei->vcpus);
	free(sdei->shared);
	sdei->vcpus = NULL;
	sdei->shared = NULL;
}

unsigned int sdei_nr_args(uint32_t fid)
{
	switch (fid) {
	case SDEI_EVENT_REGISTER:
		return 5;
	case SDEI_EVENT_ROUTING_SET:
		return 3;
	case SDEI_EVENT_GET_INFO:
	case SDEI_EVENT_SIGNAL:
		return 2;
	case SDEI_EVENT_ENABLE:
	case SDEI_EVENT_DISABLE:
	case SDEI_EVENT_CONTEXT:
	case SDEI_EVENT_COMPLETE_AND_RESUME:
	case SDEI_EVENT_UNREGISTER:
	case SDEI_EVENT_STATUS:
	case SDEI_INTERRUPT_BIND:
	case SDEI_INTERRUPT_RELEASE:
	case SDEI_FEATURES:
		return 1;
	default:
		return 0;
	}
}

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

/* What the dispatcher already knows of a vCPU's registers. */
struct known_regs {
	const struct sdei_context *ctx;
	unsigned int gprs;	/* x0.. valid in ctx; KNOWN_ALL: everything */
	bool running;		/* it just trapped: it is powered on */
};

#define KNOWN_ALL (SDEI_SAVED_GPRS + 1)

/*
 * Dispatch what @vcpu can take, on its own thread. What @known says is
 * not read back: every register is a KVM ioctl.
 */
static void deliver_locked(struct sdei *sdei, unsigned int vcpu,
			   struct known_regs known)
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
		reg->state |= SDEI_ST_RUNNING;
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
static void notify_others(struct sdei *sdei, int self)
{
	for (unsigned int v = 0; v < sdei->nr_vcpus; v++) {
		if ((int)v == self || pick_event(sdei, v) < 0)
			continue;
		__atomic_store_n(&sdei->vcpus[v].maybe_pending, true,
				 __ATOMIC_RELEASE);
		sdei->ops->kick(sdei->opaque, v);
	}
}

static int64_t call_register(struct sdei *sdei, unsigned int vcpu,
			     const uint64_t *a)
{
	uint64_t entry = a[1], arg = a[2], flags = a[3], mpidr = a[4];
	const struct sdei_event_desc *desc;
	struct sdei_registration *reg;
	unsigned int ev;

	if (!entry || !sdei->ops->valid_address(sdei->opaque, vcpu, entry))
		return SDEI_INVALID_PARAMETERS;
	desc = event_arg(a[0], &ev);
	if (!desc)
		return SDEI_INVALID_PARAMETERS;
	/* Bit 0 is the routing mode; relative mode (bit 1, v1.1) is not
	 * offered (FEATURES(1) says 0); the rest is reserved. */
	if (flags & ~1ULL)
		return SDEI_INVALID_PARAMETERS;
	/* Private events ignore routing: Linux passes 0 and 0 (TF-A d39db2695). */
	if (desc->shared && flags == SDEI_RM_PE && vcpu_by_mpidr(sdei, mpidr) < 0)
		return SDEI_INVALID_PARAMETERS;
	reg = reg_of(sdei, vcpu, ev);
	if (reg->state)
		return SDEI_DENIED;
	reg->entry = entry;
	reg->arg = arg;
	reg->state = SDEI_ST_REGISTERED;
	reg->pending = false;
	reg->route_mode = desc->shared ? flags : SDEI_RM_PE;
	reg->route_mpidr = desc->shared ? mpidr & MPIDR_AFFINITY :
			   sdei->mpidrs[vcpu] & MPIDR_AFFINITY;
	return SDEI_SUCCESS;
}

/* ENABLE and DISABLE: allowed once registered, even while running. */
static int64_t call_enable(struct sdei *sdei, unsigned int vcpu, uint64_t x1,
			   bool enable)
{
	struct sdei_registration *reg;
	unsigned int ev;

	if (!event_arg(x1, &ev))
		return SDEI_INVALID_PARAMETERS;
	reg = reg_of(sdei, vcpu, ev);
	if (!(reg->state & SDEI_ST_REGISTERED))
		return SDEI_DENIED;
	if (enable)
		reg->state |= SDEI_ST_ENABLED;
	else
		reg->state &= ~SDEI_ST_ENABLED;
	return SDEI_SUCCESS;
}

/* Unregister; a running event stays running, unregistered at completion. */
static int64_t unregister(struct sdei_registration *reg)
{
	if (reg->state & SDEI_ST_RUNNING) {
		reg->state = SDEI_ST_RUNNING;
		return SDEI_PENDING;
	}
	if (!(reg->state & SDEI_ST_REGISTERED))
		return SDEI_DENIED;
	reg->state = 0;
	reg->pending = false;
	return SDEI_SUCCESS;
}

static int64_t call_unregister(struct sdei *sdei, unsigned int vcpu, uint64_t x1)
{
	unsigned int ev;

	if (!event_arg(x1, &ev))
		return SDEI_INVALID_PARAMETERS;
	return unregister(reg_of(sdei, vcpu, ev));
}

static int64_t call_status(struct sdei *sdei, unsigned int vcpu, uint64_t x1)
{
	unsigned int ev;

	if (!event_arg(x1, &ev))
		return SDEI_INVALID_PARAMETERS;
	return reg_of(sdei, vcpu, ev)->state;
}

static int64_t call_get_info(struct sdei *sdei, unsigned int vcpu,
			     const uint64_t *a)
{
	const struct sdei_event_desc *desc;
	const struct sdei_registration *reg;
	unsigned int ev;

	desc = event_arg(a[0], &ev);
	if (!desc)
		return SDEI_INVALID_PARAMETERS;
	reg = reg_of(sdei, vcpu, ev);
	switch (a[1]) {
	case 0:		/* EV_TYPE */
		return desc->shared;
	case 1:
		/*
		 * Conflict: Linux names this EV_SIGNALED and earlier virtual
		 * dispatchers answer 1 for event 0; TF-A answers
		 * !signalable ("EV_NOT_SIGNALED") and Arm's ACS accepts 0 as
		 * "can be signalled". We follow TF-A.
		 */
		return !desc->signalable;
	case 2:		/* EV_PRIORITY */
		return desc->critical;
	case 3:		/* EV_ROUTING_MODE */
	case 4:		/* EV_ROUTING_AFF */
		if (!desc->shared)
			return SDEI_INVALID_PARAMETERS;
		if (!(reg->state & SDEI_ST_REGISTERED))
			return SDEI_DENIED;
		if (a[1] == 3)
			return reg->route_mode;
		if (reg->route_mode == SDEI_RM_ANY)
			return SDEI_INVALID_PARAMETERS;
		return reg->route_mpidr;
	default:
		return SDEI_INVALID_PARAMETERS;
	}
}

static int64_t call_routing_set(struct sdei *sdei, const uint64_t *a)
{
	const struct sdei_event_desc *desc;
	struct sdei_registration *reg;
	unsigned int ev;

	desc = event_arg(a[0], &ev);
	if (!desc || !desc->shared || a[1] > SDEI_RM_PE)
		return SDEI_INVALID_PARAMETERS;
	if (a[1] == SDEI_RM_PE && vcpu_by_mpidr(sdei, a[2]) < 0)
		return SDEI_INVALID_PARAMETERS;
	reg = &sdei->shared[ev];
	/* Only registered, disabled and not running (spec 5.1.11). */
	if (reg->state != SDEI_ST_REGISTERED)
		return SDEI_DENIED;
	reg->route_mode = a[1];
	reg->route_mpidr = a[1] == SDEI_RM_PE ? a[2] & MPIDR_AFFINITY : 0;
	return SDEI_SUCCESS;
}

static int64_t call_context(struct sdei *sdei, unsigned int vcpu, uint64_t n)
{
	const struct sdei_vcpu *cpu = &sdei->vcpus[vcpu];

	if (n >= SDEI_SAVED_GPRS)
		return SDEI_INVALID_PARAMETERS;
	if (!cpu->depth)
		return SDEI_DENIED;
	return cpu->stack[cpu->depth - 1].ctx.x[n];
}

/* Pop the running handler's frame into @frame. */
static void pop_frame(struct sdei *sdei, unsigned int vcpu,
		      struct sdei_frame *frame)
{
	struct sdei_vcpu *cpu = &sdei->vcpus[vcpu];
	struct sdei_registration *reg;

	*frame = cpu->stack[--cpu->depth];
	reg = reg_of(sdei, vcpu, frame->event);
	reg->state &= ~SDEI_ST_RUNNING;
	/* An unregister that was pending takes effect now. */
	if (!(reg->state & SDEI_ST_REGISTERED)) {
		reg->state = 0;
		reg->pending = false;
	}
	reg->running_on = -1;
}

static int64_t signal_event0(struct sdei *sdei, const uint64_t *a)
{
	struct sdei_registration *reg;
	int target;

	if (a[0] != 0)
		return SDEI_INVALID_PARAMETERS;
	target = vcpu_by_mpidr(sdei, a[1]);
	if (target < 0)
		return SDEI_INVALID_PARAMETERS;
	/* TF-A b142ede74: a masked target, or one without event 0
	 * registered and enabled, is refused rather than left pending. */
	reg = &sdei->vcpus[target].priv[0];
	if (sdei->vcpus[target].masked || (reg->state & REG_EN) != REG_EN)
		return SDEI_INVALID_PARAMETERS;
	reg->pending = true;
	__atomic_store_n(&sdei->vcpus[target].maybe_pending, true,
			 __ATOMIC_RELEASE);
	return SDEI_SUCCESS;
}

/* PRIVATE_RESET and SHARED_RESET: DENIED (not PENDING) if any was running,
 * the running ones then unregistered at completion (TF-A ad55b97ac). */
static int64_t reset_events(struct sdei *sdei, unsigned int vcpu, bool shared)
{
	int64_t ret = SDEI_SUCCESS;

	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++) {
		if (desc_of(ev)->shared != shared)
			continue;
		if (unregister(reg_of(sdei, vcpu, ev)) == SDEI_PENDING)
			ret = SDEI_DENIED;
	}
	return ret;
}

static int64_t call_interrupt_bind(uint64_t intid)
{
	if (intid < GIC_FIRST_PPI || intid > GIC_LAST_SPI)
		return SDEI_INVALID_PARAMETERS;
	/* The in-kernel vGIC owns every guest interrupt: no bind slots. */
	return SDEI_OUT_OF_RESOURCE;
}

static int64_t call_features(uint64_t feature)
{
	switch (feature) {
	case 0:		/* BIND_SLOTS: 0 private, 0 shared */
	case 1:		/* RELATIVE_MODE: not supported */
		return 0;
	default:
		return SDEI_INVALID_PARAMETERS;
	}
}

void sdei_handle_call(struct sdei *sdei, unsigned int vcpu, uint32_t fid,
		      const uint64_t args[5])
{
	const struct sdei_ops *ops = sdei->ops;
	struct sdei_vcpu *cpu = &sdei->vcpus[vcpu];
	struct sdei_context resumed, *known = NULL;
	struct sdei_frame frame;
	int64_t ret = SDEI_SUCCESS;

	pthread_mutex_lock(&sdei->lock);
	switch (fid) {
	case SDEI_VERSION:
		ret = (int64_t)SDEI_VERSION_MAJOR << 48 |
		      (int64_t)SDEI_VERSION_MINOR << 32 | SDEI_VENDOR_ID;
		break;
	case SDEI_EVENT_REGISTER:
		ret = call_register(sdei, vcpu, args);
		break;
	case SDEI_EVENT_ENABLE:
	case SDEI_EVENT_DISABLE:
		ret = call_enable(sdei, vcpu, args[0], fid == SDEI_EVENT_ENABLE);
		break;
	case SDEI_EVENT_CONTEXT:
		ret = call_context(sdei, vcpu, args[0]);
		break;
	case SDEI_EVENT_COMPLETE:
		/* The status in x1 changes nothing (as in TF-A): not even read. */
		if (!cpu->depth) {
			ret = SDEI_DENIED;
			break;
		}
		pop_frame(sdei, vcpu, &frame);
		ops->restore_context(sdei->opaque, vcpu, &frame.ctx);
		resumed = frame.ctx;
		known = &resumed;
		break;
	case SDEI_EVENT_COMPLETE_AND_RESUME:
		/* A bad resume address is DENIED, as TF-A answers it. */
		if (!cpu->depth ||
		    !ops->valid_address(sdei->opaque, vcpu, args[0])) {
			ret = SDEI_DENIED;
			break;
		}
		pop_frame(sdei, vcpu, &frame);
		/* As if a synchronous exception were taken at the resume
		 * address: EL1h, all of DAIF masked (spec 5.2.2.2). */
		resumed = frame.ctx;
		resumed.pc = args[0];
		resumed.pstate = PSTATE_MODE_EL1H | PSTATE_DAIF;
		ops->resume_at(sdei->opaque, vcpu, &frame.ctx, resumed.pc,
			       resumed.pstate);
		known = &resumed;
		break;
	case SDEI_EVENT_UNREGISTER:
		ret = call_unregister(sdei, vcpu, args[0]);
		break;
	case SDEI_EVENT_STATUS:
		ret = call_status(sdei, vcpu, args[0]);
		break;
	case SDEI_EVENT_GET_INFO:
		ret = call_get_info(sdei, vcpu, args);
		break;
	case SDEI_EVENT_ROUTING_SET:
		ret = call_routing_set(sdei, args);
		break;
	case SDEI_PE_MASK:
		ret = !cpu->masked;
		cpu->masked = true;
		break;
	case SDEI_PE_UNMASK:
		cpu->masked = false;
		ret = SDEI_SUCCESS;
		break;
	case SDEI_INTERRUPT_BIND:
		ret = call_interrupt_bind(args[0]);
		break;
	case SDEI_INTERRUPT_RELEASE:
		/* Nothing can be bound, so no event is a bound one. */
		ret = SDEI_INVALID_PARAMETERS;
		break;
	case SDEI_EVENT_SIGNAL:
		ret = signal_event0(sdei, args);
		break;
	case SDEI_FEATURES:
		ret = call_features(args[0]);
		break;
	case SDEI_PRIVATE_RESET:
		ret = reset_events(sdei, vcpu, false);
		break;
	case SDEI_SHARED_RESET:
		ret = reset_events(sdei, vcpu, true);
		break;
	default:
		ret = SDEI_NOT_SUPPORTED;
		break;
	}
	/*
	 * The caller's x0 and the arguments the call took are known. If an
	 * event is dispatched now, the result goes into the saved context
	 * (the caller sees it when the handler completes) and the register
	 * write is saved; otherwise it is written here.
	 */
	if (known) {
		deliver_locked(sdei, vcpu, (struct known_regs) { known, KNOWN_ALL, true });
	} else {
		unsigned int depth = cpu->depth;

		unsigned int nr_args = sdei_nr_args(fid);

		resumed.x[0] = ret;
		memcpy(&resumed.x[1], args, nr_args * sizeof(*args));
		deliver_locked(sdei, vcpu,
			       (struct known_regs) { &resumed, 1 + nr_args, true });
		if (cpu->depth == depth)
			ops->set_result(sdei->opaque, vcpu, ret);
	}
	notify_others(sdei, vcpu);
	pthread_mutex_unlock(&sdei->lock);
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

struct text {
	char *buf;
	size_t len, used;
};

static void add(struct text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->used >= t->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->used, t->len - t->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->used += n;
}

static void add_registration(struct text *t, const struct sdei_registration *reg)
{
	if (!reg->state)
		add(t, "unregistered");
	else if (!(reg->state & SDEI_ST_REGISTERED))
		add(t, "unregister-pending, running");
	else
		add(t, "registered%s%s", reg->state & SDEI_ST_ENABLED ? ", enabled" : "",
		    reg->state & SDEI_ST_RUNNING ? ", running" : "");
	if (reg->pending)
		add(t, ", pending");
	if (reg->dispatched)
		add(t, ", dispatched %llu", (unsigned long long)reg->dispatched);
}

void sdei_format_status(struct sdei *sdei, char *buf, size_t len)
{
	struct text t = { buf, len, 0 };

	pthread_mutex_lock(&sdei->lock);
	add(&t, "SDEI %d.%d dispatcher, %u vCPUs\n", SDEI_VERSION_MAJOR,
	    SDEI_VERSION_MINOR, sdei->nr_vcpus);
	for (unsigned int v = 0; v < sdei->nr_vcpus; v++) {
		const struct sdei_vcpu *cpu = &sdei->vcpus[v];

		add(&t, "vCPU %u (MPIDR 0x%llx): %s, running:", v,
		    (unsigned long long)sdei->mpidrs[v],
		    cpu->masked ? "masked" : "unmasked");
		if (!cpu->depth)
			add(&t, " none");
		for (unsigned int d = 0; d < cpu->depth; d++)
			add(&t, " event %u", desc_of(cpu->stack[d].event)->number);
		add(&t, "\n");
	}
	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++) {
		const struct sdei_event_desc *desc = desc_of(ev);

		add(&t, "event %u (%s, %s): ", desc->number,
		    desc->shared ? "shared" : "private",
		    desc->critical ? "critical" : "normal");
		if (desc->shared) {
			const struct sdei_registration *reg = &sdei->shared[ev];

			add_registration(&t, reg);
			if (reg->state & SDEI_ST_REGISTERED)
				add(&t, reg->route_mode == SDEI_RM_PE ?
				    ", routed to MPIDR 0x%llx" : ", routed to any",
				    (unsigned long long)reg->route_mpidr);
			if (reg->running_on >= 0)
				add(&t, ", on vCPU %d", reg->running_on);
		} else {
			for (unsigned int v = 0; v < sdei->nr_vcpus; v++) {
				add(&t, "%svCPU %u ", v ? "; " : "", v);
				add_registration(&t, &sdei->vcpus[v].priv[ev]);
			}
		}
		add(&t, "\n");
	}
	pthread_mutex_unlock(&sdei->lock);
}
