// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for loading the SDEI dispatcher's state from a
 * snapshot (sdei/save.c), a file anyone could have written. The input,
 * copied into an allocation of exactly its size, is loaded into a
 * dispatcher of 3 vCPUs. Checked:
 *   - it is refused with a one-line reason and the dispatcher unchanged,
 *     or accepted;
 *   - accepted, it holds what the dispatcher's own calls keep true: a
 *     valid state for every event, at most two handlers on a PE and a
 *     critical one only over a normal one, every running event on the
 *     stack of the PE running it and nowhere else;
 *   - saved again, it is the input byte for byte (one encoding per state);
 *   - every PE then takes its pending events and completes its handlers
 *     through the ABI without breaking those rules.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sdei/internal.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define NR_VCPUS	3
#define RAM_LO		0x40000000ULL
#define RAM_HI		0x50000000ULL

static const uint64_t mpidrs[NR_VCPUS] = { 0x80000000, 0x80000001, 0x80000100 };

static int get_args(void *o, unsigned int v, uint64_t *a, unsigned int n)
{
	memset(a, 0, n * sizeof(*a));
	return 0;
}

static int set_result(void *o, unsigned int v, int64_t x0)
{
	return 0;
}

static int save(void *o, unsigned int v, struct sdei_context *ctx, unsigned int from)
{
	memset(&ctx->x[from], 0, (SDEI_SAVED_GPRS - from) * sizeof(ctx->x[0]));
	ctx->pc = RAM_LO;
	ctx->pstate = PSTATE_MODE_EL1H;
	return 0;
}

static int enter(void *o, unsigned int v, const uint64_t x[4], uint64_t pc, uint64_t pstate)
{
	check(pc >= RAM_LO && pc < RAM_HI);
	return 0;
}

static int restore(void *o, unsigned int v, const struct sdei_context *ctx)
{
	return 0;
}

static int resume_at(void *o, unsigned int v, const struct sdei_context *ctx, uint64_t pc,
		     uint64_t pstate)
{
	return 0;
}

static int get_sctlr(void *o, unsigned int v, uint64_t *s)
{
	*s = 0;
	return 0;
}

static bool valid(void *o, unsigned int v, uint64_t addr)
{
	return addr >= RAM_LO && addr < RAM_HI;
}

static bool online(void *o, unsigned int v)
{
	return true;
}

static void kick(void *o, unsigned int v)
{
	check(v < NR_VCPUS);
}

static const struct sdei_ops ops = {
	get_args, set_result, save, enter, restore, resume_at, get_sctlr, valid, online, kick,
};

static void check_rules(struct sdei *sdei)
{
	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		const struct sdei_vcpu *cpu = &sdei->vcpus[v];

		check(cpu->depth <= SDEI_MAX_DEPTH);
		if (cpu->depth == 2)
			check(!desc_of(cpu->stack[0].event)->critical &&
			      desc_of(cpu->stack[1].event)->critical);
		for (unsigned int d = 0; d < cpu->depth; d++) {
			const struct sdei_registration *reg = reg_of(sdei, v, cpu->stack[d].event);

			check(reg->state & SDEI_ST_RUNNING);
			if (desc_of(cpu->stack[d].event)->shared)
				check(reg->running_on == (int)v);
		}
		for (unsigned int ev = 0; ev < sdei_catalogue_size; ev++) {
			const struct sdei_registration *reg = reg_of(sdei, v, ev);
			unsigned int on = 0;

			check(sdei_state_valid(reg->state));
			for (unsigned int d = 0; d < cpu->depth; d++)
				on += cpu->stack[d].event == ev;
			if (!desc_of(ev)->shared)
				check(on == !!(reg->state & SDEI_ST_RUNNING));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdei sdei;
	uint8_t *file, *fresh, *again;
	size_t state_size;
	char why[160];
	uint64_t args[5] = { 0 };
	int ret;

	check(!sdei_init(&sdei, NR_VCPUS, mpidrs, &ops, NULL));
	state_size = sdei_state_size(&sdei);
	file = malloc(size ? size : 1);
	fresh = malloc(state_size);
	again = malloc(state_size);
	check(file && fresh && again);
	memcpy(file, data, size);
	sdei_state_save(&sdei, fresh);
	ret = sdei_state_load(&sdei, file, size, why, sizeof(why));
	if (ret) {
		check(ret == -EINVAL && why[0] && !strchr(why, '\n'));
		sdei_state_save(&sdei, again);
		check(!memcmp(again, fresh, state_size));
		goto out;
	}
	check(size == state_size);
	check_rules(&sdei);
	sdei_state_save(&sdei, again);
	check(!memcmp(again, file, size));
	/* Run it: every PE unmasked takes what is pending, then completes. */
	for (unsigned int v = 0; v < NR_VCPUS; v++) {
		sdei_deliver(&sdei, v);
		check_rules(&sdei);
		for (unsigned int i = 0; i < 2 * SDEI_MAX_DEPTH && sdei.vcpus[v].depth; i++) {
			sdei_handle_call(&sdei, v, SDEI_EVENT_COMPLETE, args);
			check_rules(&sdei);
		}
	}
out:
	sdei_destroy(&sdei);
	free(file);
	free(fresh);
	free(again);
	return 0;
}
