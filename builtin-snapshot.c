// SPDX-License-Identifier: GPL-2.0
/*
 * `lkvm snapshot --name VM DIR [--stop]`: this process makes DIR and the
 * snapshot's files, passes them open to the VM (which writes them from
 * inside its sandbox), then names them and writes the manifest from the
 * VM's list, checked as any manifest is. A failure leaves no manifest,
 * so no half snapshot can be restored.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "core/control.h"
#include "core/control_proto.h"
#include "core/log.h"
#include "core/options.h"
#include "snapshot/dir.h"

static const char *const file_names[CTL_SNAPSHOT_NR_FDS] = {
	[CTL_SNAPSHOT_FD_STATE] = "state",
	[CTL_SNAPSHOT_FD_MEMORY] = "memory",
	[CTL_SNAPSHOT_FD_TAGS] = "tags",
};

static void usage(const char *cmd)
{
	(void)cmd;
	printf("\n usage: lkvm snapshot --name VM DIR [--stop]\n\n"
	       "    -n, --name <name>   the VM, as given to lkvm run --name\n"
	       "    DIR                 a new or empty directory for the snapshot\n"
	       "    --stop              end the VM once the snapshot is written\n\n"
	       " lkvm run --restore DIR continues it.\n\n");
}

/* The manifest from the VM's list of files, parsed before it is written. */
static int finish(const char *dir, int dirfd, const char *list)
{
	char text[SNAP_MANIFEST_MAX], why[160];
	struct snap_manifest m;
	bool ours;
	int n;

	n = snprintf(text, sizeof(text), "lkvm snapshot %d.%d\narch %s\npage-size %d\n%s",
		     SNAP_VERSION_MAJOR, SNAP_VERSION_MINOR, SNAP_ARCH, getpagesize(), list);
	ours = n >= 0 && (size_t)n < sizeof(text) &&
	       !snap_manifest_parse(text, n, getpagesize(), &m, why, sizeof(why));
	/* Only the files this process made, the state and memory among them. */
	for (unsigned int i = 0; ours && i < m.nr_files; i++) {
		bool made = false;

		for (unsigned int f = 0; f < CTL_SNAPSHOT_NR_FDS; f++)
			made |= !strcmp(m.files[i].name, file_names[f]);
		ours = made;
	}
	if (!ours || !snap_manifest_find(&m, "state") || !snap_manifest_find(&m, "memory")) {
		pr_err("snapshot %s: the VM's list of files is malformed", dir);
		return -1;
	}
	for (unsigned int i = 0; i < CTL_SNAPSHOT_NR_FDS; i++) {
		if (snap_dir_keep_file(dirfd, file_names[i], snap_manifest_find(&m, file_names[i]),
				       why, sizeof(why))) {
			pr_err("snapshot %s: %s", dir, why);
			return -1;
		}
	}
	if (snap_dir_finish(dirfd, &m, why, sizeof(why)) < 0) {
		pr_err("snapshot %s: %s", dir, why);
		return -1;
	}
	return 0;
}

static int take_snapshot(const char *name, const char *dir, bool stop)
{
	struct ctl_snapshot req = { .flags = stop ? CTL_SNAPSHOT_STOP : 0 };
	int fds[CTL_SNAPSHOT_NR_FDS], dirfd, ret = -1;
	unsigned int nr = 0;
	char path[108], why[160], *reply = NULL;

	if (control_client_path(name, path, sizeof(path)))
		return 1;
	if (snap_dir_create(dir, &dirfd, why, sizeof(why))) {
		pr_err("snapshot: %s", why);
		return 1;
	}
	for (; nr < CTL_SNAPSHOT_NR_FDS; nr++) {
		fds[nr] = snap_dir_create_file(dirfd, file_names[nr], why, sizeof(why));
		if (fds[nr] < 0) {
			pr_err("snapshot %s: %s", dir, why);
			goto out;
		}
	}
	ret = control_exchange_fds(path, CTL_VM_SNAPSHOT, &req, sizeof(req), fds, nr, &reply);
	if (ret < 0)
		pr_err("--name %s: %s", name, ret == -EPROTO ? "the VM did not answer" :
		       "no VM of that name is running");
	else if (ret)
		pr_err("%s", reply);
	else
		ret = finish(dir, dirfd, reply);
out:
	for (unsigned int i = 0; i < nr; i++)
		close(fds[i]);
	if (ret)
		for (unsigned int i = 0; i < nr; i++)
			snap_dir_keep_file(dirfd, file_names[i], false, why, sizeof(why));
	close(dirfd);
	free(reply);
	if (!ret)
		printf("VM '%s': snapshot in %s\n", name, dir);
	return ret ? 1 : 0;
}

int cmd_snapshot(int argc, char *argv[])
{
	const char *name = NULL, *dir = NULL;
	char **opts_argv = calloc(argc + 1, sizeof(*opts_argv));
	bool stop = false;
	const struct command_option opts[] = {
		{ "name", 'n', &name, NULL },
		{ "stop", 0, NULL, &stop },
		{ NULL },
	};
	int nr = 0, ret;

	if (!opts_argv)
		return 1;
	/* The one word that is neither an option nor --name's value is DIR. */
	for (int i = 0; i < argc; i++) {
		bool value = i > 0 && (!strcmp(argv[i - 1], "--name") || !strcmp(argv[i - 1], "-n"));

		if (argv[i][0] == '-' || value) {
			opts_argv[nr++] = argv[i];
		} else if (dir) {
			pr_err("snapshot: '%s': one directory only (it is %s)", argv[i], dir);
			free(opts_argv);
			return 1;
		} else {
			dir = argv[i];
		}
	}
	ret = command_options_handle("snapshot", opts, nr, opts_argv, usage);
	free(opts_argv);
	if (ret >= 0)
		return ret;
	if (!name || !dir) {
		pr_err("snapshot: %s (see lkvm snapshot --help)",
		       !name ? "--name: which VM?" : "DIR: where to write the snapshot?");
		return 1;
	}
	return take_snapshot(name, dir, stop);
}
