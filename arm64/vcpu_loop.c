// SPDX-License-Identifier: GPL-2.0
/*
 * One thread per vCPU runs KVM_RUN and handles its exits. A thread is
 * interrupted only by SIG_KICK, which is blocked except inside KVM_RUN
 * (KVM_SET_SIGNAL_MASK): a kick sent while the thread is in userspace stays
 * pending and makes the next KVM_RUN return at once, so none is lost.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "arm64/kvm_arm64.h"
#include "arm64/kvm_uapi.h"
#include "arm64/vm.h"
#include "core/log.h"
#include "core/signals.h"

#define PAUSE_TIMEOUT_S	5

static const char *const exit_names[] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_IO] = "IO",
	[KVM_EXIT_HYPERCALL] = "HYPERCALL",
	[KVM_EXIT_DEBUG] = "DEBUG",
	[KVM_EXIT_HLT] = "HLT",
	[KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[KVM_EXIT_ARM_NISV] = "ARM_NISV",
	[KVM_EXIT_ARM_SEA] = "ARM_SEA",
};

static const char *exit_name(unsigned int reason)
{
	if (reason < sizeof(exit_names) / sizeof(exit_names[0]) &&
	    exit_names[reason])
		return exit_names[reason];
	return "?";
}

static void vcpu_fail(struct vcpu *vcpu, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The vCPU cannot go on: say why once, and end the VM with status 1. */
static void vcpu_fail(struct vcpu *vcpu, const char *fmt, ...)
{
	char reason[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	pr_err("vCPU %u at PC 0x%llx: %s", vcpu->id,
	       (unsigned long long)arm64_vcpu_pc(vcpu), reason);
	vm_request_stop(vcpu->vm, 1);
}

static bool handle_mmio(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	uint64_t addr = run->mmio.phys_addr;
	uint32_t len = run->mmio.len;

	if (len > sizeof(run->mmio.data))
		len = sizeof(run->mmio.data);
	if (!mmio_bus_dispatch(&vcpu->vm->mmio, addr, run->mmio.data, len,
			       run->mmio.is_write)) {
		/* --debug-mmio raises the line to a warning. */
		void (*say)(const char *fmt, ...) = vcpu->vm->cfg->debug_mmio ? pr_warn : pr_debug;

		/* Nothing there: reads as zero, writes are ignored. */
		if (!run->mmio.is_write)
			memset(run->mmio.data, 0, len);
		say("vCPU %u: unhandled MMIO %s of %u bytes at 0x%llx", vcpu->id,
		    run->mmio.is_write ? "write" : "read", len, (unsigned long long)addr);
	}
	return true;
}

static bool handle_system_event(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	switch (vcpu->run->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		pr_info("guest powered off");
		vm_request_stop(vm, 0);
		return false;
	case KVM_SYSTEM_EVENT_RESET:
		/*
		 * Like kvmtool, a reset ends the session, but with its own
		 * status: a CI run learns that the guest rebooted or, with
		 * panic=-1, panicked, and the panic's line says which.
		 */
		vm_guest_reset(vm);
		return false;
	case KVM_SYSTEM_EVENT_CRASH:
		vm_guest_panicked(vm);
		return false;
	default:
		vcpu_fail(vcpu, "unhandled system event type %u",
			  vcpu->run->system_event.type);
		return false;
	}
}

/* Returns false when this vCPU must stop running. */
static bool handle_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;
	int ret;

	switch (run->exit_reason) {
	case KVM_EXIT_MMIO:
		return handle_mmio(vcpu);
	case KVM_EXIT_SYSTEM_EVENT:
		return handle_system_event(vcpu);
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_DEBUG:
		/* --debug-single-step: one instruction done. */
		pr_info("vCPU %u: step, PC 0x%llx", vcpu->id,
			(unsigned long long)arm64_vcpu_pc(vcpu));
		return true;
	case KVM_EXIT_HYPERCALL:
		ret = arm64_hypercall(vcpu);
		if (!ret)
			return true;
		if (ret == -ENOSYS)
			vcpu_fail(vcpu, "unexpected hypercall 0x%llx forwarded by KVM",
				  run->hypercall.nr);
		else
			vcpu_fail(vcpu, "hypercall 0x%llx: %s", run->hypercall.nr,
				  strerror(-ret));
		return false;
	case KVM_EXIT_ARM_SEA:
		ret = ras_sea_exit(vcpu);
		if (!ret)
			return true;
		vcpu_fail(vcpu, "cannot pass KVM's external abort on to the guest: %s",
			  strerror(-ret));
		return false;
	case KVM_EXIT_FAIL_ENTRY:
		vcpu_fail(vcpu, "KVM could not enter the guest (reason 0x%llx)",
			  run->fail_entry.hardware_entry_failure_reason);
		return false;
	case KVM_EXIT_INTERNAL_ERROR:
		vcpu_fail(vcpu, "KVM internal error (suberror %u)",
			  run->internal.suberror);
		return false;
	default:
		vcpu_fail(vcpu, "unhandled exit reason KVM_EXIT_%s (%u)",
			  exit_name(run->exit_reason), run->exit_reason);
		return false;
	}
}

/* Let SIG_KICK through only while this thread is inside KVM_RUN. */
static int allow_kick_in_guest(struct vcpu *vcpu)
{
	struct {
		struct kvm_signal_mask hdr;
		uint8_t set[8];		/* the kernel's sigset_t is 64 bits */
	} mask;
	sigset_t set;

	pthread_sigmask(SIG_BLOCK, NULL, &set);
	sigdelset(&set, SIG_KICK);
	mask.hdr.len = sizeof(mask.set);
	memcpy(mask.set, &set, sizeof(mask.set));
	if (ioctl(vcpu->fd, KVM_SET_SIGNAL_MASK, &mask)) {
		pr_err("vCPU %u: KVM_SET_SIGNAL_MASK failed: %s", vcpu->id,
		       strerror(errno));
		return -errno;
	}
	return 0;
}

/* A kick that made KVM_RUN return is consumed so the next entry waits. */
static void consume_kick(void)
{
	static const struct timespec zero;
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, SIG_KICK);
	while (sigtimedwait(&kick, NULL, &zero) == SIG_KICK)
		;
}

void run_state_init(struct vm_run_state *run)
{
	pthread_condattr_t attr;

	memset(run, 0, sizeof(*run));
	pthread_mutex_init(&run->lock, NULL);
	/* vcpus_pause() waits with a deadline on the monotonic clock. */
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&run->cond, &attr);
	pthread_condattr_destroy(&attr);
}

void run_state_destroy(struct vm_run_state *run)
{
	pthread_mutex_destroy(&run->lock);
	pthread_cond_destroy(&run->cond);
}

/*
 * Between two KVM_RUNs: wait out a pause; false once the VM is stopping.
 * A vCPU parks with its last exit complete, so that a snapshot taken
 * meanwhile finds its registers whole.
 */
static bool vcpu_may_run(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	bool run;

	pthread_mutex_lock(&vm->run.lock);
	if (vm->run.paused && !vm->run.stopping) {
		pthread_mutex_unlock(&vm->run.lock);
		vcpu_complete_exit(vcpu);
		pthread_mutex_lock(&vm->run.lock);
	}
	if (vm->run.paused && !vm->run.stopping) {
		vm->run.vcpus_parked++;
		pthread_cond_broadcast(&vm->run.cond);
		while (vm->run.paused && !vm->run.stopping)
			pthread_cond_wait(&vm->run.cond, &vm->run.lock);
		vm->run.vcpus_parked--;
	}
	run = !vm->run.stopping;
	pthread_mutex_unlock(&vm->run.lock);
	return run;
}

/* --vcpu-affinity, set before the sandbox (which has no sched_setaffinity). */
static int pin_to_cpus(struct vcpu *vcpu)
{
	const struct vm_config *cfg = vcpu->vm->cfg;

	if (!cfg->has_affinity)
		return 0;
	if (sched_setaffinity(0, sizeof(cfg->vcpu_affinity), &cfg->vcpu_affinity)) {
		pr_err("--vcpu-affinity: vCPU %u: sched_setaffinity failed: %s", vcpu->id,
		       strerror(errno));
		return -errno;
	}
	return 0;
}

/* Before KVM_RUN, on the vCPU's thread: what other threads asked of it. */
static void handle_requests(struct vcpu *vcpu)
{
	uint32_t req = __atomic_exchange_n(&vcpu->requests, 0, __ATOMIC_ACQUIRE);
	struct vm *vm = vcpu->vm;

	if (!req)
		return;
	if (req & VCPU_REQ(VCPU_REQ_POWER_ON))
		arm64_psci_power_on(vcpu);
	if (req & VCPU_REQ(VCPU_REQ_SDEI) && sdei_maybe_pending(&vm->sdei.dispatcher, vcpu->id)) {
		vcpu_complete_exit(vcpu);
		sdei_deliver(&vm->sdei.dispatcher, vcpu->id);
	}
	if (req & (VCPU_REQ(VCPU_REQ_SERROR) | VCPU_REQ(VCPU_REQ_SEA)))
		ras_vcpu_work(vcpu, req);
}

static void vcpu_loop(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	int ret;

	if (pin_to_cpus(vcpu) || allow_kick_in_guest(vcpu) ||
	    sandbox_enter(&vm->sandbox, SANDBOX_VCPU, vcpu->id)) {
		vm_request_stop(vm, 1);
		return;
	}
	while (vcpu_may_run(vcpu)) {
		handle_requests(vcpu);
		ras_guest_entry();
		ret = ioctl(vcpu->fd, KVM_RUN, 0);
		ras_guest_exit();
		if (ret < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				consume_kick();
				ras_vcpu_check_poison(vcpu);
				continue;
			}
			/* KVM's answer to MMIO it cannot decode (no ISV). */
			if (errno == ENOSYS)
				vcpu_fail(vcpu, "KVM_RUN: the guest accessed MMIO with an instruction KVM cannot emulate");
			else
				vcpu_fail(vcpu, "KVM_RUN failed: %s", strerror(errno));
			break;
		}
		if (!handle_exit(vcpu))
			break;
	}
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	char name[16];

	snprintf(name, sizeof(name), "lkvm-vcpu-%u", vcpu->id);
	pthread_setname_np(pthread_self(), name);
	vcpu_loop(vcpu);
	pthread_mutex_lock(&vm->run.lock);
	vm->run.vcpus_alive--;
	pthread_cond_broadcast(&vm->run.cond);
	pthread_mutex_unlock(&vm->run.lock);
	return NULL;
}

void vcpu_complete_exit(struct vcpu *vcpu)
{
	struct kvm_run *run = vcpu->run;

	if (run->exit_reason != KVM_EXIT_MMIO)
		return;
	/* KVM completes the access, then returns at once (EINTR). */
	run->immediate_exit = 1;
	if (ioctl(vcpu->fd, KVM_RUN, 0) < 0 && errno != EINTR)
		pr_warn("vCPU %u: completing an MMIO access failed: %s", vcpu->id,
			strerror(errno));
	run->immediate_exit = 0;
	run->exit_reason = KVM_EXIT_INTR;
}

int vcpus_start(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		int ret;

		pthread_mutex_lock(&vm->run.lock);
		vm->run.vcpus_alive++;
		pthread_mutex_unlock(&vm->run.lock);
		ret = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);
		if (ret) {
			pthread_mutex_lock(&vm->run.lock);
			vm->run.vcpus_alive--;
			pthread_mutex_unlock(&vm->run.lock);
			pr_err("vCPU %u: cannot start its thread: %s", i,
			       strerror(ret));
			return -ret;
		}
		vcpu->started = true;
	}
	return 0;
}

int vcpus_pause(struct vm *vm)
{
	struct timespec deadline;
	int ret = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += PAUSE_TIMEOUT_S;
	pthread_mutex_lock(&vm->run.lock);
	vm->run.paused = true;
	pthread_mutex_unlock(&vm->run.lock);
	/* Told after the flag is set, each thread parks on its way back in. */
	for (unsigned int i = 0; i < vm->nr_cpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	pthread_mutex_lock(&vm->run.lock);
	while (!ret && !vm->run.stopping && vm->run.vcpus_parked < vm->run.vcpus_alive)
		ret = pthread_cond_timedwait(&vm->run.cond, &vm->run.lock, &deadline);
	if (ret) {
		vm->run.paused = false;
		pthread_cond_broadcast(&vm->run.cond);
	}
	pthread_mutex_unlock(&vm->run.lock);
	return ret ? -ETIMEDOUT : 0;
}

void vcpus_resume(struct vm *vm)
{
	pthread_mutex_lock(&vm->run.lock);
	vm->run.paused = false;
	pthread_cond_broadcast(&vm->run.cond);
	pthread_mutex_unlock(&vm->run.lock);
}

bool vcpus_paused(struct vm *vm)
{
	bool paused;

	pthread_mutex_lock(&vm->run.lock);
	paused = vm->run.paused;
	pthread_mutex_unlock(&vm->run.lock);
	return paused;
}

void vcpu_kick(struct vcpu *vcpu)
{
	if (vcpu->started)
		pthread_kill(vcpu->thread, SIG_KICK);
}

void vcpu_request(struct vcpu *vcpu, enum vcpu_request req)
{
	__atomic_or_fetch(&vcpu->requests, VCPU_REQ(req), __ATOMIC_RELEASE);
	/* Its own thread sees the bit before its next KVM_RUN anyway. */
	if (!vcpu->started || !pthread_equal(pthread_self(), vcpu->thread))
		vcpu_kick(vcpu);
}

void vcpus_stop(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_cpus; i++)
		vcpu_kick(&vm->vcpus[i]);
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		if (vm->vcpus[i].started)
			pthread_join(vm->vcpus[i].thread, NULL);
		vm->vcpus[i].started = false;
	}
}
