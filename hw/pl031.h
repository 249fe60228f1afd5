/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_HW_PL031_H
#define LKVM_HW_PL031_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * An Arm PL031 real-time clock, the one UEFI's RealTimeClock driver needs
 * (without it edk2 never loads the kernel from fw_cfg): a seconds counter
 * that follows the host's clock from whatever the guest loads into it.
 * The match register is kept, but raises no interrupt: nothing is wired.
 */
typedef uint64_t (*pl031_clock_fn)(void);	/* host seconds since the epoch */

struct pl031 {
	pthread_mutex_t lock;
	pl031_clock_fn now;
	int64_t offset;		/* guest seconds - host seconds */
	uint32_t mr, lr, cr, imsc, ris;
};

void pl031_init(struct pl031 *rtc, pl031_clock_fn now);
void pl031_destroy(struct pl031 *rtc);

/*
 * For a snapshot: the guest's offset from the host's clock (so the RTC
 * goes on telling the host's time, as it does while the VM runs) and the
 * registers; loaded back only if well formed (0, or -EINVAL).
 */
#define PL031_STATE_SIZE	28
size_t pl031_state_save(struct pl031 *rtc, uint8_t *buf);
int pl031_state_load(struct pl031 *rtc, const uint8_t *buf, size_t len);

/* One guest access (core/mmio.h). */
void pl031_access(void *opaque, uint64_t offset, uint8_t *data, uint32_t len,
		  bool is_write);

#endif
