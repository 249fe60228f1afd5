// SPDX-License-Identifier: GPL-2.0
/*
 * A virtio device's snapshot state: a driver sets a device up through its
 * registers (Virtio 1.2 offsets written out here), uses it, and the state
 * saved is loaded into a fresh device over the same guest RAM, which must
 * then go on as the first would have: registers read back the same, the
 * next request lands in the next used entry, the interrupt goes where the
 * driver routed it. Then the refusals: a state cut short at every length,
 * another kind of device, a disk of another size, fields no driver could
 * have left.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/le.h"
#include "hw/pci.h"
#include "tests/unit/helpers.h"
#include "tests/unit/virtio_pci_fixture.h"
#include "virtio/blk.h"
#include "virtio/console.h"
#include "virtio/mmio.h"
#include "virtio/pci.h"
#include "virtio/rng.h"

#define MSIX_CAP	0x98	/* where virtio/pci.c puts it */

static uint8_t *ram;
static struct vq_guest_mem mem;

/* The rest of a Linux-like driver's set-up: event-idx, vector 1, MSI-X, DRIVER_OK. */
static void driver_init(struct pci_fixture *f)
{
	pci_driver_init(f);
	bar_write(f, 0x08, 4, 0);
	bar_write(f, 0x0c, 4, 1u << VIRTIO_F_EVENT_IDX);
	bar_write(f, 0x08, 4, 1);
	bar_write(f, 0x1a, 2, 1);
	bar_write(f, 0x1c, 2, 1);
	bar_write(f, 0x14, 1, 1 | 2 | 8 | 4);
	cfg_write(f, MSIX_CAP + 2, 2, 0x8000);
	bar_write(f, VPCI_MSIX_TABLE_OFF + 16, 4, 0x08090040);
	bar_write(f, VPCI_MSIX_TABLE_OFF + 24, 4, 33);
	bar_write(f, VPCI_MSIX_TABLE_OFF + 28, 4, 0);
}

static uint16_t used_idx(void)
{
	return get_le16(ram + (USED - GPA) + 2);
}

static int mem_setup(void **state)
{
	(void)state;
	ram = aligned_alloc(4096, MEM_SIZE);
	memset(ram, 0, MEM_SIZE);
	mem = (struct vq_guest_mem){ GPA, MEM_SIZE, ram };
	return 0;
}

static int mem_teardown(void **state)
{
	(void)state;
	free(ram);
	return 0;
}

static void test_pci_round_trip(void **state)
{
	struct pci_fixture *a = pci_setup_on(true, ram), *b = pci_setup_on(true, ram);
	uint8_t buf[VIRTIO_STATE_MAX], again[VIRTIO_STATE_MAX];
	char why[160] = "";
	size_t n;

	(void)state;
	driver_init(a);
	pci_make_available(a);
	pci_serve(a);
	assert_int_equal(used_idx(), 1);
	assert_int_equal(signals(a->vector_fds[1]), 1);
	/* Made available as the snapshot is taken, never served by @a. */
	pci_make_available(a);
	n = virtio_state_save(&a->rng.dev, buf);
	assert_true(n <= VIRTIO_STATE_MAX);

	assert_int_equal(virtio_state_load(&b->rng.dev, buf, n, why, sizeof(why)), 0);
	assert_string_equal(why, "");
	/* The registers read back as the driver left them. */
	assert_int_equal(b->notify_at, BAR_ADDR);
	assert_true(b->routes >= 1);
	assert_int_equal(cfg_read(b, 0, 0x10, 4), BAR_ADDR);
	assert_int_equal(cfg_read(b, 0, MSIX_CAP + 2, 2) & 0x8000, 0x8000);
	assert_int_equal(bar_read(b, 0x14, 1), 1 | 2 | 8 | 4);
	assert_int_equal(bar_read(b, 0x1c, 2), 1);
	assert_int_equal(bar_read(b, 0x1a, 2), 1);
	assert_int_equal(bar_read(b, 0x20, 4), (uint32_t)DESC);
	assert_int_equal(bar_read(b, VPCI_MSIX_TABLE_OFF + 16, 4), 0x08090040);
	assert_int_equal(bar_read(b, VPCI_MSIX_TABLE_OFF + 24, 4), 33);
	/* Saved again, the state is the same bytes. */
	assert_int_equal(virtio_state_save(&b->rng.dev, again), n);
	assert_memory_equal(again, buf, n);

	/* The resume kick serves the buffer @a left, into the next entry. */
	virtio_kick_live_queues(&b->rng.dev);
	assert_int_equal(signals(b->rng.dev.queues[0].notify_fd), 1);
	pci_serve(b);
	assert_int_equal(used_idx(), 2);
	assert_int_equal(get_le16(ram + (USED - GPA) + 4 + 8), 0);
	assert_int_equal(signals(b->vector_fds[1]), 1);
	assert_int_equal(b->intx_level[0], 0);
	pci_teardown(a);
	pci_teardown(b);
}

/* INTA asserted at the snapshot is asserted again, for the ISR read to clear. */
static void test_pci_intx_round_trip(void **state)
{
	struct pci_fixture *a = pci_setup_on(false, ram), *b = pci_setup_on(false, ram);
	uint8_t buf[VIRTIO_STATE_MAX];
	char why[160];
	size_t n;

	(void)state;
	driver_init(a);
	pci_make_available(a);
	pci_serve(a);
	assert_int_equal(a->intx_level[0], 1);
	n = virtio_state_save(&a->rng.dev, buf);
	assert_int_equal(virtio_state_load(&b->rng.dev, buf, n, why, sizeof(why)), 0);
	assert_int_equal(b->intx_level[0], 1);
	assert_int_equal(bar_read(b, VPCI_ISR_OFF, 1), VIRTIO_ISR_QUEUE);
	assert_int_equal(b->intx_level[0], 0);
	pci_teardown(a);
	pci_teardown(b);
}

static void test_refusals(void **state)
{
	struct pci_fixture *a = pci_setup_on(true, ram), *b = pci_setup_on(true, ram), *intx = pci_setup_on(false, ram);
	uint8_t buf[VIRTIO_STATE_MAX], bad[VIRTIO_STATE_MAX];
	struct virtio_console con;
	struct virtio_mmio m;
	char why[160];
	size_t n;

	(void)state;
	driver_init(a);
	n = virtio_state_save(&a->rng.dev, buf);
	/* Cut short anywhere, or one byte too long. */
	for (size_t len = 0; len < n; len++)
		assert_int_equal(virtio_state_load(&b->rng.dev, buf, len, why, sizeof(why)), -EINVAL);
	assert_int_equal(virtio_state_load(&b->rng.dev, buf, n + 1, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "too many"));

	/* Another kind of device. */
	assert_int_equal(virtio_console_init(&con, &mem, NULL, NULL, NULL), 0);
	virtio_mmio_init(&m, &con.dev, -1);
	assert_int_equal(virtio_state_load(&con.dev, buf, n, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "another kind"));
	virtio_dev_destroy(&con.dev);

	/* A function with MSI-X against one with INTx only. */
	assert_int_equal(virtio_state_load(&intx->rng.dev, buf, n, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "MSI-X"));

	/* Features the device never offered, accepted. */
	memcpy(bad, buf, n);
	put_le64(bad + 16, get_le64(bad + 16) | 1ull << 40);
	assert_int_equal(virtio_state_load(&b->rng.dev, bad, n, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "never offered"));

	/* Features offered that this device does not offer. */
	memcpy(bad, buf, n);
	put_le64(bad + 8, get_le64(bad + 8) | 1ull << 40);
	assert_int_equal(virtio_state_load(&b->rng.dev, bad, n, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "features are not the snapshot's"));

	/* A live queue whose descriptors lie outside guest RAM. */
	memcpy(bad, buf, n);
	put_le64(bad + 48 + 12, GPA + MEM_SIZE);
	assert_int_equal(virtio_state_load(&b->rng.dev, bad, n, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "outside guest RAM"));

	/* A queue routed to a vector the function does not have. */
	memcpy(bad, buf, n);
	put_le16(bad + 48 + 2, 9);
	assert_int_equal(virtio_state_load(&b->rng.dev, bad, n, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "malformed"));

	/* A config space whose read-only IDs are another function's. */
	memcpy(bad, buf, n);
	bad[48 + 36 + 4 + 4 + PCI_DEVICE_ID] ^= 1;
	assert_int_equal(virtio_state_load(&b->rng.dev, bad, n, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "another one"));
	pci_teardown(a);
	pci_teardown(b);
	pci_teardown(intx);
}

static void blk_on(struct virtio_blk *blk, const char *path, uint64_t size, bool ro)
{
	struct disk_config disk = { .path = path, .path_len = strlen(path), .ro = ro };
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, size), 0);
	close(fd);
	assert_int_equal(virtio_blk_init(blk, &disk, 0, &mem), 0);
}

/* A disk of another size, or read-only where it was writable, is named. */
static void test_blk_differs(void **state)
{
	char p1[] = "/tmp/lkvm-test-state-XXXXXX", p2[] = "/tmp/lkvm-test-state-XXXXXX";
	struct virtio_blk a, b, c;
	struct virtio_mmio ma, mb, mc;
	uint8_t buf[VIRTIO_STATE_MAX];
	char why[160];
	size_t n;

	(void)state;
	close(mkstemp(p1));
	close(mkstemp(p2));
	blk_on(&a, p1, 64 << 10, false);
	virtio_mmio_init(&ma, &a.dev, -1);
	n = virtio_state_save(&a.dev, buf);
	blk_on(&b, p2, 128 << 10, false);
	virtio_mmio_init(&mb, &b.dev, -1);
	assert_int_equal(virtio_state_load(&b.dev, buf, n, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "virtio-blk0: the snapshot's disk had 128 sectors, this one 256");
	virtio_blk_destroy(&b);
	blk_on(&c, p2, 64 << 10, true);
	virtio_mmio_init(&mc, &c.dev, -1);
	assert_int_equal(virtio_state_load(&c.dev, buf, n, why, sizeof(why)), -EINVAL);
	assert_string_equal(why, "virtio-blk0: the snapshot's disk was writable, this one is read-only");
	virtio_blk_destroy(&c);
	/* The same size again: taken. */
	blk_on(&c, p2, 64 << 10, false);
	virtio_mmio_init(&mc, &c.dev, -1);
	assert_int_equal(virtio_state_load(&c.dev, buf, n, why, sizeof(why)), 0);
	virtio_blk_destroy(&c);
	virtio_blk_destroy(&a);
	unlink(p1);
	unlink(p2);
}

static void ignore_output(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque, (void)buf, (void)len;
}

static void ignore_drained(void *opaque)
{
	(void)opaque;
}

/* Console input the guest had not taken yet goes with the snapshot. */
static void test_console_pending(void **state)
{
	struct virtio_console a, b;
	struct virtio_mmio ma, mb;
	uint8_t buf[VIRTIO_STATE_MAX];
	char why[160];
	size_t n;

	(void)state;
	assert_int_equal(virtio_console_init(&a, &mem, ignore_output, ignore_drained, NULL), 0);
	assert_int_equal(virtio_console_init(&b, &mem, ignore_output, ignore_drained, NULL), 0);
	virtio_mmio_init(&ma, &a.dev, -1);
	virtio_mmio_init(&mb, &b.dev, -1);
	assert_int_equal(virtio_console_input(&a, (const uint8_t *)"typed", 5), 5);
	n = virtio_state_save(&a.dev, buf);
	assert_int_equal(virtio_state_load(&b.dev, buf, n, why, sizeof(why)), 0);
	assert_int_equal(b.pending_len, 5);
	assert_memory_equal(b.pending, "typed", 5);
	virtio_dev_destroy(&a.dev);
	virtio_dev_destroy(&b.dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pci_round_trip, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_pci_intx_round_trip, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_refusals, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_blk_differs, mem_setup, mem_teardown),
		cmocka_unit_test_setup_teardown(test_console_pending, mem_setup, mem_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
