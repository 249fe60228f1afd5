// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's console on lkvm's stdin and stdout: output through a buffer
 * that never blocks a vCPU, input read only as fast as the guest's
 * console takes it (paused, and left in the terminal, while it is full),
 * the Ctrl-a escape on a terminal, and the last line that reported a
 * panic, for lkvm's exit line. The I/O thread does the reading and the
 * writing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "arm64/devices.h"
#include "arm64/vm.h"
#include "core/fileio.h"
#include "core/log.h"

int console_create(struct vm *vm)
{
	struct vm_console *c = &vm->console;

	pthread_mutex_init(&c->panic_line_lock, NULL);
	panic_line_init(&c->panic_line);
	c->space_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->space_fd < 0)
		return -errno;
	return outbuf_init(&c->out, STDOUT_FILENO);
}

void console_destroy(struct vm *vm)
{
	struct vm_console *c = &vm->console;

	term_restore(&c->term);
	outbuf_destroy(&c->out);
	if (c->space_fd >= 0)
		close(c->space_fd);
	c->space_fd = -1;
	pthread_mutex_destroy(&c->panic_line_lock);
}

/*
 * Console output, from a UART on a vCPU thread or virtio-console on the
 * I/O thread: through the output buffer, which never blocks, so that a
 * stdout nobody reads never stops the guest.
 */
void vm_console_transmit(void *opaque, const uint8_t *buf, size_t len)
{
	struct vm *vm = opaque;

	outbuf_write(&vm->console.out, buf, len);
	pthread_mutex_lock(&vm->console.panic_line_lock);
	panic_line_feed(&vm->console.panic_line, buf, len);
	pthread_mutex_unlock(&vm->console.panic_line_lock);
}

void console_last_panic(struct vm *vm, char *buf, size_t len)
{
	const char *last;

	pthread_mutex_lock(&vm->console.panic_line_lock);
	last = panic_line_last(&vm->console.panic_line);
	snprintf(buf, len, "%s", last ?: "");
	pthread_mutex_unlock(&vm->console.panic_line_lock);
}

/* The guest's console took input: input paused for want of room resumes. */
void console_input_space(struct vm *vm)
{
	uint64_t one = 1;

	if (write(vm->console.space_fd, &one, sizeof(one)) < 0)
		pr_debug("console: cannot wake the I/O thread: %s", strerror(errno));
}

/*
 * Room for console input in the one consumer that will receive it. Any
 * UART or port may wake paused input; only this says how much to read.
 */
static size_t console_space(struct vm *vm)
{
	if (vm->cfg->console == CONSOLE_VIRTIO)
		return devices_console_space(vm);
	if (vm->firmware)
		return pl011_rx_space(&vm->board.pl011);
	return uart16550_rx_space(&vm->board.uart);
}

static void console_receive(struct vm *vm, const uint8_t *buf, size_t len)
{
	if (vm->cfg->console == CONSOLE_VIRTIO)
		devices_console_input(vm, buf, len);
	else if (vm->firmware)
		pl011_receive(&vm->board.pl011, buf, len);
	else
		uart16550_receive(&vm->board.uart, buf, len);
}

static void pause_input(struct vm *vm)
{
	/* Leave it in the terminal until the guest reads; lose nothing. */
	vm->console.input_paused = true;
	ioloop_pause(&vm->io.loop, vm->console.term.in_fd, true);
}

static void on_console_input(struct ioloop *loop, void *opaque)
{
	struct vm *vm = opaque;
	uint8_t in[256], out[256];
	size_t space = console_space(vm), want, n;
	bool quit;
	ssize_t got;

	want = term_read_size(&vm->console.term, space < sizeof(out) ? space : sizeof(out));
	if (want == 0) {
		pause_input(vm);
		return;
	}
	got = read(vm->console.term.in_fd, in, want);
	if (got <= 0) {
		if (got == 0 || errno != EAGAIN)
			ioloop_pause(loop, vm->console.term.in_fd, true);
		return;
	}
	/* Only a terminal's keys are commands; a pipe's bytes are all data. */
	if (vm->console.term.raw) {
		n = term_filter_input(&vm->console.term, in, got, out, &quit);
	} else {
		memcpy(out, in, got);
		n = got;
		quit = false;
	}
	/* It fits: at most @space bytes came out of the filter. */
	console_receive(vm, out, n);
	if (quit) {
		pr_info("escape sequence received; stopping the guest");
		vm_request_stop(vm, 0);
	}
}

/* Output arrived, or stdout can take more of it. */
static void on_console_output(struct ioloop *loop, void *opaque)
{
	struct vm *vm = opaque;
	struct outbuf *out = &vm->console.out;
	uint32_t want;

	eventfd_drain(out->wake_fd);
	want = outbuf_flush(out) == -EAGAIN ? EPOLLOUT : 0;
	if (want == vm->console.out_waiting)
		return;
	/* Watch stdout only while output waits for it. */
	if (!vm->console.out_watched &&
	    !ioloop_watch_events(loop, out->fd, want, on_console_output, vm))
		vm->console.out_watched = true;
	else
		ioloop_set_events(loop, out->fd, want);
	vm->console.out_waiting = want;
}

static void on_console_space(struct ioloop *loop, void *opaque)
{
	struct vm *vm = opaque;

	eventfd_drain(vm->console.space_fd);
	if (vm->console.input_paused) {
		vm->console.input_paused = false;
		ioloop_pause(loop, vm->console.term.in_fd, false);
	}
}

int console_start_io(struct vm *vm)
{
	struct vm_console *c = &vm->console;
	int ret;

	ret = ioloop_watch(&vm->io.loop, c->space_fd, on_console_space, vm);
	ret = ret ?: ioloop_watch(&vm->io.loop, c->out.wake_fd, on_console_output, vm);
	if (ret)
		return ret;
	/* A terminal, a pipe or a socket types into the console; a file or
	 * /dev/null cannot be watched (EPERM) and a closed stdin (EBADF)
	 * has nothing to say. */
	term_init(&c->term, STDIN_FILENO);
	ret = ioloop_watch(&vm->io.loop, STDIN_FILENO, on_console_input, vm);
	return ret == -EPERM || ret == -EBADF ? 0 : ret;
}

void console_finish(struct vm *vm)
{
	uint64_t dropped;

	/* What the guest said last is worth a moment, not a hang. */
	outbuf_drain(&vm->console.out, 1000);
	dropped = outbuf_take_dropped(&vm->console.out);
	if (dropped)
		pr_warn("console: %llu bytes of guest output dropped: stdout did not keep up",
			(unsigned long long)dropped);
	term_restore(&vm->console.term);
}
