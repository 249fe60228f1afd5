/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_RAS_H
#define LKVM_ARM64_RAS_H

/*
 * --ras: lkvm as the guest's firmware-first error handler. Errors (host
 * poison through SIGBUS, KVM_EXIT_ARM_SEA, operator injection) become CPER
 * records in the GHESv2 region (ras/ghes.h) and the guest is notified by a
 * synchronous external abort, a virtual SError or an SDEI event
 * (ras/policy.h). See ras/README.md.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/control_proto.h"
#include "core/log.h"
#include "ras/ghes.h"
#include "ras/host_ring.h"
#include "ras/poison.h"
#include "ras/policy.h"
#include "ras/status.h"
#include "snapshot/state.h"

struct vm;
struct vcpu;

/* The region: one 2 MiB block below the DTB's. */
#define RAS_REGION_RESERVE	(2ull << 20)

struct vm_ras {
	bool on;
	uint64_t reserve;		/* bytes of RAM kept for the region */
	pthread_mutex_t lock;		/* the region and its sources */
	struct ghes_region region;
	bool sea_to_user;		/* KVM_CAP_ARM_SEA_TO_USER enabled */
	int host_fd;			/* eventfd: SIGBUS AO or lkvm's own AR */
	int poll_fd;			/* timerfd: records wait for acks */
	uint64_t poll_ns;		/* its period; 0 when disarmed */
	struct log_ratelimit region_warn;	/* the guest's WRITE_POINTER, placed anew */
	struct ras_counts counts;	/* host_errors, sea_exits: atomic */
	struct ras_poison poisoned;	/* under @lock */
	uint64_t counter_offset;	/* host counter - guest counter */
};

/* Start-up steps: capabilities after KVM_CREATE_VM; the region and the
 * SIGBUS handling once the layout is known. */
int ras_setup_kvm(struct vm *vm);
int ras_setup(struct vm *vm);
/*
 * For a snapshot (SNAP_SEC_RAS): the region's place, the counts and the
 * sources' queues and flags (the blocks and acks are guest RAM). Loading
 * starts --ras with the region as the restored RAM holds it; 0, or
 * -errno with the reason in @why.
 */
int ras_state_save(struct vm *vm, struct snap_out *o);
int ras_state_load(struct vm *vm, const struct snap_section *s, char *why, size_t why_len);
/*
 * SNAP_SEC_RAS_POISON (arm64/ras_repoison.c): the guest pages the host had
 * poisoned, poisoned again in the restored RAM so that the guest's next
 * access takes the host's poison path as it would have. 0 or -errno.
 */
int ras_poison_load(struct vm *vm, const struct snap_section *s, char *why, size_t why_len);
/* Firmware mode: the firmware put the region at @gpa (0: took it back). */
void ras_region_placed(struct vm *vm, uint64_t gpa);
void ras_destroy(struct vm *vm);

/* The I/O thread watches these. */
int ras_start_io(struct vm *vm);

/*
 * The signal-safe capture of host memory errors (arm64/ras_capture.c):
 * the SIGBUS hook for guest RAM at @ram, and what it noted. A vCPU thread
 * brackets KVM_RUN with ras_guest_entry() and ras_guest_exit(), and asks
 * ras_capture_consumed() afterwards: did the guest consume poison, where?
 * The I/O thread pops the rest after @event_fd was written.
 */
void ras_capture_start(uintptr_t ram, uint64_t ram_size, int event_fd);
void ras_capture_stop(void);
void ras_guest_entry(void);
void ras_guest_exit(void);
bool ras_capture_consumed(uintptr_t *addr, short *lsb);
bool ras_capture_pop(struct host_error *e);
/* Errors the ring had no room for since the last call. */
unsigned int ras_capture_lost(void);
/* lkvm ras --hwpoison: this thread's own poisoning is expected. */
void ras_capture_poisoning(bool on);

/* vCPU thread: VCPU_REQ_SERROR / _SEA in @req. */
void ras_vcpu_work(struct vcpu *vcpu, uint32_t req);
/* After KVM_RUN returned EINTR: did the guest consume poison? */
void ras_vcpu_check_poison(struct vcpu *vcpu);
/* KVM_EXIT_ARM_SEA: record it, re-inject it. 0 or -errno. */
int ras_sea_exit(struct vcpu *vcpu);
/* An SDEI call was handled: the guest may have acknowledged a record. */
void ras_poll(struct vm *vm);

/*
 * Record @rec on the source @n names and notify the guest as @n says,
 * now or when the record reaches its block.
 */
struct ras_report {
	enum ghes_result result;
	unsigned int src;
	bool notified;
	int notify_err;
};
struct ras_report ras_report(struct vm *vm, struct cper_record *rec, struct ras_notice n);

/* Control socket requests (arm64/ras_control.c); 0 or -errno, with text. */
int ras_inject(struct vm *vm, const struct ctl_ras_inject *req, char *text, size_t len);
int ras_hwpoison(struct vm *vm, const struct ctl_ras_poison *req, char *text, size_t len);
void ras_format_status(struct vm *vm, char *text, size_t len);

#endif
