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
	fake->config[4] = 0x06;		/* memory space, bus master */
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

/* A hostile driver ---------------------------------------------------- */

/*
 * The fake host memory (64 KiB at host_iova): the admin queues, I/O queue
 * pair 1, the shadow doorbell pages, then data pages.
 */
#define H(off)		(fake->host_iova + (off))
#define ASQ		0x0000u
#define ACQ		0x1000u
#define IOSQ		0x2000u
#define IOCQ		0x3000u
#define SHADOW		0x4000u
#define EVENTIDX	0x5000u
#define DATA		0x6000u
#define QSIZE		64u

struct host_queues {
	uint64_t seq;			/* event sequence numbers */
	uint32_t asq_tail, acq_head, iosq_tail, iocq_head;
	bool aphase, iophase;
	unsigned int completions;
	unsigned int ok, io_ok;		/* successful, of all and of I/O */
};

static uint32_t bar32(uint64_t off)
{
	return *(volatile uint32_t *)((uint8_t *)fake->bars[0] + off);
}

/* A driver's write: BAR memory first (the kernel's part), then the event. */
static void mmio_write(struct host_queues *h, uint64_t off, uint64_t v, unsigned int size)
{
	memcpy((uint8_t *)fake->bars[0] + off, &v, size);
	fake_post(fake, (struct pciem_event){ .seq = ++h->seq, .type = PCIEM_EVENT_MMIO_WRITE,
					      .bar = 0, .offset = off, .size = size, .data = v });
	pd_dispatch_ring(dev, 1000);
}

/* CC.EN 0 then 1 with 64-entry admin queues; the host's view starts over. */
static void enable(struct host_queues *h)
{
	uint64_t asq = H(ASQ), acq = H(ACQ);

	mmio_write(h, 0x14, 0, 4);
	memset(fake->host + ACQ, 0, 0x1000);
	memset(fake->host + IOCQ, 0, 0x1000);
	memcpy((uint8_t *)fake->bars[0] + 0x24, &(uint32_t){ (QSIZE - 1) << 16 | (QSIZE - 1) }, 4);
	memcpy((uint8_t *)fake->bars[0] + 0x28, &asq, 8);
	memcpy((uint8_t *)fake->bars[0] + 0x30, &acq, 8);
	mmio_write(h, 0x14, 1u | 6u << 16 | 4u << 20, 4);
	h->asq_tail = h->acq_head = h->iosq_tail = h->iocq_head = 0;
	h->aphase = h->iophase = true;
}

/* Consumes what a completion queue holds, and rings its head doorbell. */
static void reap(struct host_queues *h, uint32_t cq, uint32_t *head, bool *phase,
		 unsigned int qid)
{
	unsigned int n = 0;

	for (;;) {
		uint16_t st;

		memcpy(&st, fake->host + cq + *head * 16 + 14, 2);
		if ((st & 1) != *phase || n++ == QSIZE)
			break;
		h->completions++;
		if (!(st >> 1)) {
			h->ok++;
			h->io_ok += qid != 0;
		}
		if (++*head == QSIZE) {
			*head = 0;
			*phase = !*phase;
		}
	}
	if (n)
		mmio_write(h, 0x1004 + 8 * qid, *head, 4);
}

static void submit(struct host_queues *h, bool io, const uint8_t cmd[64])
{
	uint32_t *tail = io ? &h->iosq_tail : &h->asq_tail;

	memcpy(fake->host + (io ? IOSQ : ASQ) + *tail * 64, cmd, 64);
	*tail = (*tail + 1) % QSIZE;
	mmio_write(h, io ? 0x1008 : 0x1000, *tail, 4);
	reap(h, ACQ, &h->acq_head, &h->aphase, 0);
	reap(h, IOCQ, &h->iocq_head, &h->iophase, 1);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* A PRP as a confused or hostile driver writes one. */
static uint64_t any_prp(uint64_t *s)
{
	switch (rnd(s) % 6) {
	case 0: return 0;
	case 1: return H(DATA + (rnd(s) % 10) * 0x1000);
	case 2: return H(rnd(s) % 0x10000);			/* unaligned */
	case 3: return H(0x10000 - 8);			/* at the end */
	case 4: return rnd(s);				/* anywhere */
	default: return H(DATA + (rnd(s) % 10) * 0x1000 + (rnd(s) % 8) * 512);
	}
}

static uint32_t any_dword(uint64_t *s)
{
	switch (rnd(s) % 4) {
	case 0: return (uint32_t)rnd(s);
	case 1: return (uint32_t)(rnd(s) % 4);
	case 2: return (uint32_t)(rnd(s) % 0x10000) << 16 | (uint32_t)(rnd(s) % 20);
	default: return 0xffffffffu - (uint32_t)(rnd(s) % 3);
	}
}

static void any_command(uint64_t *s, uint8_t cmd[64], bool io, uint16_t cid)
{
	static const uint8_t admin[] = { 0x00, 0x01, 0x02, 0x04, 0x05, 0x06, 0x08,
					 0x09, 0x0a, 0x0c, 0x18, 0x7c, 0x80 };
	static const uint8_t ios[] = { 0x00, 0x01, 0x02, 0x04, 0x05, 0x08, 0x09 };
	uint32_t d[16];

	for (unsigned int i = 0; i < 16; i++)
		d[i] = any_dword(s);
	if (rnd(s) % 8)
		d[0] = io ? ios[rnd(s) % sizeof(ios)] : admin[rnd(s) % sizeof(admin)];
	d[0] = (d[0] & 0xff) | (rnd(s) % 4 ? 0 : (uint32_t)(rnd(s) % 4) << 14) |
	       (uint32_t)cid << 16;	/* sometimes FUSE or PSDT bits */
	if (rnd(s) % 4)
		d[1] = (uint32_t)(rnd(s) % 3);		/* NSID 0, 1, 2 */
	memcpy(&d[6], &(uint64_t){ any_prp(s) }, 8);
	memcpy(&d[8], &(uint64_t){ any_prp(s) }, 8);
	if (io && rnd(s) % 2) {
		/* Well formed: a read, write or compare of 1 to 8 blocks. */
		d[0] = (uint32_t)(rnd(s) % 2 ? 0x01 : rnd(s) % 2 ? 0x02 : 0x05) |
		       (uint32_t)cid << 16;
		d[1] = 1;
		memcpy(&d[6], &(uint64_t){ H(DATA + (rnd(s) % 8) * 0x1000) }, 8);
		memcpy(&d[8], &(uint64_t){ H(DATA + 0x8000) }, 8);
		d[10] = (uint32_t)(rnd(s) % 2048);
		d[11] = 0;
		d[12] = (uint32_t)(rnd(s) % 8);
	}
	memcpy(cmd, d, 64);
}

/* Create I/O CQ 1 and SQ 1 as the driver does, and turn shadow doorbells on. */
static void io_queues(struct host_queues *h, bool shadow)
{
	uint8_t cmd[64] = { 0 };
	uint32_t *d = (uint32_t *)cmd;
	uint64_t prp;

	d[0] = 0x05 | 1u << 16;
	prp = H(IOCQ);
	memcpy(&d[6], &prp, 8);
	d[10] = (QSIZE - 1) << 16 | 1;
	d[11] = 1u | 2u | 1u << 16;
	submit(h, false, cmd);
	memset(cmd, 0, 64);
	d[0] = 0x01 | 2u << 16;
	prp = H(IOSQ);
	memcpy(&d[6], &prp, 8);
	d[10] = (QSIZE - 1) << 16 | 1;
	d[11] = 1u | 1u << 16;
	submit(h, false, cmd);
	if (!shadow)
		return;
	memset(cmd, 0, 64);
	memset(fake->host + SHADOW, 0, 0x2000);
	d[0] = 0x7c | 3u << 16;
	prp = H(SHADOW);
	memcpy(&d[6], &prp, 8);
	prp = H(EVENTIDX);
	memcpy(&d[8], &prp, 8);
	submit(h, false, cmd);
}

/*
 * Seeded random commands, PRPs, doorbell writes and controller resets,
 * as a driver gone wrong would send them: pciemd never crashes (ASan and
 * UBSan watch the test binary), DMA stays in what the driver mapped,
 * the backing file keeps its size, and afterwards a reset controller
 * answers Identify as before.
 */
START_TEST(a_hostile_driver_does_not_break_it)
{
	struct host_queues h = { 0 };
	uint64_t s = 0x9e3779b97f4a7c15ull + (uint64_t)_i;
	uint8_t cmd[64];
	uint32_t *d = (uint32_t *)cmd;
	char path[128];
	struct stat st;

	ck_assert_int_eq(start("  queue_entries: 64\n  io_queues: 4\n"
			       "  ns1_file: @/a.img\n  ns1_size: 1M\n"), 0);
	dev->plugin_started = true;
	enable(&h);
	ck_assert_uint_eq(bar32(0x1c) & 3, 1);		/* CSTS.RDY, no CFS */
	io_queues(&h, _i % 2);
	ck_assert_uint_eq(h.completions, 2u + _i % 2);

	for (unsigned int n = 0; n < 20000; n++) {
		switch (rnd(&s) % 16) {
		case 0:	/* a doorbell, any value, any queue */
			mmio_write(&h, 0x1000 + 4 * (rnd(&s) % 40), rnd(&s) & 0xffff, 4);
			break;
		case 1:	/* the driver resets the controller and starts over */
			if (rnd(&s) % 8 == 0) {
				enable(&h);
				io_queues(&h, rnd(&s) % 2);
			}
			break;
		case 2:	/* a shutdown notification, then a reset */
			if (rnd(&s) % 8 == 0 && (bar32(0x14) & 1)) {
				mmio_write(&h, 0x14, bar32(0x14) | (1u + rnd(&s) % 2) << 14, 4);
				ck_assert_uint_eq(bar32(0x1c) >> 2 & 3, 2);	/* complete */
				enable(&h);
				io_queues(&h, rnd(&s) % 2);
			}
			break;
		case 3: case 4: case 5: case 6: case 7:
			any_command(&s, cmd, false, (uint16_t)n);
			submit(&h, false, cmd);
			break;
		default:
			any_command(&s, cmd, true, (uint16_t)n);
			submit(&h, true, cmd);
			break;
		}
		/* A fatal status is what hardware shows too: reset. */
		if (bar32(0x1c) & 2) {
			enable(&h);
			io_queues(&h, false);
		}
	}

	/* It went deep: commands of both kinds ran (about 4,000 and 2,000). */
	ck_assert_uint_gt(h.ok, 2000);
	ck_assert_uint_gt(h.io_ok, 1000);
	snprintf(path, sizeof(path), "%s/a.img", tmp);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_size, 1 << 20);

	/* A reset controller serves again: Identify Controller. */
	enable(&h);
	ck_assert_uint_eq(bar32(0x1c) & 3, 1);
	h.completions = 0;
	memset(cmd, 0, 64);
	memset(fake->host + DATA, 0, 0x1000);
	d[0] = 0x06 | 0xabcu << 16;
	memcpy(&d[6], &(uint64_t){ H(DATA) }, 8);
	d[10] = 1;
	submit(&h, false, cmd);
	ck_assert_uint_eq(h.completions, 1);
	ck_assert_uint_eq(fake->host[ACQ + 12] | fake->host[ACQ + 13] << 8, 0xabc);
	ck_assert_uint_eq((fake->host[ACQ + 14] | fake->host[ACQ + 15] << 8) >> 1, 0);
	ck_assert_mem_eq(fake->host + DATA + 4, "PCIEM0001 ", 10);	/* the default */
	plugin->info->fini(dev);
}
END_TEST

static Suite *plugin_nvme_suite(void)
{
	Suite *s = suite_create("plugin_nvme");
	TCase *tc = tcase_create("params");
	TCase *hostile = tcase_create("hostile");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, bad_parameters_are_refused_where_they_are, 0,
			    sizeof(refused) / sizeof(refused[0]));
	tcase_add_test(tc, no_namespace_is_refused);
	tcase_add_test(tc, an_existing_file_of_another_size_is_kept);
	tcase_add_test(tc, backing_files_are_made_sparse_in_the_state_directory);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(hostile, setup, teardown);
	tcase_set_timeout(hostile, 120);
	tcase_add_loop_test(hostile, a_hostile_driver_does_not_break_it, 0, 4);
	suite_add_tcase(s, hostile);
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
