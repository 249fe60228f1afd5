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
#include "ras/policy.h"

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
	uint64_t host_errors;		/* SIGBUS on guest memory */
	uint64_t sea_exits;		/* KVM_EXIT_ARM_SEA */
	uint64_t notified[RAS_NOTIFY_SDEI + 1];
	uint64_t not_notified;		/* SDEI event not registered, ... */
	uint64_t counter_offset;	/* host counter - guest counter */
};

/* Start-up steps: capabilities after KVM_CREATE_VM; the region and the
 * SIGBUS handling once the layout is known. */
int ras_setup_kvm(struct vm *vm);
int ras_setup(struct vm *vm);
/* Firmware mode: the firmware put the region at @gpa (0: took it back). */
void ras_region_placed(struct vm *vm, uint64_t gpa);
void ras_destroy(struct vm *vm);

/* The I/O thread watches these. */
int ras_start_io(struct vm *vm);

/* vCPU thread: around KVM_RUN, and VCPU_REQ_SERROR / _SEA in @req. */
void ras_guest_entry(void);
void ras_guest_exit(void);
void ras_vcpu_work(struct vcpu *vcpu, uint32_t req);
/* After KVM_RUN returned EINTR: did the guest consume poison? */
void ras_vcpu_check_poison(struct vcpu *vcpu);
/* KVM_EXIT_ARM_SEA: record it, re-inject it. 0 or -errno. */
int ras_sea_exit(struct vcpu *vcpu);
/* An SDEI call was handled: the guest may have acknowledged a record. */
void ras_poll(struct vm *vm);

/* Control socket requests; return 0 or -errno, with text for the user. */
int ras_inject(struct vm *vm, const struct ctl_ras_inject *req, char *text, size_t len);
int ras_hwpoison(struct vm *vm, const struct ctl_ras_poison *req, char *text, size_t len);
void ras_format_status(struct vm *vm, char *text, size_t len);

#endif
