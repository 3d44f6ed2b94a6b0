// SPDX-License-Identifier: MIT
/*
 * The device builder.  Registers with plain read-write storage need
 * nothing from the kernel; every other register becomes a region whose
 * semantics the kernel applies in its fault path, with write events for
 * write handlers and synchronous reads for read handlers and write-only
 * registers (pciemd answers those with 0).  `watch: true` registers are
 * seen through a hardware watchpoint instead of a trap.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <syslog.h>
#include <unistd.h>

#include "builder.h"

#define PD_PAGE_SIZE ((uint64_t)4096)	/* the kernel traps whole 4 KiB pages */

static uint64_t width_mask(unsigned int width)
{
	return width >= 8 ? UINT64_MAX : (1ULL << (8 * width)) - 1;
}

/* Why a register makes its pages trapped, or NULL if it does not. */
static const char *trap_reason(const struct desc_register *r)
{
	if (r->read.name)
		return "its read handler";
	if (r->access == DESC_ACCESS_WO)
		return "access: wo";
	if (r->write.name && !r->watch)
		return "its write handler";
	if (r->w1c_mask)
		return "its write-1-to-clear bits";
	if ((r->write_mask & width_mask(r->width)) != width_mask(r->width))
		return "its write mask";
	return NULL;
}

static bool same_page(const struct desc_register *a, const struct desc_register *b)
{
	return a->bar == b->bar &&
	       a->offset / PD_PAGE_SIZE <= (b->offset + b->width - 1) / PD_PAGE_SIZE &&
	       b->offset / PD_PAGE_SIZE <= (a->offset + a->width - 1) / PD_PAGE_SIZE;
}

int pd_plan(struct pciem_device *dev)
{
	for (size_t i = 0; i < dev->n_regs; i++) {
		struct pciem_register *reg = &dev->regs[i];
		const struct desc_register *r = reg->desc;

		reg->region_flags = 0;
		if (r->write.name && !r->watch)
			reg->region_flags |= PCIEM_REGION_WRITE_EVENTS;
		if (r->read.name || r->access == DESC_ACCESS_WO)
			reg->region_flags |= PCIEM_REGION_SYNC_READ;
		reg->needs_region = trap_reason(r) != NULL;
	}

	/* The kernel takes PCIEM_MAX_REGIONS regions per BAR. */
	for (unsigned int bar = 0; bar < PCIEM_MAX_BARS; bar++) {
		size_t n = 0;

		for (size_t i = 0; i < dev->n_regs; i++) {
			const struct desc_register *r = dev->regs[i].desc;

			if (r->bar != bar || !dev->regs[i].needs_region ||
			    ++n <= PCIEM_MAX_REGIONS)
				continue;
			pd_log_at(dev->log, LOG_ERR, pd_file(dev), &r->pos,
				  "register %s would be register number %zu of BAR %u that the kernel traps, and it traps at most %d per BAR: give fewer registers handlers or masks, or spread them over BARs",
				  r->name, n, bar, PCIEM_MAX_REGIONS);
			return -1;
		}
	}

	/* A trapped write never reaches memory, so no watchpoint sees it. */
	for (size_t i = 0; i < dev->n_regs; i++) {
		const struct desc_register *w = dev->regs[i].desc;

		if (!w->watch)
			continue;
		for (size_t j = 0; j < dev->n_regs; j++) {
			const struct desc_register *t = dev->regs[j].desc;
			const char *why = trap_reason(t);

			if (!why || !same_page(w, t))
				continue;
			if (t == w)
				pd_log_at(dev->log, LOG_ERR, pd_file(dev), &w->pos,
					  "register %s: watch: true cannot be combined with %s (a watchpoint sees only untrapped writes): drop watch: true",
					  w->name, why);
			else
				pd_log_at(dev->log, LOG_ERR, pd_file(dev), &w->pos,
					  "register %s: watch: true cannot see writes on page 0x%" PRIx64 " of BAR %u, which the kernel traps for register %s (%s, line %u): drop watch: true, or move one of them to another page",
					  w->name, w->offset / PD_PAGE_SIZE * PD_PAGE_SIZE,
					  w->bar, t->name, why, t->pos.line);
			return -1;
		}
	}
	return 0;
}

/* What a failed ioctl's errno means here, when the errno alone is vague. */
static const char *hint(unsigned long request, int err)
{
	if (err == EPERM || err == EACCES)
		return "pciemd needs CAP_SYS_ADMIN";
	if (request == PCIEM_IOCTL_SET_WATCHPOINT && err == ENOSPC)
		return "no free hardware debug register (x86 has four, shared with debuggers and other devices)";
	if (request == PCIEM_IOCTL_SET_WATCHPOINT && err == EOPNOTSUPP)
		return "this kernel cannot watch BAR registers";
	if (request == PCIEM_IOCTL_REGISTER && err == ENOSPC)
		return "no free bus address range for a BAR (a 32-bit BAR needs room below 4 GiB) or no free PCI domain";
	if (request == PCIEM_IOCTL_ADD_REGION && err == EBUSY)
		return "it overlaps another region";
	return NULL;
}

/*
 * One ioctl; on failure one line: position, ioctl, errno text, what in
 * the description it was for, and a hint where one helps.
 */
__attribute__((format(printf, 5, 6)))
static int call(struct pciem_device *dev, unsigned long request, void *arg,
		const struct desc_pos *pos, const char *fmt, ...)
{
	struct pd_backend *b = dev->backend;
	const char *h;
	char what[512];
	va_list ap;
	int ret;

	ret = b->ops->ioctl(b, request, arg);
	if (ret >= 0)
		return ret;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	h = hint(request, -ret);
	pd_log_at(dev->log, LOG_ERR, pd_file(dev), pos, "%s: %s (%s)%s%s",
		  pd_ioctl_name(request), strerror(-ret), what, h ? ": " : "",
		  h ? h : "");
	return -1;
}

static int add_bars(struct pciem_device *dev)
{
	for (unsigned int i = 0; i < PCIEM_MAX_BARS; i++) {
		const struct desc_bar *d = &dev->desc->bars[i];
		struct pciem_bar_config bar = {
			.bar_index = i,
			.size = d->size,
			.flags = PCI_BASE_ADDRESS_SPACE_MEMORY |
				 (d->is_64bit ? PCI_BASE_ADDRESS_MEM_TYPE_64 :
						PCI_BASE_ADDRESS_MEM_TYPE_32) |
				 (d->prefetchable ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0),
		};

		if (!d->present)
			continue;
		if (call(dev, PCIEM_IOCTL_ADD_BAR, &bar, &d->pos,
			 "BAR %u, %" PRIu64 " bytes, %s%s", i, d->size,
			 d->is_64bit ? "64-bit" : "32-bit",
			 d->prefetchable ? ", prefetchable" : "") < 0)
			return -1;
	}
	return 0;
}

static int add_cap(struct pciem_device *dev, uint32_t type, const void *payload,
		   size_t size, const struct desc_pos *pos, const char *what)
{
	struct pciem_cap_config cap = { .cap_type = type, .cap_size = (uint32_t)size };

	memcpy(cap.cap_data, payload, size);
	return call(dev, PCIEM_IOCTL_ADD_CAPABILITY, &cap, pos,
		    "capability %s", what) < 0 ? -1 : 0;
}

static unsigned int log2u(unsigned int v)
{
	unsigned int n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

/* In the order most devices list them: PM, MSI, PCIe, MSI-X. */
static int add_caps(struct pciem_device *dev)
{
	const struct desc_device *d = dev->desc;

	if (d->pm.present) {
		struct pciem_cap_pm_userspace pm = {
			.d1_support = d->pm.d1,
			.d2_support = d->pm.d2,
			.pme_support = d->pm.pme_support,
			.no_soft_reset = d->pm.no_soft_reset,
		};

		if (add_cap(dev, PCIEM_CAP_PM, &pm, sizeof(pm), &d->pm.pos, "pm"))
			return -1;
	}
	if (d->msi.present) {
		struct pciem_cap_msi_userspace msi = {
			.num_vectors_log2 = (uint8_t)log2u(d->msi.vectors),
			.has_64bit = d->msi.is_64bit,
			.has_masking = d->msi.masking,
		};

		if (add_cap(dev, PCIEM_CAP_MSI, &msi, sizeof(msi), &d->msi.pos, "msi"))
			return -1;
	}
	if (d->pcie.present) {
		struct pciem_cap_pcie_userspace pcie = {
			.port_type = d->pcie.port_type,
			.max_payload = d->pcie.max_payload,
			.link_speed = d->pcie.link_speed,
			.link_width = d->pcie.link_width,
			.flr = d->pcie.flr,
		};

		if (add_cap(dev, PCIEM_CAP_PCIE, &pcie, sizeof(pcie), &d->pcie.pos,
			    "pcie"))
			return -1;
	}
	if (d->msix.present) {
		struct pciem_cap_msix_userspace msix = {
			.bar_index = (uint8_t)d->msix.bar,
			.table_offset = d->msix.table_offset,
			.pba_offset = d->msix.pba_offset,
			.table_size = (uint16_t)d->msix.vectors,
		};

		if (add_cap(dev, PCIEM_CAP_MSIX, &msix, sizeof(msix), &d->msix.pos,
			    "msix"))
			return -1;
	}
	return 0;
}

static int set_config(struct pciem_device *dev)
{
	const struct desc_device *d = dev->desc;
	struct pciem_config_space cfg = {
		.vendor_id = d->vendor_id,
		.device_id = d->device_id,
		.subsys_vendor_id = d->subsys_vendor_id,
		.subsys_device_id = d->subsys_device_id,
		.revision = d->revision,
		.class_code = {
			(uint8_t)d->class_code,
			(uint8_t)(d->class_code >> 8),
			(uint8_t)(d->class_code >> 16),
		},
	};

	return call(dev, PCIEM_IOCTL_SET_CONFIG, &cfg, NULL,
		    "identity %04x:%04x, class %06x", d->vendor_id, d->device_id,
		    d->class_code) < 0 ? -1 : 0;
}

static int add_regions(struct pciem_device *dev)
{
	for (size_t i = 0; i < dev->n_regs; i++) {
		const struct pciem_register *reg = &dev->regs[i];
		const struct desc_register *r = reg->desc;
		struct pciem_region_config rc = {
			.bar_index = r->bar,
			.flags = reg->region_flags,
			.offset = r->offset,
			.size = r->width,
			.width = r->width,
			.mode = PCIEM_PAGE_DIRECT,
			.write_mask = r->write_mask & width_mask(r->width),
			.w1c_mask = r->w1c_mask & width_mask(r->width),
		};

		if (!reg->needs_region)
			continue;
		if (call(dev, PCIEM_IOCTL_ADD_REGION, &rc, &r->pos,
			 "register %s, BAR %u offset 0x%" PRIx64, r->name, r->bar,
			 r->offset) < 0)
			return -1;
	}
	return 0;
}

static int add_watchpoints(struct pciem_device *dev)
{
	for (size_t i = 0; i < dev->n_regs; i++) {
		const struct desc_register *r = dev->regs[i].desc;
		struct pciem_watchpoint_config wp = {
			.bar_index = r->bar,
			.offset = (uint32_t)r->offset,
			.width = r->width,
			.flags = PCIEM_WP_FLAG_BAR_KPROBES,
		};

		if (!r->watch)
			continue;
		if (call(dev, PCIEM_IOCTL_SET_WATCHPOINT, &wp, &r->pos,
			 "watch: true of register %s", r->name) < 0)
			return -1;
	}
	return 0;
}

static int map_failed(struct pciem_device *dev, const char *what,
		      const struct desc_pos *pos)
{
	pd_log_at(dev->log, LOG_ERR, pd_file(dev), pos, "mmap of %s: %s", what,
		  strerror(errno));
	return -1;
}

static int setup_events(struct pciem_device *dev)
{
	struct pd_backend *b = dev->backend;
	struct pciem_eventfd_config efd = { 0 };

	dev->ring = b->ops->map_ring(b, sizeof(*dev->ring));
	if (!dev->ring)
		return map_failed(dev, "the event ring", NULL);
	dev->head = atomic_load_explicit(&dev->ring->head, memory_order_relaxed);
	if (dev->head >= PCIEM_RING_SIZE) {
		pd_log_at(dev->log, LOG_ERR, pd_file(dev), NULL,
			  "the event ring's head is %u, past its %u slots",
			  dev->head, PCIEM_RING_SIZE);
		return -1;
	}
	dev->eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (dev->eventfd < 0) {
		pd_log_at(dev->log, LOG_ERR, pd_file(dev), NULL, "eventfd: %s",
			  strerror(errno));
		return -1;
	}
	efd.eventfd = dev->eventfd;
	return call(dev, PCIEM_IOCTL_SET_EVENTFD, &efd, NULL,
		    "the event notification") < 0 ? -1 : 0;
}

static int map_bars(struct pciem_device *dev)
{
	struct pd_backend *b = dev->backend;

	for (unsigned int i = 0; i < PCIEM_MAX_BARS; i++) {
		const struct desc_bar *d = &dev->desc->bars[i];
		char what[16];

		if (!d->present)
			continue;
		dev->bars[i].mem = b->ops->map_bar(b, i, d->size);
		if (!dev->bars[i].mem) {
			snprintf(what, sizeof(what), "BAR %u", i);
			return map_failed(dev, what, &d->pos);
		}
		dev->bars[i].size = d->size;
	}
	return 0;
}

int pd_build(struct pciem_device *dev, struct pd_backend *backend)
{
	/* Drivers bind at pd_attach(), once the device is ready for them. */
	struct pciem_create_device create = {
		.flags = PCIEM_CREATE_DEFER_ATTACH,
	};
	struct pciem_device_info info = { 0 };

	dev->backend = backend;
	if (call(dev, PCIEM_IOCTL_CREATE_DEVICE, &create, NULL,
		 "starting the device") < 0 ||
	    add_bars(dev) || add_caps(dev) || set_config(dev) ||
	    add_regions(dev) || add_watchpoints(dev) || setup_events(dev))
		return -1;
	if (call(dev, PCIEM_IOCTL_REGISTER, NULL, NULL,
		 "putting the device on the bus") < 0)
		return -1;
	dev->registered = true;
	if (map_bars(dev))
		return -1;
	pd_device_apply_resets(dev);
	if (call(dev, PCIEM_IOCTL_GET_DEVICE_INFO, &info, NULL,
		 "asking where the device is") < 0)
		return -1;
	info.name[sizeof(info.name) - 1] = '\0';
	snprintf(dev->address, sizeof(dev->address), "%s", info.name);
	/* Not fatal: the plugin is then not told of config state changes. */
	pd_config_locate(dev);
	return 0;
}

int pd_attach(struct pciem_device *dev)
{
	return call(dev, PCIEM_IOCTL_ATTACH, NULL, NULL,
		    "letting drivers bind") < 0 ? -1 : 0;
}
