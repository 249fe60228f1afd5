// SPDX-License-Identifier: GPL-2.0
/*
 * The VM's life: vm_init() builds it in one explicit order (KVM, the host
 * check, irqchip, vCPUs, memory, boot files, images, devices, device tree,
 * boot registers), vm_run() runs it, vm_destroy() takes it apart.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <time.h>
#include <unistd.h>

#include "arm64/devices.h"
#include "arm64/image.h"
#include "arm64/kvm_arm64.h"
#include "arm64/snapshot.h"
#include "arm64/vm.h"
#include "core/cmdline.h"
#include "core/control.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/signals.h"
#include "machine/memmap.h"

#define DEFAULT_KVM_DEV "/dev/kvm"

uint64_t vm_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

void startup_mark(struct vm *vm, const char *name)
{
	struct startup_timer *t = &vm->startup;
	uint64_t now = vm_clock_ns();

	if (t->nr_steps < STARTUP_MAX_STEPS) {
		t->names[t->nr_steps] = name;
		t->ns[t->nr_steps++] = now - t->last_ns;
	}
	t->last_ns = now;
}

static void startup_report(struct vm *vm)
{
	const struct startup_timer *t = &vm->startup;
	char line[512];
	int n = 0;

	for (unsigned int i = 0; i < t->nr_steps && n < (int)sizeof(line); i++)
		n += snprintf(line + n, sizeof(line) - n, "%s%s %.1f ms",
			      i ? ", " : "", t->names[i], t->ns[i] / 1e6);
	pr_debug("start-up: %s; total %.1f ms", line,
		 (t->last_ns - t->start_ns) / 1e6);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* kvm-unit-tests matches the kernel message verbatim. */
static int open_boot_files(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	uint8_t head[ARM64_IMAGE_HEADER_SIZE];
	enum kernel_format fmt;
	const char *why;
	ssize_t n = -1;

	if (!cfg->kernel_path)
		return 0;	/* --firmware alone: it boots what it finds */
	vm->boot.kernel_fd = open(cfg->kernel_path, O_RDONLY | O_CLOEXEC);
	if (vm->boot.kernel_fd >= 0)
		n = pread(vm->boot.kernel_fd, head, sizeof(head), 0);
	if (n < 0) {
		fprintf(stderr, "Fatal: Unable to open kernel %s\n",
			cfg->kernel_path);
		return -ENOENT;
	}
	if (kernel_identify(head, n, &fmt, &why)) {
		pr_err("kernel %s is not an arm64 Image nor a flat binary: %s",
		       cfg->kernel_path, why);
		return -ENOEXEC;
	}
	if (cfg->aarch32 && fmt != KERNEL_FORMAT_FLAT) {
		pr_err("--aarch32: kernel %s is an arm64 Image; a 32-bit guest boots a zImage or a flat binary",
		       cfg->kernel_path);
		return -ENOEXEC;
	}
	if (!cfg->initrd_path)
		return 0;
	vm->boot.initrd_fd = open(cfg->initrd_path, O_RDONLY | O_CLOEXEC);
	if (vm->boot.initrd_fd < 0) {
		pr_err("initrd %s: cannot open: %s", cfg->initrd_path,
		       strerror(errno));
		return -ENOENT;
	}
	return 0;
}

static int kvm_open(struct vm *vm)
{
	const char *dev = vm->cfg->kvm_dev_path ?: DEFAULT_KVM_DEV;
	int version;

	vm->kvm_fd = open(dev, O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		int err = errno;

		pr_err("cannot open %s: %s (errno %d)%s", dev, strerror(err),
		       err, err == ENOENT ?
		       "; is KVM available on this host?" : "");
		return -err;
	}
	version = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (version != KVM_API_VERSION) {
		pr_err("%s: KVM API version %d, lkvm needs %d", dev, version,
		       KVM_API_VERSION);
		return -EINVAL;
	}
	if (ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ONE_REG) <= 0 ||
	    ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_ARM_PSCI_0_2) <= 0) {
		pr_err("%s: this KVM lacks ONE_REG or PSCI 0.2 (KVM_CAP_ONE_REG, KVM_CAP_ARM_PSCI_0_2)",
		       dev);
		return -EINVAL;
	}
	return 0;
}

static int create_vm(struct vm *vm)
{
	unsigned long type;
	int ret;

	ret = arm64_vm_type(vm->kvm_fd, RAM_BASE + vm->ram_size, &type);
	if (ret)
		return ret;
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, type);
	if (vm->vm_fd < 0) {
		pr_err("KVM_CREATE_VM failed: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* Defaults as kvmtool's: one vCPU per host CPU, 64 MiB per vCPU + 192 MiB. */
static int size_vm(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	unsigned int kvm_max = arm64_kvm_max_cpus(vm);
	unsigned int max = kvm_max < GICV3_MAX_CPUS ? kvm_max : GICV3_MAX_CPUS;
	struct sysinfo si;

	if (cfg->nr_cpus > kvm_max) {
		pr_err("--cpus %u: above this host's limit of %u vCPUs",
		       cfg->nr_cpus, kvm_max);
		return -EINVAL;
	}
	if (cfg->nr_cpus > max) {
		pr_err("--cpus %u: lkvm's memory map has GICv3 redistributors for at most %u vCPUs",
		       cfg->nr_cpus, max);
		return -EINVAL;
	}
	vm->nr_cpus = cfg->nr_cpus;
	if (!vm->nr_cpus) {
		long online = sysconf(_SC_NPROCESSORS_ONLN);

		vm->nr_cpus = online < 1 ? 1 : (unsigned int)online;
		if (vm->nr_cpus > max)
			vm->nr_cpus = max;
	}
	vm->ram_size = cfg->ram_size;
	if (!vm->ram_size) {
		vm->ram_size = (vm->nr_cpus + 3) * 64 * MiB;
		if (cfg->aarch32 && vm->ram_size > AARCH32_MAX_RAM)
			vm->ram_size = AARCH32_MAX_RAM;
		if (!sysinfo(&si)) {
			uint64_t cap = (uint64_t)si.totalram * si.mem_unit / 10 * 8;

			cap -= cap % MiB;
			if (vm->ram_size > cap && cap >= MIN_RAM_SIZE)
				vm->ram_size = cap;
		}
	}
	return 0;
}

static int create_vcpus(struct vm *vm)
{
	int run_size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);

	if (run_size <= 0) {
		pr_err("KVM_GET_VCPU_MMAP_SIZE failed: %s", strerror(errno));
		return -EINVAL;
	}
	vm->vcpus = calloc(vm->nr_cpus, sizeof(*vm->vcpus));
	vm->mpidrs = calloc(vm->nr_cpus, sizeof(*vm->mpidrs));
	if (!vm->vcpus || !vm->mpidrs)
		return -ENOMEM;
	for (unsigned int i = 0; i < vm->nr_cpus; i++) {
		struct vcpu *vcpu = &vm->vcpus[i];
		int ret;

		vcpu->vm = vm;
		vcpu->id = i;
		vcpu->fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, i);
		if (vcpu->fd < 0) {
			pr_err("vCPU %u: KVM_CREATE_VCPU failed: %s", i,
			       strerror(errno));
			return -errno;
		}
		vcpu->run_size = run_size;
		vcpu->run = mmap(NULL, run_size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, vcpu->fd, 0);
		if (vcpu->run == MAP_FAILED) {
			vcpu->run = NULL;
			pr_err("vCPU %u: cannot map kvm_run: %s", i,
			       strerror(errno));
			return -errno;
		}
		ret = arm64_vcpu_init(vm, vcpu);
		if (ret)
			return ret;
		vm->mpidrs[i] = vcpu->mpidr;
	}
	return 0;
}

/*
 * The guest ended itself. If this is the first end requested, one line
 * says so: @what, then @joint and the last console line that reported a
 * panic, if one did.
 */
static void stop_by_guest(struct vm *vm, int status, const char *what, const char *joint)
{
	char line[PANIC_LINE_MAX + 1];

	console_last_panic(vm, line, sizeof(line));
	if (vm_request_stop(vm, status))
		pr_err("%s%s%s", what, *line ? joint : "", line);
}

void vm_guest_reset(struct vm *vm)
{
	stop_by_guest(vm, EXIT_GUEST_RESET, "guest reset", " after: ");
}

void vm_guest_panicked(struct vm *vm)
{
	stop_by_guest(vm, EXIT_GUEST_PANICKED, "guest panicked", ": ");
}

static int setup_devices(struct vm *vm)
{
	return board_create(vm) ?: devices_create(vm);
}

static int build_cmdline(struct vm *vm)
{
	const char *console = vm->cfg->console == CONSOLE_VIRTIO ? "hvc0" :
			      vm->firmware ? "ttyAMA0" : "ttyS0";

	return cmdline_build(vm->cfg, console, &vm->boot.cmdline);
}

static int load_images(struct vm *vm)
{
	if (vm->firmware)
		return firmware_load(vm);
	return arm64_load_images(vm, vm->boot.kernel_fd, vm->boot.initrd_fd);
}

static int init_pmus(struct vm *vm)
{
	int ret = 0;

	for (unsigned int i = 0; vm->cfg->pmu && i < vm->nr_cpus && !ret; i++)
		ret = arm64_pmu_init(vm, &vm->vcpus[i]);
	return ret;
}

/* The firmware starts at its reset vector and finds the DT by itself. */
static int set_boot_regs(struct vm *vm)
{
	if (vm->firmware)
		return arm64_set_boot_regs(&vm->vcpus[0], FLASH_CODE_BASE, 0);
	return arm64_set_boot_regs(&vm->vcpus[0], vm->boot.layout.kernel_start,
				   vm->boot.layout.dtb_start);
}

/*
 * The build order. Everything the configuration asks of KVM comes before
 * the boot files, as in kvmtool: kvm-unit-tests runs lkvm with a kernel
 * that does not exist to learn whether this host can run a test, and only
 * the kernel-open message means yes. The vGIC exists before the vCPUs and
 * is initialised after them; the device tree is written last, when every
 * device and MPIDR is known.
 */
struct init_step {
	const char *name;
	int (*fn)(struct vm *vm);
};

static int map_ram(struct vm *vm)
{
	return memory_map_ram(vm, -1);
}

/* The machine itself, the same for a boot and a restore. */
static const struct init_step machine_steps[] = {
	{ "kvm", kvm_open },
	{ "sizing", size_vm },
	{ "vm", create_vm },
	{ "host check", arm64_host_check },
	{ "ras caps", ras_setup_kvm },
	{ "gic", arm64_gic_create },
	{ "vcpus", create_vcpus },
	{ "gic init", arm64_gic_finalize },
	{ "pmu", init_pmus },
	{ "sdei", arm64_sdei_init },
	{ "psci", arm64_psci_init },
	{ "hypercalls", arm64_hypercalls_init },
	{ NULL },
};

static const struct init_step boot_steps[] = {
	{ "ram", map_ram },
	{ "boot files", open_boot_files },
	{ "cmdline", build_cmdline },
	{ "images", load_images },
	{ "ras", ras_setup },
	{ "console", console_create },
	{ "devices", setup_devices },
	{ "dt and acpi", arm64_describe_machine },
	{ "boot regs", set_boot_regs },
	{ NULL },
};

/*
 * A restore of firmware mode: its machine made again as the boot made it
 * (flash banks, RTC, fw_cfg with the boot files; then the ACPI tables),
 * for the snapshot's state to be loaded into.
 */
static int restore_firmware(struct vm *vm)
{
	if (!vm->firmware)
		return 0;
	return open_boot_files(vm) ?: build_cmdline(vm) ?: firmware_load(vm);
}

static int restore_firmware_tables(struct vm *vm)
{
	return vm->firmware ? arm64_describe_machine(vm) : 0;
}

/*
 * --restore: RAM comes from the snapshot (once the vCPUs and vGIC showed
 * this host can take it), and every part's state once every part exists.
 * A direct boot's files are not read again.
 */
static const struct init_step restore_steps[] = {
	{ "snapshot ram", restore_ram },
	{ "firmware", restore_firmware },
	{ "console", console_create },
	{ "devices", setup_devices },
	{ "firmware tables", restore_firmware_tables },
	{ "snapshot state", restore_state },
	{ NULL },
};

static int run_steps(struct vm *vm, const struct init_step *step)
{
	int ret = 0;

	for (; step->name && !ret; step++) {
		ret = step->fn(vm);
		startup_mark(vm, step->name);
	}
	return ret;
}

int vm_init(struct vm *vm, const struct vm_config *cfg, struct snap_image *restore)
{
	int ret;

	memset(vm, 0, sizeof(*vm));
	vm->cfg = cfg;
	vm->firmware = cfg->firmware_path;
	vm->kvm_fd = vm->vm_fd = -1;
	arm64_irq_init(&vm->irq);
	vm->boot.kernel_fd = vm->boot.initrd_fd = -1;
	vm->io.stop_fd = vm->io.signal_fd = vm->console.space_fd = vm->ctl.fd = -1;
	vm->io.loop.epoll_fd = -1;
	run_state_init(&vm->run);
	vm->startup.start_ns = vm->startup.last_ns = vm_clock_ns();
	if (cfg->name)
		snprintf(vm->name, sizeof(vm->name), "%s", cfg->name);
	else
		snprintf(vm->name, sizeof(vm->name), "guest-%d", getpid());

	vm->restore = restore;
	ret = run_steps(vm, machine_steps) ?: run_steps(vm, restore ? restore_steps : boot_steps);
	close_fd(&vm->boot.kernel_fd);
	close_fd(&vm->boot.initrd_fd);
	vm->restore = NULL;
	if (!ret && restore)
		pr_info("run --restore %s -m %llu -c %u --name %s", restore->path,
			(unsigned long long)(vm->ram_size / MiB), vm->nr_cpus, vm->name);
	else if (!ret)
		pr_info("run %s %s -m %llu -c %u --name %s",
			cfg->kernel_path ? "-k" : "--firmware",
			cfg->kernel_path ?: cfg->firmware_path,
			(unsigned long long)(vm->ram_size / MiB), vm->nr_cpus,
			vm->name);
	if (!ret)
		devices_report(vm);
	return ret;
}

bool vm_request_stop(struct vm *vm, int status)
{
	uint64_t one = 1;
	bool first;

	pthread_mutex_lock(&vm->run.lock);
	first = !vm->run.stopping;
	if (first) {
		vm->run.stopping = true;
		vm->run.exit_status = status;
		pthread_cond_broadcast(&vm->run.cond);
		if (write(vm->io.stop_fd, &one, sizeof(one)) < 0)
			pr_debug("cannot wake the I/O thread: %s",
				 strerror(errno));
	}
	pthread_mutex_unlock(&vm->run.lock);
	return first;
}

/*
 * The main thread starts the I/O thread and the vCPUs, waits for the I/O
 * loop to end (a stop was requested), then stops the vCPUs and cleans up.
 */
int vm_run(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	sigset_t stop_signals;
	int ret;

	/* Before any thread exists, so that all of them inherit the mask. */
	signals_install();
	signals_stop_set(&stop_signals);

	ret = io_create(vm, &stop_signals);
	if (ret) {
		if (ret != -EADDRINUSE && ret != -ENAMETOOLONG)
			pr_err("cannot set up the I/O thread: %s", strerror(-ret));
		return 1;
	}
	startup_mark(vm, "I/O set-up");
	if (sandbox_prepare(&vm->sandbox, &sandbox_policy, !cfg->no_sandbox,
			    cfg->sandbox_selftest))
		return 1;
	startup_mark(vm, "sandbox");
	startup_report(vm);
	ret = io_start(vm);
	ret = ret ?: fs_thread_start(vm);
	ret = ret ?: vcpus_start(vm);
	/* The main thread's own list once every other thread is out. */
	ret = ret ?: sandbox_enter(&vm->sandbox, SANDBOX_MAIN, 0);
	if (ret)
		vm_request_stop(vm, 1);
	io_join(vm);
	fs_thread_stop(vm);
	vcpus_stop(vm);
	control_stop(&vm->ctl);
	console_finish(vm);
	if (vm->sdei.on)
		pr_debug("sdei: %llu calls, %llu vCPU register ioctls",
			 (unsigned long long)vm->sdei.calls,
			 (unsigned long long)vm->sdei.reg_ioctls);
	return vm->run.exit_status;
}

void vm_destroy(struct vm *vm)
{
	for (unsigned int i = 0; vm->vcpus && i < vm->nr_cpus; i++) {
		if (vm->vcpus[i].run)
			munmap(vm->vcpus[i].run, vm->vcpus[i].run_size);
		if (vm->vcpus[i].fd > 0)
			close_fd(&vm->vcpus[i].fd);
	}
	free(vm->vcpus);
	free(vm->mpidrs);
	free(vm->boot.cmdline);
	arm64_sdei_destroy(vm);
	ras_destroy(vm);
	io_destroy(vm);
	devices_destroy(vm);
	memory_destroy(vm);
	arm64_irq_destroy(&vm->irq);
	close_fd(&vm->vm_fd);
	close_fd(&vm->kvm_fd);
	control_stop(&vm->ctl);
	console_destroy(vm);
	board_destroy(vm);
	firmware_destroy(vm);
	sandbox_destroy(&vm->sandbox);
	run_state_destroy(&vm->run);
}
