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
 * Locking: intercept_lock (irq-safe spinlock) protects the list of BARs and
 * every BAR's mapping list.  The hooks run from kprobe handlers with
 * preemption disabled, so nothing here sleeps; TLB flushes happen after the
 * lock is dropped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "pciem_internal.h"

static DEFINE_SPINLOCK(intercept_lock);
static LIST_HEAD(intercept_bars);

/*
 * Stand-in for the backing memory of a removed device, for mappings a
 * driver never undid: reads see all-ones, as from absent hardware.  Once
 * used it is never freed, since the stale mapping may outlive the module.
 */
static struct page *dead_page;
static bool dead_page_used;

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

	spin_lock_irqsave(&intercept_lock, flags);
	list_for_each_entry(bar, &intercept_bars, range_node) {
		if (overlap(start, end, bar, &s, &e)) {
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&intercept_lock, flags);
	return found;
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
	struct pciem_bar *bar;
	bool changed = false;
	unsigned long flags;
	phys_addr_t s, e;

	spin_lock_irqsave(&intercept_lock, flags);
	list_for_each_entry(bar, &intercept_bars, range_node) {
		struct pciem_mapping *m;
		unsigned long i;
		int ret = 0;

		if (!overlap(start, end, bar, &s, &e))
			continue;
		m = kzalloc(sizeof(*m), GFP_ATOMIC);
		if (!m) {
			pr_err("%s BAR %u: out of memory tracking a mapping at %p; its accesses will not reach the device\n",
			       bar->dev->name, bar->index,
			       (void *)map_va);
			continue;
		}
		m->map_va = map_va;
		m->va = map_va + (s - start);
		m->first = (s - bar->window.start) >> PAGE_SHIFT;
		m->npages = (e - s) >> PAGE_SHIFT;
		for (i = 0; i < m->npages && !ret; i++)
			ret = pciem_arch_remap_page(m->va + i * PAGE_SIZE,
						    page_to_pfn(bar->pages[m->first + i]),
						    PAGE_KERNEL);
		if (ret)
			pr_err("%s BAR %u: cannot redirect the mapping at %p (%d); accesses through it will not reach the device\n",
			       bar->dev->name, bar->index,
			       (void *)m->va, ret);
		list_add(&m->node, &bar->mappings);
		changed = true;
	}
	spin_unlock_irqrestore(&intercept_lock, flags);
	if (changed)
		pciem_arch_flush_tlb();
}

/* @va: address passed to iounmap(); any offset into the page is ignored. */
void pciem_intercept_unmapped(unsigned long va)
{
	struct pciem_mapping *m, *tmp;
	struct pciem_bar *bar;
	unsigned long flags;

	va &= PAGE_MASK;
	spin_lock_irqsave(&intercept_lock, flags);
	list_for_each_entry(bar, &intercept_bars, range_node) {
		list_for_each_entry_safe(m, tmp, &bar->mappings, node) {
			if (m->map_va != va)
				continue;
			list_del(&m->node);
			kfree(m);
		}
	}
	spin_unlock_irqrestore(&intercept_lock, flags);
}

void pciem_intercept_add(struct pciem_bar *bar)
{
	unsigned long flags;

	spin_lock_irqsave(&intercept_lock, flags);
	list_add_tail(&bar->range_node, &intercept_bars);
	spin_unlock_irqrestore(&intercept_lock, flags);
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
	struct pciem_mapping *m, *tmp;
	bool leaked = false;
	unsigned long flags;

	spin_lock_irqsave(&intercept_lock, flags);
	list_del(&bar->range_node);
	list_for_each_entry_safe(m, tmp, &bar->mappings, node) {
		unsigned long i;

		pr_warn("%s BAR %u: still mapped at %p (%lu pages) after removal; the driver did not unmap it, it now reads all-ones\n",
			bar->dev->name, bar->index, (void *)m->va, m->npages);
		for (i = 0; i < m->npages; i++)
			pciem_arch_remap_page(m->va + i * PAGE_SIZE,
					      page_to_pfn(dead_page),
					      PAGE_KERNEL);
		list_del(&m->node);
		kfree(m);
		leaked = true;
	}
	if (leaked)
		dead_page_used = true;
	spin_unlock_irqrestore(&intercept_lock, flags);

	if (leaked)
		pciem_arch_flush_tlb();
	/* Lazily freed vmap areas may still have TLB entries for the pages. */
	vm_unmap_aliases();
}

int pciem_intercept_init(void)
{
	dead_page = alloc_page(GFP_KERNEL);
	if (!dead_page)
		return -ENOMEM;
	memset(page_address(dead_page), 0xff, PAGE_SIZE);
	return 0;
}

void pciem_intercept_exit(void)
{
	if (dead_page_used)
		pr_warn("keeping one page for mappings drivers never undid\n");
	else
		__free_page(dead_page);
}
