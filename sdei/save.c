// SPDX-License-Identifier: GPL-2.0
/*
 * The dispatcher's state as bytes, for a snapshot: every registration,
 * each PE's mask and handler stack with the interrupted contexts. Loaded
 * from a file anyone could have written, it is checked whole before any
 * of it is used: every state one the table allows, every running event
 * on the stack of the PE running it and nowhere else, a critical handler
 * only over a normal one, every handler and resume address one the vCPU
 * could have registered. Little-endian; every pad byte is zero, so a
 * state has one encoding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "sdei/internal.h"

#define HEADER_SIZE	8	/* u32 vCPUs, u32 catalogue entries */
#define REG_SIZE	40
#define FRAME_SIZE	(8 + (SDEI_SAVED_GPRS + 2) * 8)
#define VCPU_SIZE	(8 + SDEI_MAX_DEPTH * FRAME_SIZE)

size_t sdei_state_size(const struct sdei *sdei)
{
	return HEADER_SIZE + sdei_catalogue_size * REG_SIZE +
	       sdei->nr_vcpus * (VCPU_SIZE + sdei_catalogue_size * REG_SIZE);
}

static uint8_t *put_reg(uint8_t *p, const struct sdei_registration *reg)
{
	memset(p, 0, REG_SIZE);
	p[0] = reg->state;
	p[1] = reg->pending;
	p[2] = reg->route_mode;
	put_le32(p + 4, (uint32_t)reg->running_on);
	put_le64(p + 8, reg->entry);
	put_le64(p + 16, reg->arg);
	put_le64(p + 24, reg->route_mpidr);
	put_le64(p + 32, reg->dispatched);
	return p + REG_SIZE;
}

static uint8_t *put_vcpu(uint8_t *p, const struct sdei_vcpu *cpu)
{
	memset(p, 0, VCPU_SIZE);
	p[0] = cpu->masked;
	p[1] = cpu->depth;
	for (unsigned int d = 0; d < cpu->depth; d++) {
		const struct sdei_frame *f = &cpu->stack[d];
		uint8_t *q = p + 8 + d * FRAME_SIZE;

		put_le32(q, f->event);
		for (unsigned int i = 0; i < SDEI_SAVED_GPRS; i++)
			put_le64(q + 8 + 8 * i, f->ctx.x[i]);
		put_le64(q + 8 + 8 * SDEI_SAVED_GPRS, f->ctx.pc);
		put_le64(q + 16 + 8 * SDEI_SAVED_GPRS, f->ctx.pstate);
	}
	return p + VCPU_SIZE;
}

void sdei_state_save(struct sdei *sdei, uint8_t *buf)
{
	uint8_t *p = buf;

	pthread_mutex_lock(&sdei->lock);
	put_le32(p, sdei->nr_vcpus);
	put_le32(p + 4, sdei_catalogue_size);
	p += HEADER_SIZE;
	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++)
		p = put_reg(p, &sdei->shared[ev]);
	for (unsigned int v = 0; v < sdei->nr_vcpus; v++) {
		p = put_vcpu(p, &sdei->vcpus[v]);
		for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++)
			p = put_reg(p, &sdei->vcpus[v].priv[ev]);
	}
	pthread_mutex_unlock(&sdei->lock);
}

/* The loader's work: a copy checked whole, then swapped in. */
struct loaded {
	struct sdei_registration *shared;
	struct sdei_vcpu *vcpus;
};

static bool zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

static bool get_reg(const uint8_t *p, struct sdei_registration *reg)
{
	reg->state = p[0];
	reg->pending = p[1];
	reg->route_mode = p[2];
	reg->running_on = (int32_t)get_le32(p + 4);
	reg->entry = get_le64(p + 8);
	reg->arg = get_le64(p + 16);
	reg->route_mpidr = get_le64(p + 24);
	reg->dispatched = get_le64(p + 32);
	return p[1] <= 1 && p[2] <= SDEI_RM_PE && !p[3] && sdei_state_valid(reg->state);
}

static bool get_vcpu(const uint8_t *p, struct sdei_vcpu *cpu)
{
	cpu->masked = p[0];
	cpu->depth = p[1];
	if (p[0] > 1 || p[1] > SDEI_MAX_DEPTH || !zero(p + 2, 6))
		return false;
	for (unsigned int d = 0; d < SDEI_MAX_DEPTH; d++) {
		const uint8_t *q = p + 8 + d * FRAME_SIZE;
		struct sdei_frame *f = &cpu->stack[d];

		/* A frame not in use is all zeros. */
		if (d >= cpu->depth) {
			if (!zero(q, FRAME_SIZE))
				return false;
			continue;
		}
		f->event = get_le32(q);
		if (f->event >= sdei_catalogue_size || !zero(q + 4, 4))
			return false;
		for (unsigned int i = 0; i < SDEI_SAVED_GPRS; i++)
			f->ctx.x[i] = get_le64(q + 8 + 8 * i);
		f->ctx.pc = get_le64(q + 8 + 8 * SDEI_SAVED_GPRS);
		f->ctx.pstate = get_le64(q + 16 + 8 * SDEI_SAVED_GPRS);
		/* Interrupted at EL0 or EL1, in AArch64: nothing else gets here. */
		switch (f->ctx.pstate & PSTATE_MODE_MASK) {
		case PSTATE_MODE_EL0T:
		case PSTATE_MODE_EL1T:
		case PSTATE_MODE_EL1H:
			break;
		default:
			return false;
		}
	}
	return true;
}

static int refuse(char *why, size_t why_len, const char *what, unsigned int n)
{
	snprintf(why, why_len, what, n);
	return -EINVAL;
}

/* How many handlers on every stack run event @ev; on @vcpu's, in *@own. */
static unsigned int on_stacks(const struct sdei *sdei, const struct loaded *l,
			      unsigned int ev, int vcpu, unsigned int *own)
{
	unsigned int n = 0;

	*own = 0;
	for (unsigned int v = 0; v < sdei->nr_vcpus; v++)
		for (unsigned int d = 0; d < l->vcpus[v].depth; d++)
			if (l->vcpus[v].stack[d].event == ev) {
				n++;
				*own += (int)v == vcpu;
			}
	return n;
}

static bool registered(const struct sdei_registration *reg)
{
	return reg->state & SDEI_ST_REGISTERED;
}

/* Everything that holds between the dispatcher's calls, on the copy. */
static int check_loaded(struct sdei *sdei, const struct loaded *l, char *why, size_t why_len)
{
	unsigned int own;

	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++) {
		const struct sdei_registration *reg = &l->shared[ev];
		bool running = reg->state & SDEI_ST_RUNNING;

		if (!desc_of(ev)->shared) {
			if (reg->state || reg->pending || reg->running_on != -1)
				return refuse(why, why_len, "event %u: private, but set as shared",
					      desc_of(ev)->number);
			continue;
		}
		if (reg->running_on < -1 || reg->running_on >= (int)sdei->nr_vcpus ||
		    running != (reg->running_on >= 0) ||
		    on_stacks(sdei, l, ev, reg->running_on, &own) != running || own != running)
			return refuse(why, why_len, "event %u: running, but not on its PE's stack",
				      desc_of(ev)->number);
		if (registered(reg) && (!sdei->ops->valid_address(sdei->opaque, 0, reg->entry) ||
					(reg->route_mode == SDEI_RM_PE &&
					 vcpu_by_mpidr(sdei, reg->route_mpidr) < 0)))
			return refuse(why, why_len, "event %u: a handler or route no guest could register",
				      desc_of(ev)->number);
	}
	for (unsigned int v = 0; v < sdei->nr_vcpus; v++) {
		const struct sdei_vcpu *cpu = &l->vcpus[v];

		if (cpu->depth == 2 && (desc_of(cpu->stack[0].event)->critical ||
					!desc_of(cpu->stack[1].event)->critical))
			return refuse(why, why_len, "vCPU %u: a handler over one it may not preempt", v);
		for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++) {
			const struct sdei_registration *reg = &cpu->priv[ev];
			bool running = reg->state & SDEI_ST_RUNNING;

			if (desc_of(ev)->shared) {
				if (reg->state || reg->pending || reg->running_on != -1)
					return refuse(why, why_len, "vCPU %u: a shared event set as private",
						      v);
				continue;
			}
			/* Each PE runs its own instance: only its stack counts. */
			on_stacks(sdei, l, ev, v, &own);
			if (reg->running_on != -1 || own != running)
				return refuse(why, why_len, "vCPU %u: a running event not on its stack", v);
			if (registered(reg) && !sdei->ops->valid_address(sdei->opaque, v, reg->entry))
				return refuse(why, why_len, "vCPU %u: a handler no guest could register", v);
		}
	}
	return 0;
}

int sdei_state_load(struct sdei *sdei, const uint8_t *buf, size_t len, char *why,
		    size_t why_len)
{
	struct loaded l = { NULL, NULL };
	const uint8_t *p = buf;
	int ret = -EINVAL;

	if (len != sdei_state_size(sdei) || get_le32(buf) != sdei->nr_vcpus ||
	    get_le32(buf + 4) != sdei_catalogue_size) {
		snprintf(why, why_len, "the SDEI state is for another VM (vCPUs or events differ)");
		return -EINVAL;
	}
	l.shared = calloc(sdei_catalogue_size, sizeof(*l.shared));
	l.vcpus = calloc(sdei->nr_vcpus, sizeof(*l.vcpus));
	for (unsigned int v = 0; l.vcpus && v < sdei->nr_vcpus; v++)
		if (!(l.vcpus[v].priv = calloc(sdei_catalogue_size, sizeof(*l.vcpus[v].priv))))
			goto out;
	if (!l.shared || !l.vcpus) {
		ret = -ENOMEM;
		goto out;
	}
	p += HEADER_SIZE;
	for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++, p += REG_SIZE)
		if (!get_reg(p, &l.shared[ev])) {
			ret = refuse(why, why_len, "event %u: a registration out of range",
				     desc_of(ev)->number);
			goto out;
		}
	for (unsigned int v = 0; v < sdei->nr_vcpus; v++) {
		if (!get_vcpu(p, &l.vcpus[v])) {
			ret = refuse(why, why_len, "vCPU %u: a handler stack out of range", v);
			goto out;
		}
		p += VCPU_SIZE;
		for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++, p += REG_SIZE)
			if (!get_reg(p, &l.vcpus[v].priv[ev])) {
				ret = refuse(why, why_len, "vCPU %u: a registration out of range", v);
				goto out;
			}
	}
	ret = check_loaded(sdei, &l, why, why_len);
	if (ret)
		goto out;
	/* Checked whole: swap it in, and let each PE look for work. */
	pthread_mutex_lock(&sdei->lock);
	memcpy(sdei->shared, l.shared, sdei_catalogue_size * sizeof(*l.shared));
	for (unsigned int v = 0; v < sdei->nr_vcpus; v++) {
		struct sdei_vcpu *cpu = &sdei->vcpus[v];

		memcpy(cpu->priv, l.vcpus[v].priv, sdei_catalogue_size * sizeof(*cpu->priv));
		cpu->masked = l.vcpus[v].masked;
		cpu->depth = l.vcpus[v].depth;
		memcpy(cpu->stack, l.vcpus[v].stack, sizeof(cpu->stack));
	}
	notify_others(sdei, -1);
	pthread_mutex_unlock(&sdei->lock);
out:
	for (unsigned int v = 0; l.vcpus && v < sdei->nr_vcpus; v++)
		free(l.vcpus[v].priv);
	free(l.vcpus);
	free(l.shared);
	return ret;
}
