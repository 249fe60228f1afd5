// SPDX-License-Identifier: GPL-2.0
/*
 * A vCPU's state for a snapshot: every register KVM lists for it
 * (KVM_GET_REG_LIST: core, FP/SIMD or SVE, firmware pseudo-registers,
 * timers, system registers), its pending events and its MP state; and
 * what lkvm keeps of it (PSCI under --sdei, requests not yet taken).
 *
 * Restored in KVM's list order, after every vCPU exists (a timer counter
 * written earlier would be re-synced by the next vCPU's creation), events
 * after the registers and the MP state last (api.rst 4.31, 4.38).
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "arm64/kvm_arm64.h"
#include "arm64/snapshot.h"
#include "arm64/vm.h"
#include "core/le.h"

/* KVM_REG_ARM64_SVE_VLS: set before KVM_ARM_VCPU_FINALIZE, from the config. */
#define REG_SVE_VLS	(KVM_REG_ARM64 | KVM_REG_ARM64_SVE | KVM_REG_SIZE_U512 | 0xffff)
#define REG_LIST_MAX	4096	/* KVM lists about 500 on a 6.12 host */

/* Bytes of the register @id names (api.rst 4.68: the size is in the id). */
static uint32_t reg_size(uint64_t id)
{
	return 1u << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
}

static struct kvm_reg_list *reg_list(struct vcpu *vcpu)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;

	if (!ioctl(vcpu->fd, KVM_GET_REG_LIST, &probe) || errno != E2BIG ||
	    probe.n > REG_LIST_MAX) {
		errno = EINVAL;
		return NULL;
	}
	list = malloc(sizeof(*list) + probe.n * sizeof(list->reg[0]));
	if (!list)
		return NULL;
	list->n = probe.n;
	if (ioctl(vcpu->fd, KVM_GET_REG_LIST, list)) {
		free(list);
		return NULL;
	}
	return list;
}

int vcpu_state_save(struct vcpu *vcpu, struct snap_out *o, char *why, size_t why_len)
{
	struct kvm_reg_list *list = reg_list(vcpu);
	struct kvm_mp_state mp;
	struct kvm_vcpu_events ev;
	uint8_t value[SNAP_REG_MAX], events[16];
	size_t begin;

	if (!list) {
		snprintf(why, why_len, "vCPU %u: KVM_GET_REG_LIST failed: %s", vcpu->id,
			 strerror(errno));
		return -EIO;
	}
	begin = snap_out_begin(o, SNAP_SEC_VCPU, vcpu->id);
	for (uint64_t i = 0; i < list->n; i++) {
		uint64_t id = list->reg[i];
		struct kvm_one_reg reg = { .id = id, .addr = (uintptr_t)value };

		if (id == REG_SVE_VLS)
			continue;
		if (reg_size(id) > sizeof(value) || ioctl(vcpu->fd, KVM_GET_ONE_REG, &reg)) {
			snprintf(why, why_len, "vCPU %u: cannot read register 0x%llx: %s",
				 vcpu->id, (unsigned long long)id, strerror(errno));
			free(list);
			return -EIO;
		}
		snap_out_reg(o, id, 0, value, reg_size(id));
	}
	free(list);
	memset(&ev, 0, sizeof(ev));
	if (ioctl(vcpu->fd, KVM_GET_VCPU_EVENTS, &ev) || ioctl(vcpu->fd, KVM_GET_MP_STATE, &mp)) {
		snprintf(why, why_len, "vCPU %u: cannot read its events or MP state: %s",
			 vcpu->id, strerror(errno));
		return -EIO;
	}
	/* Outside the ONE_REG space: keys with a group of their own. */
	memset(events, 0, sizeof(events));
	events[0] = ev.exception.serror_pending;
	events[1] = ev.exception.serror_has_esr;
	events[2] = ev.exception.ext_dabt_pending;
	put_le64(events + 8, ev.exception.serror_esr);
	snap_out_reg(o, 0, SNAP_VCPU_EVENTS, events, sizeof(events));
	put_le32(value, mp.mp_state);
	snap_out_reg(o, 0, SNAP_VCPU_MP_STATE, value, 4);
	snap_out_end(o, begin);
	return 0;
}

static int set_events(struct vcpu *vcpu, const struct snap_reg *r)
{
	struct kvm_vcpu_events ev;

	if (r->size != 16)
		return -EINVAL;
	memset(&ev, 0, sizeof(ev));
	ev.exception.serror_pending = r->value[0] & 1;
	ev.exception.serror_has_esr = r->value[1] & 1;
	ev.exception.ext_dabt_pending = r->value[2] & 1;
	ev.exception.serror_esr = get_le64(r->value + 8);
	return ioctl(vcpu->fd, KVM_SET_VCPU_EVENTS, &ev) ? -errno : 0;
}

static int set_mp_state(struct vcpu *vcpu, const struct snap_reg *r)
{
	struct kvm_mp_state mp;

	if (r->size != 4)
		return -EINVAL;
	mp.mp_state = get_le32(r->value);
	return ioctl(vcpu->fd, KVM_SET_MP_STATE, &mp) ? -errno : 0;
}

int vcpu_state_load(struct vcpu *vcpu, const struct snap_section *s, char *why, size_t why_len)
{
	uint8_t value[SNAP_REG_MAX];
	struct snap_reg r;
	size_t off = 0;
	int ret;

	while ((ret = snap_reg_next(s, &off, &r, why, why_len)) > 0) {
		const char *what = "register";

		if (r.group == SNAP_VCPU_EVENTS) {
			what = "pending events";
			ret = set_events(vcpu, &r);
		} else if (r.group == SNAP_VCPU_MP_STATE) {
			what = "MP state";
			ret = set_mp_state(vcpu, &r);
		} else if (r.group || r.size != reg_size(r.key) || r.key == REG_SVE_VLS) {
			ret = -EINVAL;
		} else {
			struct kvm_one_reg reg = { .id = r.key, .addr = (uintptr_t)value };

			/* KVM reads the value from lkvm's own buffer, aligned. */
			memcpy(value, r.value, r.size);
			ret = ioctl(vcpu->fd, KVM_SET_ONE_REG, &reg) ? -errno : 0;
		}
		if (ret) {
			snprintf(why, why_len,
				 "vCPU %u: this host's KVM refuses the snapshot's %s 0x%llx: %s",
				 vcpu->id, what, (unsigned long long)r.key, strerror(-ret));
			return ret;
		}
	}
	return ret;
}

int vcpu_lkvm_save(struct vcpu *vcpu, struct snap_out *o)
{
	uint8_t b[40];

	memset(b, 0, sizeof(b));
	b[0] = vcpu->powered;
	b[1] = vcpu->on_pending;
	put_le32(b + 4, __atomic_load_n(&vcpu->requests, __ATOMIC_ACQUIRE));
	put_le32(b + 8, vcpu->ras_serror_iss);
	put_le64(b + 16, vcpu->on_entry);
	put_le64(b + 24, vcpu->on_context);
	snap_out_section(o, SNAP_SEC_VCPU_LKVM, vcpu->id, b, sizeof(b));
	return 0;
}

int vcpu_lkvm_load(struct vcpu *vcpu, const struct snap_section *s, char *why, size_t why_len)
{
	uint32_t requests;

	if (s->len != 40 || s->data[0] > 1 || s->data[1] > 1) {
		snprintf(why, why_len, "vCPU %u: lkvm's record of it is malformed", vcpu->id);
		return -EINVAL;
	}
	requests = get_le32(s->data + 4);
	if (requests & ~(VCPU_REQ(VCPU_REQ_POWER_ON) | VCPU_REQ(VCPU_REQ_SDEI) |
			 VCPU_REQ(VCPU_REQ_SERROR) | VCPU_REQ(VCPU_REQ_SEA))) {
		snprintf(why, why_len, "vCPU %u: unknown requests 0x%x", vcpu->id, requests);
		return -EINVAL;
	}
	vcpu->powered = s->data[0];
	vcpu->on_pending = s->data[1];
	vcpu->requests = requests;
	vcpu->ras_serror_iss = get_le32(s->data + 8);
	vcpu->on_entry = get_le64(s->data + 16);
	vcpu->on_context = get_le64(s->data + 24);
	return 0;
}
