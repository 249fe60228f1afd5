// SPDX-License-Identifier: GPL-2.0
/*
 * What a VM answers on its control socket (core/control.c serves it):
 * lkvm list, stop, pause, resume, sdei and ras, on the I/O thread. The
 * framing has checked each request's type and payload size.
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "arm64/devices.h"
#include "arm64/snapshot.h"
#include "arm64/vm.h"
#include "core/control.h"
#include "core/control_proto.h"
#include "core/log.h"

static int sdei_signal(struct vm *vm, const struct ctl_sdei_signal *req,
		       char *text, size_t len)
{
	const struct sdei_event_desc *desc = sdei_find_event(req->event, NULL);
	int ret = sdei_inject(&vm->sdei.dispatcher, req->event, req->vcpu);

	switch (ret) {
	case 0:
		snprintf(text, len, "event %u signalled\n", req->event);
		break;
	case -ENOENT:
		snprintf(text, len, "no event %u in the catalogue (lkvm run --sdei --help lists them)",
			 req->event);
		break;
	case -EINVAL:
		if (desc && desc->shared)
			snprintf(text, len, "event %u is shared: the guest's routing picks the vCPU, --vcpu is not taken",
				 req->event);
		else
			snprintf(text, len, "--vcpu %d: the VM has vCPUs 0 to %u",
				 req->vcpu, vm->nr_cpus - 1);
		break;
	case -ENOTCONN:
		snprintf(text, len, "event %u is not registered by the guest%s",
			 req->event, req->vcpu >= 0 ? " on that vCPU" : "");
		break;
	}
	return ret;
}

static int handle_sdei(struct vm *vm, uint32_t type, const void *payload, char *text)
{
	if (!vm->sdei.on) {
		snprintf(text, CTL_MAX_REPLY, "VM '%s' runs without --sdei", vm->name);
		return -ENOTSUP;
	}
	if (type == CTL_SDEI_SIGNAL)
		return sdei_signal(vm, payload, text, CTL_MAX_REPLY);
	sdei_format_status(&vm->sdei.dispatcher, text, CTL_MAX_REPLY);
	return 0;
}

static int handle_ras(struct vm *vm, uint32_t type, const void *payload, char *text)
{
	if (!vm->ras.on) {
		snprintf(text, CTL_MAX_REPLY, "VM '%s' runs without --ras", vm->name);
		return -ENOTSUP;
	}
	switch (type) {
	case CTL_RAS_INJECT:
		return ras_inject(vm, payload, text, CTL_MAX_REPLY);
	case CTL_RAS_POISON:
		return ras_hwpoison(vm, payload, text, CTL_MAX_REPLY);
	default:
		ras_format_status(vm, text, CTL_MAX_REPLY);
		return 0;
	}
}

static int handle_vm(struct vm *vm, uint32_t type, char *text)
{
	switch (type) {
	case CTL_VM_INFO:
		snprintf(text, CTL_MAX_REPLY, "%d %s %u %llu\n", (int)getpid(),
			 vcpus_paused(vm) ? "paused" : "running", vm->nr_cpus,
			 (unsigned long long)(vm->ram_size >> 20));
		return 0;
	case CTL_VM_STOP:
		pr_info("lkvm stop: stopping the guest");
		vm_request_stop(vm, 0);
		return 0;
	case CTL_VM_PAUSE:
		if (vcpus_pause(vm)) {
			snprintf(text, CTL_MAX_REPLY,
				 "pause: the vCPUs of VM '%s' did not stop within seconds; it runs on",
				 vm->name);
			return -ETIMEDOUT;
		}
		pr_info("lkvm pause: the guest is paused");
		snprintf(text, CTL_MAX_REPLY, "VM '%s' is paused\n", vm->name);
		return 0;
	default:
		vcpus_resume(vm);
		pr_info("lkvm resume: the guest runs again");
		snprintf(text, CTL_MAX_REPLY, "VM '%s' is running\n", vm->name);
		return 0;
	}
}

/*
 * lkvm stat: the last report, and a request for the next one; lkvm
 * balloon: a new target, in whole MiB, between none and all of RAM.
 */
static int handle_balloon(struct vm *vm, uint32_t type, const struct ctl_balloon *req,
			  char *text)
{
	struct virtio_balloon *b = &vm->devices->balloon;
	int64_t pages;
	size_t used;

	if (!b->dev.ops) {
		snprintf(text, CTL_MAX_REPLY, "VM '%s' runs without --balloon", vm->name);
		return -ENOTSUP;
	}
	if (type == CTL_VM_BALLOON_SET &&
	    (req->reserved || req->delta_mib < -CTL_BALLOON_MAX_MIB ||
	     req->delta_mib > CTL_BALLOON_MAX_MIB)) {
		snprintf(text, CTL_MAX_REPLY, "balloon: a malformed request");
		return -EINVAL;
	}
	pthread_mutex_lock(&b->dev.lock);
	if (type == CTL_VM_BALLOON_SET) {
		pages = (int64_t)virtio_balloon_target(b) + (int64_t)req->delta_mib * 256;
		virtio_balloon_set_target(b, pages < 0 ? 0 : pages > UINT32_MAX ? UINT32_MAX : pages);
		snprintf(text, CTL_MAX_REPLY, "VM '%s': balloon target %u MiB (it holds %u MiB)\n",
			 vm->name, virtio_balloon_target(b) / 256, virtio_balloon_actual(b) / 256);
	} else {
		used = snprintf(text, CTL_MAX_REPLY, "seq %llu\n",
				(unsigned long long)b->stats_seq);
		virtio_balloon_format_stats(b, text + used, CTL_MAX_REPLY - used);
		virtio_balloon_request_stats(b);
	}
	pthread_mutex_unlock(&b->dev.lock);
	return 0;
}

static int vm_control_request(void *opaque, const struct control_msg *msg, char *text)
{
	struct vm *vm = opaque;

	/* Only a snapshot takes files. */
	if (msg->nr_fds && msg->type != CTL_VM_SNAPSHOT) {
		snprintf(text, CTL_MAX_REPLY, "this request takes no files");
		return -EINVAL;
	}
	switch (msg->type) {
	case CTL_SDEI_SIGNAL:
	case CTL_SDEI_STATUS:
		return handle_sdei(vm, msg->type, msg->payload, text);
	case CTL_VM_SNAPSHOT:
		return vm_snapshot(vm, msg->payload, msg->fds, msg->nr_fds, text, CTL_MAX_REPLY);
	case CTL_VM_INFO:
	case CTL_VM_STOP:
	case CTL_VM_PAUSE:
	case CTL_VM_RESUME:
		return handle_vm(vm, msg->type, text);
	case CTL_VM_BALLOON_STATS:
	case CTL_VM_BALLOON_SET:
		return handle_balloon(vm, msg->type, msg->payload, text);
	default:
		return handle_ras(vm, msg->type, msg->payload, text);
	}
}

int vm_control_start(struct vm *vm)
{
	return control_start(&vm->ctl, &vm->io.loop, vm->name, vm_control_request, vm);
}
