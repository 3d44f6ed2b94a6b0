// SPDX-License-Identifier: GPL-2.0
/*
 * Redirection of kernel mappings of BARs to their backing pages.
 *
 * Nothing answers at a BAR's bus address.  Whenever the kernel maps part of
 * a registered BAR (every ioremap variant, pci_iomap, memremap...), the
 * architecture hook calls pciem_intercept_mapped() with the new virtual
 * address before the mapping is returned to its caller, and the page-table
 * entries are pointed at the backing pages.  Each such mapping is tracked
 * until iounmap(), so that a mapping a driver forgets to undo can be pointed
 * at a harmless page before the backing memory is freed.
 *
 * Watchpoints follow the mappings (watchpoint.c): armed on the newest
 * mapping that covers their register, moved or disarmed when it goes.
 *
 * Locking: intercept_lock (irq-safe raw spinlock) protects the list of
 * BARs, every BAR's mapping and watchpoint lists and the watchpoints'
 * targets.  The hooks run from kprobe handlers with preemption disabled,
 * so the lock is raw (also a spinning lock on PREEMPT_RT) and nothing under
 * it sleeps or allocates: tracking entries come from map_reserve.c.  TLB
 * flushes and debug register updates (IPIs) happen after the lock is
 * dropped.  The list of BARs and their mapping lists are also RCU lists,
 * so that the fault hook can tell whether a fault is PCIem's
 * without any lock: it runs for every unhandled kernel fault, including
 * one taken while the lock is held (a nofault access during emulation) or
 * in an NMI.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "pciem_internal.h"

static DEFINE_RAW_SPINLOCK(intercept_lock);
static LIST_HEAD(intercept_bars);

/*
 * Stand-in for the backing memory of a removed device, for mappings a
 * driver never undid: reads see all-ones, as from absent hardware.  Once
 * used it is never freed, since the stale mapping may outlive the module.
 */
static struct page *dead_page;
static bool dead_page_used;

static u32 page_mode(struct pciem_bar *bar, unsigned long page)
{
	const u8 *modes = READ_ONCE(bar->page_mode);

	return modes ? modes[page] : PCIEM_PAGE_DIRECT;
}

/*
 * The mapping of a registered BAR that @va falls in, or NULL.
 * Context: intercept lock or RCU read lock held.
 */
static struct pciem_mapping *find_mapping(unsigned long va,
					  struct pciem_bar **barp)
{
	struct pciem_mapping *m;
	struct pciem_bar *bar;

	list_for_each_entry_rcu(bar, &intercept_bars, range_node,
				lockdep_is_held(&intercept_lock)) {
		list_for_each_entry_rcu(m, &bar->mappings, node,
					lockdep_is_held(&intercept_lock)) {
			if (va >= m->va && va - m->va < m->npages * PAGE_SIZE) {
				*barp = bar;
				return m;
			}
		}
	}
	return NULL;
}

unsigned long pciem_intercept_lock(void)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&intercept_lock, flags);
	return flags;
}

void pciem_intercept_unlock(unsigned long flags)
{
	raw_spin_unlock_irqrestore(&intercept_lock, flags);
}

/**
 * pciem_intercept_set_modes - change a BAR's page modes, live
 * @bar: the BAR
 * @modes: new mode of every page
 *
 * Context: intercept lock held; the caller flushes TLBs after unlocking.
 */
void pciem_intercept_set_modes(struct pciem_bar *bar, const u8 *modes)
{
	unsigned long p, npages = bar->size >> PAGE_SHIFT;
	struct pciem_mapping *m;

	if (bar->pages) {
		list_for_each_entry(m, &bar->mappings, node) {
			for (p = m->first; p < m->first + m->npages; p++) {
				if (modes[p] == page_mode(bar, p))
					continue;
				pciem_arch_set_page(m->va + (p - m->first) * PAGE_SIZE,
						    page_to_pfn(bar->pages[p]),
						    modes[p]);
			}
		}
	}
	memcpy(bar->page_mode, modes, npages);
}

/**
 * pciem_intercept_claims - is a fault at @va PCIem's?
 * @va: the faulting kernel address
 *
 * True for any address in a BAR mapping, whatever its page's mode: the
 * mode may change between the CPU's page walk and this look (a region
 * added or cleared, a page untrapped), and the fault is PCIem's either
 * way.  Takes no lock.  Context: any, NMI included.
 */
bool pciem_intercept_claims(unsigned long va)
{
	struct pciem_bar *bar;
	bool found;

	rcu_read_lock();
	found = find_mapping(va, &bar);
	rcu_read_unlock();
	return found;
}

/* Is @va on a trapped page of a BAR mapping?  Context: intercept lock. */
bool pciem_intercept_trapped(unsigned long va)
{
	struct pciem_mapping *m;
	struct pciem_bar *bar;

	m = find_mapping(va, &bar);
	return m && page_mode(bar, m->first + (va - m->va) / PAGE_SIZE) !=
		    PCIEM_PAGE_DIRECT;
}

/**
 * pciem_intercept_lookup - the BAR and offset behind a kernel address
 * @va: any kernel address
 * @bar: set to the BAR if @va is in a mapping of one
 * @off: set to the offset in the BAR
 *
 * Context: intercept lock held.
 */
bool pciem_intercept_lookup(unsigned long va, struct pciem_bar **bar,
			    u64 *off)
{
	struct pciem_mapping *m = find_mapping(va, bar);

	if (!m)
		return false;
	*off = ((u64)m->first << PAGE_SHIFT) + (va - m->va);
	return true;
}

/*
 * Map the page at @va directly in its mapping, for an instruction that
 * cannot be emulated: it then runs against memory instead of faulting
 * forever.  Context: intercept lock held.
 */
void pciem_intercept_untrap(unsigned long va)
{
	struct pciem_mapping *m;
	struct pciem_bar *bar;
	unsigned long p;

	m = find_mapping(va, &bar);
	if (!m)
		return;
	p = m->first + (va - m->va) / PAGE_SIZE;
	pciem_arch_set_page(va & PAGE_MASK, page_to_pfn(bar->pages[p]),
			    PCIEM_PAGE_DIRECT);
	pciem_arch_flush_tlb_local();
}

static bool overlap(phys_addr_t start, phys_addr_t end, struct pciem_bar *bar,
		    phys_addr_t *s, phys_addr_t *e)
{
	*s = max_t(phys_addr_t, start, bar->window.start);
	*e = min_t(phys_addr_t, end, bar->window.end + 1);
	return *s < *e;
}

bool pciem_intercept_wants(phys_addr_t phys, unsigned long size)
{
	phys_addr_t start = phys & PAGE_MASK, end = PAGE_ALIGN(phys + size);
	struct pciem_bar *bar;
	unsigned long flags;
	phys_addr_t s, e;
	bool found = false;

	raw_spin_lock_irqsave(&intercept_lock, flags);
	list_for_each_entry(bar, &intercept_bars, range_node) {
		if (overlap(start, end, bar, &s, &e)) {
			found = true;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&intercept_lock, flags);
	return found;
}

/**
 * pciem_intercept_bar_at - the registered BAR holding a bus address range
 * @phys: bus address of the first byte
 * @len: bytes
 *
 * Context: intercept lock held; the BAR cannot go while it is.
 * Return: the BAR, NULL if no BAR holds any of the range, or
 * ERR_PTR(-EINVAL) if one holds only part of it.
 */
struct pciem_bar *pciem_intercept_bar_at(phys_addr_t phys, size_t len)
{
	struct pciem_bar *bar;
	phys_addr_t s, e;

	list_for_each_entry(bar, &intercept_bars, range_node) {
		if (!overlap(phys, phys + len, bar, &s, &e))
			continue;
		if (s != phys || e != phys + len)
			return ERR_PTR(-EINVAL);
		return bar;
	}
	return NULL;
}

/*
 * What went wrong redirecting a mapping, reported once the intercept lock
 * is dropped: a console driver's lock may sleep on PREEMPT_RT, and lockdep
 * reports it under a raw lock on any kernel.
 */
struct map_failure {
	int err;
	unsigned int index;
	char name[sizeof_field(struct pciem_device, name)];
};

static void map_failed(struct map_failure *fail, struct pciem_bar *bar,
		       int err)
{
	if (fail->err)
		return;
	fail->err = err;
	fail->index = bar->index;
	strscpy(fail->name, bar->dev->name, sizeof(fail->name));
}

/**
 * pciem_intercept_mapped - redirect a fresh kernel mapping
 * @phys: physical address passed to the mapping call
 * @size: its size
 * @va: the virtual address it returned (same offset into the page as @phys)
 */
void pciem_intercept_mapped(phys_addr_t phys, unsigned long size,
			    unsigned long va)
{
	phys_addr_t start = phys & PAGE_MASK, end = PAGE_ALIGN(phys + size);
	unsigned long map_va = va & PAGE_MASK;
	struct pciem_wp_batch batch = {};
	struct pciem_watchpoint *wp;
	struct pciem_mapping *spare = NULL;
	struct map_failure fail = {};
	struct pciem_bar *bar;
	bool changed = false;
	unsigned long flags;
	phys_addr_t s, e;

	/* Not under the raw lock: lockdep's nesting check forbids it. */
	if (pciem_reserve_short())
		spare = kzalloc(sizeof(*spare), GFP_ATOMIC | __GFP_NOWARN);
	raw_spin_lock_irqsave(&intercept_lock, flags);
	list_for_each_entry(bar, &intercept_bars, range_node) {
		struct pciem_mapping *m;
		unsigned long i;
		int ret = 0;

		if (!overlap(start, end, bar, &s, &e))
			continue;
		m = pciem_reserve_take_mapping();
		if (!m) {
			m = spare;
			spare = NULL;
		}
		if (!m) {
			map_failed(&fail, bar, -ENOSPC);
			continue;
		}
		m->map_va = map_va;
		m->va = map_va + (s - start);
		m->first = (s - bar->window.start) >> PAGE_SHIFT;
		m->npages = (e - s) >> PAGE_SHIFT;
		m->req_start = max_t(u64, phys, bar->window.start) -
			       bar->window.start;
		m->req_end = min_t(u64, phys + size, bar->window.end + 1) -
			     bar->window.start;
		for (i = 0; i < m->npages && !ret; i++)
			ret = pciem_arch_set_page(m->va + i * PAGE_SIZE,
						  page_to_pfn(bar->pages[m->first + i]),
						  page_mode(bar, m->first + i));
		if (ret)
			map_failed(&fail, bar, ret);
		list_add_rcu(&m->node, &bar->mappings);
		changed = true;
		list_for_each_entry(wp, &bar->watchpoints, bar_node)
			if (pciem_wp_arm(bar, wp, m))
				pciem_wp_batch_add(&batch, wp);
	}
	raw_spin_unlock_irqrestore(&intercept_lock, flags);
	kfree(spare);
	if (changed)
		pciem_arch_flush_tlb();
	pciem_wp_batch_sync(&batch);
	if (fail.err == -ENOSPC)
		pr_err_ratelimited("%s BAR %u: no tracking entry left for the mapping at %p (too many mapped at once); its accesses will not reach the device\n",
				   fail.name, fail.index, (void *)map_va);
	else if (fail.err)
		pr_err_ratelimited("%s BAR %u: cannot redirect the mapping at %p (%d); accesses through it will not reach the device\n",
				   fail.name, fail.index, (void *)map_va,
				   fail.err);
}

/* @va: address passed to iounmap(); any offset into the page is ignored. */
void pciem_intercept_unmapped(unsigned long va)
{
	struct pciem_mapping *m, *tmp;
	struct pciem_wp_batch batch = {};
	struct pciem_watchpoint *wp;
	struct pciem_bar *bar;
	unsigned long flags;

	va &= PAGE_MASK;
	raw_spin_lock_irqsave(&intercept_lock, flags);
	list_for_each_entry(bar, &intercept_bars, range_node) {
		list_for_each_entry_safe(m, tmp, &bar->mappings, node) {
			if (m->map_va != va)
				continue;
			list_del_rcu(&m->node);
			pciem_reserve_put_mapping(m);
		}
		list_for_each_entry(wp, &bar->watchpoints, bar_node) {
			if (wp->map_va != va)
				continue;
			if (!pciem_wp_arm(bar, wp, NULL))
				pciem_wp_disarm(wp);
			pciem_wp_batch_add(&batch, wp);
		}
	}
	raw_spin_unlock_irqrestore(&intercept_lock, flags);
	pciem_wp_batch_sync(&batch);
}

/**
 * pciem_intercept_watch - start following mappings for a new watchpoint
 * @bar: BAR of a registered device
 * @wp: the watchpoint, on a debug register already
 *
 * Context: process.  Arms it at once if the driver has mapped the BAR.
 */
void pciem_intercept_watch(struct pciem_bar *bar, struct pciem_watchpoint *wp)
{
	unsigned long flags;
	bool armed;

	raw_spin_lock_irqsave(&intercept_lock, flags);
	list_add_tail(&wp->bar_node, &bar->watchpoints);
	armed = pciem_wp_arm(bar, wp, NULL);
	raw_spin_unlock_irqrestore(&intercept_lock, flags);
	if (armed)
		pciem_arch_wp_sync(wp);
}

/**
 * pciem_intercept_check - is the ioremap hook armed?
 * @dev: device being registered, its BARs on the intercept list
 *
 * Maps the first page of the device's first BAR as a driver would and
 * checks that the mapping was seen.  kprobes disarmed all at once
 * (/sys/kernel/debug/kprobes/enabled) leave the hook registered but
 * silent: a driver's mapping would then reach empty bus space.
 * Context: REGISTER, process.  Return: 0, -EOPNOTSUPP or -ENOMEM.
 */
int pciem_intercept_check(struct pciem_device *dev)
{
	struct pciem_bar *bar = NULL, *found;
	void __iomem *io;
	unsigned long flags;
	unsigned int i;
	bool seen;

	for (i = 0; i < PCIEM_MAX_BARS && !bar; i++)
		if (dev->bars[i].size)
			bar = &dev->bars[i];
	if (!bar)
		return 0;
	io = ioremap(bar->window.start, PAGE_SIZE);
	if (!io)
		return -ENOMEM;
	raw_spin_lock_irqsave(&intercept_lock, flags);
	seen = find_mapping((unsigned long)io, &found) && found == bar;
	raw_spin_unlock_irqrestore(&intercept_lock, flags);
	iounmap(io);
	if (!seen) {
		pr_warn_ratelimited("REGISTER: the ioremap hook is disarmed (/sys/kernel/debug/kprobes/enabled is 0?); drivers' BAR mappings would not reach the device, so it is not registered\n");
		return -EOPNOTSUPP;
	}
	return 0;
}

/* Context: REGISTER, under the device's lock. */
void pciem_intercept_add(struct pciem_bar *bar)
{
	struct pciem_watchpoint *wp;
	unsigned long flags;

	raw_spin_lock_irqsave(&intercept_lock, flags);
	list_add_tail_rcu(&bar->range_node, &intercept_bars);
	list_for_each_entry(wp, &bar->dev->watchpoints, dev_node)
		if (wp->bar == bar->index)
			list_add_tail(&wp->bar_node, &bar->watchpoints);
	raw_spin_unlock_irqrestore(&intercept_lock, flags);
}

/**
 * pciem_intercept_remove - stop redirecting a BAR before its pages go
 * @bar: BAR of a device already removed from the bus
 *
 * May sleep.  Mappings still alive belong to a driver that did not unmap in
 * its remove(); they are pointed at the dead page and reported.
 */
void pciem_intercept_remove(struct pciem_bar *bar)
{
	struct pciem_watchpoint *wp, *wtmp;
	struct pciem_mapping *m, *tmp;
	unsigned long leaked = 0, first_va = 0, first_npages = 0;
	struct pciem_wp_batch batch = {};
	unsigned long flags;

	raw_spin_lock_irqsave(&intercept_lock, flags);
	list_del_rcu(&bar->range_node);
	list_for_each_entry_safe(wp, wtmp, &bar->watchpoints, bar_node) {
		pciem_wp_disarm(wp);
		list_del_init(&wp->bar_node);
		pciem_wp_batch_add(&batch, wp);
	}
	list_for_each_entry_safe(m, tmp, &bar->mappings, node) {
		unsigned long i;

		if (!leaked++) {
			first_va = m->va;
			first_npages = m->npages;
		}
		for (i = 0; i < m->npages; i++)
			pciem_arch_set_page(m->va + i * PAGE_SIZE,
					    page_to_pfn(dead_page),
					    PCIEM_PAGE_DIRECT);
		list_del_rcu(&m->node);
		pciem_reserve_put_mapping(m);
	}
	if (leaked)
		dead_page_used = true;
	raw_spin_unlock_irqrestore(&intercept_lock, flags);

	if (leaked) {
		pciem_arch_flush_tlb();
		pr_warn("%s BAR %u: still mapped at %p (%lu pages) after removal, %lu mapping(s) in all; the driver did not unmap it, it now reads all-ones\n",
			bar->dev->name, bar->index, (void *)first_va,
			first_npages, leaked);
	}
	pciem_wp_batch_sync(&batch);
	/* Lazily freed vmap areas may still have TLB entries for the pages. */
	vm_unmap_aliases();
}

int pciem_intercept_init(void)
{
	int ret;

	dead_page = alloc_page(GFP_KERNEL);
	if (!dead_page)
		return -ENOMEM;
	memset(page_address(dead_page), 0xff, PAGE_SIZE);
	ret = pciem_reserve_init();
	if (ret)
		__free_page(dead_page);
	return ret;
}

void pciem_intercept_exit(void)
{
	pciem_reserve_exit();
	if (dead_page_used)
		pr_warn("keeping one page for mappings drivers never undid\n");
	else
		__free_page(dead_page);
}
