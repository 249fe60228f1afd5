// SPDX-License-Identifier: GPL-2.0
/*
 * Register semantics from the TI/National PC16550D data sheet: IIR priority
 * order, THRE interrupt raised when enabled with THR empty and cleared by
 * reading IIR or writing THR, MCR loopback reflected in MSR.
 */
#include <errno.h>
#include <string.h>

#include "hw/uart16550.h"

enum {
	REG_RBR_THR_DLL = 0,
	REG_IER_DLM = 1,
	REG_IIR_FCR = 2,
	REG_LCR = 3,
	REG_MCR = 4,
	REG_LSR = 5,
	REG_MSR = 6,
	REG_SCR = 7,
};

#define IER_RDI		0x01	/* received data available */
#define IER_THRI	0x02	/* transmitter holding register empty */
#define IER_MASK	0x0f

#define IIR_NO_INT	0x01
#define IIR_THRI	0x02
#define IIR_RDI		0x04
#define IIR_FIFO_ON	0xc0

#define FCR_ENABLE	0x01
#define FCR_CLEAR_RX	0x02

#define LCR_DLAB	0x80

#define MCR_DTR		0x01
#define MCR_RTS		0x02
#define MCR_OUT1	0x04
#define MCR_OUT2	0x08
#define MCR_LOOP	0x10
#define MCR_MASK	0x1f

#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40

#define MSR_CTS		0x10
#define MSR_DSR		0x20
#define MSR_RI		0x40
#define MSR_DCD		0x80

void uart16550_init(struct uart16550 *uart, const struct serial_ops *ops,
		    void *opaque)
{
	memset(uart, 0, sizeof(*uart));
	pthread_mutex_init(&uart->lock, NULL);
	uart->ops = ops;
	uart->opaque = opaque;
	uart->mcr = MCR_OUT2;
}

size_t uart16550_state_save(struct uart16550 *uart, uint8_t *buf)
{
	size_t n;

	pthread_mutex_lock(&uart->lock);
	buf[0] = uart->ier;
	buf[1] = uart->lcr;
	buf[2] = uart->mcr;
	buf[3] = uart->scr;
	buf[4] = uart->dll;
	buf[5] = uart->dlm;
	buf[6] = uart->fcr;
	buf[7] = uart->thre_pending;
	buf[8] = uart->irq_level;
	memset(buf + 9, 0, 7);
	/* The input, oldest first. */
	for (n = 0; n < uart->rx_count; n++)
		buf[16 + n] = uart->rx[(uart->rx_head + n) % UART16550_RX_BUF];
	pthread_mutex_unlock(&uart->lock);
	return 16 + n;
}

int uart16550_state_load(struct uart16550 *uart, const uint8_t *buf, size_t len)
{
	if (len < 16 || len > UART16550_STATE_MAX || buf[7] > 1 || buf[8] > 1)
		return -EINVAL;
	pthread_mutex_lock(&uart->lock);
	uart->ier = buf[0] & IER_MASK;
	uart->lcr = buf[1];
	uart->mcr = buf[2];
	uart->scr = buf[3];
	uart->dll = buf[4];
	uart->dlm = buf[5];
	uart->fcr = buf[6];
	uart->thre_pending = buf[7];
	uart->irq_level = buf[8];
	uart->rx_head = 0;
	uart->rx_count = len - 16;
	memcpy(uart->rx, buf + 16, uart->rx_count);
	pthread_mutex_unlock(&uart->lock);
	return 0;
}

void uart16550_destroy(struct uart16550 *uart)
{
	pthread_mutex_destroy(&uart->lock);
}

static uint8_t iir(const struct uart16550 *uart)
{
	uint8_t fifo = (uart->fcr & FCR_ENABLE) ? IIR_FIFO_ON : 0;

	if ((uart->ier & IER_RDI) && uart->rx_count)
		return fifo | IIR_RDI;
	if ((uart->ier & IER_THRI) && uart->thre_pending)
		return fifo | IIR_THRI;
	return fifo | IIR_NO_INT;
}

static void update_irq(struct uart16550 *uart)
{
	int level = !(iir(uart) & IIR_NO_INT);

	if (level != uart->irq_level) {
		uart->irq_level = level;
		uart->ops->set_irq(uart->opaque, level);
	}
}

static bool rx_push(struct uart16550 *uart, uint8_t c)
{
	if (uart->rx_count == UART16550_RX_BUF)
		return false;
	uart->rx[(uart->rx_head + uart->rx_count) % UART16550_RX_BUF] = c;
	uart->rx_count++;
	return true;
}

static uint8_t rx_pop(struct uart16550 *uart)
{
	uint8_t c;

	if (!uart->rx_count)
		return 0;
	c = uart->rx[uart->rx_head];
	uart->rx_head = (uart->rx_head + 1) % UART16550_RX_BUF;
	uart->rx_count--;
	if (!uart->rx_count && uart->ops->rx_drained)
		uart->ops->rx_drained(uart->opaque);
	return c;
}

/* In loopback the modem outputs come back as the modem inputs. */
static uint8_t msr(const struct uart16550 *uart)
{
	uint8_t m = uart->mcr;

	if (!(m & MCR_LOOP))
		return MSR_DCD | MSR_DSR | MSR_CTS;
	return (m & MCR_RTS ? MSR_CTS : 0) | (m & MCR_DTR ? MSR_DSR : 0) |
	       (m & MCR_OUT1 ? MSR_RI : 0) | (m & MCR_OUT2 ? MSR_DCD : 0);
}

static void write_reg(struct uart16550 *uart, unsigned int reg, uint8_t v)
{
	bool dlab = uart->lcr & LCR_DLAB;

	switch (reg) {
	case REG_RBR_THR_DLL:
		if (dlab) {
			uart->dll = v;
			break;
		}
		if (uart->mcr & MCR_LOOP)
			rx_push(uart, v);
		else
			uart->ops->transmit(uart->opaque, &v, 1);
		/* Sent at once: the holding register is empty again. */
		uart->thre_pending = true;
		break;
	case REG_IER_DLM:
		if (dlab) {
			uart->dlm = v;
			break;
		}
		/* Enabling THRI while THR is empty raises it (it always is). */
		if ((v & IER_THRI) && !(uart->ier & IER_THRI))
			uart->thre_pending = true;
		uart->ier = v & IER_MASK;
		break;
	case REG_IIR_FCR:
		uart->fcr = v & FCR_ENABLE;
		if ((v & FCR_CLEAR_RX) && uart->rx_count) {
			uart->rx_head = uart->rx_count = 0;
			/* Input paused on a full buffer resumes now. */
			if (uart->ops->rx_drained)
				uart->ops->rx_drained(uart->opaque);
		}
		break;
	case REG_LCR:
		uart->lcr = v;
		break;
	case REG_MCR:
		uart->mcr = v & MCR_MASK;
		break;
	case REG_SCR:
		uart->scr = v;
		break;
	default:		/* LSR and MSR are read-only */
		break;
	}
}

static uint8_t read_reg(struct uart16550 *uart, unsigned int reg)
{
	bool dlab = uart->lcr & LCR_DLAB;
	uint8_t v;

	switch (reg) {
	case REG_RBR_THR_DLL:
		return dlab ? uart->dll : rx_pop(uart);
	case REG_IER_DLM:
		return dlab ? uart->dlm : uart->ier;
	case REG_IIR_FCR:
		v = iir(uart);
		/* Reading IIR acknowledges a THRE interrupt it reports. */
		if ((v & 0x0f) == IIR_THRI)
			uart->thre_pending = false;
		return v;
	case REG_LCR:
		return uart->lcr;
	case REG_MCR:
		return uart->mcr;
	case REG_LSR:
		return LSR_THRE | LSR_TEMT | (uart->rx_count ? LSR_DR : 0);
	case REG_MSR:
		return msr(uart);
	case REG_SCR:
		return uart->scr;
	default:
		return 0;
	}
}

void uart16550_access(struct uart16550 *uart, uint64_t offset, uint8_t *data,
		      uint32_t len, bool is_write)
{
	pthread_mutex_lock(&uart->lock);
	/* Registers are bytes; a wider access touches the first one only. */
	if (offset > REG_SCR) {
		if (!is_write)
			memset(data, 0, len);
	} else if (is_write) {
		write_reg(uart, offset, data[0]);
	} else {
		memset(data, 0, len);
		data[0] = read_reg(uart, offset);
	}
	update_irq(uart);
	pthread_mutex_unlock(&uart->lock);
}

size_t uart16550_receive(struct uart16550 *uart, const uint8_t *buf,
			 size_t len)
{
	size_t n = 0;

	pthread_mutex_lock(&uart->lock);
	while (n < len && rx_push(uart, buf[n]))
		n++;
	update_irq(uart);
	pthread_mutex_unlock(&uart->lock);
	return n;
}

size_t uart16550_rx_space(struct uart16550 *uart)
{
	size_t space;

	pthread_mutex_lock(&uart->lock);
	space = UART16550_RX_BUF - uart->rx_count;
	pthread_mutex_unlock(&uart->lock);
	return space;
}
