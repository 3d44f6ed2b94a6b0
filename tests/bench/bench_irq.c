// SPDX-License-Identifier: MIT
/*
 * bench_irq N GO_FILE: INJECT_IRQ cost.  Builds a device (1234:5678, BAR0
 * 4 KiB, one MSI-X vector), prints "registered ADDR" and waits for GO_FILE
 * to exist (the driver has enabled the vector and pciem_test's latency
 * file reads BAR0 0x100).  Then N times: store CLOCK_MONOTONIC at BAR0
 * 0x100, INJECT_IRQ vector 0.  The driver's handler measures injection to
 * handler; this prints the whole ioctl's time: "inject n=N p50=NS p99=NS",
 * then keeps the device until GO_FILE is removed, so the driver's figures
 * can be read.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pciem.h"
#include "stats.h"
#include "xioctl.h"

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000;
	const char *go = argc > 2 ? argv[2] : "/tmp/go";
	struct pciem_create_device create = { 0 };
	struct pciem_bar_config bar = { .bar_index = 0, .size = 4096 };
	struct pciem_cap_msix_userspace msix = {
		.bar_index = 0, .table_offset = 0x800, .pba_offset = 0xc00,
		.table_size = 1,
	};
	struct pciem_cap_config cap = {
		.cap_type = PCIEM_CAP_MSIX, .cap_size = sizeof(msix),
	};
	struct pciem_config_space cfg = {
		.vendor_id = 0x1234, .device_id = 0x5678,
		.class_code = { 0, 0, 0xff },
	};
	struct pciem_device_info info;
	volatile uint64_t *bar0;
	uint64_t *cost, p50, p99;
	int fd, inst;

	memcpy(cap.cap_data, &msix, sizeof(msix));
	cost = calloc(n ? n : 1, sizeof(*cost));
	fd = open("/dev/pciem", O_RDWR | O_CLOEXEC);
	if (!cost || fd < 0 || !n) {
		perror("bench_irq setup");
		return 1;
	}
	xioctl(fd, PCIEM_IOCTL_CREATE_DEVICE, &create, "CREATE_DEVICE");
	xioctl(fd, PCIEM_IOCTL_ADD_BAR, &bar, "ADD_BAR");
	xioctl(fd, PCIEM_IOCTL_ADD_CAPABILITY, &cap, "ADD_CAPABILITY");
	xioctl(fd, PCIEM_IOCTL_SET_CONFIG, &cfg, "SET_CONFIG");
	inst = ioctl(fd, PCIEM_IOCTL_REGISTER, 0);
	if (inst < 0) {
		perror("REGISTER");
		return 1;
	}
	bar0 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, inst, 0);
	if (bar0 == MAP_FAILED) {
		perror("mmap BAR0");
		return 1;
	}
	xioctl(fd, PCIEM_IOCTL_GET_DEVICE_INFO, &info, "GET_DEVICE_INFO");
	printf("registered %s\n", info.name);
	fflush(stdout);
	while (access(go, F_OK))
		usleep(10000);

	for (size_t i = 0; i < n; i++) {
		struct pciem_irq_inject irq = { .vector = 0 };
		uint64_t t0 = now_ns();

		bar0[0x100 / 8] = t0;
		xioctl(fd, PCIEM_IOCTL_INJECT_IRQ, &irq, "INJECT_IRQ");
		cost[i] = now_ns() - t0;
	}
	stats_percentiles(cost, n, &p50, &p99);
	printf("inject n=%zu p50=%llu p99=%llu\n", n, (unsigned long long)p50,
	       (unsigned long long)p99);
	fflush(stdout);
	while (!access(go, F_OK))
		usleep(10000);
	return 0;
}
