// SPDX-License-Identifier: GPL-2.0
/*
 * The SDEI calls (DEN0054C chapter 5), one handler each in a table by
 * function ID. A call reads its arguments, checks them, changes an
 * event's state only through sdei_transition() and answers; then the
 * caller takes what became deliverable, and other PEs are woken.
 */
#include <string.h>

#include "core/log.h"
#include "sdei/internal.h"

#define GIC_FIRST_PPI		16
#define GIC_LAST_SPI		1019

/* One call in progress, on its vCPU's thread, under the lock. */
struct call {
	struct sdei *sdei;
	unsigned int vcpu;
	const uint64_t *a;		/* x1..x5 */
	/* COMPLETE and COMPLETE_AND_RESUME: the context it went back to. */
	bool resumed;
	struct sdei_context ctx;
};

static int64_t call_version(struct call *c)
{
	return (int64_t)SDEI_VERSION_MAJOR << 48 | (int64_t)SDEI_VERSION_MINOR << 32 |
	       SDEI_VENDOR_ID;
}

static int64_t call_register(struct call *c)
{
	struct sdei *sdei = c->sdei;
	uint64_t entry = c->a[1], arg = c->a[2], flags = c->a[3], mpidr = c->a[4];
	const struct sdei_event_desc *desc;
	struct sdei_registration *reg;
	unsigned int ev;
	int64_t ret;

	if (!entry || !sdei->ops->valid_address(sdei->opaque, c->vcpu, entry))
		return SDEI_INVALID_PARAMETERS;
	desc = event_arg(c->a[0], &ev);
	if (!desc)
		return SDEI_INVALID_PARAMETERS;
	/* Bit 0 is the routing mode; relative mode (bit 1, v1.1) is not
	 * offered (FEATURES(1) says 0); the rest is reserved. */
	if (flags & ~1ULL)
		return SDEI_INVALID_PARAMETERS;
	/* Private events ignore routing: Linux passes 0 and 0 (TF-A d39db2695). */
	if (desc->shared && flags == SDEI_RM_PE && vcpu_by_mpidr(sdei, mpidr) < 0)
		return SDEI_INVALID_PARAMETERS;
	reg = reg_of(sdei, c->vcpu, ev);
	ret = sdei_transition(reg, SDEI_ACT_REGISTER);
	if (ret)
		return ret;
	reg->entry = entry;
	reg->arg = arg;
	reg->route_mode = desc->shared ? flags : SDEI_RM_PE;
	reg->route_mpidr = desc->shared ? mpidr & MPIDR_AFFINITY :
			   sdei->mpidrs[c->vcpu] & MPIDR_AFFINITY;
	return SDEI_SUCCESS;
}

/* ENABLE, DISABLE, UNREGISTER: the event in x1, on this PE if private. */
static int64_t event_action(struct call *c, enum sdei_action action)
{
	unsigned int ev;

	if (!event_arg(c->a[0], &ev))
		return SDEI_INVALID_PARAMETERS;
	return sdei_transition(reg_of(c->sdei, c->vcpu, ev), action);
}

static int64_t call_enable(struct call *c)
{
	return event_action(c, SDEI_ACT_ENABLE);
}

static int64_t call_disable(struct call *c)
{
	return event_action(c, SDEI_ACT_DISABLE);
}

/* A running event stays running, and is unregistered at completion. */
static int64_t call_unregister(struct call *c)
{
	return event_action(c, SDEI_ACT_UNREGISTER);
}

static int64_t call_status(struct call *c)
{
	unsigned int ev;

	if (!event_arg(c->a[0], &ev))
		return SDEI_INVALID_PARAMETERS;
	return reg_of(c->sdei, c->vcpu, ev)->state;
}

static int64_t call_get_info(struct call *c)
{
	const uint64_t *a = c->a;
	const struct sdei_event_desc *desc;
	const struct sdei_registration *reg;
	unsigned int ev;

	desc = event_arg(a[0], &ev);
	if (!desc)
		return SDEI_INVALID_PARAMETERS;
	reg = reg_of(c->sdei, c->vcpu, ev);
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

static int64_t call_routing_set(struct call *c)
{
	const struct sdei_event_desc *desc;
	struct sdei_registration *reg;
	unsigned int ev;
	int64_t ret;

	desc = event_arg(c->a[0], &ev);
	if (!desc || !desc->shared || c->a[1] > SDEI_RM_PE)
		return SDEI_INVALID_PARAMETERS;
	if (c->a[1] == SDEI_RM_PE && vcpu_by_mpidr(c->sdei, c->a[2]) < 0)
		return SDEI_INVALID_PARAMETERS;
	reg = &c->sdei->shared[ev];
	/* Only registered, disabled and not running (spec 5.1.11). */
	ret = sdei_transition(reg, SDEI_ACT_ROUTING_SET);
	if (ret)
		return ret;
	reg->route_mode = c->a[1];
	reg->route_mpidr = c->a[1] == SDEI_RM_PE ? c->a[2] & MPIDR_AFFINITY : 0;
	return SDEI_SUCCESS;
}

static int64_t call_context(struct call *c)
{
	const struct sdei_vcpu *cpu = &c->sdei->vcpus[c->vcpu];

	if (c->a[0] >= SDEI_SAVED_GPRS)
		return SDEI_INVALID_PARAMETERS;
	if (!cpu->depth)
		return SDEI_DENIED;
	return cpu->stack[cpu->depth - 1].ctx.x[c->a[0]];
}

static int64_t call_complete(struct call *c)
{
	struct sdei *sdei = c->sdei;
	struct sdei_frame frame;

	/* The status in x1 changes nothing (as in TF-A): not even read. */
	if (!sdei->vcpus[c->vcpu].depth)
		return SDEI_DENIED;
	pop_frame(sdei, c->vcpu, &frame);
	sdei->ops->restore_context(sdei->opaque, c->vcpu, &frame.ctx);
	c->ctx = frame.ctx;
	c->resumed = true;
	return SDEI_SUCCESS;
}

static int64_t call_complete_and_resume(struct call *c)
{
	struct sdei *sdei = c->sdei;
	struct sdei_frame frame;

	/* A bad resume address is DENIED, as TF-A answers it. */
	if (!sdei->vcpus[c->vcpu].depth ||
	    !sdei->ops->valid_address(sdei->opaque, c->vcpu, c->a[0]))
		return SDEI_DENIED;
	pop_frame(sdei, c->vcpu, &frame);
	/* As if a synchronous exception were taken at the resume address:
	 * EL1h, all of DAIF masked (spec 5.2.2.2). */
	c->ctx = frame.ctx;
	c->ctx.pc = c->a[0];
	c->ctx.pstate = PSTATE_MODE_EL1H | PSTATE_DAIF;
	sdei->ops->resume_at(sdei->opaque, c->vcpu, &frame.ctx, c->ctx.pc, c->ctx.pstate);
	c->resumed = true;
	return SDEI_SUCCESS;
}

/* MASK answers 1 if the PE was unmasked, 0 if it already was masked. */
static int64_t call_pe_mask(struct call *c)
{
	struct sdei_vcpu *cpu = &c->sdei->vcpus[c->vcpu];
	int64_t was_unmasked = !cpu->masked;

	cpu->masked = true;
	return was_unmasked;
}

static int64_t call_pe_unmask(struct call *c)
{
	c->sdei->vcpus[c->vcpu].masked = false;
	return SDEI_SUCCESS;
}

static int64_t call_interrupt_bind(struct call *c)
{
	if (c->a[0] < GIC_FIRST_PPI || c->a[0] > GIC_LAST_SPI)
		return SDEI_INVALID_PARAMETERS;
	/* The in-kernel vGIC owns every guest interrupt: no bind slots. */
	return SDEI_OUT_OF_RESOURCE;
}

/* Nothing can be bound, so no event is a bound one. */
static int64_t call_interrupt_release(struct call *c)
{
	return SDEI_INVALID_PARAMETERS;
}

static int64_t call_signal(struct call *c)
{
	struct sdei *sdei = c->sdei;
	struct sdei_registration *reg;
	int target;

	if (c->a[0] != 0)
		return SDEI_INVALID_PARAMETERS;
	target = vcpu_by_mpidr(sdei, c->a[1]);
	if (target < 0)
		return SDEI_INVALID_PARAMETERS;
	/* TF-A b142ede74: a masked target, or one without event 0
	 * registered and enabled, is refused rather than left pending. */
	reg = &sdei->vcpus[target].priv[0];
	if (sdei->vcpus[target].masked || (reg->state & REG_EN) != REG_EN)
		return SDEI_INVALID_PARAMETERS;
	reg->pending = true;
	__atomic_store_n(&sdei->vcpus[target].maybe_pending, true, __ATOMIC_RELEASE);
	return SDEI_SUCCESS;
}

static int64_t call_features(struct call *c)
{
	switch (c->a[0]) {
	case 0:		/* BIND_SLOTS: 0 private, 0 shared */
	case 1:		/* RELATIVE_MODE: not supported */
		return 0;
	default:
		return SDEI_INVALID_PARAMETERS;
	}
}

/*
 * PRIVATE_RESET and SHARED_RESET: DENIED (not PENDING) if any was running,
 * the running ones then unregistered at completion (TF-A ad55b97ac).
 */
static int64_t reset_events(struct call *c, bool shared)
{
	int64_t ret = SDEI_SUCCESS;

	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++) {
		if (desc_of(ev)->shared != shared)
			continue;
		if (sdei_transition(reg_of(c->sdei, c->vcpu, ev), SDEI_ACT_UNREGISTER) ==
		    SDEI_PENDING)
			ret = SDEI_DENIED;
	}
	return ret;
}

static int64_t call_private_reset(struct call *c)
{
	return reset_events(c, false);
}

static int64_t call_shared_reset(struct call *c)
{
	return reset_events(c, true);
}

static const struct {
	unsigned int nr_args;		/* of x1..x5 */
	int64_t (*handle)(struct call *c);
} calls[] = {
#define CALL(fid, n, fn)	[fid - SDEI_FID_BASE] = { n, fn }
	CALL(SDEI_VERSION, 0, call_version),
	CALL(SDEI_EVENT_REGISTER, 5, call_register),
	CALL(SDEI_EVENT_ENABLE, 1, call_enable),
	CALL(SDEI_EVENT_DISABLE, 1, call_disable),
	CALL(SDEI_EVENT_CONTEXT, 1, call_context),
	CALL(SDEI_EVENT_COMPLETE, 0, call_complete),
	CALL(SDEI_EVENT_COMPLETE_AND_RESUME, 1, call_complete_and_resume),
	CALL(SDEI_EVENT_UNREGISTER, 1, call_unregister),
	CALL(SDEI_EVENT_STATUS, 1, call_status),
	CALL(SDEI_EVENT_GET_INFO, 2, call_get_info),
	CALL(SDEI_EVENT_ROUTING_SET, 3, call_routing_set),
	CALL(SDEI_PE_MASK, 0, call_pe_mask),
	CALL(SDEI_PE_UNMASK, 0, call_pe_unmask),
	CALL(SDEI_INTERRUPT_BIND, 1, call_interrupt_bind),
	CALL(SDEI_INTERRUPT_RELEASE, 1, call_interrupt_release),
	CALL(SDEI_EVENT_SIGNAL, 2, call_signal),
	CALL(SDEI_FEATURES, 1, call_features),
	CALL(SDEI_PRIVATE_RESET, 0, call_private_reset),
	CALL(SDEI_SHARED_RESET, 0, call_shared_reset),
#undef CALL
};

#define NR_CALLS	(sizeof(calls) / sizeof(calls[0]))

unsigned int sdei_nr_args(uint32_t fid)
{
	return fid - SDEI_FID_BASE < NR_CALLS ? calls[fid - SDEI_FID_BASE].nr_args : 0;
}

void sdei_handle_call(struct sdei *sdei, unsigned int vcpu, uint32_t fid,
		      const uint64_t args[5])
{
	struct call c = { .sdei = sdei, .vcpu = vcpu, .a = args };
	struct sdei_vcpu *cpu = &sdei->vcpus[vcpu];
	unsigned int nr_args = sdei_nr_args(fid);
	unsigned int depth;
	int64_t ret;

	pthread_mutex_lock(&sdei->lock);
	pr_debug("vCPU %u: SDEI %s(0x%llx, 0x%llx, ...)", vcpu, sdei_call_name(fid),
		 (unsigned long long)args[0], (unsigned long long)args[1]);
	if (fid - SDEI_FID_BASE < NR_CALLS && calls[fid - SDEI_FID_BASE].handle)
		ret = calls[fid - SDEI_FID_BASE].handle(&c);
	else
		ret = SDEI_NOT_SUPPORTED;
	/*
	 * The caller's x0 and the arguments the call took are known. If an
	 * event is dispatched now, the result goes into the saved context
	 * (the caller sees it when the handler completes) and the register
	 * write is saved; otherwise it is written here.
	 */
	if (c.resumed) {
		deliver_locked(sdei, vcpu, (struct known_regs) { &c.ctx, KNOWN_ALL, true });
		pr_debug("vCPU %u: SDEI %s: back at 0x%llx", vcpu, sdei_call_name(fid),
			 (unsigned long long)c.ctx.pc);
	} else {
		depth = cpu->depth;
		c.ctx.x[0] = ret;
		memcpy(&c.ctx.x[1], args, nr_args * sizeof(*args));
		deliver_locked(sdei, vcpu, (struct known_regs) { &c.ctx, 1 + nr_args, true });
		if (cpu->depth == depth)
			sdei->ops->set_result(sdei->opaque, vcpu, ret);
		pr_debug("vCPU %u: SDEI %s: %lld", vcpu, sdei_call_name(fid), (long long)ret);
	}
	notify_others(sdei, vcpu);
	pthread_mutex_unlock(&sdei->lock);
}
