// SPDX-License-Identifier: GPL-2.0
/*
 * Regions of BAR registers with their access mode and write semantics
 * (ADD_REGION, CLEAR_REGIONS), the page modes derived from them, and the
 * semantics applied when the fault handler emulates an access.
 *
 * A BAR's regions never overlap; they are kept in a tree by offset, so
 * adding one and finding the one an access hits take O(log n) of at most
 * PCIEM_MAX_REGIONS.
 *
 * Locking: a BAR's regions and page modes change under the device lock
 * and the intercept lock together; the fault path reads them under the
 * intercept lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/ktime.h>

#include "pciem_internal.h"

static u32 region_page_mode(const struct pciem_region *r)
{
	u64 full = pciem_width_mask(r->width);
	u32 mode = r->mode;

	if ((r->flags & PCIEM_REGION_WRITE_EVENTS) || r->w1c_mask ||
	    r->write_mask != full)
		mode = max_t(u32, mode, PCIEM_PAGE_TRAP_WRITES);
	if (r->flags & (PCIEM_REGION_READ_EVENTS | PCIEM_REGION_SYNC_READ))
		mode = PCIEM_PAGE_TRAP_ALL;
	return mode;
}

/* Page modes of @bar from its regions, into @modes (npages bytes). */
static void compute_modes(struct pciem_bar *bar, u8 *modes)
{
	struct rb_node *n;
	unsigned long p;

	memset(modes, PCIEM_PAGE_DIRECT, bar->size >> PAGE_SHIFT);
	for (n = rb_first(&bar->regions); n; n = rb_next(n)) {
		struct pciem_region *r = rb_entry(n, struct pciem_region, node);
		u32 mode = region_page_mode(r);

		for (p = r->offset >> PAGE_SHIFT;
		     p <= (r->offset + r->size - 1) >> PAGE_SHIFT; p++)
			modes[p] = max_t(u8, modes[p], mode);
	}
}

/*
 * Install @modes as the BAR's page modes and re-map every live mapping of
 * the pages that changed.  Caller holds the device lock.
 */
static void apply_modes(struct pciem_bar *bar, const u8 *modes)
{
	unsigned long flags;

	flags = pciem_intercept_lock();
	pciem_intercept_set_modes(bar, modes);
	pciem_intercept_unlock(flags);
	pciem_arch_flush_tlb();
}

/*
 * The region with the lowest offset that overlaps [@off, @off + @size),
 * or NULL.  Regions do not overlap each other, so at most the last one
 * starting below @off + @size can.
 */
static struct pciem_region *region_overlapping(struct pciem_bar *bar, u64 off,
					       u64 size)
{
	struct rb_node *n = bar->regions.rb_node;
	struct pciem_region *found = NULL;

	while (n) {
		struct pciem_region *r = rb_entry(n, struct pciem_region, node);

		if (r->offset < off + size) {
			found = r;
			n = n->rb_right;
		} else {
			n = n->rb_left;
		}
	}
	if (found && found->offset + found->size > off)
		return found;
	return NULL;
}

static bool region_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct pciem_region, node)->offset <
	       rb_entry(b, struct pciem_region, node)->offset;
}

/* Put @new in its place; it overlaps none (check_region said so). */
static void region_insert(struct pciem_bar *bar, struct pciem_region *new)
{
	rb_add(&new->node, &bar->regions, region_less);
}

/* Free every region of @bar that @root holds. */
static void regions_free(struct rb_root *root)
{
	struct pciem_region *r, *tmp;

	rbtree_postorder_for_each_entry_safe(r, tmp, root, node)
		kfree(r);
	*root = RB_ROOT;
}

static int check_region(struct pciem_device *dev,
			const struct pciem_region_config *req)
{
	struct pciem_bar *bar;
	struct pciem_region *r;
	u64 full;

	if (req->bar_index >= PCIEM_MAX_BARS || !dev->bars[req->bar_index].size) {
		pciem_user_err("ADD_REGION: the device has no BAR %u",
			       req->bar_index);
		return -EINVAL;
	}
	bar = &dev->bars[req->bar_index];
	if (req->width != 1 && req->width != 2 && req->width != 4 &&
	    req->width != 8) {
		pciem_user_err("ADD_REGION: width %u is not 1, 2, 4 or 8",
			       req->width);
		return -EINVAL;
	}
	if (!req->size || req->offset % req->width || req->size % req->width ||
	    req->offset > bar->size || req->size > bar->size - req->offset) {
		pciem_user_err("ADD_REGION: %llu bytes at 0x%llx must be whole %u-byte registers inside BAR %u (%llu bytes)",
			       req->size, req->offset, req->width,
			       req->bar_index, bar->size);
		return -EINVAL;
	}
	full = pciem_width_mask(req->width);
	if ((req->write_mask | req->w1c_mask) & ~full ||
	    req->write_mask & req->w1c_mask) {
		pciem_user_err("ADD_REGION: masks must fit %u bytes and write-1-to-clear bits must not be in write_mask",
			       req->width);
		return -EINVAL;
	}
	if (req->flags & ~(PCIEM_REGION_WRITE_EVENTS | PCIEM_REGION_READ_EVENTS |
			   PCIEM_REGION_SYNC_READ) ||
	    req->mode > PCIEM_PAGE_TRAP_ALL) {
		pciem_user_err("ADD_REGION: unknown flags 0x%x or mode %u",
			       req->flags, req->mode);
		return -EINVAL;
	}
	if (bar->nregions >= PCIEM_MAX_REGIONS) {
		pciem_user_err("ADD_REGION: BAR %u has %u regions already, the most it may have; CLEAR_REGIONS first",
			       req->bar_index, PCIEM_MAX_REGIONS);
		return -ENOSPC;
	}
	r = region_overlapping(bar, req->offset, req->size);
	if (r) {
		pciem_user_err("ADD_REGION: 0x%llx-0x%llx overlaps the region at 0x%llx-0x%llx of BAR %u",
			       req->offset, req->offset + req->size - 1,
			       r->offset, r->offset + r->size - 1,
			       req->bar_index);
		return -EBUSY;
	}
	return 0;
}

/* ADD_REGION; caller holds the device lock. */
int pciem_region_add(struct pciem_device *dev,
		     const struct pciem_region_config *req)
{
	struct pciem_region *r;
	struct pciem_bar *bar;
	unsigned long flags;
	u8 *modes;
	int ret;

	ret = check_region(dev, req);
	if (ret)
		return ret;
	if (!pciem_arch_fault_hook_live()) {
		pr_warn_ratelimited("ADD_REGION: the page-fault hook is disarmed (/sys/kernel/debug/kprobes/enabled is 0?); a trapped page would crash its driver, so none is made\n");
		return -EOPNOTSUPP;
	}
	bar = &dev->bars[req->bar_index];
	if (!bar->page_mode) {
		u8 *all_direct = kvzalloc(bar->size >> PAGE_SHIFT,
					  GFP_KERNEL_ACCOUNT);

		if (!all_direct)
			return -ENOMEM;
		/* Read by the fault path: published once it is zeroed. */
		smp_store_release(&bar->page_mode, all_direct);
	}
	modes = kvmalloc(bar->size >> PAGE_SHIFT, GFP_KERNEL);
	/* Charged to the device process, whose requests they are. */
	r = kzalloc(sizeof(*r), GFP_KERNEL_ACCOUNT);
	if (!modes || !r) {
		kvfree(modes);
		kfree(r);
		return -ENOMEM;
	}
	r->offset = req->offset;
	r->size = req->size;
	r->width = req->width;
	r->flags = req->flags;
	r->mode = req->mode;
	r->write_mask = req->write_mask;
	r->w1c_mask = req->w1c_mask;

	flags = pciem_intercept_lock();
	region_insert(bar, r);
	bar->nregions++;
	pciem_intercept_unlock(flags);
	compute_modes(bar, modes);
	apply_modes(bar, modes);
	kvfree(modes);
	return 0;
}

/* CLEAR_REGIONS; caller holds the device lock. */
int pciem_region_clear(struct pciem_device *dev, u32 index)
{
	struct rb_root gone;
	struct pciem_bar *bar;
	unsigned long flags;
	u8 *modes;

	if (index >= PCIEM_MAX_BARS || !dev->bars[index].size) {
		pciem_user_err("CLEAR_REGIONS: the device has no BAR %u", index);
		return -EINVAL;
	}
	bar = &dev->bars[index];
	if (!bar->page_mode)
		return 0;
	modes = kvzalloc(bar->size >> PAGE_SHIFT, GFP_KERNEL);
	if (!modes)
		return -ENOMEM;
	flags = pciem_intercept_lock();
	gone = bar->regions;
	bar->regions = RB_ROOT;
	bar->nregions = 0;
	pciem_intercept_unlock(flags);
	apply_modes(bar, modes);	/* all DIRECT */
	kvfree(modes);
	regions_free(&gone);
	return 0;
}

/* Context: device release; nothing maps the BAR any more. */
void pciem_regions_free(struct pciem_bar *bar)
{
	regions_free(&bar->regions);
	bar->nregions = 0;
	kvfree(bar->page_mode);
	bar->page_mode = NULL;
}

static struct pciem_region *region_at(struct pciem_bar *bar, u64 off)
{
	return region_overlapping(bar, off, 1);
}

static u8 *backing_byte(struct pciem_bar *bar, u64 off)
{
	return (u8 *)page_address(bar->pages[off >> PAGE_SHIFT]) +
	       offset_in_page(off);
}

/* One naturally aligned register of backing memory, read in one access. */
static u64 backing_load(const void *p, unsigned int width)
{
	switch (width) {
	case 1:
		return READ_ONCE(*(const u8 *)p);
	case 2:
		return READ_ONCE(*(const u16 *)p);
	case 4:
		return READ_ONCE(*(const u32 *)p);
	default:
		return READ_ONCE(*(const u64 *)p);
	}
}

/* Replace @old by @new there if it still holds @old. */
static bool backing_cmpxchg(void *p, unsigned int width, u64 old, u64 new)
{
	switch (width) {
	case 1:
		return cmpxchg((u8 *)p, (u8)old, (u8)new) == (u8)old;
	case 2:
		return cmpxchg((u16 *)p, (u16)old, (u16)new) == (u16)old;
	case 4:
		return cmpxchg((u32 *)p, (u32)old, (u32)new) == (u32)old;
	default:
		return cmpxchg((u64 *)p, old, new) == old;
	}
}

static void batch_add(struct pciem_trap_batch *batch, struct pciem_bar *bar,
		      u32 type, u64 off, unsigned int width, u64 data)
{
	struct pciem_event *ev;

	if (WARN_ON_ONCE(batch->n == PCIEM_TRAP_BATCH))
		return;
	batch->e[batch->n].ring = &bar->dev->ring;
	ev = &batch->e[batch->n++].ev;
	*ev = (struct pciem_event){
		.type = type, .bar = bar->index, .offset = off, .size = width,
		.data = data, .timestamp = ktime_get_mono_fast_ns(),
	};
}

/**
 * pciem_trap_read - a driver read emulated by the fault handler
 * @bar: the BAR
 * @off: offset of the access in the BAR
 * @width: 1, 2, 4 or 8 bytes, inside the BAR
 * @val: the value read
 * @batch: where its MMIO_READ event goes, if a region touched asks for one
 *
 * Context: intercept lock held, interrupts off.
 * Return: 0, or PCIEM_TRAP_SYNC (nothing done) if the process must answer.
 */
int pciem_trap_read(struct pciem_bar *bar, u64 off, unsigned int width,
		    u64 *val, struct pciem_trap_batch *batch)
{
	bool event = false;
	unsigned int i;
	u64 v = 0;

	for (i = 0; i < width; i++) {
		struct pciem_region *r = region_at(bar, off + i);

		if (r && (r->flags & PCIEM_REGION_SYNC_READ))
			return PCIEM_TRAP_SYNC;
		if (r && (r->flags & PCIEM_REGION_READ_EVENTS))
			event = true;
	}
	if (IS_ALIGNED(off, width)) {
		v = backing_load(backing_byte(bar, off), width);
	} else {
		for (i = 0; i < width; i++)
			v |= (u64)READ_ONCE(*backing_byte(bar, off + i)) << (8 * i);
	}
	*val = v;
	if (event)
		batch_add(batch, bar, PCIEM_EVENT_MMIO_READ, off, width, v);
	return 0;
}

/**
 * pciem_trap_write - a driver write emulated by the fault handler
 * @bar: the BAR
 * @off: offset of the access in the BAR
 * @width: 1, 2, 4 or 8 bytes, inside the BAR
 * @val: the value the driver wrote
 * @batch: where its MMIO_WRITE event goes, if a region touched asks for one
 *
 * Applies each byte's register semantics (write mask, write-1-to-clear).
 * A naturally aligned access is applied as one atomic update of the whole
 * register, as PCIe writes it: the device process never sees half of it,
 * and a bit it sets meanwhile is not lost.
 * Context: as pciem_trap_read().
 */
void pciem_trap_write(struct pciem_bar *bar, u64 off, unsigned int width,
		      u64 val, struct pciem_trap_batch *batch)
{
	u64 keep = 0, clear = 0, set, old, new;
	bool event = false;
	unsigned int i;

	/* Per byte: which bits the write leaves alone, which it clears. */
	for (i = 0; i < width; i++) {
		struct pciem_region *r = region_at(bar, off + i);
		u8 in = val >> (8 * i), wm = 0xff, w1c = 0;

		if (r) {
			unsigned int lane = (off + i - r->offset) % r->width;

			wm = r->write_mask >> (8 * lane);
			w1c = r->w1c_mask >> (8 * lane);
			if (r->flags & PCIEM_REGION_WRITE_EVENTS)
				event = true;
		}
		keep |= (u64)(u8)~wm << (8 * i);
		clear |= (u64)(in & w1c) << (8 * i);
	}
	set = val & ~keep;
	if (IS_ALIGNED(off, width)) {
		void *p = backing_byte(bar, off);

		do {
			old = backing_load(p, width);
			new = ((old & keep) | set) & ~clear;
		} while (!backing_cmpxchg(p, width, old, new));
	} else {
		for (i = 0; i < width; i++) {
			u8 *b = backing_byte(bar, off + i);

			old = READ_ONCE(*b);
			WRITE_ONCE(*b, ((old & (keep >> (8 * i))) |
					(u8)(set >> (8 * i))) &
				       ~(u8)(clear >> (8 * i)));
		}
	}
	if (event)
		batch_add(batch, bar, PCIEM_EVENT_MMIO_WRITE, off, width, val);
}

/*
 * Post the events of an emulated access, in order.  A caller that may
 * sleep waits for room, so a flood of trapped writes loses nothing.
 * Context: intercept lock not held; inside pciem_fault_enter(); interrupts
 * on if @can_sleep.
 */
void pciem_trap_flush(struct pciem_trap_batch *batch, bool can_sleep)
{
	unsigned int i;

	for (i = 0; i < batch->n; i++) {
		pciem_ring_wait_room(batch->e[i].ring, can_sleep);
		pciem_ring_post(batch->e[i].ring, &batch->e[i].ev);
	}
	batch->n = 0;
}
