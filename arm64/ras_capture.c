// SPDX-License-Identifier: GPL-2.0
/*
 * --ras: the capture of host memory errors, signal-safe. The SIGBUS hook
 * (core/signals.c owns the handler) runs on whichever thread touched the
 * poison and may only note it: in a thread-local for a vCPU that consumed
 * it inside KVM_RUN (its own thread then reports it), or in a lock-free
 * ring and an eventfd for the I/O thread. Everything else happens after
 * the handler returns, in arm64/ras.c.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arm64/ras.h"
#include "core/signals.h"
#include "ras/host_ring.h"

/*
 * What the SIGBUS handler may touch: thread-locals, the ring, the eventfd,
 * and the guest RAM range. Everything else happens after it returns.
 */
static __thread volatile sig_atomic_t in_guest;
static __thread volatile sig_atomic_t poisoning;	/* the test hook's own AR */
static __thread volatile sig_atomic_t consumed;
static __thread uintptr_t consumed_addr;
static __thread short consumed_lsb;

/* Filled by the SIGBUS hook on any thread, emptied by the I/O thread. */
static struct host_ring host_ring;
static int host_event_fd = -1;
static uintptr_t guest_lo, guest_hi;

static void say(const char *msg)
{
	ssize_t n = write(STDERR_FILENO, msg, strlen(msg));

	(void)n;
}

static void queue_host_error(uintptr_t addr, short lsb, bool by_lkvm)
{
	uint64_t one = 1;
	ssize_t n;

	if (!host_ring_push(&host_ring, &(struct host_error){ addr, lsb, by_lkvm }))
		return;
	n = write(host_event_fd, &one, sizeof(one));
	(void)n;
}

/* The SIGBUS hook (core/signals.c): true when the signal was dealt with. */
static bool on_sigbus(const siginfo_t *si)
{
	uintptr_t addr = (uintptr_t)si->si_addr;
	bool guest = addr >= guest_lo && addr < guest_hi;
	size_t extent = (size_t)1 << si->si_addr_lsb;

	if (si->si_code == BUS_MCEERR_AR && poisoning)
		return true;
	if (si->si_code == BUS_MCEERR_AR && in_guest && guest) {
		consumed_addr = addr;
		consumed_lsb = si->si_addr_lsb;
		consumed = 1;
		return true;
	}
	if (si->si_code == BUS_MCEERR_AO && guest) {
		queue_host_error(addr, si->si_addr_lsb, false);
		return true;
	}
	if (si->si_code == BUS_MCEERR_AR && guest) {
		/*
		 * lkvm itself read poisoned guest RAM: returning would fault
		 * again forever, so the page gets a fresh zero page and the
		 * guest a record saying its data there is gone. The new page is
		 * mapped and advised as setup_ram() does guest RAM, so that it
		 * joins the rest of RAM in one mapping again.
		 */
		void *page = (void *)(addr & ~(extent - 1));

		if (mmap(page, extent, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED,
			 -1, 0) != MAP_FAILED) {
			madvise(page, extent, MADV_HUGEPAGE);
			queue_host_error(addr, si->si_addr_lsb, true);
			return true;
		}
	}
	if (si->si_code == BUS_MCEERR_AO) {
		say("lkvm: host memory error in lkvm's own memory (not guest RAM); carrying on\n");
		return true;
	}
	/* Not guest memory: nothing to hand on; die of it. */
	say("lkvm: SIGBUS outside guest RAM\n");
	return false;
}

void ras_guest_entry(void)
{
	in_guest = 1;
}

void ras_guest_exit(void)
{
	in_guest = 0;
}

void ras_capture_start(uintptr_t ram, uint64_t ram_size, int event_fd)
{
	host_ring_init(&host_ring);
	host_event_fd = event_fd;
	guest_lo = ram;
	guest_hi = ram + ram_size;
	signals_set_sigbus_hook(on_sigbus);
}

void ras_capture_stop(void)
{
	signals_set_sigbus_hook(NULL);
	host_event_fd = -1;
}

bool ras_capture_consumed(uintptr_t *addr, short *lsb)
{
	if (!consumed)
		return false;
	consumed = 0;
	*addr = consumed_addr;
	*lsb = consumed_lsb;
	return true;
}

bool ras_capture_pop(struct host_error *e)
{
	return host_ring_pop(&host_ring, e);
}

unsigned int ras_capture_lost(void)
{
	return host_ring_take_lost(&host_ring);
}

void ras_capture_poisoning(bool on)
{
	poisoning = on;
}
