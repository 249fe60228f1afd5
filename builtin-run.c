// SPDX-License-Identifier: GPL-2.0
/* `lkvm run`: options -> struct vm_config -> the VM's life -> exit status. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "arm64/snapshot.h"
#include "arm64/vm.h"
#include "builtin.h"
#include "core/log.h"
#include "core/options.h"
#include "core/passt.h"
#include "sdei/sdei.h"

/*
 * With --restore, the snapshot's command line says what the VM is; the
 * command line given may rename it, choose how lkvm runs it, and give its
 * disks and NICs again (all of either, in the same number: a clone takes
 * its own copy of a disk, its own tap).
 */
static const char *const restore_takes[] = {
	"restore", "name", "loglevel", "sandbox", "debug", "debug-mmio", "disk", "network", "flash",
};

static int check_restore_words(int argc, char *argv[])
{
	for (int i = 0; i < argc; i++) {
		const char *word = argv[i], *name = run_option_word(argc, argv, &i, NULL);
		size_t t = 0;

		while (t < sizeof(restore_takes) / sizeof(restore_takes[0]) &&
		       (!name || strcmp(name, restore_takes[t])))
			t++;
		if (t == sizeof(restore_takes) / sizeof(restore_takes[0])) {
			pr_err("--restore: '%s' is not taken: the snapshot records the VM's configuration; only --name, --loglevel, --debug-mmio, --sandbox, -d/--disk, -n/--network and --flash go with it",
			       word);
			return -1;
		}
	}
	return 0;
}

/* How many disks and NICs the recorded command line makes. */
static int recorded_devices(struct snap_image *img, unsigned int *disks, unsigned int *nics)
{
	struct vm_config rec;
	char err[OPT_ERR_LEN];

	if (run_options_parse(&rec, img->nr_words, (char *const *)img->words, err, sizeof(err))) {
		pr_err("--restore %s: the recorded command line: %s", img->path, err);
		return -1;
	}
	*disks = rec.nr_disks;
	*nics = rec.nr_nics;
	return 0;
}

static bool given_again(const struct vm_config *given, const char *name)
{
	if (!strcmp(name, "disk"))
		return given->nr_disks;
	return !strcmp(name, "network") && (given->nr_nics || given->no_network);
}

/*
 * The snapshot's words, less the disks or NICs given again, then the
 * words given: later options win.
 */
static int restore_config(struct snap_image *img, int argc, char *argv[], char ***words,
			  struct vm_config *cfg)
{
	const struct vm_config given = *cfg;
	unsigned int disks, nics;
	char err[OPT_ERR_LEN];
	int n = 0;

	if (recorded_devices(img, &disks, &nics))
		return -1;
	if (given.nr_disks && given.nr_disks != disks) {
		pr_err("--restore %s: -d gives %u disks, the snapshot's VM has %u", img->path,
		       given.nr_disks, disks);
		return -1;
	}
	if (given_again(&given, "network") && given.nr_nics != nics) {
		pr_err("--restore %s: -n gives %u NICs, the snapshot's VM has %u", img->path,
		       given.nr_nics, nics);
		return -1;
	}
	*words = calloc(img->nr_words + argc + 1, sizeof(**words));
	if (!*words)
		return -1;
	for (int i = 0; i < img->nr_words; i++) {
		int first = i;
		const char *name = run_option_word(img->nr_words, (char *const *)img->words, &i, NULL);

		if (name && given_again(&given, name))
			continue;
		while (first <= i)
			(*words)[n++] = (char *)img->words[first++];
	}
	for (int i = 0; i < argc; i++)
		(*words)[n++] = argv[i];
	if (run_options_parse(cfg, n, *words, err, sizeof(err))) {
		pr_err("--restore %s: the recorded command line: %s", img->path, err);
		return -1;
	}
	if (cfg->flash_path && !cfg->firmware_path) {
		pr_err("--restore %s: --flash: holds UEFI variables, and the snapshot's VM has no --firmware",
		       img->path);
		return -1;
	}
	/* What sizing chose then, whatever this host would choose now. */
	cfg->nr_cpus = img->machine.nr_cpus;
	cfg->ram_size = img->machine.ram_size;
	/* The counter is the snapshot's, not offset again. */
	cfg->counter_offset_set = false;
	return 0;
}

/*
 * What a snapshot records of the command line: the words as given, but
 * each file an option names made absolute (a disk's ,ro and ,direct go
 * with its path), so that a restore run from another directory opens the
 * same files. The words and the paths made are in @rec, freed by the
 * caller.
 */
struct recorded_words {
	char **words;
	char **paths;
	int nr_paths;
};

static const char *const path_options[] = {
	"disk", "flash", "firmware", "kernel", "initrd", "hugetlbfs", "dev",
};

static bool names_a_file(const char *option)
{
	for (size_t i = 0; i < sizeof(path_options) / sizeof(path_options[0]); i++)
		if (!strcmp(option, path_options[i]))
			return true;
	return false;
}

/* @a @sep @b, a string of @rec's own; or NULL. */
static char *own(struct recorded_words *rec, const char *a, const char *sep, const char *b)
{
	char *s;

	if (asprintf(&s, "%s%s%s", a, sep, b) < 0)
		return NULL;
	return rec->paths[rec->nr_paths++] = s;
}

/*
 * kvmtool's default kernel, when no kernel, firmware or snapshot is
 * given: a kernel tree's arch/arm64/boot/Image in the current directory
 * (kvmtool looks in a tree too), else the host's own /boot/vmlinuz-RELEASE
 * with its initrd unless -i gave one. Said in one line; the paths, made
 * absolute for a snapshot's record, are @hk's.
 */
struct host_kernel {
	char kernel[PATH_MAX], initrd[PATH_MAX];
};

static int default_kernel(struct vm_config *cfg, struct host_kernel *hk)
{
	char boot[PATH_MAX], initrd[PATH_MAX];
	struct utsname u;

	if (!run_wants_default_kernel(cfg))
		return 0;
	if (uname(&u))
		return -1;
	snprintf(boot, sizeof(boot), "/boot/vmlinuz-%s", u.release);
	if (realpath("arch/arm64/boot/Image", hk->kernel)) {
		cfg->kernel_path = hk->kernel;
	} else if (!access(boot, R_OK) && realpath(boot, hk->kernel)) {
		cfg->kernel_path = hk->kernel;
		snprintf(initrd, sizeof(initrd), "/boot/initrd.img-%s", u.release);
		if (!cfg->initrd_path && !access(initrd, R_OK) && realpath(initrd, hk->initrd))
			cfg->initrd_path = hk->initrd;
	} else {
		pr_err("no kernel given (use -k/--kernel FILE), and neither arch/arm64/boot/Image here nor %s is there",
		       boot);
		return -1;
	}
	pr_info("kernel: %s, as no -k was given%s%s", cfg->kernel_path,
		cfg->initrd_path == hk->initrd ? "; initrd: " : "",
		cfg->initrd_path == hk->initrd ? hk->initrd : "");
	return 0;
}

/*
 * kvmtool's default NIC, user-mode: where passt is installed, and not for
 * a restore, which makes the NICs its snapshot records.
 */
static bool default_network(struct vm_config *cfg)
{
	if (cfg->restore_dir || !run_wants_default_network(cfg) || !passt_installed())
		return false;
	return !run_add_default_network(cfg);
}

static int record_absolute(struct vm_config *cfg, struct recorded_words *rec,
			   const struct host_kernel *hk, bool default_nic)
{
	char cwd[4096];
	int n = 0;

	rec->words = calloc(2 * cfg->argc + 7, sizeof(*rec->words));
	rec->paths = calloc(2 * cfg->argc + 1, sizeof(*rec->paths));
	if (!rec->words || !rec->paths || !getcwd(cwd, sizeof(cwd)))
		return -1;
	for (int i = 0; i < cfg->argc; i++) {
		int first = i;
		const char *value, *name = run_option_word(cfg->argc, cfg->argv, &i, &value);

		if (!name && cfg->argv[first][0] != '-') {
			name = "kernel";	/* kvmtool's bare kernel */
			value = cfg->argv[first];
		} else if (!name || !names_a_file(name)) {
			value = NULL;
		}
		if (!value || value[0] == '/' || !value[0]) {
			while (first <= i)
				rec->words[n++] = cfg->argv[first++];
			continue;
		}
		rec->words[n++] = own(rec, "--", "", name);
		rec->words[n++] = own(rec, cwd, "/", value);
		if (!rec->words[n - 2] || !rec->words[n - 1])
			return -1;
	}
	/* Defaults are recorded as given: a restore has them too. */
	for (int i = 0; default_nic && i < 2; i++)
		rec->words[n++] = (char *)run_default_network[i];
	if (cfg->kernel_path == hk->kernel) {
		rec->words[n++] = "--kernel";
		rec->words[n++] = (char *)hk->kernel;
	}
	if (cfg->initrd_path == hk->initrd) {
		rec->words[n++] = "--initrd";
		rec->words[n++] = (char *)hk->initrd;
	}
	cfg->argv = rec->words;
	cfg->argc = n;
	return 0;
}

static void recorded_free(struct recorded_words *rec)
{
	for (int i = 0; i < rec->nr_paths; i++)
		free(rec->paths[i]);
	free(rec->paths);
	free(rec->words);
}

int cmd_run(int argc, char *argv[])
{
	struct snap_image img, *restore = NULL;
	struct recorded_words rec = { 0 };
	struct host_kernel hk;
	struct vm_config cfg;
	char err[OPT_ERR_LEN];
	char **words = NULL;
	struct vm vm;
	int status = 1, ret;

	err[0] = '\0';
	ret = run_options_parse_words(&cfg, argc, argv, err, sizeof(err));
	if (!ret) {
		/* A search for the kernel may say what it found, or did not. */
		log_set_level(cfg.log_level);
		ret = default_kernel(&cfg, &hk) ?: run_options_check(&cfg, err, sizeof(err));
	}
	if (ret) {
		if (err[0])
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
	if (cfg.restore_dir) {
		if (check_restore_words(argc, argv))
			return 1;
		restore = &img;
		if (snap_image_open(&img, cfg.restore_dir) ||
		    restore_config(&img, argc, argv, &words, &cfg))
			goto out;
		log_set_level(cfg.log_level);
	}
	if (record_absolute(&cfg, &rec, &hk, default_network(&cfg))) {
		pr_err("run: cannot record the command line: %s", strerror(errno));
		goto out;
	}

	if (vm_init(&vm, &cfg, restore)) {
		vm_destroy(&vm);
		goto out;
	}
	status = vm_run(&vm);
	vm_destroy(&vm);
out:
	if (restore)
		snap_image_close(&img);
	recorded_free(&rec);
	free(words);
	return status;
}
