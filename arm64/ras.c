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
 * on a 1 ms timer that runs only while something waits. The SIGBUS hook is
 * arm64/ras_capture.c; lkvm ras's requests are arm64/ras_control.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "arm64/kvm_arm64.h"
#include "arm64/vm.h"
#include "core/le.h"
#include "core/log.h"
#include "ras/records.h"

#define POLL_FAST_NS		1000000ull
#define POLL_SLOWEST_NS		1000000000ull

enum poll_pace { POLL_OFF, POLL_FAST, POLL_SLOWER };

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

/* Tell the guest a record is in its block. Returns 0 or a negative errno. */
static int notify_guest(struct vm *vm, unsigned int src, const struct ras_notice *n)
{
	struct vcpu *vcpu = &vm->vcpus[n->vcpu];
	int ret = 0;

	switch (n->how) {
	case RAS_NOTIFY_SDEI:
		ret = sdei_inject(&vm->sdei.dispatcher, src == RAS_SRC_SDEI_CRITICAL ?
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
		vm->ras.counts.not_notified++;
	else
		vm->ras.counts.notified[n->how]++;
	pthread_mutex_unlock(&vm->ras.lock);
	return ret;
}

/*
 * Record @rec on the source @n names, and notify the guest unless it was
 * already. An SEA or SError means something by itself (a synchronous
 * error, a syndrome), so it goes at once even when the record must wait
 * for the block; an SDEI event carries nothing, so it waits for its record.
 */
struct ras_report ras_report(struct vm *vm, struct cper_record *rec, struct ras_notice n)
{
	struct vm_ras *ras = &vm->ras;
	bool at_once = n.how != RAS_NOTIFY_SDEI;
	struct ras_notice kept = n;
	struct ras_report r = {
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

/*
 * Records for every guest page of a poisoned host extent. A snapshot skips
 * the extent and a restore poisons it again, unless lkvm @replaced it with
 * a zero page.
 */
static void report_poison(struct vm *vm, uintptr_t hva, short lsb, bool replaced,
			  struct ras_notice n)
{
	uint64_t extent = (uint64_t)1 << lsb, gpa, done;
	uintptr_t base = hva & ~(uintptr_t)(extent - 1);
	struct cper_record rec;

	if (!memslot_hva_to_gpa(&vm->mem.slots, base, &gpa)) {
		pr_warn("ras: host memory error at %p outside guest memory", (void *)hva);
		return;
	}
	__atomic_add_fetch(&vm->ras.counts.host_errors, 1, __ATOMIC_RELAXED);
	pthread_mutex_lock(&vm->ras.lock);
	if (replaced)
		ras_poison_remove(&vm->ras.poisoned, gpa, extent);
	else
		ras_poison_add(&vm->ras.poisoned, gpa, extent);
	pthread_mutex_unlock(&vm->ras.lock);
	pr_info("ras: host memory error: guest page 0x%" PRIx64 " (%" PRIu64 " bytes) is poisoned",
		gpa, extent);
	for (uint64_t off = 0; off < extent; off += done) {
		done = ras_memory_record(&rec, gpa + off, extent - off,
					 CPER_SEV_RECOVERABLE, true);
		ras_report(vm, &rec, n);
	}
}

void ras_vcpu_check_poison(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	int ret;

	uintptr_t addr;
	short lsb;

	if (!vm->ras.on || !ras_capture_consumed(&addr, &lsb))
		return;
	/* Records first: the abort must find them in the block. */
	report_poison(vm, addr, lsb, false,
		      (struct ras_notice){ .how = RAS_NOTIFY_SEA, .vcpu = vcpu->id, .sent = true });
	ret = arm64_inject_dabt(vcpu);
	if (ret) {
		pr_err("vCPU %u: the guest consumed poisoned memory and the external abort could not be injected: %s",
		       vcpu->id, strerror(-ret));
		vm_request_stop(vm, 1);
		return;
	}
	pthread_mutex_lock(&vm->ras.lock);
	vm->ras.counts.notified[RAS_NOTIFY_SEA]++;
	pthread_mutex_unlock(&vm->ras.lock);
}

int ras_sea_exit(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	/* The exit's payload sits at the start of kvm_run's exit union. */
	const struct ras_sea_exit *sea = (const void *)&vcpu->run->mmio;
	struct cper_record rec;

	/* Only --ras enables KVM_CAP_ARM_SEA_TO_USER. */
	__atomic_add_fetch(&vm->ras.counts.sea_exits, 1, __ATOMIC_RELAXED);
	pr_info("vCPU %u: external abort (ESR 0x%llx%s)", vcpu->id,
		(unsigned long long)sea->esr,
		sea->flags & RAS_SEA_EXIT_GPA_VALID ? ", guest address known" : "");
	ras_sea_exit_record(&rec, sea, vcpu->mpidr, vcpu->midr);
	ras_report(vm, &rec, (struct ras_notice){ .how = RAS_NOTIFY_SEA, .vcpu = vcpu->id, .sent = true });
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
	while (ras_capture_pop(&e)) {
		enum ras_notify how = ras_notify_for(RAS_FROM_HOST_AO, CPER_SEV_RECOVERABLE,
						     RAS_NOTIFY_DEFAULT, vm->sdei.on);

		if (e.consumed_by_lkvm)
			pr_warn("ras: lkvm read poisoned guest memory at %p; the page now reads as zeros",
				(void *)e.addr);
		report_poison(vm, e.addr, e.lsb, e.consumed_by_lkvm, (struct ras_notice){
			.how = how, .iss = ras_serror_iss(CPER_SEV_RECOVERABLE, false),
		});
	}
	lost = ras_capture_lost();
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

/*
 * Everything --ras needs, with the region at @gpa laid out afresh or, for
 * a restore, taken as the guest's RAM holds it.
 */
static int ras_start(struct vm *vm, uint64_t gpa, bool restored)
{
	struct vm_ras *ras = &vm->ras;
	unsigned int nr = RAS_NR_SOURCES(vm->nr_cpus);
	int ret;

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
		uint8_t *mem = guest_ram_host(&vm->mem.ram, gpa);

		ret = restored ? ghes_region_attach(&ras->region, mem, gpa, nr) :
				 ghes_region_init(&ras->region, mem, gpa, nr);
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
	ras_capture_start((uintptr_t)vm->mem.ram.host, vm->mem.ram.size, ras->host_fd);
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

int ras_setup(struct vm *vm)
{
	if (!vm->cfg->ras)
		return 0;
	return ras_start(vm, vm->boot.layout.reserved_start, false);
}

/* The section: region address, sources, the counts, then the sources' state. */
#define RAS_STATE_HEADER	(16 + 7 * 8)

int ras_state_save(struct vm *vm, struct snap_out *o)
{
	struct vm_ras *ras = &vm->ras;
	const uint64_t counts[7] = {
		ras->counts.notified[0], ras->counts.notified[1], ras->counts.notified[2],
		ras->counts.notified[3], ras->counts.not_notified,
		__atomic_load_n(&ras->counts.host_errors, __ATOMIC_RELAXED),
		__atomic_load_n(&ras->counts.sea_exits, __ATOMIC_RELAXED),
	};
	uint8_t head[RAS_STATE_HEADER], list[RAS_POISON_STATE_MAX], *state;
	struct ras_poison poisoned;
	size_t n, begin;

	pthread_mutex_lock(&ras->lock);
	n = ghes_state_size(&ras->region);
	state = malloc(n);
	if (!state) {
		pthread_mutex_unlock(&ras->lock);
		return -ENOMEM;
	}
	ghes_state_save(&ras->region, state);
	poisoned = ras->poisoned;
	pthread_mutex_unlock(&ras->lock);
	memset(head, 0, sizeof(head));
	put_le64(head, ras->region.gpa);
	put_le32(head + 8, ras->region.nr_sources);
	for (int i = 0; i < 7; i++)
		put_le64(head + 16 + 8 * i, counts[i]);
	begin = snap_out_begin(o, SNAP_SEC_RAS, 0);
	snap_out_append(o, head, sizeof(head));
	snap_out_append(o, state, n);
	snap_out_end(o, begin);
	free(state);
	if (poisoned.nr) {
		ras_poison_state_save(&poisoned, list);
		snap_out_section(o, SNAP_SEC_RAS_POISON, 0, list,
				 ras_poison_state_size(&poisoned));
	}
	return 0;
}

int ras_state_load(struct vm *vm, const struct snap_section *s, char *why, size_t why_len)
{
	unsigned int nr = RAS_NR_SOURCES(vm->nr_cpus);
	struct vm_ras *ras = &vm->ras;
	uint64_t gpa;
	int ret;

	if (!vm->cfg->ras || ras->on || s->len < RAS_STATE_HEADER) {
		snprintf(why, why_len, "the RAS state does not fit this VM (--ras, or its size)");
		return -EINVAL;
	}
	gpa = get_le64(s->data);
	if (get_le32(s->data + 8) != nr || get_le32(s->data + 12) || gpa % GHES_REGION_ALIGN ||
	    !guest_ram_contains(&vm->mem.ram, gpa, ghes_region_size(nr))) {
		snprintf(why, why_len, "the RAS region is not one this VM can have");
		return -EINVAL;
	}
	ret = ras_start(vm, gpa, true);
	if (ret) {
		snprintf(why, why_len, "--ras cannot start: %s", strerror(-ret));
		return ret;
	}
	vm->boot.layout.reserved_start = gpa;
	vm->boot.layout.reserved_size = ghes_region_size(nr);
	for (int i = 0; i < 4; i++)
		ras->counts.notified[i] = get_le64(s->data + 16 + 8 * i);
	ras->counts.not_notified = get_le64(s->data + 48);
	ras->counts.host_errors = get_le64(s->data + 56);
	ras->counts.sea_exits = get_le64(s->data + 64);
	return ghes_state_load(&ras->region, vm->nr_cpus, s->data + RAS_STATE_HEADER,
			       s->len - RAS_STATE_HEADER, why, why_len);
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
	vm->boot.layout.reserved_start = vm->boot.layout.reserved_size = 0;
	if (!gpa) {
		pr_debug("ras: the firmware withdrew the error region");
	} else if (gpa % 4096 || !guest_ram_contains(&vm->mem.ram, gpa, size)) {
		pr_warn_ratelimited(&ras->region_warn,
				    "ras: the firmware put the error region at 0x%llx, not in guest RAM; errors cannot be reported",
				    (unsigned long long)gpa);
	} else if (ghes_region_init(&ras->region, guest_ram_host(&vm->mem.ram, gpa), gpa, nr)) {
		pr_warn_ratelimited(&ras->region_warn,
				    "ras: no memory for the error sources; errors cannot be reported");
		memset(&ras->region, 0, sizeof(ras->region));
	} else {
		vm->boot.layout.reserved_start = gpa;
		vm->boot.layout.reserved_size = size;
		pr_debug("ras: the firmware placed the error region at 0x%llx", (unsigned long long)gpa);
	}
	pthread_mutex_unlock(&ras->lock);
}

int ras_start_io(struct vm *vm)
{
	if (!vm->ras.on)
		return 0;
	return ioloop_watch(&vm->io.loop, vm->ras.host_fd, on_host_error, vm) ?:
	       ioloop_watch(&vm->io.loop, vm->ras.poll_fd, on_poll_timer, vm);
}

void ras_destroy(struct vm *vm)
{
	struct vm_ras *ras = &vm->ras;

	if (!ras->on)
		return;
	ras->on = false;
	ras_capture_stop();
	close(ras->host_fd);
	close(ras->poll_fd);
	ghes_region_destroy(&ras->region);
	pthread_mutex_destroy(&ras->lock);
}
