// SPDX-License-Identifier: GPL-2.0
#include "rt.h"

#define UART ((volatile uint8_t *)0x01000000)

extern char secondary_entry[];

static volatile unsigned int nr_failures;

void puts(const char *s)
{
	while (*s)
		*UART = *s++;
}

void put_hex(uint64_t v)
{
	char buf[19];

	buf[0] = '0';
	buf[1] = 'x';
	for (int i = 0; i < 16; i++)
		buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = '\0';
	puts(buf);
}

void put_dec(uint64_t v)
{
	char buf[21];
	int i = sizeof(buf) - 1;

	buf[i] = '\0';
	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	puts(&buf[i]);
}

bool check(bool ok, const char *what)
{
	puts(ok ? "PASS " : "FAIL ");
	puts(what);
	puts("\n");
	if (!ok)
		nr_failures++;
	return ok;
}

bool check_eq(int64_t got, int64_t want, const char *what)
{
	if (got == want)
		return check(true, what);
	puts("# got ");
	put_hex(got);
	puts(", want ");
	put_hex(want);
	puts("\n");
	return check(false, what);
}

unsigned int failures(void)
{
	return nr_failures;
}

/* A payload that starts no other CPU needs no secondary_main. */
__attribute__((weak)) void secondary_main(unsigned int cpu)
{
	(void)cpu;
}

__attribute__((weak)) uint64_t sdei_handler(uint64_t event, uint64_t arg,
					    uint64_t pc, uint64_t pstate)
{
	(void)event, (void)arg, (void)pc, (void)pstate;
	return 0;
}

void unexpected_exception(uint64_t kind)
{
	puts("# unexpected exception, vector ");
	put_dec(kind);
	puts("\n");
	check(false, "no exception this payload did not expect");
	for (;;)
		;
}

__attribute__((weak)) void exception_handler(uint64_t kind, uint64_t counter)
{
	(void)counter;
	unexpected_exception(kind);
}

uint64_t read_mpidr(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
	return v;
}

unsigned int this_cpu(void)
{
	return read_mpidr() & 0xff;
}

int64_t start_cpu(unsigned int cpu)
{
	return hvc(PSCI_CPU_ON, cpu, (uint64_t)secondary_entry, cpu, 0, 0);
}

void mmu_on(uint64_t tcr, uint64_t ttbr0, uint64_t ttbr1)
{
	uint64_t sctlr;

	__asm__ volatile(
		"msr mair_el1, %1\n"
		"msr tcr_el1, %2\n"
		"msr ttbr0_el1, %3\n"
		"msr ttbr1_el1, %4\n"
		"isb\n"
		"tlbi vmalle1\n"
		"dsb nsh\n"
		"isb\n"
		"mrs %0, sctlr_el1\n"
		"orr %0, %0, #1\n"		/* M */
		"orr %0, %0, #(1 << 2)\n"	/* C */
		"orr %0, %0, #(1 << 12)\n"	/* I */
		"msr sctlr_el1, %0\n"
		"isb\n"
		: "=&r"(sctlr) : "r"(0xf0ff00ull), "r"(tcr), "r"(ttbr0), "r"(ttbr1) : "memory");
}

uint64_t counter_now(void)
{
	uint64_t t;

	__asm__ volatile("isb; mrs %0, cntvct_el0; isb" : "=r"(t) :: "memory");
	return t;
}

/* Real time from the virtual counter: emulation makes loops unpredictable. */
bool wait_count(volatile int *v, int n)
{
	uint64_t freq, start = counter_now();

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	do {
		if (*v >= n)
			return true;
	} while (counter_now() - start < WAIT_SECONDS * freq);
	return *v >= n;
}

/* The payloads' flags only count up from 0. */
bool wait_for(volatile int *flag)
{
	return wait_count(flag, 1);
}

uint64_t median_ticks(uint64_t *ticks, unsigned int n)
{
	for (unsigned int i = 1; i < n; i++) {
		uint64_t v = ticks[i];
		int j = (int)i - 1;

		for (; j >= 0 && ticks[j] > v; j--)
			ticks[j + 1] = ticks[j];
		ticks[j + 1] = v;
	}
	return n ? ticks[n / 2] : 0;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* The first node of the DTB lkvm passed whose name starts @prefix
 * ("name@"): the hex unit address after the '@', or 0. */
uint64_t dt_node_address(const char *prefix)
{
	const uint8_t *dtb = (const uint8_t *)boot_x0;
	uint32_t off = be32(dtb + 8), size = be32(dtb + 36);

	for (uint32_t i = off; i < off + size; i++) {
		uint64_t addr = 0;
		unsigned int n = 0;

		while (prefix[n] && dtb[i + n] == (uint8_t)prefix[n])
			n++;
		if (prefix[n])
			continue;
		for (const uint8_t *p = dtb + i + n; *p; p++)
			addr = addr << 4 | (*p <= '9' ? *p - '0' : *p - 'a' + 10);
		return addr;
	}
	return 0;
}

/* Does DT node name @name (NUL-terminated) equal @node, or @node "@..."? */
static bool node_is(const uint8_t *name, const char *node)
{
	unsigned int n = 0;

	while (node[n] && name[n] == (uint8_t)node[n])
		n++;
	return !node[n] && (!name[n] || name[n] == '@');
}

const uint8_t *dt_property(const char *node, const char *prop, uint32_t *len)
{
	const uint8_t *dtb = (const uint8_t *)boot_x0;
	const uint8_t *p = dtb + be32(dtb + 8), *strings = dtb + be32(dtb + 12);
	int depth = 0, inside = -1;

	for (;;) {
		uint32_t token = be32(p), n;

		p += 4;
		switch (token) {
		case 1:		/* FDT_BEGIN_NODE: the name, padded to 4 bytes */
			depth++;
			if (inside < 0 && node_is(p, node))
				inside = depth;
			for (n = 0; p[n]; n++)
				;
			p += (n + 4) & ~3u;
			break;
		case 2:		/* FDT_END_NODE */
			if (depth-- == inside)
				return 0;
			break;
		case 3:		/* FDT_PROP: length, name offset, value */
			n = be32(p);
			if (depth == inside) {
				const char *name = (const char *)strings + be32(p + 4);
				unsigned int i = 0;

				while (prop[i] && name[i] == prop[i])
					i++;
				if (!prop[i] && !name[i]) {
					*len = n;
					return p + 8;
				}
			}
			p += 8 + ((n + 3) & ~3u);
			break;
		case 4:		/* FDT_NOP */
			break;
		default:	/* FDT_END, or not a DT */
			return 0;
		}
	}
}

uint64_t dt_u64(const uint8_t *p, uint32_t len)
{
	uint64_t v = 0;

	for (uint32_t i = 0; i < len && i < 8; i++)
		v = v << 8 | p[i];
	return v;
}
