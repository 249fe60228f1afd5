// SPDX-License-Identifier: GPL-2.0
/*
 * The virtio device models against a hostile driver: requests and rings
 * written here byte by byte, over guest RAM that is a heap allocation of
 * exactly its size, so AddressSanitizer sees any byte a device writes
 * outside it. The transport is a recorder of interrupts.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "core/le.h"
#include "tests/unit/helpers.h"
#include "virtio/blk.h"
#include "virtio/console.h"
#include "virtio/rng.h"

#define GPA		0x40000000ull
#define MEM_SIZE	0x8000
#define DESC		(GPA + 0x0000)
#define AVAIL		(GPA + 0x1000)
#define USED		(GPA + 0x2000)
#define BUF		(GPA + 0x4000)
#define QSIZE		8

struct fixture {
	struct vq_guest_mem mem;
	unsigned int interrupts;
	unsigned int drained;
	char disk[32];
	union {
		struct virtio_blk blk;
		struct virtio_rng rng;
		struct virtio_console con;
	};
};

static uint8_t *at(struct fixture *f, uint64_t gpa)
{
	return f->mem.host + (gpa - GPA);
}

static void record_interrupt(struct virtio_dev *dev, int q)
{
	struct fixture *f = dev->transport_data;

	f->interrupts++;
}

static const struct virtio_transport_ops recorder = { .interrupt = record_interrupt };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->mem = (struct vq_guest_mem){ GPA, MEM_SIZE, malloc(MEM_SIZE) };
	memset(f->mem.host, 0, MEM_SIZE);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->mem.host);
	if (f->disk[0])
		unlink(f->disk);
	free(f);
	return 0;
}

/* 3.1.1 up to DRIVER_OK, each of the device's queues QSIZE long. */
static void driver_ok(struct fixture *f, struct virtio_dev *dev)
{
	dev->transport = &recorder;
	dev->transport_data = f;
	virtio_write_status(dev, 1 | 2);
	dev->driver_features_sel = 1;
	virtio_write_driver_features(dev, 1);		/* VERSION_1 */
	virtio_write_status(dev, 1 | 2 | 8);
	assert_int_equal(dev->status, 1 | 2 | 8);
	for (unsigned int q = 0; q < dev->ops->nr_queues; q++) {
		struct virtio_queue *vq = &dev->queues[q];

		vq->size = QSIZE;
		vq->desc = DESC + q * 0x400;
		vq->driver = AVAIL + q * 0x400;
		vq->device = USED + q * 0x400;
		virtio_enable_queue(dev, q);
		assert_true(vq->ready);
	}
	virtio_write_status(dev, 1 | 2 | 4 | 8);
	/* DRIVER_OK notifies each queue once, for buffers made ready before. */
	for (unsigned int q = 0; q < dev->ops->nr_queues; q++) {
		eventfd_t v;

		assert_int_equal(eventfd_read(dev->queues[q].notify_fd, &v), 0);
	}
}

static void put_desc(struct fixture *f, unsigned int q, unsigned int i,
		     uint64_t addr, uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = at(f, DESC + q * 0x400 + 16 * i);

	put_le64(d, addr);
	put_le32(d + 8, len);
	put_le16(d + 12, flags);
	put_le16(d + 14, next);
}

/* Make the chain at @head available as the ring's entry @idx. */
static void make_available(struct fixture *f, unsigned int q, uint16_t idx,
			   uint16_t head)
{
	put_le16(at(f, AVAIL + q * 0x400 + 4 + 2 * (idx % QSIZE)), head);
	put_le16(at(f, AVAIL + q * 0x400 + 2), idx + 1);
}

static uint16_t used_idx(struct fixture *f, unsigned int q)
{
	return get_le16(at(f, USED + q * 0x400 + 2));
}

static struct virtio_blk *blk_ready(struct fixture *f)
{
	struct disk_config disk = { 0 };
	int fd;

	strcpy(f->disk, "/tmp/lkvm-test-blk-XXXXXX");
	fd = mkstemp(f->disk);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	close(fd);
	disk.path = f->disk;
	disk.path_len = strlen(f->disk);
	assert_int_equal(virtio_blk_init(&f->blk, &disk, 0, &f->mem), 0);
	driver_ok(f, &f->blk.dev);
	return &f->blk;
}

/* A header, then one writable segment at @status of @len bytes. */
static void blk_request(struct fixture *f, uint32_t type, uint64_t status,
			uint32_t len)
{
	put_le32(at(f, BUF), type);
	put_le64(at(f, BUF + 8), 0);
	put_desc(f, 0, 0, BUF, 16, 1, 1);
	put_desc(f, 0, 1, status, len, 2, 0);
	make_available(f, 0, 0, 0);
}

/*
 * The status byte is the last of the last writable segment: an empty
 * one has none. Its length went from 0 to SIZE_MAX, and the status or
 * a GET_ID's serial landed just outside guest RAM.
 */
static void test_blk_empty_status_at_ram_end(void **state)
{
	struct fixture *f = *state;
	struct virtio_blk *blk = blk_ready(f);

	blk_request(f, 8 /* GET_ID */, GPA + MEM_SIZE, 0);
	virtio_queue_notify(&blk->dev, 0);
	assert_true(blk->dev.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(f, 0), 0);
	assert_int_equal(f->interrupts, 1);	/* the configuration change */
	virtio_blk_destroy(blk);
}

static void test_blk_empty_status_at_ram_start(void **state)
{
	struct fixture *f = *state;
	struct virtio_blk *blk = blk_ready(f);

	blk_request(f, 0 /* IN */, GPA, 0);
	virtio_queue_notify(&blk->dev, 0);
	assert_true(blk->dev.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(f, 0), 0);
	virtio_blk_destroy(blk);
}

/* The same GET_ID with a status byte to write is answered. */
static void test_blk_get_id(void **state)
{
	struct fixture *f = *state;
	struct virtio_blk *blk = blk_ready(f);

	blk_request(f, 8, BUF + 0x100, 21);
	virtio_queue_notify(&blk->dev, 0);
	assert_false(blk->dev.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(f, 0), 1);
	assert_memory_equal(at(f, BUF + 0x100), "lkvm-disk0", 10);
	assert_int_equal(*at(f, BUF + 0x100 + 20), 0);	/* VIRTIO_BLK_S_OK */
	virtio_blk_destroy(blk);
}

/*
 * A read into an empty buffer moves nothing and succeeds (5.2.6: data is
 * a multiple of 512 bytes, and 0 is one; QEMU answers OK too). It met
 * preadv()'s 0, taken for the end of the file: IOERR.
 */
static void test_blk_read_of_nothing(void **state)
{
	struct fixture *f = *state;
	struct virtio_blk *blk = blk_ready(f);

	*at(f, BUF + 0x100) = 0xff;
	put_le32(at(f, BUF), 0 /* IN */);
	put_le64(at(f, BUF + 8), 0);
	put_desc(f, 0, 0, BUF, 16, 1, 1);
	put_desc(f, 0, 1, BUF + 0x80, 0, 3, 2);		/* the empty buffer */
	put_desc(f, 0, 2, BUF + 0x100, 1, 2, 0);
	make_available(f, 0, 0, 0);
	virtio_queue_notify(&blk->dev, 0);
	assert_false(blk->dev.status & VIRTIO_STATUS_NEEDS_RESET);
	assert_int_equal(used_idx(f, 0), 1);
	assert_int_equal(*at(f, BUF + 0x100), 0);	/* VIRTIO_BLK_S_OK */
	virtio_blk_destroy(blk);
}

static void discard(void *opaque, const uint8_t *buf, size_t len)
{
}

static void count_drained(void *opaque)
{
	((struct fixture *)opaque)->drained++;
}

/*
 * Console input is taken only as far as there is room: a guest that
 * posts no receive buffers used to let host input run past the pending
 * buffer into the fields after it (input_drained, a function pointer).
 */
static void test_console_input_takes_only_room(void **state)
{
	struct fixture *f = *state;
	struct virtio_console *con = &f->con;
	uint8_t in[VIRTIO_CONSOLE_PENDING + 100];

	memset(in, 'i', sizeof(in));
	assert_int_equal(virtio_console_init(con, &f->mem, discard, count_drained, f), 0);
	driver_ok(f, &con->dev);
	assert_int_equal(virtio_console_rx_space(con), VIRTIO_CONSOLE_PENDING);
	assert_int_equal(virtio_console_input(con, in, sizeof(in)), VIRTIO_CONSOLE_PENDING);
	assert_int_equal(virtio_console_rx_space(con), 0);
	assert_int_equal(virtio_console_input(con, in, 1), 0);
	assert_ptr_equal(con->input_drained, count_drained);

	/* A receive buffer arrives: all pending input goes, and says so. */
	put_desc(f, 0, 0, BUF, 0x1000, 2, 0);
	make_available(f, 0, 0, 0);
	virtio_queue_notify(&con->dev, 0);
	assert_int_equal(used_idx(f, 0), 1);
	assert_int_equal(get_le32(at(f, USED + 8)), VIRTIO_CONSOLE_PENDING);
	assert_int_equal(f->drained, 1);
	assert_int_equal(virtio_console_rx_space(con), VIRTIO_CONSOLE_PENDING);
	virtio_dev_destroy(&con->dev);
}

/*
 * The hostile driver: for every transmit chain the console writes out,
 * it makes a new one available at once, so the queue never runs dry (up
 * to REPOST_LIMIT, so that a console without a bound ends too). It acts
 * from the console's own transmit callback, which makes it lock-step: the
 * console always finds the next chain when it looks.
 */
#define REPOST_LIMIT	100

static uint16_t posted;

static void post_tx(struct fixture *f)
{
	uint16_t head = posted % QSIZE;

	put_desc(f, 1, head, BUF, 16, 0, 0);
	put_le16(at(f, AVAIL + 0x400 + 4 + 2 * head), head);
	put_le16(at(f, AVAIL + 0x400 + 2), ++posted);
}

static void repost(void *opaque, const uint8_t *buf, size_t len)
{
	if (posted < REPOST_LIMIT)
		post_tx(opaque);
}

/*
 * One wake-up takes at most a queue's worth of chains, however fast the
 * driver gives them back (without the bound it took all 100), then
 * notifies the queue again so that the I/O loop comes back after its
 * other work.
 */
static void test_notify_work_is_bounded(void **state)
{
	struct fixture *f = *state;
	struct virtio_console *con = &f->con;
	eventfd_t again = 0;

	posted = 0;
	assert_int_equal(virtio_console_init(con, &f->mem, repost, count_drained, f), 0);
	driver_ok(f, &con->dev);
	post_tx(f);
	virtio_queue_notify(&con->dev, 1);
	assert_int_equal(used_idx(f, 1), QSIZE);
	assert_int_equal(eventfd_read(con->dev.queues[1].notify_fd, &again), 0);
	assert_int_equal(again, 1);

	/* Later rounds, as the I/O loop runs them, take the rest; then quiet. */
	for (int round = 0; round < REPOST_LIMIT / QSIZE + 1; round++) {
		eventfd_read(con->dev.queues[1].notify_fd, &again);
		virtio_queue_notify(&con->dev, 1);
	}
	assert_int_equal(used_idx(f, 1), REPOST_LIMIT);
	assert_int_not_equal(eventfd_read(con->dev.queues[1].notify_fd, &again), 0);
	virtio_dev_destroy(&con->dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_blk_empty_status_at_ram_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blk_empty_status_at_ram_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blk_get_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blk_read_of_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_console_input_takes_only_room, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_work_is_bounded, setup, teardown),
	};

	return cmocka_run_group_tests_name("virtio devices", tests, NULL, NULL);
}
