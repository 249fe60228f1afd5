/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LKVM_CORE_LOG_H
#define LKVM_CORE_LOG_H

#include <stdint.h>

enum log_level {
	LOG_ERROR,
	LOG_WARNING,
	LOG_INFO,
	LOG_DEBUG,
};

void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* "lkvm: <message>" on stderr, whatever the level. */
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * A warning the guest can trigger over and over (a device it breaks and
 * resets, a register it rewrites) must not flood the log: each such call
 * site owns one of these, zeroed, and gets LOG_BURST lines in any
 * LOG_PERIOD_S seconds; the next line after a quiet spell says how many
 * were held back.
 */
#define LOG_BURST	10
#define LOG_PERIOD_S	5

struct log_ratelimit {
	uint64_t start_ns;		/* this period's start */
	unsigned int printed;		/* lines in this period */
	unsigned int suppressed;	/* lines held back since the last printed */
};

void pr_warn_ratelimited(struct log_ratelimit *rl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
