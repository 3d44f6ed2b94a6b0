// SPDX-License-Identifier: MIT
/*
 * The daemon's logic that needs no kernel: the command line, --check on
 * good and bad descriptions (exit status and the one line it prints),
 * where log lines go, and the systemd unit as systemd itself reads it.
 */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "daemon.h"
#include "test_builder_fake.h"

/* The command line -------------------------------------------------------- */

static const struct {
	const char *argv[6];
	int status;
	const char *config, *check, *plugin_dir, *error;
	bool verbose;
} cli_cases[] = {
	{ { "counter" }, 0, "/etc/pciem.d/counter.yaml", NULL, NULL, "", false },
	{ { "-v", "counter", "--plugin-dir", "/x:/y" }, 0, "/etc/pciem.d/counter.yaml",
	  NULL, "/x:/y", "", true },
	{ { "--config", "dev.yaml" }, 0, "dev.yaml", NULL, NULL, "", false },
	{ { "--config=dev.yaml", "--verbose" }, 0, "dev.yaml", NULL, NULL, "", true },
	{ { "-c", "dev.yaml", "--plugin-dir=/p" }, 0, "dev.yaml", NULL, "/p", "", false },
	{ { "--check", "dev.yaml" }, 0, NULL, "dev.yaml", NULL, "", false },
	{ { "--", "-odd" }, 0, "/etc/pciem.d/-odd.yaml", NULL, NULL, "", false },
	{ { NULL }, PD_EXIT_USAGE, NULL, NULL, NULL,
	  "no device given: pciemd NAME, --config FILE or --check FILE", false },
	{ { "a", "b" }, PD_EXIT_USAGE, NULL, NULL, NULL,
	  "one device at a time: 'a' and 'b'", false },
	{ { "a", "--config", "x.yaml" }, PD_EXIT_USAGE, NULL, NULL, NULL,
	  "give one of NAME, --config FILE and --check FILE", false },
	{ { "--check", "x", "--config", "y" }, PD_EXIT_USAGE, NULL, NULL, NULL,
	  "give one of NAME, --config FILE and --check FILE", false },
	{ { "--config" }, PD_EXIT_USAGE, NULL, NULL, NULL, "--config needs a value", false },
	{ { "--config=" }, PD_EXIT_USAGE, NULL, NULL, NULL, "--config needs a value", false },
	{ { "-c", "a", "-c", "b" }, PD_EXIT_USAGE, NULL, NULL, NULL, "-c given twice", false },
	{ { "--frobnicate" }, PD_EXIT_USAGE, NULL, NULL, NULL,
	  "unknown option '--frobnicate' (see pciemd --help)", false },
	{ { "../etc/x" }, PD_EXIT_USAGE, NULL, NULL, NULL,
	  "'../etc/x' is not a device name (for a file, use --config FILE)", false },
	{ { ".." }, PD_EXIT_USAGE, NULL, NULL, NULL,
	  "'..' is not a device name (for a file, use --config FILE)", false },
};

static void assert_str_or_null(const char *got, const char *want)
{
	if (!want)
		ck_assert_ptr_null(got);
	else
		ck_assert_str_eq(got, want);
}

START_TEST(command_line)
{
	char *argv[8] = { "pciemd" };
	struct pd_options opt;
	char err[256];
	int argc = 1;

	for (int i = 0; i < 6 && cli_cases[_i].argv[i]; i++)
		argv[argc++] = (char *)cli_cases[_i].argv[i];
	ck_assert_int_eq(pd_parse_args(argc, argv, &opt, err, sizeof(err)),
			 cli_cases[_i].status);
	ck_assert_str_eq(err, cli_cases[_i].error);
	if (cli_cases[_i].status)
		return;
	assert_str_or_null(opt.config, cli_cases[_i].config);
	assert_str_or_null(opt.check, cli_cases[_i].check);
	assert_str_or_null(opt.plugin_dir, cli_cases[_i].plugin_dir);
	ck_assert_int_eq(opt.verbose, cli_cases[_i].verbose);
}
END_TEST

START_TEST(help_and_version)
{
	char *help[] = { "pciemd", "counter", "--help" };
	char *version[] = { "pciemd", "--version" };
	struct pd_options opt;
	char err[256];

	ck_assert_int_eq(pd_parse_args(3, help, &opt, err, sizeof(err)), 0);
	ck_assert(opt.help);
	ck_assert_int_eq(pd_parse_args(2, version, &opt, err, sizeof(err)), 0);
	ck_assert(opt.version);
	ck_assert_ptr_nonnull(strstr(pd_usage, "/nonexistent/pciem/handlers"));
}
END_TEST

/* --check ------------------------------------------------------------------ */

static int sh(const char *fmt, const char *a, const char *b)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd), fmt, a, b);
	return system(cmd);
}

static struct fake_log logs;
static char dir[] = "/tmp/pd-daemon-XXXXXX";

static const char *write_file(const char *name, const char *text)
{
	static char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* Run pd_check with stdout captured into out. */
static int check_file(const char *path, const char *plugin_dir, char *out, size_t size)
{
	struct pd_options opt = { .check = path, .plugin_dir = plugin_dir };
	char cap[128];
	int fd, saved, ret;
	ssize_t n;

	snprintf(cap, sizeof(cap), "%s/stdout", dir);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(cap, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	ret = pd_check(&opt, &logs.log);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	fd = open(cap, O_RDONLY);
	n = read(fd, out, size - 1);
	close(fd);
	out[n > 0 ? n : 0] = '\0';
	return ret;
}

static void check_setup(void)
{
	fake_log_init(&logs);
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void check_teardown(void)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	strcpy(dir, "/tmp/pd-daemon-XXXXXX");
}

START_TEST(check_counter)
{
	char out[512];

	ck_assert_int_eq(check_file(PD_TOP "/devices/counter.yaml", PD_PLUGINS, out,
				    sizeof(out)), PD_EXIT_OK);
	ck_assert_str_eq(out, PD_TOP "/devices/counter.yaml: valid: 3 registers, 1 interrupt, plugin "
			 PD_PLUGINS "/counter.so (1 handler)\n");
	ck_assert_uint_eq(logs.n, 0);
}
END_TEST

static const char good_head[] =
	"name: t\n"
	"identity: { vendor: 0x1234, device: 0x5679, class: 0xff0000 }\n"
	"bars:\n"
	"  - { index: 0, size: 4K }\n";

/* A plugin that cannot be found fails the check: its handlers are unchecked. */
START_TEST(check_without_plugin_found)
{
	char out[512];

	ck_assert_int_eq(check_file(PD_TOP "/devices/counter.yaml", "/nonexistent", out,
				    sizeof(out)), PD_EXIT_CONFIG);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0], "<3>" PD_TOP "/devices/counter.yaml:44:9: error: plugin 'counter' not found; tried /nonexistent/counter.so (install it there, or name its directory with --plugin-dir or PCIEM_PLUGIN_DIR)");
}
END_TEST

/* --check reads the plugin's file; none of its code runs. */
START_TEST(check_runs_no_plugin_code)
{
	char text[512], out[512], mark[128];
	const char *path;

	snprintf(text, sizeof(text), "%sregisters:\n"
		 "  - { name: A, offset: 0, read: good_read }\n"
		 "plugin: good\n", good_head);
	path = write_file("t.yaml", text);
	snprintf(mark, sizeof(mark), "%s/loaded", dir);
	setenv("PD_TEST_LOADED", mark, 1);
	ck_assert_int_eq(check_file(path, PD_TEST_PLUGINS, out, sizeof(out)), PD_EXIT_OK);
	unsetenv("PD_TEST_LOADED");
	ck_assert_ptr_nonnull(strstr(out, "plugin " PD_TEST_PLUGINS "/good.so (1 handler)"));
	ck_assert_int_eq(access(mark, F_OK), -1);
}
END_TEST

/*
 * Every yaml block of the docs that names a plugin this project ships
 * passes --check against it, handlers and all; one naming any other
 * plugin names one that does not ship (so it fails, not found).
 */
START_TEST(docs_yaml_plugins)
{
	static const char *const docs[] = { "device-yaml.md", "pciemd.md" };
	char out[512], name[64], shipped[256];
	unsigned int named = 0;

	for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
		char path[256], *text = NULL, *p;
		size_t len = 0, block = 0;
		FILE *f;

		snprintf(path, sizeof(path), PD_TOP "/docs/%s", docs[d]);
		f = fopen(path, "r");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_ne(getdelim(&text, &len, '\0', f), -1);
		fclose(f);
		for (p = text; (p = strstr(p, "```yaml\n")); block++) {
			char *start = p + 8, *end = strstr(start, "\n```"), *plugin;
			const char *file;
			int ret;

			ck_assert_ptr_nonnull(end);
			end[1] = '\0';
			p = end + 2;
			plugin = strstr(start, "\nplugin: ");
			if (!plugin)
				continue;
			ck_assert_int_eq(sscanf(plugin, "\nplugin: %63[A-Za-z0-9._+-]", name), 1);
			snprintf(path, sizeof(path), "%s-%zu.yaml", docs[d], block);
			file = write_file(path, start);
			snprintf(shipped, sizeof(shipped), PD_TOP "/devices/%s.c", name);
			logs.n = 0;
			ret = check_file(file, PD_PLUGINS, out, sizeof(out));
			if (access(shipped, F_OK) == 0) {
				ck_assert_msg(ret == PD_EXIT_OK, "%s block %zu: %s", docs[d], block,
					      logs.n ? logs.lines[0] : "");
			} else {
				ck_assert_int_eq(ret, PD_EXIT_CONFIG);
				ck_assert_msg(strstr(logs.lines[0], "not found"), "%s", logs.lines[0]);
			}
			named++;
		}
		free(text);
	}
	ck_assert_uint_ge(named, 1);
}
END_TEST

START_TEST(check_missing_handler)
{
	char text[512], out[512], want[512];
	const char *path;

	snprintf(text, sizeof(text), "%sregisters:\n"
		 "  - { name: A, offset: 0, read: good_read }\n"
		 "  - { name: B, offset: 4, write: not_there }\n"
		 "plugin: good\n", good_head);
	path = write_file("t.yaml", text);
	ck_assert_int_eq(check_file(path, PD_TEST_PLUGINS, out, sizeof(out)), PD_EXIT_CONFIG);
	ck_assert_str_eq(out, "");
	ck_assert_uint_eq(logs.n, 1);
	snprintf(want, sizeof(want), "<3>%s:7:34: error: handler 'not_there' (write handler of register B) is not in plugin " PD_TEST_PLUGINS "/good.so: export a function of that name from it", path);
	ck_assert_str_eq(logs.lines[0], want);
}
END_TEST

/* A register array's handler is checked once and bound to every element. */
START_TEST(check_register_array)
{
	char text[512], out[512], want[512];
	const char *path;

	snprintf(text, sizeof(text), "%sregisters:\n"
		 "  - { name: TAIL, offset: 0x100, count: 64, stride: 8, write: good_write }\n"
		 "  - { name: HEAD, offset: 0x0, count: 4, read: good_read }\n"
		 "plugin: good\n", good_head);
	path = write_file("t.yaml", text);
	ck_assert_int_eq(check_file(path, PD_TEST_PLUGINS, out, sizeof(out)), PD_EXIT_OK);
	snprintf(want, sizeof(want), "%s: valid: 68 registers, 0 interrupts, plugin " PD_TEST_PLUGINS "/good.so (68 handlers)\n", path);
	ck_assert_str_eq(out, want);

	/* The wrong kind, refused at the array's entry. */
	snprintf(text, sizeof(text), "%sregisters:\n"
		 "  - { name: TAIL, offset: 0x100, count: 64, stride: 8, write: good_read }\n"
		 "plugin: good\n", good_head);
	path = write_file("t.yaml", text);
	ck_assert_int_eq(check_file(path, PD_TEST_PLUGINS, out, sizeof(out)), PD_EXIT_CONFIG);
	ck_assert_uint_eq(logs.n, 1);
	snprintf(want, sizeof(want), "<3>%s:6:63: error: handler 'good_read' of plugin " PD_TEST_PLUGINS "/good.so is a read handler, but register TAIL[0] names it as its write handler: name it with `read:`, or name a function defined with PCIEM_WRITE_HANDLER(NAME)", path);
	ck_assert_str_eq(logs.lines[0], want);
}
END_TEST

START_TEST(check_plan_refused)
{
	char text[512], out[512], want[512];
	const char *path;

	snprintf(text, sizeof(text), "%sregisters:\n"
		 "  - { name: A, offset: 0, write: good_write, watch: true }\n"
		 "  - { name: B, offset: 4, access: rw1c }\n"
		 "plugin: good\n", good_head);
	path = write_file("t.yaml", text);
	ck_assert_int_eq(check_file(path, PD_TEST_PLUGINS, out, sizeof(out)), PD_EXIT_CONFIG);
	snprintf(want, sizeof(want), "<3>%s:6:5: error: register A: watch: true cannot see writes on page 0x0 of BAR 0, which the kernel traps for register B (its write-1-to-clear bits, line 7): drop watch: true, or move one of them to another page", path);
	ck_assert_str_eq(logs.lines[0], want);
}
END_TEST

START_TEST(check_invalid_yaml)
{
	char out[512], want[512];
	const char *path = write_file("t.yaml", "name: [unclosed\n");

	ck_assert_int_eq(check_file(path, NULL, out, sizeof(out)), PD_EXIT_CONFIG);
	ck_assert_uint_eq(logs.n, 1);
	snprintf(want, sizeof(want), "<3>%s:", path);
	ck_assert_msg(!strncmp(logs.lines[0], want, strlen(want)), "got %s", logs.lines[0]);
	ck_assert_ptr_nonnull(strstr(logs.lines[0], ": error: "));
}
END_TEST

/* docs/plugins.md's example builds as shown and passes --check. */
START_TEST(docs_example)
{
	char out[512], want[512];

	ck_assert_int_eq(sh("cd %s && awk '/^```c$/ { n++; if (n == 1) { f = 1; next } } /^```$/ { f = 0 } f' "
			    PD_TOP "/docs/plugins.md >doorbell.c && "
			    "awk '/^```yaml$/ { f = 1; next } /^```$/ { f = 0 } f' "
			    PD_TOP "/docs/plugins.md >doorbell.yaml%s", dir, ""), 0);
	ck_assert_int_eq(sh("cd %s && cc -std=c11 -pedantic-errors -Wall -Wextra -Werror "
			    "-I" PD_TOP "/include -fPIC -shared -fvisibility=hidden "
			    "-o doorbell.so doorbell.c%s", dir, ""), 0);
	snprintf(want, sizeof(want), "%s/doorbell.yaml", dir);
	ck_assert_int_eq(check_file(want, dir, out, sizeof(out)), PD_EXIT_OK);
	snprintf(want, sizeof(want),
		 "%s/doorbell.yaml: valid: 5 registers, 1 interrupt, plugin %s/doorbell.so (2 handlers)\n",
		 dir, dir);
	ck_assert_str_eq(out, want);
}
END_TEST

/* pd_run stops at the description, before any kernel is needed. */
START_TEST(run_missing_description)
{
	struct pd_options opt = { .config = "/nonexistent/dev.yaml" };

	ck_assert_int_eq(pd_run(&opt, &logs.log), PD_EXIT_CONFIG);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_ptr_nonnull(strstr(logs.lines[0], "/nonexistent/dev.yaml"));
	ck_assert_ptr_nonnull(strstr(logs.lines[0], "error"));
}
END_TEST

START_TEST(run_plugin_refused)
{
	char text[512];
	struct pd_options opt = { .plugin_dir = PD_TEST_PLUGINS };

	snprintf(text, sizeof(text), "%splugin: abi_mismatch\n", good_head);
	opt.config = write_file("t.yaml", text);
	ck_assert_int_eq(pd_run(&opt, &logs.log), PD_EXIT_CONFIG);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_ptr_nonnull(strstr(logs.lines[0], "was built for plugin API version 3, but this pciemd provides version 2"));
}
END_TEST

/* Logging ----------------------------------------------------------------- */

START_TEST(log_targets)
{
	struct pd_log log;
	struct stat st;
	char env[64], buf[256] = "";
	FILE *f = tmpfile();

	unsetenv("JOURNAL_STREAM");
	pd_log_init(&log, 6);
	ck_assert_int_eq(log.target, PD_LOG_STDERR);
	ck_assert_int_eq(fstat(STDERR_FILENO, &st), 0);
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	pd_log_init(&log, 6);
	ck_assert_int_eq(log.target, PD_LOG_JOURNAL);
	/* Inherited by a child whose stderr went elsewhere: not the journal. */
	setenv("JOURNAL_STREAM", "1:2", 1);
	pd_log_init(&log, 6);
	ck_assert_int_eq(log.target, PD_LOG_STDERR);
	unsetenv("JOURNAL_STREAM");

	log.stream = f;
	pd_log(&log, 3, "first %s", "line");
	pd_log(&log, 7, "too verbose");
	pd_log_at(&log, 4, "f.yaml", &(struct desc_pos){ 3, 7 }, "look %d", 1);
	pd_log_at(&log, 3, "f.yaml", NULL, "whole file");
	rewind(f);
	ck_assert_uint_eq(fread(buf, 1, sizeof(buf) - 1, f), 74);
	ck_assert_str_eq(buf, "<3>first line\n<4>f.yaml:3:7: warning: look 1\n<3>f.yaml: error: whole file\n");
	fclose(f);
}
END_TEST

/* The systemd unit -------------------------------------------------------- */

/* systemd-analyze verify: no complaint (it exits 0 even for some). */
START_TEST(unit_verifies)
{
	char self[256];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	/* Its ExecStart must exist: any executable stands in for pciemd. */
	ck_assert_int_eq(sh("sed 's|/usr/bin/pciemd|%s|' " PD_TOP "/systemd/pciemd@.service >%s/pciemd@.service",
			    self, dir), 0);
	ck_assert_int_eq(sh("cd %s && systemd-analyze verify %s/pciemd@counter.service >verify.log 2>&1",
			    dir, dir), 0);
	ck_assert_int_eq(sh("test ! -s %s/verify.log || { cat %s/verify.log; false; }", dir, dir), 0);
}
END_TEST

/* Hardened: systemd rates the unit's exposure 2.0 or less ("OK"). */
START_TEST(unit_is_hardened)
{
	ck_assert_int_eq(sh("cp " PD_TOP "/systemd/pciemd@.service %s/ && "
			    "systemd-analyze security --offline=yes --threshold=20 %s/pciemd@.service >/dev/null 2>&1",
			    dir, dir), 0);
}
END_TEST

START_TEST(unit_essentials)
{
	static const char *const lines[] = {
		"Type=notify", "ExecStart=/usr/bin/pciemd --config /etc/pciem.d/%i.yaml",
		"Wants=modprobe@pciem.service", "DeviceAllow=/dev/pciem rw",
		"CapabilityBoundingSet=CAP_SYS_ADMIN", "ProtectSystem=strict",
		"NoNewPrivileges=yes", "WatchdogSec=30", "Restart=on-failure",
		"RestartPreventExitStatus=2 5 6", "StateDirectory=pciem/%i",
	};

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_msg(sh("grep -qxF '%s' %s", lines[i],
				 PD_TOP "/systemd/pciemd@.service") == 0, "missing: %s", lines[i]);
}
END_TEST

static Suite *daemon_suite(void)
{
	Suite *s = suite_create("daemon");
	TCase *tc = tcase_create("cli");

	tcase_add_loop_test(tc, command_line, 0, (int)(sizeof(cli_cases) / sizeof(cli_cases[0])));
	tcase_add_test(tc, help_and_version);
	suite_add_tcase(s, tc);

	tc = tcase_create("check");
	tcase_add_checked_fixture(tc, check_setup, check_teardown);
	tcase_add_test(tc, check_counter);
	tcase_add_test(tc, check_without_plugin_found);
	tcase_add_test(tc, check_runs_no_plugin_code);
	tcase_add_test(tc, docs_yaml_plugins);
	tcase_add_test(tc, check_missing_handler);
	tcase_add_test(tc, check_plan_refused);
	tcase_add_test(tc, check_register_array);
	tcase_add_test(tc, check_invalid_yaml);
	tcase_add_test(tc, docs_example);
	tcase_add_test(tc, run_missing_description);
	tcase_add_test(tc, run_plugin_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("log");
	tcase_add_test(tc, log_targets);
	suite_add_tcase(s, tc);

	tc = tcase_create("systemd");
	tcase_add_checked_fixture(tc, check_setup, check_teardown);
	tcase_add_test(tc, unit_verifies);
	tcase_add_test(tc, unit_is_hardened);
	tcase_add_test(tc, unit_essentials);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(daemon_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
