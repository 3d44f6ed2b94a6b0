// SPDX-License-Identifier: MIT
/*
 * devices/nvme.yaml's plugin starting against a fake kernel: parameters
 * the controller cannot use are refused at their FILE:LINE:COL with what
 * was expected, and a start that fails leaves no backing file behind.
 * Good ones make sparse backing files where they should.  (The commands
 * themselves are tried by Debian's nvme driver, in tests/nvme/.)
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder.h"
#include "dispatch.h"
#include "plugin_load.h"
#include "test_builder_fake.h"

static struct fake_log logs;
static char tmp[64];		/* a fresh directory per test */
static char yaml[128];
static unsigned int params_line;	/* "params:" in the written description */

static struct desc_device *desc;
static struct pd_plugin *plugin;
static struct fake_backend *fake;
static struct pciem_device *dev;

static void setup(void)
{
	fake_log_init(&logs);
	strcpy(tmp, "/tmp/pciem-nvme-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	snprintf(yaml, sizeof(yaml), "%s/nvme.yaml", tmp);
	desc = NULL;
	plugin = NULL;
	fake = NULL;
	dev = NULL;
}

static void teardown(void)
{
	char cmd[128];

	if (dev)
		pd_device_free(dev);
	if (plugin)
		pd_plugin_unload(plugin);
	desc_free(desc);
	free(fake);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	ck_assert_int_eq(system(cmd), 0);
	unsetenv("STATE_DIRECTORY");
}

/*
 * Writes the shipped description with its parameters replaced by
 * PARAMS (one "key: value" per line, "@" standing for the test's
 * directory), and remembers where they start.
 */
static void write_yaml(const char *params)
{
	FILE *in = fopen(PD_TOP "/devices/nvme.yaml", "r");
	FILE *out = fopen(yaml, "w");
	unsigned int line = 0;
	char buf[512];

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	while (fgets(buf, sizeof(buf), in)) {
		line++;
		fputs(buf, out);
		if (!strcmp(buf, "params:\n"))
			break;
	}
	params_line = line;
	for (const char *p = params; *p; p++) {
		if (*p == '@')
			fputs(tmp, out);
		else
			fputc(*p, out);
	}
	fclose(in);
	fclose(out);
}

/* Starts the plugin on the description as pciemd does; init's result. */
static int start(const char *params)
{
	struct desc_error err;
	char line[1024];

	write_yaml(params);
	desc = desc_load(yaml, &err);
	ck_assert_msg(desc != NULL, "%s", desc_error_format(&err, line, sizeof(line)));
	dev = pd_device_new(desc, &logs.log);
	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_int_eq(pd_plugin_load(desc, PD_PLUGINS, &logs.log, &plugin), 0);
	ck_assert_int_eq(pd_plugin_bind(plugin, dev), 0);
	fake = fake_new();
	ck_assert_int_eq(pd_build(dev, &fake->base), 0);
	return plugin->info->init(dev);
}

static bool exists(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	return access(path, F_OK) == 0;
}

/*
 * One refused description: its parameters, and the error on parameter
 * line LINE (1 for the first) at column COL; "@" in MSG is the directory.
 */
static const struct {
	const char *params;
	unsigned int line, col;
	const char *msg;
	const char *absent;	/* a file the failed start must not leave */
} refused[] = {
	{ "  ns1_file: @/a.img\n  ns1_size: 1000\n", 2, 13,
	  "parameter ns1_size: size 1000 is not a multiple of the block size 512; expected whole blocks",
	  "a.img" },
	{ "  ns1_file: @/a.img\n  ns1_size: 6K\n  ns1_block_size: 4096\n", 2, 13,
	  "parameter ns1_size: size 6144 is not a multiple of the block size 4096; expected whole blocks",
	  "a.img" },
	{ "  ns1_file: @/a.img\n  ns1_size: 1M\n  ns1_block_size: 1024\n", 3, 19,
	  "parameter ns1_block_size: 1024; expected 512 or 4096", "a.img" },
	{ "  ns1_file: @\n  ns1_size: 1M\n", 1, 13,
	  "parameter ns1_file: cannot open '@': Is a directory; expected a file pciemd may read and write (or create)",
	  NULL },
	{ "  ns1_file: @/none/a.img\n  ns1_size: 1M\n", 1, 13,
	  "parameter ns1_file: cannot open '@/none/a.img': No such file or directory; expected a file pciemd may read and write (or create)",
	  NULL },
	{ "  ns1_file: @/a.img\n", 1, 13,
	  "parameter ns1_file: '@/a.img' does not exist and ns1_size is not given; expected an existing file, or a size for a new one",
	  "a.img" },
	{ "  ns1_file: /dev/null\n", 1, 13,
	  "parameter ns1_file: '/dev/null' is not a regular file; expected a file", NULL },
	{ "  ns1_file: @/a.img\n  ns1_size: 1M\n  ns17_file: @/b.img\n", 3, 14,
	  "parameter ns17_file: namespace 17; expected at most 16 namespaces", "a.img" },
	{ "  ns1_file: @/a.img\n  ns1_size: 1M\n  ns3_size: 1M\n", 3, 13,
	  "parameter ns3_size: namespace 3, but namespace 2 has no ns2_file; expected namespaces numbered from 1 without a gap",
	  "a.img" },
	/* The second namespace fails: the first one's new file goes too. */
	{ "  ns1_file: @/a.img\n  ns1_size: 1M\n  ns2_file: @/b.img\n  ns2_size: 513\n", 4, 13,
	  "parameter ns2_size: size 513 is not a multiple of the block size 512; expected whole blocks",
	  "a.img" },
	{ "  io_queues: 17\n  ns1_file: @/a.img\n  ns1_size: 1M\n", 1, 14,
	  "parameter io_queues: 17 I/O queues; expected 1 to 16 (one doorbell pair each in SQTDBL/CQHDBL, after the admin queue's)",
	  "a.img" },
	{ "  io_queues: 0\n  ns1_file: @/a.img\n  ns1_size: 1M\n", 1, 14,
	  "parameter io_queues: 0 I/O queues; expected 1 to 16 (one doorbell pair each in SQTDBL/CQHDBL, after the admin queue's)",
	  "a.img" },
	{ "  queue_entries: 1\n  ns1_file: @/a.img\n  ns1_size: 1M\n", 1, 18,
	  "parameter queue_entries: 1 entries; expected 2 to 65536", "a.img" },
	{ "  queue_entries: 64K_1\n  ns1_file: @/a.img\n  ns1_size: 1M\n", 1, 18,
	  "parameter queue_entries: '64K_1' has an unknown unit; expected an unsigned 64-bit integer: decimal, 0x hexadecimal or 0b binary, '_' between digits, and an optional unit K, M, G, KiB, MiB or GiB (1K = 1024), as in the description's numbers",
	  "a.img" },
	{ "  ns1_file: @/a.img\n  ns1_size: 1M\n  seral: X\n", 3, 10,
	  "parameter seral: unknown parameter; expected serial, model, firmware, queue_entries, io_queues, write_cache, or nsN_file, nsN_size, nsN_block_size for namespace N",
	  "a.img" },
	{ "  serial: ABCDEFGHIJKLMNOPQRSTU\n  ns1_file: @/a.img\n  ns1_size: 1M\n", 1, 11,
	  "parameter serial: 'ABCDEFGHIJKLMNOPQRSTU' is 21 characters; expected 1 to 20",
	  "a.img" },
	{ "  write_cache: maybe\n  ns1_file: @/a.img\n  ns1_size: 1M\n", 1, 16,
	  "parameter write_cache: 'maybe' is not a boolean; expected true or false, as the description's booleans",
	  "a.img" },
};

START_TEST(bad_parameters_are_refused_where_they_are)
{
	char expected[1024], msg[512];
	const char *m;
	size_t o = 0;

	for (m = refused[_i].msg; *m && o + sizeof(tmp) < sizeof(msg); m++) {
		if (*m == '@')
			o += (size_t)snprintf(msg + o, sizeof(msg) - o, "%s", tmp);
		else
			msg[o++] = *m;
	}
	msg[o] = '\0';
	ck_assert_int_eq(start(refused[_i].params), -EINVAL);
	snprintf(expected, sizeof(expected), "<3>%s:%u:%u: error: %s", yaml,
		 params_line + refused[_i].line, refused[_i].col, msg);
	ck_assert_uint_ge(logs.n, 1);
	ck_assert_str_eq(logs.lines[logs.n - 1], expected);
	ck_assert_ptr_null(pciem_get_private(dev));
	if (refused[_i].absent)
		ck_assert_msg(!exists(refused[_i].absent), "%s was left behind",
			      refused[_i].absent);
}
END_TEST

START_TEST(no_namespace_is_refused)
{
	ck_assert_int_eq(start("  serial: X\n"), -EINVAL);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>nvme: no namespace; expected params ns1_file (and ns1_size for a new file)");
}
END_TEST

/* An existing file of another size is the user's data: refused, kept. */
START_TEST(an_existing_file_of_another_size_is_kept)
{
	char path[128], expected[512];
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/a.img", tmp);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fputs("data", f), 1);
	fclose(f);
	ck_assert_int_eq(start("  ns1_file: @/a.img\n  ns1_size: 1M\n"), -EINVAL);
	snprintf(expected, sizeof(expected),
		 "<3>%s:%u:13: error: parameter ns1_size: '%s' holds 4 bytes, not 1048576; expected its size (or no ns1_size)",
		 yaml, params_line + 2, path);
	ck_assert_str_eq(logs.lines[logs.n - 1], expected);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 4);

	/* Without a size its own is taken, and must be whole blocks. */
	pd_device_free(dev);
	pd_plugin_unload(plugin);
	desc_free(desc);
	free(fake);
	dev = NULL;
	plugin = NULL;
	logs.n = 0;
	ck_assert_int_eq(start("  ns1_file: @/a.img\n"), -EINVAL);
	snprintf(expected, sizeof(expected),
		 "<3>%s:%u:13: error: parameter ns1_file: '%s' holds 4 bytes, not a multiple of the block size 512; expected whole blocks",
		 yaml, params_line + 1, path);
	ck_assert_str_eq(logs.lines[logs.n - 1], expected);
	ck_assert(exists("a.img"));
}
END_TEST

/*
 * Good parameters: a relative path is in $STATE_DIRECTORY (its first
 * entry), new files are sparse and of the size asked, an existing one
 * gives its size, and CAP.MQES says queue_entries.
 */
START_TEST(backing_files_are_made_sparse_in_the_state_directory)
{
	char state[128], path[192];
	struct stat st;
	uint64_t cap;

	snprintf(state, sizeof(state), "%s/state:/nonexistent", tmp);
	ck_assert_int_eq(setenv("STATE_DIRECTORY", state, 1), 0);
	snprintf(path, sizeof(path), "%s/state", tmp);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/b.img", tmp);
	ck_assert_int_eq(truncate(path, 0) == 0 || errno == ENOENT, 1);
	{
		FILE *f = fopen(path, "w");

		ck_assert_ptr_nonnull(f);
		fclose(f);
		ck_assert_int_eq(truncate(path, 8192), 0);
	}

	ck_assert_int_eq(start("  queue_entries: 64\n  io_queues: 3\n"
			       "  ns1_file: ns1.img\n  ns1_size: 1G\n"
			       "  ns2_file: @/b.img\n  ns2_block_size: 4096\n"), 0);
	dev->plugin_started = true;
	snprintf(path, sizeof(path), "%s/state/ns1.img", tmp);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 1 << 30);
	ck_assert_int_lt(st.st_blocks, 64);
	ck_assert_int_eq(pciem_reg_read(dev, "CAP", &cap), 0);
	ck_assert_uint_eq(cap & 0xffff, 63);
	ck_assert_str_eq(logs.lines[logs.n - 1],
			 "<6>nvme: NVMe controller 10000:00:00.0: 2 namespaces, 3 I/O queues of up to 64 entries");

	/* Stopping keeps them. */
	plugin->info->fini(dev);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert(exists("b.img"));
}
END_TEST

static Suite *plugin_nvme_suite(void)
{
	Suite *s = suite_create("plugin_nvme");
	TCase *tc = tcase_create("params");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, bad_parameters_are_refused_where_they_are, 0,
			    sizeof(refused) / sizeof(refused[0]));
	tcase_add_test(tc, no_namespace_is_refused);
	tcase_add_test(tc, an_existing_file_of_another_size_is_kept);
	tcase_add_test(tc, backing_files_are_made_sparse_in_the_state_directory);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(plugin_nvme_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
