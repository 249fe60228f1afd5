// SPDX-License-Identifier: GPL-2.0
/*
 * lkvm ras --name VM --inject memory|processor ... | --status | --hwpoison
 * lkvm ras --decode FILE
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "builtin.h"
#include "core/control.h"
#include "core/control_proto.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/options.h"
#include "ras/cper.h"
#include "ras/policy.h"

#define DECODE_MAX (64 * 1024)

static void usage(const char *cmd)
{
	(void)cmd;
	printf(
		"\n usage: lkvm ras --name VM --inject memory --gpa ADDR [--severity S] [--notify N] [--vcpu N] [--count N]\n"
		"        lkvm ras --name VM --inject processor [--gpa ADDR] [--severity S] [--notify N] [--vcpu N] [--count N]\n"
		"        lkvm ras --name VM --status\n"
		"        lkvm ras --name VM --hwpoison --gpa ADDR\n"
		"        lkvm ras --decode FILE\n\n"
		"    --name <name>        the VM, as given to lkvm run --name (it runs with --ras)\n"
		"    --inject <kind>      memory: a platform memory error at --gpa;\n"
		"                         processor: an ARM processor (cache) error on --vcpu\n"
		"    --gpa <addr>         the guest physical address in error\n"
		"    --severity <s>       corrected, recoverable (default) or fatal\n"
		"    --notify <how>       sea, serror or sdei (default: by severity, see ras/README.md)\n"
		"    --vcpu <n>           the vCPU for sea and serror (default 0)\n"
		"    --count <n>          inject the same error n times (at most %u)\n"
		"    --status             each error source's block, ack and counters, and the records held\n"
		"    --hwpoison           test hook: poison the host page behind --gpa for real\n"
		"                         (needs CAP_SYS_ADMIN and CONFIG_MEMORY_FAILURE)\n"
		"    --decode <file>      check and print a raw Generic Error Status Block\n\n",
		CTL_RAS_MAX_COUNT);
}

static int pick(const char *opt, const char *value, const char *const *names,
		unsigned int n, uint32_t *out)
{
	for (unsigned int i = 0; i < n; i++) {
		if (names[i] && !strcmp(value, names[i])) {
			*out = i;
			return 0;
		}
	}
	pr_err("ras: %s %s: not one of the choices (see lkvm ras --help)", opt, value);
	return -1;
}

static int decode(const char *path)
{
	uint8_t *buf = malloc(DECODE_MAX);
	const char *why;
	ssize_t len;
	int fd, ret = 1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		pr_err("ras: --decode %s: %s", path, strerror(errno));
		free(buf);
		return 1;
	}
	len = buf ? read(fd, buf, DECODE_MAX) : -1;
	close(fd);
	if (len < 0) {
		pr_err("ras: --decode %s: cannot read: %s", path, strerror(errno));
	} else {
		/* Any block length a source may have: the file says how much is there. */
		switch (cper_check(buf, len, DECODE_MAX, &why)) {
		case CPER_EMPTY:
			printf("empty: block_status is 0\n");
			ret = 0;
			break;
		case CPER_INVALID:
			pr_err("ras: --decode %s: %s", path, why);
			break;
		case CPER_OK:
			cper_print(stdout, buf);
			ret = 0;
		}
	}
	free(buf);
	return ret;
}

int cmd_ras(int argc, char *argv[])
{
	static const char *const kinds[] = { "memory", "processor" };
	static const char *const severities[] = {
		[CPER_SEV_RECOVERABLE] = "recoverable", [CPER_SEV_FATAL] = "fatal",
		[CPER_SEV_CORRECTED] = "corrected",
	};
	static const char *const notifies[] = {
		[RAS_NOTIFY_SEA] = "sea", [RAS_NOTIFY_SERROR] = "serror",
		[RAS_NOTIFY_SDEI] = "sdei",
	};
	const char *name = NULL, *inject = NULL, *gpa = NULL, *severity = NULL,
		   *notify = NULL, *vcpu = NULL, *count = NULL, *file = NULL;
	struct ctl_ras_inject req = { .vcpu = -1, .count = 1 };
	bool status = false, hwpoison = false;
	const struct command_option opts[] = {
		{ "name", 0, &name, NULL },
		{ "inject", 0, &inject, NULL },
		{ "gpa", 0, &gpa, NULL },
		{ "severity", 0, &severity, NULL },
		{ "notify", 0, &notify, NULL },
		{ "vcpu", 0, &vcpu, NULL },
		{ "count", 0, &count, NULL },
		{ "decode", 0, &file, NULL },
		{ "status", 0, NULL, &status },
		{ "hwpoison", 0, NULL, &hwpoison },
		{ NULL },
	};
	uint64_t v;
	int ret = command_options_handle("ras", opts, argc, argv, usage);

	if (ret >= 0)
		return ret;
	if (file) {
		if (name || inject || status || hwpoison) {
			pr_err("ras: --decode works on a file alone, without a VM");
			return 1;
		}
		return decode(file);
	}
	if (!name) {
		pr_err("ras: --name: which VM? (see lkvm ras --help)");
		return 1;
	}
	if (!!inject + status + hwpoison != 1) {
		pr_err("ras: give one of --inject KIND, --status or --hwpoison");
		return 1;
	}
	if (!inject && (severity || notify || vcpu || count || (status && gpa))) {
		pr_err("ras: --severity, --notify, --vcpu and --count go with --inject");
		return 1;
	}
	if (gpa && parse_number(gpa, UINT64_MAX, &req.gpa)) {
		pr_err("ras: --gpa %s: not an address", gpa);
		return 1;
	}
	req.flags = gpa ? CTL_RAS_GPA_GIVEN : 0;
	if (status)
		return control_request(name, CTL_RAS_STATUS, NULL, 0);
	if (hwpoison) {
		struct ctl_ras_poison poison = { req.gpa };

		if (!gpa) {
			pr_err("ras: --hwpoison needs --gpa ADDR");
			return 1;
		}
		return control_request(name, CTL_RAS_POISON, &poison, sizeof(poison));
	}
	req.severity = CPER_SEV_RECOVERABLE;
	req.notify = RAS_NOTIFY_DEFAULT;
	if (pick("--inject", inject, kinds, 2, &req.kind) ||
	    (severity && pick("--severity", severity, severities, 3, &req.severity)) ||
	    (notify && pick("--notify", notify, notifies, 4, &req.notify)))
		return 1;
	if (req.kind == CTL_RAS_MEMORY && !gpa) {
		pr_err("ras: --inject memory needs --gpa ADDR");
		return 1;
	}
	if (vcpu) {
		if (parse_number(vcpu, INT32_MAX, &v)) {
			pr_err("ras: --vcpu %s: not a vCPU number", vcpu);
			return 1;
		}
		req.vcpu = v;
	}
	if (count) {
		if (parse_number(count, CTL_RAS_MAX_COUNT, &v) || !v) {
			pr_err("ras: --count %s: give 1 to %u", count, CTL_RAS_MAX_COUNT);
			return 1;
		}
		req.count = v;
	}
	return control_request(name, CTL_RAS_INJECT, &req, sizeof(req));
}
