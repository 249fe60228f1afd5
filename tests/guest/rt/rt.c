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

bool wait_for(volatile int *flag)
{
	for (unsigned long i = 0; i < 200000000UL; i++)
		if (*flag)
			return true;
	return false;
}
