// SPDX-License-Identifier: MIT
/*
 * The event dispatcher.  Events are copied out of the ring before they
 * are handled, and head advances after each one, so the kernel can reuse
 * a slot as soon as pciemd is done with it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "dispatch.h"
#include "plugin_load.h"

/* The reset hook gets the kernel's reason as it is. */
_Static_assert(PCIEM_PLUGIN_RESET_FLR == PCIEM_RESET_FLR, "FLR reason");
_Static_assert(PCIEM_PLUGIN_RESET_PM == PCIEM_RESET_PM, "PM reset reason");

static uint64_t width_mask(unsigned int width)
{
	return width >= 8 ? UINT64_MAX : (1ULL << (8 * width)) - 1;
}

static void respond(struct pciem_device *dev, const struct pciem_event *ev,
		    uint64_t data, int32_t status)
{
	struct pciem_response r = { .seq = ev->seq, .data = data, .status = status };
	int ret = dev->backend->ops->ioctl(dev->backend, PCIEM_IOCTL_RESPOND, &r);

	/* ENOENT: the read timed out already (READ_TIMEOUT says so). */
	if (ret < 0 && ret != -ENOENT)
		pd_log(dev->log, LOG_WARNING,
		       "RESPOND to the read of BAR %u offset 0x%" PRIx64 ": %s",
		       ev->bar, ev->offset, strerror(-ret));
}

static bool sane_access(const struct pciem_event *ev)
{
	return ev->size == 1 || ev->size == 2 || ev->size == 4 || ev->size == 8;
}

static void mmio_read(struct pciem_device *dev, const struct pciem_event *ev)
{
	struct pciem_register *reg = NULL;
	uint64_t value = 0;
	unsigned int shift;

	if (sane_access(ev) && ev->bar < PCIEM_MAX_BARS)
		reg = pd_device_find_reg(dev, ev->bar, ev->offset, ev->size);
	if (!reg) {
		/* A driver polling such a place must not flood the journal. */
		bool first = dev->stats.unmatched_reads++ == 0;

		pd_log(dev->log, first ? LOG_WARNING : LOG_DEBUG,
		       "read of BAR %u offset 0x%" PRIx64 " (%u bytes) matches no register; answered with all-ones%s",
		       ev->bar, ev->offset, ev->size,
		       first ? " (later ones are logged at debug level)" : "");
		respond(dev, ev, 0, -1);
		return;
	}
	if (reg->read) {
		value = reg->read(dev, reg);
	} else if (reg->desc->access != DESC_ACCESS_WO) {
		volatile void *p = pd_reg_mem(dev, reg);

		value = p ? pd_mem_load(p, reg->desc->width) : 0;
	}
	value &= width_mask(reg->desc->width);
	shift = (unsigned int)(ev->offset - reg->desc->offset) * 8;
	dev->stats.reads++;
	respond(dev, ev, (value >> shift) & width_mask(ev->size), 0);
}

static void mmio_write(struct pciem_device *dev, const struct pciem_event *ev)
{
	struct pciem_register *reg = NULL;
	struct pciem_write wr;
	volatile void *p;

	if (sane_access(ev) && ev->bar < PCIEM_MAX_BARS)
		reg = pd_device_find_reg(dev, ev->bar, ev->offset, ev->size);
	if (!reg || !reg->write) {
		pd_log(dev->log, LOG_DEBUG,
		       "write of 0x%" PRIx64 " to BAR %u offset 0x%" PRIx64 "%s%s: no handler",
		       ev->data, ev->bar, ev->offset, reg ? ", register " : "",
		       reg ? reg->desc->name : "");
		return;
	}
	/* The kernel applied the write to BAR memory before posting it. */
	p = pd_reg_mem(dev, reg);
	wr = (struct pciem_write){
		.value = ev->data & width_mask(ev->size),
		.content = p ? pd_mem_load(p, reg->desc->width) : 0,
		.offset = (unsigned int)(ev->offset - reg->desc->offset),
		.width = ev->size,
	};
	dev->stats.writes++;
	reg->write(dev, reg, &wr);
}

static void reset(struct pciem_device *dev, const struct pciem_event *ev)
{
	const char *why = ev->data == PCIEM_RESET_FLR ? "Function Level Reset" :
			  ev->data == PCIEM_RESET_PM ? "D3hot to D0" : "reset";
	struct pciem_config_state old;
	bool changed;

	dev->stats.resets++;
	pd_log(dev->log, LOG_INFO, "%s: registers back to their reset values", why);
	pd_device_apply_resets(dev);
	/* Config space is back at its reset values too: so is the state. */
	changed = pd_config_update(dev, ev, &old);
	if (dev->plugin_started && dev->plugin->info->reset)
		dev->plugin->info->reset(dev, (unsigned int)ev->data);
	if (changed)
		pd_config_notify(dev, &old);
}

static void config_write(struct pciem_device *dev, const struct pciem_event *ev)
{
	struct pciem_config_state old;

	if (pd_config_update(dev, ev, &old))
		pd_config_notify(dev, &old);
}

static void read_timeout(struct pciem_device *dev, const struct pciem_event *ev)
{
	struct pciem_register *reg = NULL;
	char where[96];

	if (sane_access(ev) && ev->bar < PCIEM_MAX_BARS)
		reg = pd_device_find_reg(dev, ev->bar, ev->offset, ev->size);
	dev->stats.timeouts++;
	if (reg)
		snprintf(where, sizeof(where), "register %s (BAR %u offset 0x%" PRIx64 ")",
			 reg->desc->name, ev->bar, ev->offset);
	else
		snprintf(where, sizeof(where), "BAR %u offset 0x%" PRIx64, ev->bar,
			 ev->offset);
	pd_log(dev->log, LOG_WARNING,
	       "a driver read of %s was not answered in time and returned all-ones (a handler too slow?)",
	       where);
}

void pd_dispatch_event(struct pciem_device *dev, const struct pciem_event *ev)
{
	dev->stats.events++;
	switch (ev->type) {
	case PCIEM_EVENT_MMIO_WRITE:
		mmio_write(dev, ev);
		break;
	case PCIEM_EVENT_MMIO_READ:
		mmio_read(dev, ev);
		break;
	case PCIEM_EVENT_RESET:
		reset(dev, ev);
		break;
	case PCIEM_EVENT_DROPPED:
		dev->stats.lost += ev->data;
		pd_log(dev->log, LOG_WARNING,
		       "the kernel lost %" PRIu64 " events from seq %" PRIu64 " on (the event ring was full)%s",
		       ev->data, ev->seq,
		       dev->plugin_started && dev->plugin->info->events_lost ?
		       "; the plugin resynchronises" : "");
		if (dev->plugin_started && dev->plugin->info->events_lost)
			dev->plugin->info->events_lost(dev, ev->data);
		break;
	case PCIEM_EVENT_READ_TIMEOUT:
		read_timeout(dev, ev);
		break;
#ifdef PCIEM_EVENT_DMA_FAULT
	case PCIEM_EVENT_DMA_FAULT:
		pd_log(dev->log, LOG_WARNING,
		       "DMA %s of %u bytes at IOVA 0x%" PRIx64 " refused: the driver has not mapped it for that",
		       ev->data & PCIEM_DMA_FLAG_WRITE ? "write" : "read", ev->size,
		       ev->offset);
		break;
#endif
	case PCIEM_EVENT_CONFIG_READ:
	case PCIEM_EVENT_CONFIG_WRITE:
		pd_log(dev->log, LOG_DEBUG, "config %s at 0x%" PRIx64 ": 0x%" PRIx64,
		       ev->type == PCIEM_EVENT_CONFIG_READ ? "read" : "write",
		       ev->offset, ev->data);
		if (ev->type == PCIEM_EVENT_CONFIG_WRITE)
			config_write(dev, ev);
		break;
	default:
		pd_log(dev->log, LOG_DEBUG, "event type %u ignored", ev->type);
		break;
	}
}

bool pd_ring_pending(const struct pciem_device *dev)
{
	return dev->ring &&
	       atomic_load_explicit(&dev->ring->tail, memory_order_acquire) != dev->head;
}

size_t pd_dispatch_ring(struct pciem_device *dev, size_t budget)
{
	struct pciem_shared_ring *ring = dev->ring;
	size_t n = 0;

	while (n < budget && !dev->failed) {
		uint32_t tail = atomic_load_explicit(&ring->tail, memory_order_acquire);
		struct pciem_event ev;

		if (tail == dev->head)
			break;
		if (tail >= PCIEM_RING_SIZE) {
			pd_log(dev->log, LOG_ERR,
			       "the event ring's tail is %u, past its %u slots: giving up on the device",
			       tail, PCIEM_RING_SIZE);
			dev->failed = true;
			break;
		}
		memcpy(&ev, &ring->events[dev->head], sizeof(ev));
		dev->head = (dev->head + 1) % PCIEM_RING_SIZE;
		atomic_store_explicit(&ring->head, dev->head, memory_order_release);
		pd_dispatch_event(dev, &ev);
		n++;
	}
	return n;
}
