/* SPDX-License-Identifier: MIT */
/*
 * A fake kernel for pciemd's unit tests: a backend that records every
 * ioctl with its argument, fails the one a test asks for, hands out
 * heap memory as the event ring and BARs (freed on unmap, so ASan sees
 * any use after teardown), copies DMA to and from a fake host memory,
 * and a log that keeps every line.  Plus helpers to build descriptions
 * by hand, independent of the YAML parser.
 */
#ifndef TEST_BUILDER_FAKE_H
#define TEST_BUILDER_FAKE_H

#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "desc.h"
#include "device.h"
#include "log.h"
#include "pciem.h"

#define FAKE_MAX_CALLS 512

struct fake_call {
	unsigned long request;
	union {
		struct pciem_create_device create;
		struct pciem_bar_config bar;
		struct pciem_cap_config cap;
		struct pciem_config_space cfg;
		struct pciem_region_config region;
		struct pciem_watchpoint_config wp;
		struct pciem_eventfd_config efd;
		struct pciem_irq_inject irq;
		struct pciem_dma_op dma;
		struct pciem_dma_atomic atomic;
		struct pciem_response resp;
		uint8_t raw[sizeof(struct pciem_cap_config)];
	} arg;
};

struct fake_backend {
	struct pd_backend base;
	struct fake_call calls[FAKE_MAX_CALLS];
	size_t n_calls;
	/* Fail the fail_nth (from 1) call of fail_request with fail_errno. */
	unsigned long fail_request;
	int fail_nth;
	int fail_errno;
	int fail_map_bar;		/* 1 + BAR whose mmap fails */
	int seen;			/* calls of fail_request so far */
	struct pciem_shared_ring *ring;
	void *bars[PCIEM_MAX_BARS];
	uint8_t bar0_at_attach[32];	/* BAR 0 as drivers first see it */
	size_t unmapped;		/* unmap calls */
	bool destroyed;
	/* Config space as the PCI core would show it; read_config errno. */
	uint8_t config[256];
	int config_errno;
	unsigned int config_reads;
	/* Fake host memory for DMA: [host_iova, host_iova + sizeof(host)). */
	uint64_t host_iova;
	uint8_t host[64 * 1024];
};

static inline size_t fake_arg_size(unsigned long request)
{
	return _IOC_SIZE(request);
}

static inline int fake_ioctl(struct pd_backend *b, unsigned long request, void *arg)
{
	struct fake_backend *f = (struct fake_backend *)b;
	struct fake_call *c;

	if (f->destroyed)
		return -EBADF;
	if (f->n_calls < FAKE_MAX_CALLS) {
		c = &f->calls[f->n_calls++];
		c->request = request;
		memset(&c->arg, 0, sizeof(c->arg));
		if (arg && fake_arg_size(request) <= sizeof(c->arg))
			memcpy(&c->arg, arg, fake_arg_size(request));
	}
	if (request == f->fail_request && ++f->seen == f->fail_nth)
		return -f->fail_errno;
	switch (request) {
	case PCIEM_IOCTL_REGISTER:
		return 7;	/* the instance fd */
	case PCIEM_IOCTL_ATTACH:
		if (f->bars[0])
			memcpy(f->bar0_at_attach, f->bars[0], sizeof(f->bar0_at_attach));
		return 0;
	case PCIEM_IOCTL_GET_DEVICE_INFO: {
		struct pciem_device_info *info = arg;

		memset(info, 0, sizeof(*info));
		info->domain = 0x10000;
		snprintf(info->name, sizeof(info->name), "10000:00:00.0");
		return 0;
	}
	case PCIEM_IOCTL_DMA: {
		struct pciem_dma_op *op = arg;
		uint8_t *user = (uint8_t *)(uintptr_t)op->user_addr;

		if (op->guest_iova < f->host_iova ||
		    op->guest_iova - f->host_iova + op->length > sizeof(f->host))
			return -EFAULT;
		if (op->flags == PCIEM_DMA_FLAG_READ)
			memcpy(user, f->host + (op->guest_iova - f->host_iova), op->length);
		else if (op->flags == PCIEM_DMA_FLAG_WRITE)
			memcpy(f->host + (op->guest_iova - f->host_iova), user, op->length);
		else
			return -EINVAL;
		return 0;
	}
	case PCIEM_IOCTL_DMA_SG: {
		/* Every segment checked before a byte moves, as the kernel does. */
		struct pciem_dma_sg_op *op = arg;
		const struct pciem_dma_seg *seg = (const void *)(uintptr_t)op->segs;
		uint8_t *user = (uint8_t *)(uintptr_t)op->user_addr;

		if (op->flags != PCIEM_DMA_FLAG_READ && op->flags != PCIEM_DMA_FLAG_WRITE)
			return -EINVAL;
		for (uint32_t i = 0; i < op->nr_segs; i++)
			if (seg[i].iova < f->host_iova ||
			    seg[i].iova - f->host_iova + seg[i].length > sizeof(f->host))
				return -EFAULT;
		for (uint32_t i = 0; i < op->nr_segs; i++) {
			uint8_t *h = f->host + (seg[i].iova - f->host_iova);

			if (op->flags == PCIEM_DMA_FLAG_READ)
				memcpy(user, h, seg[i].length);
			else
				memcpy(h, user, seg[i].length);
			user += seg[i].length;
		}
		return 0;
	}
	case PCIEM_IOCTL_DMA_ATOMIC: {
		/* The kernel's semantics, on the fake host memory (one thread). */
		struct pciem_dma_atomic *a = arg;
		unsigned int width = a->op_type & PCIEM_ATOMIC_WIDTH_32 ? 4 : 8;
		uint64_t old = 0, new;
		uint8_t *p;

		if (a->guest_iova < f->host_iova ||
		    a->guest_iova - f->host_iova + width > sizeof(f->host))
			return -EFAULT;
		p = f->host + (a->guest_iova - f->host_iova);
		memcpy(&old, p, width);
		switch (a->op_type & PCIEM_ATOMIC_OP_MASK) {
		case PCIEM_ATOMIC_FETCH_ADD: new = old + a->operand; break;
		case PCIEM_ATOMIC_FETCH_SUB: new = old - a->operand; break;
		case PCIEM_ATOMIC_SWAP: new = a->operand; break;
		case PCIEM_ATOMIC_CAS: new = old == a->compare ? a->operand : old; break;
		case PCIEM_ATOMIC_FETCH_AND: new = old & a->operand; break;
		case PCIEM_ATOMIC_FETCH_OR: new = old | a->operand; break;
		case PCIEM_ATOMIC_FETCH_XOR: new = old ^ a->operand; break;
		default: return -EINVAL;
		}
		memcpy(p, &new, width);
		a->result = old;
		return 0;
	}
	}
	return 0;
}

static inline void *fake_map_ring(struct pd_backend *b, size_t size)
{
	struct fake_backend *f = (struct fake_backend *)b;

	f->ring = calloc(1, size);
	if (!f->ring)
		errno = ENOMEM;
	return f->ring;
}

static inline void *fake_map_bar(struct pd_backend *b, unsigned int bar, size_t size)
{
	struct fake_backend *f = (struct fake_backend *)b;

	if (f->fail_map_bar == (int)bar + 1) {
		errno = EINVAL;
		return NULL;
	}
	f->bars[bar] = calloc(1, size);
	return f->bars[bar];
}

static inline void fake_unmap(struct pd_backend *b, void *addr, size_t size)
{
	struct fake_backend *f = (struct fake_backend *)b;

	(void)size;
	if (addr == f->ring)
		f->ring = NULL;
	for (int i = 0; i < PCIEM_MAX_BARS; i++)
		if (f->bars[i] == addr)
			f->bars[i] = NULL;
	f->unmapped++;
	free(addr);
}

static inline void fake_destroy(struct pd_backend *b)
{
	((struct fake_backend *)b)->destroyed = true;
}

static inline int fake_read_config(struct pd_backend *b, const char *address,
				   unsigned int offset, void *buf, size_t len)
{
	struct fake_backend *f = (struct fake_backend *)b;

	f->config_reads++;
	if (strcmp(address, "10000:00:00.0"))
		return -ENOENT;
	if (f->config_errno)
		return -f->config_errno;
	if (offset > sizeof(f->config) || len > sizeof(f->config) - offset)
		return -EIO;
	memcpy(buf, f->config + offset, len);
	return 0;
}

static const struct pd_backend_ops fake_ops = {
	.ioctl = fake_ioctl,
	.map_ring = fake_map_ring,
	.map_bar = fake_map_bar,
	.unmap = fake_unmap,
	.read_config = fake_read_config,
	.destroy = fake_destroy,
};

static inline struct fake_backend *fake_new(void)
{
	struct fake_backend *f = calloc(1, sizeof(*f));

	f->base.ops = &fake_ops;
	f->host_iova = 0x10000000;
	return f;
}

/* Every call of request, in order, into out (up to max); returns the count. */
static inline size_t fake_calls_of(const struct fake_backend *f, unsigned long request,
				   const struct fake_call **out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n_calls; i++)
		if (f->calls[i].request == request && n < max)
			out[n++] = &f->calls[i];
	return n;
}

/* Post an event as the kernel does: fill events[tail], then advance tail. */
static inline void fake_post(struct fake_backend *f, struct pciem_event ev)
{
	uint32_t tail = atomic_load(&f->ring->tail);

	f->ring->events[tail] = ev;
	atomic_store_explicit(&f->ring->tail, (tail + 1) % PCIEM_RING_SIZE,
			      memory_order_release);
}

/* The log: every line kept, "<N>text". */
struct fake_log {
	struct pd_log log;
	char lines[32][2048];
	size_t n;
};

static inline void fake_log_sink(void *arg, int priority, const char *text)
{
	struct fake_log *l = arg;

	if (l->n < sizeof(l->lines) / sizeof(l->lines[0]))
		snprintf(l->lines[l->n++], sizeof(l->lines[0]), "<%d>%s", priority, text);
}

static inline void fake_log_init(struct fake_log *l)
{
	memset(l, 0, sizeof(*l));
	l->log.target = PD_LOG_SINK;
	l->log.max_priority = 7;
	l->log.sink = fake_log_sink;
	l->log.sink_arg = l;
}

/* Description building, by hand. */
static inline struct desc_register fake_reg(const char *name, unsigned int line,
					    unsigned int offset, unsigned int width,
					    enum desc_access access)
{
	uint64_t all = width == 8 ? UINT64_MAX : (1ULL << (8 * width)) - 1;
	struct desc_register r = {
		.name = (char *)name,
		.pos = { line, 5 },
		.offset = offset,
		.width = width,
		.access = access,
		.write_mask = access == DESC_ACCESS_RW || access == DESC_ACCESS_WO ? all : 0,
		.w1c_mask = access == DESC_ACCESS_RW1C ? all : 0,
	};
	return r;
}

static inline struct desc_handler_ref fake_handler(const char *name, unsigned int line,
						   unsigned int column)
{
	struct desc_handler_ref h = { .name = (char *)name, .pos = { line, column } };

	return h;
}

/* A device with BAR 0 of 4 KiB, identity 1234:5678, class ff0000. */
static inline void fake_desc(struct desc_device *d, struct desc_register *regs,
			     size_t n_regs)
{
	memset(d, 0, sizeof(*d));
	d->file = "dev.yaml";
	d->name = "dev";
	d->vendor_id = 0x1234;
	d->device_id = 0x5678;
	d->subsys_vendor_id = 0x1234;
	d->subsys_device_id = 0x5678;
	d->revision = 1;
	d->class_code = 0xff0000;
	d->bars[0].present = true;
	d->bars[0].pos.line = 4;
	d->bars[0].pos.column = 5;
	d->bars[0].size = 4096;
	d->registers = regs;
	d->n_registers = n_regs;
}

#endif /* TEST_BUILDER_FAKE_H */
