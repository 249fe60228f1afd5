// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm's signals, all set here in one order:
 *   - SIGINT, SIGTERM, SIGHUP blocked: the I/O thread reads them from a
 *     signalfd and stops the guest cleanly;
 *   - SIGPIPE ignored: a console or a control socket that went away is an
 *     error return, not a death;
 *   - SIG_KICK blocked, with an empty handler: a vCPU unblocks it only
 *     inside KVM_RUN, where it makes the ioctl return;
 *   - SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGSYS: the fatal path,
 *     which restores the terminal and dies of the signal. A SIGBUS is
 *     first offered to the RAS hook, which turns poison in guest RAM into
 *     an error for the guest instead; a SIGSYS (a call the sandbox
 *     forbids) is first reported by the sandbox.
 * Before this owner, the terminal installed its fatal handler for SIGBUS
 * after RAS had installed its own, and replaced it.
 */
#include <stddef.h>

#include "core/signals.h"

static void (*fatal_cleanup)(void);
static bool (*sigbus_hook)(const siginfo_t *si);
static void (*sigsys_report)(const siginfo_t *si, const ucontext_t *uc);

static void die_of(int sig)
{
	void (*cleanup)(void) = __atomic_load_n(&fatal_cleanup, __ATOMIC_ACQUIRE);

	if (cleanup)
		cleanup();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_fatal(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	die_of(sig);
}

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	bool (*hook)(const siginfo_t *) = __atomic_load_n(&sigbus_hook, __ATOMIC_ACQUIRE);

	(void)uc;
	if (hook && hook(si))
		return;
	die_of(sig);
}

static void on_sigsys(int sig, siginfo_t *si, void *uc)
{
	void (*report)(const siginfo_t *, const ucontext_t *) =
		__atomic_load_n(&sigsys_report, __ATOMIC_ACQUIRE);

	if (report)
		report(si, uc);
	die_of(sig);
}

static void on_kick(int sig)
{
	(void)sig;
}

void signals_stop_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

void signals_install(void)
{
	static const int fatal[] = { SIGSEGV, SIGABRT, SIGFPE, SIGILL };
	struct sigaction sa = { .sa_sigaction = on_fatal, .sa_flags = SA_SIGINFO };
	sigset_t blocked;

	signals_stop_set(&blocked);
	sigaddset(&blocked, SIG_KICK);
	pthread_sigmask(SIG_BLOCK, &blocked, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* No SA_RESTART: the interrupted KVM_RUN must return. */
	sigaction(SIG_KICK, &(struct sigaction){ .sa_handler = on_kick }, NULL);

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++)
		sigaction(fatal[i], &sa, NULL);
	sa.sa_sigaction = on_sigbus;
	sigaction(SIGBUS, &sa, NULL);
	sa.sa_sigaction = on_sigsys;
	sigaction(SIGSYS, &sa, NULL);
}

void signals_set_fatal_cleanup(void (*cleanup)(void))
{
	__atomic_store_n(&fatal_cleanup, cleanup, __ATOMIC_RELEASE);
}

void signals_set_sigbus_hook(bool (*hook)(const siginfo_t *si))
{
	__atomic_store_n(&sigbus_hook, hook, __ATOMIC_RELEASE);
}

void signals_set_sigsys_report(void (*report)(const siginfo_t *si,
						const ucontext_t *uc))
{
	__atomic_store_n(&sigsys_report, report, __ATOMIC_RELEASE);
}
