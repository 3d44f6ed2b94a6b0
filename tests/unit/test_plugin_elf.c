// SPDX-License-Identifier: MIT
/*
 * Reading a plugin's exported symbols from its file (pciemd/plugin_elf.c):
 * what a real plugin exports, and that no file, however truncated or
 * damaged, makes the reader touch memory outside it (ASan watches).
 */
#include <check.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pciem/plugin.h>

#include "plugin_elf.h"

#define GOOD PD_TEST_PLUGINS "/good.so"

static char dir[] = "/tmp/pd-elf-XXXXXX";
static char path[64];

static void setup(void)
{
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.so", dir);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
	strcpy(dir, "/tmp/pd-elf-XXXXXX");
}

static unsigned char *slurp(const char *file, size_t *len)
{
	struct stat st;
	unsigned char *buf;
	int fd = open(file, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &st), 0);
	buf = malloc((size_t)st.st_size);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(read(fd, buf, (size_t)st.st_size), st.st_size);
	close(fd);
	*len = (size_t)st.st_size;
	return buf;
}

static void spill(const unsigned char *buf, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, buf, len), (ssize_t)len);
	close(fd);
}

START_TEST(real_plugin)
{
	struct pd_elf_sym sym;
	struct pd_elf *elf;
	char why[128];
	uint32_t head[2];

	ck_assert_int_eq(pd_elf_open(GOOD, &elf, why, sizeof(why)), 0);
	ck_assert(pd_elf_lookup(elf, "good_read", &sym));
	ck_assert_int_eq(sym.kind, PD_ELF_FUNC);
	ck_assert_ptr_null(sym.data);
	ck_assert(pd_elf_lookup(elf, PCIEM_HANDLER_READ_PREFIX "good_read", &sym));
	ck_assert_int_eq(sym.kind, PD_ELF_OBJECT);
	ck_assert(!pd_elf_lookup(elf, PCIEM_HANDLER_WRITE_PREFIX "good_read", &sym));
	ck_assert(pd_elf_lookup(elf, PCIEM_PLUGIN_SYMBOL, &sym));
	ck_assert_int_eq(sym.kind, PD_ELF_OBJECT);
	ck_assert_uint_eq(sym.size, sizeof(struct pciem_plugin));
	ck_assert_ptr_nonnull(sym.data);
	memcpy(head, sym.data, sizeof(head));
	ck_assert_uint_eq(head[0], PCIEM_PLUGIN_API_VERSION);
	ck_assert_uint_eq(head[1], sizeof(struct pciem_plugin));
	ck_assert(pd_elf_lookup(elf, "good_table", &sym));
	ck_assert_int_eq(sym.kind, PD_ELF_OBJECT);
	ck_assert_uint_eq(sym.size, 4 * sizeof(int));
	ck_assert_int_eq(((const int *)sym.data)[3], 4);
	/* Referenced, not defined; static; absent; a prefix of a name. */
	ck_assert(!pd_elf_lookup(elf, "free", &sym));
	ck_assert(!pd_elf_lookup(elf, "good_init", &sym));
	ck_assert(!pd_elf_lookup(elf, "nothing_here", &sym));
	ck_assert(!pd_elf_lookup(elf, "good_rea", &sym));
	ck_assert(!pd_elf_lookup(elf, "", &sym));
	pd_elf_close(elf);
}
END_TEST

static const struct {
	const char *what;
	const char *content;
	size_t len;
	const char *why;
} refused[] = {
	{ "empty", "", 0, "is empty" },
	{ "text", "hello, I am not a plugin\n", 25, "is not an ELF file" },
	{ "magic only", "\x7f" "ELF", 4, "is not an ELF file" },
};

START_TEST(refused_files)
{
	struct pd_elf *elf = (struct pd_elf *)&elf;
	char why[128];

	spill((const unsigned char *)refused[_i].content, refused[_i].len);
	ck_assert_int_eq(pd_elf_open(path, &elf, why, sizeof(why)), -1);
	ck_assert_ptr_null(elf);
	ck_assert_str_eq(why, refused[_i].why);
}
END_TEST

START_TEST(refused_kinds)
{
	struct pd_elf *elf;
	unsigned char *buf;
	size_t len;
	char why[128];

	ck_assert_int_eq(pd_elf_open("/nonexistent/p.so", &elf, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "cannot be opened: No such file or directory");
	ck_assert_int_eq(pd_elf_open(dir, &elf, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "is not a regular file");

	buf = slurp(GOOD, &len);
	buf[EI_CLASS] = ELFCLASS32;
	spill(buf, len);
	ck_assert_int_eq(pd_elf_open(path, &elf, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "was built for another kind of machine");
	free(buf);

	buf = slurp(GOOD, &len);
	((ElfW(Ehdr) *)buf)->e_type = ET_EXEC;
	spill(buf, len);
	ck_assert_int_eq(pd_elf_open(path, &elf, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "is not a shared object (build it with -shared -fPIC)");
	free(buf);

	buf = slurp(GOOD, &len);
	((ElfW(Ehdr) *)buf)->e_shoff = len;
	spill(buf, len);
	ck_assert_int_eq(pd_elf_open(path, &elf, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "has no readable section headers (stripped beyond strip(1)?)");
	free(buf);
}
END_TEST

/* A FIFO named as a plugin: refused at once, not waited on. */
START_TEST(fifo)
{
	struct pd_elf *elf;
	char why[128];

	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(pd_elf_open(path, &elf, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "is not a regular file");
}
END_TEST

/* A position-independent executable is ET_DYN too, but dlopen() refuses it. */
START_TEST(executable)
{
	char cmd[256], why[128];
	struct pd_elf *elf;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s/main.c", dir);
	f = fopen(cmd, "w");
	ck_assert_ptr_nonnull(f);
	fputs("int exported(void);\nint exported(void) { return 1; }\nint main(void) { return exported(); }\n", f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "cc -fPIE -pie -rdynamic -o %s %s/main.c", path, dir);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(pd_elf_open(path, &elf, why, sizeof(why)), -1);
	ck_assert_str_eq(why, "is an executable, not a shared object (build it with -shared -fPIC)");
	snprintf(cmd, sizeof(cmd), "%s/main.c", dir);
	unlink(cmd);
}
END_TEST

/* The file rewritten (cut short) while open: lookups read short, no SIGBUS. */
START_TEST(shrinks_while_open)
{
	struct pd_elf_sym sym;
	struct pd_elf *elf;
	unsigned char *buf;
	size_t len;
	char why[128];

	buf = slurp(GOOD, &len);
	spill(buf, len);
	free(buf);
	ck_assert_int_eq(pd_elf_open(path, &elf, why, sizeof(why)), 0);
	ck_assert_int_eq(truncate(path, 64), 0);
	/* Names come from the copies made at open; object bytes are gone. */
	ck_assert(pd_elf_lookup(elf, "good_read", &sym));
	ck_assert_int_eq(sym.kind, PD_ELF_FUNC);
	ck_assert(pd_elf_lookup(elf, PCIEM_PLUGIN_SYMBOL, &sym));
	ck_assert_ptr_null(sym.data);
	pd_elf_close(elf);
}
END_TEST

/* Every length the file could be cut to, and both halves of every header. */
START_TEST(truncated)
{
	struct pd_elf_sym sym;
	struct pd_elf *elf;
	unsigned char *buf;
	size_t len, opened = 0;
	char why[128];

	buf = slurp(GOOD, &len);
	for (size_t cut = 0; cut < len; cut += cut < 1024 ? 1 : 61) {
		spill(buf, cut);
		if (pd_elf_open(path, &elf, why, sizeof(why)) == 0) {
			opened++;
			pd_elf_lookup(elf, "good_read", &sym);
			pd_elf_lookup(elf, PCIEM_PLUGIN_SYMBOL, &sym);
			pd_elf_close(elf);
		}
	}
	/* Section headers come last: a file cut short has none to read. */
	ck_assert_uint_eq(opened, 0);
	free(buf);
}
END_TEST

/*
 * Seeded damage: random bytes of the ELF header, the section headers and
 * the symbol table replaced, as a broken build or a hostile file might.
 * Whatever the reader then says, it stays inside the file.
 */
START_TEST(damaged)
{
	static const char *const names[] = {
		"good_read", "good_write", "good_table", PCIEM_PLUGIN_SYMBOL, "free", "",
	};
	unsigned char *orig, *buf;
	size_t len, opened = 0, found = 0;
	unsigned int seed = 1;
	const ElfW(Ehdr) *eh;

	orig = slurp(GOOD, &len);
	eh = (const ElfW(Ehdr) *)orig;
	ck_assert_uint_lt(eh->e_shoff, len);
	buf = malloc(len);
	ck_assert_ptr_nonnull(buf);
	for (int round = 0; round < 2000; round++) {
		struct pd_elf_sym sym;
		struct pd_elf *elf;
		char why[128];
		int n = 1 + rand_r(&seed) % 8;

		memcpy(buf, orig, len);
		for (int k = 0; k < n; k++) {
			size_t at;

			switch (rand_r(&seed) % 3) {
			case 0:
				at = (size_t)rand_r(&seed) % sizeof(ElfW(Ehdr));
				break;
			case 1:
				at = eh->e_shoff + (size_t)rand_r(&seed) % (len - eh->e_shoff);
				break;
			default:
				at = (size_t)rand_r(&seed) % len;
			}
			buf[at] = (unsigned char)(rand_r(&seed) % 4 ? rand_r(&seed) : 0xff);
		}
		spill(buf, len);
		if (pd_elf_open(path, &elf, why, sizeof(why)))
			continue;
		opened++;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			if (!pd_elf_lookup(elf, names[i], &sym))
				continue;
			found++;
			/* Read every byte the reader hands out. */
			if (sym.data) {
				volatile unsigned char sum = 0;

				for (uint64_t b = 0; b < sym.size; b++)
					sum += ((const unsigned char *)sym.data)[b];
			}
		}
		pd_elf_close(elf);
	}
	/* The damage hit different places: some files still read. */
	ck_assert_uint_gt(opened, 100);
	ck_assert_uint_gt(found, 100);
	free(buf);
	free(orig);
}
END_TEST

static Suite *plugin_elf_suite(void)
{
	Suite *s = suite_create("plugin_elf");
	TCase *tc = tcase_create("elf");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, real_plugin);
	tcase_add_loop_test(tc, refused_files, 0, sizeof(refused) / sizeof(refused[0]));
	tcase_add_test(tc, refused_kinds);
	tcase_add_test(tc, fifo);
	tcase_add_test(tc, executable);
	tcase_add_test(tc, shrinks_while_open);
	tcase_add_test(tc, truncated);
	tcase_add_test(tc, damaged);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(plugin_elf_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
