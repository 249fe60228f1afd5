/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_SANDBOX_H
#define LKVM_CORE_SANDBOX_H

#include <seccomp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ucontext.h>

/* The kinds of thread in a running lkvm, each with its own allow-list. */
enum sandbox_thread {
	SANDBOX_MAIN,		/* waits for the VM's end, then takes it apart */
	SANDBOX_IO,		/* the I/O loop: devices' queues, console, control */
	SANDBOX_VCPU,		/* KVM_RUN and its exits */
	SANDBOX_FS,		/* the virtio-fs devices' FUSE servers */
	SANDBOX_THREADS,
	SANDBOX_NONE = SANDBOX_THREADS,
};

/*
 * One allowed call; with @arg >= 0, only when args[arg] compares with @a
 * by @op (SCMP_CMP_MASKED_EQ: (args[arg] & a) == b).
 */
struct sandbox_allow {
	int nr;
	int arg;
	enum scmp_compare op;
	uint64_t a, b;
};

struct sandbox_list {
	const struct sandbox_allow *calls;
	size_t nr;
};

/* What a caller allows: what every thread may call, and each kind's own. */
struct sandbox_policy {
	struct sandbox_list common;
	struct sandbox_list runtime;	/* the sanitizers' runtime, lkvm-asan */
	struct sandbox_list threads[SANDBOX_THREADS];
	/* The second argument of a forbidden call, for the report. */
	unsigned long (*call_arg1)(const ucontext_t *uc);
};

struct sandbox_filter {
	unsigned short len;	/* BPF instructions */
	void *insns;
};

struct sandbox {
	bool on;
	enum sandbox_thread selftest;	/* this thread trips its filter */
	struct sandbox_filter filters[SANDBOX_THREADS];
};

static inline const char *sandbox_thread_name(enum sandbox_thread kind)
{
	static const char *const names[SANDBOX_THREADS] = {
		[SANDBOX_MAIN] = "main", [SANDBOX_IO] = "io", [SANDBOX_VCPU] = "vcpu",
		[SANDBOX_FS] = "fs",
	};

	return kind < SANDBOX_THREADS ? names[kind] : "none";
}

/*
 * Compile every thread's filter from @policy once, on the main thread
 * before any other thread exists, and install the SIGSYS report. @on false
 * leaves lkvm unconfined (--sandbox=off).
 */
int sandbox_prepare(struct sandbox *sb, const struct sandbox_policy *policy,
		    bool on, enum sandbox_thread selftest);

/*
 * Confine the calling thread to @kind's list, for good. @id names a vCPU
 * in the report of a forbidden call. Returns 0 or -errno.
 */
int sandbox_enter(const struct sandbox *sb, enum sandbox_thread kind,
		  unsigned int id);

void sandbox_destroy(struct sandbox *sb);

#endif
