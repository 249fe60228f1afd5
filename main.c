// SPDX-License-Identifier: GPL-2.0
/* lkvm <command>: dispatch, top-level help and version. */
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "core/log.h"

#ifndef LKVM_VERSION
#define LKVM_VERSION "unknown"
#endif

struct command {
	const char *name;
	const char *help;
	int (*fn)(int argc, char *argv[]);
};

static int cmd_version(int argc, char *argv[])
{
	(void)argc, (void)argv;
	printf("lkvm version %s\n", LKVM_VERSION);
	return 0;
}

static int cmd_help(int argc, char *argv[]);

static const struct command commands[] = {
	{ "run", "Start a virtual machine", cmd_run },
	{ "list", "List the running virtual machines", cmd_list },
	{ "stop", "Stop a running virtual machine", cmd_stop },
	{ "pause", "Pause a running virtual machine", cmd_pause },
	{ "resume", "Resume a paused virtual machine", cmd_resume },
	{ "stat", "Show a running VM's memory statistics (with --balloon)", cmd_stat },
	{ "balloon", "Inflate or deflate a running VM's balloon (with --balloon)", cmd_balloon },
	{ "snapshot", "Save a running virtual machine, for lkvm run --restore", cmd_snapshot },
	{ "sdei", "Signal an SDEI event to a running VM, or show its SDEI state", cmd_sdei },
	{ "ras", "Inject a hardware error into a running VM, show its RAS state, decode a record", cmd_ras },
	{ "version", "Print the version of lkvm", cmd_version },
	{ "help", "Print this help", cmd_help },
	{ NULL }
};

static void usage(FILE *out)
{
	fprintf(out,
		"\n usage: lkvm [--version] [--help] COMMAND [ARGS]\n\n"
		"The most commonly used lkvm commands are:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(out, "   %-10s %s\n", c->name, c->help);
	fprintf(out, "\nSee 'lkvm COMMAND --help' for more information on a specific command.\n\n");
}

static int cmd_help(int argc, char *argv[])
{
	(void)argc, (void)argv;
	usage(stdout);
	return 0;
}

int main(int argc, char *argv[])
{
	const char *name = argc > 1 ? argv[1] : "help";

	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	else if (!strcmp(name, "--version"))
		name = "version";
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(name, c->name))
			return c->fn(argc > 1 ? argc - 2 : 0, argv + (argc > 1 ? 2 : argc));
	pr_err("'%s' is not an lkvm command (see lkvm --help)", name);
	return 1;
}
