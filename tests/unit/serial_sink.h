/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_UNIT_SERIAL_SINK_H
#define LKVM_TESTS_UNIT_SERIAL_SINK_H

/* The VM's side of a UART under test: what it sent, its interrupt line. */
#include <string.h>

#include "hw/serial.h"

struct sink {
	char out[256];
	size_t out_len;
	int irq;
	int drained;
};

static void transmit(void *opaque, const uint8_t *buf, size_t len)
{
	struct sink *s = opaque;

	memcpy(s->out + s->out_len, buf, len);
	s->out_len += len;
}

static void set_irq(void *opaque, int level)
{
	((struct sink *)opaque)->irq = level;
}

static void rx_drained(void *opaque)
{
	((struct sink *)opaque)->drained++;
}

static const struct serial_ops ops = { transmit, set_irq, rx_drained };

#endif
