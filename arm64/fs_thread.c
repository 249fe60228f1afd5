// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio-fs devices' thread: their queues' kicks on an epoll loop of
 * its own, so that a slow host file system (a sync, a large directory)
 * holds up only the guest's file requests, never its console, network or
 * disks. It runs under its own seccomp list (SANDBOX_FS): the file calls
 * the FUSE server makes, on descriptors it holds.
 */
#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "arm64/devices.h"
#include "arm64/vm.h"
#include "core/fileio.h"
#include "core/log.h"

static void on_stop(struct ioloop *loop, void *opaque)
{
	eventfd_drain(*(int *)opaque);
	loop->done = true;
}

static void *fs_thread_main(void *opaque)
{
	struct vm *vm = opaque;

	pthread_setname_np(pthread_self(), "lkvm-fs");
	if (sandbox_enter(&vm->sandbox, SANDBOX_FS, 0) ||
	    ioloop_run(&vm->devices->fs_thread.loop))
		vm_request_stop(vm, 1);
	return NULL;
}

int fs_thread_start(struct vm *vm)
{
	struct vm_devices *devs = vm->devices;
	struct fs_thread *t = devs ? &devs->fs_thread : NULL;
	int ret;

	if (!t || !devs->nr_fs)
		return 0;
	t->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->stop_fd < 0)
		return -errno;
	t->set_up = true;
	ret = ioloop_init(&t->loop);
	ret = ret ?: ioloop_watch(&t->loop, t->stop_fd, on_stop, &t->stop_fd);
	for (unsigned int i = 0; i < devs->nr_slots && !ret; i++) {
		struct virtio_slot *slot = &devs->slots[i];

		for (unsigned int q = 0; slot->own_thread && q < slot->dev->ops->nr_queues &&
		     !ret; q++)
			ret = ioloop_watch(&t->loop, slot->dev->queues[q].notify_fd,
					   devices_on_queue_notify, &slot->watches[q]);
	}
	ret = ret ?: -pthread_create(&t->thread, NULL, fs_thread_main, vm);
	if (ret)
		pr_err("cannot start the virtio-fs thread: %s", strerror(-ret));
	t->started = !ret;
	return ret;
}

void fs_thread_stop(struct vm *vm)
{
	struct fs_thread *t = vm->devices ? &vm->devices->fs_thread : NULL;

	if (!t || !t->set_up)
		return;
	if (t->started) {
		eventfd_write(t->stop_fd, 1);
		pthread_join(t->thread, NULL);
		t->started = false;
	}
	ioloop_destroy(&t->loop);
	close(t->stop_fd);
	t->set_up = false;
}
