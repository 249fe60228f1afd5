// SPDX-License-Identifier: GPL-2.0
/*
 * What the guest was given, one KEY=value line each, for the tests of
 * kvmtool's arm64 run options: the DT's KASLR seed and timer frequency,
 * the ID registers' MTE, SVE and AArch32 fields, the SVE vector length,
 * the stolen-time region (SMCCC PV_TIME_ST) and the virtual counter.
 */
#include "rt/rt.h"

#define SMCCC_ARCH_FEATURES	0x80000001u
#define PV_TIME_FEATURES	0xC5000020u
#define PV_TIME_ST		0xC5000021u

static uint64_t field(uint64_t reg, unsigned int lsb)
{
	return reg >> lsb & 0xf;
}

static void put_value(const char *key, uint64_t v, bool hex)
{
	puts(key);
	puts("=");
	if (hex)
		put_hex(v);
	else
		put_dec(v);
	puts("\n");
}

static void dt_report(const char *key, const char *node, const char *prop, bool hex)
{
	uint32_t len;
	const uint8_t *p = dt_property(node, prop, &len);

	if (!p) {
		puts(key);
		puts("=none\n");
		return;
	}
	put_value(key, dt_u64(p, len), hex);
}

/* The vector length in bits: ask for the most, read back what is given. */
static uint64_t sve_vl_bits(void)
{
	uint64_t cpacr, bytes;

	__asm__ volatile("mrs %0, cpacr_el1" : "=r"(cpacr));
	cpacr |= 3u << 16 | 3u << 20;		/* ZEN, FPEN: no traps */
	__asm__ volatile("msr cpacr_el1, %0; isb" :: "r"(cpacr));
	__asm__ volatile("msr s3_0_c1_c2_0, %0; isb" :: "r"(0xfull));	/* ZCR_EL1.LEN: 2048 bits */
	__asm__ volatile(".inst 0x04bf5020; mov %0, x0" : "=r"(bytes) :: "x0");	/* rdvl x0, #1 */
	return bytes * 8;
}

static void pvtime_report(void)
{
	int64_t ipa;

	if (hvc(SMCCC_ARCH_FEATURES, PV_TIME_FEATURES, 0, 0, 0, 0) ||
	    hvc(PV_TIME_FEATURES, PV_TIME_ST, 0, 0, 0, 0)) {
		puts("pvtime=none\n");
		return;
	}
	ipa = hvc(PV_TIME_ST, 0, 0, 0, 0, 0);
	put_value("pvtime", ipa, true);
}

void main(void)
{
	uint64_t pfr0, pfr1, cnt, freq;

	__asm__ volatile("mrs %0, id_aa64pfr0_el1; mrs %1, s3_0_c0_c4_1"
			 : "=r"(pfr0), "=r"(pfr1));
	__asm__ volatile("isb; mrs %0, cntvct_el0; mrs %1, cntfrq_el0" : "=r"(cnt), "=r"(freq));
	dt_report("kaslr-seed", "chosen", "kaslr-seed", true);
	dt_report("timer-frequency", "timer", "clock-frequency", false);
	put_value("mte", field(pfr1, 8), false);
	put_value("el1-aarch32", field(pfr0, 4) == 2, false);
	put_value("sve", field(pfr0, 32), false);
	if (field(pfr0, 32))
		put_value("sve-vl-bits", sve_vl_bits(), false);
	pvtime_report();
	put_value("counter-seconds", cnt / freq, false);
}
