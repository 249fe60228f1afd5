// SPDX-License-Identifier: GPL-2.0
/*
 * Register map and bits from the Arm PrimeCell UART (PL011) Technical
 * Reference Manual (DDI 0183): flag register, raw and masked interrupt
 * status, interrupt clear, and the peripheral/PrimeCell IDs at 0xFE0.
 */
#include <errno.h>
#include <string.h>

#include "core/le.h"
#include "hw/pl011.h"
#include "hw/primecell.h"

enum {
	REG_DR = 0x000,
	REG_RSR_ECR = 0x004,
	REG_FR = 0x018,
	REG_ILPR = 0x020,
	REG_IBRD = 0x024,
	REG_FBRD = 0x028,
	REG_LCR_H = 0x02c,
	REG_CR = 0x030,
	REG_IFLS = 0x034,
	REG_IMSC = 0x038,
	REG_RIS = 0x03c,
	REG_MIS = 0x040,
	REG_ICR = 0x044,
	REG_DMACR = 0x048,
};

#define FR_RXFE		(1u << 4)
#define FR_TXFF		(1u << 5)
#define FR_RXFF		(1u << 6)
#define FR_TXFE		(1u << 7)

#define INT_RX		(1u << 4)
#define INT_TX		(1u << 5)
#define INT_RT		(1u << 6)
#define INT_ALL		0x7ff

#define CR_RESET	0x300	/* TXE | RXE */
#define IFLS_RESET	0x12	/* both FIFOs at half */

/* Part 0x011, designer Arm, revision 1. */
static const uint8_t pl011_periph_id[4] = { 0x11, 0x10, 0x14, 0x00 };

void pl011_init(struct pl011 *uart, const struct serial_ops *ops, void *opaque)
{
	memset(uart, 0, sizeof(*uart));
	pthread_mutex_init(&uart->lock, NULL);
	uart->ops = ops;
	uart->opaque = opaque;
	uart->cr = CR_RESET;
	uart->ifls = IFLS_RESET;
}

void pl011_destroy(struct pl011 *uart)
{
	pthread_mutex_destroy(&uart->lock);
}

/* Input pending raises both receive interrupts: there is no FIFO level. */
static uint32_t raw_status(const struct pl011 *uart)
{
	return uart->ris | (uart->rx_count ? INT_RX | INT_RT : 0);
}

static void update_irq(struct pl011 *uart)
{
	int level = (raw_status(uart) & uart->imsc) != 0;

	if (level != uart->irq_level) {
		uart->irq_level = level;
		uart->ops->set_irq(uart->opaque, level);
	}
}

static uint8_t rx_pop(struct pl011 *uart)
{
	uint8_t c;

	if (!uart->rx_count)
		return 0;
	c = uart->rx[uart->rx_head];
	uart->rx_head = (uart->rx_head + 1) % SERIAL_RX_BUF;
	uart->rx_count--;
	if (!uart->rx_count && uart->ops->rx_drained)
		uart->ops->rx_drained(uart->opaque);
	return c;
}

static uint32_t read_reg(struct pl011 *uart, uint64_t reg)
{
	switch (reg) {
	case REG_DR:
		return rx_pop(uart);
	case REG_FR:
		return FR_TXFE | (uart->rx_count ? 0 : FR_RXFE) |
		       (uart->rx_count == SERIAL_RX_BUF ? FR_RXFF : 0);
	case REG_ILPR:
		return uart->ilpr;
	case REG_IBRD:
		return uart->ibrd;
	case REG_FBRD:
		return uart->fbrd;
	case REG_LCR_H:
		return uart->lcr_h;
	case REG_CR:
		return uart->cr;
	case REG_IFLS:
		return uart->ifls;
	case REG_IMSC:
		return uart->imsc;
	case REG_RIS:
		return raw_status(uart);
	case REG_MIS:
		return raw_status(uart) & uart->imsc;
	case REG_DMACR:
		return uart->dmacr;
	default:		/* RSR reads 0: no receive errors, ever */
		return primecell_id(reg, pl011_periph_id);
	}
}

static void write_reg(struct pl011 *uart, uint64_t reg, uint32_t v)
{
	uint8_t c = v;

	switch (reg) {
	case REG_DR:
		uart->ops->transmit(uart->opaque, &c, 1);
		/* Sent at once: the transmit FIFO is below its level again. */
		uart->ris |= INT_TX;
		break;
	case REG_ILPR:
		uart->ilpr = v & 0xff;
		break;
	case REG_IBRD:
		uart->ibrd = v & 0xffff;
		break;
	case REG_FBRD:
		uart->fbrd = v & 0x3f;
		break;
	case REG_LCR_H:
		uart->lcr_h = v & 0xff;
		break;
	case REG_CR:
		uart->cr = v & 0xffff;
		break;
	case REG_IFLS:
		uart->ifls = v & 0x3f;
		break;
	case REG_IMSC:
		uart->imsc = v & INT_ALL;
		break;
	case REG_ICR:
		uart->ris &= ~v;
		break;
	case REG_DMACR:
		uart->dmacr = v & 7;
		break;
	default:		/* ECR clears errors there never are; the rest is RO */
		break;
	}
}

void pl011_access(struct pl011 *uart, uint64_t offset, uint8_t *data,
		  uint32_t len, bool is_write)
{
	uint8_t word[4] = { 0 };
	uint64_t reg = offset & ~3ull;
	unsigned int shift = offset & 3;

	/* Registers are 32 bits wide; narrower accesses see their bytes. */
	pthread_mutex_lock(&uart->lock);
	if (is_write) {
		memcpy(word + shift, data, len < 4 - shift ? len : 4 - shift);
		write_reg(uart, reg, get_le32(word));
	} else {
		put_le32(word, read_reg(uart, reg));
		memset(data, 0, len);
		memcpy(data, word + shift, len < 4 - shift ? len : 4 - shift);
	}
	update_irq(uart);
	pthread_mutex_unlock(&uart->lock);
}

/* The registers as they read, in the order of struct pl011. */
#define STATE_REGS	9

static uint32_t *state_reg(struct pl011 *uart, unsigned int i)
{
	uint32_t *regs[STATE_REGS] = {
		&uart->ibrd, &uart->fbrd, &uart->lcr_h, &uart->cr, &uart->ifls,
		&uart->imsc, &uart->dmacr, &uart->ilpr, &uart->ris,
	};

	return regs[i];
}

/* What each register keeps of a write (write_reg() above). */
static const uint32_t state_mask[STATE_REGS] = {
	0xffff, 0x3f, 0xff, 0xffff, 0x3f, INT_ALL, 7, 0xff, INT_ALL,
};

size_t pl011_state_save(struct pl011 *uart, uint8_t *buf)
{
	size_t n;

	pthread_mutex_lock(&uart->lock);
	for (unsigned int i = 0; i < STATE_REGS; i++)
		put_le32(buf + 4 * i, *state_reg(uart, i));
	put_le32(buf + 4 * STATE_REGS, uart->irq_level);
	/* The input, oldest first. */
	for (n = 0; n < uart->rx_count; n++)
		buf[PL011_STATE_HEADER + n] = uart->rx[(uart->rx_head + n) % SERIAL_RX_BUF];
	pthread_mutex_unlock(&uart->lock);
	return PL011_STATE_HEADER + n;
}

int pl011_state_load(struct pl011 *uart, const uint8_t *buf, size_t len)
{
	if (len < PL011_STATE_HEADER || len > PL011_STATE_MAX ||
	    get_le32(buf + 4 * STATE_REGS) > 1)
		return -EINVAL;
	for (unsigned int i = 0; i < STATE_REGS; i++)
		if (get_le32(buf + 4 * i) & ~state_mask[i])
			return -EINVAL;
	pthread_mutex_lock(&uart->lock);
	for (unsigned int i = 0; i < STATE_REGS; i++)
		*state_reg(uart, i) = get_le32(buf + 4 * i);
	uart->irq_level = get_le32(buf + 4 * STATE_REGS);
	uart->rx_head = 0;
	uart->rx_count = len - PL011_STATE_HEADER;
	memcpy(uart->rx, buf + PL011_STATE_HEADER, uart->rx_count);
	pthread_mutex_unlock(&uart->lock);
	return 0;
}

size_t pl011_receive(struct pl011 *uart, const uint8_t *buf, size_t len)
{
	size_t n = 0;

	pthread_mutex_lock(&uart->lock);
	while (n < len && uart->rx_count < SERIAL_RX_BUF) {
		uart->rx[(uart->rx_head + uart->rx_count) % SERIAL_RX_BUF] = buf[n++];
		uart->rx_count++;
	}
	update_irq(uart);
	pthread_mutex_unlock(&uart->lock);
	return n;
}

size_t pl011_rx_space(struct pl011 *uart)
{
	size_t space;

	pthread_mutex_lock(&uart->lock);
	space = SERIAL_RX_BUF - uart->rx_count;
	pthread_mutex_unlock(&uart->lock);
	return space;
}
