// SPDX-License-Identifier: GPL-2.0
/*
 * Memory the intercept hooks need, allocated before they need it.
 *
 * The ioremap hook tracks each new BAR mapping, and may have to split a
 * huge mapping into a page table, from a kretprobe handler (preemption
 * off) under the intercept lock, a raw spinlock because the fault hook
 * takes it too.  No allocator may be called there: on PREEMPT_RT its locks
 * sleep ("scheduling while atomic"), and lockdep's raw-lock nesting check
 * reports it on any kernel.  So tracking entries and page-table pages come
 * from reserves kept under the intercept lock and refilled by a work item.
 *
 * The entry reserve starts at ENTRIES_MIN and doubles, up to ENTRIES_MAX,
 * whenever a refill finds it was drawn below a quarter since the last
 * one: a storm of mappings grows it rather than empties it.  The table
 * reserve holds, for every registered BAR, two tables per 2 MiB it spans:
 * enough to split two whole mappings of it made at once into 4 KiB pages
 * (about 0.4% of the BAR's own memory).  A take from an empty reserve
 * fails and the caller reports the mapping it could not redirect.
 *
 * Locking: the reserves are under the intercept lock; refill_mutex
 * serializes refills, which allocate outside it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "pciem_internal.h"

#define ENTRIES_MIN	1024U
#define ENTRIES_MAX	65536U
#define TABLES_MIN	4UL

static LIST_HEAD(free_entries);		/* through pciem_mapping.node */
static unsigned int nentries;
static unsigned int entries_target = ENTRIES_MIN;
static unsigned int entries_low;	/* fewest left since the last refill */
static unsigned long free_tables;	/* each free page holds the next's address */
static unsigned long ntables;
static unsigned long tables_target = TABLES_MIN;

static DEFINE_MUTEX(refill_mutex);

/* Context: intercept lock held. */
static void table_push(unsigned long page)
{
	*(unsigned long *)page = free_tables;
	free_tables = page;
	ntables++;
}

/* Context: intercept lock held, a table on the list. */
static unsigned long table_pop(void)
{
	unsigned long page = free_tables;

	free_tables = *(unsigned long *)page;
	*(unsigned long *)page = 0;
	ntables--;
	return page;
}

/*
 * Top both reserves up to their targets, trim the tables beyond theirs.
 * Context: process.  Return: 0, or -ENOMEM if a target was not reached.
 */
static int reserve_refill(void)
{
	unsigned long ntab, i;
	unsigned int want, got;
	unsigned long flags;
	LIST_HEAD(batch);
	int ret = 0;

	mutex_lock(&refill_mutex);
	flags = pciem_intercept_lock();
	if (entries_low < entries_target / 4 && entries_target < ENTRIES_MAX)
		entries_target *= 2;
	want = entries_target - min(nentries, entries_target);
	ntab = tables_target - min(ntables, tables_target);
	pciem_intercept_unlock(flags);

	for (got = 0; got < want; got++) {
		struct pciem_mapping *m = kzalloc(sizeof(*m), GFP_KERNEL);

		if (!m) {
			ret = -ENOMEM;
			break;
		}
		list_add(&m->node, &batch);
		if (!(got % 256))
			cond_resched();
	}
	flags = pciem_intercept_lock();
	list_splice(&batch, &free_entries);
	nentries += got;
	entries_low = nentries;
	pciem_intercept_unlock(flags);

	for (i = 0; i < ntab; i++) {
		unsigned long page = get_zeroed_page(GFP_KERNEL);

		if (!page) {
			ret = -ENOMEM;
			break;
		}
		flags = pciem_intercept_lock();
		table_push(page);
		pciem_intercept_unlock(flags);
		cond_resched();
	}
	/* Trimmed one at a time: nothing is freed under the raw lock. */
	for (;;) {
		unsigned long page = 0;

		flags = pciem_intercept_lock();
		if (ntables > tables_target)
			page = table_pop();
		pciem_intercept_unlock(flags);
		if (!page)
			break;
		free_page(page);
	}
	mutex_unlock(&refill_mutex);
	return ret;
}

static void reserve_refill_work(struct work_struct *work)
{
	reserve_refill();
}

static DECLARE_WORK(refill_work, reserve_refill_work);

/* Tables kept for a BAR of @size bytes: two per 2 MiB it spans. */
static unsigned long bar_tables(u64 size)
{
	return 2 * (unsigned long)(size >> PMD_SHIFT);
}

/**
 * pciem_reserve_bar - keep page tables for a BAR's huge mappings
 * @size: the BAR's size
 *
 * Context: process (REGISTER), before the BAR is on the intercept list.
 * Return: 0, or -ENOMEM (then nothing is kept for it).
 */
int pciem_reserve_bar(u64 size)
{
	unsigned long flags;
	int ret;

	if (!bar_tables(size))
		return 0;
	flags = pciem_intercept_lock();
	tables_target += bar_tables(size);
	pciem_intercept_unlock(flags);
	ret = reserve_refill();
	if (ret)
		pciem_unreserve_bar(size);
	return ret;
}

/* Context: process; the BAR left the intercept list. */
void pciem_unreserve_bar(u64 size)
{
	unsigned long flags;

	if (!bar_tables(size))
		return;
	flags = pciem_intercept_lock();
	tables_target -= bar_tables(size);
	pciem_intercept_unlock(flags);
	reserve_refill();
}

/**
 * pciem_reserve_take_mapping - a zeroed mapping-tracking entry
 *
 * Context: intercept lock held; any context.  Return: NULL if the reserve
 * is empty (a refill is on its way).
 */
struct pciem_mapping *pciem_reserve_take_mapping(void)
{
	struct pciem_mapping *m;

	m = list_first_entry_or_null(&free_entries, struct pciem_mapping,
				     node);
	if (m) {
		list_del(&m->node);
		memset(m, 0, sizeof(*m));
		nentries--;
	}
	entries_low = min(entries_low, nentries);
	/* workqueue locks are raw: queueing is safe under ours. */
	if (nentries < entries_target / 2)
		queue_work(system_unbound_wq, &refill_work);
	return m;
}

/**
 * pciem_reserve_take_table - a zeroed page for a page table
 *
 * Context: intercept lock held; any context.  Return: its address, 0 if
 * the reserve is empty.  The page is freed with free_page().
 */
unsigned long pciem_reserve_take_table(void)
{
	unsigned long page = ntables ? table_pop() : 0;

	queue_work(system_unbound_wq, &refill_work);
	return page;
}

/* Context: module init, before the hooks exist. */
int pciem_reserve_init(void)
{
	int ret = reserve_refill();

	if (ret)
		pciem_reserve_exit();
	return ret;
}

/* Context: module exit, after the hooks are gone. */
void pciem_reserve_exit(void)
{
	struct pciem_mapping *m, *tmp;

	cancel_work_sync(&refill_work);
	list_for_each_entry_safe(m, tmp, &free_entries, node)
		kfree(m);
	INIT_LIST_HEAD(&free_entries);
	nentries = 0;
	while (ntables)
		free_page(table_pop());
}
