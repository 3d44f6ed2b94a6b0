// SPDX-License-Identifier: MIT
/*
 * pciem/plugin.h as pciemd implements it: what a plugin may do with its
 * device, in terms of the description, BAR memory and the backend.  These
 * are the only symbols pciemd exports to plugins.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "desc_number.h"
#include "desc_value.h"
#include "device.h"
#include "plugin_load.h"

#define PD_EXPORT __attribute__((visibility("default")))

PD_EXPORT const char *pciem_device_name(const struct pciem_device *dev)
{
	return dev->desc->name ? dev->desc->name : "";
}

PD_EXPORT const char *pciem_device_address(const struct pciem_device *dev)
{
	return dev->address;
}

PD_EXPORT void pciem_set_private(struct pciem_device *dev, void *priv)
{
	dev->priv = priv;
}

PD_EXPORT void *pciem_get_private(const struct pciem_device *dev)
{
	return dev->priv;
}

/* Registers ------------------------------------------------------------- */

PD_EXPORT const struct pciem_register *
pciem_reg_find(const struct pciem_device *dev, const char *name)
{
	for (size_t i = 0; name && i < dev->n_regs; i++)
		if (!strcmp(dev->regs[i].desc->name, name))
			return &dev->regs[i];
	return NULL;
}

/*
 * reg, if it is one of dev's registers.  A plugin that passes on what
 * pciem_reg_find() returned for a name the description lacks gets one log
 * line, not a crash; its accesses do nothing and read 0.
 */
static const struct pciem_register *own_reg(struct pciem_device *dev,
					    const struct pciem_register *reg,
					    const char *fn)
{
	uintptr_t p = (uintptr_t)reg, first = (uintptr_t)dev->regs;

	if (reg && p >= first && p < first + dev->n_regs * sizeof(*reg) &&
	    (p - first) % sizeof(*reg) == 0)
		return reg;
	if (!dev->told_bad_reg) {
		dev->told_bad_reg = true;
		pd_log(dev->log, LOG_ERR,
		       "%s: %s() was given %s; did pciem_reg_find() not find a name? (logged once)",
		       pciem_device_name(dev), fn,
		       reg ? "a register of another device" : "no register (NULL)");
	}
	return NULL;
}

PD_EXPORT const char *pciem_reg_name(const struct pciem_register *reg)
{
	return reg ? reg->desc->name : "(no register)";
}

PD_EXPORT unsigned int pciem_reg_bar(const struct pciem_register *reg)
{
	return reg ? reg->desc->bar : 0;
}

PD_EXPORT uint64_t pciem_reg_offset(const struct pciem_register *reg)
{
	return reg ? reg->desc->offset : 0;
}

PD_EXPORT unsigned int pciem_reg_width(const struct pciem_register *reg)
{
	return reg ? reg->desc->width : 0;
}

PD_EXPORT unsigned int pciem_reg_index(const struct pciem_register *reg)
{
	return reg ? reg->desc->array_index : 0;
}

PD_EXPORT uint64_t pciem_reg_get(struct pciem_device *dev,
				 const struct pciem_register *reg)
{
	volatile void *p;

	if (!own_reg(dev, reg, __func__))
		return 0;
	p = pd_reg_mem(dev, reg);
	return p ? pd_mem_load(p, reg->desc->width) : 0;
}

PD_EXPORT void pciem_reg_set(struct pciem_device *dev,
			     const struct pciem_register *reg, uint64_t value)
{
	volatile void *p;

	if (!own_reg(dev, reg, __func__))
		return;
	p = pd_reg_mem(dev, reg);
	if (p)
		pd_mem_store(p, reg->desc->width, value);
}

/* Compare-and-swap loops of the register's width on shared memory. */
#define UPDATE(type, p, clear, set)                                            \
	do {                                                                   \
		type *q_ = (type *)(p), old_ = __atomic_load_n(q_, __ATOMIC_RELAXED); \
		while (!__atomic_compare_exchange_n(q_, &old_,                 \
				(type)((old_ & ~(type)(clear)) | (type)(set)), \
				false, __ATOMIC_SEQ_CST, __ATOMIC_RELAXED))    \
			;                                                      \
		return old_;                                                   \
	} while (0)

PD_EXPORT uint64_t pciem_reg_update(struct pciem_device *dev,
				    const struct pciem_register *reg,
				    uint64_t clear, uint64_t set)
{
	void *p;

	if (!own_reg(dev, reg, __func__))
		return 0;
	p = (void *)pd_reg_mem(dev, reg);
	if (!p)
		return 0;
	switch (reg->desc->width) {
	case 1: UPDATE(uint8_t, p, clear, set);
	case 2: UPDATE(uint16_t, p, clear, set);
	case 4: UPDATE(uint32_t, p, clear, set);
	default: UPDATE(uint64_t, p, clear, set);
	}
}

PD_EXPORT int pciem_reg_read(struct pciem_device *dev, const char *name,
			     uint64_t *value)
{
	const struct pciem_register *reg = pciem_reg_find(dev, name);

	if (!reg)
		return -ENOENT;
	*value = pciem_reg_get(dev, reg);
	return 0;
}

PD_EXPORT int pciem_reg_write(struct pciem_device *dev, const char *name,
			      uint64_t value)
{
	const struct pciem_register *reg = pciem_reg_find(dev, name);

	if (!reg)
		return -ENOENT;
	pciem_reg_set(dev, reg, value);
	return 0;
}

static volatile void *place(struct pciem_device *dev, unsigned int bar,
			    uint64_t offset, unsigned int width)
{
	if (bar >= PCIEM_MAX_BARS || !dev->bars[bar].mem ||
	    (width != 1 && width != 2 && width != 4 && width != 8) ||
	    offset % width || offset > dev->bars[bar].size - width)
		return NULL;
	return (volatile uint8_t *)dev->bars[bar].mem + offset;
}

PD_EXPORT int pciem_reg_read_at(struct pciem_device *dev, unsigned int bar,
				uint64_t offset, unsigned int width,
				uint64_t *value)
{
	volatile void *p = place(dev, bar, offset, width);

	if (!p)
		return -EINVAL;
	*value = pd_mem_load(p, width);
	return 0;
}

PD_EXPORT int pciem_reg_write_at(struct pciem_device *dev, unsigned int bar,
				 uint64_t offset, unsigned int width,
				 uint64_t value)
{
	volatile void *p = place(dev, bar, offset, width);

	if (!p)
		return -EINVAL;
	pd_mem_store(p, width, value);
	return 0;
}

PD_EXPORT void *pciem_bar_memory(struct pciem_device *dev, unsigned int bar,
				 size_t *size)
{
	if (bar >= PCIEM_MAX_BARS || !dev->bars[bar].mem)
		return NULL;
	if (size)
		*size = dev->bars[bar].size;
	return dev->bars[bar].mem;
}

/* Interrupts ------------------------------------------------------------ */

PD_EXPORT int pciem_irq_raise_vector(struct pciem_device *dev,
				     unsigned int vector)
{
	struct pciem_irq_inject irq = { .vector = vector };
	int ret;

	if (!dev->registered)
		return -ENODEV;
	ret = dev->backend->ops->ioctl(dev->backend, PCIEM_IOCTL_INJECT_IRQ, &irq);
	return ret < 0 ? ret : 0;
}

PD_EXPORT int pciem_irq_raise(struct pciem_device *dev, const char *name)
{
	const struct desc_device *d = dev->desc;

	for (size_t i = 0; name && i < d->n_interrupts; i++)
		if (!strcmp(d->interrupts[i].name, name))
			return pciem_irq_raise_vector(dev, d->interrupts[i].vector);
	return -ENOENT;
}

/* DMA -------------------------------------------------------------------- */

/* The ioctl takes 32-bit lengths; longer transfers go in pieces. */
#define PD_DMA_CHUNK (1u << 30)

static int dma(struct pciem_device *dev, uint64_t iova, void *buf, size_t len,
	       uint32_t flags)
{
	if (!dev->registered)
		return -ENODEV;
	while (len) {
		uint32_t n = len > PD_DMA_CHUNK ? PD_DMA_CHUNK : (uint32_t)len;
		struct pciem_dma_op op = {
			.guest_iova = iova,
			.user_addr = (uint64_t)(uintptr_t)buf,
			.length = n,
			.flags = flags,
		};
		int ret = dev->backend->ops->ioctl(dev->backend, PCIEM_IOCTL_DMA, &op);

		if (ret < 0)
			return ret;
		iova += n;
		buf = (uint8_t *)buf + n;
		len -= n;
	}
	return 0;
}

PD_EXPORT int pciem_dma_read(struct pciem_device *dev, uint64_t iova,
			     void *buf, size_t len)
{
	return dma(dev, iova, buf, len, PCIEM_DMA_FLAG_READ);
}

PD_EXPORT int pciem_dma_write(struct pciem_device *dev, uint64_t iova,
			      const void *buf, size_t len)
{
	/* The kernel only reads the buffer of a write. */
	return dma(dev, iova, (void *)(uintptr_t)buf, len, PCIEM_DMA_FLAG_WRITE);
}

/*
 * Batches of up to PD_DMA_SG_BATCH ranges, one DMA_SG each; a kernel
 * without DMA_SG (ENOTTY) gets one DMA per range instead.
 */
#define PD_DMA_SG_BATCH 256u

static int dma_each(struct pciem_device *dev, const struct pciem_dma_seg *segs,
		    unsigned int n, uint8_t *buf, uint32_t flags)
{
	for (unsigned int i = 0; i < n; i++) {
		int ret = dma(dev, segs[i].iova, buf, segs[i].length, flags);

		if (ret < 0)
			return ret;
		buf += segs[i].length;
	}
	return 0;
}

static int dmav(struct pciem_device *dev, const struct pciem_dma_range *r,
		unsigned int n, uint8_t *buf, uint32_t flags)
{
	struct pciem_dma_seg segs[PD_DMA_SG_BATCH];
	uint64_t total = 0;
	unsigned int i, k;

	if (!dev->registered)
		return -ENODEV;
	for (i = 0; i < n; i++)
		total += r[i].length;
	if (total > UINT32_MAX)
		return -EINVAL;
	for (i = 0; i < n; i += k) {
		struct pciem_dma_sg_op op = {
			.segs = (uint64_t)(uintptr_t)segs,
			.user_addr = (uint64_t)(uintptr_t)buf,
			.flags = flags,
		};
		uint8_t *at = buf;
		int ret;

		for (k = 0; k < PD_DMA_SG_BATCH && i + k < n; k++) {
			segs[k] = (struct pciem_dma_seg){ .iova = r[i + k].iova,
							  .length = r[i + k].length };
			buf += r[i + k].length;
		}
		op.nr_segs = k;
		ret = dev->backend->ops->ioctl(dev->backend, PCIEM_IOCTL_DMA_SG, &op);
		if (ret == -ENOTTY)
			ret = dma_each(dev, segs, k, at, flags);
		if (ret < 0)
			return ret;
	}
	return 0;
}

PD_EXPORT int pciem_dma_readv(struct pciem_device *dev,
			      const struct pciem_dma_range *ranges,
			      unsigned int n, void *buf)
{
	return dmav(dev, ranges, n, buf, PCIEM_DMA_FLAG_READ);
}

PD_EXPORT int pciem_dma_writev(struct pciem_device *dev,
			       const struct pciem_dma_range *ranges,
			       unsigned int n, const void *buf)
{
	/* The kernel only reads the buffer of a write. */
	return dmav(dev, ranges, n, (uint8_t *)(uintptr_t)buf,
		    PCIEM_DMA_FLAG_WRITE);
}

_Static_assert(PCIEM_DMA_ATOMIC_ADD == PCIEM_ATOMIC_FETCH_ADD &&
	       PCIEM_DMA_ATOMIC_SUB == PCIEM_ATOMIC_FETCH_SUB &&
	       PCIEM_DMA_ATOMIC_SWAP == PCIEM_ATOMIC_SWAP &&
	       PCIEM_DMA_ATOMIC_CAS == PCIEM_ATOMIC_CAS &&
	       PCIEM_DMA_ATOMIC_AND == PCIEM_ATOMIC_FETCH_AND &&
	       PCIEM_DMA_ATOMIC_OR == PCIEM_ATOMIC_FETCH_OR &&
	       PCIEM_DMA_ATOMIC_XOR == PCIEM_ATOMIC_FETCH_XOR,
	       "the plugin API's atomic ops are the kernel's");

PD_EXPORT int pciem_dma_atomic(struct pciem_device *dev, uint64_t iova,
			       unsigned int op, unsigned int width,
			       uint64_t operand, uint64_t compare, uint64_t *old)
{
	struct pciem_dma_atomic a = {
		.guest_iova = iova,
		.operand = operand,
		.compare = compare,
		.op_type = op,
	};
	int ret;

	if (op < PCIEM_DMA_ATOMIC_ADD || op > PCIEM_DMA_ATOMIC_XOR ||
	    (width != 4 && width != 8) || iova % width ||
	    (width == 4 && (operand > UINT32_MAX || compare > UINT32_MAX)))
		return -EINVAL;
	if (!dev->registered)
		return -ENODEV;
	if (width == 4)
		a.op_type |= PCIEM_ATOMIC_WIDTH_32;
	ret = dev->backend->ops->ioctl(dev->backend, PCIEM_IOCTL_DMA_ATOMIC, &a);
	if (ret < 0)
		return ret;
	if (old)
		*old = a.result;
	return 0;
}

/* Parameters ------------------------------------------------------------- */

static const struct desc_param *param(const struct pciem_device *dev,
				      const char *key)
{
	for (size_t i = 0; key && i < dev->desc->n_params; i++)
		if (!strcmp(dev->desc->params[i].key, key))
			return &dev->desc->params[i];
	return NULL;
}

PD_EXPORT const char *pciem_param(const struct pciem_device *dev,
				  const char *key)
{
	const struct desc_param *p = param(dev, key);

	return p ? p->value : NULL;
}

#define PD_NUMBER_FORMS                                                        \
	"decimal, 0x hexadecimal or 0b binary, '_' between digits, and an optional unit K, M, G, KiB, MiB or GiB (1K = 1024), as in the description's numbers"

static int bad_param(struct pciem_device *dev, const struct desc_param *p,
		     const char *problem, const char *expected)
{
	pd_log_at(dev->log, LOG_ERR, pd_file(dev), &p->value_pos,
		  "parameter %s: '%s' %s; expected %s", p->key, p->value,
		  problem, expected);
	return -EINVAL;
}

/* Parameters are numbers as the description writes them (desc_number.h). */
PD_EXPORT int pciem_param_u64(struct pciem_device *dev, const char *key,
			      uint64_t def, uint64_t *value)
{
	const struct desc_param *p = param(dev, key);
	enum num_status st;
	uint64_t v;

	if (!p) {
		*value = def;
		return 0;
	}
	st = num_parse_size(p->value, &v);
	if (st != NUM_OK)
		return bad_param(dev, p, num_status_text(st),
				 "an unsigned 64-bit integer: " PD_NUMBER_FORMS);
	*value = v;
	return 0;
}

PD_EXPORT int pciem_param_i64(struct pciem_device *dev, const char *key,
			      int64_t def, int64_t *value)
{
	static const char expect[] =
		"a signed 64-bit integer: an optional '-', then " PD_NUMBER_FORMS;
	const struct desc_param *p = param(dev, key);
	bool negative;
	enum num_status st;
	uint64_t v;

	if (!p) {
		*value = def;
		return 0;
	}
	negative = p->value[0] == '-';
	st = num_parse_size(p->value + negative, &v);
	if (st == NUM_NEGATIVE)		/* "--1" */
		st = NUM_NOT_A_NUMBER;
	if (st != NUM_OK)
		return bad_param(dev, p, num_status_text(st), expect);
	if (v > (uint64_t)INT64_MAX + negative)
		return bad_param(dev, p, "does not fit in 64 bits", expect);
	/* -2^63 has no positive counterpart: negate in unsigned arithmetic. */
	*value = negative ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

PD_EXPORT int pciem_param_bool(struct pciem_device *dev, const char *key,
			       bool def, bool *value)
{
	const struct desc_param *p = param(dev, key);

	if (!p) {
		*value = def;
		return 0;
	}
	if (desc_text_bool(p->value, value))
		return 0;
	return bad_param(dev, p, "is not a boolean",
			 "true or false, as the description's booleans");
}

PD_EXPORT const char *pciem_param_key(const struct pciem_device *dev,
				      unsigned int index)
{
	return index < dev->desc->n_params ? dev->desc->params[index].key :
					     NULL;
}

PD_EXPORT int pciem_param_error(struct pciem_device *dev, const char *key,
				const char *fmt, ...)
{
	const struct desc_param *p = param(dev, key);
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p)
		pd_log_at(dev->log, LOG_ERR, pd_file(dev), &p->value_pos,
			  "parameter %s: %s", p->key, msg);
	else
		pd_log_at(dev->log, LOG_ERR, pd_file(dev), NULL,
			  "parameter %s: %s", key ? key : "(none)", msg);
	return -EINVAL;
}

/* Logging ---------------------------------------------------------------- */

PD_EXPORT void pciem_logv(struct pciem_device *dev, int priority,
			  const char *fmt, va_list ap)
{
	pd_logv(dev->log, priority, pciem_device_name(dev), fmt, ap);
}

PD_EXPORT void pciem_log(struct pciem_device *dev, int priority,
			 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pciem_logv(dev, priority, fmt, ap);
	va_end(ap);
}
