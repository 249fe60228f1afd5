// SPDX-License-Identifier: GPL-2.0
/*
 * --ras: what the VM answers to lkvm ras (arm64/control.c hands the
 * requests over): injections, the --hwpoison test hook, and the status.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arm64/kvm_arm64.h"
#include "arm64/vm.h"
#include "core/log.h"
#include "ras/records.h"

#ifndef MADV_HWPOISON
#define MADV_HWPOISON		100
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

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
	if (req->notify == RAS_NOTIFY_SDEI && !vm->sdei.on) {
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
	enum ras_notify how = ras_notify_for(RAS_FROM_INJECT, sev, req->notify, vm->sdei.on);
	unsigned int vcpu = req->vcpu < 0 ? 0 : req->vcpu;
	unsigned int results[GHES_INVALID + 1] = { 0 }, not_notified = 0;
	struct cper_record rec;
	struct ras_report r = { 0 };
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
		r = ras_report(vm, &rec, (struct ras_notice){
			.how = how, .vcpu = vcpu, .iss = ras_serror_iss(sev, true),
		});
		results[r.result]++;
		not_notified += r.notify_err != 0;
	}
	ras_source_name(r.src, name, sizeof(name));
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

	if (!guest_ram_contains(&vm->mem.ram, page, getpagesize()) ||
	    (page >= vm->boot.layout.reserved_start &&
	     page < vm->boot.layout.reserved_start + vm->boot.layout.reserved_size)) {
		snprintf(text, len, "--gpa 0x%" PRIx64 ": not guest RAM the guest owns", req->gpa);
		return -EINVAL;
	}
	host = guest_ram_host(&vm->mem.ram, page);
	/* Give the page a frame of its own without changing what it holds. */
	if (madvise(host, getpagesize(), MADV_POPULATE_WRITE))
		pr_debug("ras: MADV_POPULATE_WRITE: %s", strerror(errno));
	ras_capture_poisoning(true);
	if (madvise(host, getpagesize(), MADV_HWPOISON))
		ret = -errno;
	ras_capture_poisoning(false);
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
	struct ras_counts counts;

	pthread_mutex_lock(&ras->lock);
	counts = ras->counts;
	counts.host_errors = __atomic_load_n(&ras->counts.host_errors, __ATOMIC_RELAXED);
	counts.sea_exits = __atomic_load_n(&ras->counts.sea_exits, __ATOMIC_RELAXED);
	ras_status_text(text, len, &ras->region, ras->sea_to_user, &counts);
	pthread_mutex_unlock(&ras->lock);
}
