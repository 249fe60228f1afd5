/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_OPTIONS_H
#define LKVM_CORE_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/log.h"

#define MiB (1024ULL * 1024)
#define MIN_RAM_SIZE (64 * MiB)
#define OPT_ERR_LEN 256

enum irqchip_kind {
	IRQCHIP_AUTO,
	IRQCHIP_GICV2,
	IRQCHIP_GICV3,
};

enum console_kind {
	CONSOLE_SERIAL,
};

/* Everything `lkvm run` was asked for; 0/NULL means "use the default". */
struct vm_config {
	const char *kernel_path;
	const char *initrd_path;
	const char *params;
	const char *name;
	const char *dump_dtb_path;
	const char *kvm_dev_path;
	unsigned int nr_cpus;
	uint64_t ram_size;
	enum irqchip_kind irqchip;
	enum console_kind console;
	enum log_level log_level;
	bool nodefaults;
	bool pmu;
	bool sdei;
	bool ras;
	bool show_help;
};

/*
 * Parse the arguments after "run". Returns 0, or -EINVAL with a one-line
 * reason naming the option in @err. Never prints.
 */
int run_options_parse(struct vm_config *cfg, int argc, char *const argv[],
		      char *err, size_t err_len);
void run_options_usage(FILE *out);

/*
 * "512", "512M", "2G", "65536K": a size in bytes; a bare number counts in
 * units of @default_unit. Returns 0 or -EINVAL (not a size, or overflow).
 */
int parse_size(const char *str, uint64_t default_unit, uint64_t *out);

/*
 * A number for a command's option: decimal, 0x hex or 0 octal, no sign or
 * trailing text, at most @max. Returns 0 or -EINVAL.
 */
int parse_number(const char *str, uint64_t max, uint64_t *out);

/* An option of the commands other than run: --LONG or -S, a value or a flag. */
struct command_option {
	const char *long_name;	/* without the dashes */
	char short_name;	/* 0 for none */
	const char **value;	/* takes a value, kept here; or */
	bool *flag;		/* is a flag, set here */
};

/*
 * Parse the arguments after command @cmd against @opts (ended by an empty
 * entry). Returns 0, 1 when --help or -h came (parsing stops there), or
 * -EINVAL with a one-line reason naming the option in @err. Never prints.
 */
int command_options_parse(const char *cmd, const struct command_option *opts,
			  int argc, char *const argv[], char *err, size_t err_len);

#endif
