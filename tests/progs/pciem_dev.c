// SPDX-License-Identifier: MIT
/*
 * pciem_dev: a scriptable device process for the VM tests.
 *
 * Builds a device from its command line, registers it, prints
 * "registered <pci address>" and then serves one-line commands written to
 * a FIFO (--cmd PATH), answering each with exactly one line on stdout:
 * "ok ..." or "err ...".  It keeps the device until killed or "exit".
 *
 *   fill BAR SEED            write the test pattern over the whole BAR
 *   check BAR SEED           "ok 0" or "ok N first=I got=X want=Y"
 *   read BAR OFF WIDTH       "ok 0x..." (WIDTH 1, 2, 4 or 8)
 *   write BAR OFF WIDTH VAL
 *   info                     "ok NAME BAR0-PHYS ..."
 *   inject VECTOR            INJECT_IRQ: "ok" or "err ERRNO-NAME"
 *   watch BAR OFF WIDTH      SET_WATCHPOINT: "ok" or "err ERRNO-NAME"
 *   events                   "ok recorded=N dropped=D"
 *   wait N MS                wait until N events were recorded or lost
 *   clear                    forget the recorded events
 *   dump PATH                write the recorded events to PATH, one a line
 *   floodcheck OFF N         check a driver's "cfgflood N OFF" stream
 *   counter                  "ok C": the counter device's count
 *   storm N                  inject vectors 0..N-1 in a loop from now on
 *   region BAR OFF SIZE WIDTH MODE FLAGS WMASK W1C
 *                            ADD_REGION: "ok" or "err ERRNO-NAME"
 *   unregion BAR             CLEAR_REGIONS
 *   torn BAR OFF MS          poll the dword at OFF for MS ms while a driver
 *                            writes 0, 1, 2...: "ok reads=N backwards=K",
 *                            K reads that saw a smaller value than the one
 *                            before (a write seen half done)
 *   setrace BAR OFF MS       for MS ms, set bit 1 of the dword at OFF with an
 *                            atomic OR, check it is still there, clear it,
 *                            while a driver writes to it (bit 1 read-only
 *                            to the driver): "ok rounds=N lost=K", K bits
 *                            the kernel's emulated writes wrote over
 *   regiontoggle N BAR OFF SIZE WIDTH MODE FLAGS WMASK W1C
 *                            N times ADD_REGION then CLEAR_REGIONS, as fast
 *                            as they go: "ok" or "err ERRNO-NAME"
 *   attach                   ATTACH (with --defer-attach): "ok" or "err ERRNO-NAME"
 *   answer BAR OFF           answer synchronous reads of that register with
 *                            1, 2, 3...: each successful RESPOND counts one
 *   answered                 "ok N": reads answered so far
 *   mmiocheck OFF N          check a driver's "mmioflood N BAR OFF" stream
 *   dmaw, dmar, patsum, atomic, atomicadd, p2p: see lib/dma_cmd.c
 *   exit
 *
 * With --counter the process is the walkthrough's counter device: a write
 * of 1 to BAR0 0x00 increments the counter shown at BAR0 0x08, and every
 * tenth count raises vector 0.  Events are consumed by a thread
 * (lib/event_log.c), --slow-us N after each one.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#include "dma_cmd.h"
#include "event_log.h"
#include "pattern.h"
#include "pciem.h"
#include "xioctl.h"

struct bar_map {
	volatile uint8_t *mem;
	uint64_t size;
};

struct dev_state {
	int fd;
	int instance_fd;
	bool added[PCIEM_MAX_BARS];
	struct bar_map bars[PCIEM_MAX_BARS];
	struct event_log *log;
	bool counter_device;
	uint32_t counter;
	/* Synchronous-read responder, run on the event thread. */
	_Atomic int answer_bar;		/* -1: none */
	_Atomic uint64_t answer_off;
	_Atomic uint64_t answered;
};

static void die(const char *what)
{
	fprintf(stderr, "pciem_dev: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: pciem_dev [--id VVVV:DDDD] [--subsys VVVV:DDDD] [--class 0xCCSSPP]\n"
		"                 [--rev N] [--bar N:SIZE[:64][:pref]]... [--msi N[:64][:mask]]\n"
		"                 [--msix N:BAR:TABLE:PBA] [--pm] [--pcie[=flr]] [--cmd FIFO]\n"
		"                 [--watch BAR:OFF:WIDTH]... [--counter] [--config-reads]\n"
		"                 [--slow-us N] [--defer-attach]\n");
	exit(2);
}

static uint64_t parse_size(const char *s)
{
	char *end;
	uint64_t v = strtoull(s, &end, 0);

	switch (*end) {
	case 'K': return v << 10;
	case 'M': return v << 20;
	case 'G': return v << 30;
	case '\0': case ':': return v;
	}
	fprintf(stderr, "pciem_dev: bad size '%s'\n", s);
	exit(2);
}

static void add_bar(struct dev_state *st, const char *spec)
{
	struct pciem_bar_config bar = { .flags = PCI_BASE_ADDRESS_SPACE_MEMORY };
	char *colon;

	bar.bar_index = strtoul(spec, &colon, 0);
	if (*colon != ':')
		usage();
	bar.size = parse_size(colon + 1);
	if (strstr(spec, ":64"))
		bar.flags |= PCI_BASE_ADDRESS_MEM_TYPE_64;
	if (strstr(spec, ":pref"))
		bar.flags |= PCI_BASE_ADDRESS_MEM_PREFETCH;
	xioctl(st->fd, PCIEM_IOCTL_ADD_BAR, &bar, "ADD_BAR");
	st->added[bar.bar_index] = true;
}

static void add_cap(int fd, uint32_t type, const void *data, uint32_t size)
{
	struct pciem_cap_config cap = { .cap_type = type, .cap_size = size };

	memcpy(cap.cap_data, data, size);
	xioctl(fd, PCIEM_IOCTL_ADD_CAPABILITY, &cap, "ADD_CAPABILITY");
}

static void add_msi(int fd, const char *spec)
{
	struct pciem_cap_msi_userspace msi = { 0 };
	unsigned long n = strtoul(spec, NULL, 0);

	while ((1UL << msi.num_vectors_log2) < n)
		msi.num_vectors_log2++;
	msi.has_64bit = strstr(spec, ":64") != NULL;
	msi.has_masking = strstr(spec, ":mask") != NULL;
	add_cap(fd, PCIEM_CAP_MSI, &msi, sizeof(msi));
}

static void add_msix(int fd, const char *spec)
{
	struct pciem_cap_msix_userspace msix = { 0 };
	unsigned int n, bar, table, pba;

	if (sscanf(spec, "%u:%u:%i:%i", &n, &bar, &table, &pba) != 4)
		usage();
	msix.table_size = n;
	msix.bar_index = bar;
	msix.table_offset = table;
	msix.pba_offset = pba;
	add_cap(fd, PCIEM_CAP_MSIX, &msix, sizeof(msix));
}

static void map_bars(struct dev_state *st)
{
	for (unsigned int i = 0; i < PCIEM_MAX_BARS; i++) {
		struct pciem_bar_info_query q = { .bar_index = i };
		void *mem;

		if (!st->added[i])
			continue;
		xioctl(st->fd, PCIEM_IOCTL_GET_BAR_INFO, &q, "GET_BAR_INFO");
		mem = mmap(NULL, q.size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   st->instance_fd, PCIEM_BAR_MMAP_OFFSET(i));
		if (mem == MAP_FAILED)
			die("mmap BAR");
		st->bars[i].mem = mem;
		st->bars[i].size = q.size;
	}
}

static struct bar_map *bar_arg(struct dev_state *st, unsigned int bar)
{
	if (bar >= PCIEM_MAX_BARS || !st->bars[bar].mem) {
		printf("err no BAR %u\n", bar);
		return NULL;
	}
	return &st->bars[bar];
}

static void cmd_fill(struct dev_state *st, unsigned int bar, uint32_t seed)
{
	struct bar_map *b = bar_arg(st, bar);

	if (!b)
		return;
	for (uint64_t i = 0; i < b->size / 4; i++)
		((volatile uint32_t *)b->mem)[i] = pciem_pattern(seed, i);
	printf("ok\n");
}

static void cmd_check(struct dev_state *st, unsigned int bar, uint32_t seed)
{
	struct bar_map *b = bar_arg(st, bar);
	uint64_t bad = 0, first = 0;
	uint32_t got = 0, want = 0;

	if (!b)
		return;
	for (uint64_t i = 0; i < b->size / 4; i++) {
		uint32_t v = ((volatile uint32_t *)b->mem)[i];

		if (v == pciem_pattern(seed, i))
			continue;
		if (!bad++) {
			first = i;
			got = v;
			want = pciem_pattern(seed, i);
		}
	}
	if (bad)
		printf("ok %" PRIu64 " first=%" PRIu64 " got=0x%x want=0x%x\n",
		       bad, first, got, want);
	else
		printf("ok 0\n");
}

static bool access_ok(struct bar_map *b, uint64_t off, unsigned int width)
{
	if ((width != 1 && width != 2 && width != 4 && width != 8) ||
	    off % width || off + width > b->size) {
		printf("err bad access %u bytes at 0x%" PRIx64 "\n", width, off);
		return false;
	}
	return true;
}

static void cmd_rw(struct dev_state *st, bool write, unsigned int bar,
		   uint64_t off, unsigned int width, uint64_t val)
{
	struct bar_map *b = bar_arg(st, bar);
	volatile uint8_t *p;

	if (!b || !access_ok(b, off, width))
		return;
	p = b->mem + off;
	if (write) {
		switch (width) {
		case 1: *p = val; break;
		case 2: *(volatile uint16_t *)p = val; break;
		case 4: *(volatile uint32_t *)p = val; break;
		case 8: *(volatile uint64_t *)p = val; break;
		}
		printf("ok\n");
		return;
	}
	switch (width) {
	case 1: val = *p; break;
	case 2: val = *(volatile uint16_t *)p; break;
	case 4: val = *(volatile uint32_t *)p; break;
	case 8: val = *(volatile uint64_t *)p; break;
	}
	printf("ok 0x%" PRIx64 "\n", val);
}

static void cmd_info(struct dev_state *st)
{
	struct pciem_device_info info;

	xioctl(st->fd, PCIEM_IOCTL_GET_DEVICE_INFO, &info, "GET_DEVICE_INFO");
	printf("ok %s", info.name);
	for (unsigned int i = 0; i < PCIEM_MAX_BARS; i++) {
		struct pciem_bar_info_query q = { .bar_index = i };

		if (!st->added[i])
			continue;
		xioctl(st->fd, PCIEM_IOCTL_GET_BAR_INFO, &q, "GET_BAR_INFO");
		printf(" bar%u=0x%" PRIx64 "/0x%" PRIx64, i, q.phys_addr, q.size);
	}
	printf("\n");
}

static void counter_event(struct pciem_event *ev, void *arg);

static void reply_errno(int ret)
{
	if (ret < 0)
		printf("err %s\n", strerrorname_np(errno));
	else
		printf("ok\n");
}

static int set_watch(int fd, unsigned int bar, uint32_t off, unsigned int width)
{
	struct pciem_watchpoint_config wp = {
		.bar_index = bar, .offset = off, .width = width,
		.flags = PCIEM_WP_FLAG_BAR_KPROBES,
	};

	return ioctl(fd, PCIEM_IOCTL_SET_WATCHPOINT, &wp);
}

struct storm {
	int fd;
	unsigned int nvec;
};

/* Injects without pause until the process dies; refusals are expected. */
static void *storm_thread(void *arg)
{
	struct storm *storm = arg;

	for (unsigned int v = 0;; v = (v + 1) % storm->nvec) {
		struct pciem_irq_inject irq = { .vector = v };

		ioctl(storm->fd, PCIEM_IOCTL_INJECT_IRQ, &irq);
	}
	return NULL;
}

static void start_storm(struct dev_state *st, unsigned int nvec)
{
	static struct storm storm;
	pthread_t thread;

	storm.fd = st->fd;
	storm.nvec = nvec ? nvec : 1;
	if (pthread_create(&thread, NULL, storm_thread, &storm)) {
		printf("err pthread_create\n");
		return;
	}
	printf("ok\n");
}

/* Answers reads of the chosen register; late answers are refused. */
static void answer_event(struct dev_state *st, const struct pciem_event *ev)
{
	struct pciem_response rsp = { .seq = ev->seq };

	if (ev->type != PCIEM_EVENT_MMIO_READ ||
	    (int)ev->bar != atomic_load(&st->answer_bar) ||
	    ev->offset != atomic_load(&st->answer_off))
		return;
	rsp.data = atomic_load(&st->answered) + 1;
	if (ioctl(st->fd, PCIEM_IOCTL_RESPOND, &rsp) == 0)
		atomic_fetch_add(&st->answered, 1);
}

/* Runs on the consumer thread for every event. */
static void device_event(struct pciem_event *ev, void *arg)
{
	struct dev_state *st = arg;

	answer_event(st, ev);
	if (st->counter_device)
		counter_event(ev, st);
}

/* The walkthrough's counter device, driven from the consumer thread. */
static void counter_event(struct pciem_event *ev, void *arg)
{
	struct dev_state *st = arg;
	volatile uint32_t *bar0 = (volatile uint32_t *)st->bars[0].mem;

	if (ev->type != PCIEM_EVENT_MMIO_WRITE || ev->bar != 0 ||
	    ev->offset != 0x00 || !(ev->data & 1))
		return;
	st->counter++;
	bar0[0x08 / 4] = st->counter;
	if (st->counter % 10 == 0) {
		struct pciem_irq_inject irq = { .vector = 0 };

		if (ioctl(st->fd, PCIEM_IOCTL_INJECT_IRQ, &irq) < 0)
			perror("INJECT_IRQ");
	}
}

static void serve_events(struct dev_state *st, const char *cmd,
			 unsigned int bar, unsigned long long a,
			 unsigned int width, int n, const char *line)
{
	uint64_t recorded, dropped;
	char path[200], verdict[200];

	if (!strcmp(cmd, "events")) {
		event_log_counts(st->log, &recorded, &dropped);
		printf("ok recorded=%" PRIu64 " dropped=%" PRIu64 "\n", recorded,
		       dropped);
	} else if (!strcmp(cmd, "wait") && n == 3) {
		printf(event_log_wait(st->log, bar, a) ? "ok\n" : "err timeout\n");
	} else if (!strcmp(cmd, "clear")) {
		event_log_clear(st->log);
		printf("ok\n");
	} else if (!strcmp(cmd, "dump") && sscanf(line, "%*s %199s", path) == 1) {
		FILE *out = fopen(path, "w");

		if (!out) {
			printf("err %s\n", strerrorname_np(errno));
			return;
		}
		printf("ok %" PRIu64 "\n", event_log_dump(st->log, out));
		fclose(out);
	} else if ((!strcmp(cmd, "floodcheck") || !strcmp(cmd, "mmiocheck")) &&
		   n == 3) {
		uint32_t type = cmd[0] == 'f' ? PCIEM_EVENT_CONFIG_WRITE :
						PCIEM_EVENT_MMIO_WRITE;
		bool good = event_log_check_flood(st->log, type, bar, a, verdict,
						  sizeof(verdict));

		printf("%s %s\n", good ? "ok" : "err", verdict);
	} else {
		(void)width;
		printf("err bad command: %s", line);
	}
}

/* "BAR OFF SIZE WIDTH MODE FLAGS WMASK W1C" into @r; false if malformed. */
static bool parse_region(const char *args, struct pciem_region_config *r)
{
	unsigned long long off, size, wmask, w1c;

	memset(r, 0, sizeof(*r));
	if (sscanf(args, "%u %lli %lli %u %u %i %lli %lli", &r->bar_index, &off,
		   &size, &r->width, &r->mode, (int *)&r->flags, &wmask,
		   &w1c) != 8)
		return false;
	r->offset = off;
	r->size = size;
	r->write_mask = wmask;
	r->w1c_mask = w1c;
	return true;
}

/* What follows the command's name (and its first @skip words) in @line. */
static const char *args_after(const char *line, unsigned int skip)
{
	line += strcspn(line, " ");
	while (skip--) {
		line += strspn(line, " ");
		line += strcspn(line, " ");
	}
	return line;
}

static void cmd_region(struct dev_state *st, const char *line)
{
	struct pciem_region_config r;

	if (!parse_region(args_after(line, 0), &r)) {
		printf("err bad command: %s", line);
		return;
	}
	reply_errno(ioctl(st->fd, PCIEM_IOCTL_ADD_REGION, &r));
}

static void cmd_torn(struct dev_state *st, unsigned int bar, uint64_t off,
		     unsigned int ms)
{
	volatile uint32_t *reg;
	uint64_t reads = 0, backwards = 0;
	uint32_t last = 0;
	struct timespec t0, t;

	if (bar >= PCIEM_MAX_BARS || !st->bars[bar].mem ||
	    off % 4 || off + 4 > st->bars[bar].size) {
		printf("err bad register\n");
		return;
	}
	reg = (volatile uint32_t *)(st->bars[bar].mem + off);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 1000; i++) {
			uint32_t v = *reg;

			/* A new run of writes starts again from 0. */
			if (v < last && v != 0)
				backwards++;
			last = v;
			reads++;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	printf("ok reads=%" PRIu64 " backwards=%" PRIu64 "\n", reads, backwards);
}

/*
 * What pciem_reg_update() promises: a bit the device sets while the
 * kernel applies a driver's write (masks, write-1-to-clear) is not lost.
 */
static void cmd_setrace(struct dev_state *st, unsigned int bar, uint64_t off,
			unsigned int ms)
{
	uint32_t *reg;
	uint64_t rounds = 0, lost = 0;
	struct timespec t0, t;

	if (bar >= PCIEM_MAX_BARS || !st->bars[bar].mem ||
	    off % 4 || off + 4 > st->bars[bar].size) {
		printf("err bad register\n");
		return;
	}
	reg = (uint32_t *)(st->bars[bar].mem + off);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		for (int i = 0; i < 1000; i++) {
			__atomic_fetch_or(reg, 2u, __ATOMIC_SEQ_CST);
			if (!(__atomic_load_n(reg, __ATOMIC_SEQ_CST) & 2u))
				lost++;
			__atomic_fetch_and(reg, ~2u, __ATOMIC_SEQ_CST);
			rounds++;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((t.tv_sec - t0.tv_sec) * 1000 +
		 (t.tv_nsec - t0.tv_nsec) / 1000000 < ms);
	printf("ok rounds=%" PRIu64 " lost=%" PRIu64 "\n", rounds, lost);
}

/* Regions added and cleared in a loop, while a driver runs. */
static void cmd_region_toggle(struct dev_state *st, const char *line)
{
	struct pciem_region_config r;
	unsigned long n;

	if (sscanf(line, "%*s %lu", &n) != 1 ||
	    !parse_region(args_after(line, 1), &r)) {
		printf("err bad command: %s", line);
		return;
	}
	for (unsigned long i = 0; i < n; i++) {
		uint32_t index = r.bar_index;

		if (ioctl(st->fd, PCIEM_IOCTL_ADD_REGION, &r) < 0 ||
		    ioctl(st->fd, PCIEM_IOCTL_CLEAR_REGIONS, &index) < 0) {
			reply_errno(-1);
			return;
		}
	}
	printf("ok\n");
}

static void serve(struct dev_state *st, const char *fifo)
{
	char line[256];
	FILE *in;
	int fd;

	if (mkfifo(fifo, 0600) < 0 && errno != EEXIST)
		die("mkfifo");
	/* Read-write, so writers coming and going never look like EOF. */
	fd = open(fifo, O_RDWR);
	if (fd < 0)
		die("open command fifo");
	in = fdopen(fd, "r");
	if (!in)
		die("fdopen");
	while (fgets(line, sizeof(line), in)) {
		unsigned int bar, width;
		unsigned long long off, val;
		char cmd[16];
		int first;
		int n = sscanf(line, "%15s %i %lli %u %lli", cmd, &first, &off,
			       &width, &val);

		bar = first;

		if (n < 1)
			continue;
		if (!strcmp(cmd, "exit")) {
			printf("ok\n");
			fflush(stdout);
			return;
		} else if (!strcmp(cmd, "fill") && n == 3) {
			cmd_fill(st, bar, off);
		} else if (!strcmp(cmd, "check") && n == 3) {
			cmd_check(st, bar, off);
		} else if (!strcmp(cmd, "read") && n == 4) {
			cmd_rw(st, false, bar, off, width, 0);
		} else if (!strcmp(cmd, "write") && n == 5) {
			cmd_rw(st, true, bar, off, width, val);
		} else if (!strcmp(cmd, "info")) {
			cmd_info(st);
		} else if (!strcmp(cmd, "inject") && n == 2) {
			struct pciem_irq_inject irq = { .vector = bar };

			reply_errno(ioctl(st->fd, PCIEM_IOCTL_INJECT_IRQ, &irq));
		} else if (!strcmp(cmd, "watch") && n == 4) {
			reply_errno(set_watch(st->fd, bar, off, width));
		} else if (!strcmp(cmd, "counter")) {
			printf("ok %u\n", st->counter);
		} else if (!strcmp(cmd, "storm") && n == 2) {
			start_storm(st, bar);
		} else if (!strcmp(cmd, "region")) {
			cmd_region(st, line);
		} else if (!strcmp(cmd, "answer") && n == 3) {
			atomic_store(&st->answer_off, off);
			atomic_store(&st->answer_bar, (int)bar);
			printf("ok\n");
		} else if (!strcmp(cmd, "answered")) {
			printf("ok %llu\n",
			       (unsigned long long)atomic_load(&st->answered));
		} else if (!strcmp(cmd, "attach")) {
			reply_errno(ioctl(st->fd, PCIEM_IOCTL_ATTACH, 0));
		} else if (!strcmp(cmd, "torn") && n == 4) {
			cmd_torn(st, bar, off, width);
		} else if (!strcmp(cmd, "setrace") && n == 4) {
			cmd_setrace(st, bar, off, width);
		} else if (!strcmp(cmd, "regiontoggle")) {
			cmd_region_toggle(st, line);
		} else if (!strcmp(cmd, "unregion") && n == 2) {
			uint32_t index = bar;

			reply_errno(ioctl(st->fd, PCIEM_IOCTL_CLEAR_REGIONS, &index));
		} else if (!dma_cmd_serve(st->fd, line)) {
			serve_events(st, cmd, bar, off, width, n, line);
		}
		fflush(stdout);
	}
	fclose(in);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "subsys", required_argument, NULL, 's' },
		{ "class", required_argument, NULL, 'c' },
		{ "rev", required_argument, NULL, 'r' },
		{ "bar", required_argument, NULL, 'b' },
		{ "msi", required_argument, NULL, 'm' },
		{ "msix", required_argument, NULL, 'x' },
		{ "pm", no_argument, NULL, 'p' },
		{ "pcie", optional_argument, NULL, 'e' },
		{ "cmd", required_argument, NULL, 'C' },
		{ "watch", required_argument, NULL, 'w' },
		{ "counter", no_argument, NULL, 'k' },
		{ "config-reads", no_argument, NULL, 'R' },
		{ "slow-us", required_argument, NULL, 'S' },
		{ "defer-attach", no_argument, NULL, 'D' },
		{ 0 }
	};
	struct pciem_config_space cfg = {
		.vendor_id = 0x1234, .device_id = 0x5678,
		.subsys_vendor_id = 0x1234, .subsys_device_id = 0x5678,
		.class_code = { 0x00, 0x00, 0xff },
	};
	struct pciem_create_device create = { 0 };
	struct dev_state st = { 0 };
	const char *fifo = NULL;
	unsigned int v, d, w, slow_us = 0;
	int opt, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	st.fd = open("/dev/pciem", O_RDWR | O_CLOEXEC);
	if (st.fd < 0)
		die("open /dev/pciem");
	/* CREATE_DEVICE flags come from options: scan for them first. */
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--config-reads"))
			create.flags |= PCIEM_CREATE_CONFIG_READ_EVENTS;
		else if (!strcmp(argv[i], "--defer-attach"))
			create.flags |= PCIEM_CREATE_DEFER_ATTACH;
	xioctl(st.fd, PCIEM_IOCTL_CREATE_DEVICE, &create, "CREATE_DEVICE");

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'i':
		case 's':
			if (sscanf(optarg, "%x:%x", &v, &d) != 2)
				usage();
			if (opt == 'i') {
				cfg.vendor_id = v;
				cfg.device_id = d;
			} else {
				cfg.subsys_vendor_id = v;
				cfg.subsys_device_id = d;
			}
			break;
		case 'c':
			v = strtoul(optarg, NULL, 0);
			cfg.class_code[0] = v;
			cfg.class_code[1] = v >> 8;
			cfg.class_code[2] = v >> 16;
			break;
		case 'r':
			cfg.revision = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			add_bar(&st, optarg);
			break;
		case 'm':
			add_msi(st.fd, optarg);
			break;
		case 'x':
			add_msix(st.fd, optarg);
			break;
		case 'p': {
			struct pciem_cap_pm_userspace pm = { .pme_support = 0x18 };

			add_cap(st.fd, PCIEM_CAP_PM, &pm, sizeof(pm));
			break;
		}
		case 'e': {
			struct pciem_cap_pcie_userspace pcie = {
				.port_type = PCI_EXP_TYPE_ENDPOINT,
				.max_payload = 1, .link_speed = 3, .link_width = 4,
				.flr = optarg && !strcmp(optarg, "flr"),
			};

			add_cap(st.fd, PCIEM_CAP_PCIE, &pcie, sizeof(pcie));
			break;
		}
		case 'C':
			fifo = optarg;
			break;
		case 'w':
			if (sscanf(optarg, "%u:%i:%u", &v, &d, &w) != 3)
				usage();
			if (set_watch(st.fd, v, d, w) < 0)
				die("SET_WATCHPOINT");
			break;
		case 'k':
			st.counter_device = true;
			break;
		case 'R':
		case 'D':
			break;	/* handled before CREATE_DEVICE */
		case 'S':
			slow_us = strtoul(optarg, NULL, 0);
			break;
		default:
			usage();
		}
	}
	xioctl(st.fd, PCIEM_IOCTL_SET_CONFIG, &cfg, "SET_CONFIG");
	ret = ioctl(st.fd, PCIEM_IOCTL_REGISTER, 0);
	if (ret < 0)
		die("REGISTER");
	st.instance_fd = ret;
	map_bars(&st);
	atomic_store(&st.answer_bar, -1);
	st.log = event_log_start(st.fd, slow_us, device_event, &st);

	{
		struct pciem_device_info info;

		xioctl(st.fd, PCIEM_IOCTL_GET_DEVICE_INFO, &info, "GET_DEVICE_INFO");
		printf("registered %s\n", info.name);
	}
	if (fifo)
		serve(&st, fifo);
	else
		for (;;)
			pause();
	return 0;
}
