/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_PL011_H
#define LKVM_HW_PL011_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/serial.h"

/*
 * An Arm PL011 as UEFI's PL011UartLib and Linux's amba-pl011 drive it
 * (firmware mode's console): transmit completes at once, input is
 * buffered, the line speed and format registers read back what was
 * written, and the PrimeCell ID registers identify it. Called from vCPU
 * threads and the I/O thread, so every entry point takes the lock.
 */
struct pl011 {
	pthread_mutex_t lock;
	const struct serial_ops *ops;
	void *opaque;
	uint32_t ibrd, fbrd, lcr_h, cr, ifls, imsc, dmacr, ilpr;
	uint32_t ris;		/* raw interrupt status, transmit and modem bits */
	int irq_level;
	uint8_t rx[SERIAL_RX_BUF];
	size_t rx_head, rx_count;
};

void pl011_init(struct pl011 *uart, const struct serial_ops *ops, void *opaque);
void pl011_destroy(struct pl011 *uart);

/* One guest access of @len bytes at register @offset (core/mmio.h). */
void pl011_access(struct pl011 *uart, uint64_t offset, uint8_t *data,
		  uint32_t len, bool is_write);

/*
 * For a snapshot: the registers and the input not yet read, at most
 * PL011_STATE_MAX bytes; loaded back only if well formed (0, or -EINVAL
 * and the UART unchanged).
 */
#define PL011_STATE_HEADER	40
#define PL011_STATE_MAX		(PL011_STATE_HEADER + SERIAL_RX_BUF)
size_t pl011_state_save(struct pl011 *uart, uint8_t *buf);
int pl011_state_load(struct pl011 *uart, const uint8_t *buf, size_t len);

/* Host input for the guest. Returns how many bytes fitted. */
size_t pl011_receive(struct pl011 *uart, const uint8_t *buf, size_t len);

/* Input bytes the buffer has room for now. */
size_t pl011_rx_space(struct pl011 *uart);

#endif
