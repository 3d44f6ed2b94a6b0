// SPDX-License-Identifier: GPL-2.0
/*
 * SET_WATCHPOINT: hardware data watchpoints on BAR registers.
 *
 * A watchpoint watches the driver's mapping of its register.  PCIem knows
 * every kernel mapping of a BAR (intercept.c), so it arms the watchpoint
 * itself, at the moment the driver maps the BAR, before the mapping call
 * returns; it follows the mapping across iounmap() and re-maps.  The debug
 * register is reserved when the watchpoint is set (so a shortage is
 * reported then) and watches a parking word of the watchpoint while there
 * is nothing to watch.  Each hit posts MMIO_WRITE with the value written.
 *
 * Locking: @dev->lock for the device's list; intercept.c's lock for the
 * BAR lists and @armed_va/@want; hits read @armed_va locklessly (#DB
 * context).  Watchpoints are freed only after an RCU grace period, since
 * the mapping hooks (kprobes, preemption off) may still hold one.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "pciem_internal.h"

/* Context: intercept lock held. */
void pciem_wp_batch_add(struct pciem_wp_batch *b, struct pciem_watchpoint *wp)
{
	if (!WARN_ON_ONCE(b->n == ARRAY_SIZE(b->wp)))
		b->wp[b->n++] = wp;
}

/* Context: process or kprobe handler, intercept lock dropped. */
void pciem_wp_batch_sync(struct pciem_wp_batch *b)
{
	unsigned int i;

	for (i = 0; i < b->n; i++)
		pciem_arch_wp_sync(b->wp[i]);
}

/* Context: intercept lock held. */
void pciem_wp_disarm(struct pciem_watchpoint *wp)
{
	WRITE_ONCE(wp->armed_va, 0);
	wp->map_va = 0;
	WRITE_ONCE(wp->want, (unsigned long)&wp->parking);
}

/*
 * Arm @wp on @m (or on the newest mapping if @m is NULL) if the caller of
 * the mapping asked for the register: the page rounding of a mapping made
 * for something else nearby (the PCI core's MSI-X table) does not count.
 * Context: intercept lock held.
 */
bool pciem_wp_arm(struct pciem_bar *bar, struct pciem_watchpoint *wp,
		  struct pciem_mapping *m)
{
	struct pciem_mapping *it;

	list_for_each_entry(it, &bar->mappings, node) {
		u64 start = (u64)it->first << PAGE_SHIFT;

		if ((m && it != m) || wp->offset < it->req_start ||
		    wp->offset + wp->width > it->req_end)
			continue;
		wp->map_va = it->map_va;
		WRITE_ONCE(wp->armed_va, it->va + (wp->offset - start));
		WRITE_ONCE(wp->want, wp->armed_va);
		return true;
	}
	return false;
}

/* Context: #DB (NMI-like); see pciem_ring_post_nmi(). */
void pciem_watchpoint_hit(struct pciem_watchpoint *wp)
{
	void *va = (void *)READ_ONCE(wp->armed_va);
	struct pciem_event ev = {
		.type = PCIEM_EVENT_MMIO_WRITE,
		.bar = wp->bar,
		.offset = wp->offset,
		.size = wp->width,
	};

	if (!va)
		return;		/* a stale hit while being disarmed */
	switch (wp->width) {
	case 1:
		ev.data = READ_ONCE(*(u8 *)va);
		break;
	case 2:
		ev.data = READ_ONCE(*(u16 *)va);
		break;
	case 4:
		ev.data = READ_ONCE(*(u32 *)va);
		break;
	default:
		ev.data = READ_ONCE(*(u64 *)va);
		break;
	}
	pciem_ring_post_nmi(&wp->dev->ring, &ev);
}

/**
 * pciem_watchpoint_add - the SET_WATCHPOINT ioctl
 * @dev: device, CREATE_DEVICE done; caller holds @dev->lock
 * @req: the request
 *
 * Return: 0; -EINVAL for a bad BAR, offset, width or flags; -EOPNOTSUPP
 * for PCIEM_WP_FLAG_BAR_MANUAL; -EEXIST for a register already watched;
 * -ENOSPC when no debug register is free.
 */
int pciem_watchpoint_add(struct pciem_device *dev,
			 const struct pciem_watchpoint_config *req)
{
	struct pciem_watchpoint *wp;
	struct pciem_bar *bar;
	int ret;

	if (req->flags & PCIEM_WP_FLAG_BAR_MANUAL) {
		pciem_user_err("SET_WATCHPOINT: PCIEM_WP_FLAG_BAR_MANUAL is not supported: PCIem knows the driver's mappings, use PCIEM_WP_FLAG_BAR_KPROBES");
		return -EOPNOTSUPP;
	}
	if (req->flags != PCIEM_WP_FLAG_BAR_KPROBES) {
		pciem_user_err("SET_WATCHPOINT: flags 0x%x; expected PCIEM_WP_FLAG_BAR_KPROBES",
			       req->flags);
		return -EINVAL;
	}
	if (req->bar_index >= PCIEM_MAX_BARS ||
	    !dev->bars[req->bar_index].size) {
		pciem_user_err("SET_WATCHPOINT: the device has no BAR %u",
			       req->bar_index);
		return -EINVAL;
	}
	bar = &dev->bars[req->bar_index];
	if ((req->width != 1 && req->width != 2 && req->width != 4 &&
	     req->width != 8) || req->offset % req->width ||
	    req->offset + (u64)req->width > bar->size) {
		pciem_user_err("SET_WATCHPOINT: %u bytes at 0x%x: width must be 1, 2, 4 or 8, the offset aligned to it and inside BAR %u",
			       req->width, req->offset, req->bar_index);
		return -EINVAL;
	}
	list_for_each_entry(wp, &dev->watchpoints, dev_node) {
		if (wp->bar == req->bar_index && wp->offset == req->offset) {
			pciem_user_err("SET_WATCHPOINT: BAR %u offset 0x%x is already watched",
				       req->bar_index, req->offset);
			return -EEXIST;
		}
	}

	ret = pciem_ring_enable_nmi(&dev->ring);
	if (ret)
		return ret;
	wp = kzalloc(sizeof(*wp), GFP_KERNEL);
	if (!wp)
		return -ENOMEM;
	wp->dev = dev;
	wp->bar = req->bar_index;
	wp->offset = req->offset;
	wp->width = req->width;
	INIT_LIST_HEAD(&wp->bar_node);
	ret = pciem_arch_wp_register(wp);
	if (ret) {
		if (ret == -ENOSPC)
			pciem_user_err("SET_WATCHPOINT: no hardware debug register is free (the CPU has %d, shared by all users)",
				       HBP_NUM);
		kfree(wp);
		return ret;
	}
	list_add_tail(&wp->dev_node, &dev->watchpoints);
	if (dev->state == PCIEM_REGISTERED)
		pciem_intercept_watch(bar, wp);
	return 0;
}

/* Context: process, device off the bus (no mapping hook can arm these). */
void pciem_watchpoints_free(struct pciem_device *dev)
{
	struct pciem_watchpoint *wp, *tmp;

	if (list_empty(&dev->watchpoints))
		return;
	synchronize_rcu();
	list_for_each_entry_safe(wp, tmp, &dev->watchpoints, dev_node) {
		pciem_arch_wp_unregister(wp);
		list_del(&wp->dev_node);
		kfree(wp);
	}
}
