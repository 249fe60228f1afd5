// SPDX-License-Identifier: GPL-2.0
/* `lkvm sdei --name VM --signal EVENT [--vcpu N]` and `--status`. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "builtin.h"
#include "core/control.h"
#include "core/control_proto.h"
#include "core/log.h"
#include "core/options.h"

static void usage(const char *cmd)
{
	(void)cmd;
	printf(
		"\n usage: lkvm sdei --name VM --signal EVENT [--vcpu N]\n"
		"        lkvm sdei --name VM --status\n\n"
		"    --name <name>      the VM, as given to lkvm run --name\n"
		"    --signal <event>   trigger a catalogue event (lkvm run --sdei --help)\n"
		"    --vcpu <n>         the vCPU for a private event (default: every vCPU)\n"
		"    --status           every event's state and each vCPU's mask and running state\n\n");
}

int cmd_sdei(int argc, char *argv[])
{
	const char *name = NULL, *signal = NULL, *vcpu = NULL;
	struct ctl_sdei_signal req = { .vcpu = -1 };
	bool status = false;
	const struct command_option opts[] = {
		{ "name", 0, &name, NULL },
		{ "signal", 0, &signal, NULL },
		{ "vcpu", 0, &vcpu, NULL },
		{ "status", 0, NULL, &status },
		{ NULL },
	};
	uint64_t v;
	int ret = command_options_handle("sdei", opts, argc, argv, usage);

	if (ret >= 0)
		return ret;
	if (!name) {
		pr_err("sdei: --name: which VM? (see lkvm sdei --help)");
		return 1;
	}
	if (!!signal == status) {
		pr_err("sdei: give one of --signal EVENT or --status");
		return 1;
	}
	if (status) {
		if (vcpu) {
			pr_err("sdei: --vcpu goes with --signal");
			return 1;
		}
		return control_request(name, CTL_SDEI_STATUS, NULL, 0);
	}
	if (parse_number(signal, UINT32_MAX, &v)) {
		pr_err("sdei: --signal %s: not an event number", signal);
		return 1;
	}
	req.event = v;
	if (vcpu) {
		if (parse_number(vcpu, INT32_MAX, &v)) {
			pr_err("sdei: --vcpu %s: not a vCPU number", vcpu);
			return 1;
		}
		req.vcpu = v;
	}
	return control_request(name, CTL_SDEI_SIGNAL, &req, sizeof(req));
}
