/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_BUILTIN_H
#define LKVM_BUILTIN_H

/* The commands: each takes the arguments after its name. */
int cmd_run(int argc, char *argv[]);
int cmd_sdei(int argc, char *argv[]);
int cmd_ras(int argc, char *argv[]);
int cmd_list(int argc, char *argv[]);
int cmd_stop(int argc, char *argv[]);
int cmd_pause(int argc, char *argv[]);
int cmd_stat(int argc, char *argv[]);
int cmd_balloon(int argc, char *argv[]);
int cmd_resume(int argc, char *argv[]);
int cmd_snapshot(int argc, char *argv[]);

#endif
