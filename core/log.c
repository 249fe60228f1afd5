// SPDX-License-Identifier: GPL-2.0
#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "core/log.h"

/*
 * The one piece of process-wide state: like stderr itself, the verbosity
 * belongs to the process, not to a VM.
 */
static enum log_level current_level = LOG_INFO;

void log_set_level(enum log_level level)
{
	current_level = level;
}

enum log_level log_get_level(void)
{
	return current_level;
}

static void log_print(enum log_level level, const char *prefix,
		      const char *fmt, va_list ap)
{
	char line[1024];

	if (level > current_level)
		return;
	vsnprintf(line, sizeof(line), fmt, ap);
	/* One write per line, so lines of concurrent threads do not interleave. */
	fprintf(stderr, "lkvm: %s%s\n", prefix, line);
}

#define DEFINE_LOGGER(name, level, prefix)		\
void name(const char *fmt, ...)				\
{							\
	va_list ap;					\
							\
	va_start(ap, fmt);				\
	log_print(level, prefix, fmt, ap);		\
	va_end(ap);					\
}

DEFINE_LOGGER(pr_err, LOG_ERROR, "")
DEFINE_LOGGER(pr_warn, LOG_WARNING, "warning: ")
DEFINE_LOGGER(pr_info, LOG_INFO, "")
DEFINE_LOGGER(pr_debug, LOG_DEBUG, "debug: ")

/* Call sites are hit from any vCPU thread; the state is the log's. */
static pthread_mutex_t ratelimit_lock = PTHREAD_MUTEX_INITIALIZER;

void pr_warn_ratelimited(struct log_ratelimit *rl, const char *fmt, ...)
{
	struct timespec ts;
	unsigned int held = 0;
	uint64_t now;
	bool print;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	pthread_mutex_lock(&ratelimit_lock);
	if (!rl->start_ns || now - rl->start_ns >= LOG_PERIOD_S * 1000000000ull) {
		rl->start_ns = now;
		rl->printed = 0;
	}
	print = rl->printed < LOG_BURST;
	if (print) {
		rl->printed++;
		held = rl->suppressed;
		rl->suppressed = 0;
	} else {
		rl->suppressed++;
	}
	pthread_mutex_unlock(&ratelimit_lock);
	if (!print)
		return;
	if (held)
		pr_warn("%u similar warnings held back", held);
	va_start(ap, fmt);
	log_print(LOG_WARNING, "warning: ", fmt, ap);
	va_end(ap);
}
