// SPDX-License-Identifier: GPL-2.0
/* Warnings a guest can trigger at will stay a trickle on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "tests/unit/helpers.h"

/* Run @fn with stderr in a file; return what it printed (to free). */
static char *capture(void (*fn)(struct log_ratelimit *), struct log_ratelimit *rl)
{
	FILE *tmp = tmpfile();
	int saved = dup(2);
	char *text = calloc(1, 65536);

	fflush(stderr);
	dup2(fileno(tmp), 2);
	fn(rl);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(tmp);
	assert_true(fread(text, 1, 65535, tmp) < 65535);
	fclose(tmp);
	return text;
}

static unsigned int lines(const char *text)
{
	unsigned int n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

static void hundred_warnings(struct log_ratelimit *rl)
{
	for (int i = 0; i < 100; i++)
		pr_warn_ratelimited(rl, "virtio-blk0: broken ring %d; the device needs a reset", i);
}

static void one_warning(struct log_ratelimit *rl)
{
	pr_warn_ratelimited(rl, "virtio-blk0: broken again");
}

static void test_burst_then_held_back(void **state)
{
	struct log_ratelimit rl = { 0 };
	char *text;

	(void)state;
	text = capture(hundred_warnings, &rl);
	assert_int_equal(lines(text), LOG_BURST);
	assert_non_null(strstr(text, "lkvm: warning: virtio-blk0: broken ring 0; the device needs a reset\n"));
	assert_non_null(strstr(text, "broken ring 9;"));
	assert_null(strstr(text, "broken ring 10;"));
	free(text);

	/* A period later: the count of what was held back, then the line. */
	rl.start_ns -= LOG_PERIOD_S * 1000000000ull;
	text = capture(one_warning, &rl);
	assert_string_equal(text, "lkvm: warning: 90 similar warnings held back\n"
				  "lkvm: warning: virtio-blk0: broken again\n");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_then_held_back),
	};

	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
