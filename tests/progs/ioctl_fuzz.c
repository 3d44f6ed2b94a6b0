// SPDX-License-Identifier: MIT
/*
 * ioctl_fuzz: seeded, reproducible random use of /dev/pciem by several
 * threads at once: every ioctl on control and instance fds with random,
 * boundary and hostile arguments (bad pointers, reserved bits, huge
 * sizes), random mmaps of the ring and of BARs, and fds closed and
 * reopened at random while the others use them.  Devices get the test
 * drivers' IDs, so drivers bind to some of them and run meanwhile.
 *
 *   ioctl_fuzz [--seed N] [--threads N] [--calls N] [--seconds N]
 *
 * Stops after --calls calls in all (default 1000000) or --seconds
 * (default 120), whichever comes first, and prints
 *   "fuzz: seed=S threads=T calls=N registered=R seconds=X"
 * The same seed replays the same choices per thread (their interleaving
 * is the scheduler's).  The kernel staying clean is what the VM test
 * checks; this program only exits non-zero if it could not run at all.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "pciem.h"

#define SLOTS		6	/* devices alive at once, at most */
#define MAX_THREADS	16

/* A device being built or registered: its control and instance fds. */
struct slot {
	pthread_mutex_t lock;	/* ctl and inst; fds are dup()ed to be used */
	int ctl;
	int inst;
};

struct fuzz {
	struct slot slots[SLOTS];
	uint64_t seed;
	uint64_t max_calls;
	double max_seconds;
	atomic_uint_fast64_t calls;
	atomic_uint_fast64_t registered;
	struct timespec start;
	uint8_t *buf;		/* user memory for DMA and P2P */
	size_t buf_len;
	int efd;		/* an eventfd for SET_EVENTFD */
};

struct worker {
	struct fuzz *fz;
	uint64_t rng;
};

static uint64_t next(struct worker *w)
{
	/* xorshift64* */
	w->rng ^= w->rng >> 12;
	w->rng ^= w->rng << 25;
	w->rng ^= w->rng >> 27;
	return w->rng * 0x2545F4914F6CDD1DULL;
}

static uint64_t below(struct worker *w, uint64_t n)
{
	return n ? next(w) % n : 0;
}

static bool chance(struct worker *w, unsigned int percent)
{
	return below(w, 100) < percent;
}

/* A value that is often at a boundary: 0, 1, a power of two or one off it, all ones. */
static uint64_t edgy(struct worker *w, uint64_t sane_max)
{
	unsigned int shift = below(w, 64);

	switch (below(w, 8)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return 1ULL << shift;
	case 3: return (1ULL << shift) - 1;
	case 4: return (1ULL << shift) + 1;
	case 5: return ~0ULL;
	default: return below(w, sane_max + 1);
	}
}

static double elapsed(const struct fuzz *fz)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - fz->start.tv_sec) +
	       (t.tv_nsec - fz->start.tv_nsec) / 1e9;
}

/* A dup of slot @i's control (or instance) fd, or -1. */
static int take_fd(struct fuzz *fz, unsigned int i, bool inst)
{
	struct slot *s = &fz->slots[i];
	int fd;

	pthread_mutex_lock(&s->lock);
	fd = inst ? s->inst : s->ctl;
	fd = fd >= 0 ? dup(fd) : -1;
	pthread_mutex_unlock(&s->lock);
	return fd;
}

static void slot_close(struct slot *s, bool ctl, bool inst)
{
	pthread_mutex_lock(&s->lock);
	if (ctl && s->ctl >= 0) {
		close(s->ctl);
		s->ctl = -1;
	}
	if (inst && s->inst >= 0) {
		close(s->inst);
		s->inst = -1;
	}
	pthread_mutex_unlock(&s->lock);
}

static void slot_open(struct slot *s)
{
	int fd = open("/dev/pciem", O_RDWR | O_CLOEXEC);

	pthread_mutex_lock(&s->lock);
	if (s->ctl >= 0)
		close(s->ctl);
	if (s->inst >= 0)
		close(s->inst);
	s->ctl = fd;
	s->inst = -1;
	pthread_mutex_unlock(&s->lock);
}

/* The argument pointer: mostly @arg, sometimes one the kernel must refuse. */
static void *arg_ptr(struct worker *w, void *arg)
{
	switch (below(w, 40)) {
	case 0: return NULL;
	case 1: return (void *)0x10;
	case 2: return (void *)0xffff888000000000ULL;	/* kernel memory */
	case 3: return (uint8_t *)arg + 4096 * 1024;	/* likely unmapped */
	default: return arg;
	}
}

/* Every bit of a register @width bytes wide (all 64 for other widths). */
static uint64_t all_bits(uint32_t width)
{
	return width == 1 || width == 2 || width == 4 ?
	       (1ULL << (8 * width)) - 1 : ~0ULL;
}

static uint32_t bar_flags(struct worker *w)
{
	static const uint32_t valid[] = { 0x0, 0x4, 0x8, 0xc };

	return chance(w, 90) ? valid[below(w, 4)] : (uint32_t)next(w);
}

static void fill_cap(struct worker *w, struct pciem_cap_config *c)
{
	static const uint32_t types[] = {
		PCIEM_CAP_PM, PCIEM_CAP_MSI, PCIEM_CAP_PCIE, PCIEM_CAP_MSIX,
	};

	c->cap_type = chance(w, 90) ? types[below(w, 4)] : (uint32_t)edgy(w, 255);
	switch (c->cap_type) {
	case PCIEM_CAP_MSI: {
		struct pciem_cap_msi_userspace *m = (void *)c->cap_data;

		c->cap_size = sizeof(*m);
		m->num_vectors_log2 = below(w, 7);
		m->has_64bit = below(w, 2);
		m->has_masking = below(w, 2);
		break;
	}
	case PCIEM_CAP_MSIX: {
		struct pciem_cap_msix_userspace *m = (void *)c->cap_data;

		c->cap_size = sizeof(*m);
		m->bar_index = below(w, 7);
		m->table_size = chance(w, 80) ? 1 + below(w, 64) : edgy(w, 4096);
		m->table_offset = below(w, 4) * 0x800;
		m->pba_offset = 0x800 * (4 + below(w, 4));
		break;
	}
	case PCIEM_CAP_PCIE: {
		struct pciem_cap_pcie_userspace *p = (void *)c->cap_data;

		c->cap_size = sizeof(*p);
		p->port_type = below(w, 12);
		p->max_payload = below(w, 7);
		p->link_speed = below(w, 6);
		p->link_width = 1 << below(w, 6);
		p->flr = below(w, 2);
		break;
	}
	default:
		c->cap_size = sizeof(struct pciem_cap_pm_userspace);
		c->cap_data[0] = below(w, 2);
		c->cap_data[1] = below(w, 2);
		c->cap_data[2] = below(w, 32);
		c->cap_data[3] = below(w, 2);
		break;
	}
	if (chance(w, 5))
		c->cap_size = edgy(w, PCIEM_CAP_DATA_MAX + 8);
	if (chance(w, 5))
		c->cap_data[below(w, 12)] = next(w);
}

static void fill_config(struct worker *w, struct pciem_config_space *c)
{
	static const uint16_t ids[] = { 0x5678, 0x5679, 0xd3a0, 0x1111 };

	c->vendor_id = chance(w, 95) ? 0x1234 : (uint16_t)edgy(w, 0xffff);
	c->device_id = ids[below(w, 4)];
	c->subsys_vendor_id = 0x1234;
	c->subsys_device_id = next(w);
	c->revision = next(w);
	c->class_code[0] = next(w);
	c->class_code[2] = 0xff;
	if (chance(w, 5))
		c->header_type = next(w);
}

static void do_mmap(struct worker *w, struct fuzz *fz, unsigned int i)
{
	bool inst = chance(w, 60);
	int fd = take_fd(fz, i, inst);
	size_t len = chance(w, 80) ? 4096 * (1 + below(w, 4)) : edgy(w, 1 << 22);
	off_t off = inst ? (off_t)PCIEM_BAR_MMAP_OFFSET(below(w, 7)) +
			   4096 * (off_t)below(w, 4) :
			   (chance(w, 90) ? 0 : 4096);
	int flags = chance(w, 90) ? MAP_SHARED : MAP_PRIVATE;
	volatile uint8_t *p;

	if (fd < 0)
		return;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, off);
	atomic_fetch_add(&fz->calls, 1);
	if (p != MAP_FAILED) {
		/* The first byte is inside whatever was mapped. */
		p[0] = p[0] + 1;
		munmap((void *)p, len);
	}
	close(fd);
}

/* One random step.  Every ioctl goes through a dup of a slot's fd. */
static void step(struct worker *w)
{
	struct fuzz *fz = w->fz;
	unsigned int i = below(w, SLOTS), op = below(w, 25);
	union {
		struct pciem_create_device create;
		struct pciem_bar_config bar;
		struct pciem_cap_config cap;
		struct pciem_config_space cfg;
		struct pciem_irq_inject irq;
		struct pciem_dma_op dma;
		struct pciem_dma_sg_op sg;
		struct pciem_dma_atomic atomic;
		struct pciem_p2p_op_user p2p;
		struct pciem_bar_info_query info;
		struct pciem_watchpoint_config wp;
		struct pciem_eventfd_config efd;
		struct pciem_device_info dev;
		struct pciem_region_config region;
		struct pciem_response rsp;
		uint32_t index;
		uint8_t raw[512];
	} a;
	struct pciem_dma_seg segs[8];
	unsigned long req;
	bool on_inst = chance(w, 15);
	int fd, ret;

	memset(&a, 0, sizeof(a));
	switch (op) {
	case 0:
		slot_open(&fz->slots[i]);
		return;
	case 1:
		if (chance(w, 30))
			slot_close(&fz->slots[i], chance(w, 70), chance(w, 70));
		return;
	case 2:
		do_mmap(w, fz, i);
		return;
	case 3:
		req = PCIEM_IOCTL_CREATE_DEVICE;
		a.create.flags = chance(w, 90) ? below(w, 4) : next(w);
		a.create.mode = chance(w, 95) ? 0 : next(w);
		break;
	case 4:
	case 5:
		req = PCIEM_IOCTL_ADD_BAR;
		a.bar.bar_index = chance(w, 90) ? below(w, 6) : edgy(w, 16);
		a.bar.flags = bar_flags(w);
		a.bar.size = chance(w, 90) ? 4096ULL << below(w, 9) : edgy(w, 1ULL << 40);
		if (a.bar.size > (8ULL << 20) && a.bar.size <= PCIEM_BAR_SIZE_MAX)
			a.bar.size = 4096;	/* keep memory bounded */
		a.bar.reserved = chance(w, 95) ? 0 : next(w);
		break;
	case 6:
		req = PCIEM_IOCTL_ADD_CAPABILITY;
		fill_cap(w, &a.cap);
		break;
	case 7:
		req = PCIEM_IOCTL_SET_CONFIG;
		fill_config(w, &a.cfg);
		break;
	case 8:
		req = PCIEM_IOCTL_REGISTER;
		break;
	case 9:
		req = PCIEM_IOCTL_INJECT_IRQ;
		a.irq.vector = chance(w, 90) ? below(w, 40) : edgy(w, 1 << 16);
		a.irq.reserved = chance(w, 95) ? 0 : next(w);
		break;
	case 10:
	case 11:
		req = PCIEM_IOCTL_DMA;
		a.dma.guest_iova = chance(w, 50) ? 0x8000000000ULL + below(w, 1 << 20) :
				   edgy(w, 1ULL << 40);
		a.dma.length = chance(w, 90) ? below(w, fz->buf_len) : edgy(w, 1U << 31);
		a.dma.user_addr = chance(w, 90) ? (uintptr_t)fz->buf : edgy(w, ~0ULL);
		a.dma.flags = chance(w, 90) ? 1 + below(w, 2) : next(w);
		a.dma.pasid = chance(w, 95) ? 0 : next(w);
		break;
	case 12:
		req = PCIEM_IOCTL_DMA_ATOMIC;
		a.atomic.guest_iova = 0x8000000000ULL + 8 * below(w, 1 << 16);
		a.atomic.op_type = chance(w, 90) ? 1 + below(w, 7) +
			(chance(w, 50) ? PCIEM_ATOMIC_WIDTH_32 : 0) : next(w);
		a.atomic.operand = next(w);
		a.atomic.compare = next(w);
		break;
	case 13:
		req = PCIEM_IOCTL_P2P;
		a.p2p.target_phys_addr = edgy(w, 1ULL << 40);
		a.p2p.user_addr = (uintptr_t)fz->buf;
		a.p2p.length = below(w, fz->buf_len);
		a.p2p.flags = 1 + below(w, 2);
		break;
	case 14:
		req = PCIEM_IOCTL_GET_BAR_INFO;
		a.info.bar_index = chance(w, 90) ? below(w, 6) : next(w);
		break;
	case 15:
		req = PCIEM_IOCTL_SET_WATCHPOINT;
		a.wp.bar_index = below(w, 7);
		a.wp.offset = chance(w, 80) ? 4 * below(w, 1024) : next(w);
		a.wp.width = chance(w, 90) ? 1U << below(w, 4) : next(w);
		a.wp.flags = chance(w, 90) ? PCIEM_WP_FLAG_BAR_KPROBES : next(w);
		break;
	case 16:
		req = PCIEM_IOCTL_SET_EVENTFD;
		a.efd.eventfd = chance(w, 70) ? fz->efd : (int32_t)edgy(w, 64);
		a.efd.reserved = chance(w, 95) ? 0 : next(w);
		break;
	case 17:
		req = PCIEM_IOCTL_GET_DEVICE_INFO;
		break;
	case 18:
	case 19:
		req = PCIEM_IOCTL_ADD_REGION;
		a.region.bar_index = below(w, 7);
		a.region.width = chance(w, 90) ? 1U << below(w, 4) : next(w);
		a.region.offset = chance(w, 80) ? a.region.width * below(w, 2048) :
				  edgy(w, 1ULL << 32);
		a.region.size = chance(w, 80) ? a.region.width * (1 + below(w, 64)) :
				edgy(w, 1ULL << 32);
		a.region.mode = below(w, 4);
		a.region.flags = chance(w, 90) ? below(w, 8) : next(w);
		a.region.write_mask = chance(w, 50) ? all_bits(a.region.width) : next(w);
		a.region.w1c_mask = chance(w, 80) ? 0 : next(w);
		break;
	case 20:
		req = PCIEM_IOCTL_CLEAR_REGIONS;
		a.index = chance(w, 90) ? below(w, 6) : next(w);
		break;
	case 21:
		req = PCIEM_IOCTL_RESPOND;
		a.rsp.seq = chance(w, 50) ? below(w, 1 << 16) : next(w);
		a.rsp.data = next(w);
		a.rsp.status = chance(w, 80) ? 0 : next(w);
		break;
	case 22:
		req = PCIEM_IOCTL_ATTACH;
		break;
	case 23:
		/* Lengths keep the total inside the buffer, but now and then. */
		req = PCIEM_IOCTL_DMA_SG;
		for (size_t k = 0; k < 8; k++) {
			segs[k].iova = chance(w, 50) ? 0x8000000000ULL + below(w, 1 << 20) :
				       edgy(w, 1ULL << 40);
			segs[k].length = chance(w, 95) ? below(w, fz->buf_len / 8) :
					 edgy(w, 1U << 31);
			segs[k].reserved = chance(w, 95) ? 0 : next(w);
		}
		a.sg.segs = chance(w, 90) ? (uintptr_t)segs : edgy(w, ~0ULL);
		a.sg.nr_segs = chance(w, 90) ? below(w, 9) : edgy(w, 1U << 12);
		a.sg.user_addr = chance(w, 90) ? (uintptr_t)fz->buf : edgy(w, ~0ULL);
		a.sg.flags = chance(w, 90) ? 1 + below(w, 2) : next(w);
		a.sg.pasid = chance(w, 95) ? 0 : next(w);
		break;
	default:
		/* Any command of the magic, any direction and size. */
		for (size_t k = 0; k < sizeof(a.raw); k++)
			a.raw[k] = next(w);
		req = _IOC(below(w, 4), PCIEM_IOCTL_MAGIC, below(w, 64),
			   below(w, sizeof(a.raw)));
		break;
	}
	fd = take_fd(fz, i, on_inst);
	if (fd < 0)
		return;
	ret = ioctl(fd, req, arg_ptr(w, &a));
	atomic_fetch_add(&fz->calls, 1);
	if (req == PCIEM_IOCTL_REGISTER && ret >= 0) {
		struct slot *s = &fz->slots[i];

		atomic_fetch_add(&fz->registered, 1);
		pthread_mutex_lock(&s->lock);
		if (s->inst >= 0)
			close(s->inst);
		s->inst = ret;
		pthread_mutex_unlock(&s->lock);
	}
	close(fd);
}

static void *run(void *arg)
{
	struct worker *w = arg;
	struct fuzz *fz = w->fz;
	unsigned int n = 0;

	while (atomic_load(&fz->calls) < fz->max_calls &&
	       (++n % 256 || elapsed(fz) < fz->max_seconds))
		step(w);
	return NULL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "threads", required_argument, NULL, 't' },
		{ "calls", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct fuzz fz = { .seed = 1, .max_calls = 1000000, .max_seconds = 120 };
	struct worker workers[MAX_THREADS];
	pthread_t tids[MAX_THREADS];
	unsigned int threads = 4, i;
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's': fz.seed = strtoull(optarg, NULL, 0); break;
		case 't': threads = strtoul(optarg, NULL, 0); break;
		case 'c': fz.max_calls = strtoull(optarg, NULL, 0); break;
		case 'S': fz.max_seconds = strtod(optarg, NULL); break;
		default:
			fprintf(stderr, "usage: ioctl_fuzz [--seed N] [--threads N] [--calls N] [--seconds N]\n");
			return 2;
		}
	}
	if (!threads || threads > MAX_THREADS) {
		fprintf(stderr, "ioctl_fuzz: 1 to %d threads\n", MAX_THREADS);
		return 2;
	}
	fz.buf_len = 1 << 16;
	fz.buf = calloc(1, fz.buf_len);
	fz.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!fz.buf || fz.efd < 0) {
		perror("ioctl_fuzz: setup");
		return 1;
	}
	for (i = 0; i < SLOTS; i++) {
		pthread_mutex_init(&fz.slots[i].lock, NULL);
		fz.slots[i].ctl = -1;
		fz.slots[i].inst = -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &fz.start);
	for (i = 0; i < threads; i++) {
		workers[i].fz = &fz;
		/* Never 0, different per thread, the same for the same seed. */
		workers[i].rng = (fz.seed + 1) * 0x9E3779B97F4A7C15ULL + i + 1;
		if (pthread_create(&tids[i], NULL, run, &workers[i])) {
			perror("ioctl_fuzz: pthread_create");
			return 1;
		}
	}
	for (i = 0; i < threads; i++)
		pthread_join(tids[i], NULL);
	for (i = 0; i < SLOTS; i++)
		slot_close(&fz.slots[i], true, true);
	printf("fuzz: seed=%" PRIu64 " threads=%u calls=%" PRIuFAST64
	       " registered=%" PRIuFAST64 " seconds=%.1f\n", fz.seed, threads,
	       atomic_load(&fz.calls), atomic_load(&fz.registered), elapsed(&fz));
	return 0;
}
