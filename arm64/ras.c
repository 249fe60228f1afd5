// SPDX-License-Identifier: GPL-2.0
/*
 * --ras: where errors come from and how they reach the guest.
 *
 *   SIGBUS BUS_MCEERR_AR on a vCPU thread in KVM_RUN: the guest consumed
 *     poison. Records for every 4 KiB of the poisoned extent on that vCPU's
 *     SEA source, then an external data abort on the access (ext_dabt).
 *   SIGBUS BUS_MCEERR_AO (early kill), or AR in lkvm's own access to guest
 *     RAM: handed to the I/O thread through a ring and an eventfd; recorded
 *     and notified asynchronously.
 *   KVM_EXIT_ARM_SEA (Linux 6.19+): recorded, then ext_dabt.
 *   lkvm ras --inject: whatever the operator asks, per ras/policy.h.
 *
 * Records that find their block busy wait in its queue; they are written
 * when the guest acknowledges, which lkvm notices after every SDEI call and
 * on a 1 ms timer that runs only while something waits.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "arm64/kvm_arm64.h"
#include "arm64/vm.h"
#include "core/log.h"
#include "core/signals.h"
#include "ras/host_ring.h"
#include "ras/records.h"

#define POLL_FAST_NS		1000000ull
#define POLL_SLOWEST_NS		1000000000ull

enum poll_pace { POLL_OFF, POLL_FAST, POLL_SLOWER };

#ifndef MADV_HWPOISON
#define MADV_HWPOISON		100
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

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

static void timestamp_now(struct cper_record *rec)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm))
		return;
	rec->has_timestamp = true;
	rec->timestamp = (struct cper_timestamp){
		.sec = tm.tm_sec, .min = tm.tm_min, .hour = tm.tm_hour,
		.day = tm.tm_mday, .month = tm.tm_mon + 1,
		.year = (tm.tm_year + 1900) % 100,
		.century = (tm.tm_year + 1900) / 100,
	};
}

/*
 * While records wait in a queue, the blocks are polled for the guest's
 * acknowledgement: every millisecond at first, then, each time a poll
 * finds nothing acknowledged, half as often, down to once a second. A
 * guest that never acknowledges costs one wake-up a second, not 1,000.
 */
static void arm_poll_timer(struct vm *vm, enum poll_pace pace)
{
	struct itimerspec its = { 0 };
	uint64_t ns = vm->ras.poll_ns;

	if (pace == POLL_OFF)
		ns = 0;
	else if (pace == POLL_FAST || !ns)
		ns = POLL_FAST_NS;
	else if (ns < POLL_SLOWEST_NS)
		ns = ns * 2 < POLL_SLOWEST_NS ? ns * 2 : POLL_SLOWEST_NS;
	if (ns == vm->ras.poll_ns)
		return;
	vm->ras.poll_ns = ns;
	its.it_value.tv_sec = its.it_interval.tv_sec = ns / 1000000000;
	its.it_value.tv_nsec = its.it_interval.tv_nsec = ns % 1000000000;
	timerfd_settime(vm->ras.poll_fd, 0, &its, NULL);
}

static const char *source_name(unsigned int src, char *buf, size_t len)
{
	if (src == RAS_SRC_SDEI_NORMAL || src == RAS_SRC_SDEI_CRITICAL)
		snprintf(buf, len, "sdei event %u", src == RAS_SRC_SDEI_NORMAL ?
			 RAS_SDEI_EVENT_NORMAL : RAS_SDEI_EVENT_CRITICAL);
	else if (src == RAS_SRC_SERROR)
		snprintf(buf, len, "serror");
	else
		snprintf(buf, len, "sea vcpu %u", src - RAS_SRC_SEA_FIRST);
	return buf;
}

/* Tell the guest a record is in its block. Returns 0 or a negative errno. */
static int notify_guest(struct vm *vm, unsigned int src, const struct ras_notice *n)
{
	struct vcpu *vcpu = &vm->vcpus[n->vcpu];
	int ret = 0;

	switch (n->how) {
	case RAS_NOTIFY_SDEI:
		ret = sdei_inject(&vm->sdei, src == RAS_SRC_SDEI_CRITICAL ?
				  RAS_SDEI_EVENT_CRITICAL : RAS_SDEI_EVENT_NORMAL, -1);
		break;
	case RAS_NOTIFY_SERROR:
		__atomic_store_n(&vcpu->ras_serror_iss, n->iss, __ATOMIC_RELAXED);
		vcpu_request(vcpu, VCPU_REQ_SERROR);
		break;
	default:
		vcpu_request(vcpu, VCPU_REQ_SEA);
		break;
	}
	pthread_mutex_lock(&vm->ras.lock);
	if (ret)
		vm->ras.not_notified++;
	else
		vm->ras.notified[n->how]++;
	pthread_mutex_unlock(&vm->ras.lock);
	return ret;
}

struct report {
	enum ghes_result result;
	unsigned int src;
	bool notified;
	int notify_err;
};

/*
 * Record @rec on the source @n names, and notify the guest unless it was
 * already. An SEA or SError means something by itself (a synchronous
 * error, a syndrome), so it goes at once even when the record must wait
 * for the block; an SDEI event carries nothing, so it waits for its record.
 */
static struct report report(struct vm *vm, struct cper_record *rec, struct ras_notice n)
{
	struct vm_ras *ras = &vm->ras;
	bool at_once = n.how != RAS_NOTIFY_SDEI;
	struct ras_notice kept = n;
	struct report r = {
		.src = ras_source_for(n.how, cper_record_severity(rec), n.vcpu),
		.notified = n.sent,
	};

	timestamp_now(rec);
	pthread_mutex_lock(&ras->lock);
	if (!ras->region.mem) {
		/* Firmware mode, before the firmware placed the region. */
		pthread_mutex_unlock(&ras->lock);
		r.result = GHES_INVALID;
		return r;
	}
	kept.sent |= at_once;
	r.result = ghes_submit(&ras->region, r.src, rec, &kept);
	if (ghes_any_queued(&ras->region))
		arm_poll_timer(vm, POLL_FAST);
	pthread_mutex_unlock(&ras->lock);
	if (!r.notified && (r.result == GHES_DELIVERED ||
			    (at_once && r.result != GHES_INVALID))) {
		r.notify_err = notify_guest(vm, r.src, &n);
		r.notified = !r.notify_err;
	}
	return r;
}

/* Write queued records into acknowledged blocks; true if any was. */
static bool poll_blocks(struct vm *vm)
{
	struct vm_ras *ras = &vm->ras;
	struct ras_notice notices[GHES_MAX_SOURCES];
	bool written[GHES_MAX_SOURCES], any = false;
	unsigned int n;

	pthread_mutex_lock(&ras->lock);
	n = ras->region.nr_sources;
	for (unsigned int src = 0; src < n; src++) {
		written[src] = ghes_poll(&ras->region, src, &notices[src]);
		any |= written[src];
	}
	if (!ghes_any_queued(&ras->region))
		arm_poll_timer(vm, POLL_OFF);
	else if (any)
		arm_poll_timer(vm, POLL_FAST);
	pthread_mutex_unlock(&ras->lock);
	for (unsigned int src = 0; src < n; src++)
		if (written[src] && !notices[src].sent)
			notify_guest(vm, src, &notices[src]);
	return any;
}

void ras_poll(struct vm *vm)
{
	if (vm->ras.on)
		poll_blocks(vm);
}

/* Records for every guest page of a poisoned host extent. */
static void report_poison(struct vm *vm, uintptr_t hva, short lsb, struct ras_notice n)
{
	uint64_t extent = (uint64_t)1 << lsb, gpa, done;
	uintptr_t base = hva & ~(uintptr_t)(extent - 1);
	struct cper_record rec;

	if (!memslot_hva_to_gpa(&vm->memslots, base, &gpa)) {
		pr_warn("ras: host memory error at %p outside guest memory", (void *)hva);
		return;
	}
	__atomic_add_fetch(&vm->ras.host_errors, 1, __ATOMIC_RELAXED);
	pr_info("ras: host memory error: guest page 0x%" PRIx64 " (%" PRIu64 " bytes) is poisoned",
		gpa, extent);
	for (uint64_t off = 0; off < extent; off += done) {
		done = ras_memory_record(&rec, gpa + off, extent - off,
					 CPER_SEV_RECOVERABLE, true);
		report(vm, &rec, n);
	}
}

void ras_vcpu_check_poison(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	int ret;

	if (!vm->ras.on || !consumed)
		return;
	consumed = 0;
	/* Records first: the abort must find them in the block. */
	report_poison(vm, consumed_addr, consumed_lsb,
		      (struct ras_notice){ .how = RAS_NOTIFY_SEA, .vcpu = vcpu->id, .sent = true });
	ret = arm64_inject_dabt(vcpu);
	if (ret) {
		pr_err("vCPU %u: the guest consumed poisoned memory and the external abort could not be injected: %s",
		       vcpu->id, strerror(-ret));
		vm_request_stop(vm, 1);
		return;
	}
	pthread_mutex_lock(&vm->ras.lock);
	vm->ras.notified[RAS_NOTIFY_SEA]++;
	pthread_mutex_unlock(&vm->ras.lock);
}

int ras_sea_exit(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	/* The exit's payload sits at the start of kvm_run's exit union. */
	const struct ras_sea_exit *sea = (const void *)&vcpu->run->mmio;
	struct cper_record rec;

	/* Only --ras enables KVM_CAP_ARM_SEA_TO_USER. */
	__atomic_add_fetch(&vm->ras.sea_exits, 1, __ATOMIC_RELAXED);
	pr_info("vCPU %u: external abort (ESR 0x%llx%s)", vcpu->id,
		(unsigned long long)sea->esr,
		sea->flags & RAS_SEA_EXIT_GPA_VALID ? ", guest address known" : "");
	ras_sea_exit_record(&rec, sea, vcpu->mpidr, vcpu->midr);
	report(vm, &rec, (struct ras_notice){ .how = RAS_NOTIFY_SEA, .vcpu = vcpu->id, .sent = true });
	return arm64_inject_dabt(vcpu);
}

void ras_vcpu_work(struct vcpu *vcpu, uint32_t req)
{
	int ret;

	vcpu_complete_exit(vcpu);
	if (req & VCPU_REQ(VCPU_REQ_SERROR)) {
		ret = arm64_inject_serror(vcpu, __atomic_load_n(&vcpu->ras_serror_iss,
								 __ATOMIC_RELAXED));
		if (ret == -EBUSY)
			pr_debug("vCPU %u: an SError is already pending; the new record shares it",
				 vcpu->id);
		else if (ret)
			pr_warn("vCPU %u: cannot pend the SError: %s", vcpu->id, strerror(-ret));
	}
	if (req & VCPU_REQ(VCPU_REQ_SEA)) {
		ret = arm64_raise_sea(vcpu);
		if (ret)
			pr_warn("vCPU %u: cannot raise the external abort: %s", vcpu->id,
				strerror(-ret));
	}
}

static void on_host_error(struct ioloop *loop, void *opaque)
{
	struct vm *vm = opaque;
	struct host_error e;
	unsigned int lost;
	uint64_t count;

	(void)loop;
	if (read(vm->ras.host_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		return;
	while (host_ring_pop(&host_ring, &e)) {
		enum ras_notify how = ras_notify_for(RAS_FROM_HOST_AO, CPER_SEV_RECOVERABLE,
						     RAS_NOTIFY_DEFAULT, vm->sdei_on);

		if (e.consumed_by_lkvm)
			pr_warn("ras: lkvm read poisoned guest memory at %p; the page now reads as zeros",
				(void *)e.addr);
		report_poison(vm, e.addr, e.lsb, (struct ras_notice){
			.how = how, .iss = ras_serror_iss(CPER_SEV_RECOVERABLE, false),
		});
	}
	lost = host_ring_take_lost(&host_ring);
	if (lost)
		pr_warn("ras: %u host memory errors came too fast to record", lost);
}

static void on_poll_timer(struct ioloop *loop, void *opaque)
{
	struct vm *vm = opaque;
	uint64_t ticks;

	(void)loop;
	if (read(vm->ras.poll_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	if (poll_blocks(vm))
		return;
	pthread_mutex_lock(&vm->ras.lock);
	if (ghes_any_queued(&vm->ras.region))
		arm_poll_timer(vm, POLL_SLOWER);
	pthread_mutex_unlock(&vm->ras.lock);
}

int ras_setup_kvm(struct vm *vm)
{
	struct vm_ras *ras = &vm->ras;

	if (!vm->cfg->ras)
		return 0;
	/* UEFI firmware allocates the region itself (ras_region_placed()). */
	ras->reserve = vm->firmware ? 0 : RAS_REGION_RESERVE;
	return arm64_ras_caps(vm, &ras->sea_to_user);
}

int ras_setup(struct vm *vm)
{
	struct vm_ras *ras = &vm->ras;
	uint64_t gpa = vm->layout.reserved_start;
	unsigned int nr = RAS_NR_SOURCES(vm->nr_cpus);
	int ret;

	if (!vm->cfg->ras)
		return 0;
	if (!vm->firmware && ghes_region_size(nr) > ras->reserve) {
		pr_err("--ras: %u vCPUs need more error sources than the region holds", vm->nr_cpus);
		return -E2BIG;
	}
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		ret = arm64_vcpu_midr(&vm->vcpus[i], &vm->vcpus[i].midr);
		if (ret) {
			pr_err("vCPU %u: cannot read MIDR_EL1: %s", i, strerror(-ret));
			return ret;
		}
	}
	ret = arm64_guest_counter_init(vm);
	if (ret)
		return ret;
	if (!vm->firmware) {
		ret = ghes_region_init(&ras->region, guest_ram_host(&vm->ram, gpa), gpa, nr);
		if (ret)
			return ret;
	}
	pthread_mutex_init(&ras->lock, NULL);
	ras->host_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ras->poll_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (ras->host_fd < 0 || ras->poll_fd < 0) {
		pr_err("--ras: %s", strerror(errno));
		return -errno;
	}
	host_ring_init(&host_ring);
	host_event_fd = ras->host_fd;
	guest_lo = (uintptr_t)vm->ram.host;
	guest_hi = guest_lo + vm->ram.size;
	signals_set_sigbus_hook(on_sigbus);
	/*
	 * Early kill: the kernel tells lkvm of poison it finds in guest RAM
	 * (BUS_MCEERR_AO) before the guest consumes it. Set before the vCPU
	 * threads exist, so all of them carry it.
	 */
	if (prctl(PR_MCE_KILL, PR_MCE_KILL_SET, PR_MCE_KILL_EARLY, 0, 0))
		pr_debug("--ras: PR_MCE_KILL_EARLY: %s", strerror(errno));
	ras->on = true;
	if (vm->firmware)
		pr_debug("ras: %u error sources, placed by the firmware%s", nr,
			 ras->sea_to_user ? ", KVM_EXIT_ARM_SEA enabled" : "");
	else
		pr_debug("ras: %u error sources at 0x%llx%s", nr, (unsigned long long)gpa,
			 ras->sea_to_user ? ", KVM_EXIT_ARM_SEA enabled" : "");
	return 0;
}

void ras_region_placed(struct vm *vm, uint64_t gpa)
{
	struct vm_ras *ras = &vm->ras;
	unsigned int nr = RAS_NR_SOURCES(vm->nr_cpus);
	uint64_t size = ghes_region_size(nr);

	if (!ras->on)
		return;
	pthread_mutex_lock(&ras->lock);
	/* Placed again (the firmware restarted) or withdrawn (its loader
	 * failed and wrote 0): what was queued for the old place is gone. */
	if (ras->region.mem)
		ghes_region_destroy(&ras->region);
	memset(&ras->region, 0, sizeof(ras->region));
	vm->layout.reserved_start = vm->layout.reserved_size = 0;
	if (!gpa) {
		pr_debug("ras: the firmware withdrew the error region");
	} else if (gpa % 4096 || !guest_ram_contains(&vm->ram, gpa, size)) {
		pr_warn_ratelimited(&ras->region_warn,
				    "ras: the firmware put the error region at 0x%llx, not in guest RAM; errors cannot be reported",
				    (unsigned long long)gpa);
	} else if (ghes_region_init(&ras->region, guest_ram_host(&vm->ram, gpa), gpa, nr)) {
		pr_warn_ratelimited(&ras->region_warn,
				    "ras: no memory for the error sources; errors cannot be reported");
		memset(&ras->region, 0, sizeof(ras->region));
	} else {
		vm->layout.reserved_start = gpa;
		vm->layout.reserved_size = size;
		pr_debug("ras: the firmware placed the error region at 0x%llx", (unsigned long long)gpa);
	}
	pthread_mutex_unlock(&ras->lock);
}

int ras_start_io(struct vm *vm)
{
	if (!vm->ras.on)
		return 0;
	return ioloop_watch(&vm->loop, vm->ras.host_fd, on_host_error, vm) ?:
	       ioloop_watch(&vm->loop, vm->ras.poll_fd, on_poll_timer, vm);
}

void ras_destroy(struct vm *vm)
{
	struct vm_ras *ras = &vm->ras;

	if (!ras->on)
		return;
	ras->on = false;
	signals_set_sigbus_hook(NULL);
	host_event_fd = -1;
	close(ras->host_fd);
	close(ras->poll_fd);
	ghes_region_destroy(&ras->region);
	pthread_mutex_destroy(&ras->lock);
}

/* --- control requests ---------------------------------------------------- */

static bool region_placed(struct vm_ras *ras)
{
	bool placed;

	pthread_mutex_lock(&ras->lock);
	placed = ras->region.mem;
	pthread_mutex_unlock(&ras->lock);
	return placed;
}

static int check_inject(struct vm *vm, const struct ctl_ras_inject *req,
			char *text, size_t len)
{
	if (req->kind > CTL_RAS_PROCESSOR || req->severity > CPER_SEV_CORRECTED ||
	    req->notify > RAS_NOTIFY_SDEI || !req->count || req->count > CTL_RAS_MAX_COUNT) {
		snprintf(text, len, "malformed request");
		return -EINVAL;
	}
	if (req->vcpu >= (int32_t)vm->nr_cpus || req->vcpu < -1) {
		snprintf(text, len, "--vcpu %d: the VM has vCPUs 0 to %u", req->vcpu,
			 vm->nr_cpus - 1);
		return -EINVAL;
	}
	if (req->kind == CTL_RAS_MEMORY && !(req->flags & CTL_RAS_GPA_GIVEN)) {
		snprintf(text, len, "--inject memory needs --gpa ADDR");
		return -EINVAL;
	}
	if (req->notify == RAS_NOTIFY_SDEI && !vm->sdei_on) {
		snprintf(text, len, "--notify sdei: VM '%s' runs without --sdei", vm->name);
		return -ENOTSUP;
	}
	if (!region_placed(&vm->ras)) {
		snprintf(text, len, "VM '%s': its UEFI firmware has not placed the error region yet (it does before starting the OS)",
			 vm->name);
		return -EAGAIN;
	}
	return 0;
}

static const char *result_text(enum ghes_result r)
{
	switch (r) {
	case GHES_DELIVERED:
		return "written to";
	case GHES_QUEUED:
		return "queued for";
	case GHES_DROPPED:
		return "dropped (queue full) by";
	default:
		return "refused by";
	}
}

int ras_inject(struct vm *vm, const struct ctl_ras_inject *req, char *text, size_t len)
{
	enum cper_severity sev = req->severity;
	enum ras_notify how = ras_notify_for(RAS_FROM_INJECT, sev, req->notify, vm->sdei_on);
	unsigned int vcpu = req->vcpu < 0 ? 0 : req->vcpu;
	unsigned int results[GHES_INVALID + 1] = { 0 }, not_notified = 0;
	struct cper_record rec;
	struct report r = { 0 };
	char name[32];
	int ret;

	/* make bench pairs this with the guest handler's first counter read. */
	pr_debug("ras: injection received at guest counter %llu",
		 (unsigned long long)arm64_guest_counter(vm));
	ret = check_inject(vm, req, text, len);
	if (ret)
		return ret;
	for (uint32_t i = 0; i < req->count; i++) {
		if (req->kind == CTL_RAS_MEMORY)
			ras_memory_record(&rec, req->gpa, 1, sev, false);
		else
			ras_processor_record(&rec, vm->vcpus[vcpu].mpidr, vm->vcpus[vcpu].midr,
					     sev, req->flags & CTL_RAS_GPA_GIVEN, req->gpa);
		r = report(vm, &rec, (struct ras_notice){
			.how = how, .vcpu = vcpu, .iss = ras_serror_iss(sev, true),
		});
		results[r.result]++;
		not_notified += r.notify_err != 0;
	}
	source_name(r.src, name, sizeof(name));
	if (req->count == 1)
		snprintf(text, len, "%s error %s source %u (%s); %s %s\n",
			 cper_severity_name(sev), result_text(r.result), r.src, name,
			 r.notified ? "notified by" : r.notify_err == -ENOTCONN ?
			 "not notified: the guest has not registered the event for" :
			 r.notify_err ? "notification failed:" : "will notify by",
			 ras_notify_name(how));
	else
		snprintf(text, len, "%u %s errors for source %u (%s): %u written, %u queued, %u dropped; notify %s, %u not notified\n",
			 req->count, cper_severity_name(sev), r.src, name,
			 results[GHES_DELIVERED], results[GHES_QUEUED],
			 results[GHES_DROPPED], ras_notify_name(how), not_notified);
	return 0;
}

int ras_hwpoison(struct vm *vm, const struct ctl_ras_poison *req, char *text, size_t len)
{
	uint64_t page = req->gpa & ~(uint64_t)(getpagesize() - 1);
	uint8_t *host;
	int ret = 0;

	if (!guest_ram_contains(&vm->ram, page, getpagesize()) ||
	    (page >= vm->layout.reserved_start &&
	     page < vm->layout.reserved_start + vm->layout.reserved_size)) {
		snprintf(text, len, "--gpa 0x%" PRIx64 ": not guest RAM the guest owns", req->gpa);
		return -EINVAL;
	}
	host = guest_ram_host(&vm->ram, page);
	/* Give the page a frame of its own without changing what it holds. */
	if (madvise(host, getpagesize(), MADV_POPULATE_WRITE))
		pr_debug("ras: MADV_POPULATE_WRITE: %s", strerror(errno));
	poisoning = 1;
	if (madvise(host, getpagesize(), MADV_HWPOISON))
		ret = -errno;
	poisoning = 0;
	if (ret == -EPERM)
		snprintf(text, len, "--hwpoison: lkvm needs CAP_SYS_ADMIN to poison memory");
	else if (ret == -EINVAL)
		snprintf(text, len, "--hwpoison: the host kernel cannot (CONFIG_MEMORY_FAILURE?)");
	else if (ret)
		snprintf(text, len, "--hwpoison: %s", strerror(-ret));
	else
		snprintf(text, len, "guest page 0x%" PRIx64 " is poisoned in the host\n", page);
	return ret;
}

void ras_format_status(struct vm *vm, char *text, size_t len)
{
	struct vm_ras *ras = &vm->ras;
	struct ghes_region *r = &ras->region;
	FILE *out = fmemopen(text, len, "w");
	char name[32];

	if (!out) {
		snprintf(text, len, "out of memory");
		return;
	}
	pthread_mutex_lock(&ras->lock);
	if (r->mem)
		fprintf(out, "region 0x%" PRIx64 ", %u sources, %u-byte blocks%s\n",
			r->gpa, r->nr_sources, GHES_BLOCK_SIZE,
			ras->sea_to_user ? "; KVM_EXIT_ARM_SEA on" : "");
	else
		fprintf(out, "region not placed yet: the UEFI firmware allocates it\n");
	fprintf(out, "%-3s %-14s %-5s %-3s %9s %9s %6s %7s %9s\n", "src", "notify",
		"block", "ack", "received", "delivered", "queued", "dropped", "acked");
	for (unsigned int i = 0; i < r->nr_sources; i++) {
		struct ghes_source *s = &r->sources[i];
		bool acked = ghes_acked(r, i);

		fprintf(out, "%-3u %-14s %-5s %-3u %9" PRIu64 " %9" PRIu64 " %6u %7" PRIu64 " %9" PRIu64 "\n",
			i, source_name(i, name, sizeof(name)),
			*(volatile uint32_t *)ghes_block(r, i) ? "full" : "empty",
			acked, s->count.received, s->count.delivered, s->queued,
			s->count.dropped, s->count.acked);
	}
	fprintf(out, "notified: sea %" PRIu64 ", serror %" PRIu64 ", sdei %" PRIu64
		"; not notified %" PRIu64 "\n",
		ras->notified[RAS_NOTIFY_SEA], ras->notified[RAS_NOTIFY_SERROR],
		ras->notified[RAS_NOTIFY_SDEI], ras->not_notified);
	fprintf(out, "host memory errors: %" PRIu64 "; KVM external abort exits: %" PRIu64 "\n",
		__atomic_load_n(&ras->host_errors, __ATOMIC_RELAXED),
		__atomic_load_n(&ras->sea_exits, __ATOMIC_RELAXED));
	for (unsigned int i = 0; i < r->nr_sources; i++) {
		snprintf(name, sizeof(name), "source %u", i);
		cper_print_shared(out, name, ghes_block(r, i), GHES_BLOCK_SIZE);
	}
	pthread_mutex_unlock(&ras->lock);
	fclose(out);
}
