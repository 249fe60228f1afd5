// SPDX-License-Identifier: GPL-2.0
/*
 * Split virtqueues on crafted rings: good chains, direct and indirect, and
 * each way a driver can break one. The rings are written here byte by
 * byte from the layout in Virtio 1.2, 2.7, not through the code under test.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/le.h"
#include "tests/unit/helpers.h"
#include "virtio/virtqueue.h"

#define GPA		0x40000000ull
#define MEM_SIZE	0x10000
#define DESC		(GPA + 0x0000)
#define AVAIL		(GPA + 0x1000)
#define USED		(GPA + 0x2000)
#define TABLE		(GPA + 0x3000)	/* an indirect table */
#define BUF		(GPA + 0x8000)
#define QSIZE		8

struct fixture {
	struct vq_guest_mem mem;
	struct virtqueue vq;
	struct vq_chain chain;
	uint16_t avail_idx;
};

static uint8_t *at(struct fixture *f, uint64_t gpa)
{
	return f->mem.host + (gpa - GPA);
}

static void set_desc(struct fixture *f, uint64_t table, unsigned int i, uint64_t addr,
		     uint32_t len, uint16_t flags, uint16_t next)
{
	uint8_t *d = at(f, table) + 16 * i;

	put_le64(d, addr);
	put_le32(d + 8, len);
	put_le16(d + 12, flags);
	put_le16(d + 14, next);
}

static void make_available(struct fixture *f, uint16_t head)
{
	put_le16(at(f, AVAIL) + 4 + 2 * (f->avail_idx % QSIZE), head);
	put_le16(at(f, AVAIL) + 2, ++f->avail_idx);
}

static void setup_queue(struct fixture *f, bool event_idx, bool indirect)
{
	const char *why = NULL;

	assert_int_equal(vq_setup(&f->vq, &f->mem, QSIZE, DESC, AVAIL, USED, event_idx,
				  indirect, &why), 0);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->mem = (struct vq_guest_mem){ GPA, MEM_SIZE, aligned_alloc(4096, MEM_SIZE) };
	memset(f->mem.host, 0, MEM_SIZE);
	setup_queue(f, false, false);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->mem.host);
	free(f);
	return 0;
}

/* vq_pop must refuse, naming @reason. */
static void assert_refused(struct fixture *f, const char *reason)
{
	const char *why = NULL;

	assert_int_equal(vq_pop(&f->vq, &f->chain, &why), -EINVAL);
	assert_non_null(why);
	assert_string_equal(why, reason);
}

static void test_setup_checks(void **state)
{
	struct fixture *f = *state;
	struct virtqueue vq;
	const char *why;

	assert_int_equal(vq_setup(&vq, &f->mem, 0, DESC, AVAIL, USED, 0, 0, &why), -EINVAL);
	assert_int_equal(vq_setup(&vq, &f->mem, 6, DESC, AVAIL, USED, 0, 0, &why), -EINVAL);
	assert_int_equal(vq_setup(&vq, &f->mem, 512, DESC, AVAIL, USED, 0, 0, &why), -EINVAL);
	assert_string_equal(why, "queue size not a power of 2 up to 256");
	assert_int_equal(vq_setup(&vq, &f->mem, 8, DESC + 8, AVAIL, USED, 0, 0, &why), -EINVAL);
	assert_int_equal(vq_setup(&vq, &f->mem, 8, DESC, AVAIL + 1, USED, 0, 0, &why), -EINVAL);
	assert_int_equal(vq_setup(&vq, &f->mem, 8, DESC, AVAIL, USED + 2, 0, 0, &why), -EINVAL);
	assert_string_equal(why, "ring not aligned (descriptors 16, available 2, used 4 bytes)");
	/* the used ring (70 bytes) ends 2 bytes past the end of RAM */
	assert_int_equal(vq_setup(&vq, &f->mem, 8, DESC, AVAIL, GPA + MEM_SIZE - 68, 0, 0, &why),
			 -EINVAL);
	assert_string_equal(why, "ring outside guest RAM");
	assert_int_equal(vq_setup(&vq, &f->mem, 8, GPA - 16, AVAIL, USED, 0, 0, &why), -EINVAL);
	assert_int_equal(vq_setup(&vq, &f->mem, 256, DESC, AVAIL, USED, 0, 0, &why), 0);
}

static void test_good_chain(void **state)
{
	struct fixture *f = *state;
	const char *why = NULL;

	/* a request: header and data to read, a status byte to write */
	set_desc(f, DESC, 5, BUF, 16, VIRTQ_DESC_F_NEXT, 2);
	set_desc(f, DESC, 2, BUF + 0x100, 512, VIRTQ_DESC_F_NEXT, 7);
	set_desc(f, DESC, 7, BUF + 0x400, 1, VIRTQ_DESC_F_WRITE, 0);
	assert_int_equal(vq_pop(&f->vq, &f->chain, &why), 0);
	make_available(f, 5);
	assert_int_equal(vq_pop(&f->vq, &f->chain, &why), 1);
	assert_int_equal(f->chain.head, 5);
	assert_int_equal(f->chain.nr_out, 2);
	assert_int_equal(f->chain.nr_in, 1);
	assert_int_equal(f->chain.out_len, 528);
	assert_int_equal(f->chain.in_len, 1);
	assert_ptr_equal(f->chain.iov[0].iov_base, at(f, BUF));
	assert_int_equal(f->chain.iov[0].iov_len, 16);
	assert_ptr_equal(f->chain.iov[1].iov_base, at(f, BUF + 0x100));
	assert_ptr_equal(f->chain.iov[2].iov_base, at(f, BUF + 0x400));
	assert_int_equal(vq_pop(&f->vq, &f->chain, &why), 0);

	/* used ring: element 0 = {5, 1}, idx 1; interrupt unless suppressed */
	vq_push(&f->vq, 5, 1);
	assert_int_equal(get_le32(at(f, USED) + 4), 5);
	assert_int_equal(get_le32(at(f, USED) + 8), 1);
	assert_int_equal(get_le16(at(f, USED) + 2), 1);
	assert_true(vq_should_interrupt(&f->vq));
	put_le16(at(f, AVAIL), VIRTQ_AVAIL_F_NO_INTERRUPT);
	vq_push(&f->vq, 5, 1);
	assert_false(vq_should_interrupt(&f->vq));
}

static void test_ring_wraps(void **state)
{
	struct fixture *f = *state;
	const char *why;

	set_desc(f, DESC, 0, BUF, 8, 0, 0);
	for (int i = 0; i < 3 * QSIZE; i++) {
		make_available(f, 0);
		assert_int_equal(vq_pop(&f->vq, &f->chain, &why), 1);
		vq_push(&f->vq, 0, 0);
	}
	assert_int_equal(get_le16(at(f, USED) + 2), 3 * QSIZE);
	/* a full ring of QSIZE entries at once is fine, one more is not */
	for (int i = 0; i < QSIZE; i++)
		make_available(f, 0);
	for (int i = 0; i < QSIZE; i++)
		assert_int_equal(vq_pop(&f->vq, &f->chain, &why), 1);
	put_le16(at(f, AVAIL) + 2, f->avail_idx + QSIZE + 1);
	assert_refused(f, "available index moved by more than the queue size");
}

static void test_event_idx(void **state)
{
	struct fixture *f = *state;
	const char *why;

	setup_queue(f, true, false);
	set_desc(f, DESC, 0, BUF, 8, 0, 0);
	make_available(f, 0);
	make_available(f, 0);
	assert_int_equal(vq_pop(&f->vq, &f->chain, &why), 1);
	assert_int_equal(vq_pop(&f->vq, &f->chain, &why), 1);
	/* empty: the driver is asked to notify when it makes entry 2 available */
	assert_int_equal(vq_pop(&f->vq, &f->chain, &why), 0);
	assert_int_equal(get_le16(at(f, USED) + 4 + 8 * QSIZE), 2);

	/* the driver wants an interrupt once used idx passes used_event = 3 */
	put_le16(at(f, AVAIL) + 4 + 2 * QSIZE, 3);
	vq_push(&f->vq, 0, 0);
	assert_true(vq_should_interrupt(&f->vq));	/* the first decision */
	vq_push(&f->vq, 0, 0);
	vq_push(&f->vq, 0, 0);		/* used idx 1 -> 3: 3 not passed yet */
	assert_false(vq_should_interrupt(&f->vq));
	vq_push(&f->vq, 0, 0);		/* 3 -> 4: passed */
	assert_true(vq_should_interrupt(&f->vq));
	vq_push(&f->vq, 0, 0);		/* 4 -> 5: already told */
	assert_false(vq_should_interrupt(&f->vq));
}

static void test_loops(void **state)
{
	struct fixture *f = *state;

	set_desc(f, DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, DESC, 1, BUF, 8, VIRTQ_DESC_F_NEXT, 0);
	make_available(f, 0);
	assert_refused(f, "descriptor chain loops");
	set_desc(f, DESC, 3, BUF, 8, VIRTQ_DESC_F_NEXT, 3);
	make_available(f, 3);
	assert_refused(f, "descriptor chain loops");
	/* all eight entries in one chain is the longest that is not a loop */
	for (int i = 0; i < QSIZE; i++)
		set_desc(f, DESC, i, BUF, 8, i < QSIZE - 1 ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	make_available(f, 0);
	assert_int_equal(vq_pop(&f->vq, &f->chain, &(const char *){ NULL }), 1);
	assert_int_equal(f->chain.nr_out, QSIZE);
}

static void test_out_of_bounds(void **state)
{
	struct fixture *f = *state;

	set_desc(f, DESC, 0, GPA + MEM_SIZE - 8, 9, 0, 0);
	make_available(f, 0);
	assert_refused(f, "buffer outside guest RAM");
	set_desc(f, DESC, 0, GPA - 4096, 8, 0, 0);
	make_available(f, 0);
	assert_refused(f, "buffer outside guest RAM");
	/* addr + len wraps around 2^64 */
	set_desc(f, DESC, 0, UINT64_MAX - 15, 32, 0, 0);
	make_available(f, 0);
	assert_refused(f, "buffer outside guest RAM");
	set_desc(f, DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, QSIZE);
	make_available(f, 0);
	assert_refused(f, "next descriptor beyond the table");
	make_available(f, QSIZE);
	assert_refused(f, "available ring names a descriptor beyond the queue");
}

static void test_readable_after_writable(void **state)
{
	struct fixture *f = *state;

	set_desc(f, DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	set_desc(f, DESC, 1, BUF, 8, 0, 0);
	make_available(f, 0);
	assert_refused(f, "readable buffer after a writable one");
}

static void test_indirect(void **state)
{
	struct fixture *f = *state;
	const char *why;

	/* one direct descriptor, then an indirect table of three */
	set_desc(f, DESC, 0, BUF, 16, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, DESC, 1, TABLE, 48, VIRTQ_DESC_F_INDIRECT, 0);
	set_desc(f, TABLE, 0, BUF + 0x100, 32, VIRTQ_DESC_F_NEXT, 2);
	set_desc(f, TABLE, 2, BUF + 0x200, 64, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 1);
	set_desc(f, TABLE, 1, BUF + 0x300, 1, VIRTQ_DESC_F_WRITE, 0);
	make_available(f, 0);
	assert_refused(f, "indirect descriptor, but VIRTIO_F_INDIRECT_DESC was not negotiated");

	setup_queue(f, false, true);
	f->avail_idx = 0;
	make_available(f, 0);
	assert_int_equal(vq_pop(&f->vq, &f->chain, &why), 1);
	assert_int_equal(f->chain.nr_out, 2);
	assert_int_equal(f->chain.nr_in, 2);
	assert_int_equal(f->chain.out_len, 48);
	assert_int_equal(f->chain.in_len, 65);
	assert_ptr_equal(f->chain.iov[1].iov_base, at(f, BUF + 0x100));
	assert_ptr_equal(f->chain.iov[3].iov_base, at(f, BUF + 0x300));

	set_desc(f, TABLE, 1, TABLE, 16, VIRTQ_DESC_F_INDIRECT, 0);
	make_available(f, 0);
	assert_refused(f, "indirect descriptor inside an indirect table");
	set_desc(f, TABLE, 1, BUF, 8, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE, 0);
	make_available(f, 0);
	assert_refused(f, "descriptor chain loops");
	set_desc(f, DESC, 1, TABLE, 48, VIRTQ_DESC_F_INDIRECT | VIRTQ_DESC_F_NEXT, 2);
	make_available(f, 0);
	assert_refused(f, "indirect descriptor with NEXT set");
	set_desc(f, DESC, 1, TABLE, 40, VIRTQ_DESC_F_INDIRECT, 0);
	make_available(f, 0);
	assert_refused(f, "indirect table not 1 to 256 whole descriptors");
	set_desc(f, DESC, 1, TABLE, 0, VIRTQ_DESC_F_INDIRECT, 0);
	make_available(f, 0);
	assert_refused(f, "indirect table not 1 to 256 whole descriptors");
	set_desc(f, DESC, 1, GPA + MEM_SIZE - 32, 48, VIRTQ_DESC_F_INDIRECT, 0);
	make_available(f, 0);
	assert_refused(f, "indirect table outside guest RAM");
}

/* Chains that are too long: more descriptors than a queue, more than 4 GiB. */
static void test_too_long(void **state)
{
	struct fixture *f = *state;
	struct vq_guest_mem big = { GPA, 16ull << 30, f->mem.host };
	const char *why;

	setup_queue(f, false, true);
	set_desc(f, DESC, 0, BUF, 8, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, DESC, 1, BUF, 256 * 16, VIRTQ_DESC_F_INDIRECT, 0);
	for (int i = 0; i < 256; i++)
		set_desc(f, BUF, i, BUF, 8, i < 255 ? VIRTQ_DESC_F_NEXT : 0, i + 1);
	make_available(f, 0);
	assert_refused(f, "chain longer than 256 descriptors");

	/* guest RAM of 16 GiB, of which only the rings are ever touched */
	assert_int_equal(vq_setup(&f->vq, &big, QSIZE, DESC, AVAIL, USED, 0, 0, &why), 0);
	f->vq.last_avail = f->avail_idx;
	set_desc(f, DESC, 0, GPA, 0xffffffffu, VIRTQ_DESC_F_NEXT, 1);
	set_desc(f, DESC, 1, GPA, 1, 0, 0);
	make_available(f, 0);
	assert_refused(f, "chain longer than 4 GiB");
	/* readable and writable totals are separate */
	set_desc(f, DESC, 1, GPA, 1, VIRTQ_DESC_F_WRITE, 0);
	make_available(f, 0);
	assert_int_equal(vq_pop(&f->vq, &f->chain, &why), 1);
	assert_int_equal(f->chain.out_len, 0xffffffffu);
	assert_int_equal(f->chain.in_len, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_setup_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_good_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ring_wraps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_idx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loops, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_readable_after_writable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_long, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
