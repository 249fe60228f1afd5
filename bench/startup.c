// SPDX-License-Identifier: GPL-2.0
/*
 * startup-bench RUNS MARKER LKVM ARGS...
 *
 * Runs `LKVM run ARGS --loglevel debug` RUNS times and measures, per run:
 * the wall time from exec to the first console line containing MARKER,
 * the guest's uptime if that line carries "uptime=<s>", the whole run's
 * wall time, lkvm's peak RSS (ru_maxrss from wait4: VmHWM, guest pages it
 * touched included) and lkvm's own start-up steps (its debug line).
 * Prints one line per run and a median/min/max summary, all prefixed
 * "bench" so the harness shows them; BENCH_TRACE=1 adds every console line
 * with its arrival time.
 *
 * For a guest that waits (a restored one at its prompt): BENCH_STDIN=TEXT
 * gives lkvm a pipe holding TEXT and a newline as its stdin, and
 * BENCH_STOP_AT_MARKER=1 ends lkvm (SIGTERM, so exit status 143) once
 * the marker came.
 */
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 32

struct run {
	double to_marker;	/* s; < 0 if never seen */
	double uptime;		/* guest's, s; < 0 if not reported */
	double total;
	long maxrss_kb;
	int status;
	bool stopped;		/* BENCH_STOP_AT_MARKER sent SIGTERM */
	char startup[512];
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Scan complete lines in @buf; keep a partial last line. */
/* BENCH_TRACE=1: print every console line with the time it arrived. */
static int trace;
static const char *stdin_text;
static int stop_at_marker;

static void scan_lines(char *buf, size_t *len, const char *marker,
		       struct run *r, double t0, int is_err)
{
	char *line = buf, *nl;

	while ((nl = memchr(line, '\n', buf + *len - line))) {
		*nl = '\0';
		if (trace)
			printf("bench trace %7.3f %s %s\n", now() - t0,
			       is_err ? "err" : "out", line);
		if (!is_err && r->to_marker < 0 && strstr(line, marker)) {
			const char *up = strstr(line, "uptime=");

			r->to_marker = now() - t0;
			if (up)
				r->uptime = atof(up + 7);
		}
		if (is_err && strstr(line, "start-up:"))
			snprintf(r->startup, sizeof(r->startup), "%s",
				 strstr(line, "start-up:") + 10);
		line = nl + 1;
	}
	*len = buf + *len - line;
	memmove(buf, line, *len);
}

static void one_run(char **lkvm_argv, const char *marker, struct run *r)
{
	int out[2], err[2], in[2] = { -1, -1 };
	char bufs[2][8192];
	size_t lens[2] = { 0, 0 };
	struct rusage ru;
	double t0;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	r->to_marker = r->uptime = -1;
	if (pipe(out) || pipe(err) || (stdin_text && pipe(in))) {
		perror("pipe");
		exit(1);
	}
	if (stdin_text && (write(in[1], stdin_text, strlen(stdin_text)) < 0 ||
			   write(in[1], "\n", 1) != 1)) {
		perror("write");
		exit(1);
	}
	t0 = now();
	pid = fork();
	if (pid == 0) {
		if (in[0] >= 0) {
			dup2(in[0], 0);
			close(in[1]);
		}
		dup2(out[1], 1);
		dup2(err[1], 2);
		close(out[0]);
		close(err[0]);
		execv(lkvm_argv[0], lkvm_argv);
		_exit(127);
	}
	close(out[1]);
	close(err[1]);
	for (int open_fds = 2; open_fds;) {
		struct pollfd p[2] = {
			{ .fd = out[0], .events = POLLIN },
			{ .fd = err[0], .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0)
			break;
		for (int i = 0; i < 2; i++) {
			ssize_t n;

			if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(p[i].fd, bufs[i] + lens[i], sizeof(bufs[i]) - 1 - lens[i]);
			if (n <= 0) {
				close(i ? err[0] : out[0]);
				if (i)
					err[0] = -1;
				else
					out[0] = -1;
				open_fds--;
				continue;
			}
			lens[i] += n;
			scan_lines(bufs[i], &lens[i], marker, r, t0, i);
			if (stop_at_marker && r->to_marker >= 0 && !r->stopped) {
				kill(pid, SIGTERM);
				r->stopped = true;
			}
			if (lens[i] == sizeof(bufs[i]) - 1)
				lens[i] = 0;	/* a line too long to matter */
		}
	}
	wait4(pid, &r->status, 0, &ru);
	r->total = now() - t0;
	if (in[0] >= 0) {
		close(in[0]);
		close(in[1]);
	}
	r->maxrss_kb = ru.ru_maxrss;
}

static void summary(const char *what, double *v, int n, const char *unit,
		    double scale)
{
	qsort(v, n, sizeof(*v), cmp_double);
	printf("bench   %-28s median %9.2f %s   min %9.2f   max %9.2f\n", what,
	       v[n / 2] * scale, unit, v[0] * scale, v[n - 1] * scale);
}

int main(int argc, char *argv[])
{
	struct run runs[MAX_RUNS];
	double to_marker[MAX_RUNS], uptime[MAX_RUNS], total[MAX_RUNS], rss[MAX_RUNS];
	char *lkvm_argv[64];
	int nr, n = 0, bad = 0;

	if (argc < 4 || (nr = atoi(argv[1])) < 1 || nr > MAX_RUNS || argc > 60) {
		fprintf(stderr, "usage: startup-bench RUNS MARKER LKVM ARGS...\n");
		return 2;
	}
	trace = getenv("BENCH_TRACE") != NULL;
	stdin_text = getenv("BENCH_STDIN");
	stop_at_marker = getenv("BENCH_STOP_AT_MARKER") != NULL;
	lkvm_argv[n++] = argv[3];
	lkvm_argv[n++] = "run";
	for (int i = 4; i < argc; i++)
		lkvm_argv[n++] = argv[i];
	lkvm_argv[n++] = "--loglevel";
	lkvm_argv[n++] = "debug";
	lkvm_argv[n] = NULL;

	for (int i = 0; i < nr; i++) {
		struct run *r = &runs[i];

		one_run(lkvm_argv, argv[2], r);
		printf("bench run %d: to '%s' %.2f s, whole run %.2f s, peak RSS %ld kB, exit %d",
		       i + 1, argv[2], r->to_marker, r->total, r->maxrss_kb,
		       WIFEXITED(r->status) ? WEXITSTATUS(r->status) : -1);
		if (r->uptime >= 0)
			printf(", guest uptime %.2f s", r->uptime);
		printf("\n");
		printf("bench run %d: lkvm start-up: %s\n", i + 1, r->startup);
		fflush(stdout);
		if (r->to_marker < 0 || !WIFEXITED(r->status) ||
		    WEXITSTATUS(r->status) != (r->stopped ? 128 + SIGTERM : 0))
			bad++;
		to_marker[i] = r->to_marker;
		uptime[i] = r->uptime;
		total[i] = r->total;
		rss[i] = r->maxrss_kb;
	}
	summary("to marker (s)", to_marker, nr, "s ", 1);
	if (uptime[0] >= 0)
		summary("guest uptime at marker (s)", uptime, nr, "s ", 1);
	summary("whole run (s)", total, nr, "s ", 1);
	summary("peak RSS (kB)", rss, nr, "kB", 1);
	return bad ? 1 : 0;
}
