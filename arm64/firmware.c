// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware mode's machine: flash0 (code) and flash1 (variables) as
 * read-only memslots, the PL031, fw_cfg with the boot files and the ACPI
 * tables. Layout and device facts: ../shared/docs/firmware-path.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arm64/firmware.h"
#include "arm64/kvm_arm64.h"
#include "arm64/image.h"
#include "arm64/vm.h"
#include "core/fileio.h"
#include "core/le.h"
#include "core/log.h"
#include "machine/memmap.h"

/* Both banks fit below the device window, as on QEMU's virt. */
#define FLASH_BANK_MAX		(FLASH_VARS_BASE - FLASH_CODE_BASE)
/* The firmware keeps variables, FTW working and spare blocks at the bank start. */
#define VARS_MIN_SIZE		(3 * CFI_BLOCK_SIZE)

static int set_slot(struct vm *vm, uint32_t slot, uint64_t gpa, void *host, uint64_t size)
{
	return memory_set_slot(vm, slot, gpa, size, host, size ? KVM_MEM_READONLY : 0);
}

/* flash0 is ROM: the firmware does store to it once (in place, after
 * remapping its own image), and real flash in read-array mode ignores that. */
static void code_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
			bool is_write)
{
	struct firmware *fw = opaque;

	if (!is_write)
		memcpy(data, fw->code + offset, len);
}

/* The variable store's array is mapped only while it reads as an array. */
static void vars_array_mode(void *opaque, bool on)
{
	struct vm *vm = opaque;
	struct firmware *fw = &vm->fw;
	int ret = set_slot(vm, SLOT_FLASH_VARS, FLASH_VARS_BASE, fw->vars,
			   on ? fw->vars_size : 0);

	if (ret)
		pr_warn_ratelimited(&fw->array_warn, "flash1: cannot %s the array: %s",
				    on ? "map" : "unmap", strerror(-ret));
}

static uint64_t page_align(uint64_t v)
{
	uint64_t page = sysconf(_SC_PAGESIZE);

	return (v + page - 1) & ~(page - 1);
}

/* Open @path for --@option; its size in *@size. Returns the fd or -ENOENT. */
static int open_flash_file(const char *option, const char *path, int flags, off_t *size)
{
	int fd = open(path, flags | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st)) {
		pr_err("--%s %s: cannot open%s: %s", option, path,
		       (flags & O_ACCMODE) == O_RDWR ? " for writing" : "", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -ENOENT;
	}
	*size = st.st_size;
	return fd;
}

/* Hand KVM @host as the read-only bank at @gpa; writes trap to @handler. */
static int attach_flash(struct vm *vm, uint32_t slot, uint64_t gpa, uint8_t *host,
			uint64_t size, mmio_handler_fn handler, void *opaque, const char *name)
{
	int ret = set_slot(vm, slot, gpa, host, size);

	if (ret) {
		pr_err("--firmware: KVM cannot map flash read-only: %s", strerror(-ret));
		return ret;
	}
	return mmio_bus_add(&vm->mmio, gpa, size, handler, opaque, name);
}

/*
 * A flash bank's memory. KVM maps only MTE-capable memory into a VM with
 * MTE (anonymous, shmem), so there the file is copied into anonymous
 * memory; otherwise it is mapped (@shared: writes reach the file).
 */
static void *map_bank(struct vm *vm, int fd, uint64_t size, bool shared)
{
	void *p;

	if (!vm->mem.mte)
		return mmap(NULL, size, PROT_READ | (shared ? PROT_WRITE : 0),
			    shared ? MAP_SHARED : MAP_PRIVATE, fd, 0);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED && (pread_full(fd, p, size, 0) < 0 ||
				(!shared && mprotect(p, size, PROT_READ)))) {
		munmap(p, size);
		return MAP_FAILED;
	}
	return p;
}

static int map_code(struct vm *vm)
{
	const char *path = vm->cfg->firmware_path;
	struct firmware *fw = &vm->fw;
	off_t size;
	void *p;
	int fd;

	fd = open_flash_file("firmware", path, O_RDONLY, &size);
	if (fd < 0)
		return fd;
	if (size <= 0 || (uint64_t)size > FLASH_BANK_MAX) {
		pr_err("--firmware %s: %lld bytes; a flash image is 1 byte to %llu MiB",
		       path, (long long)size, (unsigned long long)(FLASH_BANK_MAX >> 20));
		close(fd);
		return -EINVAL;
	}
	fw->code_size = page_align(size);
	p = map_bank(vm, fd, size, false);
	close(fd);
	if (p == MAP_FAILED) {
		pr_err("--firmware %s: cannot map: %s", path, strerror(errno));
		return -errno;
	}
	fw->code = p;
	return attach_flash(vm, SLOT_FLASH_CODE, FLASH_CODE_BASE, fw->code, fw->code_size,
			    code_access, fw, "flash0");
}

/* Under MTE the store is a copy: what the guest programs goes to the file. */
static void vars_written(void *opaque, uint64_t offset, uint64_t len)
{
	struct vm *vm = opaque;
	struct firmware *fw = &vm->fw;
	ssize_t n = pwrite(fw->vars_fd, fw->vars + offset, len, offset);

	if (n != (ssize_t)len)
		pr_warn_ratelimited(&fw->write_warn, "--flash %s: cannot write the store back: %s",
				    vm->cfg->flash_path, n < 0 ? strerror(errno) : "short write");
}

static int map_vars(struct vm *vm)
{
	const char *path = vm->cfg->flash_path;
	struct firmware *fw = &vm->fw;
	off_t size;
	void *p;
	int fd, ret;

	if (!path) {
		/* A fresh store: the firmware formats it, as it does AAVMF_VARS.fd. */
		fw->vars_size = FLASH_BANK_MAX;
		p = mmap(NULL, fw->vars_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	} else {
		fd = open_flash_file("flash", path, O_RDWR, &size);
		if (fd < 0)
			return fd;
		if (size < VARS_MIN_SIZE || size > (off_t)FLASH_BANK_MAX || size % CFI_BLOCK_SIZE) {
			pr_err("--flash %s: %lld bytes; a variable store is a multiple of 256 KiB from 768 KiB to 64 MiB (AAVMF_VARS.fd is 64 MiB)",
			       path, (long long)size);
			close(fd);
			return -EINVAL;
		}
		/*
		 * The store is mapped shared, so a guest write into a hole of
		 * a sparse file on a full file system would be a SIGBUS
		 * outside guest RAM: give every block its space now.
		 */
		if (fallocate(fd, 0, 0, size) && errno != EOPNOTSUPP) {
			pr_err("--flash %s: cannot allocate its blocks: %s", path, strerror(errno));
			close(fd);
			return -errno;
		}
		fw->vars_size = size;
		p = map_bank(vm, fd, size, true);
		if (vm->mem.mte && p != MAP_FAILED)
			fw->vars_fd = fd;
		else
			close(fd);
	}
	if (p == MAP_FAILED) {
		pr_err("--flash: cannot map the variable store: %s", strerror(errno));
		return -errno;
	}
	fw->vars = p;
	ret = cfi_flash_init(&fw->flash, fw->vars, fw->vars_size, vars_array_mode, vm);
	if (fw->vars_fd >= 0)
		fw->flash.written = vars_written;
	return ret ?: attach_flash(vm, SLOT_FLASH_VARS, FLASH_VARS_BASE, fw->vars, fw->vars_size,
				   cfi_flash_access, &fw->flash, "flash1");
}

static uint64_t host_seconds(void)
{
	return time(NULL);
}

static uint8_t *fw_cfg_ram(void *opaque, uint64_t gpa, uint64_t len)
{
	struct vm *vm = opaque;

	return guest_ram_contains(&vm->mem.ram, gpa, len) ? guest_ram_host(&vm->mem.ram, gpa) : NULL;
}

/* The firmware placed the error region and says where (WRITE_POINTER). */
static void fw_cfg_written(void *opaque, const char *name)
{
	struct vm *vm = opaque;

	if (!strcmp(name, ACPI_FILE_HW_ERRORS_ADDR))
		ras_region_placed(vm, get_le64(vm->fw.hw_errors_addr));
}

/*
 * UEFI's loader starts the kernel as an EFI application, so it must carry
 * the EFI stub: a PE/COFF image ("MZ"), as arm64 Images built with
 * CONFIG_EFI_STUB are.
 */
static int load_boot_files(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	struct firmware *fw = &vm->fw;
	char err[256];
	struct stat st;
	int ret;

	if (!cfg->kernel_path)
		return 0;
	/* The firmware copies it into guest RAM; fw_cfg counts in 32 bits. */
	ret = kernel_read_all(vm->boot.kernel_fd, vm->ram_size < UINT32_MAX ? vm->ram_size : UINT32_MAX,
			      &fw->kernel, &fw->kernel_size, err, sizeof(err));
	if (ret) {
		pr_err("kernel %s: %s", cfg->kernel_path, err);
		return ret;
	}
	if (fw->kernel_size < 2 || fw->kernel[0] != 'M' || fw->kernel[1] != 'Z') {
		pr_err("kernel %s: not an EFI application (no PE/COFF \"MZ\" header), which UEFI needs; use an Image built with CONFIG_EFI_STUB",
		       cfg->kernel_path);
		return -ENOEXEC;
	}
	fw_cfg_set(&fw->fw_cfg, FW_CFG_KERNEL_DATA, fw->kernel, fw->kernel_size);
	fw_cfg_set_u32(&fw->fw_cfg, FW_CFG_KERNEL_SIZE, fw->kernel_size_le, fw->kernel_size);
	fw_cfg_set_u32(&fw->fw_cfg, FW_CFG_SETUP_SIZE, fw->setup_size_le, 0);
	if (vm->boot.cmdline) {
		/* With its NUL, which the firmware insists on. */
		uint32_t len = strlen(vm->boot.cmdline) + 1;

		fw_cfg_set(&fw->fw_cfg, FW_CFG_CMDLINE_DATA, (uint8_t *)vm->boot.cmdline, len);
		fw_cfg_set_u32(&fw->fw_cfg, FW_CFG_CMDLINE_SIZE, fw->cmdline_size_le, len);
	}
	if (vm->boot.initrd_fd < 0)
		return 0;
	if (fstat(vm->boot.initrd_fd, &st)) {
		pr_err("initrd %s: %s", cfg->initrd_path, strerror(errno));
		return -errno;
	}
	if (st.st_size > UINT32_MAX) {
		pr_err("initrd %s: larger than fw_cfg's 4 GiB", cfg->initrd_path);
		return -EFBIG;
	}
	fw->initrd_size = st.st_size;
	fw->initrd = malloc(fw->initrd_size ? fw->initrd_size : 1);
	if (!fw->initrd)
		return -ENOMEM;
	ret = pread_full(vm->boot.initrd_fd, fw->initrd, fw->initrd_size, 0);
	if (ret) {
		pr_err("initrd %s: cannot read: %s", cfg->initrd_path, strerror(-ret));
		return ret;
	}
	fw_cfg_set(&fw->fw_cfg, FW_CFG_INITRD_DATA, fw->initrd, fw->initrd_size);
	fw_cfg_set_u32(&fw->fw_cfg, FW_CFG_INITRD_SIZE, fw->initrd_size_le, fw->initrd_size);
	return 0;
}

int firmware_load(struct vm *vm)
{
	struct firmware *fw = &vm->fw;
	int ret;

	fw->vars_fd = -1;
	fw_cfg_init(&fw->fw_cfg, fw_cfg_ram, fw_cfg_written, vm);
	pl031_init(&fw->rtc, host_seconds);
	fw->ready = true;
	ret = map_code(vm);
	ret = ret ?: map_vars(vm);
	ret = ret ?: mmio_bus_add(&vm->mmio, PL031_BASE, PL031_SIZE, pl031_access,
				  &fw->rtc, "pl031");
	ret = ret ?: mmio_bus_add(&vm->mmio, FW_CFG_BASE, FW_CFG_SIZE, fw_cfg_mmio,
				  &fw->fw_cfg, "fw_cfg");
	ret = ret ?: load_boot_files(vm);
	/* The device tree goes where the firmware looks for it. */
	vm->boot.layout.dtb_start = RAM_BASE;
	return ret;
}

static int dump_file(const char *dir, const char *name, const uint8_t *data, size_t len)
{
	char path[4096];
	const char *failed;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ret = write_file(path, data, len, &failed);
	if (ret)
		pr_err("--dump-acpi %s: cannot %s: %s", path, failed, strerror(-ret));
	return ret;
}

/*
 * Each table as the OS would read it, linked as if the firmware had put
 * etc/acpi/tables at the top of RAM below 4 GiB, where edk2 allocates:
 * DIR/<signature>.dat, as ACPICA's acpidump names them, and rsdp.dat.
 */
static int dump_acpi(struct vm *vm)
{
	const char *dir = vm->cfg->dump_acpi_dir;
	const struct acpi_tables *t = &vm->fw.acpi;
	uint64_t top = RAM_BASE + vm->ram_size < (4ull << 30) ? RAM_BASE + vm->ram_size : 4ull << 30;
	uint8_t *tables, *rsdp, *hw_errors;
	const char *why;
	struct stat st;
	int ret;

	if (mkdir(dir, 0755) && errno != EEXIST) {
		pr_err("--dump-acpi %s: cannot create the directory: %s", dir, strerror(errno));
		return -errno;
	}
	if (stat(dir, &st) || !S_ISDIR(st.st_mode)) {
		pr_err("--dump-acpi %s: not a directory", dir);
		return -ENOTDIR;
	}
	ret = acpi_link(t, top - (1ull << 20), &tables, &rsdp, &hw_errors, &why);
	if (ret) {
		pr_err("--dump-acpi: the tables do not link: %s", why);
		return ret;
	}
	for (unsigned int i = 0; i < t->nr && !ret; i++) {
		char name[16];

		snprintf(name, sizeof(name), "%c%c%c%c.dat", t->index[i].signature[0] | 0x20,
			 t->index[i].signature[1] | 0x20, t->index[i].signature[2] | 0x20,
			 t->index[i].signature[3] | 0x20);
		ret = dump_file(dir, name, tables + t->index[i].offset, t->index[i].length);
	}
	ret = ret ?: dump_file(dir, "rsdp.dat", rsdp, t->rsdp.len);
	free(tables);
	free(rsdp);
	free(hw_errors);
	return ret;
}

int firmware_tables(struct vm *vm, const struct platform *plat)
{
	struct firmware *fw = &vm->fw;
	struct acpi_tables *t = &fw->acpi;
	int ret;

	ret = acpi_build(plat, t);
	if (ret) {
		pr_err("cannot build the ACPI tables: %s", strerror(-ret));
		return ret;
	}
	/* The firmware takes etc/table-loader as "use ACPI, not the DT". */
	ret = fw_cfg_add_file(&fw->fw_cfg, ACPI_FILE_TABLES, t->tables.data, t->tables.len, false);
	if (ret >= 0)
		ret = fw_cfg_add_file(&fw->fw_cfg, ACPI_FILE_RSDP, t->rsdp.data, t->rsdp.len, false);
	if (ret >= 0 && t->hw_errors.len) {
		ret = fw_cfg_add_file(&fw->fw_cfg, ACPI_FILE_HW_ERRORS, t->hw_errors.data,
				      t->hw_errors.len, false);
		if (ret >= 0)
			ret = fw_cfg_add_file(&fw->fw_cfg, ACPI_FILE_HW_ERRORS_ADDR,
					      fw->hw_errors_addr, sizeof(fw->hw_errors_addr), true);
	}
	if (ret >= 0)
		ret = fw_cfg_add_file(&fw->fw_cfg, ACPI_FILE_LOADER, t->loader.data, t->loader.len,
				      false);
	if (ret < 0)
		return ret;
	return vm->cfg->dump_acpi_dir && !vm->restore ? dump_acpi(vm) : 0;
}

void firmware_destroy(struct vm *vm)
{
	struct firmware *fw = &vm->fw;

	if (!fw->ready)
		return;
	fw->ready = false;
	if (fw->vars) {
		if (vm->cfg->flash_path && fw->vars_fd < 0 &&
		    msync(fw->vars, fw->vars_size, MS_SYNC))
			pr_warn("--flash %s: cannot write back: %s", vm->cfg->flash_path,
				strerror(errno));
		munmap(fw->vars, fw->vars_size);
	}
	if (fw->vars_fd >= 0) {
		if (fdatasync(fw->vars_fd))
			pr_warn("--flash %s: cannot write back: %s", vm->cfg->flash_path,
				strerror(errno));
		close(fw->vars_fd);
	}
	if (fw->flash.locked)
		cfi_flash_destroy(&fw->flash);
	if (fw->code)
		munmap(fw->code, fw->code_size);
	acpi_tables_free(&fw->acpi);
	free(fw->kernel);
	free(fw->initrd);
	fw_cfg_destroy(&fw->fw_cfg);
	pl031_destroy(&fw->rtc);
}
