// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm snapshot, the VM's side, on the I/O thread. The vCPUs are paused
 * between two KVM_RUNs, each with its last MMIO access completed (see
 * vcpu_may_run()), so no exit is half handled; the I/O thread, which
 * serves the devices, is the one writing. Then, in the facts sheet's
 * order: the vCPUs' registers, the vGIC and ITS (which first write their
 * LPI tables to RAM), lkvm's own devices and dispatchers, and RAM last.
 *
 * The files are the client's, passed open: the sandboxed VM opens nothing
 * by name. The reply lists what was written, as manifest lines, for the
 * client to finish the snapshot with.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <zlib.h>

#include "arm64/devices.h"
#include "arm64/kvm_arm64.h"
#include "arm64/snapshot.h"
#include "arm64/vm.h"
#include "core/fileio.h"
#include "core/log.h"
#include "machine/memmap.h"
#include "snapshot/dir.h"

#define RAM_CHUNK	(64u << 10)	/* all-zero chunks become holes */

struct snap_writer {
	struct vm *vm;
	char *text;		/* the reply */
	size_t len, used;
};

static void list_file(struct snap_writer *w, const char *name, uint64_t size, uint32_t crc)
{
	int n = snprintf(w->text + w->used, w->len - w->used, "file %s %llu crc32 %08x\n", name,
			 (unsigned long long)size, crc);

	if (n > 0 && (size_t)n < w->len - w->used)
		w->used += n;
}

/* What no snapshot can hold yet, or NULL. */
static const char *unsupported(struct vm *vm)
{
	/* The snapshot would read a poisoned page it does not know of. */
	if (vm->ras.on && vm->ras.poisoned.overflowed)
		return "a VM with more poisoned extents of RAM than lkvm keeps";
	if (vm->cfg->nested)
		return "a VM with --nested";
	/* vhost-vsock's rings and connections live in the host kernel. */
	if (vm->cfg->vsock_cid)
		return "a VM with --vsock";
	/* The balloon holds the guest's statistics buffer between requests. */
	if (vm->cfg->balloon)
		return "a VM with --balloon";
	/* The guest's nodes are lkvm's descriptors of host inodes. */
	if (vm->cfg->nr_fs)
		return "a VM with --fs";
	return NULL;
}

/*
 * The run command line: what a restore parses again. Without --restore,
 * and without --name: a restore is a new VM, named anew.
 */
static void save_config(struct vm *vm, struct snap_out *o)
{
	static const char *const dropped[] = { "--restore", "--name" };
	const struct vm_config *cfg = vm->cfg;
	size_t begin = snap_out_begin(o, SNAP_SEC_CONFIG, 0);

	for (int i = 0; i < cfg->argc; i++) {
		const char *word = cfg->argv[i];
		bool drop = false;

		for (size_t d = 0; d < sizeof(dropped) / sizeof(dropped[0]) && !drop; d++) {
			size_t n = strlen(dropped[d]);

			drop = !strncmp(word, dropped[d], n) && (!word[n] || word[n] == '=');
			if (drop && !word[n])
				i++;	/* its value */
		}
		if (!drop)
			snap_out_append(o, word, strlen(word) + 1);
	}
	snap_out_end(o, begin);
}

static int save_machine(struct vm *vm, struct snap_out *o, char *why, size_t why_len)
{
	struct snap_machine m = {
		.nr_cpus = vm->nr_cpus, .gic = vm->irq.gic, .ram_size = vm->ram_size,
		.mte = vm->mem.mte, .its = vm->irq.its_fd >= 0,
	};
	uint8_t b[SNAP_MACHINE_SIZE];
	int ret = arm64_vcpu_midr(&vm->vcpus[0], &m.midr);

	if (ret) {
		snprintf(why, why_len, "cannot read MIDR_EL1: %s", strerror(-ret));
		return ret;
	}
	snap_machine_encode(&m, b);
	snap_out_section(o, SNAP_SEC_MACHINE, 0, b, sizeof(b));
	return 0;
}

static void save_uart(struct vm *vm, struct snap_out *o)
{
	uint8_t buf[UART16550_STATE_MAX];
	size_t n = uart16550_state_save(&vm->board.uart, buf);

	snap_out_section(o, SNAP_SEC_UART, 0, buf, n);
}

static int save_sdei(struct vm *vm, struct snap_out *o)
{
	size_t n;
	uint8_t *buf;

	if (!vm->sdei.on)
		return 0;
	n = sdei_state_size(&vm->sdei.dispatcher);
	buf = malloc(n);
	if (!buf)
		return -ENOMEM;
	sdei_state_save(&vm->sdei.dispatcher, buf);
	snap_out_section(o, SNAP_SEC_SDEI, 0, buf, n);
	free(buf);
	return 0;
}

static int build_state(struct vm *vm, struct snap_out *o, char *why, size_t why_len)
{
	int ret;

	snap_out_init(o);
	save_config(vm, o);
	ret = save_machine(vm, o, why, why_len);
	for (unsigned int i = 0; i < vm->nr_cpus && !ret; i++) {
		ret = vcpu_state_save(&vm->vcpus[i], o, why, why_len);
		ret = ret ?: vcpu_lkvm_save(&vm->vcpus[i], o);
	}
	ret = ret ?: gic_state_save(vm, o, why, why_len);
	ret = ret ?: (vm->firmware ? firmware_state_save(vm, o, why, why_len) : 0);
	if (ret)
		return ret;
	if (!vm->firmware)
		save_uart(vm, o);
	if (save_sdei(vm, o) || (vm->ras.on && ras_state_save(vm, o)) ||
	    devices_state_save(vm, o))
		o->err = o->err ?: -ENOMEM;
	if (vm->mem.pvtime)
		snap_out_section(o, SNAP_SEC_PVTIME, 0, vm->mem.pvtime, PVTIME_SIZE);
	if (o->err)
		snprintf(why, why_len, "cannot hold the state: %s", strerror(-o->err));
	return o->err;
}

/* Where a run of clean RAM goes: into @buf, which starts at @gpa. */
struct run_dest {
	uint8_t *buf;
	uint64_t gpa;
};

/*
 * With --ras, the host may have poisoned pages of RAM: lkvm must not read
 * them (the bytes, or their tags), and stores zeros in their place. The
 * vCPUs are paused, so the set does not change under these walks.
 */
static bool any_poisoned(struct vm *vm, uint64_t gpa, uint64_t len)
{
	const struct ras_extent *e = vm->ras.on ? ras_poison_next(&vm->ras.poisoned, gpa) : NULL;

	return e && e->gpa < gpa + len;
}

/* @fn on each run of [@gpa, @gpa + @len) that no poisoned extent covers. */
static int each_clean_run(struct vm *vm, uint64_t gpa, uint64_t len,
			  int (*fn)(struct vm *vm, uint64_t at, uint64_t len, struct run_dest *d),
			  struct run_dest *d)
{
	const uint64_t end = gpa + len;
	const struct ras_extent *e;
	int ret = 0;

	for (uint64_t at = gpa; at < end && !ret; at = e ? e->gpa + e->size : end) {
		uint64_t clean_end;

		e = ras_poison_next(&vm->ras.poisoned, at);
		if (e && e->gpa >= end)
			e = NULL;
		clean_end = e ? e->gpa : end;
		if (clean_end > at)
			ret = fn(vm, at, clean_end - at, d);
	}
	return ret;
}

static int copy_ram(struct vm *vm, uint64_t gpa, uint64_t len, struct run_dest *d)
{
	memcpy(d->buf + (gpa - d->gpa), guest_ram_host(&vm->mem.ram, gpa), len);
	return 0;
}

/* The chunk of RAM at @off, or a copy in @bounce without its poison. */
static const uint8_t *readable_chunk(struct vm *vm, uint64_t off, uint8_t *bounce)
{
	const struct guest_ram *ram = &vm->mem.ram;
	struct run_dest d = { bounce, ram->gpa + off };

	if (!any_poisoned(vm, d.gpa, RAM_CHUNK))
		return ram->host + off;
	memset(bounce, 0, RAM_CHUNK);
	each_clean_run(vm, d.gpa, RAM_CHUNK, copy_ram, &d);
	return bounce;
}

/*
 * Guest RAM into @fd, with holes where it is zero (most of a young
 * guest's RAM, and the pages the host poisoned), the CRC-32 of every byte
 * all the same.
 */
static int write_ram(struct vm *vm, int fd, uint32_t *crc)
{
	const struct guest_ram *ram = &vm->mem.ram;
	uint32_t zero_crc;
	uint8_t *bounce = calloc(1, RAM_CHUNK);
	int ret = 0;

	if (!bounce)
		return -ENOMEM;
	zero_crc = crc32(0, bounce, RAM_CHUNK);
	*crc = 0;
	for (uint64_t off = 0; off < ram->size && !ret; off += RAM_CHUNK) {
		const uint8_t *p = readable_chunk(vm, off, bounce);

		if (snap_all_zero(p, RAM_CHUNK)) {
			*crc = crc32_combine(*crc, zero_crc, RAM_CHUNK);
			continue;
		}
		*crc = crc32(*crc, p, RAM_CHUNK);
		ret = pwrite_full(fd, p, RAM_CHUNK, off);
	}
	free(bounce);
	if (!ret && ftruncate(fd, ram->size))
		ret = -errno;
	return ret;
}

static int copy_tags(struct vm *vm, uint64_t gpa, uint64_t len, struct run_dest *d)
{
	struct kvm_arm_copy_mte_tags copy = {
		.guest_ipa = gpa, .length = len, .addr = d->buf + (gpa - d->gpa) / MTE_GRANULE,
		.flags = KVM_ARM_TAGS_FROM_GUEST,
	};
	long n = ioctl(vm->vm_fd, KVM_ARM_MTE_COPY_TAGS, &copy);

	if (n != (long)len)
		return n < 0 ? -errno : -EIO;
	return 0;
}

/* The tags of @len bytes of RAM at @gpa into @tags; zeros where poisoned. */
static int read_tags(struct vm *vm, uint64_t gpa, uint64_t len, uint8_t *tags)
{
	struct run_dest d = { tags, gpa };

	if (!any_poisoned(vm, gpa, len))
		return copy_tags(vm, gpa, len, &d);
	memset(tags, 0, len / MTE_GRANULE);
	return each_clean_run(vm, gpa, len, copy_tags, &d);
}

/* MTE: one byte per 16-byte granule, the tag in its low four bits. */
static int write_tags(struct vm *vm, int fd, uint64_t *size, uint32_t *crc)
{
	const struct guest_ram *ram = &vm->mem.ram;
	const uint64_t chunk = 1u << 20;	/* bytes of RAM per ioctl */
	uint8_t *tags = malloc(chunk / MTE_GRANULE);
	int ret = 0;

	if (!tags)
		return -ENOMEM;
	*crc = 0;
	*size = ram->size / MTE_GRANULE;
	for (uint64_t off = 0; off < ram->size && !ret; off += chunk) {
		ret = read_tags(vm, ram->gpa + off, chunk, tags);
		if (ret)
			break;
		*crc = crc32(*crc, tags, chunk / MTE_GRANULE);
		ret = pwrite_full(fd, tags, chunk / MTE_GRANULE, off / MTE_GRANULE);
	}
	free(tags);
	return ret;
}

static int write_files(struct snap_writer *w, const int *fds, char *why, size_t why_len)
{
	struct vm *vm = w->vm;
	struct snap_out o;
	uint64_t tags_size;
	uint32_t crc;
	int ret = build_state(vm, &o, why, why_len);

	if (!ret) {
		ret = pwrite_full(fds[CTL_SNAPSHOT_FD_STATE], o.buf, o.len, 0);
		if (ret)
			snprintf(why, why_len, "cannot write the state file: %s", strerror(-ret));
		else
			list_file(w, "state", o.len, snap_crc32(0, o.buf, o.len));
	}
	snap_out_free(&o);
	if (ret)
		return ret;
	ret = write_ram(vm, fds[CTL_SNAPSHOT_FD_MEMORY], &crc);
	if (ret) {
		snprintf(why, why_len, "cannot write guest memory: %s", strerror(-ret));
		return ret;
	}
	list_file(w, "memory", vm->mem.ram.size, crc);
	if (vm->mem.mte) {
		ret = write_tags(vm, fds[CTL_SNAPSHOT_FD_TAGS], &tags_size, &crc);
		if (ret) {
			snprintf(why, why_len, "cannot write guest memory's MTE tags: %s",
				 strerror(-ret));
			return ret;
		}
		list_file(w, "tags", tags_size, crc);
	}
	for (unsigned int i = 0; i < CTL_SNAPSHOT_NR_FDS; i++) {
		if (fdatasync(fds[i])) {
			snprintf(why, why_len, "cannot sync the snapshot's files: %s",
				 strerror(errno));
			return -errno;
		}
	}
	return 0;
}

int vm_snapshot(struct vm *vm, const struct ctl_snapshot *req, const int *fds,
		unsigned int nr_fds, char *text, size_t len)
{
	struct snap_writer w = { .vm = vm, .text = text, .len = len };
	const char *no = unsupported(vm);
	bool was_paused = vcpus_paused(vm);
	uint64_t start = vm_clock_ns();
	char why[160];
	int ret;

	if (nr_fds != CTL_SNAPSHOT_NR_FDS || req->reserved || req->flags & ~CTL_SNAPSHOT_STOP) {
		snprintf(text, len, "snapshot: a malformed request (%u files)", nr_fds);
		return -EINVAL;
	}
	if (no) {
		snprintf(text, len, "VM '%s': %s cannot be snapshotted yet", vm->name, no);
		return -ENOTSUP;
	}
	if (!was_paused && vcpus_pause(vm)) {
		snprintf(text, len, "snapshot: the vCPUs of VM '%s' did not stop within seconds; it runs on",
			 vm->name);
		return -ETIMEDOUT;
	}
	ret = write_files(&w, fds, why, sizeof(why));
	if (ret)
		snprintf(text, len, "snapshot of VM '%s': %s", vm->name, why);
	else
		pr_info("lkvm snapshot: written in %llu ms%s",
			(unsigned long long)((vm_clock_ns() - start) / 1000000),
			req->flags & CTL_SNAPSHOT_STOP ? "; stopping the guest" : "");
	if (!ret && req->flags & CTL_SNAPSHOT_STOP)
		vm_request_stop(vm, 0);
	else if (!was_paused)
		vcpus_resume(vm);
	return ret;
}
