// SPDX-License-Identifier: MIT
/*
 * abi_misuse: every documented misuse of /dev/pciem returns its documented
 * errno (docs/abi.md) and leaves exactly one line in the kernel log that
 * says what was wrong.  Prints "PASS what" or "FAIL what: why" per case.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pciem.h"

static int failures;
static int kmsg = -1;

/* Drop kernel log records already there. */
static void kmsg_skip(void)
{
	char rec[1024];

	while (read(kmsg, rec, sizeof(rec)) > 0)
		;
}

/* Count new pciem records; keep the last one's text. */
static int kmsg_new(char *last, size_t len)
{
	char rec[1024];
	ssize_t n;
	int count = 0;

	while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0) {
		char *text;

		rec[n] = '\0';
		text = strchr(rec, ';');
		if (!text || !strstr(text, "pciem: "))
			continue;
		count++;
		snprintf(last, len, "%s", text + 1);
		last[strcspn(last, "\n")] = '\0';
	}
	return count;
}

static void verdict(bool pass, const char *what, const char *why)
{
	if (pass) {
		printf("PASS %s\n", what);
	} else {
		printf("FAIL %s: %s\n", what, why);
		failures++;
	}
}

/*
 * Run ioctl(fd, req, arg), expect -1 with errno @want and one kernel log
 * line containing @msg, or none if @msg is NULL.
 */
static void expect(const char *what, int fd, unsigned long req, void *arg,
		   int want, const char *msg)
{
	char why[1200], last[1024] = "";
	int ret, err, lines;

	kmsg_skip();
	ret = ioctl(fd, req, arg);
	err = errno;
	lines = kmsg_new(last, sizeof(last));
	if (ret != -1 || err != want) {
		snprintf(why, sizeof(why), "returned %d, errno %s; want %s", ret,
			 ret == -1 ? strerrorname_np(err) : "-",
			 strerrorname_np(want));
		verdict(false, what, why);
	} else if (msg ? lines != 1 || !strstr(last, msg) : lines != 0) {
		snprintf(why, sizeof(why),
			 "%d kernel log lines, last \"%s\"; want one with \"%s\"",
			 lines, last, msg ? msg : "(none)");
		verdict(false, what, why);
	} else {
		verdict(true, what, NULL);
	}
}

static void expect_ok(const char *what, int fd, unsigned long req, void *arg)
{
	char why[256];

	if (ioctl(fd, req, arg) < 0) {
		snprintf(why, sizeof(why), "failed: %s", strerror(errno));
		verdict(false, what, why);
	} else {
		verdict(true, what, NULL);
	}
}

/* DMA, DMA_ATOMIC and P2P on a registered device without a driver. */
static void dma(int fd)
{
	char buf[64];
	struct pciem_dma_op op = {
		.guest_iova = 0x80000000, .user_addr = (uintptr_t)buf,
		.length = sizeof(buf), .flags = PCIEM_DMA_FLAG_READ,
	};
	struct pciem_dma_seg segs[2] = {
		{ .iova = 0x80000000, .length = 16 },
		{ .iova = 0x80001000, .length = 16 },
	};
	struct pciem_dma_sg_op sg = {
		.segs = (uintptr_t)segs, .user_addr = (uintptr_t)buf,
		.nr_segs = 2, .flags = PCIEM_DMA_FLAG_READ,
	};
	struct pciem_dma_atomic at = {
		.guest_iova = 0x80000000, .op_type = PCIEM_ATOMIC_FETCH_ADD,
	};
	struct pciem_p2p_op_user p2p = {
		.target_phys_addr = 0x100000000ULL, .user_addr = (uintptr_t)buf,
		.length = sizeof(buf), .flags = PCIEM_DMA_FLAG_WRITE,
	};

	op.pasid = 1;
	expect("DMA with a PASID", fd, PCIEM_IOCTL_DMA, &op, EOPNOTSUPP,
	       "DMA: pasid 1, but PASIDs are not supported");
	op.pasid = 0;
	op.flags = PCIEM_DMA_FLAG_READ | PCIEM_DMA_FLAG_WRITE;
	expect("DMA with both direction flags", fd, PCIEM_IOCTL_DMA, &op,
	       EINVAL, "DMA: flags 0x3, want PCIEM_DMA_FLAG_READ or _WRITE");
	op.flags = PCIEM_DMA_FLAG_READ;
	op.reserved = 1;
	expect("DMA with a reserved field set", fd, PCIEM_IOCTL_DMA, &op,
	       EINVAL, "DMA: reserved field must be 0");
	op.reserved = 0;
	op.user_addr = 0xffffffff81000000ULL;
	expect("DMA into kernel memory", fd, PCIEM_IOCTL_DMA, &op, EFAULT,
	       "is not user memory");
	op.user_addr = (uintptr_t)buf;
	op.length = 0;
	expect_ok("DMA of 0 bytes does nothing", fd, PCIEM_IOCTL_DMA, &op);

	sg.pasid = 1;
	expect("DMA_SG with a PASID", fd, PCIEM_IOCTL_DMA_SG, &sg, EOPNOTSUPP,
	       "DMA_SG: pasid 1, but PASIDs are not supported");
	sg.pasid = 0;
	sg.flags = 0;
	expect("DMA_SG with no direction", fd, PCIEM_IOCTL_DMA_SG, &sg, EINVAL,
	       "DMA_SG: flags 0x0, want PCIEM_DMA_FLAG_READ or _WRITE");
	sg.flags = PCIEM_DMA_FLAG_READ;
	sg.reserved = 1;
	expect("DMA_SG with a reserved field set", fd, PCIEM_IOCTL_DMA_SG, &sg,
	       EINVAL, "DMA_SG: reserved field must be 0");
	sg.reserved = 0;
	segs[1].reserved = 1;
	expect("DMA_SG with a segment's reserved field set", fd,
	       PCIEM_IOCTL_DMA_SG, &sg, EINVAL,
	       "DMA_SG: segment 1: reserved field must be 0");
	segs[1].reserved = 0;
	sg.nr_segs = PCIEM_DMA_SG_MAX_SEGS + 1;
	expect("DMA_SG of too many segments", fd, PCIEM_IOCTL_DMA_SG, &sg,
	       EINVAL, "DMA_SG: 1025 segments, at most 1024");
	sg.nr_segs = 2;
	sg.segs = 0xffffffff81000000ULL;
	expect("DMA_SG with a segment array in kernel memory", fd,
	       PCIEM_IOCTL_DMA_SG, &sg, EFAULT, "segment array");
	sg.segs = (uintptr_t)segs;
	segs[0].length = segs[1].length = 0x80000000u;
	expect("DMA_SG of 4 GiB in all", fd, PCIEM_IOCTL_DMA_SG, &sg, EINVAL,
	       "DMA_SG: 4294967296 bytes in all, at most 4294967295");
	segs[0].length = segs[1].length = 16;
	sg.user_addr = 0xffffffff81000000ULL;
	expect("DMA_SG into kernel memory", fd, PCIEM_IOCTL_DMA_SG, &sg, EFAULT,
	       "is not user memory");
	sg.user_addr = (uintptr_t)buf;
	sg.nr_segs = 0;
	expect_ok("DMA_SG of no segments does nothing", fd, PCIEM_IOCTL_DMA_SG,
		  &sg);

	at.pasid = 2;
	expect("DMA_ATOMIC with a PASID", fd, PCIEM_IOCTL_DMA_ATOMIC, &at,
	       EOPNOTSUPP, "DMA_ATOMIC: pasid 2, but PASIDs are not supported");
	at.pasid = 0;
	at.op_type = 8;
	expect("DMA_ATOMIC op 8", fd, PCIEM_IOCTL_DMA_ATOMIC, &at, EINVAL,
	       "DMA_ATOMIC: unknown op_type 0x8");
	at.op_type = PCIEM_ATOMIC_SWAP | 0x200;
	expect("DMA_ATOMIC unknown op_type bits", fd, PCIEM_IOCTL_DMA_ATOMIC,
	       &at, EINVAL, "DMA_ATOMIC: unknown op_type 0x203");
	at.op_type = PCIEM_ATOMIC_SWAP | PCIEM_ATOMIC_WIDTH_32;
	at.operand = 1ULL << 32;
	expect("DMA_ATOMIC 32-bit with a 64-bit operand", fd,
	       PCIEM_IOCTL_DMA_ATOMIC, &at, EINVAL,
	       "32-bit operation with a 64-bit operand or compare value");
	at.operand = 0;
	at.op_type = PCIEM_ATOMIC_FETCH_ADD;
	at.guest_iova = 0x80000004;
	expect("DMA_ATOMIC misaligned", fd, PCIEM_IOCTL_DMA_ATOMIC, &at, EINVAL,
	       "DMA_ATOMIC: IOVA 0x80000004 is not aligned to 8 bytes");

	expect("P2P with p2p_regions empty", fd, PCIEM_IOCTL_P2P, &p2p, EPERM,
	       "P2P: 0x100000000+64 is outside the ranges of the p2p_regions parameter");
	p2p.flags = 0;
	expect("P2P without a direction", fd, PCIEM_IOCTL_P2P, &p2p, EINVAL,
	       "P2P: flags 0x0, want PCIEM_DMA_FLAG_READ or _WRITE");
}

static int open_dev(void)
{
	int fd = open("/dev/pciem", O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		perror("open /dev/pciem");
		exit(1);
	}
	return fd;
}

static int created(void)
{
	struct pciem_create_device c = { 0 };
	int fd = open_dev();

	if (ioctl(fd, PCIEM_IOCTL_CREATE_DEVICE, &c) < 0) {
		perror("CREATE_DEVICE");
		exit(1);
	}
	return fd;
}

static struct pciem_bar_config bar(uint32_t index, uint64_t size,
				   uint32_t flags)
{
	return (struct pciem_bar_config){ .bar_index = index, .size = size,
					  .flags = flags };
}

static struct pciem_cap_config cap(uint32_t type, const void *data,
				   uint32_t size)
{
	struct pciem_cap_config c = { .cap_type = type, .cap_size = size };

	memcpy(c.cap_data, data, size < sizeof(c.cap_data) ? size : sizeof(c.cap_data));
	return c;
}

static const struct pciem_config_space good_cfg = {
	.vendor_id = 0x1234, .device_id = 0x5678, .class_code = { 0, 0, 0xff },
};

static void watchpoints(int fd)
{
	struct pciem_watchpoint_config wp = {
		.bar_index = 0, .offset = 0x10, .width = 4,
		.flags = PCIEM_WP_FLAG_BAR_MANUAL,
	};

	expect("SET_WATCHPOINT with PCIEM_WP_FLAG_BAR_MANUAL", fd,
	       PCIEM_IOCTL_SET_WATCHPOINT, &wp, EOPNOTSUPP,
	       "PCIEM_WP_FLAG_BAR_MANUAL is not supported");
	wp.flags = 0;
	expect("SET_WATCHPOINT without flags", fd, PCIEM_IOCTL_SET_WATCHPOINT,
	       &wp, EINVAL, "flags 0x0; expected PCIEM_WP_FLAG_BAR_KPROBES");
	wp.flags = PCIEM_WP_FLAG_BAR_KPROBES;
	wp.width = 3;
	expect("SET_WATCHPOINT width 3", fd, PCIEM_IOCTL_SET_WATCHPOINT, &wp,
	       EINVAL, "width must be 1, 2, 4 or 8");
	wp.width = 8;
	wp.offset = 0x14;
	expect("SET_WATCHPOINT misaligned", fd, PCIEM_IOCTL_SET_WATCHPOINT, &wp,
	       EINVAL, "width must be 1, 2, 4 or 8");
	wp.offset = 0x1000;
	wp.width = 4;
	expect("SET_WATCHPOINT past the end of the BAR", fd,
	       PCIEM_IOCTL_SET_WATCHPOINT, &wp, EINVAL, "inside BAR 0");
	wp.offset = 0;
	wp.bar_index = 1;
	expect("SET_WATCHPOINT on a BAR the device lacks", fd,
	       PCIEM_IOCTL_SET_WATCHPOINT, &wp, EINVAL, "has no BAR 1");
	wp.bar_index = 0;
	expect_ok("SET_WATCHPOINT before REGISTER", fd,
		  PCIEM_IOCTL_SET_WATCHPOINT, &wp);
	expect("SET_WATCHPOINT twice on one register", fd,
	       PCIEM_IOCTL_SET_WATCHPOINT, &wp, EEXIST, "already watched");
}

static void order(void)
{
	struct pciem_create_device c = { 0 };
	struct pciem_bar_config b = bar(0, 4096, 0);
	struct pciem_config_space cfg = good_cfg;
	struct pciem_device_info info;
	int fd = open_dev(), inst;

	expect("ADD_BAR before CREATE_DEVICE", fd, PCIEM_IOCTL_ADD_BAR, &b,
	       EBADFD, "ADD_BAR: not allowed before CREATE_DEVICE");
	expect("REGISTER before CREATE_DEVICE", fd, PCIEM_IOCTL_REGISTER, NULL,
	       EBADFD, "REGISTER: not allowed before CREATE_DEVICE");
	expect("GET_DEVICE_INFO before REGISTER", fd,
	       PCIEM_IOCTL_GET_DEVICE_INFO, &info, EBADFD,
	       "GET_DEVICE_INFO: not allowed before CREATE_DEVICE");
	expect("ATTACH before REGISTER", fd, PCIEM_IOCTL_ATTACH, NULL, EBADFD,
	       "ATTACH: not allowed before CREATE_DEVICE");
	expect("DMA before REGISTER", fd, PCIEM_IOCTL_DMA,
	       &(struct pciem_dma_op){ .flags = PCIEM_DMA_FLAG_READ }, EBADFD,
	       "DMA: not allowed before CREATE_DEVICE");
	expect("INJECT_IRQ before REGISTER", fd, PCIEM_IOCTL_INJECT_IRQ,
	       &(struct pciem_irq_inject){ 0 }, EBADFD,
	       "INJECT_IRQ: not allowed before CREATE_DEVICE");
	expect("ADD_REGION before CREATE_DEVICE", fd, PCIEM_IOCTL_ADD_REGION,
	       &(struct pciem_region_config){ .width = 4, .size = 4 }, EBADFD,
	       "ADD_REGION: not allowed before CREATE_DEVICE");
	expect("SET_WATCHPOINT before CREATE_DEVICE", fd,
	       PCIEM_IOCTL_SET_WATCHPOINT,
	       &(struct pciem_watchpoint_config){ .width = 4,
			.flags = PCIEM_WP_FLAG_BAR_KPROBES }, EBADFD,
	       "SET_WATCHPOINT: not allowed before CREATE_DEVICE");
	c.flags = 4;
	expect("CREATE_DEVICE with unknown flags", fd,
	       PCIEM_IOCTL_CREATE_DEVICE, &c, EINVAL, "unknown flags 0x4");
	c.flags = 0;
	c.mode = 1;
	expect("CREATE_DEVICE with unknown mode", fd,
	       PCIEM_IOCTL_CREATE_DEVICE, &c, EINVAL, "unknown mode 1");
	c.mode = 0;
	expect_ok("CREATE_DEVICE", fd, PCIEM_IOCTL_CREATE_DEVICE, &c);
	expect("CREATE_DEVICE twice", fd, PCIEM_IOCTL_CREATE_DEVICE, &c,
	       EEXIST, "already has a device");
	expect_ok("ADD_BAR 0", fd, PCIEM_IOCTL_ADD_BAR, &b);
	watchpoints(fd);
	expect("REGISTER without SET_CONFIG", fd, PCIEM_IOCTL_REGISTER, NULL,
	       EBADFD, "SET_CONFIG has not been called");
	expect_ok("SET_CONFIG", fd, PCIEM_IOCTL_SET_CONFIG, &cfg);
	inst = ioctl(fd, PCIEM_IOCTL_REGISTER, NULL);
	verdict(inst >= 0, "REGISTER returns an instance fd", strerror(errno));
	b.bar_index = 1;
	expect("ADD_BAR after REGISTER", fd, PCIEM_IOCTL_ADD_BAR, &b, EBADFD,
	       "ADD_BAR: not allowed after REGISTER");
	expect("SET_CONFIG after REGISTER", fd, PCIEM_IOCTL_SET_CONFIG, &cfg,
	       EBADFD, "SET_CONFIG: not allowed after REGISTER");
	expect("REGISTER twice", fd, PCIEM_IOCTL_REGISTER, NULL, EBADFD,
	       "REGISTER: not allowed after REGISTER");
	expect("ADD_BAR after REGISTER, on the instance fd", inst,
	       PCIEM_IOCTL_ADD_BAR, &b, EBADFD,
	       "ADD_BAR: not allowed after REGISTER");
	expect("unknown ioctl", fd, _IO(PCIEM_IOCTL_MAGIC, 99), NULL, ENOTTY,
	       "unknown ioctl 0xaf63");
	expect("RESPOND for a seq no read waits for", fd, PCIEM_IOCTL_RESPOND,
	       &(struct pciem_response){ .seq = 12345 }, ENOENT,
	       "no read waits for seq 12345");
	expect("RESPOND with a reserved field set", fd, PCIEM_IOCTL_RESPOND,
	       &(struct pciem_response){ .reserved = 1 }, EINVAL,
	       "RESPOND: reserved field must be 0");
	expect("GET_BAR_INFO of a BAR the device lacks", fd,
	       PCIEM_IOCTL_GET_BAR_INFO,
	       &(struct pciem_bar_info_query){ .bar_index = 3 }, ENOENT,
	       "has no BAR 3");
	expect("GET_BAR_INFO of BAR 6", fd, PCIEM_IOCTL_GET_BAR_INFO,
	       &(struct pciem_bar_info_query){ .bar_index = 6 }, EINVAL,
	       "BAR index 6 out of range");
	expect("a bad pointer", fd, PCIEM_IOCTL_GET_BAR_INFO, (void *)8, EFAULT,
	       NULL);
	expect("INJECT_IRQ with a reserved field set", fd,
	       PCIEM_IOCTL_INJECT_IRQ,
	       &(struct pciem_irq_inject){ .reserved = 1 }, EINVAL,
	       "INJECT_IRQ: reserved field must be 0");
	expect("INJECT_IRQ before a driver enabled interrupts", fd,
	       PCIEM_IOCTL_INJECT_IRQ, &(struct pciem_irq_inject){ 0 }, ENXIO,
	       "no driver has enabled interrupts");
	expect("SET_EVENTFD with a descriptor that is not an eventfd", fd,
	       PCIEM_IOCTL_SET_EVENTFD,
	       &(struct pciem_eventfd_config){ .eventfd = fd }, EINVAL,
	       "is not an eventfd");
	expect("SET_EVENTFD with a reserved field set", fd,
	       PCIEM_IOCTL_SET_EVENTFD,
	       &(struct pciem_eventfd_config){ .eventfd = -1, .reserved = 1 },
	       EINVAL, "SET_EVENTFD: reserved field must be 0");

	/* mmap of the instance fd */
	{
		void *m;

		kmsg_skip();
		m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, inst,
			 PCIEM_BAR_MMAP_OFFSET(2));
		verdict(m == MAP_FAILED && errno == EINVAL,
			"mmap of a BAR the device lacks: EINVAL", "mapped");
		m = mmap(NULL, 8192, PROT_READ, MAP_SHARED, inst, 0);
		verdict(m == MAP_FAILED && errno == EINVAL,
			"mmap past the end of a BAR: EINVAL", "mapped");
		m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, inst, 0);
		verdict(m == MAP_FAILED && errno == EINVAL,
			"MAP_PRIVATE mmap of a BAR: EINVAL", "mapped");
		m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, inst, 0);
		verdict(m != MAP_FAILED, "MAP_SHARED mmap of BAR 0 works",
			strerror(errno));
		if (m != MAP_FAILED)
			munmap(m, 4096);
		m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
		verdict(m == MAP_FAILED && errno == EINVAL,
			"mmap of the control fd at an offset other than 0: EINVAL",
			"mapped");
		m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
		verdict(m == MAP_FAILED && errno == EINVAL,
			"MAP_PRIVATE mmap of the ring: EINVAL", "mapped");
		m = mmap(NULL, 1 << 20, PROT_READ, MAP_SHARED, fd, 0);
		verdict(m == MAP_FAILED && errno == EINVAL,
			"mmap larger than the ring: EINVAL", "mapped");
		m = mmap(NULL, sizeof(struct pciem_shared_ring),
			 PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		verdict(m != MAP_FAILED, "the ring maps with its own size",
			strerror(errno));
		if (m != MAP_FAILED)
			munmap(m, sizeof(struct pciem_shared_ring));
	}
	dma(fd);
	expect("ATTACH without PCIEM_CREATE_DEFER_ATTACH", fd, PCIEM_IOCTL_ATTACH,
	       NULL, EINVAL,
	       "ATTACH: the device was not created with PCIEM_CREATE_DEFER_ATTACH");
	close(inst);
	close(fd);
}

/* ADD_REGION and CLEAR_REGIONS on a device with BAR 0 (4 KiB). */
static void regions(int fd)
{
	struct pciem_region_config r = {
		.bar_index = 0, .offset = 0x10, .size = 0x10, .width = 4,
		.write_mask = 0xffffffff,
	};
	uint32_t index = 1;

	r.width = 3;
	expect("ADD_REGION width 3", fd, PCIEM_IOCTL_ADD_REGION, &r, EINVAL,
	       "width 3 is not 1, 2, 4 or 8");
	r.width = 4;
	r.offset = 0x12;
	expect("ADD_REGION not aligned to its width", fd,
	       PCIEM_IOCTL_ADD_REGION, &r, EINVAL, "must be whole 4-byte registers");
	r.offset = 0xff8;
	expect("ADD_REGION past the end of the BAR", fd, PCIEM_IOCTL_ADD_REGION,
	       &r, EINVAL, "inside BAR 0");
	r.offset = 0x10;
	r.write_mask = 0x1ffffffffULL;
	expect("ADD_REGION mask wider than the register", fd,
	       PCIEM_IOCTL_ADD_REGION, &r, EINVAL, "masks must fit 4 bytes");
	r.write_mask = 0xff;
	r.w1c_mask = 0x1;
	expect("ADD_REGION write-1-to-clear bits also in write_mask", fd,
	       PCIEM_IOCTL_ADD_REGION, &r, EINVAL,
	       "must not be in write_mask");
	r.w1c_mask = 0;
	r.flags = 8;
	expect("ADD_REGION unknown flags", fd, PCIEM_IOCTL_ADD_REGION, &r,
	       EINVAL, "unknown flags 0x8");
	r.flags = 0;
	r.mode = 3;
	expect("ADD_REGION unknown mode", fd, PCIEM_IOCTL_ADD_REGION, &r,
	       EINVAL, "or mode 3");
	r.mode = PCIEM_PAGE_TRAP_ALL;
	r.bar_index = 1;
	expect("ADD_REGION on a BAR the device lacks", fd,
	       PCIEM_IOCTL_ADD_REGION, &r, EINVAL, "has no BAR 1");
	r.bar_index = 0;
	expect_ok("ADD_REGION", fd, PCIEM_IOCTL_ADD_REGION, &r);
	r.offset = 0x1c;
	expect("ADD_REGION overlapping another", fd, PCIEM_IOCTL_ADD_REGION,
	       &r, EBUSY, "overlaps the region at 0x10-0x1f of BAR 0");
	expect("CLEAR_REGIONS of a BAR the device lacks", fd,
	       PCIEM_IOCTL_CLEAR_REGIONS, &index, EINVAL, "has no BAR 1");
	index = 0;
	expect_ok("CLEAR_REGIONS", fd, PCIEM_IOCTL_CLEAR_REGIONS, &index);
	{
		struct pciem_region_config one = {
			.bar_index = 0, .size = 1, .width = 1, .write_mask = 0xff,
		};
		bool all = true;

		for (one.offset = 0; one.offset < PCIEM_MAX_REGIONS; one.offset++)
			all &= ioctl(fd, PCIEM_IOCTL_ADD_REGION, &one) == 0;
		verdict(all, "ADD_REGION PCIEM_MAX_REGIONS times", strerror(errno));
		expect("ADD_REGION once more than PCIEM_MAX_REGIONS", fd,
		       PCIEM_IOCTL_ADD_REGION, &one, ENOSPC,
		       "BAR 0 has 1024 regions already");
		expect_ok("CLEAR_REGIONS of them all", fd,
			  PCIEM_IOCTL_CLEAR_REGIONS, &index);
	}
	{
		struct pciem_response rsp = { .seq = 1 };

		expect("RESPOND before REGISTER", fd, PCIEM_IOCTL_RESPOND, &rsp,
		       EBADFD, "RESPOND: not allowed while building");
	}
	expect_ok("ADD_REGION where the cleared one was", fd,
		  PCIEM_IOCTL_ADD_REGION, &r);
}

static void bars(void)
{
	const uint32_t m64 = PCI_BASE_ADDRESS_MEM_TYPE_64;
	struct pciem_bar_config b;
	int fd = created();

	b = bar(6, 4096, 0);
	expect("BAR index 6", fd, PCIEM_IOCTL_ADD_BAR, &b, EINVAL,
	       "BAR index 6 out of range (0-5)");
	b = bar(5, 4096, m64);
	expect("64-bit BAR at index 5", fd, PCIEM_IOCTL_ADD_BAR, &b, EINVAL,
	       "BAR index 5 out of range (0-4 for a 64-bit BAR)");
	b = bar(0, 4096, 0);
	b.reserved = 1;
	expect("ADD_BAR reserved field set", fd, PCIEM_IOCTL_ADD_BAR, &b,
	       EINVAL, "reserved field must be 0");
	b = bar(0, 4096, PCI_BASE_ADDRESS_SPACE_IO);
	expect("I/O-port BAR", fd, PCIEM_IOCTL_ADD_BAR, &b, EOPNOTSUPP,
	       "I/O-port BARs are not supported");
	b = bar(0, 4096, 0x10);
	expect("unknown BAR flags", fd, PCIEM_IOCTL_ADD_BAR, &b, EINVAL,
	       "unknown flags 0x10");
	b = bar(0, 4096, PCI_BASE_ADDRESS_MEM_TYPE_1M);
	expect("below-1M BAR type", fd, PCIEM_IOCTL_ADD_BAR, &b, EINVAL,
	       "below-1M BARs are not supported");
	b = bar(0, 0, 0);
	expect("BAR size 0", fd, PCIEM_IOCTL_ADD_BAR, &b, EINVAL,
	       "size 0 must be a power of two");
	b = bar(0, 12288, 0);
	expect("BAR size not a power of two", fd, PCIEM_IOCTL_ADD_BAR, &b,
	       EINVAL, "size 12288 must be a power of two");
	b = bar(0, 2048, 0);
	expect("BAR size below 4 KiB", fd, PCIEM_IOCTL_ADD_BAR, &b, EINVAL,
	       "size 2048 must be");
	b = bar(0, 1ULL << 30, m64);
	expect("BAR size above 512 MiB", fd, PCIEM_IOCTL_ADD_BAR, &b, EINVAL,
	       "size 1073741824 must be");
	b = bar(0, 4096, 0);
	expect_ok("ADD_BAR 0", fd, PCIEM_IOCTL_ADD_BAR, &b);
	expect("BAR 0 again", fd, PCIEM_IOCTL_ADD_BAR, &b, EBUSY,
	       "BAR 0 already added");
	b = bar(2, 1 << 20, m64);
	expect_ok("ADD_BAR 2, 64-bit", fd, PCIEM_IOCTL_ADD_BAR, &b);
	b = bar(3, 4096, 0);
	expect("upper half of a 64-bit BAR", fd, PCIEM_IOCTL_ADD_BAR, &b,
	       EBUSY, "BAR 3 is the upper half of 64-bit BAR 2");
	b = bar(1, 4096, m64);
	expect("64-bit BAR whose upper half is taken", fd, PCIEM_IOCTL_ADD_BAR,
	       &b, EBUSY, "64-bit BAR 1 needs index 2");
	regions(fd);
	close(fd);
}

static void caps(void)
{
	struct pciem_cap_msi_userspace msi = { .num_vectors_log2 = 6 };
	struct pciem_cap_msix_userspace msix = {
		.bar_index = 0, .table_size = 8, .table_offset = 0,
		.pba_offset = 0x800,
	};
	struct pciem_cap_pcie_userspace pcie = { .link_width = 3 };
	struct pciem_bar_config b = bar(0, 4096, 0);
	struct pciem_config_space cfg = good_cfg;
	struct pciem_cap_config c;
	int fd = created();

	c = cap(0x09, &msi, sizeof(msi));
	expect("unknown capability type", fd, PCIEM_IOCTL_ADD_CAPABILITY, &c,
	       EINVAL, "unknown cap_type 0x9");
	c = cap(PCIEM_CAP_MSI, &msi, sizeof(msi));
	c.cap_size = 300;
	expect("oversized capability payload", fd, PCIEM_IOCTL_ADD_CAPABILITY,
	       &c, E2BIG, "cap_size 300 exceeds 256");
	c.cap_size = 3;
	expect("capability payload of the wrong size", fd,
	       PCIEM_IOCTL_ADD_CAPABILITY, &c, EINVAL,
	       "cap_size 3, expected 4");
	c = cap(PCIEM_CAP_MSI, &msi, sizeof(msi));
	expect("MSI with 64 vectors", fd, PCIEM_IOCTL_ADD_CAPABILITY, &c,
	       EINVAL, "num_vectors_log2 0-5");
	c = cap(PCIEM_CAP_PCIE, &pcie, sizeof(pcie));
	expect("PCIe link width 3", fd, PCIEM_IOCTL_ADD_CAPABILITY, &c, EINVAL,
	       "link_width 3");
	c = cap(PCIEM_CAP_MSIX, &msix, sizeof(msix));
	expect("MSI-X in a BAR not added", fd, PCIEM_IOCTL_ADD_CAPABILITY, &c,
	       EINVAL, "MSI-X is in BAR 0, which has not been added");
	expect_ok("ADD_BAR 0", fd, PCIEM_IOCTL_ADD_BAR, &b);
	msix.table_offset = 0xf88;
	c = cap(PCIEM_CAP_MSIX, &msix, sizeof(msix));
	expect("MSI-X table past the end of its BAR", fd,
	       PCIEM_IOCTL_ADD_CAPABILITY, &c, EINVAL,
	       "not 8-byte aligned inside BAR 0");
	msix.table_offset = 0;
	msix.pba_offset = 0x1000;
	c = cap(PCIEM_CAP_MSIX, &msix, sizeof(msix));
	expect("MSI-X PBA outside its BAR", fd, PCIEM_IOCTL_ADD_CAPABILITY, &c,
	       EINVAL, "not 8-byte aligned inside BAR 0");
	msix.pba_offset = 0x40;
	c = cap(PCIEM_CAP_MSIX, &msix, sizeof(msix));
	expect("MSI-X table and PBA overlapping", fd,
	       PCIEM_IOCTL_ADD_CAPABILITY, &c, EINVAL, "table and PBA overlap");
	msix.pba_offset = 0x804;
	c = cap(PCIEM_CAP_MSIX, &msix, sizeof(msix));
	expect("MSI-X PBA misaligned", fd, PCIEM_IOCTL_ADD_CAPABILITY, &c,
	       EINVAL, "not 8-byte aligned");
	msix.pba_offset = 0x800;
	msix.table_size = 0;
	c = cap(PCIEM_CAP_MSIX, &msix, sizeof(msix));
	expect("MSI-X with no vectors", fd, PCIEM_IOCTL_ADD_CAPABILITY, &c,
	       EINVAL, "table_size 0 not in 1-2048");
	msix.table_size = 8;
	msix.reserved2 = 1;
	c = cap(PCIEM_CAP_MSIX, &msix, sizeof(msix));
	expect("MSI-X reserved field set", fd, PCIEM_IOCTL_ADD_CAPABILITY, &c,
	       EINVAL, "MSI-X reserved fields must be 0");
	msix.reserved2 = 0;
	c = cap(PCIEM_CAP_MSIX, &msix, sizeof(msix));
	expect_ok("ADD_CAPABILITY MSI-X", fd, PCIEM_IOCTL_ADD_CAPABILITY, &c);
	expect("MSI-X twice", fd, PCIEM_IOCTL_ADD_CAPABILITY, &c, EEXIST,
	       "cap_type 0x11 already added");

	cfg.reserved[3] = 1;
	expect("SET_CONFIG reserved bytes set", fd, PCIEM_IOCTL_SET_CONFIG,
	       &cfg, EINVAL, "reserved bytes must be 0");
	cfg = good_cfg;
	cfg.header_type = 0x80;
	expect("SET_CONFIG multi-function header", fd, PCIEM_IOCTL_SET_CONFIG,
	       &cfg, EINVAL, "header_type 0x80");
	cfg = good_cfg;
	cfg.vendor_id = 0xffff;
	expect("SET_CONFIG vendor 0xffff", fd, PCIEM_IOCTL_SET_CONFIG, &cfg,
	       EINVAL, "vendor_id 0xffff");
	cfg.vendor_id = 0x0001;
	expect("SET_CONFIG vendor 0x0001 (retry status)", fd,
	       PCIEM_IOCTL_SET_CONFIG, &cfg, EINVAL,
	       "vendor_id 0x0001 is the Configuration Request Retry Status answer");
	close(fd);
}

/*
 * REGISTER that cannot place a BAR fails cleanly: nothing is left on the
 * bus and the fd is still building.
 */
static void no_room(void)
{
	struct pciem_config_space cfg = good_cfg;
	struct pciem_bar_config b;
	struct pciem_device_info info;
	int fd = created();

	b = bar(0, PCIEM_BAR_SIZE_MAX, 0);
	expect_ok("ADD_BAR 0, 512 MiB, 32-bit", fd, PCIEM_IOCTL_ADD_BAR, &b);
	b = bar(1, PCIEM_BAR_SIZE_MAX, 0);
	expect_ok("ADD_BAR 1, 512 MiB, 32-bit", fd, PCIEM_IOCTL_ADD_BAR, &b);
	b = bar(2, PCIEM_BAR_SIZE_MAX, 0);
	expect_ok("ADD_BAR 2, 512 MiB, 32-bit", fd, PCIEM_IOCTL_ADD_BAR, &b);
	expect_ok("SET_CONFIG", fd, PCIEM_IOCTL_SET_CONFIG, &cfg);
	expect("REGISTER with 1.5 GiB of 32-bit BARs", fd, PCIEM_IOCTL_REGISTER,
	       NULL, ENOSPC, "no free 32-bit below 4 GiB address range for BAR");
	expect("and the device is not registered", fd,
	       PCIEM_IOCTL_GET_DEVICE_INFO, &info, EBADFD,
	       "GET_DEVICE_INFO: not allowed while building");
	close(fd);
}

/*
 * In a child that gave up root, an ioctl on @fd (@ioctl_it) or an mmap of
 * @fd at page @pgoff must fail with EPERM.  Returns the child's status:
 * 0 when it was refused as it should be.
 */
static int unprivileged_use(int fd, bool ioctl_it, off_t pgoff)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		struct pciem_create_device c = { 0 };
		void *p;

		if (setuid(65534) < 0)
			_exit(2);
		if (ioctl_it)
			_exit(ioctl(fd, PCIEM_IOCTL_CREATE_DEVICE, &c) == -1 &&
			      errno == EPERM ? 0 : 1);
		p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 pgoff * 4096);
		_exit(p == MAP_FAILED && errno == EPERM ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

/*
 * Without CAP_SYS_ADMIN every use of the files is refused, even on fds
 * opened by root and handed over: ioctls, and mmap of the ring and of the
 * BARs, each with one kernel log line.
 */
static void privilege(void)
{
	struct pciem_create_device c = { 0 };
	struct pciem_bar_config b = bar(0, 4096, 0);
	struct pciem_config_space cfg = good_cfg;
	char last[1024] = "";
	struct stat st;
	int fd = open_dev(), inst, lines;

	verdict(stat("/dev/pciem", &st) == 0 && (st.st_mode & 0777) == 0600 &&
		st.st_uid == 0, "/dev/pciem is 0600 root", "wrong mode");
	kmsg_skip();
	verdict(unprivileged_use(fd, true, 0) == 0,
		"ioctl without CAP_SYS_ADMIN: EPERM", "not refused");
	lines = kmsg_new(last, sizeof(last));
	verdict(lines == 1 && strstr(last, "ioctl 0x") &&
		strstr(last, "needs CAP_SYS_ADMIN"),
		"ioctl without CAP_SYS_ADMIN: one log line", last);

	expect_ok("CREATE_DEVICE (for mmap)", fd, PCIEM_IOCTL_CREATE_DEVICE, &c);
	expect_ok("ADD_BAR 0 (for mmap)", fd, PCIEM_IOCTL_ADD_BAR, &b);
	expect_ok("SET_CONFIG (for mmap)", fd, PCIEM_IOCTL_SET_CONFIG, &cfg);
	inst = ioctl(fd, PCIEM_IOCTL_REGISTER, NULL);
	verdict(inst >= 0, "REGISTER (for mmap)", strerror(errno));

	kmsg_skip();
	verdict(unprivileged_use(fd, false, 0) == 0,
		"mmap of the ring without CAP_SYS_ADMIN: EPERM", "not refused");
	lines = kmsg_new(last, sizeof(last));
	verdict(lines == 1 && strstr(last, "mmap of the ring") &&
		strstr(last, "needs CAP_SYS_ADMIN"),
		"mmap of the ring without CAP_SYS_ADMIN: one log line", last);
	if (inst >= 0) {
		kmsg_skip();
		verdict(unprivileged_use(inst, false,
					 PCIEM_BAR_MMAP_OFFSET(0) / 4096) == 0,
			"mmap of a BAR without CAP_SYS_ADMIN: EPERM",
			"not refused");
		lines = kmsg_new(last, sizeof(last));
		verdict(lines == 1 && strstr(last, "mmap of BARs") &&
			strstr(last, "needs CAP_SYS_ADMIN"),
			"mmap of a BAR without CAP_SYS_ADMIN: one log line", last);
		close(inst);
	}
	close(fd);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg < 0) {
		perror("open /dev/kmsg");
		return 1;
	}
	lseek(kmsg, 0, SEEK_END);
	order();
	bars();
	caps();
	no_room();
	privilege();
	return failures ? 1 : 0;
}
