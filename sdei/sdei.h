/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_SDEI_SDEI_H
#define LKVM_SDEI_SDEI_H

/*
 * The SDEI dispatcher (Arm DEN0054C, SDEI v1.1): lkvm plays the EL3 firmware
 * for the guest. Pure logic over a small register interface, so the whole
 * ABI is unit-tested natively; arm64/sdei_kvm.c connects it to KVM.
 *
 * Threads: every entry point takes the dispatcher's lock. Calls and
 * deliveries for a vCPU run on that vCPU's own thread (they touch its
 * registers); sdei_inject() may come from any thread and only marks events
 * pending and kicks.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Function IDs: SMC64 fast calls, Standard Secure Service range. */
#define SDEI_FID_BASE			0xC4000020u
#define SDEI_FID_COUNT			32u	/* the range forwarded to lkvm */
#define SDEI_VERSION			0xC4000020u
#define SDEI_EVENT_REGISTER		0xC4000021u
#define SDEI_EVENT_ENABLE		0xC4000022u
#define SDEI_EVENT_DISABLE		0xC4000023u
#define SDEI_EVENT_CONTEXT		0xC4000024u
#define SDEI_EVENT_COMPLETE		0xC4000025u
#define SDEI_EVENT_COMPLETE_AND_RESUME	0xC4000026u
#define SDEI_EVENT_UNREGISTER		0xC4000027u
#define SDEI_EVENT_STATUS		0xC4000028u
#define SDEI_EVENT_GET_INFO		0xC4000029u
#define SDEI_EVENT_ROUTING_SET		0xC400002Au
#define SDEI_PE_MASK			0xC400002Bu
#define SDEI_PE_UNMASK			0xC400002Cu
#define SDEI_INTERRUPT_BIND		0xC400002Du
#define SDEI_INTERRUPT_RELEASE		0xC400002Eu
#define SDEI_EVENT_SIGNAL		0xC400002Fu
#define SDEI_FEATURES			0xC4000030u
#define SDEI_PRIVATE_RESET		0xC4000031u
#define SDEI_SHARED_RESET		0xC4000032u

/* Results, returned sign-extended in x0. */
#define SDEI_SUCCESS			0
#define SDEI_NOT_SUPPORTED		(-1)
#define SDEI_INVALID_PARAMETERS		(-2)
#define SDEI_DENIED			(-3)
#define SDEI_PENDING			(-5)
#define SDEI_OUT_OF_RESOURCE		(-10)

/* EVENT_STATUS bits: the event's state. */
#define SDEI_ST_REGISTERED		(1u << 0)
#define SDEI_ST_ENABLED			(1u << 1)
#define SDEI_ST_RUNNING			(1u << 2)

#define SDEI_RM_ANY			0
#define SDEI_RM_PE			1

/* VERSION: 1.1, vendor "LKVM". */
#define SDEI_VERSION_MAJOR		1
#define SDEI_VERSION_MINOR		1
#define SDEI_VENDOR_ID			0x4c4b564du

#define SDEI_SAVED_GPRS			18	/* x0-x17 */
#define SDEI_MAX_DEPTH			2	/* a critical over a normal */

/* A platform event lkvm offers (sdei/catalogue.c). */
struct sdei_event_desc {
	uint32_t number;
	bool shared;
	bool critical;
	bool signalable;	/* only event 0: EVENT_SIGNAL */
	const char *purpose;
};

extern const struct sdei_event_desc sdei_catalogue[];
extern const unsigned int sdei_catalogue_size;

/* The register state the dispatcher saves, restores and rewrites. */
struct sdei_context {
	uint64_t x[SDEI_SAVED_GPRS];
	uint64_t pc;
	uint64_t pstate;
};

/* What the dispatcher needs from the vCPUs; all calls are for @vcpu's thread
 * except kick(). Each returns 0 or a negative errno. */
struct sdei_ops {
	int (*get_args)(void *opaque, unsigned int vcpu, uint64_t *x1_x5,
			unsigned int count);
	int (*set_result)(void *opaque, unsigned int vcpu, int64_t x0);
	/* x@from-x17, PC and PSTATE into @ctx (x0 up to @from are known). */
	int (*save_context)(void *opaque, unsigned int vcpu,
			    struct sdei_context *ctx, unsigned int from);
	/* Enter the handler: x0-x3, PC and PSTATE; nothing else changes. */
	int (*enter)(void *opaque, unsigned int vcpu, const uint64_t x0_x3[4],
		     uint64_t pc, uint64_t pstate);
	/* Back to @ctx: x0-x17, PC and PSTATE. */
	int (*restore_context)(void *opaque, unsigned int vcpu,
			       const struct sdei_context *ctx);
	/* COMPLETE_AND_RESUME: x0-x17 from @ctx, ELR_EL1 and SPSR_EL1 from its
	 * PC and PSTATE, then @pc and @pstate. */
	int (*resume_at)(void *opaque, unsigned int vcpu,
			 const struct sdei_context *ctx, uint64_t pc,
			 uint64_t pstate);
	/* SCTLR_EL1, for the PSTATE a handler is entered with. */
	int (*get_sctlr)(void *opaque, unsigned int vcpu, uint64_t *sctlr);
	/* Whether @addr can be an entry point or resume address. */
	bool (*valid_address)(void *opaque, unsigned int vcpu, uint64_t addr);
	/* Whether @vcpu is powered on; events never wake an off PE. */
	bool (*online)(void *opaque, unsigned int vcpu);
	/* Make @vcpu's thread call sdei_deliver() soon (any thread). */
	void (*kick)(void *opaque, unsigned int vcpu);
};

/* One registration: per vCPU for private events, one per VM for shared. */
struct sdei_registration {
	uint8_t state;		/* SDEI_ST_* */
	bool pending;		/* signalled, waiting for dispatch */
	uint64_t entry;
	uint64_t arg;
	uint8_t route_mode;	/* shared events */
	uint64_t route_mpidr;
	int running_on;		/* shared events: the vCPU handling it, or -1 */
	uint64_t dispatched;	/* how many times it was dispatched */
};

struct sdei_frame {
	unsigned int event;	/* index in the catalogue */
	struct sdei_context ctx;
};

struct sdei_vcpu {
	bool masked;
	unsigned int depth;
	struct sdei_frame stack[SDEI_MAX_DEPTH];
	struct sdei_registration *priv;	/* per catalogue entry; used if private */
	bool maybe_pending;	/* read without the lock before KVM_RUN */
};

struct sdei {
	pthread_mutex_t lock;
	unsigned int nr_vcpus;
	const uint64_t *mpidrs;
	struct sdei_vcpu *vcpus;
	struct sdei_registration *shared;	/* per catalogue entry */
	const struct sdei_ops *ops;
	void *opaque;
};

int sdei_init(struct sdei *sdei, unsigned int nr_vcpus, const uint64_t *mpidrs,
	      const struct sdei_ops *ops, void *opaque);
void sdei_destroy(struct sdei *sdei);

/* How many of x1-x5 call @fid takes (the edge reads only those). */
unsigned int sdei_nr_args(uint32_t fid);

/*
 * An SDEI call by @vcpu with its arguments in @args (x1 on; only the first
 * sdei_nr_args(@fid) are read): sets its result (or resumes the
 * interrupted context), then delivers what became deliverable.
 */
void sdei_handle_call(struct sdei *sdei, unsigned int vcpu, uint32_t fid,
		      const uint64_t args[5]);

/* Deliver pending events to @vcpu if it can take one now (its thread). */
void sdei_deliver(struct sdei *sdei, unsigned int vcpu);

/* Cheap, lock-free hint: might sdei_deliver() have work for @vcpu? */
static inline bool sdei_maybe_pending(struct sdei *sdei, unsigned int vcpu)
{
	return __atomic_load_n(&sdei->vcpus[vcpu].maybe_pending, __ATOMIC_ACQUIRE);
}

/*
 * Host side: trigger catalogue event @number, on vCPU @vcpu for a private
 * event (-1: all vCPUs). Returns 0, -ENOENT (no such event), -EINVAL (bad
 * vCPU, or a vCPU given for a shared event), -ENOTCONN (not registered).
 */
int sdei_inject(struct sdei *sdei, uint32_t number, int vcpu);

/*
 * For a snapshot (sdei/save.c): the dispatcher's state as
 * sdei_state_size() bytes, and loaded back into a dispatcher set up for
 * the same vCPUs, checked whole first. Load returns 0, or -EINVAL with
 * the reason in @why and the dispatcher unchanged.
 */
size_t sdei_state_size(const struct sdei *sdei);
void sdei_state_save(struct sdei *sdei, uint8_t *buf);
int sdei_state_load(struct sdei *sdei, const uint8_t *buf, size_t len, char *why,
		    size_t why_len);

/* Every vCPU's and every event's state as text, for `lkvm sdei --status`. */
void sdei_format_status(struct sdei *sdei, char *buf, size_t len);

/* PSCI CPU_OFF: the PE's running handlers end with it, and it is masked. */
void sdei_vcpu_off(struct sdei *sdei, unsigned int vcpu);

/* The PE was powered on by PSCI CPU_ON: masked, private events reset. */
void sdei_vcpu_reset(struct sdei *sdei, unsigned int vcpu);

const struct sdei_event_desc *sdei_find_event(uint32_t number,
					       unsigned int *index);
/* The catalogue as a table, for --help. */
void sdei_print_catalogue(FILE *out);
/* "PE_MASK" for 0xC400002B; "unknown" outside the defined calls. */
const char *sdei_call_name(uint32_t fid);

#endif
