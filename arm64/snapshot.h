/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_SNAPSHOT_H
#define LKVM_ARM64_SNAPSHOT_H

/*
 * lkvm snapshot and lkvm run --restore, the VM's side: each part's state
 * into sections of the state file (snapshot/state.h), guest RAM and its
 * MTE tags into files of their own.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/control_proto.h"
#include "snapshot/manifest.h"
#include "snapshot/records.h"
#include "snapshot/state.h"

struct vm;
struct vcpu;

/* MTE: bytes of RAM per tag; the tags file holds one byte for each. */
#define MTE_GRANULE		16

/* Memory with nothing but zeros, which a snapshot need not write or replay. */
static inline bool snap_all_zero(const uint8_t *p, size_t len)
{
	return !p[0] && !memcmp(p, p + 1, len - 1);
}

/* Register-list groups of a vCPU section outside ONE_REG's space. */
#define SNAP_VCPU_EVENTS	1	/* serror pending, has esr, dabt, esr */
#define SNAP_VCPU_MP_STATE	2

/* A snapshot opened for --restore (arm64/restore.c), checked whole. */
struct snap_image {
	const char *path;
	int dirfd;
	struct snap_manifest m;
	uint8_t *state;		/* the state file, read and CRC-checked */
	size_t state_len;
	int memory_fd;		/* size-checked; mapped, not read */
	int tags_fd;		/* -1: no MTE */
	const char *words[SNAP_MAX_WORDS];	/* the recorded run command line */
	int nr_words;			/* -1 until read */
	struct snap_machine machine;	/* what a restore must build */
	bool have_machine;
};

/* Open and check the snapshot at @path; a refusal is printed as one line. */
int snap_image_open(struct snap_image *img, const char *path);
void snap_image_close(struct snap_image *img);
/* Start-up steps of a restore: RAM from the snapshot, then every part's state. */
int restore_ram(struct vm *vm);
int restore_state(struct vm *vm);

/*
 * The control request, on the I/O thread: pause, write the files the
 * client passed, resume (or stop). The reply lists the files written, as
 * manifest lines ("file NAME SIZE crc32 X").
 */
int vm_snapshot(struct vm *vm, const struct ctl_snapshot *req, const int *fds,
		unsigned int nr_fds, char *text, size_t len);


/* The parts (arm64/vcpu_state.c, arm64/gic_state.c). */
int vcpu_state_save(struct vcpu *vcpu, struct snap_out *o, char *why, size_t why_len);
int vcpu_state_load(struct vcpu *vcpu, const struct snap_section *s, char *why, size_t why_len);
int vcpu_lkvm_save(struct vcpu *vcpu, struct snap_out *o);
int vcpu_lkvm_load(struct vcpu *vcpu, const struct snap_section *s, char *why, size_t why_len);
int gic_state_save(struct vm *vm, struct snap_out *o, char *why, size_t why_len);
int gic_state_load(struct vm *vm, const struct snap_section *s, char *why, size_t why_len);
/* --firmware's devices and in-memory variable store (arm64/firmware_state.c). */
int firmware_state_save(struct vm *vm, struct snap_out *o, char *why, size_t why_len);
int firmware_state_load(struct vm *vm, const struct snap_section *s, char *why, size_t why_len);
/* The virtio devices (arm64/devices_state.c); resume: kick their live queues. */
int devices_state_save(struct vm *vm, struct snap_out *o);
int devices_state_load(struct vm *vm, const struct snap_section *s, char *why, size_t why_len);
unsigned int devices_count(struct vm *vm);
void devices_state_resume(struct vm *vm);

#endif
