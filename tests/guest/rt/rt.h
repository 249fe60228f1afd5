/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_GUEST_RT_H
#define LKVM_GUEST_RT_H

/*
 * A minimal runtime for bare-metal test payloads in C: MMU off, EL1, up to
 * four CPUs with their own stacks, output on the 16550 at 0x0100_0000.
 * Memory is Device with the MMU off: the code is built -mstrict-align and
 * shares data between CPUs only through volatile words.
 */
#include <stdbool.h>
#include <stdint.h>

#define PSCI_CPU_ON		0xC4000003u
#define PSCI_SYSTEM_OFF		0x84000008u

int64_t hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
	    uint64_t a5);
int64_t smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
	    uint64_t a5);

void puts(const char *s);
void put_hex(uint64_t v);
void put_dec(uint64_t v);

/* PASS/FAIL lines the harness turns into TAP; returns @ok. */
bool check(bool ok, const char *what);
/* Same, printing the value seen when it is not the one wanted. */
bool check_eq(int64_t got, int64_t want, const char *what);
unsigned int failures(void);

uint64_t read_mpidr(void);
unsigned int this_cpu(void);

/* Start CPU @cpu at secondary_main(@cpu) through PSCI. */
int64_t start_cpu(unsigned int cpu);
#define WAIT_SECONDS 60

/* Spin until *@flag is non-zero or WAIT_SECONDS pass; says which. */
bool wait_for(volatile int *flag);
/* Spin until *@v reaches @n or WAIT_SECONDS pass; says which. */
bool wait_count(volatile int *v, int n);

/* The virtual counter, ordered against the code around it. */
uint64_t counter_now(void);
/* The median of @n samples; sorts them in place. 0 when @n is 0. */
uint64_t median_ticks(uint64_t *ticks, unsigned int n);

/*
 * SDEI: register sdei_entry as the entry point; it calls sdei_handler()
 * (a payload's own, or a default that does nothing) with x0-x3 as the
 * dispatcher set them, then COMPLETEs, or COMPLETE_AND_RESUMEs at the
 * address sdei_handler() returns if that is not 0.
 */
extern char sdei_entry[];
uint64_t sdei_handler(uint64_t event, uint64_t arg, uint64_t pc,
		      uint64_t pstate);

/*
 * Exceptions: point VBAR_EL1 at vectors and each one calls
 * exception_handler() (the payload's own; the default reports and stops)
 * with the vector's number (0-15: sync, IRQ, FIQ, SError from current EL
 * SP0, current EL SPx, lower EL AArch64, lower EL AArch32) and the
 * virtual counter read as the vector's first instruction.
 */
extern char vectors[];
void exception_handler(uint64_t kind, uint64_t counter);
/* Report an exception the payload did not expect, as a FAIL, and stop. */
void unexpected_exception(uint64_t kind) __attribute__((noreturn));

/*
 * The MMU, for payloads that want it on: MAIR_EL1 gets attribute 0 Device
 * nGnRnE, 1 Normal write-back and 2 the same, Tagged for MTE (descriptor
 * AttrIndx 0, 1 and 2); mmu_on()
 * loads @tcr and both table bases, invalidates the TLB, then sets
 * SCTLR_EL1.M, C and I. It stays on: turning it off again would need the
 * caches cleaned first.
 */
void mmu_on(uint64_t tcr, uint64_t ttbr0, uint64_t ttbr1);

/* x0 as lkvm started CPU 0 with: the DTB's address. */
extern uint64_t boot_x0;

/* The unit address of the first DT node whose name starts with @prefix
 * (e.g. "ras-errors@"), or 0. */
uint64_t dt_node_address(const char *prefix);

/* Property @prop of the first DT node named @node (or @node@unit): its
 * value and *@len, or 0 if there is none. */
const uint8_t *dt_property(const char *node, const char *prop, uint32_t *len);
/* A big-endian DT cell value of @len (4 or 8) bytes. */
uint64_t dt_u64(const uint8_t *p, uint32_t len);

/* Provided by the payload. */
void main(void);
void secondary_main(unsigned int cpu);

#endif
