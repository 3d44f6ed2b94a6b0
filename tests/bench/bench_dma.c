// SPDX-License-Identifier: MIT
/*
 * bench_dma N: PCIEM_IOCTL_DMA bandwidth and cost, beside memcpy().
 *
 * Builds a device (1234:d3a0, BAR0 4 KiB) for pciem_dma_test, prints
 * "registered ADDR", has the driver allocate a 16 MiB coherent buffer
 * through the device's sysfs file, then for 4 KiB, 64 KiB, 1 MiB and
 * 16 MiB moves about N * 4 KiB in each direction and copies the same bytes
 * with memcpy() between two user buffers.  One line per size:
 *   "size=S write_mbs=W read_mbs=R memcpy_mbs=M"
 * and then N single 4 KiB DMA writes timed one by one, and as many 4 KiB
 * memcpy() calls:
 *   "call n=N p50=NS p99=NS memcpy_p50=NS"
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "pciem.h"
#include "stats.h"
#include "xioctl.h"

#define BUF_SIZE	(16u << 20)

/* Write @cmd to the driver's file; read its result into @out. */
static int driver(const char *addr, const char *cmd, char *out, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/dma", addr);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	if (write(fd, cmd, strlen(cmd)) < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    (n = read(fd, out, len - 1)) < 0) {
		close(fd);
		return -1;
	}
	out[n] = '\0';
	close(fd);
	return 0;
}

/* Keeps the compiler from dropping copies nobody reads. */
static void clobber(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static int dma(int fd, uint64_t iova, void *buf, uint32_t len, uint32_t flags)
{
	struct pciem_dma_op op = {
		.guest_iova = iova, .user_addr = (uintptr_t)buf, .length = len,
		.flags = flags,
	};

	return ioctl(fd, PCIEM_IOCTL_DMA, &op);
}

/* MB/s of @reps DMA transfers of @size bytes, or of memcpy() if fd < 0. */
static double bandwidth(int fd, uint64_t iova, uint8_t *a, uint8_t *b,
			uint32_t size, size_t reps, uint32_t flags)
{
	uint64_t t0 = now_ns();

	for (size_t i = 0; i < reps; i++) {
		if (fd < 0) {
			memcpy(b, a, size);
			clobber(b);
		} else if (dma(fd, iova, a, size, flags) < 0) {
			perror("DMA");
			exit(1);
		}
	}
	return (double)size * reps / ((now_ns() - t0) / 1e3);
}

int main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 4u << 10, 64u << 10, 1u << 20,
					  16u << 20 };
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000;
	struct pciem_create_device create = { 0 };
	struct pciem_bar_config bar = { .bar_index = 0, .size = 4096 };
	struct pciem_config_space cfg = {
		.vendor_id = 0x1234, .device_id = 0xd3a0,
		.class_code = { 0, 0, 0xff },
	};
	struct pciem_device_info info;
	uint64_t *cost, *copy, p50, p99, mp50, mp99, iova;
	uint8_t *a, *b;
	char out[128];
	int fd, tries;

	a = malloc(BUF_SIZE);
	b = malloc(BUF_SIZE);
	cost = calloc(n ? n : 1, sizeof(*cost));
	copy = calloc(n ? n : 1, sizeof(*copy));
	fd = open("/dev/pciem", O_RDWR | O_CLOEXEC);
	if (!a || !b || !cost || !copy || fd < 0 || !n) {
		perror("bench_dma setup");
		return 1;
	}
	memset(a, 0x5a, BUF_SIZE);
	memset(b, 0xa5, BUF_SIZE);
	xioctl(fd, PCIEM_IOCTL_CREATE_DEVICE, &create, "CREATE_DEVICE");
	xioctl(fd, PCIEM_IOCTL_ADD_BAR, &bar, "ADD_BAR");
	xioctl(fd, PCIEM_IOCTL_SET_CONFIG, &cfg, "SET_CONFIG");
	if (ioctl(fd, PCIEM_IOCTL_REGISTER, 0) < 0) {
		perror("REGISTER");
		return 1;
	}
	xioctl(fd, PCIEM_IOCTL_GET_DEVICE_INFO, &info, "GET_DEVICE_INFO");
	printf("registered %s\n", info.name);
	fflush(stdout);

	/* The driver binds from a work item: wait for its file. */
	for (tries = 0; driver(info.name, "coherent 0 16777216", out,
			       sizeof(out)) < 0; tries++) {
		if (tries == 200) {
			fprintf(stderr, "bench_dma: driver: %s\n", strerror(errno));
			return 1;
		}
		usleep(50000);
	}
	if (sscanf(out, "iova=%lli", (long long *)&iova) != 1) {
		fprintf(stderr, "bench_dma: driver said '%s'\n", out);
		return 1;
	}

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t s = sizes[i];
		size_t reps = (n * 4096 + s - 1) / s;

		printf("size=%u write_mbs=%.0f read_mbs=%.0f memcpy_mbs=%.0f\n",
		       s, bandwidth(fd, iova, a, b, s, reps, PCIEM_DMA_FLAG_WRITE),
		       bandwidth(fd, iova, a, b, s, reps, PCIEM_DMA_FLAG_READ),
		       bandwidth(-1, iova, a, b, s, reps, 0));
	}

	for (size_t i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		if (dma(fd, iova, a, 4096, PCIEM_DMA_FLAG_WRITE) < 0) {
			perror("DMA");
			return 1;
		}
		cost[i] = now_ns() - t0;
		t0 = now_ns();
		memcpy(b, a, 4096);
		clobber(b);
		copy[i] = now_ns() - t0;
	}
	stats_percentiles(cost, n, &p50, &p99);
	stats_percentiles(copy, n, &mp50, &mp99);
	printf("call n=%zu p50=%llu p99=%llu memcpy_p50=%llu\n", n,
	       (unsigned long long)p50, (unsigned long long)p99,
	       (unsigned long long)mp50);
	driver(info.name, "free 0", out, sizeof(out));
	return 0;
}
