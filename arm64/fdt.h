/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_ARM64_FDT_H
#define LKVM_ARM64_FDT_H

#include <stddef.h>

#include "machine/platform.h"

/* Phandle of the interrupt controller: every interrupt refers to it. */
#define FDT_PHANDLE_GIC 1
#define FDT_PHANDLE_ITS 2

/*
 * Build the device tree into @buf (at most @size bytes) and pack it.
 * Returns 0 or a negative libfdt error (-FDT_ERR_NOSPACE: @size too small).
 */
int fdt_build(const struct platform *plat, void *buf, size_t size);

#endif
