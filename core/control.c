// SPDX-License-Identifier: GPL-2.0
/*
 * The per-VM control socket, $HOME/.lkvm/NAME.sock (mode 0600): served by
 * the I/O thread, one request per connection. The directory must be the
 * user's own and writable by nobody else, and a peer must be the user or
 * root. Even so a peer is untrusted: a bad header, an oversized or short
 * message closes its connection and nothing else; a peer that stalls holds
 * one of a few connection slots for at most CONN_DEADLINE_S, never the I/O
 * thread. A request may carry open files (SCM_RIGHTS), at most
 * CTL_MAX_FDS of them: more, or a truncated list, drops the connection.
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

#define MAX_CONNECTIONS 16
#define CONN_DEADLINE_S	5

struct ctl_conn {
	struct control_server *srv;
	int fd;
	int timer_fd;		/* CONN_DEADLINE_S after the connection */
	struct ctl_request req;
	int fds[CTL_MAX_FDS];	/* passed with the request */
	unsigned int nr_fds;
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
	for (unsigned int i = 0; i < conn->nr_fds; i++)
		close(conn->fds[i]);
	ioloop_unwatch(loop, conn->timer_fd);
	close(conn->timer_fd);
	ioloop_unwatch(loop, conn->fd);
	close(conn->fd);
	conn->srv->connections--;
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

static void handle_request(struct ctl_conn *conn)
{
	const struct control_msg msg = {
		.type = conn->req.msg.hdr.type, .payload = conn->req.msg.payload,
		.fds = conn->fds, .nr_fds = conn->nr_fds,
	};
	char *text = malloc(CTL_MAX_REPLY);
	int status;

	if (!text)
		return;
	text[0] = '\0';
	status = conn->srv->handle(conn->srv->opaque, &msg, text);
	/* On the wire the status is a positive errno, 0 for success. */
	if (reply(conn, -status, text))
		pr_debug("control: cannot send a reply");
	free(text);
}

/*
 * Read the next bytes of the request, and keep the files that came with
 * them. Returns the bytes read, or -1 to drop the connection.
 */
static ssize_t conn_receive(struct ctl_conn *conn, void *at, size_t room)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * CTL_MAX_FDS)];
	} control;
	struct iovec iov = { .iov_base = at, .iov_len = room };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = control.buf, .msg_controllen = sizeof(control.buf),
	};
	bool refused = false;
	ssize_t n = recvmsg(conn->fd, &mh, MSG_CMSG_CLOEXEC);

	for (struct cmsghdr *c = n < 0 ? NULL : CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		size_t nr;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nr = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < nr; i++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (conn->nr_fds < CTL_MAX_FDS) {
				conn->fds[conn->nr_fds++] = fd;
			} else {
				close(fd);
				refused = true;
			}
		}
	}
	if (n >= 0 && (refused || (mh.msg_flags & MSG_CTRUNC))) {
		errno = EPROTO;
		return -1;
	}
	return n;
}

static void on_conn(struct ioloop *loop, void *opaque)
{
	struct ctl_conn *conn = opaque;
	uint8_t *at;
	size_t room = ctl_request_room(&conn->req, &at);
	ssize_t n = conn_receive(conn, at, room);

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
	struct control_server *srv = opaque;
	struct ctl_conn *conn;
	int fd = accept4(srv->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	if (srv->connections >= MAX_CONNECTIONS || !peer_trusted(fd)) {
		close(fd);
		return;
	}
	conn = calloc(1, sizeof(*conn));
	if (!conn) {
		close(fd);
		return;
	}
	conn->srv = srv;
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
	srv->connections++;
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
static int no_socket(struct control_server *srv, const char *what, const char *path)
{
	pr_warn("no control socket (%s %s: %s); lkvm commands cannot reach VM '%s'",
		what, path, strerror(errno), srv->name);
	if (srv->fd >= 0)
		close(srv->fd);
	srv->fd = -1;
	return 0;
}

/*
 * Give the listening socket at @private the VM's name. link() never
 * replaces, so of two VMs started with one name only one gets it, and a
 * socket found under a VM's name is always listening unless its VM died.
 */
static int publish(struct control_server *srv, const char *private, const char *public)
{
	for (int tries = 0; tries < 2; tries++) {
		if (!link(private, public))
			return 0;
		if (errno != EEXIST)
			return no_socket(srv, "cannot create", public);
		if (control_socket_alive(public)) {
			pr_err("--name %s: a VM of that name is already running (%s)",
			       srv->name, public);
			return -EADDRINUSE;
		}
		unlink(public);		/* a dead VM's */
	}
	return no_socket(srv, "cannot create", public);
}

int control_start(struct control_server *srv, struct ioloop *loop, const char *name,
		  control_handler_t handle, void *opaque)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char dir[sizeof(addr.sun_path)], why_buf[64];
	const char *why;
	mode_t mask;
	int ret, n;

	*srv = (struct control_server){
		.fd = -1, .name = name, .handle = handle, .opaque = opaque,
	};
	ret = control_dir(dir, sizeof(dir)) ?:
	      control_socket_path(srv->name, srv->path, sizeof(srv->path));
	if (ret == -ENOENT) {
		pr_warn("no control socket (HOME is not set); lkvm commands cannot reach VM '%s'",
			srv->name);
		return 0;
	}
	if (ret) {
		pr_err("--name %s: the control socket path is too long", srv->name);
		return -ENAMETOOLONG;
	}
	if (mkdir(dir, 0700) && errno != EEXIST)
		return no_socket(srv, "cannot create", dir);
	/* Whoever can write there can put a socket under this VM's name. */
	why = control_dir_distrust(dir, why_buf, sizeof(why_buf));
	if (why) {
		pr_warn("no control socket (%s: %s); lkvm commands cannot reach VM '%s'",
			dir, why, srv->name);
		return 0;
	}
	/* Listen under a private name first; `lkvm list` skips dot files. */
	n = snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/.%d.sock", dir, (int)getpid());
	if (n < 0 || (size_t)n >= sizeof(addr.sun_path)) {
		pr_err("--name %s: the control socket path is too long", srv->name);
		return -ENAMETOOLONG;
	}
	unlink(addr.sun_path);
	srv->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (srv->fd < 0)
		return no_socket(srv, "cannot open", "a socket");
	mask = umask(0177);
	ret = bind(srv->fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(mask);
	if (ret || listen(srv->fd, 8)) {
		unlink(addr.sun_path);
		return no_socket(srv, "cannot listen on", addr.sun_path);
	}
	ret = publish(srv, addr.sun_path, srv->path);
	unlink(addr.sun_path);
	if (ret || srv->fd < 0) {
		srv->path[0] = '\0';
		return ret;
	}
	return ioloop_watch(loop, srv->fd, on_listen, srv);
}

void control_stop(struct control_server *srv)
{
	if (srv->fd < 0)
		return;
	if (srv->path[0])
		unlink(srv->path);
	close(srv->fd);
	srv->fd = -1;
}

/* The header, with @nr_fds files passed along with its first byte. */
static int send_header(int fd, const struct ctl_header *hdr, const int *fds,
		       unsigned int nr_fds)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * CTL_MAX_FDS)];
	} control;
	struct iovec iov = { .iov_base = (void *)hdr, .iov_len = sizeof(*hdr) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	ssize_t n;

	if (!nr_fds)
		return write_full(fd, hdr, sizeof(*hdr));
	if (nr_fds > CTL_MAX_FDS)
		return -EINVAL;
	memset(&control, 0, sizeof(control));
	mh.msg_control = control.buf;
	mh.msg_controllen = CMSG_SPACE(sizeof(int) * nr_fds);
	CMSG_FIRSTHDR(&mh)->cmsg_level = SOL_SOCKET;
	CMSG_FIRSTHDR(&mh)->cmsg_type = SCM_RIGHTS;
	CMSG_FIRSTHDR(&mh)->cmsg_len = CMSG_LEN(sizeof(int) * nr_fds);
	memcpy(CMSG_DATA(CMSG_FIRSTHDR(&mh)), fds, sizeof(int) * nr_fds);
	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	/* The files went with the first byte; the rest is plain data. */
	return write_full(fd, (const uint8_t *)hdr + n, sizeof(*hdr) - n);
}

int control_exchange(const char *path, uint32_t type, const void *payload,
		     uint32_t len, char **reply)
{
	return control_exchange_fds(path, type, payload, len, NULL, 0, reply);
}

int control_exchange_fds(const char *path, uint32_t type, const void *payload,
			 uint32_t len, const int *fds, unsigned int nr_fds, char **reply)
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
	if (send_header(fd, &hdr, fds, nr_fds) || write_full(fd, payload, len) ||
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

int control_client_path(const char *name, char *path, size_t len)
{
	if (control_client_dir(path, len))
		return -1;
	if (control_socket_path(name, path, len)) {
		pr_err("--name %s: name too long", name);
		return -1;
	}
	return 0;
}

int control_request(const char *name, uint32_t type, const void *payload,
		    uint32_t len)
{
	return control_request_fds(name, type, payload, len, NULL, 0);
}

int control_request_fds(const char *name, uint32_t type, const void *payload,
			uint32_t len, const int *fds, unsigned int nr_fds)
{
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *text;
	int ret;

	if (control_client_path(name, path, sizeof(path)))
		return 1;
	ret = control_exchange_fds(path, type, payload, len, fds, nr_fds, &text);
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
