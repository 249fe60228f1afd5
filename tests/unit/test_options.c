// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/options.h"
#include "tests/unit/helpers.h"

#define MAX_ARGS 16

/* Parse a NULL-terminated list of words as `lkvm run` would get them. */
static int parse(struct vm_config *cfg, char *err, const char *first, ...)
{
	char *argv[MAX_ARGS];
	int argc = 0;
	va_list ap;

	va_start(ap, first);
	for (const char *w = first; w && argc < MAX_ARGS; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	err[0] = '\0';
	return run_options_parse(cfg, argc, argv, err, OPT_ERR_LEN);
}

static void test_short_long_and_equals_forms(void **state)
{
	struct vm_config cfg;
	char err[OPT_ERR_LEN];

	(void)state;
	assert_int_equal(parse(&cfg, err, "-k", "Image", "-i", "rd", "-p",
			       "console=ttyS0 quiet", "-c", "2", "-m", "512",
			       NULL), 0);
	assert_string_equal(cfg.kernel_path, "Image");
	assert_string_equal(cfg.initrd_path, "rd");
	assert_string_equal(cfg.params, "console=ttyS0 quiet");
	assert_int_equal(cfg.nr_cpus, 2);
	assert_int_equal(cfg.ram_size, 512 * MiB);

	assert_int_equal(parse(&cfg, err, "--kernel=Image", "--cpus=4",
			       "--mem=1G", "--name", "vm1", "--loglevel=debug",
			       "--irqchip", "gicv2", "--pmu", "--nodefaults",
			       "--console", "serial", "--dump-dtb", "out.dtb",
			       "--network", "mode=none", NULL), 0);
	assert_string_equal(cfg.kernel_path, "Image");
	assert_int_equal(cfg.nr_cpus, 4);
	assert_int_equal(cfg.ram_size, 1024 * MiB);
	assert_string_equal(cfg.name, "vm1");
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_int_equal(cfg.irqchip, IRQCHIP_GICV2);
	assert_true(cfg.pmu);
	assert_true(cfg.nodefaults);
	assert_string_equal(cfg.dump_dtb_path, "out.dtb");

	/* Glued short values and a bare kernel argument, as kvmtool takes. */
	assert_int_equal(parse(&cfg, err, "-c3", "-m256M", "Image", NULL), 0);
	assert_int_equal(cfg.nr_cpus, 3);
	assert_int_equal(cfg.ram_size, 256 * MiB);
	assert_string_equal(cfg.kernel_path, "Image");
}

/* The exact argv kvm-unit-tests' run script passes for the kvmtool target. */
static void test_kvm_unit_tests_command_line(void **state)
{
	struct vm_config cfg;
	char err[OPT_ERR_LEN];

	(void)state;
	assert_int_equal(parse(&cfg, err, "--kernel", "arm/selftest.flat",
			       "--cpus", "2", "--params", "setup smp=2 mem=256",
			       "--nodefaults", "--network", "mode=none",
			       "--loglevel=warning", "--mem", "256", "--initrd",
			       "/tmp/tmp.XXXX", NULL), 0);
	assert_string_equal(cfg.kernel_path, "arm/selftest.flat");
	assert_string_equal(cfg.params, "setup smp=2 mem=256");
	assert_true(cfg.nodefaults);
	assert_int_equal(cfg.log_level, LOG_WARNING);
	assert_int_equal(cfg.ram_size, 256 * MiB);
}

static void test_defaults_left_for_the_host(void **state)
{
	struct vm_config cfg;
	char err[OPT_ERR_LEN];

	(void)state;
	assert_int_equal(parse(&cfg, err, "-k", "Image", NULL), 0);
	assert_int_equal(cfg.nr_cpus, 0);
	assert_int_equal(cfg.ram_size, 0);
	assert_int_equal(cfg.irqchip, IRQCHIP_AUTO);
	assert_int_equal(cfg.log_level, LOG_INFO);
	assert_null(cfg.name);
	assert_false(cfg.nodefaults);
}

static void test_help(void **state)
{
	struct vm_config cfg;
	char err[OPT_ERR_LEN];
	char *text = NULL;
	size_t len = 0;
	FILE *out;

	(void)state;
	assert_int_equal(parse(&cfg, err, "--help", NULL), 0);
	assert_true(cfg.show_help);
	out = open_memstream(&text, &len);
	run_options_usage(out);
	fclose(out);
	assert_non_null(strstr(text, "The most commonly used"));
	/* Every option the issue names is documented. */
	static const char *const documented[] = {
		"-k, --kernel", "-i, --initrd", "-p, --params", "-c, --cpus",
		"-m, --mem", "--name", "--console", "--nodefaults",
		"-n, --network", "--loglevel", "--irqchip", "--pmu",
		"--dump-dtb", "--sdei", "--help",
	};
	for (size_t i = 0; i < ARRAY_SIZE(documented); i++)
		assert_non_null(strstr(text, documented[i]));
	free(text);
}

struct bad_case {
	const char *args[4];
	const char *message;
};

static const struct bad_case bad_cases[] = {
	{ { "-k", "I", "--cpus", "0" }, "--cpus 0: must be at least 1" },
	{ { "-k", "I", "-c", "two" }, "--cpus two: not a number of vCPUs" },
	{ { "-k", "I", "-c", "-1" }, "--cpus -1: not a number of vCPUs" },
	{ { "-k", "I", "-m", "32" }, "--mem 32: must be at least 64 MiB" },
	{ { "-k", "I", "-m", "63M" }, "--mem 63M: must be at least 64 MiB" },
	{ { "-k", "I", "-m", "lots" }, "--mem lots: not a size (a number of MiB, or a number followed by K, M, G or T)" },
	{ { "-k", "I", "-m", "12X" }, "--mem 12X: not a size (a number of MiB, or a number followed by K, M, G or T)" },
	{ { "-k", "I", "-m", "99999999999999999999" }, "--mem 99999999999999999999: not a size (a number of MiB, or a number followed by K, M, G or T)" },
	{ { "-k", "I", "-m", "100000K" }, "--mem 100000K: must be a whole number of MiB" },
	{ { "-k", "I", "--frobnicate" }, "unknown option '--frobnicate' (see lkvm run --help)" },
	{ { "-k", "I", "-z" }, "unknown option '-z' (see lkvm run --help)" },
	{ { "-k", "I", "--pmu=yes" }, "--pmu: takes no value" },
	{ { "-k", "I", "--mem" }, "--mem: needs a value (<size>)" },
	{ { "-k", "I", "-n", "mode=tap" }, "--network mode=tap: mode 'tap' is not supported (only mode=none is available)" },
	{ { "-k", "I", "-n", "mode=user" }, "--network mode=user: mode 'user' is not supported (only mode=none is available)" },
	{ { "-k", "I", "-n", "tapif=tap0" }, "--network tapif=tap0: unsupported parameter 'tapif=tap0' (only mode=none is available)" },
	{ { "-k", "I", "--console", "virtio" }, "--console virtio: only 'serial' is supported" },
	{ { "-k", "I", "--loglevel", "loud" }, "--loglevel loud: must be one of error, warning, info, debug" },
	{ { "-k", "I", "--irqchip", "gicv4" }, "--irqchip gicv4: must be one of auto, gicv2, gicv3" },
	{ { "-k", "I", "--name", "a/b" }, "--name 'a/b': must be 1 to 64 characters without '/'" },
	{ { "-k", "I", "Other" }, "unexpected argument 'Other' (the kernel is already I)" },
	{ { "-c", "1" }, "no kernel given (use -k/--kernel FILE)" },
	{ { "-k", "" }, "--kernel: needs a value (<kernel>)" },
	{ { "-k", "I", "--initrd=" }, "--initrd: needs a value (<initrd>)" },
};

static void test_every_bad_input_message(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		struct vm_config cfg;
		char err[OPT_ERR_LEN] = "";
		int argc = 0;

		while (argc < 4 && c->args[argc])
			argc++;
		assert_int_equal(run_options_parse(&cfg, argc, (char **)c->args,
						   err, sizeof(err)), -EINVAL);
		assert_string_equal(err, c->message);
		assert_null(strchr(err, '\n'));
	}
}

static void test_parse_size(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_size("512", MiB, &v), 0);
	assert_int_equal(v, 512 * MiB);
	assert_int_equal(parse_size("2g", MiB, &v), 0);
	assert_int_equal(v, 2048 * MiB);
	assert_int_equal(parse_size("65536K", MiB, &v), 0);
	assert_int_equal(v, 64 * MiB);
	assert_int_equal(parse_size("1T", MiB, &v), 0);
	assert_int_equal(v, 1024ULL * 1024 * MiB);
	assert_int_equal(parse_size("0", MiB, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(parse_size("", MiB, &v), -EINVAL);
	assert_int_equal(parse_size("-5", MiB, &v), -EINVAL);
	assert_int_equal(parse_size("5MB", MiB, &v), -EINVAL);
	assert_int_equal(parse_size("20000000T", MiB, &v), -EINVAL);
	assert_int_equal(parse_size(NULL, MiB, &v), -EINVAL);
}

static void test_parse_number(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(parse_number("17", UINT32_MAX, &v), 0);
	assert_int_equal(v, 17);
	assert_int_equal(parse_number("0x40a08000", UINT64_MAX, &v), 0);
	assert_int_equal(v, 0x40a08000);
	assert_int_equal(parse_number("0xffffffffffffffff", UINT64_MAX, &v), 0);
	assert_int_equal(v, UINT64_MAX);
	assert_int_equal(parse_number("100000", 100000, &v), 0);
	assert_int_equal(parse_number("100001", 100000, &v), -EINVAL);
	assert_int_equal(parse_number("0x100000000", UINT32_MAX, &v), -EINVAL);
	assert_int_equal(parse_number("0x10000000000000000", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(parse_number("-1", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(parse_number("zz", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(parse_number("12x", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(parse_number("", UINT64_MAX, &v), -EINVAL);
	assert_int_equal(parse_number(NULL, UINT64_MAX, &v), -EINVAL);
}

static void test_command_options(void **state)
{
	const char *name, *signal;
	bool all;
	const struct command_option opts[] = {
		{ "name", 'n', &name, NULL },
		{ "signal", 0, &signal, NULL },
		{ "all", 'a', NULL, &all },
		{ NULL },
	};
	char err[OPT_ERR_LEN];

	(void)state;
#define PARSE(...) ({								\
	char *argv[] = { __VA_ARGS__ };						\
	name = signal = NULL;							\
	all = false;								\
	err[0] = '\0';								\
	command_options_parse("stop", opts, ARRAY_SIZE(argv), argv, err, sizeof(err)); \
})
	assert_int_equal(PARSE("--name", "vm1", "--signal", "16"), 0);
	assert_string_equal(name, "vm1");
	assert_string_equal(signal, "16");
	assert_false(all);
	assert_int_equal(PARSE("-n", "vm2", "-a"), 0);
	assert_string_equal(name, "vm2");
	assert_true(all);
	/* a value that looks like an option is still the value */
	assert_int_equal(PARSE("--name", "--all"), 0);
	assert_string_equal(name, "--all");
	assert_false(all);
	assert_int_equal(PARSE("--all", "--help", "--bogus"), 1);
	assert_int_equal(PARSE("-h"), 1);
	assert_int_equal(PARSE("--bogus", "--help"), -EINVAL);
	assert_string_equal(err, "stop: unknown option '--bogus' (see lkvm stop --help)");
	assert_int_equal(PARSE("-s", "16"), -EINVAL);
	assert_string_equal(err, "stop: unknown option '-s' (see lkvm stop --help)");
	assert_int_equal(PARSE("-nvm"), -EINVAL);
	assert_string_equal(err, "stop: unknown option '-nvm' (see lkvm stop --help)");
	assert_int_equal(PARSE("all"), -EINVAL);
	assert_string_equal(err, "stop: unknown option 'all' (see lkvm stop --help)");
	assert_int_equal(PARSE("-a", "--name"), -EINVAL);
	assert_string_equal(err, "stop: --name: needs a value");
#undef PARSE
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_long_and_equals_forms),
		cmocka_unit_test(test_kvm_unit_tests_command_line),
		cmocka_unit_test(test_defaults_left_for_the_host),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_every_bad_input_message),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_number),
		cmocka_unit_test(test_command_options),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
