// SPDX-License-Identifier: GPL-2.0
/*
 * passt for -n mode=user (core/passt.h): started with --fd on a socketpair,
 * as QEMU and libkrun start it, and waited for until it is configured, so
 * that a host where it cannot run (no default route, say) gets one line
 * with passt's reason instead of a guest with a dead network.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/passt.h"

extern char **environ;

#define PASST_FD	3
#define READY_MS	10000	/* passt configures itself in about 0.04 s natively */
#define POLL_MS		5
#define STOP_MS		2000
#define MAX_ARGS	(6 + 2 * MAX_HOSTFWDS)

bool passt_installed(void)
{
	const char *path = getenv("PATH");
	char file[PATH_MAX];

	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (const char *p = path; ; p += strcspn(p, ":") + 1) {
		int n = strcspn(p, ":");

		/* An empty entry is the current directory. */
		snprintf(file, sizeof(file), "%.*s/passt", n ? n : 1, n ? p : ".");
		if (!access(file, X_OK))
			return true;
		if (!p[n])
			return false;
	}
}

/* passt -f -q --fd 3, and a -t or -u ADDR/PORT:GUEST_PORT per forward. */
static void build_args(const struct net_config *nic, char fwd[][32], char **argv)
{
	int n = 0;

	argv[n++] = "passt";
	argv[n++] = "-f";
	argv[n++] = "-q";
	argv[n++] = "--fd";
	argv[n++] = "3";
	for (unsigned int i = 0; i < nic->nr_fwds; i++) {
		const struct net_hostfwd *f = &nic->fwds[i];

		snprintf(fwd[i], 32, "%u.%u.%u.%u/%u:%u", f->host_ip >> 24, f->host_ip >> 16 & 0xff,
			 f->host_ip >> 8 & 0xff, f->host_ip & 0xff, f->host_port, f->guest_port);
		argv[n++] = f->udp ? "-u" : "-t";
		argv[n++] = fwd[i];
	}
	argv[n] = NULL;
}

/* What passt says that lkvm's user needs: not its notes on syslog and root. */
static bool worth_showing(const char *line)
{
	return line[0] && strncmp(line, "Failed to send ", 15) &&
	       strncmp(line, "Don't run as root", 17);
}

/* The last line worth showing of what passt printed so far, into @why. */
static void last_message(int fd, char *why, size_t why_len)
{
	char buf[4096], *line, *save;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n <= 0)
		return;
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (worth_showing(line))
			snprintf(why, why_len, "%s", line);
}

/*
 * The seccomp filters on @pid: passt installs its own as the last step of
 * its set-up, so one more than lkvm has (a child starts with its
 * parent's) says it is ready. Kernels before 5.9 give only the mode.
 */
static int seccomp_filters(pid_t pid)
{
	char path[32], line[128];
	int filters = -1, mode = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "Seccomp_filters: %d", &filters);
		sscanf(line, "Seccomp: %d", &mode);
	}
	fclose(f);
	return filters >= 0 ? filters : mode == 2;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000 };

	nanosleep(&ts, NULL);
}

static int spawn(pid_t *pid, int stream_fd, int err_fd, const struct net_config *nic)
{
	char fwd[MAX_HOSTFWDS][32], *argv[MAX_ARGS];
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, all;
	int ret;

	build_args(nic, fwd, argv);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, err_fd, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, err_fd, STDERR_FILENO);
	posix_spawn_file_actions_adddup2(&fa, stream_fd, PASST_FD);
	/*
	 * lkvm's blocked and ignored signals are its own; its own process
	 * group keeps a terminal's Ctrl-C for lkvm, which ends passt anyway.
	 */
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &all);
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
				 POSIX_SPAWN_SETPGROUP);
	ret = posix_spawnp(pid, "passt", &fa, &attr, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return -ret;
}

/* Wait until passt is ready, or says why it is not: 0 or -errno and @why. */
static int wait_ready(pid_t pid, int err_fd, char *why, size_t why_len)
{
	int own = seccomp_filters(getpid()), status;

	for (int ms = 0; ms < READY_MS; ms += POLL_MS) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			snprintf(why, why_len, "passt exited as it started (status %d)",
				 WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
			last_message(err_fd, why, why_len);
			return -EIO;
		}
		if (seccomp_filters(pid) > own)
			return 0;
		sleep_ms(POLL_MS);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	snprintf(why, why_len, "passt was not ready after %d s", READY_MS / 1000);
	return -ETIMEDOUT;
}

int passt_start(struct passt *p, const struct net_config *nic, int *fd, char *why,
		size_t why_len)
{
	int sv[2], err[2], ret, buf = 1 << 20;

	p->pid = 0;
	p->err_fd = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		snprintf(why, why_len, "socketpair: %s", strerror(errno));
		return -errno;
	}
	if (pipe2(err, O_CLOEXEC)) {
		ret = -errno;
		snprintf(why, why_len, "pipe2: %s", strerror(-ret));
		close(sv[0]);
		close(sv[1]);
		return ret;
	}
	ret = spawn(&p->pid, sv[1], err[1], nic);
	close(sv[1]);
	close(err[1]);
	if (ret == -ENOENT)
		snprintf(why, why_len,
			 "passt is not installed (Debian: apt install passt); or use mode=tap or mode=none");
	else if (ret)
		snprintf(why, why_len, "cannot run passt: %s", strerror(-ret));
	else
		ret = wait_ready(p->pid, err[0], why, why_len);
	if (ret) {
		p->pid = 0;
		close(err[0]);
		close(sv[0]);
		return ret;
	}
	/* Room for a few whole frames each way: fewer waits on the socket. */
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	p->err_fd = err[0];
	*fd = sv[0];
	return 0;
}

bool passt_drain_messages(struct passt *p)
{
	char buf[1024], *line, *save;
	ssize_t n;

	while ((n = read(p->err_fd, buf, sizeof(buf) - 1)) > 0) {
		buf[n] = '\0';
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (worth_showing(line))
				pr_debug("passt %d: %s", (int)p->pid, line);
	}
	return n < 0 && errno == EAGAIN;
}

void passt_stop(struct passt *p)
{
	int status;

	if (!p->pid)
		return;
	close(p->err_fd);
	p->err_fd = -1;
	/* Its end of the stream closed, passt exits at once. */
	for (int ms = 0; ms < STOP_MS; ms += POLL_MS) {
		if (waitpid(p->pid, &status, WNOHANG) == p->pid) {
			p->pid = 0;
			return;
		}
		poll(NULL, 0, POLL_MS);
	}
	pr_debug("passt %d has not exited yet; it will, on its own", (int)p->pid);
	p->pid = 0;
}
