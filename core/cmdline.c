// SPDX-License-Identifier: GPL-2.0
/*
 * The guest kernel's command line, by kvmtool's rule: -p is appended to
 * lkvm's defaults, or with --nodefaults used verbatim.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cmdline.h"

bool cmdline_sets(const char *params, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = params; (p = strstr(p, name)); p += n)
		if ((p == params || p[-1] == ' ') && p[n] == '=')
			return true;
	return false;
}

/*
 * The defaults: the console; a folder given as -d DIR as root (virtio-fs,
 * tag "root"), else with disks the first, unless -p names one; and panic=-1 unless -p sets panic=, so that a panicking Linux resets
 * at once, which ends lkvm with the guest-reset status instead of leaving
 * a CI run to wait for its timeout.
 */
int cmdline_build(const struct vm_config *cfg, const char *console, char **out)
{
	const char *params = cfg->params ?: "";
	bool root = (cfg->fs_root || cfg->nr_disks) && !cmdline_sets(params, "root");
	bool panic = !cmdline_sets(params, "panic");

	*out = NULL;
	if (cfg->nodefaults) {
		if (cfg->params && !(*out = strdup(params)))
			return -ENOMEM;
		return 0;
	}
	if (asprintf(out, "console=%s%s%s%s%s", console,
		     !root ? "" : cfg->fs_root ? " rootfstype=virtiofs root=root rw" :
		     " root=/dev/vda rw", panic ? " panic=-1" : "",
		     *params ? " " : "", params) < 0) {
		*out = NULL;
		return -ENOMEM;
	}
	return 0;
}
