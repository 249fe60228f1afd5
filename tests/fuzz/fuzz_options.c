// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the command-line parsers (core/options.c). The
 * input's first byte picks the command, the rest is its argv, split at NUL
 * bytes into at most 32 arguments (each its own exact-size allocation).
 * `lkvm run` goes through run_options_parse() as builtin-run.c calls it;
 * ras, sdei, pause/resume/stop and list through command_options_handle()
 * with their tables (copied from builtin-*.c: data, not code), stderr
 * captured. Checked:
 *   - it succeeds, or fails with exactly one line: a non-empty reason with
 *     no line break in it (and, printed, one "lkvm: " line on stderr);
 *   - run: the config is within its documented bounds: --mem unset or at
 *     least 64 MiB (128 MiB with --firmware) in whole MiB; the enums in
 *     range; at most 8 disks and 4 NICs, each well formed (a file name
 *     ending at a comma, a tap name of at most 15 bytes, a unicast MAC,
 *     a user NIC's forwards of distinct ports, none on a tap);
 *     a name of 1 to 64 bytes without '/'; a kernel, firmware or snapshot
 *     to restore unless --help; no option that needs another without
 *     it; every string points into argv;
 *   - run: parsing is deterministic, and a bad --cpus 0 or --mem 63 added
 *     to a good command line makes it fail;
 *   - the other commands: values point into argv right after their
 *     option's spelling, a flag is set only if it was given, --help
 *     answers 1 and prints the usage, nothing else.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/options.h"

#define check(cond) do { if (!(cond)) __builtin_trap(); } while (0)

#define MAX_ARGS	32

static char *args[MAX_ARGS + 4];
static size_t arg_len[MAX_ARGS + 4];
static int nr_args;

static bool in_argv(const char *p)
{
	for (int i = 0; i < nr_args; i++)
		if (p >= args[i] && p <= args[i] + arg_len[i])
			return true;
	return false;
}

static void check_reason(const char *err)
{
	check(err[0] && !strchr(err, '\n') && !strchr(err, '\r'));
	check(strlen(err) < OPT_ERR_LEN);
}

static void check_string(const char *s)
{
	check(!s || in_argv(s));
}

static void check_config(const struct vm_config *c)
{
	check(c->ram_size == 0 ||
	      (c->ram_size >= MIN_RAM_SIZE && c->ram_size % MiB == 0));
	check(!c->firmware_path || c->ram_size == 0 || c->ram_size >= FIRMWARE_MIN_RAM);
	check(c->irqchip <= IRQCHIP_GICV3_ITS && c->console <= CONSOLE_VIRTIO &&
	      c->transport <= VIRTIO_MMIO && c->log_level <= LOG_DEBUG);
	check(c->show_help || c->kernel_path || c->firmware_path || c->restore_dir);
	/* A restore's --flash is checked against the snapshot's --firmware. */
	check(c->firmware_path || ((!c->flash_path || c->restore_dir) && !c->dump_acpi_dir));
	check(!(c->firmware_path && c->nested));
	check(!(c->nested && c->irqchip == IRQCHIP_GICV2));
	check(!c->firmware_path || c->kernel_path || (!c->initrd_path && !c->params));

	check_string(c->kernel_path);
	check_string(c->restore_dir);
	check_string(c->initrd_path);
	check_string(c->params);
	check_string(c->dump_dtb_path);
	check_string(c->firmware_path);
	check_string(c->flash_path);
	check_string(c->dump_acpi_dir);
	check_string(c->kvm_dev_path);
	check_string(c->name);
	if (c->name) {
		size_t n = strlen(c->name);

		check(n >= 1 && n <= 64 && !strchr(c->name, '/'));
	}

	check(c->nr_disks <= MAX_DISKS);
	for (unsigned int i = 0; i < c->nr_disks; i++) {
		const struct disk_config *d = &c->disks[i];

		check(in_argv(d->path) && d->path_len >= 1 && d->path_len <= strlen(d->path));
		check(d->path[d->path_len] == ',' || d->path[d->path_len] == '\0');
		check(!memchr(d->path, ',', d->path_len));
	}

	check(c->nr_nics <= MAX_NICS);
	check(!c->no_network || c->nr_nics == 0);
	for (unsigned int i = 0; i < c->nr_nics; i++) {
		const struct net_config *n = &c->nics[i];

		check(memchr(n->tapif, '\0', sizeof(n->tapif)));
		check(!strchr(n->tapif, '/'));
		check(!(n->guest_mac[0] & 1));
		check(n->transport <= VIRTIO_MMIO);
		check(n->transport_given || n->transport == c->transport);
		/* A user NIC forwards distinct ports, each 1 to 65535; a tap none. */
		check(n->mode <= NET_MODE_USER && n->nr_fwds <= MAX_HOSTFWDS);
		check(n->mode == NET_MODE_USER || (!n->nr_fwds));
		check(n->mode == NET_MODE_TAP || !n->tapif[0]);
		for (unsigned int f = 0; f < n->nr_fwds; f++) {
			check(n->fwds[f].host_port && n->fwds[f].guest_port);
			for (unsigned int g = 0; g < f; g++)
				check(n->fwds[f].udp != n->fwds[g].udp ||
				      n->fwds[f].host_port != n->fwds[g].host_port);
		}
	}
}

/* Field by field: struct copies leave padding as they please. */
static bool same_config(const struct vm_config *a, const struct vm_config *b)
{
	bool same = a->kernel_path == b->kernel_path && a->initrd_path == b->initrd_path &&
		    a->params == b->params && a->name == b->name &&
		    a->dump_dtb_path == b->dump_dtb_path && a->firmware_path == b->firmware_path &&
		    a->flash_path == b->flash_path && a->dump_acpi_dir == b->dump_acpi_dir &&
		    a->kvm_dev_path == b->kvm_dev_path && a->nr_cpus == b->nr_cpus &&
		    a->ram_size == b->ram_size && a->irqchip == b->irqchip &&
		    a->console == b->console && a->log_level == b->log_level &&
		    a->transport == b->transport && a->nr_disks == b->nr_disks &&
		    a->nr_nics == b->nr_nics && a->no_network == b->no_network &&
		    a->rng == b->rng && a->nodefaults == b->nodefaults && a->pmu == b->pmu &&
		    a->nested == b->nested && a->sdei == b->sdei && a->ras == b->ras &&
		    a->show_help == b->show_help && a->restore_dir == b->restore_dir;

	for (unsigned int i = 0; same && i < a->nr_disks; i++)
		same = a->disks[i].path == b->disks[i].path &&
		       a->disks[i].path_len == b->disks[i].path_len &&
		       a->disks[i].ro == b->disks[i].ro && a->disks[i].direct == b->disks[i].direct;
	for (unsigned int i = 0; same && i < a->nr_nics; i++)
		same = !memcmp(a->nics[i].tapif, b->nics[i].tapif, sizeof(a->nics[i].tapif)) &&
		       !memcmp(a->nics[i].guest_mac, b->nics[i].guest_mac, 6) &&
		       a->nics[i].host_ip == b->nics[i].host_ip &&
		       a->nics[i].transport == b->nics[i].transport &&
		       a->nics[i].transport_given == b->nics[i].transport_given &&
		       a->nics[i].mode == b->nics[i].mode && a->nics[i].nr_fwds == b->nics[i].nr_fwds;
	for (unsigned int i = 0; same && i < a->nr_nics; i++) {
		for (unsigned int f = 0; same && f < a->nics[i].nr_fwds; f++) {
			const struct net_hostfwd *x = &a->nics[i].fwds[f], *y = &b->nics[i].fwds[f];

			same = x->udp == y->udp && x->host_ip == y->host_ip &&
			       x->host_port == y->host_port && x->guest_port == y->guest_port;
		}
	}
	return same;
}

static int run_parse(struct vm_config *cfg, int argc, char *err)
{
	int ret;

	err[0] = '\0';
	ret = run_options_parse(cfg, argc, args, err, OPT_ERR_LEN);
	check(ret == 0 || ret == -EINVAL);
	if (ret)
		check_reason(err);
	return ret;
}

/* argv + two more words: the same parse must now fail, or succeed with. */
static int run_with(int argc, const char *opt, const char *value,
		    struct vm_config *cfg, char *err)
{
	char a[32], b[32];

	snprintf(a, sizeof(a), "%s", opt);
	snprintf(b, sizeof(b), "%s", value);
	args[argc] = a;
	arg_len[argc] = strlen(a);
	args[argc + 1] = b;
	arg_len[argc + 1] = strlen(b);
	nr_args = argc + 2;
	return run_parse(cfg, argc + 2, err);
}

static void fuzz_run(int argc)
{
	static struct vm_config cfg, again;
	char err[OPT_ERR_LEN];
	int ret;

	ret = run_parse(&cfg, argc, err);
	if (ret)
		return;
	check_config(&cfg);
	check(run_parse(&again, argc, err) == 0 && same_config(&cfg, &again));

	/* Appended options come last, so they are the last word. */
	check(run_with(argc, "--cpus", "0", &again, err) == -EINVAL);
	check(!strcmp(err, "--cpus 0: must be at least 1"));
	check(run_with(argc, "-m", "63", &again, err) == -EINVAL);
	check(!strcmp(err, "--mem 63: must be at least 64 MiB"));
	if (run_with(argc, "--mem", "130", &again, err) == 0)
		check(again.ram_size == 130 * MiB);
	nr_args = argc;
}

/* The other commands' tables, as builtin-*.c declare them. */
struct table {
	const char *cmd;
	struct command_option opts[11];
};

static const char *vals[10];
static bool flags[10];

static void make_table(unsigned int which, struct table *t)
{
	static const struct {
		const char *cmd;
		struct { const char *name; char s; bool flag; } o[11];
	} tables[] = {
		{ "ras", { { "name", 0, false }, { "inject", 0, false },
			   { "gpa", 0, false }, { "severity", 0, false },
			   { "notify", 0, false }, { "vcpu", 0, false },
			   { "count", 0, false }, { "decode", 0, false },
			   { "status", 0, true }, { "hwpoison", 0, true } } },
		{ "sdei", { { "name", 0, false }, { "signal", 0, false },
			    { "vcpu", 0, false }, { "status", 0, true } } },
		{ "pause", { { "name", 'n', false }, { "all", 'a', true } } },
		{ "list", { { "run", 'i', true } } },
	};
	unsigned int i;

	memset(t, 0, sizeof(*t));
	memset(vals, 0, sizeof(vals));
	memset(flags, 0, sizeof(flags));
	t->cmd = tables[which].cmd;
	for (i = 0; tables[which].o[i].name; i++) {
		t->opts[i].long_name = tables[which].o[i].name;
		t->opts[i].short_name = tables[which].o[i].s;
		if (tables[which].o[i].flag)
			t->opts[i].flag = &flags[i];
		else
			t->opts[i].value = &vals[i];
	}
}

static bool spelled(const struct command_option *o, const char *arg)
{
	return (arg[0] == '-' && arg[1] == '-' && !strcmp(arg + 2, o->long_name)) ||
	       (o->short_name && arg[0] == '-' && arg[1] == o->short_name && !arg[2]);
}

static int usage_calls;

static void usage(const char *cmd)
{
	(void)cmd;
	usage_calls++;
}

/* command_options_handle() with stderr in a memfd: what it printed. */
static int handle(const struct table *t, int argc, char *out, size_t out_len,
		  size_t *printed)
{
	static int memfd = -1;
	int saved, ret;
	ssize_t n;

	if (memfd < 0)
		memfd = memfd_create("fuzz-stderr", 0);
	check(memfd >= 0);
	check(ftruncate(memfd, 0) == 0 && lseek(memfd, 0, SEEK_SET) == 0);
	fflush(stderr);
	saved = dup(2);
	check(saved >= 0 && dup2(memfd, 2) == 2);
	ret = command_options_handle(t->cmd, t->opts, argc, args, usage);
	fflush(stderr);
	check(dup2(saved, 2) == 2);
	close(saved);
	n = pread(memfd, out, out_len - 1, 0);
	check(n >= 0);
	out[n] = '\0';
	*printed = n;
	return ret;
}

static void fuzz_command(unsigned int which, int argc)
{
	struct table t;
	char err[OPT_ERR_LEN], out[2048];
	size_t printed;
	int ret, lines = 0;

	make_table(which, &t);
	err[0] = '\0';
	ret = command_options_parse(t.cmd, t.opts, argc, args, err, sizeof(err));
	check(ret == 0 || ret == 1 || ret == -EINVAL);
	if (ret == -EINVAL)
		check_reason(err);
	if (ret == 0) {
		for (unsigned int i = 0; t.opts[i].long_name; i++) {
			bool given = false;

			for (int a = 0; a < argc; a++)
				given |= spelled(&t.opts[i], args[a]);
			if (t.opts[i].flag) {
				check(!flags[i] || given);
				continue;
			}
			if (!vals[i])
				continue;
			/* A value is the word after its option's spelling. */
			check(given);
			for (int a = 0; a < argc; a++)
				if (vals[i] == args[a])
					check(a >= 1 && spelled(&t.opts[i], args[a - 1]));
			check(in_argv(vals[i]));
		}
	}

	/* The entry point the commands use: one line on error, the usage for
	 * --help, silence otherwise. */
	make_table(which, &t);
	usage_calls = 0;
	ret = handle(&t, argc, out, sizeof(out), &printed);
	for (size_t i = 0; i < printed; i++)
		lines += out[i] == '\n';
	if (ret == 1) {
		size_t n = strlen(err);

		/* The reason command_options_parse() gave, as one line. */
		check(lines == 1 && printed == 6 + n + 1);
		check(!strncmp(out, "lkvm: ", 6) && !strncmp(out + 6, err, n));
		check(usage_calls == 0);
	} else if (ret == 0) {
		check(printed == 0 && usage_calls == 1);
	} else {
		check(ret == -1 && printed == 0 && usage_calls == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t start = 1;
	uint8_t which;

	if (size < 1)
		return 0;
	which = data[0];
	nr_args = 0;
	/* Arguments end at NUL bytes; a last one without its NUL counts. */
	for (size_t i = 1; i <= size && nr_args < MAX_ARGS; i++) {
		if (i < size && data[i])
			continue;
		if (i == size && i == start)
			break;
		arg_len[nr_args] = i - start;
		args[nr_args] = malloc(i - start + 1);
		check(args[nr_args]);
		memcpy(args[nr_args], data + start, i - start);
		args[nr_args][i - start] = '\0';
		nr_args++;
		start = i + 1;
	}
	args[nr_args] = NULL;

	if (which % 8 < 4)
		fuzz_run(nr_args);
	else
		fuzz_command(which % 8 - 4, nr_args);

	for (int i = 0; i < nr_args; i++)
		free(args[i]);
	return 0;
}
