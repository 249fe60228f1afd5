// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox. Once set-up is done, each thread of a running lkvm may make
 * only the system calls its job needs, as Firecracker and Cloud Hypervisor
 * confine theirs: a guest that found a bug in a device model gets a
 * process that cannot open a file, create a socket or execute new code.
 *
 * The filters, one per kind of thread, are compiled once with libseccomp on the main thread,
 * before any other thread exists; each thread then installs its own as
 * its first act (a filter is per thread and permanent). A call outside
 * the list traps (SECCOMP_RET_TRAP): the SIGSYS report names the thread
 * and the call on one line, then lkvm dies of the signal.
 *
 * This is the mechanism; the lists, which name KVM's ioctls, are the
 * caller's (arm64/sandbox_policy.c).
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <malloc.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/ucontext.h>
#include <time.h>
#include <unistd.h>

#include "core/fileio.h"
#include "core/log.h"
#include "core/sandbox.h"
#include "core/signals.h"

#ifndef SYS_SECCOMP
#define SYS_SECCOMP 1		/* si_code of a SIGSYS a filter raised */
#endif

/*
 * The report runs in a signal handler: it may not allocate, so the names
 * of all system calls are looked up before any filter is on, and the line
 * is put together by hand.
 */
#define NR_SYSCALL_NAMES 512

static char *syscall_names[NR_SYSCALL_NAMES];
static unsigned long (*call_arg1)(const ucontext_t *uc);
static __thread enum sandbox_thread thread_kind = SANDBOX_NONE;
static __thread unsigned int thread_id;

static char *append(char *p, char *end, const char *s)
{
	while (*s && p < end)
		*p++ = *s++;
	return p;
}

static char *append_uint(char *p, char *end, unsigned long v)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n && p < end)
		*p++ = digits[--n];
	return p;
}

static char *append_hex(char *p, char *end, unsigned long v)
{
	int shift = 60;

	p = append(p, end, "0x");
	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0 && p < end; shift -= 4)
		*p++ = "0123456789abcdef"[(v >> shift) & 0xf];
	return p;
}

static void report_forbidden_call(const siginfo_t *si, const ucontext_t *uc)
{
	static const char *const roles[] = {
		[SANDBOX_MAIN] = "the main thread", [SANDBOX_IO] = "the I/O thread",
		[SANDBOX_VCPU] = "the thread of vCPU ", [SANDBOX_FS] = "the virtio-fs thread",
	};
	char line[256], *p = line, *end = line + sizeof(line) - 1;
	int nr = si->si_syscall;

	/* Sent by someone, not raised by a filter: nothing to explain. */
	if (si->si_code != SYS_SECCOMP)
		return;
	p = append(p, end, "lkvm: sandbox: ");
	if (thread_kind == SANDBOX_NONE) {
		p = append(p, end, "a thread without a list of its own");
	} else {
		p = append(p, end, roles[thread_kind]);
		if (thread_kind == SANDBOX_VCPU)
			p = append_uint(p, end, thread_id);
	}
	p = append(p, end, " made a forbidden system call: ");
	if (nr >= 0 && nr < NR_SYSCALL_NAMES && syscall_names[nr])
		p = append(append(p, end, syscall_names[nr]), end, " ");
	p = append_uint(append(p, end, "(number "), end, nr);
	/* Which ioctl matters as much as that it was one. */
	if (nr == SCMP_SYS(ioctl))
		p = append_hex(append(p, end, ", request "), end, call_arg1(uc));
	p = append(p, end, "); lkvm stops (--sandbox=off to debug)\n");
	if (write(STDERR_FILENO, line, p - line) < 0) {
		/* nowhere left to say it */
	}
}

static int add_rule(scmp_filter_ctx ctx, const struct sandbox_allow *a)
{
	uint64_t value = a->a;

	if (a->arg < 0)
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a->nr, 0);
	if (a->nr == SCMP_SYS(tgkill))
		value = getpid();
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a->nr, 1,
				(struct scmp_arg_cmp){ a->arg, a->op, value, a->b });
}

static int add_rules(scmp_filter_ctx ctx, const struct sandbox_list *list)
{
	int ret = 0;

	for (size_t i = 0; i < list->nr && !ret; i++)
		ret = add_rule(ctx, &list->calls[i]);
	return ret;
}

/* libseccomp 2.5 writes a filter only to a file: use one in memory. */
static int export_filter(scmp_filter_ctx ctx, struct sandbox_filter *f)
{
	int fd = memfd_create("lkvm-seccomp", MFD_CLOEXEC);
	off_t size;
	int ret;

	if (fd < 0)
		return -errno;
	ret = seccomp_export_bpf(ctx, fd);
	size = ret ? 0 : lseek(fd, 0, SEEK_END);
	if (!ret && (size <= 0 || size % sizeof(struct sock_filter) ||
		     size / sizeof(struct sock_filter) > BPF_MAXINSNS))
		ret = -E2BIG;
	if (!ret) {
		f->insns = malloc(size);
		ret = f->insns ? pread_full(fd, f->insns, size, 0) : -ENOMEM;
		f->len = size / sizeof(struct sock_filter);
	}
	close(fd);
	return ret;
}

static int compile(const struct sandbox_policy *p, enum sandbox_thread kind,
		   struct sandbox_filter *f)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = add_rules(ctx, &p->common);
	ret = ret ?: add_rules(ctx, &p->runtime);
	ret = ret ?: add_rules(ctx, &p->threads[kind]);
	ret = ret ?: export_filter(ctx, f);
	seccomp_release(ctx);
	return ret;
}

int sandbox_prepare(struct sandbox *sb, const struct sandbox_policy *policy,
		    bool on, enum sandbox_thread selftest)
{
	int ret = 0;

	memset(sb, 0, sizeof(*sb));
	sb->selftest = selftest;
	if (!on)
		return 0;
	for (int nr = 0; nr < NR_SYSCALL_NAMES; nr++)
		if (!syscall_names[nr])
			syscall_names[nr] = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
	for (unsigned int i = 0; i < SANDBOX_THREADS && !ret; i++)
		ret = compile(policy, i, &sb->filters[i]);
	if (ret) {
		pr_err("sandbox: cannot compile the seccomp filters: %s",
		       strerror(-ret));
		sandbox_destroy(sb);
		return ret;
	}
	/*
	 * What glibc sets up lazily, with calls no list allows, is set up
	 * now: the time zone, read from /etc/localtime by the first time
	 * conversion (RAS records carry a timestamp), and the number of
	 * malloc arenas, which a thread's first arena would size from
	 * sched_getaffinity (glibc's own default: eight per CPU).
	 */
	tzset();
	mallopt(M_ARENA_MAX, 8 * get_nprocs());
	/* Inherited by every thread from here on; the filters require it. */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		ret = -errno;
		pr_err("sandbox: PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
		sandbox_destroy(sb);
		return ret;
	}
	call_arg1 = policy->call_arg1;
	signals_set_sigsys_report(report_forbidden_call);
	sb->on = true;
	return 0;
}

int sandbox_enter(const struct sandbox *sb, enum sandbox_thread kind,
		  unsigned int id)
{
	const struct sandbox_filter *f = &sb->filters[kind];
	struct sock_fprog prog = { .len = f->len, .filter = f->insns };

	if (!sb->on)
		return 0;
	thread_kind = kind;
	thread_id = id;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog)) {
		int err = errno;

		thread_kind = SANDBOX_NONE;
		pr_err("sandbox: cannot confine the %s thread: %s",
		       sandbox_thread_name(kind), strerror(err));
		return -err;
	}
	/* --sandbox-selftest: a call no list allows, to see the filter act. */
	if (sb->selftest == kind && id == 0)
		syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	return 0;
}

void sandbox_destroy(struct sandbox *sb)
{
	for (unsigned int i = 0; i < SANDBOX_THREADS; i++) {
		free(sb->filters[i].insns);
		sb->filters[i].insns = NULL;
	}
	sb->on = false;
}
