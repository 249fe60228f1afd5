// SPDX-License-Identifier: GPL-2.0
/*
 * The I/O thread (struct vm_io): one epoll loop for everything that is
 * not a vCPU's own exit: stop requests and the stop signals, console
 * input and output, the virtio devices' queues, the control socket and
 * RAS's host errors and ack polling. The loop ends when a stop is
 * requested.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "arm64/devices.h"
#include "arm64/vm.h"
#include "core/fileio.h"
#include "core/log.h"

static void on_stop(struct ioloop *loop, void *opaque)
{
	eventfd_drain(((struct vm *)opaque)->io.stop_fd);
	loop->done = true;
}

static void on_signal(struct ioloop *loop, void *opaque)
{
	struct vm *vm = opaque;
	struct signalfd_siginfo si;

	(void)loop;
	if (read(vm->io.signal_fd, &si, sizeof(si)) != sizeof(si))
		return;
	pr_info("%s received; stopping the guest", strsignal(si.ssi_signo));
	vm_request_stop(vm, 128 + si.ssi_signo);
}

int io_create(struct vm *vm, const sigset_t *stop_signals)
{
	int ret;

	vm->io.stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	vm->io.signal_fd = signalfd(-1, stop_signals, SFD_CLOEXEC);
	if (vm->io.stop_fd < 0 || vm->io.signal_fd < 0)
		return -errno;
	ret = ioloop_init(&vm->io.loop);
	ret = ret ?: ioloop_watch(&vm->io.loop, vm->io.stop_fd, on_stop, vm);
	ret = ret ?: ioloop_watch(&vm->io.loop, vm->io.signal_fd, on_signal, vm);
	ret = ret ?: ras_start_io(vm);
	ret = ret ?: devices_start_io(vm);
	ret = ret ?: vm_control_start(vm);
	return ret ?: console_start_io(vm);
}

static void *io_thread(void *opaque)
{
	struct vm *vm = opaque;

	pthread_setname_np(pthread_self(), "lkvm-io");
	if (sandbox_enter(&vm->sandbox, SANDBOX_IO, 0) || ioloop_run(&vm->io.loop))
		vm_request_stop(vm, 1);
	return NULL;
}

int io_start(struct vm *vm)
{
	int ret = pthread_create(&vm->io.thread, NULL, io_thread, vm);

	if (ret)
		pr_err("cannot start the I/O thread: %s", strerror(ret));
	vm->io.started = !ret;
	return -ret;
}

void io_join(struct vm *vm)
{
	if (vm->io.started)
		pthread_join(vm->io.thread, NULL);
	vm->io.started = false;
}

void io_destroy(struct vm *vm)
{
	ioloop_destroy(&vm->io.loop);
	if (vm->io.stop_fd >= 0)
		close(vm->io.stop_fd);
	if (vm->io.signal_fd >= 0)
		close(vm->io.signal_fd);
	vm->io.stop_fd = vm->io.signal_fd = -1;
}
