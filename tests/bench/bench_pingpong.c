// SPDX-License-Identifier: MIT
/*
 * bench_pingpong N: the floor for a kernel-to-process wake-up.  Two
 * processes ping-pong over two eventfds; the woken side measures, from a
 * timestamp the other wrote just before signalling, how long its wake-up
 * took (poll + read, as a PCIem device process waits for events).
 * Prints "pingpong n=N p50=NS p99=NS rtt_p50=NS rtt_p99=NS", the last two
 * for the whole round trip seen by the first process.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stats.h"

struct shared {
	volatile uint64_t t0;
	uint64_t samples[];
};

static void wait_fd(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t v;

	while (poll(&pfd, 1, -1) < 1)
		;
	if (read(fd, &v, sizeof(v)) != sizeof(v)) {
		perror("read eventfd");
		exit(1);
	}
}

static void signal_fd(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) != sizeof(one)) {
		perror("write eventfd");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000;
	int ping = eventfd(0, EFD_NONBLOCK), pong = eventfd(0, EFD_NONBLOCK);
	uint64_t *rtt = calloc(n ? n : 1, sizeof(*rtt));
	uint64_t p50, p99, r50, r99;
	struct shared *sh;
	pid_t pid;

	sh = mmap(NULL, sizeof(*sh) + n * sizeof(uint64_t),
		  PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ping < 0 || pong < 0 || sh == MAP_FAILED || !rtt || !n) {
		perror("bench_pingpong setup");
		return 1;
	}
	pid = fork();
	if (pid == 0) {
		for (size_t i = 0; i < n; i++) {
			wait_fd(ping);
			sh->samples[i] = now_ns() - sh->t0;
			signal_fd(pong);
		}
		_exit(0);
	}
	for (size_t i = 0; i < n; i++) {
		sh->t0 = now_ns();
		signal_fd(ping);
		wait_fd(pong);
		rtt[i] = now_ns() - sh->t0;
	}
	waitpid(pid, NULL, 0);
	stats_percentiles(sh->samples, n, &p50, &p99);
	stats_percentiles(rtt, n, &r50, &r99);
	printf("pingpong n=%zu p50=%llu p99=%llu rtt_p50=%llu rtt_p99=%llu\n", n,
	       (unsigned long long)p50, (unsigned long long)p99,
	       (unsigned long long)r50, (unsigned long long)r99);
	return 0;
}
