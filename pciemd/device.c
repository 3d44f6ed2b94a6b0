// SPDX-License-Identifier: MIT
/* The device object: creation, register lookup, BAR memory, teardown. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device.h"
#include "plugin_load.h"

struct pciem_device *pd_device_new(const struct desc_device *desc,
				   const struct pd_log *log)
{
	struct pciem_device *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->desc = desc;
	dev->log = log;
	dev->eventfd = -1;
	dev->n_regs = desc->n_registers;
	if (dev->n_regs) {
		dev->regs = calloc(dev->n_regs, sizeof(*dev->regs));
		if (!dev->regs) {
			free(dev);
			return NULL;
		}
	}
	for (size_t i = 0; i < dev->n_regs; i++)
		dev->regs[i].desc = &desc->registers[i];
	return dev;
}

void pd_device_teardown(struct pciem_device *dev)
{
	if (dev->plugin_started) {
		dev->plugin_started = false;
		if (dev->plugin->info->fini)
			dev->plugin->info->fini(dev);
	}
	/* After fini, which stopped the plugin's threads. */
	pd_calls_stop(dev);
	pd_watches_free(dev);
	pd_timers_free(dev);
	if (dev->backend) {
		for (unsigned int i = 0; i < PCIEM_MAX_BARS; i++) {
			if (dev->bars[i].mem)
				dev->backend->ops->unmap(dev->backend, dev->bars[i].mem,
							 dev->bars[i].size);
			dev->bars[i].mem = NULL;
		}
		if (dev->ring)
			dev->backend->ops->unmap(dev->backend, dev->ring,
						 sizeof(*dev->ring));
		dev->ring = NULL;
		dev->backend->ops->destroy(dev->backend);
		dev->backend = NULL;
	}
	if (dev->eventfd >= 0)
		close(dev->eventfd);
	dev->eventfd = -1;
	dev->registered = false;
}

void pd_device_free(struct pciem_device *dev)
{
	if (!dev)
		return;
	pd_device_teardown(dev);
	free(dev->regs);
	free(dev);
}

/* Registers are sorted by (bar, offset) and do not overlap. */
struct pciem_register *pd_device_find_reg(struct pciem_device *dev,
					  unsigned int bar, uint64_t offset,
					  unsigned int size)
{
	size_t lo = 0, hi = dev->n_regs;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct desc_register *r = dev->regs[mid].desc;

		if (r->bar < bar || (r->bar == bar && r->offset + r->width <= offset))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < dev->n_regs) {
		const struct desc_register *r = dev->regs[lo].desc;

		if (r->bar == bar && r->offset <= offset &&
		    offset + size <= r->offset + r->width)
			return &dev->regs[lo];
	}
	return NULL;
}

volatile void *pd_reg_mem(struct pciem_device *dev,
			  const struct pciem_register *reg)
{
	const struct pd_bar *b = &dev->bars[reg->desc->bar];

	if (!b->mem || reg->desc->offset + reg->desc->width > b->size)
		return NULL;
	return (volatile uint8_t *)b->mem + reg->desc->offset;
}

uint64_t pd_mem_load(const volatile void *p, unsigned int width)
{
	switch (width) {
	case 1: return *(const volatile uint8_t *)p;
	case 2: return *(const volatile uint16_t *)p;
	case 4: return *(const volatile uint32_t *)p;
	default: return *(const volatile uint64_t *)p;
	}
}

void pd_mem_store(volatile void *p, unsigned int width, uint64_t value)
{
	switch (width) {
	case 1: *(volatile uint8_t *)p = (uint8_t)value; break;
	case 2: *(volatile uint16_t *)p = (uint16_t)value; break;
	case 4: *(volatile uint32_t *)p = (uint32_t)value; break;
	default: *(volatile uint64_t *)p = value; break;
	}
}

void pd_device_apply_resets(struct pciem_device *dev)
{
	for (size_t i = 0; i < dev->n_regs; i++) {
		volatile void *p = pd_reg_mem(dev, &dev->regs[i]);

		if (p)
			pd_mem_store(p, dev->regs[i].desc->width,
				     dev->regs[i].desc->reset);
	}
}
