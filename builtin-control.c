// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that manage running VMs through their control sockets:
 * `lkvm list`, and `lkvm stop|pause|resume --name VM | --all`.
 */
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "core/control.h"
#include "core/control_proto.h"
#include "core/log.h"

#define PATH_LEN	sizeof(((struct sockaddr_un *)0)->sun_path)
#define STOP_WAIT_S	30

/* Call @fn for each VM socket in $HOME/.lkvm; stops at @fn's first non-zero. */
static int for_each_socket(int (*fn)(const char *name, const char *path, void *opaque),
			   void *opaque)
{
	char dir[PATH_LEN], path[PATH_LEN];
	struct dirent *d;
	DIR *dirp;
	int ret = 0;

	if (control_dir(dir, sizeof(dir)) || !(dirp = opendir(dir)))
		return 0;		/* no directory: no VMs */
	while (!ret && (d = readdir(dirp))) {
		size_t n = strlen(d->d_name);
		char name[PATH_LEN];

		/* dot files are sockets not yet published under a name */
		if (d->d_name[0] == '.' || n <= 5 || strcmp(d->d_name + n - 5, ".sock") ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, d->d_name) >= sizeof(path))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(n - 5), d->d_name);
		ret = fn(name, path, opaque);
	}
	closedir(dirp);
	return ret;
}

/* A socket nobody listens on is a dead VM's: remove it, unless replaced. */
static void remove_stale(const char *path, const struct stat *seen)
{
	struct stat now;

	if (!lstat(path, &now) && now.st_ino == seen->st_ino && now.st_dev == seen->st_dev)
		unlink(path);
}

static int list_one(const char *name, const char *path, void *opaque)
{
	unsigned int vcpus;
	unsigned long long mib;
	char state[16], *reply;
	struct stat seen;
	int pid, ret;

	(void)opaque;
	if (lstat(path, &seen) || !S_ISSOCK(seen.st_mode))
		return 0;
	ret = control_exchange(path, CTL_VM_INFO, NULL, 0, &reply);
	if (ret == -ECONNREFUSED)
		remove_stale(path, &seen);
	if (!ret && sscanf(reply, "%d %15s %u %llu", &pid, state, &vcpus, &mib) == 4)
		printf("%7d %-24s %-8s %5u %8llu MiB\n", pid, name, state, vcpus, mib);
	free(reply);
	return 0;
}

int cmd_list(int argc, char *argv[])
{
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			printf("\n usage: lkvm list\n\n"
			       "Lists the running VMs: PID, name, state (running or paused), vCPUs, RAM.\n\n");
			return 0;
		}
		/* kvmtool's "running instances only": all lkvm lists anyway */
		if (strcmp(argv[i], "--run") && strcmp(argv[i], "-i")) {
			pr_err("list: unknown option '%s' (see lkvm list --help)", argv[i]);
			return 1;
		}
	}
	printf("%7s %-24s %-8s %5s %12s\n", "PID", "NAME", "STATE", "CPUS", "MEM");
	return for_each_socket(list_one, NULL);
}

struct action {
	const char *verb;
	uint32_t type;
	int failures;
};

/* After a stop: wait until the VM is gone, which removes its socket. */
static int wait_gone(const char *name, const char *path)
{
	struct timespec tick = { .tv_nsec = 50 * 1000 * 1000 };

	for (int i = 0; i < STOP_WAIT_S * 20; i++) {
		if (!control_socket_alive(path))
			return 0;
		nanosleep(&tick, NULL);
	}
	pr_err("stop: VM '%s' is still running after %d s", name, STOP_WAIT_S);
	return 1;
}

static int act_on(const char *name, const char *path, void *opaque)
{
	struct action *act = opaque;
	char *reply;
	int ret = control_exchange(path, act->type, NULL, 0, &reply);

	if (ret < 0) {
		pr_err("--name %s: no VM of that name is running (%s: %s)", name, path,
		       ret == -EPROTO ? "no answer" : strerror(-ret));
		act->failures++;
	} else if (ret) {
		pr_err("%s", reply);
		act->failures++;
	} else if (act->type == CTL_VM_STOP) {
		act->failures += wait_gone(name, path);
	} else {
		fputs(reply, stdout);
	}
	free(reply);
	return 0;
}

/* Skips sockets of dead VMs, which only --name reports. */
static int act_on_live(const char *name, const char *path, void *opaque)
{
	return control_socket_alive(path) ? act_on(name, path, opaque) : 0;
}

static int vm_command(struct action *act, int argc, char *argv[])
{
	const char *name = NULL;
	char path[PATH_LEN];
	bool all = false;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			printf("\n usage: lkvm %s --name VM\n"
			       "        lkvm %s --all\n\n"
			       "    -n, --name <name>   the VM, as given to lkvm run --name\n"
			       "    -a, --all           every running VM\n\n", act->verb, act->verb);
			return 0;
		}
		if (!strcmp(a, "--all") || !strcmp(a, "-a")) {
			all = true;
		} else if (!strcmp(a, "--name") || !strcmp(a, "-n")) {
			if (++i >= argc) {
				pr_err("%s: %s: needs a value", act->verb, a);
				return 1;
			}
			name = argv[i];
		} else {
			pr_err("%s: unknown option '%s' (see lkvm %s --help)", act->verb, a, act->verb);
			return 1;
		}
	}
	if (!!name == all) {
		pr_err("%s: give one of --name VM or --all", act->verb);
		return 1;
	}
	if (all) {
		for_each_socket(act_on_live, act);
	} else if (control_socket_path(name, path, sizeof(path))) {
		pr_err("--name %s: name too long", name);
		return 1;
	} else {
		act_on(name, path, act);
	}
	return act->failures ? 1 : 0;
}

int cmd_stop(int argc, char *argv[])
{
	struct action act = { "stop", CTL_VM_STOP, 0 };

	return vm_command(&act, argc, argv);
}

int cmd_pause(int argc, char *argv[])
{
	struct action act = { "pause", CTL_VM_PAUSE, 0 };

	return vm_command(&act, argc, argv);
}

int cmd_resume(int argc, char *argv[])
{
	struct action act = { "resume", CTL_VM_RESUME, 0 };

	return vm_command(&act, argc, argv);
}
