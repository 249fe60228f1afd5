/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_CMDLINE_H
#define LKVM_CORE_CMDLINE_H

#include <stdbool.h>

#include "core/options.h"

/* Does command line @params set kernel parameter @name (a word "name=...")? */
bool cmdline_sets(const char *params, const char *name);

/*
 * The guest kernel's command line for @cfg (@console: "ttyS0", "ttyAMA0"
 * or "hvc0"), in *@out (malloc'ed; NULL when there is none). Returns 0 or
 * -ENOMEM. Pure.
 */
int cmdline_build(const struct vm_config *cfg, const char *console, char **out);

#endif
