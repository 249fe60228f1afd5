/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_OPTIONS_H
#define LKVM_CORE_OPTIONS_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/log.h"
#include "core/sandbox.h"

#define MiB (1024ULL * 1024)
#define MIN_RAM_SIZE (64 * MiB)
#define FIRMWARE_MIN_RAM (128 * MiB)	/* Debian's UEFI build maps that much early */
#define OPT_ERR_LEN 256

enum irqchip_kind {
	IRQCHIP_AUTO,		/* GICv3 with an ITS, else GICv3, else GICv2 */
	IRQCHIP_GICV2,
	IRQCHIP_GICV3,		/* without an ITS: PCI devices use INTx */
	IRQCHIP_GICV3_ITS,
};

enum console_kind {
	CONSOLE_SERIAL,
	CONSOLE_VIRTIO,		/* hvc0 */
};

enum virtio_transport_kind {
	VIRTIO_PCI,
	VIRTIO_MMIO,
};

#define MAX_HOST_CPUS CPU_SETSIZE	/* the CPUs --vcpu-affinity can name */
#define SVE_MAX_VL_BITS 2048
#define AARCH32_MAX_RAM (3072 * MiB)	/* from 0x4000_0000 up to 4 GiB */

#define MAX_DISKS 8
#define VSOCK_MIN_CID 3			/* 0-2: hypervisor, local, host */
#define VSOCK_MAX_CID 0xfffffffeull	/* vhost-vsock's bound */
#define MAX_NICS 4
#define MAX_FS 4
#define FS_TAG_MAX 36		/* virtio-fs's configuration field */

/* -d FILE[,ro][,direct] */
struct disk_config {
	const char *path;	/* points into the argument, up to path_len */
	size_t path_len;
	bool ro;
	bool direct;
};

/* --fs DIR[,tag=TAG][,ro] */
struct fs_config {
	char path[4096];	/* PATH_MAX */
	char tag[FS_TAG_MAX + 1];
	bool ro;
};

enum net_mode {
	NET_MODE_TAP,
	NET_MODE_USER,		/* through passt (core/passt.c) */
};

#define MAX_HOSTFWDS 8

/* hostfwd=tcp|udp:[HOST_IP]:PORT-:GUEST_PORT, QEMU's grammar */
struct net_hostfwd {
	bool udp;
	uint32_t host_ip;	/* host byte order; 127.0.0.1 unless given */
	uint16_t host_port, guest_port;
};

/*
 * -n mode=tap[,tapif=NAME][,host_ip=IP] or mode=user[,hostfwd=...]..., each
 * with [,guest_mac=MAC][,trans=pci|mmio]
 */
struct net_config {
	enum net_mode mode;
	char tapif[16];		/* IFNAMSIZ; empty: the kernel picks tapN */
	uint8_t guest_mac[6];
	uint32_t host_ip;	/* in host byte order; set on a tap lkvm creates */
	struct net_hostfwd fwds[MAX_HOSTFWDS];
	unsigned int nr_fwds;
	enum virtio_transport_kind transport;
	bool transport_given;	/* trans=; else --virtio-transport's */
};

/* Everything `lkvm run` was asked for; 0/NULL means "use the default". */
struct vm_config {
	const char *kernel_path;
	const char *initrd_path;
	const char *params;
	const char *name;
	const char *dump_dtb_path;
	const char *firmware_path;	/* UEFI: boots from flash at 0 */
	const char *flash_path;		/* its variable store */
	const char *dump_acpi_dir;
	const char *kvm_dev_path;
	unsigned int nr_cpus;
	uint64_t ram_size;
	enum irqchip_kind irqchip;
	enum console_kind console;
	enum log_level log_level;
	enum virtio_transport_kind transport;
	struct disk_config disks[MAX_DISKS];
	unsigned int nr_disks;
	struct net_config nics[MAX_NICS];
	unsigned int nr_nics;
	bool no_network;	/* -n mode=none: no NIC at all */
	bool default_network;	/* the one NIC is kvmtool's default, not asked for */
	bool rng;
	bool balloon;		/* virtio-balloon: free page reporting, statistics */
	uint64_t vsock_cid;	/* --vsock; 0: no virtio-vsock */
	struct fs_config fs[MAX_FS];
	unsigned int nr_fs;
	bool fs_root;		/* -d DIR: the folder tagged root is the guest's / */
	bool nodefaults;
	bool pmu;
	bool nested;		/* the guest boots at EL2h */
	bool sdei;
	bool ras;
	bool no_pvpanic;	/* no pvpanic device */
	/* kvmtool's arm64 options */
	bool aarch32;		/* 32-bit EL1 guest */
	bool disable_mte;	/* else MTE wherever KVM offers it */
	bool no_pvtime;		/* else stolen time wherever KVM offers it */
	bool e2h0;		/* --nested without VHE (E2H RES0) */
	unsigned int sve_max_vl;	/* bits; 0: the host's maximum */
	bool counter_offset_set;
	uint64_t counter_offset;	/* guest counter = host counter - this */
	bool kaslr_seed_set;		/* else a random /chosen/kaslr-seed */
	uint64_t kaslr_seed;
	uint32_t cntfrq;	/* the timer's DT clock-frequency; 0: none */
	bool has_affinity;
	cpu_set_t vcpu_affinity;	/* as sched_setaffinity() takes it */
	const char *hugetlbfs_path;	/* guest RAM from a hugetlbfs mount */
	bool no_dhcp;		/* kvmtool's; lkvm never adds ip=dhcp */
	bool debug_mmio;	/* each unhandled MMIO access: a warning */
	bool debug_single_step;	/* each guest instruction: a debug exit */
	bool debug_ioport;	/* kvmtool's; arm64 lkvm has no port I/O */
	bool show_help;
	bool no_sandbox;	/* --sandbox off */
	enum sandbox_thread sandbox_selftest;
	const char *restore_dir;	/* --restore: a snapshot to continue */
	int argc;		/* the words parsed, which a snapshot records */
	char *const *argv;
};

/*
 * Parse the arguments after "run". Returns 0, or -EINVAL with a one-line
 * reason naming the option in @err. Never prints.
 */
int run_options_parse(struct vm_config *cfg, int argc, char *const argv[],
		      char *err, size_t err_len);
/*
 * The same in two steps, for lkvm run to fill in kvmtool's default
 * kernel between them: the words, then what they must make together.
 */
int run_options_parse_words(struct vm_config *cfg, int argc, char *const argv[],
			    char *err, size_t err_len);
int run_options_check(struct vm_config *cfg, char *err, size_t err_len);
/* No kernel, firmware or snapshot given: lkvm run looks for the host's kernel. */
bool run_wants_default_kernel(const struct vm_config *cfg);
void run_options_usage(FILE *out);
/*
 * kvmtool's default NIC, user-mode, for a configuration that names none
 * and does not ask for none (nor --nodefaults): the words it takes, for
 * the caller to add when it adds the NIC (lkvm run does where passt is).
 */
extern const char *const run_default_network[2];
bool run_wants_default_network(const struct vm_config *cfg);
int run_add_default_network(struct vm_config *cfg);

/*
 * The option at @argv[*@i], which run_options_parse() took: its long name
 * (NULL for a bare argument or no option), with *@i stepped over its value
 * when that is the next word, and the value in *@value (if not NULL; NULL
 * for an option without one).
 */
const char *run_option_word(int argc, char *const argv[], int *i, const char **value);

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

/*
 * command_options_parse() as a command's entry point wants it: a mistake
 * is printed as one line (exit status 1), --help calls @usage with @cmd
 * (exit status 0). Returns that exit status, or -1 for the command to go on.
 */
int command_options_handle(const char *cmd, const struct command_option *opts,
			   int argc, char *const argv[], void (*usage)(const char *cmd));

#endif
