// SPDX-License-Identifier: MIT
/*
 * Invalid descriptions: every file of tests/unit/desc_cases/ must be
 * refused with exactly the message and position its first line gives:
 *   # expect: LINE:COL: error: MESSAGE
 * One Check test per file.  Each is loaded from disk (desc_load) and from
 * memory (desc_load_text), which must agree.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc.h"

#define CASES_DIR DESC_SRCDIR "/tests/unit/desc_cases"
#define EXPECT_PREFIX "# expect: "
/* The requirement this suite exists for: no fewer invalid descriptions. */
#define MIN_CASES 40

static int is_case(const struct dirent *d)
{
	size_t len = strlen(d->d_name);

	return len > 5 && !strcmp(d->d_name + len - 5, ".yaml");
}

/* The i-th case file (sorted), malloc'ed path; NULL if there is none. */
static char *case_path(int i)
{
	struct dirent **list;
	char *path = NULL;
	int n = scandir(CASES_DIR, &list, is_case, alphasort);

	for (int j = 0; j < n; j++) {
		if (j == i && asprintf(&path, "%s/%s", CASES_DIR, list[j]->d_name) < 0)
			path = NULL;
		free(list[j]);
	}
	if (n >= 0)
		free(list);
	return path;
}

static int count_cases(void)
{
	struct dirent **list;
	int n = scandir(CASES_DIR, &list, is_case, alphasort);

	for (int j = 0; j < n; j++)
		free(list[j]);
	if (n >= 0)
		free(list);
	return n;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	ck_assert_msg(f, "cannot open %s", path);
	buf = malloc(65536);
	ck_assert_ptr_nonnull(buf);
	*len = fread(buf, 1, 65535, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_case)
{
	char *path = case_path(_i), *text, *nl, *expected, got[1024];
	struct desc_device *dev;
	struct desc_error err;
	size_t len;

	ck_assert_ptr_nonnull(path);
	text = read_file(path, &len);
	ck_assert_msg(!strncmp(text, EXPECT_PREFIX, strlen(EXPECT_PREFIX)),
		      "%s: first line is not '" EXPECT_PREFIX "...'", path);
	nl = strchr(text, '\n');
	ck_assert_ptr_nonnull(nl);
	*nl = '\0';
	ck_assert_int_ge(asprintf(&expected, "%s:%s", path,
				  text + strlen(EXPECT_PREFIX)), 0);
	*nl = '\n';

	dev = desc_load(path, &err);
	if (dev)
		desc_free(dev);
	ck_assert_msg(!dev, "%s: loaded, expected: %s", path, expected);
	ck_assert_str_eq(desc_error_format(&err, got, sizeof(got)), expected);

	dev = desc_load_text(path, text, len, &err);
	if (dev)
		desc_free(dev);
	ck_assert_msg(!dev, "%s: loaded from memory", path);
	ck_assert_str_eq(desc_error_format(&err, got, sizeof(got)), expected);

	free(expected);
	free(text);
	free(path);
}
END_TEST

START_TEST(test_enough_cases)
{
	ck_assert_int_ge(count_cases(), MIN_CASES);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("desc_errors");
	TCase *tc = tcase_create("invalid descriptions");
	int n = count_cases();
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_enough_cases);
	if (n > 0)
		tcase_add_loop_test(tc, test_case, 0, n);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
