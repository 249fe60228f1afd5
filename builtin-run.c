// SPDX-License-Identifier: GPL-2.0
/* `lkvm run`: options -> struct vm_config -> the VM's life -> exit status. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arm64/snapshot.h"
#include "arm64/vm.h"
#include "builtin.h"
#include "core/log.h"
#include "core/options.h"
#include "sdei/sdei.h"

/*
 * With --restore, the snapshot's command line says what the VM is; the
 * command line given may only rename it and choose how lkvm runs it.
 */
static const struct {
	const char *name;
	bool value;
} restore_takes[] = {
	{ "restore", true }, { "name", true }, { "loglevel", true }, { "sandbox", true },
	{ "debug", false }, { "debug-mmio", false },
};

static int check_restore_words(int argc, char *argv[])
{
	for (int i = 0; i < argc; i++) {
		const char *word = argv[i];
		size_t n = strcspn(word + 2, "="), t = 0;

		while (t < sizeof(restore_takes) / sizeof(restore_takes[0]) &&
		       (word[0] != '-' || word[1] != '-' || strlen(restore_takes[t].name) != n ||
			strncmp(word + 2, restore_takes[t].name, n)))
			t++;
		if (t == sizeof(restore_takes) / sizeof(restore_takes[0])) {
			pr_err("--restore: '%s' is not taken: the snapshot records the VM's configuration; only --name, --loglevel, --debug-mmio and --sandbox go with it",
			       word);
			return -1;
		}
		if (restore_takes[t].value && !word[2 + n])
			i++;	/* its value */
	}
	return 0;
}

/* The snapshot's words, then the ones given: later options win. */
static int restore_config(struct snap_image *img, int argc, char *argv[], char ***words,
			  struct vm_config *cfg)
{
	char err[OPT_ERR_LEN];
	int n = img->nr_words + argc;

	*words = calloc(n + 1, sizeof(**words));
	if (!*words)
		return -1;
	for (int i = 0; i < img->nr_words; i++)
		(*words)[i] = (char *)img->words[i];
	for (int i = 0; i < argc; i++)
		(*words)[img->nr_words + i] = argv[i];
	if (run_options_parse(cfg, n, *words, err, sizeof(err))) {
		pr_err("--restore %s: the recorded command line: %s", img->path, err);
		return -1;
	}
	/* What sizing chose then, whatever this host would choose now. */
	cfg->nr_cpus = img->machine.nr_cpus;
	cfg->ram_size = img->machine.ram_size;
	/* The counter is the snapshot's, not offset again. */
	cfg->counter_offset_set = false;
	return 0;
}

int cmd_run(int argc, char *argv[])
{
	struct snap_image img, *restore = NULL;
	struct vm_config cfg;
	char err[OPT_ERR_LEN];
	char **words = NULL;
	struct vm vm;
	int status = 1;

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
	if (cfg.restore_dir) {
		if (check_restore_words(argc, argv))
			return 1;
		restore = &img;
		if (snap_image_open(&img, cfg.restore_dir) ||
		    restore_config(&img, argc, argv, &words, &cfg))
			goto out;
		log_set_level(cfg.log_level);
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
	free(words);
	return status;
}
