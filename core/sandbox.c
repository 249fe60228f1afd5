// SPDX-License-Identifier: GPL-2.0
/*
 * The sandbox. Once set-up is done, each thread of a running lkvm may make
 * only the system calls its job needs, as Firecracker and Cloud Hypervisor
 * confine theirs: a guest that found a bug in a device model gets a
 * process that cannot open a file, create a socket or execute new code.
 *
 * The three filters are compiled once with libseccomp on the main thread,
 * before any other thread exists; each thread then installs its own as
 * its first act (a filter is per thread and permanent). A call outside
 * the list traps (SECCOMP_RET_TRAP): the SIGSYS report names the thread
 * and the call on one line, then lkvm dies of the signal.
 *
 * The lists come from what the code does after set-up, checked against
 * the whole integration suite with the filters on. Keep them tight: a call
 * is added for a code path, with the path named.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/seccomp.h>
#include <malloc.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/ucontext.h>
#include <termios.h>
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
 * One allowed call; with @arg >= 0, only when args[arg] compares with @a
 * by @op (SCMP_CMP_MASKED_EQ: (args[arg] & a) == b).
 */
struct allow {
	int nr;
	int arg;
	enum scmp_compare op;
	uint64_t a, b;
};

#define ANY(call)		{ SCMP_SYS(call), -1, 0, 0, 0 }
#define IF_ARG(call, n, v)	{ SCMP_SYS(call), n, SCMP_CMP_EQ, v, 0 }
/* mmap and mprotect: never executable memory. */
#define NO_EXEC(call)		{ SCMP_SYS(call), 2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0 }
#define IOCTL(req)		IF_ARG(ioctl, 1, req)
#define MADVISE(advice)		IF_ARG(madvise, 2, advice)
/* Signals to lkvm's own threads only: the pid goes in when compiled. */
#define TGKILL_OWN		IF_ARG(tgkill, 0, 0)

/* Every thread: the C library's locks, memory and signals, and logging. */
static const struct allow common_calls[] = {
	ANY(futex), ANY(brk), NO_EXEC(mmap), NO_EXEC(mprotect), ANY(munmap),
	ANY(mremap),
	/* malloc and thread stacks give memory back; RAS's SIGBUS hook
	 * maps a poisoned page afresh and advises it as guest RAM. */
	MADVISE(MADV_DONTNEED), MADVISE(MADV_HUGEPAGE),
	ANY(write), ANY(clock_gettime), ANY(getpid), ANY(gettid),
	ANY(rt_sigprocmask), ANY(rt_sigreturn), ANY(restart_syscall),
	/* The fatal path: restore the terminal (glibc's tcsetattr reads it
	 * back), reset the handler, raise. */
	IOCTL(TCGETS), IOCTL(TCSETS), IOCTL(TCSETSW), IOCTL(TCSETSF),
	ANY(rt_sigaction),
	ANY(exit), ANY(exit_group),
};

static const struct allow vcpu_calls[] = {
	IOCTL(KVM_RUN), IOCTL(KVM_GET_ONE_REG), IOCTL(KVM_SET_ONE_REG),
	/* SError injection (RAS), PSCI and SDEI's view of other vCPUs */
	IOCTL(KVM_GET_VCPU_EVENTS), IOCTL(KVM_SET_VCPU_EVENTS),
	IOCTL(KVM_GET_MP_STATE), IOCTL(KVM_SET_MP_STATE),
	/* PSCI CPU_ON resets the target vCPU */
	IOCTL(KVM_ARM_VCPU_INIT),
	/* the UARTs' interrupt lines */
	IOCTL(KVM_IRQ_LINE),
	/* the guest programs a PCI BAR or an MSI-X vector */
	IOCTL(KVM_IOEVENTFD), IOCTL(KVM_IRQFD), IOCTL(KVM_SET_GSI_ROUTING),
	/* the CFI flash between read-array and command mode; under MTE,
	 * what the guest programs is written back to --flash */
	IOCTL(KVM_SET_USER_MEMORY_REGION), ANY(pwrite64),
	/* eventfds (stop, console), console output to a socket, RAS's poll
	 * timer, and a kick consumed after KVM_RUN */
	ANY(read), ANY(sendto), ANY(timerfd_settime), ANY(rt_sigtimedwait),
	TGKILL_OWN,		/* PSCI and SDEI kick other vCPUs */
};

static const struct allow io_calls[] = {
	ANY(epoll_pwait), ANY(epoll_ctl), ANY(read), ANY(readv), ANY(writev),
	/* virtio-blk */
	ANY(preadv), ANY(pwritev), ANY(fdatasync), ANY(fallocate),
	IOCTL(BLKDISCARD), IOCTL(BLKZEROOUT),
	/* virtio-rng; virtio-net's offloads, as the driver acknowledged them */
	ANY(getrandom), IOCTL(TUNSETOFFLOAD),
	/* the console UARTs' interrupt lines; SDEI's view of the vCPUs */
	IOCTL(KVM_IRQ_LINE), IOCTL(KVM_GET_MP_STATE),
	/* the control socket: its peers, their deadlines, their replies */
	ANY(accept4), IF_ARG(getsockopt, 2, SO_PEERCRED), ANY(geteuid),
	ANY(recvfrom), ANY(sendto), ANY(close), ANY(timerfd_create),
	ANY(timerfd_settime),
	/* a reply is sent blocking, with a send timeout */
	IF_ARG(fcntl, 1, F_GETFL), IF_ARG(fcntl, 1, F_SETFL),
	IF_ARG(setsockopt, 2, SO_SNDTIMEO),
	/* lkvm ras --hwpoison */
	MADVISE(MADV_POPULATE_WRITE), MADVISE(MADV_HWPOISON),
	/* pause and SDEI kick vCPU threads */
	TGKILL_OWN,
};

static const struct allow main_calls[] = {
	/* stop the vCPUs, drain the console, take the VM apart */
	TGKILL_OWN, ANY(ppoll), ANY(sendto), ANY(close),
	ANY(msync), ANY(fdatasync), ANY(unlinkat),
};

#ifdef __SANITIZE_ADDRESS__
/*
 * lkvm-asan only (make check-asan), what the sanitizers' runtime does on
 * its own: its spin locks yield, a thread that ends frees the signal
 * stack the runtime gave it, and in the RAS scenarios (host poison in
 * guest RAM) it opens files, directories and pipes, as its symbolizer
 * does. The production lists stay as they are; the self-test's call
 * (socket) is refused here too.
 */
static const struct allow sanitizer_calls[] = {
	ANY(sched_yield), ANY(sigaltstack), ANY(madvise), ANY(fcntl),
	ANY(openat), ANY(mkdirat), ANY(readlinkat), ANY(newfstatat),
	ANY(pipe2),
};
#endif

struct policy {
	const struct allow *calls;
	size_t nr_calls;
};

#define POLICY(list) { list, sizeof(list) / sizeof(list[0]) }

static const struct policy policies[SANDBOX_THREADS] = {
	[SANDBOX_MAIN] = POLICY(main_calls),
	[SANDBOX_IO] = POLICY(io_calls),
	[SANDBOX_VCPU] = POLICY(vcpu_calls),
};

/*
 * The report runs in a signal handler: it may not allocate, so the names
 * of all system calls are looked up before any filter is on, and the line
 * is put together by hand.
 */
#define NR_SYSCALL_NAMES 512

static char *syscall_names[NR_SYSCALL_NAMES];
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
		[SANDBOX_VCPU] = "the thread of vCPU ",
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
		p = append_hex(append(p, end, ", request "), end, uc->uc_mcontext.regs[1]);
	p = append(p, end, "); lkvm stops (--sandbox=off to debug)\n");
	if (write(STDERR_FILENO, line, p - line) < 0) {
		/* nowhere left to say it */
	}
}

static int add_rule(scmp_filter_ctx ctx, const struct allow *a)
{
	uint64_t value = a->a;

	if (a->arg < 0)
		return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a->nr, 0);
	if (a->nr == SCMP_SYS(tgkill))
		value = getpid();
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, a->nr, 1,
				(struct scmp_arg_cmp){ a->arg, a->op, value, a->b });
}

static int add_rules(scmp_filter_ctx ctx, const struct allow *calls, size_t n)
{
	int ret = 0;

	for (size_t i = 0; i < n && !ret; i++)
		ret = add_rule(ctx, &calls[i]);
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

static int compile(const struct policy *p, struct sandbox_filter *f)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_TRAP);
	int ret;

	if (!ctx)
		return -ENOMEM;
	ret = add_rules(ctx, common_calls, sizeof(common_calls) / sizeof(common_calls[0]));
	ret = ret ?: add_rules(ctx, p->calls, p->nr_calls);
#ifdef __SANITIZE_ADDRESS__
	ret = ret ?: add_rules(ctx, sanitizer_calls,
			       sizeof(sanitizer_calls) / sizeof(sanitizer_calls[0]));
#endif
	ret = ret ?: export_filter(ctx, f);
	seccomp_release(ctx);
	return ret;
}

int sandbox_prepare(struct sandbox *sb, bool on, enum sandbox_thread selftest)
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
		ret = compile(&policies[i], &sb->filters[i]);
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
