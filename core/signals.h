/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_SIGNALS_H
#define LKVM_CORE_SIGNALS_H

#include <signal.h>
#include <stdbool.h>
#include <ucontext.h>

/* Sent to a vCPU thread to make it leave KVM_RUN. */
#define SIG_KICK SIGUSR1

/*
 * The one owner of lkvm's signal dispositions and the process's signal
 * mask. Installed once, before any thread exists, so that every thread
 * inherits the mask. Other parts hand in hooks, never handlers.
 */
void signals_install(void);

/* SIGINT, SIGTERM and SIGHUP: blocked, for the I/O thread's signalfd. */
void signals_stop_set(sigset_t *set);

/* Called on the fatal path before lkvm dies of a signal (the terminal). */
void signals_set_fatal_cleanup(void (*cleanup)(void));

/*
 * Offered every SIGBUS first (RAS: host memory errors in guest RAM); it
 * returns true when it dealt with it. Async-signal-safe, as a handler.
 */
void signals_set_sigbus_hook(bool (*hook)(const siginfo_t *si));

/* Says which call the sandbox refused, before lkvm dies of the SIGSYS. */
void signals_set_sigsys_report(void (*report)(const siginfo_t *si,
						const ucontext_t *uc));

#endif
