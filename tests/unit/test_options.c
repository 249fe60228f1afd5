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
	assert_false(cfg.nested);
	assert_true(cfg.nodefaults);
	assert_string_equal(cfg.dump_dtb_path, "out.dtb");
	assert_int_equal(parse(&cfg, err, "-k", "I", "--nested", NULL), 0);
	assert_true(cfg.nested);
	/* UEFI may boot whatever it finds without -k; -F is the store. */
	assert_int_equal(parse(&cfg, err, "-f", "F", "-F", "V", "--dump-acpi", "D", NULL), 0);
	assert_string_equal(cfg.firmware_path, "F");
	assert_string_equal(cfg.flash_path, "V");
	assert_string_equal(cfg.dump_acpi_dir, "D");
	assert_null(cfg.kernel_path);

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
	assert_false(cfg.no_sandbox);
	assert_int_equal(cfg.sandbox_selftest, SANDBOX_NONE);
}

static void test_kvmtool_arm64_options(void **state)
{
	struct vm_config cfg;
	char err[OPT_ERR_LEN];

	(void)state;
	assert_int_equal(parse(&cfg, err, "-k", "I", NULL), 0);
	assert_false(cfg.aarch32 || cfg.disable_mte || cfg.no_pvtime || cfg.has_affinity ||
		     cfg.kaslr_seed_set || cfg.counter_offset_set || cfg.debug_mmio);
	assert_int_equal(cfg.sve_max_vl, 0);
	assert_int_equal(parse(&cfg, err, "-k", "I", "--aarch32", NULL), 0);
	assert_true(cfg.aarch32);
	assert_int_equal(parse(&cfg, err, "-k", "I", "--disable-mte", "--no-pvtime",
			       "--sve-max-vl", "512", "--counter-offset", "0x1000",
			       "--kaslr-seed=7", "--override-bad-firmware-cntfrq", "24000000",
			       "--vcpu-affinity", "0-2,5,064-65", NULL), 0);
	assert_true(cfg.disable_mte && cfg.no_pvtime);
	assert_int_equal(cfg.sve_max_vl, 512);
	assert_true(cfg.counter_offset_set);
	assert_int_equal(cfg.counter_offset, 0x1000);
	assert_true(cfg.kaslr_seed_set);
	assert_int_equal(cfg.kaslr_seed, 7);
	assert_int_equal(cfg.cntfrq, 24000000);
	assert_true(cfg.has_affinity);
	/* CPUs 0-2, 5, 64 and 65, and no other */
	assert_int_equal(CPU_COUNT(&cfg.vcpu_affinity), 6);
	for (int cpu = 0; cpu < 3; cpu++)
		assert_true(CPU_ISSET(cpu, &cfg.vcpu_affinity));
	assert_true(CPU_ISSET(5, &cfg.vcpu_affinity));
	assert_true(CPU_ISSET(64, &cfg.vcpu_affinity));
	assert_true(CPU_ISSET(65, &cfg.vcpu_affinity));
	/* kvmtool's older spellings, and its options that change nothing here */
	assert_int_equal(parse(&cfg, err, "-k", "I", "--virtio-transport", "mmio", "--force-pci",
			       "--debug", "--no-dhcp", "--debug-ioport", "--debug-mmio",
			       "--debug-single-step", "--nested", "--e2h0",
			       "--hugetlbfs", "/dev/hugepages", NULL), 0);
	assert_int_equal(cfg.transport, VIRTIO_PCI);
	assert_int_equal(cfg.log_level, LOG_DEBUG);
	assert_true(cfg.no_dhcp && cfg.debug_ioport && cfg.debug_mmio && cfg.debug_single_step);
	assert_true(cfg.e2h0);
	assert_string_equal(cfg.hugetlbfs_path, "/dev/hugepages");
}

static void test_sandbox(void **state)
{
	struct vm_config cfg;
	char err[OPT_ERR_LEN];

	(void)state;
	assert_int_equal(parse(&cfg, err, "-k", "I", "--sandbox=off", NULL), 0);
	assert_true(cfg.no_sandbox);
	assert_int_equal(parse(&cfg, err, "-k", "I", "--sandbox", "off", "--sandbox", "on",
			       "--sandbox-selftest", "vcpu", NULL), 0);
	assert_false(cfg.no_sandbox);
	assert_int_equal(cfg.sandbox_selftest, SANDBOX_VCPU);
	assert_int_equal(parse(&cfg, err, "-k", "I", "--sandbox-selftest=main", NULL), 0);
	assert_int_equal(cfg.sandbox_selftest, SANDBOX_MAIN);
}

static void test_disks(void **state)
{
	struct vm_config cfg;
	char err[OPT_ERR_LEN];

	(void)state;
	assert_int_equal(parse(&cfg, err, "-k", "I", "-d", "root.img", "--disk",
			       "data.img,ro", "-d", "fast.img,direct,ro", NULL), 0);
	assert_int_equal(cfg.nr_disks, 3);
	assert_int_equal(cfg.disks[0].path_len, 8);
	assert_memory_equal(cfg.disks[0].path, "root.img", 8);
	assert_false(cfg.disks[0].ro || cfg.disks[0].direct);
	assert_int_equal(cfg.disks[1].path_len, 8);
	assert_true(cfg.disks[1].ro);
	assert_false(cfg.disks[1].direct);
	assert_true(cfg.disks[2].ro && cfg.disks[2].direct);

	/* The ninth is one too many. */
	assert_int_equal(parse(&cfg, err, "-k", "I", "-d", "1", "-d", "2", "-d",
			       "3", "-d", "4", "-d", "5", "-d", "6", "-d", "7",
			       NULL), 0);
	{
		char *argv[] = { "-k", "I", "-d", "1", "-d", "2", "-d", "3",
				 "-d", "4", "-d", "5", "-d", "6", "-d", "7",
				 "-d", "8", "-d", "9" };

		assert_int_equal(run_options_parse(&cfg, ARRAY_SIZE(argv), argv,
						   err, OPT_ERR_LEN), -EINVAL);
		assert_string_equal(err, "--disk 9: at most 8 disks");
	}
}

/* No kernel: the words parse, lkvm run may look for one, the check refuses. */
static void test_default_kernel_step(void **state)
{
	char *none[] = { "-c", "1", "-p", "quiet" }, *fw[] = { "--firmware", "F" };
	char *help[] = { "--help" };
	struct vm_config cfg;
	char err[OPT_ERR_LEN];

	(void)state;
	assert_int_equal(run_options_parse_words(&cfg, 4, none, err, sizeof(err)), 0);
	assert_true(run_wants_default_kernel(&cfg));
	assert_int_equal(run_options_check(&cfg, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "no kernel given (use -k/--kernel FILE)");
	cfg.kernel_path = "/boot/vmlinuz";
	assert_int_equal(run_options_check(&cfg, err, sizeof(err)), 0);
	assert_int_equal(run_options_parse_words(&cfg, 2, fw, err, sizeof(err)), 0);
	assert_false(run_wants_default_kernel(&cfg));
	assert_int_equal(run_options_parse_words(&cfg, 1, help, err, sizeof(err)), 0);
	assert_false(run_wants_default_kernel(&cfg));
}

static void test_network_and_transport(void **state)
{
	static const uint8_t mac0[6] = { 2, 0x15, 0x15, 0x15, 0x15, 0x15 };
	static const uint8_t mac1[6] = { 0x52, 0x54, 0, 0x12, 0xab, 0xCD };
	struct vm_config cfg;
	char err[OPT_ERR_LEN];

	(void)state;
	/* No -n: no NIC here; lkvm run adds a user-mode one where passt is. */
	assert_int_equal(parse(&cfg, err, "-k", "I", NULL), 0);
	assert_int_equal(cfg.nr_nics, 0);
	assert_int_equal(cfg.transport, VIRTIO_PCI);
	assert_int_equal(cfg.console, CONSOLE_SERIAL);

	/* Without mode= it is tap; trans= wins over --virtio-transport. */
	assert_int_equal(parse(&cfg, err, "-k", "I", "-n", "tapif=tap7",
			       "-n", "mode=tap,guest_mac=52:54:00:12:ab:CD,host_ip=10.1.2.3,trans=pci",
			       "--virtio-transport", "mmio", "--console",
			       "virtio", "--rng", NULL), 0);
	assert_int_equal(cfg.nr_nics, 2);
	assert_string_equal(cfg.nics[0].tapif, "tap7");
	assert_memory_equal(cfg.nics[0].guest_mac, mac0, 6);
	assert_int_equal(cfg.nics[0].host_ip, 0xc0a82101);
	assert_int_equal(cfg.nics[0].transport, VIRTIO_MMIO);
	assert_string_equal(cfg.nics[1].tapif, "");
	assert_memory_equal(cfg.nics[1].guest_mac, mac1, 6);
	assert_int_equal(cfg.nics[1].host_ip, 0x0a010203);
	assert_int_equal(cfg.nics[1].transport, VIRTIO_PCI);
	assert_int_equal(cfg.transport, VIRTIO_MMIO);
	assert_int_equal(cfg.console, CONSOLE_VIRTIO);
	assert_true(cfg.rng);

	/* mode=user with QEMU's hostfwd; no host address is 127.0.0.1. */
	assert_int_equal(parse(&cfg, err, "-k", "I", "-n",
			       "mode=user,hostfwd=tcp::2222-:22,hostfwd=udp:0.0.0.0:5353-:53", NULL), 0);
	assert_int_equal(cfg.nr_nics, 1);
	assert_int_equal(cfg.nics[0].mode, NET_MODE_USER);
	assert_int_equal(cfg.nics[0].nr_fwds, 2);
	assert_false(cfg.nics[0].fwds[0].udp);
	assert_int_equal(cfg.nics[0].fwds[0].host_ip, 0x7f000001);
	assert_int_equal(cfg.nics[0].fwds[0].host_port, 2222);
	assert_int_equal(cfg.nics[0].fwds[0].guest_port, 22);
	assert_true(cfg.nics[0].fwds[1].udp);
	assert_int_equal(cfg.nics[0].fwds[1].host_ip, 0);
	assert_int_equal(cfg.nics[0].fwds[1].host_port, 5353);
	assert_int_equal(cfg.nics[0].fwds[1].guest_port, 53);
	/* The same port for tcp and udp is two forwards. */
	assert_int_equal(parse(&cfg, err, "-k", "I", "-n",
			       "mode=user,hostfwd=tcp::53-:53,hostfwd=udp::53-:53", NULL), 0);
	assert_int_equal(cfg.nics[0].nr_fwds, 2);

	assert_int_equal(parse(&cfg, err, "-k", "I", "--vsock", "4294967294", NULL), 0);
	assert_int_equal(cfg.vsock_cid, 4294967294ull);

	/* --fs: tags hostfs, hostfs1, ... unless given; a tag of 36. */
	assert_int_equal(parse(&cfg, err, "-k", "I", "--fs", "/src", "--fs", "/b,ro",
			       "--fs", "/c,tag=012345678901234567890123456789012345,ro", NULL), 0);
	assert_int_equal(cfg.nr_fs, 3);
	assert_string_equal(cfg.fs[0].path, "/src");
	assert_string_equal(cfg.fs[0].tag, "hostfs");
	assert_false(cfg.fs[0].ro);
	assert_string_equal(cfg.fs[1].tag, "hostfs1");
	assert_true(cfg.fs[1].ro);
	assert_string_equal(cfg.fs[2].path, "/c");
	assert_string_equal(cfg.fs[2].tag, "012345678901234567890123456789012345");
	assert_int_equal(parse(&cfg, err, "-k", "I", "--fs", "/a", "--fs", "/b,tag=hostfs", NULL),
			 -EINVAL);
	assert_string_equal(err, "--fs /b,tag=hostfs: the tag 'hostfs' is another folder's");

	/* kvmtool's -d DIR: the folder is the root, tagged root; a file is a disk. */
	assert_int_equal(parse(&cfg, err, "-k", "I", "-d", "/tmp", "-d", "disk.img", "--fs",
			       "/src", NULL), 0);
	assert_true(cfg.fs_root);
	assert_int_equal(cfg.nr_disks, 1);
	assert_int_equal(cfg.nr_fs, 2);
	assert_string_equal(cfg.fs[0].path, "/tmp");
	assert_string_equal(cfg.fs[0].tag, "root");
	assert_false(cfg.fs[0].ro);
	assert_string_equal(cfg.fs[1].tag, "hostfs1");
	assert_int_equal(parse(&cfg, err, "-k", "I", "-d", "/tmp,ro", NULL), 0);
	assert_true(cfg.fs[0].ro);
	assert_int_equal(parse(&cfg, err, "-k", "I", "--fs", "/a,tag=root", "-d", "/tmp", NULL),
			 -EINVAL);
	assert_string_equal(err, "--disk /tmp: the tag 'root' is another folder's");
	assert_int_equal(parse(&cfg, err, "-k", "I", "-d", "/tmp", "-d", "/", NULL), -EINVAL);
	assert_string_equal(err, "--disk /: one folder can be the root; share others with --fs");

	/* mode=none turns every NIC off, wherever it comes. */
	assert_int_equal(parse(&cfg, err, "-k", "I", "-n", "mode=tap",
			       "-n", "mode=none", NULL), 0);
	assert_int_equal(cfg.nr_nics, 0);
	assert_true(cfg.no_network);

	assert_int_equal(parse(&cfg, err, "-k", "I", "--irqchip=gicv3-its", NULL), 0);
	assert_int_equal(cfg.irqchip, IRQCHIP_GICV3_ITS);
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
		"--dump-dtb", "--sdei", "--help", "-d, --disk", "--rng",
		"--virtio-transport", "--nested", "-f, --firmware", "-F, --flash",
		"--dump-acpi", "--sandbox", "--sandbox-selftest", "--no-pvpanic",
		"--aarch32", "--disable-mte", "--sve-max-vl", "--no-pvtime",
		"--counter-offset", "--vcpu-affinity", "--kaslr-seed", "--force-pci",
		"--hugetlbfs", "--no-dhcp", "--debug-mmio", "--debug-single-step",
		"--override-bad-firmware-cntfrq", "--e2h0", "--debug", "--debug-ioport",
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
	{ { "-k", "I", "--nested", "--irqchip=gicv2" }, "--nested: needs a GICv3 (KVM gives EL2 only to GICv3 guests), not --irqchip gicv2" },
	{ { "-k", "I", "--mem" }, "--mem: needs a value (<size>)" },
	{ { "-k", "I", "--vsock", "2" }, "--vsock 2: a guest's context ID is 3 to 4294967294 (0 to 2 are the hypervisor's, local and the host's)" },
	{ { "-k", "I", "--vsock", "4294967295" }, "--vsock 4294967295: a guest's context ID is 3 to 4294967294 (0 to 2 are the hypervisor's, local and the host's)" },
	{ { "-k", "I", "--vsock", "three" }, "--vsock three: a guest's context ID is 3 to 4294967294 (0 to 2 are the hypervisor's, local and the host's)" },
	{ { "-k", "I", "-n", "mode=vde" }, "--network mode=vde: mode 'vde' is unknown (user, tap or none)" },
	{ { "-k", "I", "-n", "vhost=1" }, "--network vhost=1: unknown parameter 'vhost' (mode, tapif, guest_mac, host_ip, hostfwd and trans are known)" },
	{ { "-k", "I", "-n", "mode=user,tapif=tap0" }, "--network mode=user,tapif=tap0: tapif and host_ip are for mode=tap" },
	{ { "-k", "I", "-n", "host_ip=10.0.0.1,mode=user" }, "--network host_ip=10.0.0.1,mode=user: tapif and host_ip are for mode=tap" },
	{ { "-k", "I", "-n", "hostfwd=tcp::22-:22" }, "--network hostfwd=tcp::22-:22: hostfwd is for mode=user" },
	{ { "-k", "I", "-n", "mode=user,hostfwd=tcp::2222-:22,hostfwd=tcp:0.0.0.0:2222-:23" }, "--network mode=user,hostfwd=tcp::2222-:22,hostfwd=tcp:0.0.0.0:2222-:23: tcp port 2222 is forwarded twice" },
	{ { "-k", "I", "-n", "mode=user,hostfwd=sctp::1-:1" }, "--network mode=user,hostfwd=sctp::1-:1: hostfwd must be tcp|udp:[HOST_IP]:PORT-:GUEST_PORT, like tcp:127.0.0.1:2222-:22" },
	{ { "-k", "I", "-n", "mode=user,hostfwd=tcp::2222-10.0.2.15:22" }, "--network mode=user,hostfwd=tcp::2222-10.0.2.15:22: hostfwd must be tcp|udp:[HOST_IP]:PORT-:GUEST_PORT, like tcp:127.0.0.1:2222-:22" },
	{ { "-k", "I", "-n", "mode=user,hostfwd=tcp::0-:22" }, "--network mode=user,hostfwd=tcp::0-:22: hostfwd must be tcp|udp:[HOST_IP]:PORT-:GUEST_PORT, like tcp:127.0.0.1:2222-:22" },
	{ { "-k", "I", "-n", "mode=user,hostfwd=tcp::2222-:65536" }, "--network mode=user,hostfwd=tcp::2222-:65536: hostfwd must be tcp|udp:[HOST_IP]:PORT-:GUEST_PORT, like tcp:127.0.0.1:2222-:22" },
	{ { "-k", "I", "-n", "mode=user,hostfwd=tcp:localhost:2222-:22" }, "--network mode=user,hostfwd=tcp:localhost:2222-:22: hostfwd must be tcp|udp:[HOST_IP]:PORT-:GUEST_PORT, like tcp:127.0.0.1:2222-:22" },
	{ { "-k", "I", "-n", "mode=user,hostfwd=tcp::2222" }, "--network mode=user,hostfwd=tcp::2222: hostfwd must be tcp|udp:[HOST_IP]:PORT-:GUEST_PORT, like tcp:127.0.0.1:2222-:22" },
	{ { "-k", "I", "-n", "mode=user,hostfwd=tcp::1-:1,hostfwd=tcp::2-:1,hostfwd=tcp::3-:1,hostfwd=tcp::4-:1,hostfwd=tcp::5-:1,hostfwd=tcp::6-:1,hostfwd=tcp::7-:1,hostfwd=tcp::8-:1,hostfwd=tcp::9-:1" }, "--network mode=user,hostfwd=tcp::1-:1,hostfwd=tcp::2-:1,hostfwd=tcp::3-:1,hostfwd=tcp::4-:1,hostfwd=tcp::5-:1,hostfwd=tcp::6-:1,hostfwd=tcp::7-:1,hostfwd=tcp::8-:1,hostfwd=tcp::9-:1: at most 8 hostfwd" },
	{ { "-k", "I", "-n", "tap" }, "--network tap: 'tap' is not key=value" },
	{ { "-k", "I", "-n", "tapif=" }, "--network tapif=: tapif must be 1 to 15 characters without '/'" },
	{ { "-k", "I", "-n", "tapif=sixteen_chars_xx" }, "--network tapif=sixteen_chars_xx: tapif must be 1 to 15 characters without '/'" },
	{ { "-k", "I", "-n", "guest_mac=02:15:15:15:15" }, "--network guest_mac=02:15:15:15:15: guest_mac must be six hex bytes like 02:15:15:15:15:15, not multicast" },
	{ { "-k", "I", "-n", "guest_mac=02:15:15:15:15:1g" }, "--network guest_mac=02:15:15:15:15:1g: guest_mac must be six hex bytes like 02:15:15:15:15:15, not multicast" },
	{ { "-k", "I", "-n", "guest_mac=01:00:5e:00:00:01" }, "--network guest_mac=01:00:5e:00:00:01: guest_mac must be six hex bytes like 02:15:15:15:15:15, not multicast" },
	{ { "-k", "I", "-n", "host_ip=10.0.0.256" }, "--network host_ip=10.0.0.256: host_ip must be an IPv4 address" },
	{ { "-k", "I", "-n", "trans=ccw" }, "--network trans=ccw: trans must be pci or mmio" },
	{ { "-k", "I", "--console", "hv" }, "--console hv: kvmtool's PowerPC hypervisor console; lkvm has serial or virtio" },
	{ { "-k", "I", "--console", "8250" }, "--console 8250: must be serial or virtio" },
	{ { "-k", "I", "--aarch32", "-m3073" }, "--mem: a 32-bit guest's RAM must end below 4 GiB (at most 3072 MiB), so not with --aarch32" },
	{ { "-k", "I", "--virtio-transport", "pci-legacy" }, "--virtio-transport pci-legacy: must be pci or mmio" },
	{ { "-k", "I", "-d", ",ro" }, "--disk ,ro: no file name" },
	{ { "-k", "I", "-d", "a.img,rw" }, "--disk a.img,rw: unknown flag 'rw' (ro and direct are known)" },
	{ { "-k", "I", "-d", "a.img,ro," }, "--disk a.img,ro,: unknown flag '' (ro and direct are known)" },
	{ { "-k", "I", "--rng=yes" }, "--rng: takes no value" },
	{ { "-k", "I", "--loglevel", "loud" }, "--loglevel loud: must be one of error, warning, info, debug" },
	{ { "-k", "I", "--irqchip", "gicv4" }, "--irqchip gicv4: must be one of auto, gicv2, gicv3, gicv3-its" },
	{ { "-k", "I", "--name", "a/b" }, "--name 'a/b': must be 1 to 64 characters without '/'" },
	{ { "-k", "I", "Other" }, "unexpected argument 'Other' (the kernel is already I)" },
	{ { "-c", "1" }, "no kernel given (use -k/--kernel FILE)" },
	{ { "-k", "" }, "--kernel: needs a value (<kernel>)" },
	{ { "-k", "I", "--initrd=" }, "--initrd: needs a value (<initrd>)" },
	{ { "-k", "I", "--flash", "V" }, "--flash: holds UEFI variables, so needs --firmware" },
	{ { "-k", "I", "--dump-acpi", "D" }, "--dump-acpi: lkvm makes ACPI tables only for --firmware" },
	{ { "--firmware", "F", "-i", "R" }, "--initrd: needs a kernel (-k) to go with it" },
	{ { "--firmware", "F", "-p", "quiet" }, "--params: needs a kernel (-k) to go with it" },
	{ { "-f", "F", "--nested" }, "--nested: the UEFI firmware runs at EL1 only, so not with --firmware" },
	{ { "-f", "F", "-m", "127" }, "--mem: UEFI firmware needs at least 128 MiB" },
	{ { "-k", "I", "--sandbox", "init.sh" }, "--sandbox init.sh: must be on or off (lkvm's sandbox is its seccomp filter, not kvmtool's rootfs script)" },
	{ { "-k", "I", "--sve-max-vl", "100" }, "--sve-max-vl 100: must be a multiple of 128 bits, from 128 to 2048" },
	{ { "-k", "I", "--sve-max-vl", "4096" }, "--sve-max-vl 4096: must be a multiple of 128 bits, from 128 to 2048" },
	{ { "-k", "I", "--sve-max-vl", "0" }, "--sve-max-vl 0: must be a multiple of 128 bits, from 128 to 2048" },
	{ { "-k", "I", "--counter-offset", "-5" }, "--counter-offset -5: not a number of counter ticks (decimal, 0x hex or 0 octal; 64 bits)" },
	{ { "-k", "I", "--counter-offset", "0x10000000000000000" }, "--counter-offset 0x10000000000000000: not a number of counter ticks (decimal, 0x hex or 0 octal; 64 bits)" },
	{ { "-k", "I", "--kaslr-seed", "random" }, "--kaslr-seed random: not a 64-bit number (decimal, 0x hex or 0 octal)" },
	{ { "-k", "I", "--override-bad-firmware-cntfrq", "0" }, "--override-bad-firmware-cntfrq 0: not a frequency in Hz (1 to 4294967295)" },
	{ { "-k", "I", "--vcpu-affinity", "3-1" }, "--vcpu-affinity 3-1: not a CPU list like 0-3,6 (CPUs 0 to 1023)" },
	{ { "-k", "I", "--vcpu-affinity", "0,,1" }, "--vcpu-affinity 0,,1: not a CPU list like 0-3,6 (CPUs 0 to 1023)" },
	{ { "-k", "I", "--vcpu-affinity", "1024" }, "--vcpu-affinity 1024: not a CPU list like 0-3,6 (CPUs 0 to 1023)" },
	{ { "-k", "I", "--vcpu-affinity", "0-" }, "--vcpu-affinity 0-: not a CPU list like 0-3,6 (CPUs 0 to 1023)" },
	{ { "-k", "I", "--vcpu-affinity", "1," }, "--vcpu-affinity 1,: not a CPU list like 0-3,6 (CPUs 0 to 1023)" },
	{ { "-k", "I", "--e2h0" }, "--e2h0: shapes the guest's EL2, so needs --nested" },
	{ { "-k", "I", "--nested", "--sve-max-vl=256" }, "--sve-max-vl: KVM gives a guest hypervisor no SVE, so not with --nested" },
	{ { "-k", "I", "--aarch32", "--sdei" }, "--sdei: SDEI clients run in AArch64 (DEN0054), so not with --aarch32" },
	{ { "-k", "I", "--aarch32", "--ras" }, "--ras: lkvm raises errors in AArch64 guests only, so not with --aarch32" },
	{ { "-k", "I", "--aarch32", "--sve-max-vl=128" }, "--sve-max-vl: a 32-bit guest has no SVE, so not with --aarch32" },
	{ { "-f", "F", "--aarch32" }, "--firmware: Debian's UEFI build is 64-bit, so not with --aarch32" },
	{ { "-k", "I", "--firmware-address", "0" }, "--firmware-address: kvmtool's option, not lkvm's: lkvm's --firmware is UEFI in flash at 0, not a binary loaded into RAM" },
	{ { "-k", "I", "--irqchip", "gicv2m" }, "--irqchip gicv2m: lkvm has no GICv2m MSI frame; gicv3-its gives MSIs" },
	{ { "-k", "I", "-m", "512@0x80000000" }, "--mem 512@0x80000000: lkvm's RAM starts at 0x40000000, as in QEMU's virt, and cannot be moved with @" },
	{ { "-k", "I", "--sandbox-selftest", "all" }, "--sandbox-selftest all: must be main, io, vcpu or fs" },
	{ { "-k", "I", "--sandbox-selftest", "fs" }, "--sandbox-selftest fs: the virtio-fs thread runs only with --fs" },
	{ { "-k", "I", "--fs", "" }, "--fs : no folder given" },
	{ { "-k", "I", "--fs", "/a,tag=" }, "--fs /a,tag=: a tag is 1 to 36 visible ASCII characters" },
	{ { "-k", "I", "--fs", "/a,tag=a b" }, "--fs /a,tag=a b: a tag is 1 to 36 visible ASCII characters" },
	{ { "-k", "I", "--fs", "/a,tag=0123456789012345678901234567890123456" }, "--fs /a,tag=0123456789012345678901234567890123456: a tag is 1 to 36 visible ASCII characters" },
	{ { "-k", "I", "--fs", "/a,rw" }, "--fs /a,rw: unknown flag 'rw' (tag= and ro are known)" },
	{ { "-k", "I", "-d", "/tmp,direct" }, "--disk /tmp,direct: a folder takes only the flag ro" },
	{ { "-k", "I", "--balloon", "--hugetlbfs=/x" }, "--balloon: the host takes back only whole huge pages of a file, so not with --hugetlbfs" },
	{ { "-k", "I", "--9p", "/a" }, "--9p: kvmtool's option, not lkvm's: lkvm shares folders through virtio-fs, which the guests' kernels have: --fs DIR[,tag=TAG]" },
	{ { "-k", "I", "--sandbox=off", "--sandbox-selftest=io" }, "--sandbox-selftest: needs the sandbox, not --sandbox off" },
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

/*
 * Reasons quote the argument, and an argument may hold anything. Found by
 * fuzz_options: a line break in it split the one-line reason in two (and
 * let an argument forge a line of lkvm's own).
 */
static void test_reason_stays_one_line(void **state)
{
	const char *name;
	const struct command_option opts[] = {
		{ "name", 'n', &name, NULL },
		{ NULL },
	};
	char *argv[] = { "\n" };
	struct vm_config cfg;
	char err[OPT_ERR_LEN];

	(void)state;
	assert_int_equal(command_options_parse("sdei", opts, 1, argv, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "sdei: unknown option '?' (see lkvm sdei --help)");
	assert_int_equal(parse(&cfg, err, "--x\nlkvm: y", "Image", NULL), -EINVAL);
	assert_string_equal(err, "unknown option '--x?lkvm: y' (see lkvm run --help)");
	assert_int_equal(parse(&cfg, err, "--name", "a\tb\r", "--disk", "d,\x7f", "Image", NULL), -EINVAL);
	assert_string_equal(err, "--disk d,?: unknown flag '?' (ro and direct are known)");
}

/* Each word of a command line named by its option, with its value, in any spelling. */
static void test_option_word(void **state)
{
	char *argv[] = { "-d", "a.img", "-db.img", "--disk=c.img", "--disk", "d.img", "--rng",
			 "-n", "mode=none", "Image", "--nosuch" };
	const char *want[] = { "disk", "disk", "disk", "disk", "rng", "network", NULL, NULL };
	const char *want_value[] = { "a.img", "b.img", "c.img", "d.img", NULL, "mode=none", NULL,
				     NULL };
	int argc = ARRAY_SIZE(argv), n = 0;

	(void)state;
	for (int i = 0; i < argc; i++, n++) {
		const char *value, *name = run_option_word(argc, argv, &i, &value);

		assert_true(n < (int)ARRAY_SIZE(want));
		if (want[n])
			assert_string_equal(name, want[n]);
		else
			assert_null(name);
		if (want_value[n])
			assert_string_equal(value, want_value[n]);
		else
			assert_null(value);
	}
	assert_int_equal(n, ARRAY_SIZE(want));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_long_and_equals_forms),
		cmocka_unit_test(test_kvm_unit_tests_command_line),
		cmocka_unit_test(test_defaults_left_for_the_host),
		cmocka_unit_test(test_kvmtool_arm64_options),
		cmocka_unit_test(test_sandbox),
		cmocka_unit_test(test_disks),
		cmocka_unit_test(test_default_kernel_step),
		cmocka_unit_test(test_network_and_transport),
		cmocka_unit_test(test_help),
		cmocka_unit_test(test_every_bad_input_message),
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_parse_number),
		cmocka_unit_test(test_command_options),
		cmocka_unit_test(test_reason_stays_one_line),
		cmocka_unit_test(test_option_word),
	};

	return cmocka_run_group_tests_name("options", tests, NULL, NULL);
}
