// SPDX-License-Identifier: GPL-2.0
/*
 * A hostile virtio driver (lkvm run --virtio-transport mmio -d DISK --rng,
 * DISK starting with DISK_MAGIC). It breaks the disk's queue in the ways
 * the spec forbids (a looping chain, a buffer outside RAM, an indirect
 * table inside an indirect table, a ring outside RAM) and after each one
 * checks, as a driver sees it, that the disk set DEVICE_NEEDS_RESET and
 * raised its configuration interrupt, that the driver cannot clear the
 * state, that virtio-rng still serves, and that a reset brings the disk
 * back to reading its first sector. The harness (tests/l1/virtio.sh)
 * checks lkvm's warning line for each.
 */
#include <stddef.h>

#include "rt/rt.h"

#define DISK_MAGIC		"LKVM-BREAK-DISK\n"

#define GICD_BASE		0x08000000ull
#define GICD_ISPENDR		0x200
#define GICD_ICPENDR		0x280
#define GICD_ICFGR		0xc00
#define VIRTIO_MMIO_BASE	0x0a000000ull
#define VIRTIO_MMIO_STRIDE	0x200
#define VIRTIO_MMIO_IRQ(n)	(32 + 16 + (n))
#define RAM_BASE		0x40000000ull

/* virtio-mmio registers (Virtio 1.2, 4.2.2) */
#define MAGIC			0x000
#define DEVICE_ID		0x008
#define DEVICE_FEATURES		0x010
#define DEVICE_FEATURES_SEL	0x014
#define DRIVER_FEATURES		0x020
#define DRIVER_FEATURES_SEL	0x024
#define QUEUE_SEL		0x030
#define QUEUE_NUM		0x038
#define QUEUE_READY		0x044
#define QUEUE_NOTIFY		0x050
#define INTERRUPT_STATUS	0x060
#define INTERRUPT_ACK		0x064
#define STATUS			0x070
#define QUEUE_DESC		0x080
#define QUEUE_DRIVER		0x090
#define QUEUE_DEVICE		0x0a0

#define S_ACKNOWLEDGE		1
#define S_DRIVER		2
#define S_DRIVER_OK		4
#define S_FEATURES_OK		8
#define S_NEEDS_RESET		0x40
#define ISR_CONFIG		2

#define F_INDIRECT_DESC		28
#define F_VERSION_1		32

#define D_NEXT			1
#define D_WRITE			2
#define D_INDIRECT		4

#define QSIZE			8
#define ID_BLK			2
#define ID_RNG			4

struct desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* One queue's three parts, each aligned beyond what 2.7 asks. */
struct queue {
	struct desc desc[QSIZE];
	struct {
		uint16_t flags, idx, ring[QSIZE];
	} avail __attribute__((aligned(64)));
	struct {
		uint16_t flags, idx;
		struct {
			uint32_t id, len;
		} ring[QSIZE];
	} used __attribute__((aligned(64)));
	uint16_t next_avail;
};

struct blk_req {
	uint32_t type, reserved;
	uint64_t sector;
};

static struct queue blk_q __attribute__((aligned(4096)));
static struct queue rng_q __attribute__((aligned(4096)));
static struct desc indirect_table[2] __attribute__((aligned(16)));
static struct blk_req req;
static uint8_t sector[512];
static volatile uint8_t req_status;
static uint8_t entropy[64];

static uint64_t blk_base, rng_base;
static unsigned int blk_slot;

static uint32_t rd(uint64_t base, uint32_t reg)
{
	return *(volatile uint32_t *)(base + reg);
}

static void wr(uint64_t base, uint32_t reg, uint32_t v)
{
	__asm__ volatile("dsb sy" ::: "memory");
	*(volatile uint32_t *)(base + reg) = v;
}

static void wr64(uint64_t base, uint32_t reg, uint64_t v)
{
	wr(base, reg, (uint32_t)v);
	wr(base, reg + 4, (uint32_t)(v >> 32));
}

static uint64_t seconds(unsigned int n)
{
	uint64_t freq;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(freq));
	return counter_now() + n * freq;
}

static bool gic_pending(unsigned int intid)
{
	return *(volatile uint32_t *)(GICD_BASE + GICD_ISPENDR + intid / 32 * 4) &
	       1u << intid % 32;
}

static void gic_clear_pending(unsigned int intid)
{
	*(volatile uint32_t *)(GICD_BASE + GICD_ICPENDR + intid / 32 * 4) = 1u << intid % 32;
}

/* The DT says the virtio-mmio SPIs are edge-triggered: latch the edge. */
static void gic_set_edge(unsigned int intid)
{
	volatile uint32_t *cfg = (volatile uint32_t *)(GICD_BASE + GICD_ICFGR + intid / 16 * 4);

	*cfg |= 2u << intid % 16 * 2;
}

/* 3.1.1: reset, negotiate VERSION_1 (+ @extra), set up queue 0, go. */
static bool device_start(uint64_t base, struct queue *q, uint64_t extra,
			 const struct desc *table)
{
	uint64_t want = 1ull << F_VERSION_1 | extra;

	wr(base, STATUS, 0);
	if (rd(base, STATUS))
		return false;
	for (unsigned int i = 0; i < sizeof(*q); i++)
		((volatile uint8_t *)q)[i] = 0;
	wr(base, STATUS, S_ACKNOWLEDGE | S_DRIVER);
	wr(base, DEVICE_FEATURES_SEL, 1);
	if ((rd(base, DEVICE_FEATURES) & (uint32_t)(want >> 32)) != (uint32_t)(want >> 32))
		return false;
	wr(base, DEVICE_FEATURES_SEL, 0);
	if ((rd(base, DEVICE_FEATURES) & (uint32_t)want) != (uint32_t)want)
		return false;
	wr(base, DRIVER_FEATURES_SEL, 1);
	wr(base, DRIVER_FEATURES, want >> 32);
	wr(base, DRIVER_FEATURES_SEL, 0);
	wr(base, DRIVER_FEATURES, (uint32_t)want);
	wr(base, STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK);
	if (!(rd(base, STATUS) & S_FEATURES_OK))
		return false;
	wr(base, QUEUE_SEL, 0);
	wr(base, QUEUE_NUM, QSIZE);
	wr64(base, QUEUE_DESC, table ? (uint64_t)table : (uint64_t)q->desc);
	wr64(base, QUEUE_DRIVER, (uint64_t)&q->avail);
	wr64(base, QUEUE_DEVICE, (uint64_t)&q->used);
	wr(base, QUEUE_READY, 1);
	wr(base, STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	return true;
}

static void set_desc(struct desc *d, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	volatile struct desc *v = d;

	v->addr = addr;
	v->len = len;
	v->flags = flags;
	v->next = next;
}

/* Offer the chain at @head and kick the device. */
static void submit(uint64_t base, struct queue *q, uint16_t head)
{
	volatile struct queue *v = q;

	v->avail.ring[q->next_avail % QSIZE] = head;
	__asm__ volatile("dsb sy" ::: "memory");
	v->avail.idx = ++q->next_avail;
	wr(base, QUEUE_NOTIFY, 0);
}

/* Wait up to 10 s for the device to use what was submitted. */
static bool wait_used(struct queue *q)
{
	volatile struct queue *v = q;
	uint64_t end = seconds(10);

	while (v->used.idx != q->next_avail)
		if (counter_now() > end)
			return false;
	return true;
}

static bool wait_needs_reset(uint64_t base)
{
	uint64_t end = seconds(10);

	while (!(rd(base, STATUS) & S_NEEDS_RESET))
		if (counter_now() > end)
			return false;
	return true;
}

/* check() of "@what @how": one line per check, counted in failures(). */
static bool check_how(bool ok, const char *what, const char *how)
{
	static char line[160];
	unsigned int n = 0;

	for (const char *p = what; *p && n < sizeof(line) - 1; p++)
		line[n++] = *p;
	if (n < sizeof(line) - 1)
		line[n++] = ' ';
	for (const char *p = how; *p && n < sizeof(line) - 1; p++)
		line[n++] = *p;
	line[n] = 0;
	return check(ok, line);
}

/* Read sector 0 and compare it with the magic the harness wrote. */
static void blk_read_sector0(const char *when)
{
	bool used;

	req.type = 0;		/* VIRTIO_BLK_T_IN */
	req.sector = 0;
	req_status = 0xff;
	for (unsigned int i = 0; i < sizeof(sector); i++)
		((volatile uint8_t *)sector)[i] = 0;
	set_desc(&blk_q.desc[0], (uint64_t)&req, sizeof(req), D_NEXT, 1);
	set_desc(&blk_q.desc[1], (uint64_t)sector, sizeof(sector), D_WRITE | D_NEXT, 2);
	set_desc(&blk_q.desc[2], (uint64_t)&req_status, 1, D_WRITE, 0);
	submit(blk_base, &blk_q, 0);
	used = wait_used(&blk_q);
	check_how(used && req_status == 0, "the disk reads its first sector", when);
	if (used) {
		bool same = true;

		for (unsigned int i = 0; i < sizeof(DISK_MAGIC) - 1; i++)
			same &= ((volatile uint8_t *)sector)[i] == DISK_MAGIC[i];
		check_how(same, "the sector holds what the harness wrote", when);
	}
}

/* virtio-rng fills a fresh 64-byte buffer with something not all zero. */
static bool rng_serves(void)
{
	volatile uint8_t *e = entropy;
	uint8_t any = 0;

	for (unsigned int i = 0; i < sizeof(entropy); i++)
		e[i] = 0;
	set_desc(&rng_q.desc[rng_q.next_avail % QSIZE], (uint64_t)entropy,
		 sizeof(entropy), D_WRITE, 0);
	submit(rng_base, &rng_q, rng_q.next_avail % QSIZE);
	if (!wait_used(&rng_q) ||
	    ((volatile struct queue *)&rng_q)->used.ring[(rng_q.next_avail - 1) % QSIZE].len != sizeof(entropy))
		return false;
	for (unsigned int i = 0; i < sizeof(entropy); i++)
		any |= e[i];
	return any;
}

/*
 * After the disk was given @how: it needs a reset, told the driver by a
 * configuration interrupt (only once DRIVER_OK, 2.1.2: @submitted says
 * the harm was a request, after DRIVER_OK, not the queue's set-up), keeps
 * the state through a driver's status write, did not use the request, and
 * virtio-rng still works.
 */
static void check_broken(const char *how, bool submitted)
{
	unsigned int irq = VIRTIO_MMIO_IRQ(blk_slot);

	check_how(wait_needs_reset(blk_base), "the disk sets DEVICE_NEEDS_RESET", how);
	if (submitted) {
		check_how(rd(blk_base, INTERRUPT_STATUS) & ISR_CONFIG,
			  "the disk's interrupt status says configuration change", how);
		check_how(gic_pending(irq), "the disk's SPI is pending at the GIC", how);
	} else {
		check_how(!gic_pending(irq), "no interrupt before DRIVER_OK", how);
	}
	wr(blk_base, INTERRUPT_ACK, rd(blk_base, INTERRUPT_STATUS));
	gic_clear_pending(irq);
	wr(blk_base, STATUS, S_ACKNOWLEDGE | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
	check_how(rd(blk_base, STATUS) & S_NEEDS_RESET,
		  "a status write without the bit does not clear it", how);
	check_how(((volatile struct queue *)&blk_q)->used.idx == (uint16_t)(blk_q.next_avail - submitted),
		  "the disk did not use the request", how);
	check_how(rng_serves(), "virtio-rng still fills a buffer", how);
	check_how(!(rd(blk_base, INTERRUPT_STATUS) & ISR_CONFIG) && !gic_pending(irq),
		  "nothing else was raised meanwhile", how);
}

static bool find_devices(void)
{
	for (unsigned int n = 0; n < 32; n++) {
		uint64_t base = VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_STRIDE;

		if (rd(base, MAGIC) != 0x74726976)	/* "virt" */
			continue;
		if (rd(base, DEVICE_ID) == ID_BLK && !blk_base) {
			blk_base = base;
			blk_slot = n;
		} else if (rd(base, DEVICE_ID) == ID_RNG && !rng_base) {
			rng_base = base;
		}
	}
	return blk_base && rng_base;
}

void main(void)
{
	if (!check(find_devices(), "found a virtio-mmio disk and virtio-rng")) {
		puts("DONE with failures\n");
		return;
	}
	gic_set_edge(VIRTIO_MMIO_IRQ(blk_slot));
	check(device_start(rng_base, &rng_q, 0, NULL), "virtio-rng starts");
	check(rng_serves(), "virtio-rng fills a buffer");
	check(device_start(blk_base, &blk_q, 0, NULL), "the disk starts");
	blk_read_sector0("before any harm");

	/* 2.7.5.3.1: a chain must end. Both writable, so the loop is all
	 * that is wrong with it. */
	set_desc(&blk_q.desc[0], (uint64_t)sector, 256, D_WRITE | D_NEXT, 1);
	set_desc(&blk_q.desc[1], (uint64_t)sector + 256, 256, D_WRITE | D_NEXT, 0);
	submit(blk_base, &blk_q, 0);
	check_broken("(a looping chain)", true);

	check(device_start(blk_base, &blk_q, 0, NULL), "the disk restarts after the loop");
	blk_read_sector0("after the loop and a reset");
	set_desc(&blk_q.desc[0], 0x1000, sizeof(req), D_NEXT, 1);
	set_desc(&blk_q.desc[1], (uint64_t)&req_status, 1, D_WRITE, 0);
	submit(blk_base, &blk_q, 0);
	check_broken("(a buffer outside RAM)", true);

	/* 2.7.5.3.1: an indirect table may not name another. */
	check(device_start(blk_base, &blk_q, 1ull << F_INDIRECT_DESC, NULL),
	      "the disk restarts with indirect descriptors");
	set_desc(&indirect_table[0], (uint64_t)&req, sizeof(req), D_INDIRECT, 0);
	set_desc(&indirect_table[1], (uint64_t)&req_status, 1, D_WRITE, 0);
	set_desc(&blk_q.desc[0], (uint64_t)indirect_table, sizeof(indirect_table), D_INDIRECT, 0);
	submit(blk_base, &blk_q, 0);
	check_broken("(an indirect table inside an indirect table)", true);

	/* The ring itself outside RAM: refused when the queue goes ready. */
	device_start(blk_base, &blk_q, 0, (const struct desc *)0x20000000);
	check_broken("(a descriptor table outside RAM)", false);

	check(device_start(blk_base, &blk_q, 0, NULL), "the disk restarts after all that");
	blk_read_sector0("at the end");
	puts(failures() ? "DONE with failures\n" : "DONE\n");
}
