/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_SERIAL_H
#define LKVM_HW_SERIAL_H

#include <stddef.h>
#include <stdint.h>

/* What a UART model needs from the VM: the console and an interrupt line. */
struct serial_ops {
	/* The guest sent these bytes. */
	void (*transmit)(void *opaque, const uint8_t *buf, size_t len);
	/* The interrupt output changed to @level. */
	void (*set_irq)(void *opaque, int level);
	/* The guest read the last buffered input byte (optional). */
	void (*rx_drained)(void *opaque);
};

/* Input both UARTs buffer; more is refused, not dropped. */
#define SERIAL_RX_BUF 1024

#endif
