// SPDX-License-Identifier: GPL-2.0
/* Register map from the Arm PrimeCell RTC (PL031) Technical Reference Manual. */
#include <errno.h>
#include <string.h>

#include "core/le.h"
#include "hw/pl031.h"
#include "hw/primecell.h"

enum {
	REG_DR = 0x00,		/* data: the counter */
	REG_MR = 0x04,		/* match */
	REG_LR = 0x08,		/* load */
	REG_CR = 0x0c,		/* control: bit 0 starts the counter */
	REG_IMSC = 0x10,
	REG_RIS = 0x14,
	REG_MIS = 0x18,
	REG_ICR = 0x1c,
};

/* Part 0x031, designer Arm, revision 1. */
static const uint8_t pl031_periph_id[4] = { 0x31, 0x10, 0x14, 0x00 };

void pl031_init(struct pl031 *rtc, pl031_clock_fn now)
{
	memset(rtc, 0, sizeof(*rtc));
	pthread_mutex_init(&rtc->lock, NULL);
	rtc->now = now;
	rtc->cr = 1;		/* running from power-on, at host time */
}

void pl031_destroy(struct pl031 *rtc)
{
	pthread_mutex_destroy(&rtc->lock);
}

size_t pl031_state_save(struct pl031 *rtc, uint8_t *buf)
{
	pthread_mutex_lock(&rtc->lock);
	put_le64(buf, rtc->offset);
	put_le32(buf + 8, rtc->mr);
	put_le32(buf + 12, rtc->lr);
	put_le32(buf + 16, rtc->cr);
	put_le32(buf + 20, rtc->imsc);
	put_le32(buf + 24, rtc->ris);
	pthread_mutex_unlock(&rtc->lock);
	return PL031_STATE_SIZE;
}

int pl031_state_load(struct pl031 *rtc, const uint8_t *buf, size_t len)
{
	/* Started once, the counter runs (write_reg()); flags are one bit. */
	if (len != PL031_STATE_SIZE || get_le32(buf + 16) != 1 || get_le32(buf + 20) > 1 ||
	    get_le32(buf + 24) > 1)
		return -EINVAL;
	pthread_mutex_lock(&rtc->lock);
	rtc->offset = get_le64(buf);
	rtc->mr = get_le32(buf + 8);
	rtc->lr = get_le32(buf + 12);
	rtc->cr = 1;
	rtc->imsc = get_le32(buf + 20);
	rtc->ris = get_le32(buf + 24);
	pthread_mutex_unlock(&rtc->lock);
	return 0;
}

static uint32_t read_reg(struct pl031 *rtc, uint64_t reg)
{
	switch (reg) {
	case REG_DR:
		return (uint32_t)(rtc->now() + rtc->offset);
	case REG_MR:
		return rtc->mr;
	case REG_LR:
		return rtc->lr;
	case REG_CR:
		return rtc->cr;
	case REG_IMSC:
		return rtc->imsc;
	case REG_RIS:
		return rtc->ris;
	case REG_MIS:
		return rtc->ris & rtc->imsc;
	default:
		return primecell_id(reg, pl031_periph_id);
	}
}

static void write_reg(struct pl031 *rtc, uint64_t reg, uint32_t v)
{
	switch (reg) {
	case REG_MR:
		rtc->mr = v;
		break;
	case REG_LR:
		rtc->lr = v;
		rtc->offset = (int64_t)v - (int64_t)rtc->now();
		break;
	case REG_CR:
		/* Once started the counter cannot be stopped (TRM 3.3.4). */
		rtc->cr |= v & 1;
		break;
	case REG_IMSC:
		rtc->imsc = v & 1;
		break;
	case REG_ICR:
		rtc->ris &= ~v;
		break;
	default:		/* DR, RIS, MIS and the IDs are read-only */
		break;
	}
}

void pl031_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		  bool is_write)
{
	struct pl031 *rtc = opaque;
	uint8_t word[4] = { 0 };

	/*
	 * 32-bit registers. A narrower read at a register's offset sees its
	 * low bytes, as on the APB bus: edk2 reads the PrimeCell IDs a byte
	 * at a time. Unaligned reads give 0; only aligned 32-bit writes count.
	 */
	pthread_mutex_lock(&rtc->lock);
	if (is_write) {
		if (len == 4 && !(offset & 3))
			write_reg(rtc, offset, get_le32(data));
	} else {
		memset(data, 0, len);
		if (!(offset & 3)) {
			put_le32(word, read_reg(rtc, offset));
			memcpy(data, word, len < 4 ? len : 4);
		}
	}
	pthread_mutex_unlock(&rtc->lock);
}
