// SPDX-License-Identifier: GPL-2.0
/*
 * `lkvm run` options, spelled as kvmtool spells them so that scripts written
 * for kvmtool (kvm-unit-tests among them) run unchanged. Pure: no I/O, so
 * every message is unit-tested.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/log.h"
#include "core/options.h"

struct run_option {
	char short_name;
	const char *long_name;
	const char *arg_name;		/* NULL: a flag without a value */
	const char *help;
	/*
	 * Checks and stores the value. NULL: the option is a plain file name
	 * (a `const char *` at @field, not empty) or a flag (a `bool` there).
	 */
	int (*apply)(struct vm_config *cfg, const char *arg, char *err,
		     size_t err_len);
	size_t field;
};

#define FIELD(name) NULL, offsetof(struct vm_config, name)

static int fail(char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	/* Reasons quote what was typed: one line, whatever an argument held. */
	for (char *p = err; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	return -EINVAL;
}

int parse_number(const char *str, uint64_t max, uint64_t *out)
{
	unsigned long long value;
	char *end;

	if (!str || *str < '0' || *str > '9')
		return -EINVAL;
	errno = 0;
	value = strtoull(str, &end, 0);
	if (*end || errno || value > max)
		return -EINVAL;
	*out = value;
	return 0;
}

static const struct command_option *find_command_option(const struct command_option *opts,
							 const char *arg)
{
	for (const struct command_option *o = opts; o->long_name; o++)
		if ((arg[0] == '-' && arg[1] == '-' && !strcmp(arg + 2, o->long_name)) ||
		    (o->short_name && arg[0] == '-' && arg[1] == o->short_name && !arg[2]))
			return o;
	return NULL;
}

int command_options_parse(const char *cmd, const struct command_option *opts,
			  int argc, char *const argv[], char *err, size_t err_len)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const struct command_option *o = find_command_option(opts, arg);

		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return 1;
		if (!o)
			return fail(err, err_len, "%s: unknown option '%s' (see lkvm %s --help)",
				    cmd, arg, cmd);
		if (o->flag) {
			*o->flag = true;
			continue;
		}
		if (i + 1 >= argc)
			return fail(err, err_len, "%s: %s: needs a value", cmd, arg);
		*o->value = argv[++i];
	}
	return 0;
}

int command_options_handle(const char *cmd, const struct command_option *opts,
			   int argc, char *const argv[], void (*usage)(const char *cmd))
{
	char err[OPT_ERR_LEN];
	int ret = command_options_parse(cmd, opts, argc, argv, err, sizeof(err));

	if (ret < 0) {
		pr_err("%s", err);
		return 1;
	}
	if (ret) {
		usage(cmd);
		return 0;
	}
	return -1;
}

int parse_size(const char *str, uint64_t default_unit, uint64_t *out)
{
	unsigned long long value;
	uint64_t unit = default_unit;
	char *end;

	if (!str || *str < '0' || *str > '9')
		return -EINVAL;
	errno = 0;
	value = strtoull(str, &end, 10);
	if (errno)
		return -EINVAL;
	switch (*end) {
	case '\0':
		break;
	case 'k': case 'K':
		unit = 1ULL << 10;
		end++;
		break;
	case 'm': case 'M':
		unit = 1ULL << 20;
		end++;
		break;
	case 'g': case 'G':
		unit = 1ULL << 30;
		end++;
		break;
	case 't': case 'T':
		unit = 1ULL << 40;
		end++;
		break;
	default:
		return -EINVAL;
	}
	if (*end != '\0' || (value && unit > UINT64_MAX / value))
		return -EINVAL;
	*out = value * unit;
	return 0;
}

static int set_params(struct vm_config *cfg, const char *arg, char *err,
		      size_t len)
{
	(void)err, (void)len;
	cfg->params = arg;
	return 0;
}

static int set_cpus(struct vm_config *cfg, const char *arg, char *err,
		    size_t len)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end || errno || n > UINT_MAX)
		return fail(err, len, "--cpus %s: not a number of vCPUs", arg);
	if (n == 0)
		return fail(err, len, "--cpus 0: must be at least 1");
	cfg->nr_cpus = n;
	return 0;
}

static int set_mem(struct vm_config *cfg, const char *arg, char *err,
		   size_t len)
{
	uint64_t size;

	if (strchr(arg, '@'))
		return fail(err, len,
			    "--mem %s: lkvm's RAM starts at 0x40000000, as in QEMU's virt, and cannot be moved with @",
			    arg);
	if (parse_size(arg, MiB, &size))
		return fail(err, len,
			    "--mem %s: not a size (a number of MiB, or a number followed by K, M, G or T)",
			    arg);
	if (size < MIN_RAM_SIZE)
		return fail(err, len, "--mem %s: must be at least 64 MiB", arg);
	if (size % MiB)
		return fail(err, len, "--mem %s: must be a whole number of MiB",
			    arg);
	cfg->ram_size = size;
	return 0;
}

static int set_name(struct vm_config *cfg, const char *arg, char *err,
		    size_t len)
{
	if (!*arg || strchr(arg, '/') || strlen(arg) > 64)
		return fail(err, len,
			    "--name '%s': must be 1 to 64 characters without '/'",
			    arg);
	cfg->name = arg;
	return 0;
}

static int set_console(struct vm_config *cfg, const char *arg, char *err,
		       size_t len)
{
	if (!strcmp(arg, "serial"))
		cfg->console = CONSOLE_SERIAL;
	else if (!strcmp(arg, "virtio"))
		cfg->console = CONSOLE_VIRTIO;
	else if (!strcmp(arg, "hv"))
		return fail(err, len,
			    "--console hv: kvmtool's PowerPC hypervisor console; lkvm has serial or virtio");
	else
		return fail(err, len,
			    "--console %s: must be serial or virtio", arg);
	return 0;
}

static int set_sandbox(struct vm_config *cfg, const char *arg, char *err,
		       size_t len)
{
	if (!strcmp(arg, "on"))
		cfg->no_sandbox = false;
	else if (!strcmp(arg, "off"))
		cfg->no_sandbox = true;
	else
		return fail(err, len,
			    "--sandbox %s: must be on or off (lkvm's sandbox is its seccomp filter, not kvmtool's rootfs script)",
			    arg);
	return 0;
}

static int set_sandbox_selftest(struct vm_config *cfg, const char *arg,
				char *err, size_t len)
{
	for (unsigned int i = 0; i < SANDBOX_THREADS; i++) {
		if (!strcmp(arg, sandbox_thread_name(i))) {
			cfg->sandbox_selftest = i;
			return 0;
		}
	}
	return fail(err, len, "--sandbox-selftest %s: must be main, io, vcpu or fs", arg);
}

static int parse_transport(const char *s, size_t n,
			   enum virtio_transport_kind *out)
{
	if (n == 3 && !strncmp(s, "pci", 3))
		*out = VIRTIO_PCI;
	else if (n == 4 && !strncmp(s, "mmio", 4))
		*out = VIRTIO_MMIO;
	else
		return -EINVAL;
	return 0;
}

static int set_transport(struct vm_config *cfg, const char *arg, char *err,
			 size_t len)
{
	if (parse_transport(arg, strlen(arg), &cfg->transport))
		return fail(err, len,
			    "--virtio-transport %s: must be pci or mmio", arg);
	return 0;
}

/* One shared folder, its tag another folder's not. */
static int add_fs(struct vm_config *cfg, const char *opt, const char *arg, size_t path_len,
		  const char *tag, size_t tag_len, bool ro, char *err, size_t len)
{
	struct fs_config *fs = &cfg->fs[cfg->nr_fs];

	if (cfg->nr_fs == MAX_FS)
		return fail(err, len, "%s %s: at most %d shared folders", opt, arg, MAX_FS);
	if (path_len >= sizeof(fs->path))
		return fail(err, len, "%s %.40s...: the folder's name is too long", opt, arg);
	for (unsigned int i = 0; i < cfg->nr_fs; i++)
		if (strlen(cfg->fs[i].tag) == tag_len && !memcmp(cfg->fs[i].tag, tag, tag_len))
			return fail(err, len, "%s %s: the tag '%.*s' is another folder's", opt, arg,
				    (int)tag_len, tag);
	*fs = (struct fs_config) { .ro = ro };
	memcpy(fs->path, arg, path_len);
	memcpy(fs->tag, tag, tag_len);
	cfg->nr_fs++;
	return 0;
}

/*
 * kvmtool's -d DIR: a folder as the guest's root file system, through
 * virtio-fs with the tag "root" (cmdline_build() adds root= for it).
 */
static int set_root_folder(struct vm_config *cfg, const char *arg, size_t path_len,
			   char *err, size_t len)
{
	const char *flags = arg + path_len;

	if (cfg->fs_root)
		return fail(err, len, "--disk %s: one folder can be the root; share others with --fs",
			    arg);
	if (*flags && strcmp(flags, ",ro"))
		return fail(err, len, "--disk %s: a folder takes only the flag ro", arg);
	if (add_fs(cfg, "--disk", arg, path_len, "root", 4, *flags, err, len))
		return -EINVAL;
	cfg->fs_root = true;
	return 0;
}

static bool is_folder(const char *path, size_t n)
{
	char buf[PATH_MAX];
	struct stat st;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, path, n);
	buf[n] = 0;
	return !stat(buf, &st) && S_ISDIR(st.st_mode);
}

/* FILE[,ro][,direct]: the file name ends at the first comma, as in kvmtool. */
static int set_disk(struct vm_config *cfg, const char *arg, char *err,
		    size_t len)
{
	struct disk_config *disk = &cfg->disks[cfg->nr_disks];
	const char *p;

	if (strcspn(arg, ",") && is_folder(arg, strcspn(arg, ",")))
		return set_root_folder(cfg, arg, strcspn(arg, ","), err, len);
	if (cfg->nr_disks == MAX_DISKS)
		return fail(err, len, "--disk %s: at most %d disks", arg,
			    MAX_DISKS);
	*disk = (struct disk_config) { .path = arg, .path_len = strcspn(arg, ",") };
	if (!disk->path_len)
		return fail(err, len, "--disk %s: no file name", arg);
	for (p = arg + disk->path_len; *p; ) {
		size_t n = strcspn(++p, ",");

		if (n == 2 && !strncmp(p, "ro", 2))
			disk->ro = true;
		else if (n == 6 && !strncmp(p, "direct", 6))
			disk->direct = true;
		else
			return fail(err, len,
				    "--disk %s: unknown flag '%.*s' (ro and direct are known)",
				    arg, (int)n, p);
		p += n;
	}
	cfg->nr_disks++;
	return 0;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Six colon-separated hex bytes, unicast. */
static int parse_mac(const char *s, size_t n, uint8_t mac[6])
{
	if (n != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++, s += 3) {
		int hi = hex_digit(s[0]), lo = hex_digit(s[1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[2] != ':'))
			return -EINVAL;
		mac[i] = hi << 4 | lo;
	}
	return mac[0] & 1 ? -EINVAL : 0;
}

static int parse_ipv4(const char *s, size_t n, uint32_t *ip)
{
	unsigned int a[4];
	char buf[16], tail;

	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (sscanf(buf, "%3u.%3u.%3u.%3u%c", &a[0], &a[1], &a[2], &a[3], &tail) != 4 ||
	    a[0] > 255 || a[1] > 255 || a[2] > 255 || a[3] > 255)
		return -EINVAL;
	*ip = a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
	return 0;
}

/* A port, 1 to 65535, of @n characters at @s. */
static int parse_port(const char *s, size_t n, uint16_t *port)
{
	unsigned long v = 0;

	if (!n || n > 5)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (!v || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

/*
 * QEMU's hostfwd=tcp|udp:[HOST_IP]:PORT-[GUEST_IP]:GUEST_PORT. The guest
 * address is the guest's own (passt forwards to it), so none may be given;
 * no host address means 127.0.0.1, never every address unless asked.
 */
static int parse_hostfwd(const char *v, size_t vn, struct net_hostfwd *fwd)
{
	const char *end = v + vn, *colon, *dash;

	if (vn > 4 && !strncmp(v, "tcp:", 4))
		fwd->udp = false;
	else if (vn > 4 && !strncmp(v, "udp:", 4))
		fwd->udp = true;
	else
		return -EINVAL;
	v += 4;
	dash = memchr(v, '-', end - v);
	colon = memchr(v, ':', end - v);
	if (!dash || !colon || colon > dash || dash + 2 > end || dash[1] != ':')
		return -EINVAL;
	fwd->host_ip = 127u << 24 | 1;
	if (colon > v && parse_ipv4(v, colon - v, &fwd->host_ip))
		return -EINVAL;
	if (parse_port(colon + 1, dash - colon - 1, &fwd->host_port) ||
	    parse_port(dash + 2, end - dash - 2, &fwd->guest_port))
		return -EINVAL;
	return 0;
}

/* What a tap's and a user NIC's options may not share. */
static int check_network_mode(const struct net_config *nic, bool tap_only, const char *arg,
			      char *err, size_t len)
{
	if (nic->mode == NET_MODE_USER && tap_only)
		return fail(err, len, "--network %s: tapif and host_ip are for mode=tap", arg);
	if (nic->mode == NET_MODE_TAP && nic->nr_fwds)
		return fail(err, len, "--network %s: hostfwd is for mode=user", arg);
	for (unsigned int i = 0; i < nic->nr_fwds; i++)
		for (unsigned int j = 0; j < i; j++)
			if (nic->fwds[i].udp == nic->fwds[j].udp &&
			    nic->fwds[i].host_port == nic->fwds[j].host_port)
				return fail(err, len, "--network %s: %s port %u is forwarded twice",
					    arg, nic->fwds[i].udp ? "udp" : "tcp",
					    nic->fwds[i].host_port);
	return 0;
}

/*
 * kvmtool's syntax: comma-separated key=value; without mode= it means tap.
 * Each -n adds a NIC; mode=none means no NIC at all.
 */
static int set_network(struct vm_config *cfg, const char *arg, char *err,
		       size_t len)
{
	struct net_config nic = {
		/* kvmtool's addresses, the last byte counting the NICs */
		.guest_mac = { 0x02, 0x15, 0x15, 0x15, 0x15, 0x15 + cfg->nr_nics },
		.host_ip = 192u << 24 | 168 << 16 | (33 + cfg->nr_nics) << 8 | 1,
	};
	const char *p = arg, *mode = "tap";
	size_t mode_len = 3;
	bool tap_only = false;

	while (*p) {
		size_t n = strcspn(p, ","), k = strcspn(p, "=");
		const char *v = p + k + 1;
		size_t vn = n - k - 1;

		if (k >= n) {
			return fail(err, len,
				    "--network %s: '%.*s' is not key=value",
				    arg, (int)n, p);
		} else if (k == 4 && !strncmp(p, "mode", 4)) {
			mode = v;
			mode_len = vn;
		} else if (k == 5 && !strncmp(p, "tapif", 5)) {
			if (!vn || vn >= sizeof(nic.tapif) || memchr(v, '/', vn))
				return fail(err, len,
					    "--network %s: tapif must be 1 to 15 characters without '/'",
					    arg);
			memcpy(nic.tapif, v, vn);
			tap_only = true;
		} else if (k == 9 && !strncmp(p, "guest_mac", 9)) {
			if (parse_mac(v, vn, nic.guest_mac))
				return fail(err, len,
					    "--network %s: guest_mac must be six hex bytes like 02:15:15:15:15:15, not multicast",
					    arg);
		} else if (k == 7 && !strncmp(p, "host_ip", 7)) {
			if (parse_ipv4(v, vn, &nic.host_ip))
				return fail(err, len,
					    "--network %s: host_ip must be an IPv4 address",
					    arg);
			tap_only = true;
		} else if (k == 7 && !strncmp(p, "hostfwd", 7)) {
			if (nic.nr_fwds == MAX_HOSTFWDS)
				return fail(err, len, "--network %s: at most %d hostfwd", arg,
					    MAX_HOSTFWDS);
			if (parse_hostfwd(v, vn, &nic.fwds[nic.nr_fwds++]))
				return fail(err, len,
					    "--network %s: hostfwd must be tcp|udp:[HOST_IP]:PORT-:GUEST_PORT, like tcp:127.0.0.1:2222-:22",
					    arg);
		} else if (k == 5 && !strncmp(p, "trans", 5)) {
			if (parse_transport(v, vn, &nic.transport))
				return fail(err, len,
					    "--network %s: trans must be pci or mmio",
					    arg);
			nic.transport_given = true;
		} else {
			return fail(err, len,
				    "--network %s: unknown parameter '%.*s' (mode, tapif, guest_mac, host_ip, hostfwd and trans are known)",
				    arg, (int)k, p);
		}
		p += n + (p[n] == ',');
	}
	if (mode_len == 4 && !strncmp(mode, "none", 4)) {
		cfg->no_network = true;
		return 0;
	}
	if (mode_len == 4 && !strncmp(mode, "user", 4))
		nic.mode = NET_MODE_USER;
	else if (mode_len != 3 || strncmp(mode, "tap", 3))
		return fail(err, len,
			    "--network %s: mode '%.*s' is unknown (user, tap or none)",
			    arg, (int)mode_len, mode);
	if (check_network_mode(&nic, tap_only, arg, err, len))
		return -EINVAL;
	if (cfg->nr_nics == MAX_NICS)
		return fail(err, len, "--network %s: at most %d NICs", arg,
			    MAX_NICS);
	cfg->nics[cfg->nr_nics++] = nic;
	return 0;
}

static int set_loglevel(struct vm_config *cfg, const char *arg, char *err,
			size_t len)
{
	static const char *const names[] = {
		[LOG_ERROR] = "error", [LOG_WARNING] = "warning",
		[LOG_INFO] = "info", [LOG_DEBUG] = "debug",
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!strcmp(arg, names[i])) {
			cfg->log_level = i;
			return 0;
		}
	}
	return fail(err, len,
		    "--loglevel %s: must be one of error, warning, info, debug",
		    arg);
}

static int set_irqchip(struct vm_config *cfg, const char *arg, char *err,
		       size_t len)
{
	if (!strcmp(arg, "auto"))
		cfg->irqchip = IRQCHIP_AUTO;
	else if (!strcmp(arg, "gicv2"))
		cfg->irqchip = IRQCHIP_GICV2;
	else if (!strcmp(arg, "gicv3"))
		cfg->irqchip = IRQCHIP_GICV3;
	else if (!strcmp(arg, "gicv3-its"))
		cfg->irqchip = IRQCHIP_GICV3_ITS;
	else if (!strcmp(arg, "gicv2m"))
		return fail(err, len,
			    "--irqchip gicv2m: lkvm has no GICv2m MSI frame; gicv3-its gives MSIs");
	else
		return fail(err, len,
			    "--irqchip %s: must be one of auto, gicv2, gicv3, gicv3-its",
			    arg);
	return 0;
}

static int set_sve_max_vl(struct vm_config *cfg, const char *arg, char *err,
			  size_t len)
{
	uint64_t bits;

	if (parse_number(arg, SVE_MAX_VL_BITS, &bits) || !bits || bits % 128)
		return fail(err, len,
			    "--sve-max-vl %s: must be a multiple of 128 bits, from 128 to %u",
			    arg, SVE_MAX_VL_BITS);
	cfg->sve_max_vl = bits;
	return 0;
}

static int set_counter_offset(struct vm_config *cfg, const char *arg, char *err,
			      size_t len)
{
	if (parse_number(arg, UINT64_MAX, &cfg->counter_offset))
		return fail(err, len,
			    "--counter-offset %s: not a number of counter ticks (decimal, 0x hex or 0 octal; 64 bits)",
			    arg);
	cfg->counter_offset_set = true;
	return 0;
}

static int set_vsock(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	if (parse_number(arg, VSOCK_MAX_CID, &cfg->vsock_cid) || cfg->vsock_cid < VSOCK_MIN_CID)
		return fail(err, len,
			    "--vsock %s: a guest's context ID is 3 to 4294967294 (0 to 2 are the hypervisor's, local and the host's)",
			    arg);
	return 0;
}

/* A mount tag: 1 to 36 visible ASCII characters, as the guest types it. */
static bool valid_tag(const char *tag, size_t n)
{
	if (!n || n > FS_TAG_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (tag[i] <= ' ' || tag[i] > '~')
			return false;
	return true;
}

/* DIR[,tag=TAG][,ro]: the folder's name ends at the first comma, as -d's. */
static int set_fs(struct vm_config *cfg, const char *arg, char *err, size_t len)
{
	size_t path_len = strcspn(arg, ","), n, tag_len;
	char def_tag[24];
	const char *p, *tag = def_tag;
	bool ro = false;

	if (!path_len)
		return fail(err, len, "--fs %s: no folder given", arg);
	if (cfg->nr_fs)
		snprintf(def_tag, sizeof(def_tag), "hostfs%u", cfg->nr_fs);
	else
		strcpy(def_tag, "hostfs");
	tag_len = strlen(def_tag);
	for (p = arg + path_len; *p; p += n) {
		n = strcspn(++p, ",");
		if (n == 2 && !strncmp(p, "ro", 2)) {
			ro = true;
		} else if (n >= 4 && !strncmp(p, "tag=", 4)) {
			tag = p + 4;
			tag_len = n - 4;
			if (!valid_tag(tag, tag_len))
				return fail(err, len,
					    "--fs %s: a tag is 1 to %d visible ASCII characters",
					    arg, FS_TAG_MAX);
		} else {
			return fail(err, len, "--fs %s: unknown flag '%.*s' (tag= and ro are known)",
				    arg, (int)n, p);
		}
	}
	return add_fs(cfg, "--fs", arg, path_len, tag, tag_len, ro, err, len);
}

static int set_kaslr_seed(struct vm_config *cfg, const char *arg, char *err,
			  size_t len)
{
	if (parse_number(arg, UINT64_MAX, &cfg->kaslr_seed))
		return fail(err, len,
			    "--kaslr-seed %s: not a 64-bit number (decimal, 0x hex or 0 octal)", arg);
	cfg->kaslr_seed_set = true;
	return 0;
}

static int set_cntfrq(struct vm_config *cfg, const char *arg, char *err,
		      size_t len)
{
	uint64_t hz;

	if (parse_number(arg, UINT32_MAX, &hz) || !hz)
		return fail(err, len,
			    "--override-bad-firmware-cntfrq %s: not a frequency in Hz (1 to 4294967295)",
			    arg);
	cfg->cntfrq = hz;
	return 0;
}

/* One CPU number at *@s, which moves past it. */
static int parse_cpu(const char **s, uint64_t *cpu)
{
	size_t n = strspn(*s, "0123456789");
	char num[8];

	if (!n || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, *s, n);
	num[n] = '\0';
	*s += n;
	*cpu = strtoull(num, NULL, 10);	/* decimal, as cpuset(7) writes them */
	return *cpu < MAX_HOST_CPUS ? 0 : -EINVAL;
}

/* "0-3,6": CPUs as sched_setaffinity(2) and cpuset(7) number them. */
static int parse_cpulist(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	for (;;) {
		uint64_t first, last;

		if (parse_cpu(&s, &first))
			return -EINVAL;
		last = first;
		if (*s == '-') {
			s++;
			if (parse_cpu(&s, &last) || last < first)
				return -EINVAL;
		}
		for (uint64_t cpu = first; cpu <= last; cpu++)
			CPU_SET(cpu, set);
		if (*s != ',')
			return *s ? -EINVAL : 0;
		s++;
	}
}

static int set_vcpu_affinity(struct vm_config *cfg, const char *arg, char *err,
			     size_t len)
{
	if (parse_cpulist(arg, &cfg->vcpu_affinity))
		return fail(err, len,
			    "--vcpu-affinity %s: not a CPU list like 0-3,6 (CPUs 0 to %d)",
			    arg, MAX_HOST_CPUS - 1);
	cfg->has_affinity = true;
	return 0;
}

/* kvmtool's deprecated spellings. */
static int set_force_pci(struct vm_config *cfg, const char *arg, char *err,
			 size_t len)
{
	(void)arg, (void)err, (void)len;
	cfg->transport = VIRTIO_PCI;
	return 0;
}

static int set_debug(struct vm_config *cfg, const char *arg, char *err,
		     size_t len)
{
	(void)arg, (void)err, (void)len;
	cfg->log_level = LOG_DEBUG;
	return 0;
}

struct option_group {
	const char *title;
	const struct run_option *options;
};

static const struct run_option basic_options[] = {
	{ 0, "name", "guest name", "name of the VM (default guest-<pid>)", set_name, 0 },
	{ 'c', "cpus", "n", "number of vCPUs (default: one per host CPU)", set_cpus, 0 },
	{ 'm', "mem", "size", "guest RAM: MiB, or with a K/M/G/T suffix (default 64 MiB per vCPU + 192 MiB)", set_mem, 0 },
	{ 'd', "disk", "file[,ro][,direct]", "a raw disk image as virtio-blk (several allowed); a folder instead is the guest's root, through virtio-fs", set_disk, 0 },
	{ 0, "console", "serial|virtio", "the console: the 16550 UART (ttyS0), or virtio-console (hvc0)", set_console, 0 },
	{ 0, "rng", NULL, "a virtio-rng device fed from the host's getrandom()", FIELD(rng) },
	{ 0, "balloon", NULL, "virtio-balloon: memory the guest frees goes back to the host; lkvm stat shows the guest's memory", FIELD(balloon) },
	{ 0, "fs", "dir[,tag=TAG][,ro]", "share a host folder through virtio-fs, mounted in the guest by its tag (default hostfs, then hostfs1...)", set_fs, 0 },
	{ 0, "vsock", "cid", "a virtio-vsock device through the host's vhost-vsock, the guest's context ID (3 or more)", set_vsock, 0 },
	{ 0, "virtio-transport", "pci|mmio", "how virtio devices attach (default pci)", set_transport, 0 },
	{ 0, "dev", "device_file", "KVM device file (default /dev/kvm)", FIELD(kvm_dev_path) },
	{ 0, "hugetlbfs", "path", "back guest RAM with huge pages from this hugetlbfs mount", FIELD(hugetlbfs_path) },
	{ 0, "nodefaults", NULL, "pass -p to the kernel verbatim, add neither console= nor panic=-1, no default NIC", FIELD(nodefaults) },
	{ 0, "no-pvpanic", NULL, "no pvpanic device (by default a guest panic it reports ends lkvm with status 3)", FIELD(no_pvpanic) },
	{ 0, "loglevel", "level", "error, warning, info (default) or debug", set_loglevel, 0 },
	{ 0, "restore", "dir", "continue the VM lkvm snapshot wrote into this directory", FIELD(restore_dir) },
	{ 0 }
};

static const struct run_option kernel_options[] = {
	{ 'k', "kernel", "kernel", "arm64 Image, gzip-compressed Image, or flat binary", FIELD(kernel_path) },
	{ 'i', "initrd", "initrd", "initial RAM disk", FIELD(initrd_path) },
	{ 'p', "params", "params", "kernel command line", set_params, 0 },
	{ 'f', "firmware", "firmware", "UEFI firmware (Debian's QEMU_EFI.fd): boots at 0 with ACPI, the kernel through fw_cfg", FIELD(firmware_path) },
	{ 'F', "flash", "flash", "the firmware's variable store, kept in this file (default: in memory, zeroed)", FIELD(flash_path) },
	{ 0, "dump-acpi", "dir", "with --firmware: write each generated ACPI table into a directory", FIELD(dump_acpi_dir) },
	{ 0 }
};

static const struct run_option network_options[] = {
	{ 'n', "network", "params", "a NIC: mode=user[,hostfwd=tcp|udp:[HOST_IP]:PORT-:GUEST_PORT]... (through passt; the default where it is installed) or mode=tap[,tapif=NAME][,host_ip=IP], with [,guest_mac=MAC][,trans=pci|mmio]; or mode=none", set_network, 0 },
	{ 0, "no-dhcp", NULL, "kvmtool's: lkvm never adds ip=dhcp, so this changes nothing", FIELD(no_dhcp) },
	{ 0 }
};

static const struct run_option arch_options[] = {
	{ 0, "irqchip", "auto|gicv2|gicv3|gicv3-its", "interrupt controller (default auto: gicv3-its, gicv3, gicv2)", set_irqchip, 0 },
	{ 0, "pmu", NULL, "give the guest a PMUv3", FIELD(pmu) },
	{ 0, "nested", NULL, "give the guest EL2 (nested virtualization): it boots at EL2h", FIELD(nested) },
	{ 0, "e2h0", NULL, "with --nested: a guest hypervisor without VHE (HCR_EL2.E2H RES0)", FIELD(e2h0) },
	{ 0, "aarch32", NULL, "a 32-bit (AArch32) EL1 guest, where the host's CPUs have it", FIELD(aarch32) },
	{ 0, "disable-mte", NULL, "no MTE for the guest (default: MTE where KVM offers it)", FIELD(disable_mte) },
	{ 0, "sve-max-vl", "bits", "the guest's largest SVE vector length (default: the host's)", set_sve_max_vl, 0 },
	{ 0, "no-pvtime", NULL, "no stolen-time accounting (default: on where KVM offers it)", FIELD(no_pvtime) },
	{ 0, "counter-offset", "n", "the guest's counter runs this many ticks behind the host's", set_counter_offset, 0 },
	{ 0, "vcpu-affinity", "cpulist", "run vCPU threads only on these host CPUs (like 0-3,6)", set_vcpu_affinity, 0 },
	{ 0, "kaslr-seed", "n", "/chosen/kaslr-seed (default: random from the host)", set_kaslr_seed, 0 },
	{ 0, "override-bad-firmware-cntfrq", "hz", "the timer's clock-frequency in the DT, for guests that need it", set_cntfrq, 0 },
	{ 0, "force-pci", NULL, "kvmtool's older spelling of --virtio-transport pci", set_force_pci, 0 },
	{ 0, "dump-dtb", "file", "write the generated device tree blob to a file", FIELD(dump_dtb_path) },
	{ 0, "sdei", NULL, "be the guest's SDEI dispatcher (--sdei --help lists the events)", FIELD(sdei) },
	{ 0, "ras", NULL, "be the guest's firmware-first RAS handler (see lkvm ras --help)", FIELD(ras) },
	{ 0 }
};

static const struct run_option debug_options[] = {
	{ 0, "debug", NULL, "kvmtool's older spelling of --loglevel debug", set_debug, 0 },
	{ 0, "debug-mmio", NULL, "warn of each guest MMIO access nothing handles", FIELD(debug_mmio) },
	{ 0, "debug-single-step", NULL, "single-step the guest, printing each PC", FIELD(debug_single_step) },
	{ 0, "debug-ioport", NULL, "kvmtool's: arm64 lkvm has no port I/O to report", FIELD(debug_ioport) },
	{ 0, "sandbox", "on|off", "confine each thread to the system calls it needs (default on)", set_sandbox, 0 },
	{ 0, "sandbox-selftest", "main|io|vcpu|fs", "that thread makes a forbidden call once confined: shows the sandbox at work", set_sandbox_selftest, 0 },
	{ 0 }
};

static const struct run_option misc_options[] = {
	{ 'h', "help", NULL, "show this help", FIELD(show_help) },
	{ 0 }
};

static const struct option_group option_groups[] = {
	{ "Basic options", basic_options },
	{ "Kernel options", kernel_options },
	{ "Networking options", network_options },
	{ "Arch-specific options", arch_options },
	{ "Debug options", debug_options },
	{ NULL, misc_options },
	{ 0 }
};

const char *const run_default_network[2] = { "--network", "mode=user" };

bool run_wants_default_network(const struct vm_config *cfg)
{
	return !cfg->nr_nics && !cfg->no_network && !cfg->nodefaults;
}

int run_add_default_network(struct vm_config *cfg)
{
	char err[OPT_ERR_LEN];
	int ret = set_network(cfg, run_default_network[1], err, sizeof(err));

	if (!ret) {
		cfg->nics[0].transport = cfg->transport;
		cfg->default_network = true;
	}
	return ret;
}

void run_options_usage(FILE *out)
{
	fprintf(out,
		"\n usage: lkvm run [<options>] [<kernel image>]\n\n"
		"The most commonly used options are -k, -i, -p, -c and -m.\n");
	for (const struct option_group *g = option_groups; g->options; g++) {
		fprintf(out, "\n");
		if (g->title)
			fprintf(out, "%s:\n", g->title);
		for (const struct run_option *o = g->options; o->long_name; o++) {
			char left[64];

			snprintf(left, sizeof(left), "%c%c%s--%s%s%s%s",
				 o->short_name ? '-' : ' ',
				 o->short_name ? o->short_name : ' ',
				 o->short_name ? ", " : "  ", o->long_name,
				 o->arg_name ? " <" : "",
				 o->arg_name ? o->arg_name : "",
				 o->arg_name ? ">" : "");
			fprintf(out, "    %-34s %s\n", left, o->help);
		}
	}
	fprintf(out, "\n");
}

/* kvmtool run options lkvm does not have, and why: a reason, not "unknown". */
static const struct refused_option {
	const char *name;
	const char *why;
} refused_options[] = {
	{ "vnc", "lkvm has no framebuffer" },
	{ "gtk", "lkvm has no framebuffer" },
	{ "sdl", "lkvm has no framebuffer" },
	{ "9p", "lkvm shares folders through virtio-fs, which the guests' kernels have: --fs DIR[,tag=TAG]" },
	{ "tty", "lkvm has one console, on stdin and stdout" },
	{ "vfio-pci", "lkvm has no device assignment" },
	{ "virtio-legacy", "lkvm's virtio is the modern kind only (--virtio-transport pci or mmio)" },
	{ "debug-iodelay", "lkvm does not delay disk I/O" },
	{ "firmware-address", "lkvm's --firmware is UEFI in flash at 0, not a binary loaded into RAM" },
};

static const struct refused_option *find_refused(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(refused_options) / sizeof(refused_options[0]); i++)
		if (strlen(refused_options[i].name) == len &&
		    !strncmp(refused_options[i].name, name, len))
			return &refused_options[i];
	return NULL;
}

static const struct run_option *find_long(const char *name, size_t len)
{
	for (const struct option_group *g = option_groups; g->options; g++)
		for (const struct run_option *o = g->options; o->long_name; o++)
			if (strlen(o->long_name) == len &&
			    !strncmp(o->long_name, name, len))
				return o;
	return NULL;
}

static const struct run_option *find_short(char c)
{
	for (const struct option_group *g = option_groups; g->options; g++)
		for (const struct run_option *o = g->options; o->long_name; o++)
			if (o->short_name == c)
				return o;
	return NULL;
}

const char *run_option_word(int argc, char *const argv[], int *i, const char **value)
{
	const char *word = argv[*i], *attached = NULL;
	const struct run_option *opt = NULL;

	if (value)
		*value = NULL;
	if (word[0] != '-' || !word[1])
		return NULL;
	if (word[1] == '-') {
		size_t n = strcspn(word + 2, "=");

		opt = find_long(word + 2, n);
		attached = word[2 + n] == '=' ? word + 3 + n : NULL;
	} else {
		opt = find_short(word[1]);
		attached = word[2] ? word + 2 : NULL;
	}
	if (!opt || !opt->arg_name)
		return opt ? opt->long_name : NULL;
	if (!attached && *i + 1 < argc)
		attached = argv[++*i];
	if (value)
		*value = attached;
	return opt->long_name;
}

static int apply(const struct run_option *opt, struct vm_config *cfg,
		 const char *value, char *err, size_t err_len)
{
	char *field = (char *)cfg + opt->field;

	if (opt->apply)
		return opt->apply(cfg, value, err, err_len);
	if (!opt->arg_name) {
		*(bool *)field = true;
		return 0;
	}
	if (!*value)
		return fail(err, err_len, "--%s: needs a value (<%s>)",
			    opt->long_name, opt->arg_name);
	*(const char **)field = value;
	return 0;
}

int run_options_parse_words(struct vm_config *cfg, int argc, char *const argv[],
			    char *err, size_t err_len)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->log_level = LOG_INFO;
	cfg->sandbox_selftest = SANDBOX_NONE;
	cfg->argc = argc;
	cfg->argv = argv;

	for (int i = 0; i < argc; i++) {
		const char *word = argv[i], *value = NULL;
		const struct run_option *opt;
		int ret;

		if (word[0] != '-' || word[1] == '\0') {
			/* kvmtool takes a bare argument as the kernel image. */
			if (cfg->kernel_path)
				return fail(err, err_len,
					    "unexpected argument '%s' (the kernel is already %s)",
					    word, cfg->kernel_path);
			cfg->kernel_path = word;
			continue;
		}
		if (word[1] == '-') {
			const char *name = word + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);

			opt = find_long(name, n);
			if (!opt && find_refused(name, n))
				return fail(err, err_len, "--%.*s: kvmtool's option, not lkvm's: %s",
					    (int)n, name, find_refused(name, n)->why);
			if (!opt)
				return fail(err, err_len,
					    "unknown option '--%.*s' (see lkvm run --help)",
					    (int)n, name);
			if (eq) {
				if (!opt->arg_name)
					return fail(err, err_len,
						    "--%s: takes no value",
						    opt->long_name);
				value = eq + 1;
			}
		} else {
			opt = find_short(word[1]);
			if (!opt)
				return fail(err, err_len,
					    "unknown option '-%c' (see lkvm run --help)",
					    word[1]);
			if (word[2]) {
				if (!opt->arg_name)
					return fail(err, err_len,
						    "-%c: takes no value",
						    word[1]);
				value = word + 2;
			}
		}
		if (opt->arg_name && !value) {
			if (i + 1 >= argc)
				return fail(err, err_len, "--%s: needs a value (<%s>)",
					    opt->long_name, opt->arg_name);
			value = argv[++i];
		}
		ret = apply(opt, cfg, value, err, err_len);
		if (ret)
			return ret;
	}
	return 0;
}

bool run_wants_default_kernel(const struct vm_config *cfg)
{
	return !cfg->show_help && !cfg->kernel_path && !cfg->firmware_path && !cfg->restore_dir;
}

int run_options_check(struct vm_config *cfg, char *err, size_t err_len)
{
	if (run_wants_default_kernel(cfg))
		return fail(err, err_len,
			    "no kernel given (use -k/--kernel FILE)");
	if (!cfg->firmware_path) {
		/* A restore's --flash meets the snapshot's --firmware (builtin-run.c). */
		if (cfg->flash_path && !cfg->restore_dir)
			return fail(err, err_len, "--flash: holds UEFI variables, so needs --firmware");
		if (cfg->dump_acpi_dir)
			return fail(err, err_len, "--dump-acpi: lkvm makes ACPI tables only for --firmware");
	} else {
		if (!cfg->kernel_path && (cfg->initrd_path || cfg->params))
			return fail(err, err_len, "--%s: needs a kernel (-k) to go with it",
				    cfg->initrd_path ? "initrd" : "params");
		if (cfg->nested)
			return fail(err, err_len, "--nested: the UEFI firmware runs at EL1 only, so not with --firmware");
		if (cfg->ram_size && cfg->ram_size < FIRMWARE_MIN_RAM)
			return fail(err, err_len, "--mem: UEFI firmware needs at least %llu MiB",
				    FIRMWARE_MIN_RAM / MiB);
	}
	if (cfg->nested && cfg->irqchip == IRQCHIP_GICV2)
		return fail(err, err_len,
			    "--nested: needs a GICv3 (KVM gives EL2 only to GICv3 guests), not --irqchip gicv2");
	if (cfg->e2h0 && !cfg->nested)
		return fail(err, err_len, "--e2h0: shapes the guest's EL2, so needs --nested");
	if (cfg->sve_max_vl && cfg->nested)
		return fail(err, err_len, "--sve-max-vl: KVM gives a guest hypervisor no SVE, so not with --nested");
	if (cfg->aarch32) {
		const char *clash = cfg->nested ? "--nested: a 32-bit guest has no EL2" :
				    cfg->sve_max_vl ? "--sve-max-vl: a 32-bit guest has no SVE" :
				    cfg->firmware_path ? "--firmware: Debian's UEFI build is 64-bit" :
				    cfg->sdei ? "--sdei: SDEI clients run in AArch64 (DEN0054)" :
				    cfg->ras ? "--ras: lkvm raises errors in AArch64 guests only" :
				    cfg->ram_size > AARCH32_MAX_RAM ?
				    "--mem: a 32-bit guest's RAM must end below 4 GiB (at most 3072 MiB)" : NULL;

		if (clash)
			return fail(err, err_len, "%s, so not with --aarch32", clash);
	}
	if (cfg->no_sandbox && cfg->sandbox_selftest != SANDBOX_NONE)
		return fail(err, err_len, "--sandbox-selftest: needs the sandbox, not --sandbox off");
	if (cfg->balloon && cfg->hugetlbfs_path)
		return fail(err, err_len,
			    "--balloon: the host takes back only whole huge pages of a file, so not with --hugetlbfs");
	if (cfg->sandbox_selftest == SANDBOX_FS && !cfg->nr_fs)
		return fail(err, err_len,
			    "--sandbox-selftest fs: the virtio-fs thread runs only with --fs");
	if (cfg->no_network)
		cfg->nr_nics = 0;
	for (unsigned int i = 0; i < cfg->nr_nics; i++)
		if (!cfg->nics[i].transport_given)
			cfg->nics[i].transport = cfg->transport;
	return 0;
}

int run_options_parse(struct vm_config *cfg, int argc, char *const argv[],
		      char *err, size_t err_len)
{
	return run_options_parse_words(cfg, argc, argv, err, err_len) ?:
	       run_options_check(cfg, err, err_len);
}
