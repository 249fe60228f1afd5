// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware-first RAS, seen from the guest (lkvm run --ras --sdei, 1 vCPU).
 * The payload finds the error region in its device tree, then at each
 * "WAIT <step>" line the harness (tests/l1/mode-check.sh) acts:
 *   serror    inject a corrected memory error, --notify serror
 *   sea       inject a recoverable memory error, --notify sea
 *   sdei      inject a corrected memory error, --notify sdei
 *   sdei2     (inside that handler) inject a second one, which must queue,
 *             then signal critical event 2 to let the handler ack
 *   processor inject a corrected processor error, --notify sdei
 *   ao        have the host kernel find poison in the page at AO_PA, as a
 *             patrol scrub would (hwpoison-inject's corrupt-pfn): lkvm gets
 *             BUS_MCEERR_AO and notifies by SDEI; or, on a host without
 *             that module, signal event 2 to skip the step
 *   hwpoison  poison the page at HWPOISON_PA for real, then signal event 2
 *   storm     10,000 corrected errors while the handler acks, then event 2
 *   final     read the counters, then event 2
 * Every record is checked byte for byte against bytes this file writes
 * from the spec's layout tables, not from lkvm's encoder.
 */
#include "rt/rt.h"

#define SDEI(n)			(0xC4000020u + (n))
#define EVENT_REGISTER		SDEI(0x01)
#define EVENT_ENABLE		SDEI(0x02)
#define PE_UNMASK		SDEI(0x0C)

/* Addresses the harness injects at; keep in step with mode-check.sh. */
#define SERROR_PA		0x40123000ull
#define SEA_PA			0x40234000ull
#define SDEI_PA1		0x40345000ull
#define SDEI_PA2		0x40346000ull
#define PROCESSOR_PA		0x40456000ull
#define HWPOISON_PA		0x40800000ull
#define AO_PA			0x40900000ull
#define STORM_PA		0x40567000ull

/* Sources in the region (ras/README.md). */
#define SRC_SDEI_NORMAL		0
#define SRC_SERROR		2
#define SRC_SEA_VCPU0		3
#define NR_SOURCES		4	/* with one vCPU */

#define SEV_RECOVERABLE		0
#define SEV_CORRECTED		2

#define REC_MAX			256
#define TIMESTAMP_AT		(20 + 64)

static volatile uint64_t region;
static volatile int serror_seen, sync_seen, skip_fault, crit_seen;
static volatile uint64_t serror_esr, sync_esr, sync_far;
static volatile int sdei_count, storm, storm_good, storm_bad, storm_multi;
static volatile uint8_t snapshots[4][REC_MAX];

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = v >> (8 * i);
}

static uint64_t get_le(const volatile uint8_t *p, int n)
{
	uint64_t v = 0;

	for (int i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static volatile uint8_t *block(unsigned int src)
{
	return (volatile uint8_t *)get_le((volatile uint8_t *)region + 8 * src, 8);
}

/* What Linux's ghes_clear_estatus() does: block_status 0, then the ack. */
static void ack(unsigned int src)
{
	volatile uint64_t *ack_reg = (volatile uint64_t *)(region + 8 * (NR_SOURCES + src));

	*(volatile uint32_t *)block(src) = 0;
	__asm__ volatile("dsb sy" ::: "memory");
	*ack_reg = (*ack_reg & ~1ull) | 1;
}

/* Generic Error Status Block + one 0x0300 entry header, by the tables. */
static unsigned int expect_header(uint8_t *e, const uint8_t guid[16], unsigned int sev,
				  unsigned int payload)
{
	static const uint8_t zeros[REC_MAX];

	for (int i = 0; i < REC_MAX; i++)
		e[i] = zeros[i];
	put_le(e + 0, (sev == SEV_CORRECTED ? 0x2 : 0x1) | 1 << 4, 4);
	put_le(e + 12, 72 + payload, 4);
	put_le(e + 16, sev, 4);
	for (int i = 0; i < 16; i++)
		e[20 + i] = guid[i];
	put_le(e + 20 + 16, sev, 4);
	put_le(e + 20 + 20, 0x0300, 2);
	e[20 + 22] = 0x04;			/* timestamp valid */
	e[20 + 23] = 0x01;			/* primary */
	put_le(e + 20 + 24, payload, 4);
	return 20 + 72 + payload;
}

static unsigned int expect_memory(uint8_t *e, uint64_t pa, unsigned int sev, bool poison)
{
	static const uint8_t mem_guid[16] = {
		0x14, 0x11, 0xbc, 0xa5, 0x64, 0x6f, 0xde, 0x4e,
		0xb8, 0x63, 0x3e, 0x83, 0xed, 0x7c, 0x83, 0xb1,
	};
	unsigned int len = expect_header(e, mem_guid, sev, 80);
	uint8_t *s = e + 92;

	/* PA, PA mask, error type valid; error status too for poison */
	put_le(s + 0, poison ? 0x4007 : 0x4006, 8);
	put_le(s + 8, poison ? 26 << 8 : 0, 8);	/* read of poisoned data */
	put_le(s + 16, pa, 8);
	put_le(s + 24, ~0xfffull, 8);
	s[72] = poison ? 0 : sev == SEV_CORRECTED ? 2 : 3;
	return len;
}

static unsigned int expect_processor(uint8_t *e, uint64_t mpidr, uint64_t midr,
				     unsigned int sev, uint64_t pa)
{
	static const uint8_t arm_guid[16] = {
		0x16, 0x3d, 0x9e, 0xe1, 0x11, 0xbc, 0xe4, 0x11,
		0x9c, 0xaa, 0xc2, 0x05, 0x1d, 0x5d, 0x46, 0xb0,
	};
	unsigned int len = expect_header(e, arm_guid, sev, 72);
	uint8_t *s = e + 92;

	put_le(s + 0, 0x5, 4);		/* MPIDR, running state valid */
	put_le(s + 4, 1, 2);		/* one error information structure */
	put_le(s + 8, 72, 4);		/* section length */
	put_le(s + 16, mpidr, 8);
	put_le(s + 24, midr, 8);
	put_le(s + 32, 1, 4);		/* running */
	s[41] = 32;			/* error info: length */
	put_le(s + 42, 0x12, 2);	/* flags, PA valid */
	s[44] = 0x02;			/* cache error */
	s[47] = 0x03;			/* first, last */
	put_le(s + 64, pa, 8);
	return len;
}

static bool bcd_ok(uint8_t v)
{
	return (v >> 4) <= 9 && (v & 0xf) <= 9;
}

/* Byte for byte, except the timestamp: BCD, imprecise, 20th+ century. */
static bool same_record(const volatile uint8_t *got, const uint8_t *want,
			unsigned int len, const char *what)
{
	for (unsigned int i = 0; i < len; i++) {
		if (i >= TIMESTAMP_AT && i < TIMESTAMP_AT + 8) {
			if ((i == TIMESTAMP_AT + 3 && got[i] > 1) || !bcd_ok(got[i]))
				return check(false, what);
			continue;
		}
		if (got[i] != want[i]) {
			puts("# byte ");
			put_dec(i);
			puts(": got ");
			put_hex(got[i]);
			puts(", want ");
			put_hex(want[i]);
			puts("\n");
			return check(false, what);
		}
	}
	return check(got[TIMESTAMP_AT + 7] == 0x20, what);
}

void exception_handler(uint64_t kind, uint64_t counter)
{
	uint64_t esr, far, elr;

	(void)counter;
	__asm__ volatile("mrs %0, esr_el1; mrs %1, far_el1; mrs %2, elr_el1"
			 : "=r"(esr), "=r"(far), "=r"(elr));
	if (kind == 4) {		/* synchronous, current EL, SP_ELx */
		sync_esr = esr;
		sync_far = far;
		if (skip_fault)
			__asm__ volatile("msr elr_el1, %0" :: "r"(elr + 4));
		sync_seen++;
	} else if (kind == 7) {		/* SError */
		serror_esr = esr;
		serror_seen++;
	} else {
		unexpected_exception(kind);
	}
}

static void storm_record(void)
{
	const volatile uint8_t *b = block(SRC_SDEI_NORMAL);
	uint32_t status = get_le(b, 4);

	/* Corrected, one entry; the multiple-CE bit after drops. */
	if ((status == 0x12 || status == 0x1a) && get_le(b + 12, 4) == 152 &&
	    get_le(b + 16, 4) == SEV_CORRECTED && get_le(b + 92 + 16, 8) == STORM_PA)
		storm_good++;
	else
		storm_bad++;
	storm_multi += status == 0x1a;
}

uint64_t sdei_handler(uint64_t event, uint64_t arg, uint64_t pc, uint64_t pstate)
{
	(void)arg, (void)pc, (void)pstate;
	if (event == 2) {
		crit_seen = 1;
		return 0;
	}
	if (storm) {
		storm_record();
	} else if (sdei_count < 4) {
		for (int i = 0; i < REC_MAX; i++)
			snapshots[sdei_count][i] = block(SRC_SDEI_NORMAL)[i];
		if (sdei_count == 0) {
			/* Hold the block: the next error must queue behind it. */
			puts("WAIT sdei2\n");
			wait_for(&crit_seen);
		}
	}
	ack(SRC_SDEI_NORMAL);
	sdei_count++;
	return 0;
}

static void check_layout(void)
{
	bool ok = true;

	for (unsigned int i = 0; i < NR_SOURCES; i++) {
		ok &= (uint64_t)block(i) == region + 4096 * (i + 1);
		ok &= get_le((volatile uint8_t *)region + 8 * (NR_SOURCES + i), 8) == 1;
		ok &= get_le(block(i), 4) == 0;
	}
	check(ok, "each source's slot points at its block, ack reads 1, block empty");
}

static int64_t sdei_register(uint32_t event)
{
	int64_t ret = hvc(EVENT_REGISTER, event, (uint64_t)sdei_entry, event, 0, 0);

	return ret ?: hvc(EVENT_ENABLE, event, 0, 0, 0, 0);
}

static void wait_crit(void)
{
	check(wait_for(&crit_seen), "the harness signalled event 2");
	crit_seen = 0;
}

void main(void)
{
	uint8_t want[REC_MAX];
	uint64_t midr;
	unsigned int len;

	puts("ras test\n");
	region = dt_node_address("ras-errors@");
	if (!check(region != 0, "the DT reserves ras-errors@..."))
		return;
	check(region >= 0x40000000 && region % 0x10000 == 0, "the region is RAM, 64 KiB aligned");
	check_layout();
	__asm__ volatile("msr vbar_el1, %0; isb" :: "r"(vectors));
	check_eq(sdei_register(16), 0, "REGISTER and ENABLE shared event 16");
	check_eq(sdei_register(2), 0, "REGISTER and ENABLE critical event 2");
	check_eq(hvc(PE_UNMASK, 0, 0, 0, 0, 0), 0, "PE_UNMASK");
	__asm__ volatile("msr daifclr, #4" ::: "memory");	/* SErrors in */

	puts("WAIT serror\n");
	check(wait_for(&serror_seen), "a virtual SError arrived");
	check_eq(serror_esr >> 26, 0x2f, "ESR_EL1.EC is SError");
	check_eq(serror_esr & 0x1ffffff, 0x1811, "ESR_EL1.ISS is the injected syndrome (AET CE, DFSC 0x11)");
	len = expect_memory(want, SERROR_PA, SEV_CORRECTED, false);
	same_record(block(SRC_SERROR), want, len, "the SError source's record, byte for byte");
	ack(SRC_SERROR);

	puts("WAIT sea\n");
	check(wait_for(&sync_seen), "a synchronous external abort arrived");
	check_eq(sync_esr, 0x96000410, "ESR_EL1: data abort, current EL, FnV, external abort");
	len = expect_memory(want, SEA_PA, SEV_RECOVERABLE, false);
	same_record(block(SRC_SEA_VCPU0), want, len, "the SEA source's record, byte for byte");
	ack(SRC_SEA_VCPU0);

	puts("WAIT sdei\n");
	check(wait_count(&sdei_count, 2), "SDEI event 16 ran twice: the queued record came after the ack");
	crit_seen = 0;
	len = expect_memory(want, SDEI_PA1, SEV_CORRECTED, false);
	same_record(snapshots[0], want, len, "first SDEI record, byte for byte");
	len = expect_memory(want, SDEI_PA2, SEV_CORRECTED, false);
	same_record(snapshots[1], want, len, "second (queued) SDEI record, byte for byte");

	puts("WAIT processor\n");
	check(wait_count(&sdei_count, 3), "SDEI event 16 ran for the processor error");
	__asm__ volatile("mrs %0, midr_el1" : "=r"(midr));
	len = expect_processor(want, read_mpidr(), midr, SEV_CORRECTED, PROCESSOR_PA);
	same_record(snapshots[2], want, len, "ARM processor error record, byte for byte");

	*(volatile uint64_t *)AO_PA = 0xa5a5a5a5a5a5a5a5ull;
	puts("WAIT ao\n");
	while (sdei_count < 4 && !crit_seen)
		wait_count(&sdei_count, 4);
	if (crit_seen) {
		puts("# the host cannot inject background poison: ao step not run\n");
		crit_seen = 0;
	} else {
		len = expect_memory(want, AO_PA, SEV_RECOVERABLE, true);
		same_record(snapshots[3], want, len,
			    "poison the host found in the background (AO), by SDEI, byte for byte");
	}

	*(volatile uint64_t *)HWPOISON_PA = 0x5a5a5a5a5a5a5a5aull;
	puts("WAIT hwpoison\n");
	wait_crit();
	skip_fault = 1;
	(void)*(volatile uint64_t *)HWPOISON_PA;
	skip_fault = 0;
	check_eq(sync_seen, 2, "touching the poisoned page took an abort");
	check_eq(sync_esr & 0xfc00003f, 0x94000010, "ESR_EL1: data abort, current EL, external abort");
	check_eq(sync_esr & (1 << 10), 0, "FnV clear: FAR holds the address");
	check_eq(sync_far, HWPOISON_PA, "FAR_EL1 is the poisoned address");
	len = expect_memory(want, HWPOISON_PA, SEV_RECOVERABLE, true);
	same_record(block(SRC_SEA_VCPU0), want, len, "the host poison record, byte for byte");
	ack(SRC_SEA_VCPU0);

	storm = 1;
	sdei_count = 0;
	puts("WAIT storm\n");
	wait_crit();
	storm = 0;
	puts("STORM handled ");
	put_dec(sdei_count);
	puts(" good ");
	put_dec(storm_good);
	puts(" multiple ");
	put_dec(storm_multi);
	puts("\n");
	check_eq(storm_bad, 0, "no storm record was corrupt");
	check(storm_good == sdei_count && sdei_count > 0, "every storm record was checked");
	puts("WAIT final\n");
	wait_crit();
	puts(failures() ? "DONE with failures\n" : "DONE\n");
}
