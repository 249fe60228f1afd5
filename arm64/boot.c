// SPDX-License-Identifier: GPL-2.0
/* Puts the kernel, initrd and device tree into guest RAM (booting.rst). */
#include <errno.h>
#include <libfdt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "arm64/devices.h"
#include "arm64/image.h"
#include "arm64/kvm_arm64.h"
#include "core/fileio.h"
#include "core/log.h"
#include "machine/memmap.h"

/* Ample for the nodes we write, even with 123 vCPUs. */
#define FDT_BUILD_SIZE (64 * 1024)
#define RNG_SEED_SIZE 64

int arm64_load_images(struct vm *vm, int kernel_fd, int initrd_fd)
{
	const struct vm_config *cfg = vm->cfg;
	struct kernel_load kernel;
	uint64_t initrd_size = 0;
	char err[256];
	struct stat st;
	int ret;

	ret = kernel_load(kernel_fd, vm->mem.ram.host, boot_usable_ram(vm->ram_size, vm->ras.reserve),
			  &kernel, err, sizeof(err));
	if (ret) {
		pr_err("kernel %s: %s", cfg->kernel_path, err);
		return ret;
	}
	if (initrd_fd >= 0) {
		if (fstat(initrd_fd, &st)) {
			pr_err("initrd %s: %s", cfg->initrd_path, strerror(errno));
			return -errno;
		}
		initrd_size = st.st_size;
	}
	ret = boot_layout_compute(vm->mem.ram.gpa, vm->ram_size, kernel.offset,
				  kernel.mem_size, initrd_size, vm->ras.reserve, &vm->boot.layout,
				  err, sizeof(err));
	if (ret) {
		pr_err("%s", err);
		return ret;
	}
	if (initrd_size) {
		ret = pread_full(initrd_fd, guest_ram_host(&vm->mem.ram, vm->boot.layout.initrd_start),
				 initrd_size, 0);
		if (ret) {
			pr_err("initrd %s: cannot read: %s", cfg->initrd_path,
			       strerror(-ret));
			return ret;
		}
	}
	pr_debug("kernel at 0x%llx-0x%llx, initrd at 0x%llx (%llu bytes), DTB at 0x%llx",
		 (unsigned long long)vm->boot.layout.kernel_start,
		 (unsigned long long)vm->boot.layout.kernel_end,
		 (unsigned long long)vm->boot.layout.initrd_start,
		 (unsigned long long)initrd_size,
		 (unsigned long long)vm->boot.layout.dtb_start);
	return 0;
}

static int dump_dtb(const char *path, const void *fdt)
{
	const char *failed;
	int ret = write_file(path, fdt, fdt_totalsize(fdt), &failed);

	if (ret)
		pr_err("--dump-dtb %s: cannot %s: %s", path, failed, strerror(-ret));
	return ret;
}

int arm64_describe_machine(struct vm *vm)
{
	uint8_t rng_seed[RNG_SEED_SIZE];
	struct platform plat = {
		.ram_base = vm->mem.ram.gpa,
		.ram_size = vm->ram_size,
		.nr_cpus = vm->nr_cpus,
		.gic = vm->irq.gic,
		.pmu = vm->cfg->pmu,
		.nested = vm->cfg->nested,
		.sdei = vm->sdei.on,
		.pvpanic = !vm->cfg->no_pvpanic,
		.timer_frequency = vm->cfg->cntfrq,
		.ras_start = vm->boot.layout.reserved_start,
		.ras_size = vm->boot.layout.reserved_size,
		.bootargs = vm->boot.cmdline,
		.initrd_start = vm->boot.layout.initrd_start,
		.initrd_size = vm->boot.layout.initrd_size,
		.its = vm->irq.its_fd >= 0,
		.firmware = vm->firmware,
		.flash_code_size = vm->fw.code_size,
		.flash_vars_size = vm->fw.vars_size,
	};
	uint64_t *mpidrs;
	void *fdt;
	int ret;

	mpidrs = calloc(vm->nr_cpus, sizeof(*mpidrs));
	fdt = malloc(FDT_BUILD_SIZE);
	if (!mpidrs || !fdt) {
		ret = -ENOMEM;
		goto out;
	}
	for (unsigned int i = 0; i < vm->nr_cpus; i++)
		mpidrs[i] = vm->vcpus[i].mpidr;
	plat.mpidrs = mpidrs;
	if (vm->devices) {
		struct vm_devices *devs = vm->devices;

		plat.nr_virtio_mmio = devs->nr_mmio;
		for (unsigned int s = 0; devs->nr_pci && s < PCI_MAX_SLOTS; s++)
			if (devs->pci.slots[s])
				plat.pci_slots |= 1u << s;
	}
	/* Seeds for the guest's CRNG and KASLR, as a bootloader would pass. */
	if (getrandom(rng_seed, sizeof(rng_seed), GRND_NONBLOCK) == sizeof(rng_seed)) {
		plat.rng_seed = rng_seed;
		plat.rng_seed_len = sizeof(rng_seed);
	}
	if (vm->cfg->kaslr_seed_set)
		plat.kaslr_seed = vm->cfg->kaslr_seed;
	else if (getrandom(&plat.kaslr_seed, sizeof(plat.kaslr_seed), GRND_NONBLOCK) < 0)
		plat.kaslr_seed = 0;

	if (vm->firmware) {
		/* The firmware tells the OS of kernel and initrd itself, and
		 * allocates the error region the ACPI tables point into. */
		plat.bootargs = NULL;
		plat.initrd_size = 0;
		plat.ras_size = vm->cfg->ras ? ghes_region_size(RAS_NR_SOURCES(vm->nr_cpus)) : 0;
		ret = firmware_tables(vm, &plat);
		if (ret || vm->restore)
			goto out;	/* a restore's RAM holds its device tree */
	}
	ret = fdt_build(&plat, fdt, FDT_BUILD_SIZE);
	if (ret) {
		pr_err("cannot build the device tree: %s", fdt_strerror(ret));
		ret = -EINVAL;
		goto out;
	}
	memcpy(guest_ram_host(&vm->mem.ram, vm->boot.layout.dtb_start), fdt, fdt_totalsize(fdt));
	ret = vm->cfg->dump_dtb_path ? dump_dtb(vm->cfg->dump_dtb_path, fdt) : 0;
out:
	free(fdt);
	free(mpidrs);
	return ret;
}
