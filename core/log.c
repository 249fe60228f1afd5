// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

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
