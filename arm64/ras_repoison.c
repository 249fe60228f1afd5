// SPDX-License-Identifier: GPL-2.0
/*
 * --restore of a --ras VM whose RAM the host had poisoned: the snapshot
 * holds zeros there, and the list of extents (SNAP_SEC_RAS_POISON). Each
 * extent gets a fresh anonymous page, poisoned with UFFDIO_POISON (Linux
 * 6.6+), which needs no privilege and spends no real page: the kernel
 * then treats the page as hardware poison, so the guest's next access
 * reaches lkvm as the SIGBUS BUS_MCEERR_AR it would have been on the
 * snapshot's host, and becomes the same record and external abort.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arm64/vm.h"
#include "core/log.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY	1
#endif
#ifndef UFFD_FEATURE_POISON
#define UFFD_FEATURE_POISON	(1 << 14)
#endif
#ifndef UFFDIO_POISON
struct uffdio_poison {
	struct uffdio_range range;
	__u64 mode;
	__s64 updated;
};
#define UFFDIO_POISON		_IOWR(UFFDIO, 0x08, struct uffdio_poison)
#endif

/*
 * A userfaultfd that can poison. User mode only: the VM needs no faults
 * handed to it, and that mode is what an unprivileged process may open.
 */
static int open_uffd(void)
{
	struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_POISON };
	int fd = syscall(__NR_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);

	if (fd < 0)
		return -errno;
	if (ioctl(fd, UFFDIO_API, &api)) {
		int err = errno;

		close(fd);
		return -err;
	}
	return fd;
}

static int poison_again(int uffd, uint8_t *host, uint64_t size)
{
	struct uffdio_register reg = {
		.range = { (uintptr_t)host, size }, .mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	struct uffdio_poison poison = { .range = reg.range };

	/* The file's page gives way: only anonymous memory registers. */
	if (mmap(host, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
		return -errno;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) || ioctl(uffd, UFFDIO_POISON, &poison))
		return -errno;
	return 0;
}

int ras_poison_load(struct vm *vm, const struct snap_section *s, char *why, size_t why_len)
{
	struct ras_poison *p = &vm->ras.poisoned;
	int uffd, ret;

	if (!vm->cfg->ras || p->nr) {
		snprintf(why, why_len, "a list of poisoned pages, for a VM without --ras, or twice");
		return -EINVAL;
	}
	ret = ras_poison_state_load(p, s->data, s->len, vm->mem.ram.gpa, vm->mem.ram.size,
				    getpagesize(), why, why_len);
	if (ret)
		return ret;
	uffd = open_uffd();
	if (uffd < 0) {
		snprintf(why, why_len,
			 "the guest had poisoned pages, and this host cannot poison pages again (UFFDIO_POISON, Linux 6.6): %s",
			 strerror(-uffd));
		return uffd;
	}
	for (unsigned int i = 0; i < p->nr && !ret; i++) {
		ret = poison_again(uffd, guest_ram_host(&vm->mem.ram, p->e[i].gpa), p->e[i].size);
		if (ret)
			snprintf(why, why_len, "cannot poison guest page 0x%llx again: %s",
				 (unsigned long long)p->e[i].gpa, strerror(-ret));
		else
			pr_debug("ras: guest page 0x%llx (%llu bytes) is poisoned, as it was",
				 (unsigned long long)p->e[i].gpa,
				 (unsigned long long)p->e[i].size);
	}
	/* The poison outlives the registration that placed it. */
	close(uffd);
	return ret;
}
