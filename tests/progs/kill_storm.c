// SPDX-License-Identifier: MIT
/*
 * kill_storm: device processes (pciem_dev) killed with SIGKILL at random
 * points of their devices' lives, one after another: while building, while
 * the driver probes, in the middle of DMA, of a synchronous read, of region
 * changes, while writing garbage over their BAR (MSI-X table and PBA
 * included).  A third of them draw a moment to be stopped (SIGSTOP) for a
 * random while, and most of those are continued (SIGCONT) before the
 * kill; about half draw one before their kill, so one in six stops.
 * Seeded, so a run can be replayed.
 *
 *   kill_storm [--seed N] [--count N] [--max-ms N]
 *
 * Each round starts one pciem_dev, sends it the commands of its kind and
 * kills it 0..max-ms (default 150) ms after it started.  The scenario
 * around it keeps drivers busy on whatever devices exist.  Prints
 * "storm: kills=N registered=R stops=S" (R: rounds whose device got as far
 * as registering) and exits non-zero only if it could not run.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum kind { BUILD, PROBE, DMA, SYNC_READ, REGIONS, GARBAGE, KINDS };

static const char *const kind_args[KINDS][8] = {
	[BUILD] = { "--bar", "0:16K", "--msix", "4:0:0x2000:0x3000", NULL },
	[PROBE] = { "--bar", "0:16K", "--msix", "8:0:0x2000:0x3000", "--pm", NULL },
	[DMA] = { "--id", "1234:d3a0", "--bar", "0:4K", NULL },
	[SYNC_READ] = { "--bar", "0:16K", "--msi", "4:64:mask", NULL },
	[REGIONS] = { "--bar", "0:16K", "--bar", "2:64K:64", NULL },
	[GARBAGE] = { "--bar", "0:16K", "--msix", "8:0:0x2000:0x3000", NULL },
};

/* What each kind asks of its process, over and over until it dies. */
static const char *const kind_cmds[KINDS] = {
	[BUILD] = "",
	[PROBE] = "inject 0\n",
	[DMA] = "dmaw 0x8000000000 65536 7\ndmar 0x8000000000 65536\n",
	[SYNC_READ] = "region 0 0x100 4 4 2 4 0xffffffff 0\ninject 1\n",
	[REGIONS] = "region 0 0x1000 0x1000 4 1 1 0xffffffff 0\nunregion 0\n",
	[GARBAGE] = NULL,	/* made up each round: garbage_cmds() */
};

static uint64_t rng;

static uint64_t next(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}

/* Random dwords anywhere in BAR 0 (table at 0x2000, PBA at 0x3000), then
 * interrupts asked for, so the kernel reads what was written. */
static void garbage_cmds(char *buf, size_t size)
{
	size_t n = 0;

	for (unsigned int i = 0; i < 8; i++) {
		unsigned int off = (i & 1 ? 0x2000 + next() % 0x1008 : next() % 0x4000) & ~3u;

		n += snprintf(buf + n, size - n, "write 0 0x%x 4 0x%llx\n", off,
			      (unsigned long long)(next() & 0xffffffff));
	}
	snprintf(buf + n, size - n, "inject %llu\n", (unsigned long long)(next() % 8));
}

static void sleep_ms(unsigned int ms)
{
	struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&t, &t) < 0 && errno == EINTR)
		;
}

/* Did this round's process get its device registered? */
static int registered(const char *out)
{
	char line[256];
	int yes = 0;
	FILE *f = fopen(out, "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		yes |= !strncmp(line, "registered ", 11);
	fclose(f);
	return yes;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "max-ms", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	const char *fifo = "/tmp/kill_storm.cmd", *out = "/tmp/kill_storm.out";
	unsigned long count = 1000, max_ms = 150, kills = 0, regs = 0, stops = 0;
	uint64_t seed = 1;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'c': count = strtoul(optarg, NULL, 0); break;
		case 'm': max_ms = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: kill_storm [--seed N] [--count N] [--max-ms N]\n");
			return 2;
		}
	}
	rng = (seed + 1) * 0x9E3779B97F4A7C15ULL;
	signal(SIGPIPE, SIG_IGN);
	for (unsigned long round = 0; round < count; round++) {
		enum kind k = next() % KINDS;
		unsigned int delay = max_ms ? next() % (max_ms + 1) : 0;
		const char *args[16] = { "pciem_dev", "--cmd", fifo };
		const char *cmds = kind_cmds[k];
		unsigned int n = 3, stop = next() % 3 == 0;
		unsigned int stop_at = max_ms ? next() % (max_ms + 1) : 0;
		unsigned int stopped_for = max_ms ? next() % (max_ms + 1) : 0;
		int cont = next() % 4 != 0;
		char garbage[512];
		pid_t pid;
		int fd;

		for (unsigned int i = 0; kind_args[k][i]; i++)
			args[n++] = kind_args[k][i];
		unlink(fifo);
		if (mkfifo(fifo, 0600) < 0) {
			perror("kill_storm: mkfifo");
			return 1;
		}
		pid = fork();
		if (pid < 0) {
			perror("kill_storm: fork");
			return 1;
		}
		if (pid == 0) {
			int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

			if (o >= 0) {
				dup2(o, 1);
				dup2(o, 2);
			}
			execvp(args[0], (char **)args);
			_exit(127);
		}
		/* Commands as fast as the fifo takes them, until the kill. */
		fd = open(fifo, O_RDWR | O_NONBLOCK);
		if (k == GARBAGE) {
			garbage_cmds(garbage, sizeof(garbage));
			cmds = garbage;
		}
		if (fd >= 0 && *cmds) {
			size_t len = strlen(cmds);

			for (unsigned int i = 0; i < 16; i++)
				if (write(fd, cmds, len) < 0)
					break;
		}
		if (stop && stop_at < delay) {
			/* Stopped, maybe continued, then killed at its time. */
			unsigned int left = delay - stop_at;
			unsigned int held = stopped_for < left ? stopped_for : left;

			sleep_ms(stop_at);
			kill(pid, SIGSTOP);
			stops++;
			sleep_ms(held);
			if (cont)
				kill(pid, SIGCONT);
			sleep_ms(left - held);
		} else {
			sleep_ms(delay);
		}
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		if (fd >= 0)
			close(fd);
		kills++;
		regs += registered(out);
	}
	unlink(fifo);
	printf("storm: kills=%lu registered=%lu stops=%lu\n", kills, regs, stops);
	return 0;
}
