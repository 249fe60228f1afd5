// SPDX-License-Identifier: GPL-2.0
/*
 * What each kind of lkvm thread may call once set-up is done (the
 * mechanism is core/sandbox.c). The lists come from what the code does
 * after set-up, checked against the whole integration suite with the
 * filters on. Keep them tight: a call is added for a code path, with the
 * path named.
 */
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/if_tun.h>
#include <linux/kvm.h>
#include <linux/vhost.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>

#include "arm64/kvm_arm64.h"

#define ANY(call)		{ SCMP_SYS(call), -1, 0, 0, 0 }
#define IF_ARG(call, n, v)	{ SCMP_SYS(call), n, SCMP_CMP_EQ, v, 0 }
/* mmap and mprotect: never executable memory. */
#define NO_EXEC(call)		{ SCMP_SYS(call), 2, SCMP_CMP_MASKED_EQ, PROT_EXEC, 0 }
#define IOCTL(req)		IF_ARG(ioctl, 1, req)
#define MADVISE(advice)		IF_ARG(madvise, 2, advice)
/* Signals to lkvm's own threads only: the pid goes in when compiled. */
#define TGKILL_OWN		IF_ARG(tgkill, 0, 0)

/* Every thread: the C library's locks, memory and signals, and logging. */
static const struct sandbox_allow common_calls[] = {
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

static const struct sandbox_allow vcpu_calls[] = {
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
	/* virtio-vsock: vhost-vsock started at DRIVER_OK, stopped at reset */
	IOCTL(VHOST_SET_FEATURES), IOCTL(VHOST_SET_VRING_NUM), IOCTL(VHOST_SET_VRING_BASE),
	IOCTL(VHOST_SET_VRING_ADDR), IOCTL(VHOST_SET_VRING_KICK), IOCTL(VHOST_SET_VRING_CALL),
	IOCTL(VHOST_VSOCK_SET_RUNNING),
	/* the CFI flash between read-array and command mode; under MTE,
	 * what the guest programs is written back to --flash */
	IOCTL(KVM_SET_USER_MEMORY_REGION), ANY(pwrite64),
	/* eventfds (stop, console), console output to a socket, RAS's poll
	 * timer, and a kick consumed after KVM_RUN */
	ANY(read), ANY(sendto), ANY(timerfd_settime), ANY(rt_sigtimedwait),
	TGKILL_OWN,		/* PSCI and SDEI kick other vCPUs */
};

static const struct sandbox_allow io_calls[] = {
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
	/* the control socket: a request may come with open files */
	ANY(recvmsg),
	/* lkvm snapshot: the paused vCPUs' registers, the vGIC's and ITS's
	 * (which first write their tables to RAM), MTE tags, written into
	 * the files that came with the request */
	IOCTL(KVM_GET_ONE_REG), IOCTL(KVM_GET_REG_LIST), IOCTL(KVM_GET_VCPU_EVENTS),
	IOCTL(KVM_GET_DEVICE_ATTR), IOCTL(KVM_SET_DEVICE_ATTR), IOCTL(KVM_ARM_MTE_COPY_TAGS),
	ANY(pwrite64), ANY(ftruncate),
};

/*
 * The FUSE servers (fuse/): every file call is relative to a descriptor
 * they hold (openat2 beneath a node, *at() on /proc/self/fd), and the
 * kicks and interrupts of their queues.
 */
static const struct sandbox_allow fs_calls[] = {
	ANY(epoll_pwait), ANY(read), ANY(close),
	ANY(openat2), ANY(openat), ANY(newfstatat), ANY(fstatfs), ANY(readlinkat),
	ANY(mkdirat), ANY(unlinkat), ANY(symlinkat), ANY(linkat),
	/* glibc's renameat2() without flags is renameat */
	ANY(renameat), ANY(renameat2),
	ANY(fchmodat), ANY(fchownat), ANY(utimensat), ANY(ftruncate),
	ANY(preadv), ANY(pwritev), ANY(getdents64), ANY(lseek), ANY(fsync), ANY(fdatasync),
	/* virtio-pci's INTx */
	IOCTL(KVM_IRQ_LINE),
};

static const struct sandbox_allow main_calls[] = {
	/* stop the vCPUs, drain the console, take the VM apart */
	TGKILL_OWN, ANY(ppoll), ANY(sendto), ANY(close),
	ANY(msync), ANY(fdatasync), ANY(unlinkat),
	/* reap the passt of each mode=user NIC */
	IF_ARG(wait4, 2, WNOHANG),
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
static const struct sandbox_allow sanitizer_calls[] = {
	ANY(sched_yield), ANY(sigaltstack), ANY(madvise), ANY(fcntl),
	ANY(openat), ANY(mkdirat), ANY(readlinkat), ANY(newfstatat),
	ANY(pipe2),
};
#endif

#define LIST(calls)	{ calls, sizeof(calls) / sizeof(calls[0]) }

/* The second argument of the forbidden call: an ioctl's request. */
static unsigned long call_arg1(const ucontext_t *uc)
{
	return uc->uc_mcontext.regs[1];
}

const struct sandbox_policy sandbox_policy = {
	.common = LIST(common_calls),
#ifdef __SANITIZE_ADDRESS__
	.runtime = LIST(sanitizer_calls),
#endif
	.threads = {
		[SANDBOX_MAIN] = LIST(main_calls),
		[SANDBOX_IO] = LIST(io_calls),
		[SANDBOX_VCPU] = LIST(vcpu_calls),
		[SANDBOX_FS] = LIST(fs_calls),
	},
	.call_arg1 = call_arg1,
};
