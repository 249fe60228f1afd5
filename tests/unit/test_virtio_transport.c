// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio transports as a driver sees them: the virtio-mmio register
 * file and the virtio-pci function behind the ECAM bridge, driven through
 * their MMIO handlers with the offsets and values of Virtio 1.2 4.1 and
 * 4.2 written out here, on real virtio-rng and virtio-blk models over a
 * small guest RAM. Interrupts and kicks are eventfds, read back here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "hw/pci.h"
#include "core/le.h"
#include "tests/unit/helpers.h"
#include "tests/unit/virtio_pci_fixture.h"
#include "virtio/blk.h"
#include "virtio/mmio.h"
#include "virtio/pci.h"
#include "virtio/rng.h"

struct fixture {
	struct vq_guest_mem mem;
	struct virtio_rng rng;
	struct virtio_mmio mmio;
	int irq_fd;
};

static uint8_t *at(struct fixture *f, uint64_t gpa)
{
	return f->mem.host + (gpa - GPA);
}

static uint32_t mmio_read(struct fixture *f, uint64_t off)
{
	uint8_t d[4];

	virtio_mmio_access(&f->mmio, off, d, 4, false);
	return get_le32(d);
}

static void mmio_write(struct fixture *f, uint64_t off, uint32_t v)
{
	uint8_t d[4];

	put_le32(d, v);
	virtio_mmio_access(&f->mmio, off, d, 4, true);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->mem = (struct vq_guest_mem){ GPA, MEM_SIZE, aligned_alloc(4096, MEM_SIZE) };
	memset(f->mem.host, 0, MEM_SIZE);
	f->irq_fd = eventfd(0, EFD_NONBLOCK);
	assert_int_equal(virtio_rng_init(&f->rng, &f->mem), 0);
	virtio_mmio_init(&f->mmio, &f->rng.dev, f->irq_fd);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	virtio_dev_destroy(&f->rng.dev);
	close(f->irq_fd);
	free(f->mem.host);
	free(f);
	return 0;
}

/* The 4.2.3.1 initialisation, up to (not including) DRIVER_OK. */
static void mmio_driver_init(struct fixture *f, uint64_t desc)
{
	mmio_write(f, 0x070, 0);
	mmio_write(f, 0x070, 1);		/* ACKNOWLEDGE */
	mmio_write(f, 0x070, 1 | 2);		/* DRIVER */
	mmio_write(f, 0x024, 1);		/* DriverFeaturesSel: bits 32-63 */
	mmio_write(f, 0x020, 1);		/* VERSION_1 */
	mmio_write(f, 0x070, 1 | 2 | 8);	/* FEATURES_OK */
	assert_int_equal(mmio_read(f, 0x070), 1 | 2 | 8);
	mmio_write(f, 0x030, 0);		/* QueueSel */
	mmio_write(f, 0x038, QSIZE);		/* QueueNum */
	mmio_write(f, 0x080, (uint32_t)desc);
	mmio_write(f, 0x084, desc >> 32);
	mmio_write(f, 0x090, (uint32_t)AVAIL);
	mmio_write(f, 0x094, AVAIL >> 32);
	mmio_write(f, 0x0a0, (uint32_t)USED);
	mmio_write(f, 0x0a4, USED >> 32);
	mmio_write(f, 0x044, 1);		/* QueueReady */
}

static void test_mmio_identity(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(mmio_read(f, 0x000), 0x74726976);	/* "virt" */
	assert_int_equal(mmio_read(f, 0x004), 2);
	assert_int_equal(mmio_read(f, 0x008), 4);		/* entropy */
	mmio_write(f, 0x014, 1);
	assert_int_equal(mmio_read(f, 0x010), 1);		/* VERSION_1 */
	mmio_write(f, 0x014, 0);
	assert_int_equal(mmio_read(f, 0x010) & (3u << 28), 3u << 28);	/* INDIRECT, EVENT_IDX */
	mmio_write(f, 0x030, 0);
	assert_int_equal(mmio_read(f, 0x034), 256);
	mmio_write(f, 0x030, 1);				/* no queue 1 */
	assert_int_equal(mmio_read(f, 0x034), 0);
	assert_int_equal(mmio_read(f, 0x0b0), 0xffffffff);	/* no SHM */
}

static void test_mmio_refuses_legacy_driver(void **state)
{
	struct fixture *f = *state;

	mmio_write(f, 0x070, 1 | 2);
	mmio_write(f, 0x024, 0);
	mmio_write(f, 0x020, 1u << 29);		/* EVENT_IDX but not VERSION_1 */
	mmio_write(f, 0x070, 1 | 2 | 8);
	assert_int_equal(mmio_read(f, 0x070), 1 | 2);	/* FEATURES_OK not kept */
	/* A feature the device does not offer is refused too. */
	mmio_write(f, 0x070, 0);
	mmio_write(f, 0x070, 1 | 2);
	mmio_write(f, 0x024, 1);
	mmio_write(f, 0x020, 1 | 2);		/* VERSION_1 and bit 33 */
	mmio_write(f, 0x070, 1 | 2 | 8);
	assert_int_equal(mmio_read(f, 0x070), 1 | 2);
}

/*
 * The status belongs to a state machine the driver cannot skip: it cannot
 * set NEEDS_RESET on a working device, and a legacy driver refused at
 * FEATURES_OK does not get the queues by going straight to DRIVER_OK.
 * (Found by fuzz_virtio_mmio.)
 */
static void test_mmio_status_order(void **state)
{
	struct fixture *f = *state;
	struct virtio_dev *dev = &f->rng.dev;

	mmio_write(f, 0x070, 0xf8 | 1 | 2);
	assert_int_equal(mmio_read(f, 0x070) & 0x40, 0);

	mmio_write(f, 0x070, 0);
	mmio_write(f, 0x070, 1 | 2);
	mmio_write(f, 0x030, 0);
	mmio_write(f, 0x038, QSIZE);
	mmio_write(f, 0x080, (uint32_t)DESC);
	mmio_write(f, 0x090, (uint32_t)AVAIL);
	mmio_write(f, 0x0a0, (uint32_t)USED);
	mmio_write(f, 0x044, 1);
	mmio_write(f, 0x070, 1 | 2 | 4);		/* DRIVER_OK, no FEATURES_OK */
	assert_false(virtio_queue_live(dev, 0));
}

/* A request: one writable 16-byte buffer, made available. */
static void post_buffer(struct fixture *f, uint16_t flags_next_loop)
{
	put_le64(at(f, DESC), BUF);
	put_le32(at(f, DESC) + 8, 16);
	put_le16(at(f, DESC) + 12, 2 | flags_next_loop);	/* WRITE */
	put_le16(at(f, DESC) + 14, 0);				/* next: itself */
	put_le16(at(f, AVAIL) + 4, 0);
	put_le16(at(f, AVAIL) + 2, 1);
}

static void test_mmio_request_and_interrupt(void **state)
{
	struct fixture *f = *state;
	struct virtio_dev *dev = &f->rng.dev;

	mmio_driver_init(f, DESC);
	mmio_write(f, 0x070, 1 | 2 | 8 | 4);	/* DRIVER_OK */
	signals(dev->queues[0].notify_fd);	/* DRIVER_OK's own look */
	post_buffer(f, 0);
	mmio_write(f, 0x050, 0);		/* QueueNotify */
	assert_int_equal(signals(dev->queues[0].notify_fd), 1);
	/* What the I/O thread does on that kick: */
	pthread_mutex_lock(&dev->lock);
	virtio_queue_notify(dev, 0);
	pthread_mutex_unlock(&dev->lock);
	assert_int_equal(get_le16(at(f, USED) + 2), 1);		/* used idx */
	assert_int_equal(get_le32(at(f, USED) + 8), 16);	/* len */
	assert_int_equal(signals(f->irq_fd), 1);
	assert_int_equal(mmio_read(f, 0x060), 1);		/* used buffer */
	mmio_write(f, 0x064, 1);
	assert_int_equal(mmio_read(f, 0x060), 0);
}

static void test_mmio_bad_ring_needs_reset(void **state)
{
	struct fixture *f = *state;
	struct virtio_dev *dev = &f->rng.dev;

	/* A descriptor table beyond guest RAM: refused when enabled. */
	mmio_driver_init(f, GPA + MEM_SIZE);
	assert_int_equal(mmio_read(f, 0x044), 0);
	mmio_write(f, 0x070, 1 | 2 | 8 | 4);
	assert_int_equal(mmio_read(f, 0x070) & 0x40, 0x40);	/* NEEDS_RESET */

	/* A reset clears it; a chain that loops on itself sets it again. */
	mmio_driver_init(f, DESC);
	assert_int_equal(mmio_read(f, 0x070) & 0x40, 0);
	mmio_write(f, 0x070, 1 | 2 | 8 | 4);
	post_buffer(f, 1);			/* NEXT, next = 0: a loop */
	signals(f->irq_fd);
	pthread_mutex_lock(&dev->lock);
	virtio_queue_notify(dev, 0);
	pthread_mutex_unlock(&dev->lock);
	assert_int_equal(mmio_read(f, 0x070) & 0x40, 0x40);
	assert_int_equal(mmio_read(f, 0x060), 2);	/* configuration change */
	assert_int_equal(signals(f->irq_fd), 1);
	assert_int_equal(get_le16(at(f, USED) + 2), 0);	/* nothing used */
	/* The driver cannot clear NEEDS_RESET by writing the status back. */
	mmio_write(f, 0x070, 1 | 2 | 8 | 4);
	assert_int_equal(mmio_read(f, 0x070) & 0x40, 0x40);
}

/* --- virtio-pci behind the ECAM bridge --------------------------------- */

/* Walk the capability list: the offset of the vendor cap of @type, or 0. */
static uint32_t find_cap(struct pci_fixture *f, uint8_t id, uint8_t type)
{
	for (uint32_t p = cfg_read(f, 0, 0x34, 1); p; p = cfg_read(f, 0, p + 1, 1))
		if (cfg_read(f, 0, p, 1) == id && (id != 0x09 || cfg_read(f, 0, p + 3, 1) == type))
			return p;
	return 0;
}

static void test_pci_config_space(void **state)
{
	struct pci_fixture *f = pci_setup(true);
	uint32_t cap;

	(void)state;
	assert_int_equal(cfg_read(f, 0, 0x00, 4), 0x1044 << 16 | 0x1af4);
	assert_int_equal(cfg_read(f, 0, 0x08, 4) >> 8, 0x00ff00);	/* class */
	assert_int_equal(cfg_read(f, 0, 0x08, 1), 1);			/* revision */
	assert_int_equal(cfg_read(f, 0, 0x3d, 1), 1);			/* INTA */
	assert_int_equal(cfg_read(f, 1, 0x00, 4), 0xffffffff);		/* empty slot */
	assert_int_equal(cfg_read(f, 0, 0x100, 4), 0);			/* no ext caps */

	/* BAR sizing: all-ones reads back the size mask, type bits 0. */
	cfg_write(f, 0x10, 4, 0xffffffff);
	assert_int_equal(cfg_read(f, 0, 0x10, 4), ~(uint32_t)(VPCI_BAR_SIZE - 1));
	cfg_write(f, 0x10, 4, BAR_ADDR);
	assert_int_equal(f->notify_at, 0);		/* memory decode still off */
	cfg_write(f, 0x04, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(f->notify_at, BAR_ADDR);

	/* Each structure is found through its capability, in BAR 0. */
	cap = find_cap(f, 0x09, 1);
	assert_int_not_equal(cap, 0);
	assert_int_equal(cfg_read(f, 0, cap + 8, 4), VPCI_COMMON_OFF);
	cap = find_cap(f, 0x09, 2);
	assert_int_equal(cfg_read(f, 0, cap + 8, 4), VPCI_NOTIFY_OFF);
	assert_int_equal(cfg_read(f, 0, cap + 16, 4), VPCI_NOTIFY_MULT);
	assert_int_not_equal(find_cap(f, 0x09, 3), 0);
	assert_int_equal(find_cap(f, 0x09, 4), 0);	/* rng: no device config */
	assert_int_not_equal(find_cap(f, 0x09, 5), 0);
	cap = find_cap(f, 0x11, 0);
	assert_int_equal(cfg_read(f, 0, cap + 2, 2) & 0x7ff, 1);	/* 2 vectors */

	/* The common structure through the BAR: num_queues, queue 0's size. */
	assert_int_equal(bar_read(f, 0x12, 2), 1);
	assert_int_equal(bar_read(f, 0x18, 2), 256);
	bar_write(f, 0x16, 2, 5);
	assert_int_equal(bar_read(f, 0x18, 2), 0);	/* no queue 5 */

	/* ... and through the VIRTIO_PCI_CAP_PCI_CFG window in config space. */
	cap = find_cap(f, 0x09, 5);
	cfg_write(f, cap + 4, 1, 0);			/* bar */
	cfg_write(f, cap + 8, 4, 0x12);			/* offset: num_queues */
	cfg_write(f, cap + 12, 4, 2);			/* length */
	assert_int_equal(cfg_read(f, 0, cap + 16, 2), 1);

	/* A moved BAR takes its notify addresses along; decode off drops them. */
	cfg_write(f, 0x10, 4, BAR_ADDR + 0x8000);
	assert_int_equal(f->notify_at, BAR_ADDR + 0x8000);
	cfg_write(f, 0x04, 2, 0);
	assert_int_equal(f->notify_at, 0);
	pci_teardown(f);
}

static void test_pci_msix(void **state)
{
	struct pci_fixture *f = pci_setup(true);
	uint32_t cap = find_cap(f, 0x11, 0);

	(void)state;
	pci_driver_init(f);
	bar_write(f, 0x1a, 2, 1);			/* queue 0 -> vector 1 */
	assert_int_equal(bar_read(f, 0x1a, 2), 1);
	bar_write(f, 0x1a, 2, 7);			/* no such vector */
	assert_int_equal(bar_read(f, 0x1a, 2), VIRTIO_NO_VECTOR);
	bar_write(f, 0x1a, 2, 1);
	bar_write(f, 0x1c, 2, 1);			/* queue_enable */
	bar_write(f, 0x14, 1, 1 | 2 | 8 | 4);
	signals(f->rng.dev.queues[0].notify_fd);
	cfg_write(f, cap + 2, 2, 0x8000);		/* MSI-X enable */

	/* Vector 1 is still masked: the interrupt waits in the PBA. */
	bar_write(f, VPCI_MSIX_TABLE_OFF + 16, 4, 0x08090040);
	bar_write(f, VPCI_MSIX_TABLE_OFF + 24, 4, 33);
	assert_true(f->routes >= 2);
	run_request(f);
	assert_int_equal(signals(f->vector_fds[1]), 0);
	assert_int_equal(bar_read(f, VPCI_MSIX_PBA_OFF, 4), 1u << 1);
	/* Unmasking sends it. */
	bar_write(f, VPCI_MSIX_TABLE_OFF + 28, 4, 0);
	assert_int_equal(signals(f->vector_fds[1]), 1);
	assert_int_equal(bar_read(f, VPCI_MSIX_PBA_OFF, 4), 0);
	assert_int_equal(bar_read(f, VPCI_MSIX_TABLE_OFF + 16, 4), 0x08090040);
	/* The next request goes straight out; INTx never moves. */
	run_request(f);
	assert_int_equal(signals(f->vector_fds[1]), 1);
	assert_int_equal(f->intx_level[0], 0);
	pci_teardown(f);
}

/*
 * A message held in the PBA stays there while MSI-X is off, even when its
 * entry is unmasked; it goes out once the driver turns MSI-X back on.
 * (Found by fuzz_virtio_pci: the unmask used to send it regardless.)
 */
static void test_pci_msix_disabled_unmask_sends_nothing(void **state)
{
	struct pci_fixture *f = pci_setup(true);
	uint32_t cap = find_cap(f, 0x11, 0);

	(void)state;
	pci_driver_init(f);
	bar_write(f, 0x1a, 2, 1);			/* queue 0 -> vector 1 */
	bar_write(f, 0x1c, 2, 1);
	bar_write(f, 0x14, 1, 1 | 2 | 8 | 4);
	signals(f->rng.dev.queues[0].notify_fd);
	cfg_write(f, cap + 2, 2, 0x8000);		/* MSI-X enable */
	bar_write(f, VPCI_MSIX_TABLE_OFF + 16, 4, 0x08090040);
	bar_write(f, VPCI_MSIX_TABLE_OFF + 24, 4, 33);
	run_request(f);					/* vector 1 masked: pending */
	assert_int_equal(bar_read(f, VPCI_MSIX_PBA_OFF, 4), 1u << 1);

	cfg_write(f, cap + 2, 2, 0);			/* MSI-X off */
	bar_write(f, VPCI_MSIX_TABLE_OFF + 28, 4, 0);	/* unmask vector 1 */
	assert_int_equal(signals(f->vector_fds[1]), 0);
	assert_int_equal(bar_read(f, VPCI_MSIX_PBA_OFF, 4), 1u << 1);

	cfg_write(f, cap + 2, 2, 0x8000);		/* on again: now it goes */
	assert_int_equal(signals(f->vector_fds[1]), 1);
	assert_int_equal(bar_read(f, VPCI_MSIX_PBA_OFF, 4), 0);
	pci_teardown(f);
}

static void test_pci_intx(void **state)
{
	struct pci_fixture *f = pci_setup(false);

	(void)state;
	assert_int_equal(find_cap(f, 0x11, 0), 0);	/* no MSI-X offered */
	pci_driver_init(f);
	bar_write(f, 0x1a, 2, 0);
	assert_int_equal(bar_read(f, 0x1a, 2), VIRTIO_NO_VECTOR);
	bar_write(f, 0x1c, 2, 1);
	bar_write(f, 0x14, 1, 1 | 2 | 8 | 4);
	signals(f->rng.dev.queues[0].notify_fd);
	run_request(f);
	assert_int_equal(f->intx_level[pci_intx_line(0)], 1);
	/* Reading the ISR returns "used buffer" and lowers the line. */
	assert_int_equal(bar_read(f, VPCI_ISR_OFF, 1), 1);
	assert_int_equal(f->intx_level[0], 0);
	assert_int_equal(bar_read(f, VPCI_ISR_OFF, 1), 0);
	pci_teardown(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mmio_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmio_refuses_legacy_driver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmio_request_and_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmio_bad_ring_needs_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmio_status_order, setup, teardown),
		cmocka_unit_test(test_pci_config_space),
		cmocka_unit_test(test_pci_msix),
		cmocka_unit_test(test_pci_msix_disabled_unmask_sends_nothing),
		cmocka_unit_test(test_pci_intx),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
