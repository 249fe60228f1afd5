/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_TESTS_FUZZ_VIRTIO_HOST_H
#define LKVM_TESTS_FUZZ_VIRTIO_HOST_H

/*
 * The host under the virtio fuzz targets' devices, one per target binary:
 * the console's output is read byte by byte (so ASan sees where it lies)
 * and dropped, and the host's entropy is made deterministic, since
 * virtio-rng writes it into guest RAM where the next steps may read it as
 * rings: a crash must replay byte for byte. The device code is untouched;
 * only getrandom() under it is this one.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

static uint64_t entropy_state;

ssize_t getrandom(void *buf, size_t len, unsigned int flags)
{
	uint8_t *p = buf;

	(void)flags;
	for (size_t i = 0; i < len; i++) {
		entropy_state ^= entropy_state << 13;
		entropy_state ^= entropy_state >> 7;
		entropy_state ^= entropy_state << 17;
		p[i] = entropy_state;
	}
	return len;
}

static volatile uint8_t output_sink;

static void take_output(void *opaque, const uint8_t *buf, size_t len)
{
	(void)opaque;
	for (size_t i = 0; i < len; i++)
		output_sink ^= buf[i];
}

#endif
