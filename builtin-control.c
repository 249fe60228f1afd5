// SPDX-License-Identifier: GPL-2.0
/*
 * The commands that manage running VMs through their control sockets:
 * `lkvm list`, `lkvm stop|pause|resume --name VM | --all`, `lkvm stat` and
 * `lkvm balloon`.
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
#include "core/options.h"

#define PATH_LEN	sizeof(((struct sockaddr_un *)0)->sun_path)
#define STOP_WAIT_S	30

/* Call @fn for each VM socket in $HOME/.lkvm; -errno if it cannot be used. */
static int for_each_socket(void (*fn)(const char *name, const char *path, void *opaque),
			   void *opaque)
{
	char dir[PATH_LEN], path[PATH_LEN];
	struct dirent *d;
	DIR *dirp;
	int ret = control_client_dir(dir, sizeof(dir));

	if (ret)
		return ret;
	if (!(dirp = opendir(dir)))
		return 0;	/* no directory: no VMs */
	while ((d = readdir(dirp))) {
		size_t n = strlen(d->d_name);
		char name[PATH_LEN];

		/* dot files are sockets not yet published under a name */
		if (d->d_name[0] == '.' || n <= 5 || strcmp(d->d_name + n - 5, ".sock") ||
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir, d->d_name) >= sizeof(path))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(n - 5), d->d_name);
		fn(name, path, opaque);
	}
	closedir(dirp);
	return 0;
}

/* A socket nobody listens on is a dead VM's: remove it, unless replaced. */
static void remove_stale(const char *path, const struct stat *seen)
{
	struct stat now;

	if (!lstat(path, &now) && now.st_ino == seen->st_ino && now.st_dev == seen->st_dev)
		unlink(path);
}

static void list_one(const char *name, const char *path, void *opaque)
{
	unsigned int vcpus;
	unsigned long long mib;
	char state[16], *reply;
	struct stat seen;
	int pid, ret;

	(void)opaque;
	if (lstat(path, &seen) || !S_ISSOCK(seen.st_mode))
		return;
	ret = control_exchange(path, CTL_VM_INFO, NULL, 0, &reply);
	if (ret == -ECONNREFUSED)
		remove_stale(path, &seen);
	if (!ret && sscanf(reply, "%d %15s %u %llu", &pid, state, &vcpus, &mib) == 4)
		printf("%7d %-24s %-8s %5u %8llu MiB\n", pid, name, state, vcpus, mib);
	free(reply);
}

static void list_usage(const char *cmd)
{
	(void)cmd;
	printf("\n usage: lkvm list\n\n"
	       "Lists the running VMs: PID, name, state (running or paused), vCPUs, RAM.\n\n");
}

int cmd_list(int argc, char *argv[])
{
	bool running_only;	/* kvmtool's --run: lkvm lists only running VMs anyway */
	const struct command_option opts[] = {
		{ "run", 'i', NULL, &running_only },
		{ NULL },
	};
	int ret = command_options_handle("list", opts, argc, argv, list_usage);

	if (ret >= 0)
		return ret;
	printf("%7s %-24s %-8s %5s %12s\n", "PID", "NAME", "STATE", "CPUS", "MEM");
	return for_each_socket(list_one, NULL) ? 1 : 0;
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

static void act_on(const char *name, const char *path, void *opaque)
{
	struct action *act = opaque;
	int ret = control_request(name, act->type, NULL, 0);

	if (!ret && act->type == CTL_VM_STOP)
		ret = wait_gone(name, path);
	act->failures += ret;
}

/* Skips sockets of dead VMs, which only --name reports. */
static void act_on_live(const char *name, const char *path, void *opaque)
{
	if (control_socket_alive(path))
		act_on(name, path, opaque);
}

static void vm_command_usage(const char *verb)
{
	printf("\n usage: lkvm %s --name VM\n"
	       "        lkvm %s --all\n\n"
	       "    -n, --name <name>   the VM, as given to lkvm run --name\n"
	       "    -a, --all           every running VM\n\n", verb, verb);
}

static int vm_command(struct action *act, int argc, char *argv[])
{
	const char *name = NULL;
	char path[PATH_LEN];
	bool all = false;
	const struct command_option opts[] = {
		{ "name", 'n', &name, NULL },
		{ "all", 'a', NULL, &all },
		{ NULL },
	};
	int ret = command_options_handle(act->verb, opts, argc, argv, vm_command_usage);

	if (ret >= 0)
		return ret;
	if (!!name == all) {
		pr_err("%s: give one of --name VM or --all", act->verb);
		return 1;
	}
	if (all) {
		if (for_each_socket(act_on_live, act))
			return 1;
	} else if (control_client_path(name, path, sizeof(path))) {
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

/* "seq N\n" then the statistics: N, and where the statistics start. */
static bool parse_stats(const char *reply, unsigned long long *seq, const char **stats)
{
	char *end;

	if (strncmp(reply, "seq ", 4))
		return false;
	*seq = strtoull(reply + 4, &end, 10);
	if (*end != '\n')
		return false;
	*stats = end + 1;
	return true;
}

static void stat_usage(const char *verb)
{
	printf("\n usage: lkvm %s --name VM [--memory]\n\n"
	       "    -n, --name <name>   the VM, as given to lkvm run --name\n"
	       "    -m, --memory        its memory statistics, as its virtio-balloon\n"
	       "                        driver reports them (the only ones; needs --balloon)\n\n",
	       verb);
}

/*
 * lkvm stat: the guest reports its memory statistics when asked, so ask,
 * then wait (up to STAT_WAIT_MS) for a report newer than the one there
 * was; a guest that does not answer gets its last report shown, said so.
 */
#define STAT_WAIT_MS	3000

int cmd_stat(int argc, char *argv[])
{
	struct timespec tick = { .tv_nsec = 100 * 1000 * 1000 };
	const char *name = NULL, *stats = NULL;
	unsigned long long first = 0, seq = 0;
	char path[PATH_LEN], *reply = NULL;
	bool memory = false;
	const struct command_option opts[] = {
		{ "name", 'n', &name, NULL },
		{ "memory", 'm', NULL, &memory },
		{ NULL },
	};
	int ret = command_options_handle("stat", opts, argc, argv, stat_usage);

	if (ret >= 0)
		return ret;
	if (!name) {
		pr_err("stat: give --name VM");
		return 1;
	}
	if (control_client_path(name, path, sizeof(path)))
		return 1;
	for (int waited = 0; waited <= STAT_WAIT_MS; waited += 100) {
		free(reply);
		ret = control_exchange(path, CTL_VM_BALLOON_STATS, NULL, 0, &reply);
		if (ret < 0) {
			pr_err("--name %s: %s", name, ret == -EPROTO ? "the VM did not answer" :
			       "no VM of that name is running");
			free(reply);
			return 1;
		}
		if (ret) {
			pr_err("%s", reply);
			free(reply);
			return 1;
		}
		if (!parse_stats(reply, &seq, &stats)) {
			pr_err("--name %s: a reply lkvm stat does not understand", name);
			free(reply);
			return 1;
		}
		if (!waited)
			first = seq;
		else if (seq > first)
			break;
		nanosleep(&tick, NULL);
	}
	if (seq == first)
		pr_warn("VM '%s': the guest sent no new memory statistics within %d s; %s", name,
			STAT_WAIT_MS / 1000, seq ? "these are its last" : "it has sent none yet");
	printf("VM '%s': guest memory statistics (virtio-balloon)\n%s", name, stats);
	free(reply);
	return 0;
}

static void balloon_usage(const char *verb)
{
	printf("\n usage: lkvm %s --name VM (--inflate MIB | --deflate MIB)\n\n"
	       "    -n, --name <name>      the VM, as given to lkvm run --name (with --balloon)\n"
	       "    -i, --inflate <MiB>    grow the balloon: the guest gives this much RAM back\n"
	       "    -d, --deflate <MiB>    shrink it: the guest gets this much back\n\n", verb);
}

/* lkvm balloon: move the balloon's target, as kvmtool's command does. */
int cmd_balloon(int argc, char *argv[])
{
	const char *name = NULL, *inflate = NULL, *deflate = NULL, *amount;
	const struct command_option opts[] = {
		{ "name", 'n', &name, NULL },
		{ "inflate", 'i', &inflate, NULL },
		{ "deflate", 'd', &deflate, NULL },
		{ NULL },
	};
	int ret = command_options_handle("balloon", opts, argc, argv, balloon_usage);
	struct ctl_balloon req = { 0 };
	unsigned long mib;
	char *end;

	if (ret >= 0)
		return ret;
	if (!name) {
		pr_err("balloon: give --name VM");
		return 1;
	}
	if (!inflate == !deflate) {
		pr_err("balloon: give one of --inflate MIB or --deflate MIB");
		return 1;
	}
	amount = inflate ?: deflate;
	errno = 0;
	mib = strtoul(amount, &end, 10);
	if (errno || end == amount || *end || *amount == '-' || !mib ||
	    mib > CTL_BALLOON_MAX_MIB) {
		pr_err("--%s %s: a number of MiB, 1 to %d", inflate ? "inflate" : "deflate", amount,
		       CTL_BALLOON_MAX_MIB);
		return 1;
	}
	req.delta_mib = inflate ? (int32_t)mib : -(int32_t)mib;
	return control_request(name, CTL_VM_BALLOON_SET, &req, sizeof(req));
}
