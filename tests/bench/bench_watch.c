// SPDX-License-Identifier: MIT
/*
 * bench_watch N: latency from a driver's writel() on a watched register to
 * the device process seeing the event.  Builds a device (1234:5678, BAR0
 * 4 KiB) with a watchpoint on BAR0 0x00, prints "registered ADDR", then
 * waits for events on the ring's eventfd as the walkthrough does and takes,
 * for each of N MMIO_WRITE events, the time since the event's timestamp.
 * The driver must write one at a time (pciem_test "mmioflood N 0 0 GAP").
 * Prints "watch n=N p50=NS p99=NS lost=L".
 */
#include <fcntl.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pciem.h"
#include "stats.h"
#include "xioctl.h"

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000, got = 0;
	struct pciem_create_device create = { 0 };
	struct pciem_bar_config bar = { .bar_index = 0, .size = 4096 };
	struct pciem_config_space cfg = {
		.vendor_id = 0x1234, .device_id = 0x5678,
		.class_code = { 0, 0, 0xff },
	};
	struct pciem_watchpoint_config wp = {
		.bar_index = 0, .offset = 0, .width = 4,
		.flags = PCIEM_WP_FLAG_BAR_KPROBES,
	};
	struct pciem_eventfd_config efd_cfg;
	struct pciem_shared_ring *ring;
	struct pciem_device_info info;
	uint64_t *lat, p50, p99;
	struct pollfd pfd;
	uint32_t head;
	int fd;

	lat = calloc(n ? n : 1, sizeof(*lat));
	fd = open("/dev/pciem", O_RDWR | O_CLOEXEC);
	if (!lat || fd < 0 || !n) {
		perror("bench_watch setup");
		return 1;
	}
	xioctl(fd, PCIEM_IOCTL_CREATE_DEVICE, &create, "CREATE_DEVICE");
	xioctl(fd, PCIEM_IOCTL_ADD_BAR, &bar, "ADD_BAR");
	xioctl(fd, PCIEM_IOCTL_SET_CONFIG, &cfg, "SET_CONFIG");
	xioctl(fd, PCIEM_IOCTL_SET_WATCHPOINT, &wp, "SET_WATCHPOINT");
	if (ioctl(fd, PCIEM_IOCTL_REGISTER, 0) < 0) {
		perror("REGISTER");
		return 1;
	}
	efd_cfg = (struct pciem_eventfd_config){
		.eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK),
	};
	xioctl(fd, PCIEM_IOCTL_SET_EVENTFD, &efd_cfg, "SET_EVENTFD");
	ring = mmap(NULL, sizeof(*ring), PROT_READ | PROT_WRITE, MAP_SHARED,
		    fd, 0);
	if (ring == MAP_FAILED) {
		perror("mmap ring");
		return 1;
	}
	xioctl(fd, PCIEM_IOCTL_GET_DEVICE_INFO, &info, "GET_DEVICE_INFO");
	printf("registered %s\n", info.name);
	fflush(stdout);

	pfd = (struct pollfd){ .fd = efd_cfg.eventfd, .events = POLLIN };
	head = atomic_load(&ring->head);
	while (got < n) {
		uint32_t tail = atomic_load(&ring->tail);

		if (head == tail) {
			uint64_t count;

			if (poll(&pfd, 1, 30000) < 1)
				break;	/* the driver stopped writing */
			if (read(pfd.fd, &count, sizeof(count)) < 0)
				continue;
			continue;
		}
		while (head != tail && got < n) {
			struct pciem_event *ev;
			uint64_t now = now_ns();

			atomic_thread_fence(memory_order_acquire);
			ev = &ring->events[head];
			if (ev->type == PCIEM_EVENT_MMIO_WRITE)
				lat[got++] = now - ev->timestamp;
			head = (head + 1) % PCIEM_RING_SIZE;
			atomic_store(&ring->head, head);
		}
	}
	if (!got) {
		fprintf(stderr, "bench_watch: no events\n");
		return 1;
	}
	stats_percentiles(lat, got, &p50, &p99);
	printf("watch n=%zu p50=%llu p99=%llu lost=%llu\n", got,
	       (unsigned long long)p50, (unsigned long long)p99,
	       (unsigned long long)atomic_load(&ring->dropped));
	return got == n ? 0 : 1;
}
