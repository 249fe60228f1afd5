// SPDX-License-Identifier: GPL-2.0
/*
 * Firmware-first RAS, seen from the guest (lkvm run --ras --sdei, 1 vCPU).
 * The payload finds the error region in its device tree, then at each
 * "WAIT <step>" line the harness (tests/l1/ras.sh) acts:
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
 *   lkvmread  poison the page at TTBR1_TABLE_PA for real, then signal event 2
 *   storm     10,000 corrected errors while the handler acks, then event 2
 *   final     read the counters, snapshot the VM, then event 2; the
 *             payload touches the poisoned pages again, and so does a
 *             restore of that snapshot once it gets event 2
 * Every record is checked byte for byte against bytes this file writes
 * from the spec's layout tables, not from lkvm's encoder.
 */
#include "ras_region.h"

#define SDEI(n)			(0xC4000020u + (n))
#define EVENT_REGISTER		SDEI(0x01)
#define EVENT_ENABLE		SDEI(0x02)
#define EVENT_UNREGISTER	SDEI(0x07)
#define PE_UNMASK		SDEI(0x0C)
#define INVALID_PARAMETERS	(-2)

/* Addresses the harness injects at; keep in step with tests/l1/ras.sh. */
#define SERROR_PA		0x40123000ull
#define SEA_PA			0x40234000ull
#define SDEI_PA1		0x40345000ull
#define SDEI_PA2		0x40346000ull
#define PROCESSOR_PA		0x40456000ull
#define HWPOISON_PA		0x40800000ull
#define AO_PA			0x40900000ull
#define TTBR1_TABLE_PA		0x40a00000ull
#define STORM_PA		0x40567000ull

/* TTBR1 with T1SZ 25: the top 512 GiB of the address space. */
#define HIGH_VA(pa)		(0xffffff8000000000ull | (pa))
#define NR_SNAPSHOTS		8

static volatile int serror_seen, sync_seen, skip_fault, crit_seen, ao_poisoned;
static volatile uint64_t serror_esr, sync_esr, sync_far;
static volatile int sdei_count, storm, storm_good, storm_bad, storm_multi;
static volatile uint8_t snapshots[NR_SNAPSHOTS][REC_MAX];
static uint64_t identity_map[512] __attribute__((aligned(4096)));

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
	} else if (sdei_count < NR_SNAPSHOTS) {
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

static int64_t sdei_register(uint32_t event)
{
	int64_t ret = hvc(EVENT_REGISTER, event, (uint64_t)sdei_entry, event, 0, 0);

	return ret ?: hvc(EVENT_ENABLE, event, 0, 0, 0, 0);
}

/*
 * MMU on: TTBR0 maps the first two GiB by identity (devices, then RAM);
 * TTBR1's one table, at TTBR1_TABLE_PA, maps RAM's GiB at HIGH_VA. The
 * payload never uses a TTBR1 address itself, so once that table is
 * poisoned only lkvm reads it, when it walks an SDEI entry point.
 */
static void two_halves_mmu_on(void)
{
	volatile uint64_t *high = (volatile uint64_t *)TTBR1_TABLE_PA;

	identity_map[0] = 0x00000000ull | 1 << 10 | 0 << 2 | 1;	/* AF, Device, block */
	identity_map[1] = 0x40000000ull | 1 << 10 | 3 << 8 | 1 << 2 | 1;	/* AF, inner shareable, Normal */
	for (int i = 0; i < 512; i++)
		high[i] = i == 1 ? identity_map[1] : 0;
	/* T0SZ = T1SZ = 25 (39 bits, from level 1), 4K granules, WBWA inner
	 * shareable walks, 40-bit IPS. */
	mmu_on(25 | 1 << 8 | 1 << 10 | 3 << 12 |
	       25ull << 16 | 1ull << 24 | 1ull << 26 | 3ull << 28 | 2ull << 30 | 2ull << 32,
	       (uint64_t)identity_map, TTBR1_TABLE_PA);
}

static bool page_is_zero(uint64_t pa)
{
	for (int i = 0; i < 512; i++)
		if (((volatile uint64_t *)pa)[i])
			return false;
	return true;
}

/* The guest touches @pa, which the host poisoned: abort number @nth. */
static void still_poisoned(uint64_t pa, int nth, const char *took, const char *far,
			   const char *record)
{
	uint8_t want[REC_MAX];
	unsigned int len;

	skip_fault = 1;
	(void)*(volatile uint64_t *)pa;
	skip_fault = 0;
	check_eq(sync_seen, nth, took);
	check_eq(sync_far, pa, far);
	len = expect_memory(want, pa, SEV_RECOVERABLE, true);
	same_record(block(SRC_SEA(0)), want, len, record);
	ack(SRC_SEA(0));
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
	int before;

	puts("ras test\n");
	if (!check(find_region(), "the DT reserves ras-errors@..."))
		return;
	check(region >= 0x40000000 && region % 0x10000 == 0, "the region is RAM, 64 KiB aligned");
	check_eq(nr_sources, 4, "four error sources: SDEI 16 and 17, SError, vCPU 0's SEA");
	check(layout_ok(), "each source's slot points at its block, ack reads 1, block empty");
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
	same_record(block(SRC_SEA(0)), want, len, "the SEA source's record, byte for byte");
	ack(SRC_SEA(0));

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
		ao_poisoned = 1;
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
	same_record(block(SRC_SEA(0)), want, len, "the host poison record, byte for byte");
	ack(SRC_SEA(0));

	/*
	 * lkvm's own read of poisoned guest RAM: the harness poisons the
	 * TTBR1 table, then an SDEI entry point in TTBR1's range makes lkvm
	 * walk it. lkvm must survive, see zeros (so refuse the entry point),
	 * report the page, and leave a zero page in its place. The MMU stays
	 * on for the rest.
	 */
	two_halves_mmu_on();
	check_eq(hvc(EVENT_REGISTER, 0, HIGH_VA((uint64_t)sdei_entry), 0, 0, 0), 0,
		 "REGISTER with an entry point lkvm finds through the TTBR1 table");
	check_eq(hvc(EVENT_UNREGISTER, 0, 0, 0, 0, 0), 0, "UNREGISTER it again");
	before = sdei_count;
	puts("WAIT lkvmread\n");
	wait_crit();
	check_eq(hvc(EVENT_REGISTER, 0, HIGH_VA((uint64_t)sdei_entry), 0, 0, 0),
		 INVALID_PARAMETERS, "with that table poisoned, lkvm's walk reads zeros and refuses it");
	check(wait_count(&sdei_count, before + 1), "SDEI event 16 ran for the page lkvm read");
	len = expect_memory(want, TTBR1_TABLE_PA, SEV_RECOVERABLE, true);
	same_record(snapshots[before], want, len,
		    "the record of lkvm's own read of poison, byte for byte");
	check(page_is_zero(TTBR1_TABLE_PA), "the poisoned page now reads as zeros");

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
	/*
	 * Here a restore of the snapshot taken at "final" goes on too: in
	 * either, the host's poison is still there, and the page lkvm
	 * replaced still reads as zeros.
	 */
	still_poisoned(HWPOISON_PA, 3, "touching the poisoned page again took an abort again",
		       "FAR_EL1 is the poisoned address again",
		       "the second host poison record, byte for byte");
	if (ao_poisoned)
		still_poisoned(AO_PA, 4,
			       "touching the page the host found poisoned (AO) took an abort",
			       "FAR_EL1 is that page's address", "its record, byte for byte");
	check(page_is_zero(TTBR1_TABLE_PA), "the page lkvm replaced still reads as zeros");
	puts(failures() ? "DONE with failures\n" : "DONE\n");
}
