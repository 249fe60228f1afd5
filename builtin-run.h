/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_BUILTIN_RUN_H
#define LKVM_BUILTIN_RUN_H

int cmd_run(int argc, char *argv[]);

#endif
