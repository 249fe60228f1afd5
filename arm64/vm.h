/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_VM_H
#define LKVM_ARM64_VM_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "arm64/fdt.h"
#include "arm64/firmware.h"
#include "arm64/layout.h"
#include "arm64/ras.h"
#include "core/control.h"
#include "core/ioloop.h"
#include "core/memslot.h"
#include "core/mmio.h"
#include "core/options.h"
#include "core/outbuf.h"
#include "core/panic_line.h"
#include "core/sandbox.h"
#include "core/term.h"
#include "hw/pl011.h"
#include "hw/pvpanic.h"
#include "hw/uart16550.h"
#include "sdei/sdei.h"

#include <linux/kvm.h>

struct vcpu {
	struct vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run;
	size_t run_size;
	pthread_t thread;
	bool started;
	uint64_t mpidr;
	struct kvm_vcpu_init init;	/* as created, for resets */
	uint32_t requests;		/* VCPU_REQ_* bits, vcpu_request() */
	/* PSCI in lkvm (--sdei), under vm->sdei.psci_lock */
	bool powered;
	bool on_pending;		/* a CPU_ON waits for this vCPU's thread */
	uint64_t on_entry;
	uint64_t on_context;
	/* --ras: the syndrome of the SError VCPU_REQ_SERROR pends */
	uint32_t ras_serror_iss;
	uint64_t midr;
};

/* Guest RAM: one anonymous mapping, one memslot. */
struct guest_ram {
	uint64_t gpa;
	uint64_t size;
	uint8_t *host;		/* host address of gpa */
	void *mapping;		/* the mmap, larger for alignment */
	size_t mapping_size;
};

/* Does guest RAM hold all of [@gpa, @gpa + @len)? */
static inline bool guest_ram_contains(const struct guest_ram *ram, uint64_t gpa,
				      uint64_t len)
{
	return gpa >= ram->gpa && len <= ram->size && gpa - ram->gpa <= ram->size - len;
}

/* Host address of guest physical @gpa; check it with guest_ram_contains(). */
static inline uint8_t *guest_ram_host(const struct guest_ram *ram, uint64_t gpa)
{
	return ram->host + (gpa - ram->gpa);
}

/* Guest memory and KVM's memslots (arm64/memory.c). */
struct vm_memory {
	struct guest_ram ram;
	struct memslot_table slots;	/* lkvm's copy, host address to guest */
	bool mte;			/* KVM_CAP_ARM_MTE enabled: tags in guest RAM */
	void *pvtime;			/* the stolen-time region; NULL: none */
};

/* An MSI as KVM routes it (arm64/irq.c). */
struct msi_route {
	uint64_t addr;
	uint32_t data;
	uint32_t devid;
	bool set;
};

#define MSI_ROUTES_MAX 64

/* The in-kernel vGIC and KVM's interrupt routing (arm64/gic.c, irq.c). */
struct vm_irq {
	int gic_fd;
	int its_fd;			/* -1: no ITS, so no MSIs */
	enum gic_version gic;
	pthread_mutex_t lock;		/* the MSI routes */
	struct msi_route msi_routes[MSI_ROUTES_MAX];
	unsigned int nr_msi_routes;
};

struct vm_devices;
struct snap_image;

/* Start-up steps timed for `--loglevel debug` and the benchmark. */
#define STARTUP_MAX_STEPS 24

struct startup_timer {
	uint64_t start_ns;
	uint64_t last_ns;
	unsigned int nr_steps;
	const char *names[STARTUP_MAX_STEPS];
	uint64_t ns[STARTUP_MAX_STEPS];
};

/* What the guest boots (arm64/boot.c, firmware.c). */
struct vm_boot {
	int kernel_fd;			/* open while the VM is built */
	int initrd_fd;
	struct boot_layout layout;	/* where everything went in RAM */
	char *cmdline;
};

/* The board's own devices (arm64/board.c). */
struct vm_board {
	struct uart16550 uart;
	struct pl011 pl011;		/* instead, in firmware mode */
	struct pvpanic pvpanic;
	struct log_ratelimit pvpanic_warn;	/* the guest reports crash kernels */
};

/* --sdei: the dispatcher and PSCI in lkvm (arm64/sdei_kvm.c, psci.c). */
struct vm_sdei {
	bool on;
	struct sdei dispatcher;
	uint64_t calls;			/* SDEI calls handled */
	uint64_t reg_ioctls;		/* vCPU register ioctls they cost */
	pthread_mutex_t psci_lock;	/* the vCPUs' PSCI power state */
};

/* What the vCPU threads are told: stop, or pause (arm64/vcpu_loop.c). */
struct vm_run_state {
	pthread_mutex_t lock;
	pthread_cond_t cond;		/* any of the fields below changed */
	bool stopping;
	int exit_status;
	bool paused;
	unsigned int vcpus_alive;	/* vCPU threads still in their loop */
	unsigned int vcpus_parked;	/* of those, waiting out a pause */
};

/* The I/O thread and its loop (arm64/io.c). */
struct vm_io {
	pthread_t thread;
	bool started;
	struct ioloop loop;
	int stop_fd;			/* eventfd: a stop was requested */
	int signal_fd;			/* signalfd: SIGINT, SIGTERM, SIGHUP */
};

/* The guest's console on lkvm's stdin and stdout (arm64/console.c). */
struct vm_console {
	struct term term;
	struct outbuf out;		/* the guest's output, on its way to stdout */
	int space_fd;			/* eventfd: the console can take input again */
	bool input_paused;
	bool out_watched;		/* stdout registered with the loop */
	uint32_t out_waiting;		/* EPOLLOUT while output waits for it */
	pthread_mutex_t panic_line_lock;
	struct panic_line panic_line;	/* of the output, for the exit line */
};

/*
 * The one context object. Each part below is owned by one file, which
 * creates and destroys it (the arm64/README.md says which).
 */
struct vm {
	const struct vm_config *cfg;
	char name[72];
	unsigned int nr_cpus;
	uint64_t ram_size;
	bool firmware;		/* --firmware: UEFI boots, with the PL011 as console */

	int kvm_fd;
	int vm_fd;
	struct vcpu *vcpus;
	uint64_t *mpidrs;	/* MPIDR_EL1 of each vCPU */

	struct vm_memory mem;
	struct vm_irq irq;
	struct mmio_bus mmio;
	struct vm_board board;
	struct vm_devices *devices;	/* virtio devices and the PCI bridge */
	struct firmware fw;
	struct vm_boot boot;
	struct vm_sdei sdei;
	struct vm_ras ras;

	struct vm_io io;
	struct vm_console console;
	struct control_server ctl;	/* the control socket */
	struct vm_run_state run;

	struct startup_timer startup;
	struct sandbox sandbox;
	struct snap_image *restore;	/* --restore: while the VM is built */
};

/*
 * Build the whole VM, ready to run: booting, or continuing the snapshot
 * @restore (arm64/restore.c). Returns 0 or a negative errno (printed).
 */
int vm_init(struct vm *vm, const struct vm_config *cfg, struct snap_image *restore);
/* Run until the guest stops or fails. Returns the process exit status. */
int vm_run(struct vm *vm);
void vm_destroy(struct vm *vm);

/*
 * lkvm's exit status besides 0 (the guest powered off, or was stopped) and
 * 1 (bad input or a VMM failure), documented in the README.
 */
#define EXIT_GUEST_RESET	2	/* a reboot, or a panic with panic=-1 */
#define EXIT_GUEST_PANICKED	3	/* through pvpanic, or KVM's crash event */

/* Any thread: end the VM with @status. The first request wins: true then. */
bool vm_request_stop(struct vm *vm, int status);
/*
 * Any thread: the guest reset (status 2) or reported a panic (status 3).
 * The first end of the VM prints its line, with the panic's console line.
 */
void vm_guest_reset(struct vm *vm);
void vm_guest_panicked(struct vm *vm);
/*
 * The I/O thread: its loop and every part's watches set up on the main
 * thread before any other thread exists (@stop_signals end the VM), the
 * thread started, joined once it ends, everything closed.
 */
int io_create(struct vm *vm, const sigset_t *stop_signals);
int io_start(struct vm *vm);
void io_join(struct vm *vm);
void io_destroy(struct vm *vm);

/* The board's devices, before the virtio devices; gone with the VM. */
int board_create(struct vm *vm);
void board_destroy(struct vm *vm);

/*
 * The console: created as a start-up step, served by the I/O thread from
 * console_start_io() on, drained by console_finish() when the VM ends.
 */
int console_create(struct vm *vm);
int console_start_io(struct vm *vm);
void console_finish(struct vm *vm);
void console_destroy(struct vm *vm);
/* The guest's console output, from any thread (struct serial_ops' transmit). */
void vm_console_transmit(void *opaque, const uint8_t *buf, size_t len);
/* Any thread: the guest's console took input; paused input may resume. */
void console_input_space(struct vm *vm);
/* The last console line that reported a panic, or "", into @buf. */
void console_last_panic(struct vm *vm, char *buf, size_t len);

/* Record that the start-up step @name ended now. */
void startup_mark(struct vm *vm, const char *name);
/* The monotonic clock, in ns, for timing steps. */
uint64_t vm_clock_ns(void);

/* The control socket and what the VM answers on it (arm64/control.c). */
int vm_control_start(struct vm *vm);

/* arm64/vcpu_loop.c */
void run_state_init(struct vm_run_state *run);
void run_state_destroy(struct vm_run_state *run);
int vcpus_start(struct vm *vm);
void vcpus_stop(struct vm *vm);
/*
 * Stop every vCPU between two KVM_RUNs and return once all are parked, or
 * -ETIMEDOUT (and running again) if they are not within a few seconds.
 */
int vcpus_pause(struct vm *vm);
void vcpus_resume(struct vm *vm);
bool vcpus_paused(struct vm *vm);
/* Make @vcpu's thread leave KVM_RUN and look at its requests (any thread). */
void vcpu_kick(struct vcpu *vcpu);

/*
 * Work only a vCPU's own thread can do (its registers, its KVM_RUN), asked
 * for by any thread. The bits are taken all at once between two KVM_RUNs,
 * as Linux's kvm_make_request() and kvm_check_request() do.
 */
enum vcpu_request {
	VCPU_REQ_POWER_ON,	/* PSCI CPU_ON chose it (arm64/psci.c) */
	VCPU_REQ_SDEI,		/* the dispatcher may have an event for it */
	VCPU_REQ_SERROR,	/* RAS: pend a virtual SError */
	VCPU_REQ_SEA,		/* RAS: raise a synchronous external abort */
};
#define VCPU_REQ(r)	(1u << (r))

/* Any thread: ask @vcpu's thread for @req, kicking it out of KVM_RUN. */
void vcpu_request(struct vcpu *vcpu, enum vcpu_request req);
/*
 * On @vcpu's thread, before lkvm changes its registers: let KVM finish the
 * MMIO access it exited for (which writes a register and moves the PC).
 */
void vcpu_complete_exit(struct vcpu *vcpu);

#endif
