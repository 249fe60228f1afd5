// SPDX-License-Identifier: GPL-2.0
/*
 * What tells a CI run how a guest ended: panic=-1 on the command line
 * (core/cmdline.c), the panic's console line (core/panic_line.c) and the
 * pvpanic register (hw/pvpanic.c).
 */
#include <stdlib.h>
#include <string.h>

#include "core/cmdline.h"
#include "core/panic_line.h"
#include "hw/pvpanic.h"
#include "tests/unit/helpers.h"

static char *cmdline(struct vm_config *cfg, const char *console)
{
	char *out;

	assert_int_equal(cmdline_build(cfg, console, &out), 0);
	return out;
}

static void test_cmdline_sets(void **state)
{
	(void)state;
	assert_true(cmdline_sets("panic=5", "panic"));
	assert_true(cmdline_sets("quiet panic=0 x", "panic"));
	assert_false(cmdline_sets("hung_task_panic=1 oops=panic", "panic"));
	assert_false(cmdline_sets("panic", "panic"));
	assert_false(cmdline_sets("nfsroot=/srv", "root"));
	assert_true(cmdline_sets("nfsroot=/srv root=/dev/vdb", "root"));
}

static void test_cmdline_defaults(void **state)
{
	struct vm_config cfg = { 0 };
	char *s;

	(void)state;
	s = cmdline(&cfg, "ttyS0");
	assert_string_equal(s, "console=ttyS0 panic=-1");
	free(s);
	cfg.params = "quiet hung_task_panic=1";
	cfg.nr_disks = 1;
	s = cmdline(&cfg, "hvc0");
	assert_string_equal(s, "console=hvc0 root=/dev/vda rw panic=-1 quiet hung_task_panic=1");
	free(s);
	/* -p's panic= and root= replace lkvm's. */
	cfg.params = "root=/dev/vdb panic=30";
	s = cmdline(&cfg, "ttyAMA0");
	assert_string_equal(s, "console=ttyAMA0 root=/dev/vdb panic=30");
	free(s);
	/* -d DIR: the folder tagged root, over the disks. */
	cfg.params = "quiet";
	cfg.fs_root = true;
	s = cmdline(&cfg, "ttyS0");
	assert_string_equal(s, "console=ttyS0 rootfstype=virtiofs root=root rw panic=-1 quiet");
	free(s);
}

static void test_cmdline_nodefaults(void **state)
{
	struct vm_config cfg = { .nodefaults = true, .nr_disks = 1 };
	char *s;

	(void)state;
	assert_null(cmdline(&cfg, "ttyS0"));
	cfg.params = "earlycon";
	s = cmdline(&cfg, "ttyS0");
	assert_string_equal(s, "earlycon");
	free(s);
}

static void feed(struct panic_line *pl, const char *s)
{
	panic_line_feed(pl, (const uint8_t *)s, strlen(s));
}

static void test_panic_line(void **state)
{
	struct panic_line pl;

	(void)state;
	panic_line_init(&pl);
	feed(&pl, "[    0.000000] Kernel command line: console=ttyS0 panic=-1\r\n");
	assert_null(panic_line_last(&pl));
	/* A report arriving in pieces; stack frames after it do not count. */
	feed(&pl, "[   12.5] Kernel pa");
	assert_null(panic_line_last(&pl));
	feed(&pl, "nic - not syncing: sysrq triggered crash\r\n");
	feed(&pl, "[   12.6]  panic+0x1c/0x2b0\r\n[   12.6] Kernel Offset: disabled\r\n");
	assert_string_equal(panic_line_last(&pl),
			    "[   12.5] Kernel panic - not syncing: sysrq triggered crash");
	feed(&pl, "  panic: page fault\t \n");
	assert_string_equal(panic_line_last(&pl), "panic: page fault");
}

static void test_panic_line_hostile(void **state)
{
	char line[1000];
	struct panic_line pl;
	const char *last;

	(void)state;
	panic_line_init(&pl);
	memset(line, 'x', sizeof(line));
	memcpy(line, "panic: \x1b[31m\x80", 13);
	line[sizeof(line) - 1] = '\n';
	panic_line_feed(&pl, (const uint8_t *)line, sizeof(line));
	last = panic_line_last(&pl);
	assert_non_null(last);
	assert_int_equal(strlen(last), PANIC_LINE_MAX);
	assert_memory_equal(last, "panic: ?[31m?xx", 15);
	/* A line the report no longer fits in is not one. */
	memcpy(line + PANIC_LINE_MAX, "panic: ", 7);
	memcpy(line, "yyyyyyy", 7);
	panic_line_feed(&pl, (const uint8_t *)line, sizeof(line));
	assert_memory_equal(panic_line_last(&pl), "panic: ", 7);
}

struct events {
	unsigned int seen[8];
	unsigned int n;
};

static void record(void *opaque, unsigned int events)
{
	struct events *e = opaque;

	if (e->n < ARRAY_SIZE(e->seen))
		e->seen[e->n] = events;
	e->n++;
}

static void test_pvpanic(void **state)
{
	struct events e = { 0 };
	struct pvpanic pv;
	uint8_t b[4];

	(void)state;
	pvpanic_init(&pv, record, &e);
	memset(b, 0xaa, sizeof(b));
	pvpanic_access(&pv, 0, b, 4, false);
	assert_memory_equal(b, "\x03\x03\x00\x00", 4);
	memset(b, 0xaa, sizeof(b));
	pvpanic_access(&pv, 1, b, 2, false);
	assert_memory_equal(b, "\x03\x00", 2);
	/* Unknown bits are ignored: 0x04 alone is no event. */
	b[0] = 0x04;
	pvpanic_access(&pv, 0, b, 1, true);
	assert_int_equal(e.n, 0);
	b[0] = 0xfd;
	pvpanic_access(&pv, 1, b, 1, true);
	b[0] = 0x02;
	b[1] = 0x01;
	b[2] = 0x01;	/* beyond the register */
	pvpanic_access(&pv, 0, b, 3, true);
	assert_int_equal(e.n, 3);
	assert_int_equal(e.seen[0], PVPANIC_PANICKED);
	assert_int_equal(e.seen[1], PVPANIC_CRASH_LOADED);
	assert_int_equal(e.seen[2], PVPANIC_PANICKED);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_sets),
		cmocka_unit_test(test_cmdline_defaults),
		cmocka_unit_test(test_cmdline_nodefaults),
		cmocka_unit_test(test_panic_line),
		cmocka_unit_test(test_panic_line_hostile),
		cmocka_unit_test(test_pvpanic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
