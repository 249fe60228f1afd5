// SPDX-License-Identifier: GPL-2.0
/* The PL011 UART and PL031 RTC as UEFI's PL011UartLib/PL031 library and
 * Linux's amba-pl011 drive them. */
#include <errno.h>
#include <string.h>

#include "core/le.h"
#include "hw/pl011.h"
#include "hw/pl031.h"
#include "tests/unit/helpers.h"
#include "tests/unit/serial_sink.h"

enum { DR = 0x00, FR = 0x18, IBRD = 0x24, FBRD = 0x28, LCR_H = 0x2c, CR = 0x30,
       IMSC = 0x38, RIS = 0x3c, MIS = 0x40, ICR = 0x44 };
#define FR_RXFE 0x10
#define FR_TXFF 0x20
#define FR_TXFE 0x80
#define INT_RX 0x10
#define INT_TX 0x20

static uint32_t rd32(struct pl011 *u, uint64_t reg)
{
	uint8_t v[4] = { 0xaa, 0xaa, 0xaa, 0xaa };

	pl011_access(u, reg, v, 4, false);
	return get_le32(v);
}

static void wr32(struct pl011 *u, uint64_t reg, uint32_t v)
{
	uint8_t b[4];

	put_le32(b, v);
	pl011_access(u, reg, b, 4, true);
}

static void test_pl011_transmit_and_flags(void **state)
{
	struct sink s = { 0 };
	struct pl011 u;
	uint8_t c = 'h';

	(void)state;
	pl011_init(&u, &ops, &s);
	/* UEFI spins on TXFF clear before each byte; Linux waits on BUSY too. */
	assert_int_equal(rd32(&u, FR), FR_TXFE | FR_RXFE);
	pl011_access(&u, DR, &c, 1, true);	/* edk2 writes DR a byte at a time */
	wr32(&u, DR, 0x100 | 'i');		/* only the low byte is data */
	assert_int_equal(s.out_len, 2);
	assert_memory_equal(s.out, "hi", 2);
	assert_int_equal(rd32(&u, FR) & FR_TXFF, 0);
	pl011_destroy(&u);
}

static void test_pl011_config_reads_back(void **state)
{
	struct sink s = { 0 };
	struct pl011 u;
	static const unsigned int id_regs[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };

	(void)state;
	pl011_init(&u, &ops, &s);
	assert_int_equal(rd32(&u, CR), 0x300);
	/* PL011UartInitializePort skips re-initialising when these match. */
	wr32(&u, IBRD, 13);
	wr32(&u, FBRD, 1);
	wr32(&u, LCR_H, 0x70);
	wr32(&u, CR, 0x301);
	assert_int_equal(rd32(&u, IBRD), 13);
	assert_int_equal(rd32(&u, FBRD), 1);
	assert_int_equal(rd32(&u, LCR_H), 0x70);
	assert_int_equal(rd32(&u, CR), 0x301);
	/* The AMBA bus matches the driver by these IDs. */
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(rd32(&u, 0xfe0 + 4 * i), id_regs[i]);
	pl011_destroy(&u);
}

static void test_pl011_receive_and_interrupts(void **state)
{
	struct sink s = { 0 };
	struct pl011 u;
	uint8_t big[SERIAL_RX_BUF + 1] = { 0 };

	(void)state;
	pl011_init(&u, &ops, &s);
	assert_int_equal(pl011_receive(&u, (const uint8_t *)"ok", 2), 2);
	assert_int_equal(s.irq, 0);			/* masked */
	assert_int_equal(rd32(&u, FR) & FR_RXFE, 0);
	assert_true(rd32(&u, RIS) & INT_RX);
	wr32(&u, IMSC, INT_RX);
	assert_int_equal(s.irq, 1);
	assert_int_equal(rd32(&u, MIS), INT_RX);
	assert_int_equal(rd32(&u, DR), 'o');
	assert_int_equal(rd32(&u, DR), 'k');
	assert_int_equal(s.irq, 0);
	assert_int_equal(s.drained, 1);
	assert_true(rd32(&u, FR) & FR_RXFE);

	/* Transmit interrupt: raised by a sent byte, cleared through ICR. */
	wr32(&u, IMSC, INT_TX);
	wr32(&u, DR, 'x');
	assert_int_equal(s.irq, 1);
	wr32(&u, ICR, INT_TX);
	assert_int_equal(s.irq, 0);
	assert_int_equal(rd32(&u, RIS) & INT_TX, 0);

	/* Full: refused, not dropped. */
	assert_int_equal(pl011_receive(&u, big, sizeof(big)), SERIAL_RX_BUF);
	assert_int_equal(pl011_rx_space(&u), 0);
	assert_int_equal(pl011_receive(&u, big, 1), 0);
	pl011_destroy(&u);
}

static uint64_t fake_now = 1700000000;

static uint64_t clock_now(void)
{
	return fake_now;
}

static uint32_t rtc_rd(struct pl031 *r, uint64_t reg)
{
	uint8_t v[4];

	pl031_access(r, reg, v, 4, false);
	return get_le32(v);
}

static void rtc_wr(struct pl031 *r, uint64_t reg, uint32_t v)
{
	uint8_t b[4];

	put_le32(b, v);
	pl031_access(r, reg, b, 4, true);
}

static void test_pl031(void **state)
{
	static const unsigned int id_regs[8] = { 0x31, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
	struct pl031 r;

	(void)state;
	pl031_init(&r, clock_now);
	/*
	 * edk2's PL031 library refuses a part whose IDs differ, and reads
	 * them a byte at a time (MmioRead8): without them no RTC, and
	 * without the RTC no kernel from fw_cfg.
	 */
	for (unsigned int i = 0; i < 8; i++) {
		uint8_t byte = 0xaa;

		assert_int_equal(rtc_rd(&r, 0xfe0 + 4 * i), id_regs[i]);
		pl031_access(&r, 0xfe0 + 4 * i, &byte, 1, false);
		assert_int_equal(byte, id_regs[i]);
	}
	assert_int_equal(rtc_rd(&r, 0x0c) & 1, 1);	/* CR: running */
	assert_int_equal(rtc_rd(&r, 0x00), 1700000000);
	fake_now += 5;
	assert_int_equal(rtc_rd(&r, 0x00), 1700000005);
	/* SetTime loads the counter; it then follows the host clock. */
	rtc_wr(&r, 0x08, 1000);
	assert_int_equal(rtc_rd(&r, 0x00), 1000);
	assert_int_equal(rtc_rd(&r, 0x08), 1000);
	fake_now += 7;
	assert_int_equal(rtc_rd(&r, 0x00), 1007);
	rtc_wr(&r, 0x00, 5);				/* DR is read-only */
	assert_int_equal(rtc_rd(&r, 0x00), 1007);
	rtc_wr(&r, 0x0c, 0);				/* cannot be stopped */
	assert_int_equal(rtc_rd(&r, 0x0c), 1);
	rtc_wr(&r, 0x04, 4242);
	assert_int_equal(rtc_rd(&r, 0x04), 4242);
	pl031_destroy(&r);
}

/* A snapshot's PL011 reads as the first did: registers, input, its line. */
static void test_pl011_state(void **state)
{
	struct sink s = { 0 }, t = { 0 };
	uint8_t buf[PL011_STATE_MAX], bad[PL011_STATE_MAX];
	struct pl011 a, b;
	size_t n;

	(void)state;
	pl011_init(&a, &ops, &s);
	pl011_init(&b, &ops, &t);
	wr32(&a, IBRD, 13);
	wr32(&a, LCR_H, 0x70);
	wr32(&a, IMSC, INT_RX);
	assert_int_equal(pl011_receive(&a, (const uint8_t *)"xyz", 3), 3);
	assert_int_equal(rd32(&a, DR), 'x');
	n = pl011_state_save(&a, buf);
	assert_int_equal(n, PL011_STATE_HEADER + 2);

	/* Malformed: a register beyond its bits, a line level of 2, too long. */
	memcpy(bad, buf, n);
	put_le32(bad, 0x10000);
	assert_int_equal(pl011_state_load(&b, bad, n), -EINVAL);
	memcpy(bad, buf, n);
	put_le32(bad + 36, 2);
	assert_int_equal(pl011_state_load(&b, bad, n), -EINVAL);
	assert_int_equal(pl011_state_load(&b, buf, PL011_STATE_MAX + 1), -EINVAL);
	assert_int_equal(rd32(&b, IBRD), 0);		/* unchanged */

	assert_int_equal(pl011_state_load(&b, buf, n), 0);
	assert_int_equal(rd32(&b, IBRD), 13);
	assert_int_equal(rd32(&b, LCR_H), 0x70);
	assert_int_equal(rd32(&b, MIS), INT_RX);
	assert_int_equal(rd32(&b, DR), 'y');
	assert_int_equal(rd32(&b, DR), 'z');
	assert_true(rd32(&b, FR) & FR_RXFE);
	assert_int_equal(t.irq, 0);			/* read out: the line falls */
	pl011_destroy(&a);
	pl011_destroy(&b);
}

/* The RTC keeps its offset from the host's clock, and its registers. */
static void test_pl031_state(void **state)
{
	uint8_t buf[PL031_STATE_SIZE];
	struct pl031 a, b;

	(void)state;
	pl031_init(&a, clock_now);
	pl031_init(&b, clock_now);
	rtc_wr(&a, 0x08, 5000);
	rtc_wr(&a, 0x04, 77);
	assert_int_equal(pl031_state_save(&a, buf), PL031_STATE_SIZE);
	fake_now += 60;
	assert_int_equal(pl031_state_load(&b, buf, sizeof(buf) - 1), -EINVAL);
	put_le32(buf + 20, 2);				/* IMSC has one bit */
	assert_int_equal(pl031_state_load(&b, buf, sizeof(buf)), -EINVAL);
	put_le32(buf + 20, 0);
	assert_int_equal(pl031_state_load(&b, buf, sizeof(buf)), 0);
	assert_int_equal(rtc_rd(&b, 0x00), 5060);
	assert_int_equal(rtc_rd(&b, 0x04), 77);
	assert_int_equal(rtc_rd(&b, 0x08), 5000);
	pl031_destroy(&a);
	pl031_destroy(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pl011_transmit_and_flags),
		cmocka_unit_test(test_pl011_config_reads_back),
		cmocka_unit_test(test_pl011_receive_and_interrupts),
		cmocka_unit_test(test_pl031),
		cmocka_unit_test(test_pl011_state),
		cmocka_unit_test(test_pl031_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
