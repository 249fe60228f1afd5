// SPDX-License-Identifier: GPL-2.0
/*
 * write_file(), behind --dump-dtb and --dump-acpi: the path is replaced by
 * a new file, so a symlink planted there (by another user, in /tmp) is
 * neither followed nor its target truncated.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/fileio.h"
#include "tests/unit/helpers.h"

struct fixture {
	char dir[64];
	char path[PATH_MAX], victim[PATH_MAX];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	strcpy(f->dir, "/tmp/lkvm-test-fileio-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/guest.dtb", f->dir);
	snprintf(f->victim, sizeof(f->victim), "%s/victim", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void put(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void assert_content(const char *path, const char *text)
{
	char buf[64] = "";
	FILE *fp = fopen(path, "r");

	assert_non_null(fp);
	assert_int_equal(fread(buf, 1, sizeof(buf) - 1, fp), strlen(text));
	fclose(fp);
	assert_string_equal(buf, text);
}

/* Only the file itself is left in the directory: no temporary stays. */
static void assert_entries(struct fixture *f, int n)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "test $(ls -A %s | wc -l) = %d", f->dir, n);
	assert_int_equal(system(cmd), 0);
}

static void test_new_and_replaced_file(void **state)
{
	struct fixture *f = *state;
	const char *failed;
	struct stat st;

	assert_int_equal(write_file(f->path, "first", 5, &failed), 0);
	assert_content(f->path, "first");
	assert_int_equal(stat(f->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0644);
	assert_int_equal(write_file(f->path, "2nd", 3, &failed), 0);
	assert_content(f->path, "2nd");
	assert_entries(f, 1);
}

static void test_symlink_is_replaced_not_followed(void **state)
{
	struct fixture *f = *state;
	const char *failed;
	struct stat st;

	put(f->victim, "precious");
	assert_int_equal(symlink(f->victim, f->path), 0);
	assert_int_equal(write_file(f->path, "dtb", 3, &failed), 0);
	assert_content(f->victim, "precious");
	assert_int_equal(lstat(f->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_content(f->path, "dtb");
	assert_entries(f, 2);
}

static void test_directory_is_refused(void **state)
{
	struct fixture *f = *state;
	const char *failed;

	assert_int_equal(mkdir(f->path, 0755), 0);
	assert_int_equal(write_file(f->path, "dtb", 3, &failed), -EISDIR);
	assert_string_equal(failed, "replace");
	assert_entries(f, 1);
	snprintf(f->path, sizeof(f->path), "%s/no/such/dir/file", f->dir);
	assert_int_equal(write_file(f->path, "dtb", 3, &failed), -ENOENT);
	assert_string_equal(failed, "create");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_new_and_replaced_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symlink_is_replaced_not_followed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_directory_is_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("fileio", tests, NULL, NULL);
}
