// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm run --restore DIR: the snapshot is read and checked whole before
 * anything is built (its manifest, the state file's size and CRC-32, each
 * section's bounds), then the VM is built as the snapshot's own command
 * line asks, with guest RAM mapped from the memory file, and every part's
 * state loaded back in the facts sheet's order: vCPUs (registers, events,
 * MP state), the vGIC, the ITS, lkvm's devices and dispatchers.
 *
 * The guest's counter continues from the snapshot's value: writing each
 * vCPU's CNTVCT sets KVM's offset, so time stood still for the guest
 * while it was saved.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "arm64/devices.h"
#include "arm64/kvm_arm64.h"
#include "arm64/snapshot.h"
#include "arm64/vm.h"
#include "core/fileio.h"
#include "core/log.h"
#include "machine/memmap.h"
#include "snapshot/dir.h"

#define STATE_MAX	(64u << 20)	/* bytes: a state file larger is refused */
#define TAGS_READ	(1u << 20)	/* bytes of RAM whose tags one read brings */
#define TAGS_COPY	(64u << 10)	/* bytes of RAM per KVM_ARM_MTE_COPY_TAGS */

static int refuse(const struct snap_image *img, int err, const char *why)
{
	pr_err("--restore %s: %s", img->path, why);
	return err;
}

/* Every section in bounds, and the two read before the VM is built. */
static int scan_state(struct snap_image *img)
{
	struct snap_section s;
	struct snap_in in;
	char why[160];
	int ret;

	ret = snap_in_init(&in, img->state, img->state_len, why, sizeof(why));
	while (!ret && (ret = snap_in_next(&in, &s, why, sizeof(why))) > 0) {
		ret = 0;
		if (s.tag == SNAP_SEC_CONFIG && img->nr_words < 0) {
			img->nr_words = snap_words_decode(&s, img->words);
			if (img->nr_words < 0) {
				snprintf(why, sizeof(why), "the recorded command line is malformed");
				ret = -EINVAL;
			}
		} else if (s.tag == SNAP_SEC_MACHINE && !img->have_machine) {
			ret = snap_machine_decode(&s, &img->machine, why, sizeof(why));
			img->have_machine = !ret;
		} else if (s.tag == SNAP_SEC_CONFIG || s.tag == SNAP_SEC_MACHINE) {
			snprintf(why, sizeof(why), "the state file has two records of the machine");
			ret = -EINVAL;
		}
	}
	if (ret < 0)
		return refuse(img, ret, why);
	if (img->nr_words < 0 || !img->have_machine)
		return refuse(img, -EINVAL, "the state file lacks the machine's record");
	return 0;
}

int snap_image_open(struct snap_image *img, const char *path)
{
	char why[160];
	const struct snap_file *f;
	int fd, ret;

	memset(img, 0, sizeof(*img));
	img->path = path;
	img->nr_words = -1;
	img->memory_fd = img->tags_fd = -1;
	ret = snap_dir_open(path, getpagesize(), &img->m, &img->dirfd, why, sizeof(why));
	if (ret) {
		img->dirfd = -1;
		return refuse(img, ret, why);
	}
	f = snap_manifest_find(&img->m, "state");
	if (!f || f->size > STATE_MAX)
		return refuse(img, -EINVAL, f ? "the state file is too large" : "no state file listed");
	/* Read once, then checked and parsed in lkvm's own copy. */
	fd = snap_dir_open_file(img->dirfd, &img->m, "state", false, why, sizeof(why));
	if (fd < 0)
		return refuse(img, fd, why);
	img->state_len = f->size;
	img->state = malloc(f->size ? f->size : 1);
	ret = img->state ? pread_full(fd, img->state, f->size, 0) : -ENOMEM;
	close(fd);
	if (ret)
		return refuse(img, ret, "cannot read the state file");
	if (snap_crc32(0, img->state, img->state_len) != f->crc32)
		return refuse(img, -EINVAL, "state: corrupted (its CRC-32 is not the manifest's)");
	/* The memory is mapped, not read: its size is checked, not its CRC. */
	img->memory_fd = snap_dir_open_file(img->dirfd, &img->m, "memory", false, why,
					    sizeof(why));
	if (img->memory_fd < 0)
		return refuse(img, img->memory_fd, why);
	/* The tags are read once, as they are restored, and checked then. */
	if (snap_manifest_find(&img->m, "tags")) {
		img->tags_fd = snap_dir_open_file(img->dirfd, &img->m, "tags", false, why,
						  sizeof(why));
		if (img->tags_fd < 0)
			return refuse(img, img->tags_fd, why);
	}
	ret = scan_state(img);
	if (ret)
		return ret;
	f = snap_manifest_find(&img->m, "tags");
	if (snap_manifest_find(&img->m, "memory")->size != img->machine.ram_size ||
	    (img->tags_fd >= 0) != img->machine.mte ||
	    (f && f->size != img->machine.ram_size / MTE_GRANULE))
		return refuse(img, -EINVAL, "the memory files do not match the machine's record");
	return 0;
}

void snap_image_close(struct snap_image *img)
{
	free(img->state);
	if (img->memory_fd >= 0)
		close(img->memory_fd);
	if (img->tags_fd >= 0)
		close(img->tags_fd);
	if (img->dirfd >= 0)
		close(img->dirfd);
	img->state = NULL;
	img->memory_fd = img->tags_fd = img->dirfd = -1;
}

/* What this VM was built as against the snapshot's record: one line each. */
static int check_machine(struct vm *vm, const struct snap_image *img)
{
	const struct snap_machine *m = &img->machine;
	char why[160];
	uint64_t midr = 0;

	arm64_vcpu_midr(&vm->vcpus[0], &midr);
	if (m->nr_cpus != vm->nr_cpus)
		snprintf(why, sizeof(why), "the snapshot has %u vCPUs, this VM %u", m->nr_cpus,
			 vm->nr_cpus);
	else if (m->ram_size != vm->ram_size)
		snprintf(why, sizeof(why), "the snapshot has %llu MiB of RAM, this VM %llu",
			 (unsigned long long)(m->ram_size >> 20),
			 (unsigned long long)(vm->ram_size >> 20));
	else if (m->gic != vm->irq.gic || m->its != (vm->irq.its_fd >= 0))
		snprintf(why, sizeof(why), "the snapshot's VM has a GICv%u%s, this host gives a GICv%u%s",
			 m->gic, m->its ? " with an ITS" : "", vm->irq.gic,
			 vm->irq.its_fd >= 0 ? " with an ITS" : "");
	else if (m->mte != vm->mem.mte)
		snprintf(why, sizeof(why), "the snapshot's VM %s MTE, this host's KVM %s",
			 m->mte ? "has" : "has no", vm->mem.mte ? "gives it" : "does not");
	else if (m->midr != midr)
		snprintf(why, sizeof(why), "the snapshot was taken on CPUs with MIDR 0x%llx, these are 0x%llx",
			 (unsigned long long)m->midr, (unsigned long long)midr);
	else
		return 0;
	return refuse(img, -ENOTSUP, why);
}

/*
 * MTE tags back into RAM where they are not all zero (the default), and
 * the CRC-32 of the whole file taken on the way: -EBADMSG if it is not the
 * manifest's. Before the guest runs, so a corrupted file is refused.
 */
static int restore_tags(struct vm *vm, const struct snap_image *img)
{
	const struct snap_file *f = snap_manifest_find(&img->m, "tags");
	uint8_t *tags = malloc(TAGS_READ / MTE_GRANULE);
	uint32_t crc = 0;
	int ret = tags ? 0 : -ENOMEM;

	for (uint64_t off = 0; off < vm->mem.ram.size && !ret; off += TAGS_READ) {
		ret = pread_full(img->tags_fd, tags, TAGS_READ / MTE_GRANULE, off / MTE_GRANULE);
		if (!ret)
			crc = snap_crc32(crc, tags, TAGS_READ / MTE_GRANULE);
		for (uint64_t in = 0; in < TAGS_READ && !ret; in += TAGS_COPY) {
			struct kvm_arm_copy_mte_tags copy = {
				.guest_ipa = vm->mem.ram.gpa + off + in, .length = TAGS_COPY,
				.addr = tags + in / MTE_GRANULE, .flags = KVM_ARM_TAGS_TO_GUEST,
			};
			long n;

			if (snap_all_zero(copy.addr, TAGS_COPY / MTE_GRANULE))
				continue;
			n = ioctl(vm->vm_fd, KVM_ARM_MTE_COPY_TAGS, &copy);
			if (n != (long)TAGS_COPY)
				ret = n < 0 ? -errno : -EIO;
		}
	}
	free(tags);
	return !ret && crc != f->crc32 ? -EBADMSG : ret;
}

int restore_ram(struct vm *vm)
{
	const struct snap_image *img = vm->restore;
	int ret = check_machine(vm, img);

	ret = ret ?: memory_map_ram(vm, img->memory_fd);
	if (ret || img->tags_fd < 0)
		return ret;
	ret = restore_tags(vm, img);
	if (ret == -EBADMSG)
		refuse(img, ret, "tags: corrupted (its CRC-32 is not the manifest's)");
	else if (ret)
		pr_err("--restore %s: cannot give guest memory its MTE tags: %s", img->path,
		       strerror(-ret));
	return ret;
}

static int load_section(struct vm *vm, const struct snap_section *s, char *why, size_t len)
{
	if ((s->tag == SNAP_SEC_VCPU || s->tag == SNAP_SEC_VCPU_LKVM) && s->index >= vm->nr_cpus) {
		snprintf(why, len, "state for vCPU %u, which this VM lacks", s->index);
		return -EINVAL;
	}
	switch (s->tag) {
	case SNAP_SEC_CONFIG:
	case SNAP_SEC_MACHINE:
		return 0;
	case SNAP_SEC_VCPU:
		return vcpu_state_load(&vm->vcpus[s->index], s, why, len);
	case SNAP_SEC_VCPU_LKVM:
		return vcpu_lkvm_load(&vm->vcpus[s->index], s, why, len);
	case SNAP_SEC_GIC:
	case SNAP_SEC_ITS:
		return gic_state_load(vm, s, why, len);
	case SNAP_SEC_UART:
		if (!vm->firmware && !uart16550_state_load(&vm->board.uart, s->data, s->len))
			return 0;
		snprintf(why, len, "the UART's state is malformed");
		return -EINVAL;
	case SNAP_SEC_SDEI:
		if (!vm->sdei.on) {
			snprintf(why, len, "SDEI state, for a VM without --sdei");
			return -EINVAL;
		}
		return sdei_state_load(&vm->sdei.dispatcher, s->data, s->len, why, len);
	case SNAP_SEC_RAS:
		return ras_state_load(vm, s, why, len);
	case SNAP_SEC_RAS_POISON:
		return ras_poison_load(vm, s, why, len);
	case SNAP_SEC_VIRTIO:
		return devices_state_load(vm, s, why, len);
	case SNAP_SEC_PL011:
	case SNAP_SEC_PL031:
	case SNAP_SEC_FW_CFG:
	case SNAP_SEC_FLASH:
	case SNAP_SEC_FLASH_BLOCK:
		return firmware_state_load(vm, s, why, len);
	case SNAP_SEC_PVTIME:
		if (!vm->mem.pvtime || s->len != PVTIME_SIZE) {
			snprintf(why, len, "the stolen-time region does not match this VM's");
			return -EINVAL;
		}
		memcpy(vm->mem.pvtime, s->data, PVTIME_SIZE);
		return 0;
	default:
		snprintf(why, len, "a section of unknown kind %u", s->tag);
		return -EINVAL;
	}
}

/* A part without its state would start from reset: the snapshot is refused. */
static const char *missing(struct vm *vm, const unsigned int *seen, const unsigned int *vcpus,
			   const unsigned int *virtio)
{
	static char what[64];

	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		if (vcpus[i] != 1) {
			snprintf(what, sizeof(what), "vCPU %u's registers %s", i,
				 vcpus[i] ? "twice" : "are missing");
			return what;
		}
	}
	if (seen[SNAP_SEC_GIC] != 1 || seen[SNAP_SEC_ITS] != (vm->irq.its_fd >= 0))
		return "the vGIC's or ITS's state is missing or twice";
	if (seen[SNAP_SEC_SDEI] != vm->sdei.on)
		return "the SDEI dispatcher's state is missing or twice";
	if (seen[SNAP_SEC_RAS] != vm->cfg->ras)
		return "the RAS state is missing or twice";
	if (seen[SNAP_SEC_UART] != !vm->firmware || seen[SNAP_SEC_PL011] != !!vm->firmware)
		return "the console UART's state is missing or twice";
	if (vm->firmware && (seen[SNAP_SEC_PL031] != 1 || seen[SNAP_SEC_FW_CFG] != 1 ||
			     seen[SNAP_SEC_FLASH] != 1))
		return "the firmware's devices' state is missing or twice";
	for (unsigned int i = 0; i < devices_count(vm); i++) {
		if (virtio[i] != 1) {
			snprintf(what, sizeof(what), "virtio device %u's state %s", i,
				 virtio[i] ? "twice" : "is missing");
			return what;
		}
	}
	return NULL;
}

int restore_state(struct vm *vm)
{
	const struct snap_image *img = vm->restore;
	unsigned int seen[SNAP_SEC_LAST + 1] = { 0 }, virtio[MAX_VIRTIO_DEVICES] = { 0 }, *vcpus;
	struct snap_section s;
	struct snap_in in;
	const char *gap;
	char why[200];
	int ret;

	vcpus = calloc(vm->nr_cpus, sizeof(*vcpus));
	if (!vcpus)
		return -ENOMEM;
	ret = snap_in_init(&in, img->state, img->state_len, why, sizeof(why));
	while (!ret && (ret = snap_in_next(&in, &s, why, sizeof(why))) > 0) {
		ret = load_section(vm, &s, why, sizeof(why));
		if (!ret && s.tag == SNAP_SEC_VCPU)
			vcpus[s.index]++;
		if (!ret && s.tag == SNAP_SEC_VIRTIO)
			virtio[s.index]++;
		if (!ret)
			seen[s.tag]++;
	}
	gap = ret ? NULL : missing(vm, seen, vcpus, virtio);
	free(vcpus);
	if (ret < 0)
		return refuse(img, ret, why);
	if (gap) {
		snprintf(why, sizeof(why), "the state file is incomplete: %s", gap);
		return refuse(img, -EINVAL, why);
	}
	/*
	 * Requests that were waiting are taken at the first KVM_RUN; what a
	 * driver made available as the snapshot was taken, once the I/O
	 * thread runs.
	 */
	devices_state_resume(vm);
	return 0;
}
