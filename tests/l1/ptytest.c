// SPDX-License-Identifier: GPL-2.0
/*
 * Runs `lkvm run -k echo.flat` on a pseudo-terminal, as a person at a
 * terminal would, and checks the console path:
 *   ptytest LKVM PAYLOAD echo     keys reach the guest; 'q' ends it, exit 0
 *   ptytest LKVM PAYLOAD escape   Ctrl-a x ends lkvm with exit 0
 *   ptytest LKVM KERNEL hvc INITRD  a Linux guest with --console virtio
 *                                 reads a typed line on hvc0, exit 0
 * and in all that the terminal's mode is restored afterwards.
 * Exits 0 when every check holds; says what failed on stderr otherwise.
 *   ptytest exec CMD ARGS...      runs CMD with stdin and stdout on a
 *                                 terminal (stderr as given), copies what
 *                                 it prints to stdout, and exits with its
 *                                 status (128 + N for signal N); 125 if the
 *                                 terminal's mode was not restored.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static char output[65536];
static size_t output_len;

/* Read from the master until @want appears or @ms pass. */
static int wait_for(int master, const char *want, int ms)
{
	while (ms > 0) {
		struct pollfd p = { .fd = master, .events = POLLIN };
		ssize_t n;

		output[output_len] = '\0';
		if (strstr(output, want))
			return 0;
		if (poll(&p, 1, 100) == 1) {
			n = read(master, output + output_len,
				 sizeof(output) - 1 - output_len);
			if (n > 0)
				output_len += n;
			else
				return -1;
		}
		ms -= 100;
	}
	return -1;
}

static int fail(const char *what)
{
	output[output_len] = '\0';
	fprintf(stderr, "ptytest: %s; console so far: '%s'\n", what, output);
	return 1;
}

static bool mode_restored(int slave, const struct termios *before)
{
	struct termios after;

	return !tcgetattr(slave, &after) && after.c_lflag == before->c_lflag &&
	       after.c_iflag == before->c_iflag && after.c_oflag == before->c_oflag;
}

/* ptytest exec: a command as a person at a terminal would start it. */
static int run_on_terminal(int master, int slave, const struct termios *before,
			   char *argv[])
{
	char buf[4096];
	int status;
	ssize_t n;
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	/* Copy while it runs, then what it left behind. */
	for (bool exited = false;;) {
		struct pollfd p = { .fd = master, .events = POLLIN };

		exited = exited || waitpid(pid, &status, WNOHANG) == pid;
		if (poll(&p, 1, exited ? 0 : 100) != 1) {
			if (exited)
				break;
			continue;
		}
		n = read(master, buf, sizeof(buf));
		if (n <= 0 && exited)
			break;
		if (n > 0 && write(1, buf, n) != n)
			return fail("cannot copy the output");
	}
	if (!mode_restored(slave, before)) {
		fprintf(stderr, "ptytest: the terminal mode was not restored\n");
		return 125;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char *argv[])
{
	struct termios before;
	int master, slave, status;
	const char *mode;
	pid_t pid;

	bool exec_mode = argc >= 3 && !strcmp(argv[1], "exec");

	if (!exec_mode && (argc < 4 || (!strcmp(argv[3], "hvc") && argc != 5)))
		return fail("usage: ptytest LKVM PAYLOAD echo|escape, LKVM KERNEL hvc INITRD, or exec CMD...");
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master))
		return fail("no pseudo-terminal");
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	if (slave < 0 || tcgetattr(slave, &before))
		return fail("cannot open the pty slave");
	if (exec_mode)
		return run_on_terminal(master, slave, &before, argv + 2);
	mode = argv[3];

	pid = fork();
	if (pid == 0) {
		setsid();
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		if (!strcmp(mode, "hvc"))
			execl(argv[1], argv[1], "run", "-k", argv[2], "-i", argv[4],
			      "-c", "1", "-m", "256", "--console", "virtio",
			      "-p", "quiet lkvmtest.action=hvc", (char *)NULL);
		else
			execl(argv[1], argv[1], "run", "-k", argv[2], "-c", "1",
			      "-m", "64", "--loglevel", "warning", (char *)NULL);
		_exit(127);
	}
	alarm(400);
	if (!strcmp(mode, "hvc")) {
		if (wait_for(master, "L2-CONSOLE=hvc0", 300000))
			return fail("the guest's console is not hvc0");
		if (wait_for(master, "L2-HVC-READY", 30000))
			return fail("the guest never said L2-HVC-READY");
		if (write(master, "hello-hvc0\r", 11) != 11)
			return fail("cannot type");
		if (wait_for(master, "L2-HVC-GOT=hello-hvc0", 60000))
			return fail("the typed line did not reach the guest through hvc0");
	} else if (wait_for(master, "ready", 60000)) {
		return fail("the guest never said ready");
	}
	if (!strcmp(mode, "hvc")) {
		/* the guest powers off by itself */
	} else if (!strcmp(mode, "echo")) {
		if (write(master, "hello\r", 6) != 6)
			return fail("cannot type");
		if (wait_for(master, "hello\r", 30000))
			return fail("typed keys did not come back from the guest");
		if (write(master, "q", 1) != 1)
			return fail("cannot type");
	} else {
		if (write(master, "\x01x", 2) != 2)
			return fail("cannot type");
	}
	if (waitpid(pid, &status, 0) != pid)
		return fail("waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return fail("lkvm did not exit with status 0");
	if (!strcmp(mode, "escape") && strchr(output + 5, 'x'))
		return fail("the escape sequence reached the guest");
	if (!mode_restored(slave, &before))
		return fail("the terminal mode was not restored");
	return 0;
}
