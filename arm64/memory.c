// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory (struct vm_memory): RAM, anonymous or from --hugetlbfs,
 * the stolen-time region, and every memslot KVM is given, through one
 * function that also keeps lkvm's own table of them (core/memslot.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kvm.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "arm64/kvm_arm64.h"
#include "core/fileio.h"
#include "core/log.h"
#include "machine/memmap.h"

#define RAM_ALIGN (2u << 20)	/* lets the host back RAM with huge pages */

int memory_set_slot(struct vm *vm, uint32_t slot, uint64_t gpa, uint64_t size, void *host,
		    uint32_t flags)
{
	struct kvm_userspace_memory_region region = {
		.slot = slot,
		.flags = flags,
		.guest_phys_addr = gpa,
		.memory_size = size,
		.userspace_addr = (uintptr_t)host,
	};

	return ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region) ? -errno : 0;
}

/*
 * --hugetlbfs DIR: guest RAM is an unlinked file there, mapped private as
 * kvmtool maps it, so every page is a huge page from the host's pool.
 */
static int map_hugetlbfs(struct vm *vm, struct guest_ram *ram)
{
	const char *dir = vm->cfg->hugetlbfs_path;
	char path[PATH_MAX];
	struct statfs fs;
	int fd;

	if (statfs(dir, &fs) || fs.f_type != HUGETLBFS_MAGIC) {
		pr_err("--hugetlbfs %s: not a hugetlbfs mount", dir);
		return -EINVAL;
	}
	if (ram->size % fs.f_bsize) {
		pr_err("--hugetlbfs %s: guest RAM (%llu MiB) is not a whole number of its %llu KiB pages",
		       dir, (unsigned long long)(ram->size / MiB),
		       (unsigned long long)fs.f_bsize >> 10);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s/lkvm-ram-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	if (fd < 0) {
		pr_err("--hugetlbfs %s: cannot create a file there: %s", dir, strerror(errno));
		return -errno;
	}
	unlink(path);
	ram->mapping_size = ram->size;
	ram->mapping = mmap(NULL, ram->size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (ram->mapping == MAP_FAILED) {
		ram->mapping = NULL;
		pr_err("--hugetlbfs %s: cannot map %llu MiB of huge pages: %s", dir,
		       (unsigned long long)(ram->size / MiB), strerror(errno));
		return -ENOMEM;
	}
	ram->host = ram->mapping;
	return 0;
}

static int map_anonymous(struct guest_ram *ram)
{
	uintptr_t start;

	ram->mapping_size = ram->size + RAM_ALIGN;
	ram->mapping = mmap(NULL, ram->mapping_size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram->mapping == MAP_FAILED) {
		ram->mapping = NULL;
		pr_err("--mem %llu MiB: cannot map guest RAM: %s",
		       (unsigned long long)(ram->size / MiB), strerror(errno));
		return -ENOMEM;
	}
	start = ((uintptr_t)ram->mapping + RAM_ALIGN - 1) & ~(uintptr_t)(RAM_ALIGN - 1);
	ram->host = (uint8_t *)start;
	/*
	 * Huge pages let KVM map guest RAM in 2 MiB blocks at stage 2, which
	 * shortens the guest's page walks; hosts whose THP mode is "madvise"
	 * give them only where asked.
	 */
	if (madvise(ram->host, ram->size, MADV_HUGEPAGE))
		pr_debug("guest RAM: no transparent huge pages: %s", strerror(errno));
	return 0;
}

/*
 * --restore: the snapshot's memory file mapped private, so that restores
 * of one snapshot share the pages none of them wrote and nothing is read
 * before the guest touches it. KVM takes only anonymous or tmpfs memory
 * for a guest with MTE: a file elsewhere is then read into anonymous RAM.
 */
static int map_snapshot(struct vm *vm, struct guest_ram *ram, int fd)
{
	struct statfs fs;
	void *p;
	int ret;

	if (vm->mem.mte && (fstatfs(fd, &fs) || fs.f_type != TMPFS_MAGIC)) {
		pr_debug("--restore: MTE, and the snapshot is not in tmpfs: reading its memory");
		ret = map_anonymous(ram) ?: pread_full(fd, ram->host, ram->size, 0);
		if (ret)
			pr_err("--restore: cannot read the snapshot's memory: %s", strerror(-ret));
		return ret;
	}
	/* An aligned hole first, then the file into it. */
	ram->mapping_size = ram->size + RAM_ALIGN;
	ram->mapping = mmap(NULL, ram->mapping_size, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ram->mapping == MAP_FAILED) {
		ram->mapping = NULL;
		return -ENOMEM;
	}
	ram->host = (uint8_t *)(((uintptr_t)ram->mapping + RAM_ALIGN - 1) &
				~(uintptr_t)(RAM_ALIGN - 1));
	p = mmap(ram->host, ram->size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_FIXED | MAP_NORESERVE, fd, 0);
	if (p == MAP_FAILED) {
		pr_err("--restore: cannot map the snapshot's memory: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

int memory_map_ram(struct vm *vm, int snapshot_fd)
{
	struct guest_ram *ram = &vm->mem.ram;
	int ret;

	ram->gpa = RAM_BASE;
	ram->size = vm->ram_size;
	if (snapshot_fd >= 0)
		ret = map_snapshot(vm, ram, snapshot_fd);
	else
		ret = vm->cfg->hugetlbfs_path ? map_hugetlbfs(vm, ram) : map_anonymous(ram);
	if (ret)
		return ret;
	ret = memory_set_slot(vm, SLOT_RAM, ram->gpa, ram->size, ram->host, 0);
	if (ret) {
		int err = -ret;

		if (vm->mem.mte && vm->cfg->hugetlbfs_path && err == EINVAL)
			pr_err("--hugetlbfs %s: this host's KVM refuses huge pages to a VM with MTE (%s); add --disable-mte",
			       vm->cfg->hugetlbfs_path, strerror(err));
		else
			pr_err("KVM_SET_USER_MEMORY_REGION for guest RAM failed: %s", strerror(err));
		return -err;
	}
	return memslot_add(&vm->mem.slots, ram->gpa, ram->size, (uintptr_t)ram->host);
}

/* The region KVM writes each vCPU's stolen time into (arm64/vcpu.c). */
int memory_map_pvtime(struct vm *vm)
{
	void *p;
	int ret;

	if (vm->cfg->no_pvtime || !arm64_cap(vm->kvm_fd, KVM_CAP_STEAL_TIME))
		return 0;
	p = mmap(NULL, PVTIME_SIZE, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		pr_err("stolen time: cannot map its region: %s", strerror(errno));
		return -errno;
	}
	vm->mem.pvtime = p;
	ret = memory_set_slot(vm, SLOT_PVTIME, PVTIME_BASE, PVTIME_SIZE, p, 0);
	if (ret) {
		pr_err("stolen time: KVM_SET_USER_MEMORY_REGION failed: %s", strerror(-ret));
		return ret;
	}
	return memslot_add(&vm->mem.slots, PVTIME_BASE, PVTIME_SIZE, (uintptr_t)p);
}

void memory_destroy(struct vm *vm)
{
	struct vm_memory *mem = &vm->mem;

	if (mem->ram.mapping)
		munmap(mem->ram.mapping, mem->ram.mapping_size);
	mem->ram.mapping = NULL;
	if (mem->pvtime)
		munmap(mem->pvtime, PVTIME_SIZE);
	mem->pvtime = NULL;
}
