// SPDX-License-Identifier: MIT
/*
 * The plugin loader: where plugins are looked for, and each refusal with
 * its exact message at the YAML position that asked: a plugin not found
 * (every path tried), of another API version or descriptor size, without
 * a descriptor, not ELF, a handler symbol it does not define itself, and
 * one that is data, not declared as a handler, or of the other kind; a
 * C++ plugin served; and inspection (--check) running none of its code.
 */
#include <check.h>
#include <dlfcn.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "plugin_load.h"
#include "test_builder_fake.h"

#define DIR PD_TEST_PLUGINS

static struct fake_log logs;
static struct desc_device desc;
static struct desc_register regs[4];

/* Mirrors tests/unit/plugins/good.c. */
struct good_state {
	unsigned int inits, resets, reads, writes;
	unsigned int last_reason;
	uint64_t last_value;
	struct pciem_write last_write;
	const struct pciem_register *last_reg;
};

static void setup(void)
{
	fake_log_init(&logs);
	regs[0] = fake_reg("CONTROL", 8, 0x0, 4, DESC_ACCESS_RW);
	regs[0].write = fake_handler("good_write", 8, 12);
	regs[1] = fake_reg("ANSWER", 9, 0x4, 4, DESC_ACCESS_RW);
	regs[1].read = fake_handler("good_read", 9, 11);
	fake_desc(&desc, regs, 2);
	desc.plugin = "good";
	desc.plugin_pos = (struct desc_pos){ 20, 9 };
}

static int load(const char *dirs, struct pd_plugin **p)
{
	return pd_plugin_load(&desc, dirs, &logs.log, p);
}

START_TEST(found_in_a_later_directory)
{
	struct pd_plugin *p;

	ck_assert_int_eq(load("/nonexistent:" DIR, &p), 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->path, DIR "/good.so");
	ck_assert_uint_eq(p->info->api_version, PCIEM_PLUGIN_API_VERSION);
	ck_assert_str_eq(p->info->name, "good");
	ck_assert_uint_eq(logs.n, 0);
	pd_plugin_unload(p);

	desc.plugin = "good.so";	/* the file name itself also works */
	ck_assert_int_eq(load(DIR "/", &p), 0);
	ck_assert_str_eq(p->path, DIR "/good.so");
	pd_plugin_unload(p);
}
END_TEST

START_TEST(not_found)
{
	struct pd_plugin *p = (struct pd_plugin *)&p;

	desc.plugin = "absent";
	ck_assert_int_eq(load("/nonexistent::" DIR, &p), -1);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:20:9: error: plugin 'absent' not found; tried /nonexistent/absent.so, " DIR "/absent.so (install it there, or name its directory with --plugin-dir or PCIEM_PLUGIN_DIR)");
}
END_TEST

START_TEST(path_relative_to_description)
{
	struct pd_plugin *p;

	desc.file = DIR "/dev.yaml";
	desc.plugin = "./good.so";
	ck_assert_int_eq(load("/nonexistent", &p), 0);
	ck_assert_str_eq(p->path, DIR "/./good.so");
	pd_plugin_unload(p);

	desc.plugin = DIR "/good.so";
	desc.file = "elsewhere/dev.yaml";
	ck_assert_int_eq(load("/nonexistent", &p), 0);
	ck_assert_str_eq(p->path, DIR "/good.so");
	pd_plugin_unload(p);

	desc.plugin = "sub/absent.so";
	ck_assert_int_eq(load(DIR, &p), -1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>elsewhere/dev.yaml:20:9: error: plugin 'sub/absent.so' not found; tried elsewhere/sub/absent.so (a relative path is taken from the description's directory)");
}
END_TEST

START_TEST(api_version_mismatch)
{
	struct pd_plugin *p;

	desc.plugin = "abi_mismatch";
	ck_assert_int_eq(load(DIR, &p), -1);
	ck_assert_ptr_null(p);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:20:9: error: plugin " DIR "/abi_mismatch.so was built for plugin API version 3, but this pciemd provides version 2: rebuild it against this pciemd's pciem/plugin.h");
}
END_TEST

/* Version 1 plugins (plain-function handlers) are refused, both versions named. */
START_TEST(api_version_1)
{
	struct pd_plugin *p;

	desc.plugin = "api_v1";
	ck_assert_int_eq(load(DIR, &p), -1);
	ck_assert_ptr_null(p);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:20:9: error: plugin " DIR "/api_v1.so was built for plugin API version 1, but this pciemd provides version 2: rebuild it against this pciemd's pciem/plugin.h");
}
END_TEST

START_TEST(descriptor_from_a_newer_header)
{
	struct pd_plugin *p;
	char want[512];

	desc.plugin = "newer";
	ck_assert_int_eq(load(DIR, &p), -1);
	snprintf(want, sizeof(want),
		 "<3>dev.yaml:20:9: error: plugin " DIR "/newer.so was built against a newer pciem/plugin.h (a descriptor of %zu bytes; this pciemd knows %zu): its hooks would not all be called; update pciemd",
		 sizeof(struct pciem_plugin) + sizeof(void *), sizeof(struct pciem_plugin));
	ck_assert_str_eq(logs.lines[0], want);
}
END_TEST

/*
 * A plugin built with clang's AddressSanitizer: its globals are padded, so
 * the descriptor's symbol is larger than struct_size.  Checked, not loaded
 * (loading needs the sanitizer's runtime).
 */
START_TEST(descriptor_padded_by_a_sanitizer)
{
	char dir[] = "/tmp/pd-plugin-XXXXXX", cmd[512];
	struct pciem_device *dev;
	struct pd_plugin *p;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "clang -fsanitize=address -fPIC -shared -fvisibility=hidden -I" PD_TOP "/include "
		 "-o %s/padded.so " PD_TOP "/tests/unit/plugins/good.c", dir);
	ck_assert_int_eq(system(cmd), 0);
	desc.plugin = "padded";
	dev = pd_device_new(&desc, &logs.log);
	ck_assert_int_eq(pd_plugin_inspect(&desc, dir, &logs.log, &p), 0);
	ck_assert_int_eq(pd_plugin_bind(p, dev), 0);
	ck_assert_uint_eq(logs.n, 0);
	pd_plugin_unload(p);
	pd_device_free(dev);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* A descriptor of this version that ends before the later hooks is served. */
START_TEST(descriptor_from_an_older_header)
{
	struct pd_plugin *p;

	desc.plugin = "older";
	ck_assert_int_eq(load(DIR, &p), 0);
	ck_assert_uint_eq(p->info->struct_size, offsetof(struct pciem_plugin, events_lost));
	ck_assert_str_eq(p->info->name, "older");
	ck_assert_ptr_nonnull((void *)p->info->fini);
	ck_assert_ptr_null((void *)p->info->events_lost);
	ck_assert_uint_eq(logs.n, 0);
	pd_plugin_unload(p);
}
END_TEST

START_TEST(descriptor_damaged)
{
	struct pd_plugin *p;
	char want[512];

	desc.plugin = "damaged";
	ck_assert_int_eq(load(DIR, &p), -1);
	snprintf(want, sizeof(want),
		 "<3>dev.yaml:20:9: error: plugin " DIR "/damaged.so has a damaged descriptor (8 bytes said, %zu defined, at least %zu in API version 2): rebuild it with PCIEM_PLUGIN() from pciem/plugin.h",
		 sizeof(struct pciem_plugin), offsetof(struct pciem_plugin, events_lost));
	ck_assert_str_eq(logs.lines[0], want);
}
END_TEST

START_TEST(no_descriptor)
{
	struct pd_plugin *p;

	desc.plugin = "no_descriptor";
	ck_assert_int_eq(load(DIR, &p), -1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:20:9: error: " DIR "/no_descriptor.so is not a pciemd plugin: it has no pciem_plugin_descriptor symbol (define it with PCIEM_PLUGIN() from pciem/plugin.h)");
}
END_TEST

START_TEST(not_a_shared_object)
{
	char dir[] = "/tmp/pd-plugin-XXXXXX", path[64], prefix[128];
	struct pd_plugin *p;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/junk.so", dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("not ELF\n", f);
	fclose(f);
	desc.plugin = "junk";
	ck_assert_int_eq(load(dir, &p), -1);
	snprintf(prefix, sizeof(prefix), "<3>dev.yaml:20:9: error: plugin %s is not an ELF file", path);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0], prefix);
	unlink(path);
	rmdir(dir);
}
END_TEST

static struct pciem_device *loaded(struct pd_plugin **p)
{
	struct pciem_device *dev = pd_device_new(&desc, &logs.log);

	ck_assert_int_eq(load(DIR, p), 0);
	return dev;
}

START_TEST(handlers_bound)
{
	struct pd_plugin *p;
	struct pciem_device *dev = loaded(&p);
	struct good_state *s;

	ck_assert_int_eq(pd_plugin_bind(p, dev), 0);
	ck_assert_ptr_eq(dev->plugin, p);
	ck_assert_ptr_eq((void *)dev->regs[0].write, dlsym(p->handle, "good_write"));
	ck_assert_ptr_null((void *)dev->regs[0].read);
	ck_assert_ptr_eq((void *)dev->regs[1].read, dlsym(p->handle, "good_read"));
	ck_assert_ptr_null((void *)dev->regs[1].write);

	/* The plugin's own code runs with its own state. */
	ck_assert_int_eq(p->info->init(dev), 0);
	s = pciem_get_private(dev);
	ck_assert_uint_eq(s->inits, 1);
	dev->regs[0].write(dev, &dev->regs[0],
			   &(struct pciem_write){ .value = 0x42, .content = 0x42, .width = 4 });
	ck_assert_uint_eq(s->writes, 1);
	ck_assert_uint_eq(s->last_value, 0x42);
	ck_assert_uint_eq(s->last_write.content, 0x42);
	ck_assert_uint_eq(s->last_write.width, 4);
	ck_assert_ptr_eq(s->last_reg, &dev->regs[0]);
	ck_assert_uint_eq(dev->regs[1].read(dev, &dev->regs[1]), 0x1001);
	p->info->fini(dev);
	ck_assert_ptr_null(pciem_get_private(dev));
	pd_device_free(dev);
	pd_plugin_unload(p);
}
END_TEST

START_TEST(missing_handler)
{
	struct pd_plugin *p;
	struct pciem_device *dev;

	regs[1].read = fake_handler("no_such_read", 9, 11);
	dev = loaded(&p);
	ck_assert_int_eq(pd_plugin_bind(p, dev), -1);
	ck_assert_ptr_null(dev->plugin);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:9:11: error: handler 'no_such_read' (read handler of register ANSWER) is not in plugin " DIR "/good.so: export a function of that name from it");
	pd_device_free(dev);
	pd_plugin_unload(p);
}
END_TEST

/* A name only a library defines is not the plugin's handler. */
START_TEST(library_symbol_is_not_a_handler)
{
	struct pd_plugin *p;
	struct pciem_device *dev;

	regs[0].write = fake_handler("free", 8, 12);
	dev = loaded(&p);
	ck_assert_ptr_nonnull(dlsym(p->handle, "free"));
	ck_assert_int_eq(pd_plugin_bind(p, dev), -1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:8:12: error: handler 'free' (write handler of register CONTROL) is not in plugin " DIR "/good.so: export a function of that name from it");
	pd_device_free(dev);
	pd_plugin_unload(p);
}
END_TEST

/* Each handler must be a function declared as a handler of its kind. */
static const struct {
	const char *name;
	bool as_read;
	const char *error;
} wrong_kinds[] = {
	{ "pciem_plugin_descriptor", false,
	  "<3>dev.yaml:8:12: error: handler 'pciem_plugin_descriptor' (write handler of register CONTROL) is data in plugin " DIR "/good.so, not a function: name one defined with PCIEM_WRITE_HANDLER(NAME)" },
	{ "good_table", true,
	  "<3>dev.yaml:9:11: error: handler 'good_table' (read handler of register ANSWER) is data in plugin " DIR "/good.so, not a function: name one defined with PCIEM_READ_HANDLER(NAME)" },
	{ "good_read", false,
	  "<3>dev.yaml:8:12: error: handler 'good_read' of plugin " DIR "/good.so is a read handler, but register CONTROL names it as its write handler: name it with `read:`, or name a function defined with PCIEM_WRITE_HANDLER(NAME)" },
	{ "good_write", true,
	  "<3>dev.yaml:9:11: error: handler 'good_write' of plugin " DIR "/good.so is a write handler, but register ANSWER names it as its read handler: name it with `write:`, or name a function defined with PCIEM_READ_HANDLER(NAME)" },
	{ "good_plain", false,
	  "<3>dev.yaml:8:12: error: 'good_plain' (write handler of register CONTROL) is a function of plugin " DIR "/good.so but not a handler: define it with PCIEM_WRITE_HANDLER(good_plain) from pciem/plugin.h" },
	{ "pciem_handler_read_good_read", true,
	  "<3>dev.yaml:9:11: error: handler 'pciem_handler_read_good_read' (read handler of register ANSWER) is data in plugin " DIR "/good.so, not a function: name one defined with PCIEM_READ_HANDLER(NAME)" },
};

START_TEST(handler_of_the_wrong_kind)
{
	struct pd_plugin *p;
	struct pciem_device *dev;

	if (wrong_kinds[_i].as_read)
		regs[1].read = fake_handler(wrong_kinds[_i].name, 9, 11);
	else
		regs[0].write = fake_handler(wrong_kinds[_i].name, 8, 12);
	/* Refused the same whether loaded or only inspected. */
	for (int inspect = 0; inspect < 2; inspect++) {
		fake_log_init(&logs);
		dev = pd_device_new(&desc, &logs.log);
		ck_assert_int_eq((inspect ? pd_plugin_inspect : pd_plugin_load)(&desc, DIR, &logs.log, &p), 0);
		ck_assert_int_eq(pd_plugin_bind(p, dev), -1);
		ck_assert_ptr_null(dev->plugin);
		ck_assert_uint_eq(logs.n, 1);
		ck_assert_str_eq(logs.lines[0], wrong_kinds[_i].error);
		pd_device_free(dev);
		pd_plugin_unload(p);
	}
}
END_TEST

/* Inspecting (pciemd --check) runs none of the plugin; loading does. */
START_TEST(inspect_runs_nothing)
{
	char dir[] = "/tmp/pd-plugin-XXXXXX", mark[64];
	struct pciem_device *dev = pd_device_new(&desc, &logs.log);
	struct pd_plugin *p;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(mark, sizeof(mark), "%s/loaded", dir);
	setenv("PD_TEST_LOADED", mark, 1);
	ck_assert_int_eq(pd_plugin_inspect(&desc, DIR, &logs.log, &p), 0);
	ck_assert_ptr_null(p->handle);
	ck_assert_ptr_null(p->info);
	ck_assert_int_eq(pd_plugin_bind(p, dev), 0);
	ck_assert_ptr_null(dev->plugin);	/* checked, not serving */
	ck_assert_ptr_null((void *)dev->regs[0].write);
	ck_assert_int_eq(access(mark, F_OK), -1);
	pd_plugin_unload(p);

	ck_assert_int_eq(load(DIR, &p), 0);
	ck_assert_int_eq(access(mark, F_OK), 0);
	unsetenv("PD_TEST_LOADED");
	unlink(mark);
	rmdir(dir);
	ck_assert_uint_eq(logs.n, 0);
	pd_device_free(dev);
	pd_plugin_unload(p);
}
END_TEST

/* A C++ plugin exports C names through the macros and serves. */
START_TEST(cxx_plugin)
{
	struct pciem_device *dev;
	struct pd_plugin *p;

	desc.plugin = "cxx";
	regs[0].write = fake_handler("cxx_write", 8, 12);
	regs[1].read = fake_handler("cxx_read", 9, 11);
	dev = pd_device_new(&desc, &logs.log);
	ck_assert_int_eq(load(DIR, &p), 0);
	ck_assert_int_eq(pd_plugin_bind(p, dev), 0);
	ck_assert_str_eq(p->info->name, "cxx");
	ck_assert_ptr_null((void *)p->info->fini);
	ck_assert_int_eq(p->info->init(dev), 0);
	dev->regs[0].write(dev, &dev->regs[0], &(struct pciem_write){ .value = 3, .width = 4 });
	ck_assert_uint_eq(dev->regs[1].read(dev, &dev->regs[1]), 0xc0de0000u + 4 + 3);
	ck_assert_uint_eq(logs.n, 0);
	pd_device_free(dev);
	pd_plugin_unload(p);
}
END_TEST

START_TEST(handler_without_plugin)
{
	struct pciem_device *dev = pd_device_new(&desc, &logs.log);
	struct pd_plugin *p = (struct pd_plugin *)&p;

	desc.plugin = NULL;
	ck_assert_int_eq(load(DIR, &p), 0);
	ck_assert_ptr_null(p);
	ck_assert_int_eq(pd_plugin_bind(NULL, dev), -1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:8:12: error: register CONTROL names handler 'good_write', but the description has no plugin: add `plugin: NAME`");
	pd_device_free(dev);
}
END_TEST

START_TEST(no_handlers_no_plugin)
{
	struct pciem_device *dev;

	regs[0].write.name = NULL;
	regs[1].read.name = NULL;
	dev = pd_device_new(&desc, &logs.log);
	ck_assert_int_eq(pd_plugin_bind(NULL, dev), 0);
	ck_assert_uint_eq(logs.n, 0);
	pd_device_free(dev);
}
END_TEST

START_TEST(directories)
{
	unsetenv("PCIEM_PLUGIN_DIR");
	ck_assert_str_eq(pd_plugin_dirs(NULL), "/nonexistent/pciem/handlers");
	setenv("PCIEM_PLUGIN_DIR", "", 1);
	ck_assert_str_eq(pd_plugin_dirs(NULL), "/nonexistent/pciem/handlers");
	setenv("PCIEM_PLUGIN_DIR", "/a:/b", 1);
	ck_assert_str_eq(pd_plugin_dirs(NULL), "/a:/b");
	ck_assert_str_eq(pd_plugin_dirs("/cli"), "/cli");
	unsetenv("PCIEM_PLUGIN_DIR");
}
END_TEST

static Suite *plugin_load_suite(void)
{
	Suite *s = suite_create("plugin_load");
	TCase *tc = tcase_create("find");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, found_in_a_later_directory);
	tcase_add_test(tc, not_found);
	tcase_add_test(tc, path_relative_to_description);
	tcase_add_test(tc, directories);
	suite_add_tcase(s, tc);

	tc = tcase_create("refuse");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, api_version_mismatch);
	tcase_add_test(tc, api_version_1);
	tcase_add_test(tc, descriptor_from_a_newer_header);
	tcase_add_test(tc, descriptor_from_an_older_header);
	tcase_add_test(tc, descriptor_padded_by_a_sanitizer);
	tcase_add_test(tc, descriptor_damaged);
	tcase_add_test(tc, no_descriptor);
	tcase_add_test(tc, not_a_shared_object);
	suite_add_tcase(s, tc);

	tc = tcase_create("bind");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, handlers_bound);
	tcase_add_test(tc, missing_handler);
	tcase_add_test(tc, library_symbol_is_not_a_handler);
	tcase_add_loop_test(tc, handler_of_the_wrong_kind, 0,
			    sizeof(wrong_kinds) / sizeof(wrong_kinds[0]));
	tcase_add_test(tc, inspect_runs_nothing);
	tcase_add_test(tc, cxx_plugin);
	tcase_add_test(tc, handler_without_plugin);
	tcase_add_test(tc, no_handlers_no_plugin);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(plugin_load_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
