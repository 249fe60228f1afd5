// SPDX-License-Identifier: GPL-2.0
/* `lkvm run`: options -> struct vm_config -> the VM's life -> exit status. */
#include <stdio.h>

#include "arm64/vm.h"
#include "builtin.h"
#include "core/log.h"
#include "core/options.h"
#include "sdei/sdei.h"

int cmd_run(int argc, char *argv[])
{
	struct vm_config cfg;
	char err[OPT_ERR_LEN];
	struct vm vm;
	int status;

	if (run_options_parse(&cfg, argc, argv, err, sizeof(err))) {
		pr_err("%s", err);
		return 1;
	}
	if (cfg.show_help) {
		run_options_usage(stdout);
		if (cfg.sdei)
			sdei_print_catalogue(stdout);
		return 0;
	}
	log_set_level(cfg.log_level);

	if (vm_init(&vm, &cfg)) {
		vm_destroy(&vm);
		return 1;
	}
	status = vm_run(&vm);
	vm_destroy(&vm);
	return status;
}
