/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_UART16550_H
#define LKVM_HW_UART16550_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hw/serial.h"

#define UART16550_RX_BUF SERIAL_RX_BUF

/*
 * A 16550A as Linux's 8250 driver and kvm-unit-tests drive it: one byte per
 * register (reg-shift 0), transmit completes at once, receive is buffered.
 * Called from vCPU threads (register access) and the I/O thread (input), so
 * every entry point takes the lock.
 */
struct uart16550 {
	pthread_mutex_t lock;
	const struct serial_ops *ops;
	void *opaque;
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thre_pending;	/* THR-empty interrupt not yet acknowledged */
	int irq_level;
	uint8_t rx[UART16550_RX_BUF];
	size_t rx_head, rx_count;
};

void uart16550_init(struct uart16550 *uart, const struct serial_ops *ops,
		    void *opaque);
void uart16550_destroy(struct uart16550 *uart);

/*
 * For a snapshot: the registers and the input not yet read, at most
 * UART16550_STATE_MAX bytes; loaded back only if well formed (0, or
 * -EINVAL and the UART unchanged).
 */
#define UART16550_STATE_MAX	(16 + UART16550_RX_BUF)
size_t uart16550_state_save(struct uart16550 *uart, uint8_t *buf);
int uart16550_state_load(struct uart16550 *uart, const uint8_t *buf, size_t len);

/* One guest access of @len bytes at register @offset. */
void uart16550_access(struct uart16550 *uart, uint64_t offset, uint8_t *data,
		      uint32_t len, bool is_write);

/* Host input for the guest. Returns how many bytes fitted. */
size_t uart16550_receive(struct uart16550 *uart, const uint8_t *buf,
			 size_t len);

/* Input bytes the buffer has room for now. */
size_t uart16550_rx_space(struct uart16550 *uart);

#endif
