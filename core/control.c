// SPDX-License-Identifier: GPL-2.0
/*
 * The per-VM control socket, $HOME/.lkvm/NAME.sock (mode 0600): served by
 * the I/O thread, one request per connection. The directory must be the
 * user's own and writable by nobody else, and a peer must be the user or
 * root. Even so a peer is untrusted: a bad header, an oversized or short
 * message closes its connection and nothing else; a peer that stalls holds
 * one of a few connection slots for at most CONN_DEADLINE_S, never the I/O
 * thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/control.h"
#include "core/control_proto.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/vm.h"

#define MAX_CONNECTIONS 16
#define CONN_DEADLINE_S	5

struct ctl_conn {
	struct vm *vm;
	int fd;
	int timer_fd;		/* CONN_DEADLINE_S after the connection */
	struct ctl_request req;
};

int control_dir(char *buf, size_t len)
{
	const char *home = getenv("HOME");
	int n;

	if (!home || !*home)
		return -ENOENT;
	n = snprintf(buf, len, "%s/.lkvm", home);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

const char *control_dir_distrust(const char *dir, char *buf, size_t len)
{
	struct stat st;

	if (lstat(dir, &st))
		return errno == ENOENT ? NULL : strerror(errno);
	if (!S_ISDIR(st.st_mode))
		return "not a directory";
	if (st.st_uid != geteuid()) {
		snprintf(buf, len, "owned by uid %u, not by you", (unsigned int)st.st_uid);
		return buf;
	}
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return "writable by others";
	return NULL;
}

int control_client_dir(char *buf, size_t len)
{
	char why_buf[64];
	const char *why;
	int ret = control_dir(buf, len);

	if (ret == -ENOENT)
		pr_err("HOME is not set: lkvm finds its VMs in $HOME/.lkvm");
	else if (ret)
		pr_err("$HOME/.lkvm: path too long");
	else if ((why = control_dir_distrust(buf, why_buf, sizeof(why_buf)))) {
		pr_err("%s: %s; lkvm does not use its sockets", buf, why);
		ret = -EPERM;
	}
	return ret;
}

int control_socket_path(const char *name, char *buf, size_t len)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int n, ret = control_dir(dir, sizeof(dir));

	if (ret)
		return ret;
	n = snprintf(buf, len, "%s/%s.sock", dir, name);
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static void conn_close(struct ioloop *loop, struct ctl_conn *conn)
{
	ioloop_unwatch(loop, conn->timer_fd);
	close(conn->timer_fd);
	ioloop_unwatch(loop, conn->fd);
	close(conn->fd);
	conn->vm->ctl_connections--;
	free(conn);
}

static int reply(struct ctl_conn *conn, int status, const char *text)
{
	struct ctl_header hdr = {
		.magic = CTL_MAGIC, .type = status, .len = strlen(text),
	};
	/* Never let a peer that does not read stall the I/O thread. */
	struct timeval timeout = { .tv_sec = 1 };
	int flags = fcntl(conn->fd, F_GETFL);

	fcntl(conn->fd, F_SETFL, flags & ~O_NONBLOCK);
	setsockopt(conn->fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
	return write_full(conn->fd, &hdr, sizeof(hdr)) ?:
	       write_full(conn->fd, text, hdr.len);
}

static int sdei_signal(struct vm *vm, const struct ctl_sdei_signal *req,
		       char *text, size_t len)
{
	const struct sdei_event_desc *desc = sdei_find_event(req->event, NULL);
	int ret = sdei_inject(&vm->sdei, req->event, req->vcpu);

	switch (ret) {
	case 0:
		snprintf(text, len, "event %u signalled\n", req->event);
		break;
	case -ENOENT:
		snprintf(text, len, "no event %u in the catalogue (lkvm run --sdei --help lists them)",
			 req->event);
		break;
	case -EINVAL:
		if (desc && desc->shared)
			snprintf(text, len, "event %u is shared: the guest's routing picks the vCPU, --vcpu is not taken",
				 req->event);
		else
			snprintf(text, len, "--vcpu %d: the VM has vCPUs 0 to %u",
				 req->vcpu, vm->nr_cpus - 1);
		break;
	case -ENOTCONN:
		snprintf(text, len, "event %u is not registered by the guest%s",
			 req->event, req->vcpu >= 0 ? " on that vCPU" : "");
		break;
	}
	return ret;
}

static int handle_sdei(struct vm *vm, struct ctl_conn *conn, char *text)
{
	if (!vm->sdei_on) {
		snprintf(text, CTL_MAX_REPLY, "VM '%s' runs without --sdei", vm->name);
		return -ENOTSUP;
	}
	if (conn->req.msg.hdr.type == CTL_SDEI_SIGNAL)
		return sdei_signal(vm, (struct ctl_sdei_signal *)conn->req.msg.payload,
				   text, CTL_MAX_REPLY);
	sdei_format_status(&vm->sdei, text, CTL_MAX_REPLY);
	return 0;
}

static int handle_ras(struct vm *vm, struct ctl_conn *conn, char *text)
{
	if (!vm->ras.on) {
		snprintf(text, CTL_MAX_REPLY, "VM '%s' runs without --ras", vm->name);
		return -ENOTSUP;
	}
	switch (conn->req.msg.hdr.type) {
	case CTL_RAS_INJECT:
		return ras_inject(vm, (struct ctl_ras_inject *)conn->req.msg.payload,
				  text, CTL_MAX_REPLY);
	case CTL_RAS_POISON:
		return ras_hwpoison(vm, (struct ctl_ras_poison *)conn->req.msg.payload,
				    text, CTL_MAX_REPLY);
	default:
		ras_format_status(vm, text, CTL_MAX_REPLY);
		return 0;
	}
}

static int handle_vm(struct vm *vm, uint32_t type, char *text)
{
	switch (type) {
	case CTL_VM_INFO:
		snprintf(text, CTL_MAX_REPLY, "%d %s %u %llu\n", (int)getpid(),
			 vcpus_paused(vm) ? "paused" : "running", vm->nr_cpus,
			 (unsigned long long)(vm->ram_size >> 20));
		return 0;
	case CTL_VM_STOP:
		pr_info("lkvm stop: stopping the guest");
		vm_request_stop(vm, 0);
		return 0;
	case CTL_VM_PAUSE:
		if (vcpus_pause(vm)) {
			snprintf(text, CTL_MAX_REPLY,
				 "pause: the vCPUs of VM '%s' did not stop within seconds; it runs on",
				 vm->name);
			return -ETIMEDOUT;
		}
		pr_info("lkvm pause: the guest is paused");
		snprintf(text, CTL_MAX_REPLY, "VM '%s' is paused\n", vm->name);
		return 0;
	default:
		vcpus_resume(vm);
		pr_info("lkvm resume: the guest runs again");
		snprintf(text, CTL_MAX_REPLY, "VM '%s' is running\n", vm->name);
		return 0;
	}
}

static void handle_request(struct ctl_conn *conn)
{
	struct vm *vm = conn->vm;
	uint32_t type = conn->req.msg.hdr.type;
	char *text = malloc(CTL_MAX_REPLY);
	int status;

	if (!text)
		return;
	text[0] = '\0';
	if (type == CTL_SDEI_SIGNAL || type == CTL_SDEI_STATUS)
		status = handle_sdei(vm, conn, text);
	else if (type >= CTL_VM_INFO)
		status = handle_vm(vm, type, text);
	else
		status = handle_ras(vm, conn, text);
	/* On the wire the status is a positive errno, 0 for success. */
	if (reply(conn, -status, text))
		pr_debug("control: cannot send a reply");
	free(text);
}

static void on_conn(struct ioloop *loop, void *opaque)
{
	struct ctl_conn *conn = opaque;
	uint8_t *at;
	size_t room = ctl_request_room(&conn->req, &at);
	ssize_t n = read(conn->fd, at, room);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(loop, conn);
		return;
	}
	switch (ctl_request_add(&conn->req, n)) {
	case CTL_REQ_MORE:
		return;
	case CTL_REQ_BAD:
		pr_debug("control: malformed request (type %u, %u bytes); closing it",
			 conn->req.msg.hdr.type, conn->req.msg.hdr.len);
		conn_close(loop, conn);
		return;
	case CTL_REQ_DONE:
		handle_request(conn);
		conn_close(loop, conn);
		return;
	}
}

/* A peer that has not sent its whole request in time is dropped. */
static void on_deadline(struct ioloop *loop, void *opaque)
{
	struct ctl_conn *conn = opaque;

	pr_debug("control: a request not complete after %d s; closing it",
		 CONN_DEADLINE_S);
	conn_close(loop, conn);
}

/* The socket is 0600 in a 0700 directory; this holds if those are changed. */
static bool peer_trusted(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	return cred.uid == geteuid() || cred.uid == 0;
}

static void on_listen(struct ioloop *loop, void *opaque)
{
	struct itimerspec deadline = { .it_value = { .tv_sec = CONN_DEADLINE_S } };
	struct vm *vm = opaque;
	struct ctl_conn *conn;
	int fd = accept4(vm->ctl_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (vm->ctl_connections >= MAX_CONNECTIONS || !peer_trusted(fd)) {
		close(fd);
		return;
	}
	conn = calloc(1, sizeof(*conn));
	if (!conn) {
		close(fd);
		return;
	}
	conn->vm = vm;
	conn->fd = fd;
	conn->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (conn->timer_fd < 0 || timerfd_settime(conn->timer_fd, 0, &deadline, NULL) ||
	    ioloop_watch(loop, conn->timer_fd, on_deadline, conn)) {
		if (conn->timer_fd >= 0)
			close(conn->timer_fd);
		free(conn);
		close(fd);
		return;
	}
	if (ioloop_watch(loop, fd, on_conn, conn)) {
		ioloop_unwatch(loop, conn->timer_fd);
		close(conn->timer_fd);
		free(conn);
		close(fd);
		return;
	}
	vm->ctl_connections++;
}

/* Is a VM answering on @path? Tells a live socket from a dead VM's. */
bool control_socket_alive(const char *path)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool alive;

	if (fd < 0)
		return false;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	alive = !connect(fd, (const struct sockaddr *)&addr, sizeof(addr));
	close(fd);
	return alive;
}

/* The VM runs on without its socket; only the commands cannot reach it. */
static int no_socket(struct vm *vm, const char *what, const char *path)
{
	pr_warn("no control socket (%s %s: %s); lkvm commands cannot reach VM '%s'",
		what, path, strerror(errno), vm->name);
	if (vm->ctl_fd >= 0)
		close(vm->ctl_fd);
	vm->ctl_fd = -1;
	return 0;
}

/*
 * Give the listening socket at @private the VM's name. link() never
 * replaces, so of two VMs started with one name only one gets it, and a
 * socket found under a VM's name is always listening unless its VM died.
 */
static int publish(struct vm *vm, const char *private, const char *public)
{
	for (int tries = 0; tries < 2; tries++) {
		if (!link(private, public))
			return 0;
		if (errno != EEXIST)
			return no_socket(vm, "cannot create", public);
		if (control_socket_alive(public)) {
			pr_err("--name %s: a VM of that name is already running (%s)",
			       vm->name, public);
			return -EADDRINUSE;
		}
		unlink(public);		/* a dead VM's */
	}
	return no_socket(vm, "cannot create", public);
}

int control_start(struct vm *vm)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char dir[sizeof(addr.sun_path)], why_buf[64];
	const char *why;
	mode_t mask;
	int ret, n;

	ret = control_dir(dir, sizeof(dir)) ?:
	      control_socket_path(vm->name, vm->ctl_path, sizeof(vm->ctl_path));
	if (ret == -ENOENT) {
		pr_warn("no control socket (HOME is not set); lkvm commands cannot reach VM '%s'",
			vm->name);
		return 0;
	}
	if (ret) {
		pr_err("--name %s: the control socket path is too long", vm->name);
		return -ENAMETOOLONG;
	}
	if (mkdir(dir, 0700) && errno != EEXIST)
		return no_socket(vm, "cannot create", dir);
	/* Whoever can write there can put a socket under this VM's name. */
	why = control_dir_distrust(dir, why_buf, sizeof(why_buf));
	if (why) {
		pr_warn("no control socket (%s: %s); lkvm commands cannot reach VM '%s'",
			dir, why, vm->name);
		return 0;
	}
	/* Listen under a private name first; `lkvm list` skips dot files. */
	n = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/.%d.sock", dir, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(addr.sun_path)) {
		pr_err("--name %s: the control socket path is too long", vm->name);
		return -ENAMETOOLONG;
	}
	unlink(addr.sun_path);
	vm->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (vm->ctl_fd < 0)
		return no_socket(vm, "cannot open", "a socket");
	mask = umask(0177);
	ret = bind(vm->ctl_fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(mask);
	if (ret || listen(vm->ctl_fd, 8)) {
		unlink(addr.sun_path);
		return no_socket(vm, "cannot listen on", addr.sun_path);
	}
	ret = publish(vm, addr.sun_path, vm->ctl_path);
	unlink(addr.sun_path);
	if (ret || vm->ctl_fd < 0) {
		vm->ctl_path[0] = '\0';
		return ret;
	}
	return ioloop_watch(&vm->loop, vm->ctl_fd, on_listen, vm);
}

void control_stop(struct vm *vm)
{
	if (vm->ctl_fd < 0)
		return;
	if (vm->ctl_path[0])
		unlink(vm->ctl_path);
	close(vm->ctl_fd);
	vm->ctl_fd = -1;
}

int control_exchange(const char *path, uint32_t type, const void *payload,
		     uint32_t len, char **reply)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct ctl_header hdr = { CTL_MAGIC, type, len };
	char *text = NULL;
	int fd, ret;

	*reply = NULL;
	if (snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path) >= (int)sizeof(addr.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr))) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (write_full(fd, &hdr, sizeof(hdr)) || write_full(fd, payload, len) ||
	    read_full(fd, &hdr, sizeof(hdr)) || hdr.magic != CTL_MAGIC ||
	    hdr.len > CTL_MAX_REPLY || !(text = calloc(1, hdr.len + 1)) ||
	    read_full(fd, text, hdr.len)) {
		free(text);
		close(fd);
		return -EPROTO;
	}
	close(fd);
	*reply = text;
	return hdr.type;
}

int control_request(const char *name, uint32_t type, const void *payload,
		    uint32_t len)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *text;
	int ret;

	if (control_client_dir(path, sizeof(path)))
		return 1;
	if (control_socket_path(name, path, sizeof(path))) {
		pr_err("--name %s: name too long", name);
		return 1;
	}
	ret = control_exchange(path, type, payload, len, &text);
	if (ret == -EPROTO)
		pr_err("--name %s: the VM did not answer", name);
	else if (ret < 0)
		pr_err("--name %s: no VM of that name is running (%s: %s)", name, path,
		       strerror(-ret));
	else if (ret)
		pr_err("%s", text);
	else
		fputs(text, stdout);
	free(text);
	return ret ? 1 : 0;
}
