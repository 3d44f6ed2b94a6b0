// SPDX-License-Identifier: MIT
/*
 * pciem/plugin.h as pciemd implements it: what a plugin may do with its
 * device, in terms of the description, BAR memory and the backend.  These
 * are the only symbols pciemd exports to plugins.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

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

PD_EXPORT const char *pciem_reg_name(const struct pciem_register *reg)
{
	return reg->desc->name;
}

PD_EXPORT unsigned int pciem_reg_bar(const struct pciem_register *reg)
{
	return reg->desc->bar;
}

PD_EXPORT uint64_t pciem_reg_offset(const struct pciem_register *reg)
{
	return reg->desc->offset;
}

PD_EXPORT unsigned int pciem_reg_width(const struct pciem_register *reg)
{
	return reg->desc->width;
}

PD_EXPORT uint64_t pciem_reg_get(struct pciem_device *dev,
				 const struct pciem_register *reg)
{
	volatile void *p = pd_reg_mem(dev, reg);

	return p ? pd_mem_load(p, reg->desc->width) : 0;
}

PD_EXPORT void pciem_reg_set(struct pciem_device *dev,
			     const struct pciem_register *reg, uint64_t value)
{
	volatile void *p = pd_reg_mem(dev, reg);

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
	void *p = (void *)pd_reg_mem(dev, reg);

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

static int bad_param(struct pciem_device *dev, const struct desc_param *p,
		     const char *expected)
{
	pd_log_at(dev->log, LOG_ERR, pd_file(dev), &p->pos,
		  "parameter %s: '%s' is not %s", p->key, p->value, expected);
	return -EINVAL;
}

PD_EXPORT int pciem_param_u64(struct pciem_device *dev, const char *key,
			      uint64_t def, uint64_t *value)
{
	const struct desc_param *p = param(dev, key);
	unsigned long long v;
	char *end;

	if (!p) {
		*value = def;
		return 0;
	}
	errno = 0;
	v = strtoull(p->value, &end, 0);
	if (errno || end == p->value || *end || strchr(p->value, '-'))
		return bad_param(dev, p, "an unsigned 64-bit integer");
	*value = v;
	return 0;
}

PD_EXPORT int pciem_param_i64(struct pciem_device *dev, const char *key,
			      int64_t def, int64_t *value)
{
	const struct desc_param *p = param(dev, key);
	long long v;
	char *end;

	if (!p) {
		*value = def;
		return 0;
	}
	errno = 0;
	v = strtoll(p->value, &end, 0);
	if (errno || end == p->value || *end)
		return bad_param(dev, p, "a signed 64-bit integer");
	*value = v;
	return 0;
}

PD_EXPORT int pciem_param_bool(struct pciem_device *dev, const char *key,
			       bool def, bool *value)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };
	const struct desc_param *p = param(dev, key);

	if (!p) {
		*value = def;
		return 0;
	}
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!strcasecmp(p->value, yes[i])) {
			*value = true;
			return 0;
		}
		if (!strcasecmp(p->value, no[i])) {
			*value = false;
			return 0;
		}
	}
	return bad_param(dev, p, "a boolean (true/false, yes/no, on/off, 1/0)");
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
