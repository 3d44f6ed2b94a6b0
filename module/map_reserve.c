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
 * one: a storm of mappings grows it rather than empties it.  Entries of
 * undone mappings return to it after an RCU grace period (lockless
 * lookups may still see them until then), so a steady map/unmap loop
 * does not depend on the work item at all.  The table reserve holds, for
 * every registered BAR, one table plus two per 2 MiB it spans: enough to
 * split two whole mappings of it made at once into 4 KiB pages (about
 * 0.4% of the BAR's own memory); beyond that it grows as the entry
 * reserve does, up to TABLES_EXTRA_MAX.  A take from an empty reserve
 * fails and the caller reports the mapping it could not redirect.
 *
 * The work item can lag behind a storm of mappings by a whole scheduling
 * round (1,024 threads mapping at once drained 1,024 entries before it
 * ran).  Where the kernel allows it (not PREEMPT_RT), the ioremap hook then
 * allocates its entry itself, atomically and outside the raw lock (see
 * pciem_reserve_short()); on PREEMPT_RT the reserve alone must suffice.
 *
 * Locking: the reserves are under the intercept lock; refill_mutex
 * serializes refills, which allocate outside it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "pciem_internal.h"

#define ENTRIES_MIN	2048U
#define ENTRIES_MAX	65536U
#define ENTRIES_SHORT	64U	/* below this a non-RT hook allocates its own */
#define REFILL_BATCH	64U
#define TABLES_MIN	4UL
#define TABLES_EXTRA_MAX	1024UL	/* 4 MiB */

static LIST_HEAD(free_entries);		/* through pciem_mapping.node */
static unsigned int nentries;
static unsigned int entries_target = ENTRIES_MIN;
static unsigned int entries_low = ENTRIES_MIN;	/* fewest since a refill */
static unsigned long free_tables;	/* each free page holds the next's address */
static unsigned long ntables;
static unsigned long tables_base = TABLES_MIN;	/* with every BAR's share */
static unsigned long tables_extra;		/* grown by demand */
static unsigned long tables_low = TABLES_MIN;

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
	if (tables_low < (tables_base + tables_extra) / 4)
		tables_extra = min(max(2 * tables_extra, TABLES_MIN),
				   TABLES_EXTRA_MAX);
	want = entries_target - min(nentries, entries_target);
	ntab = tables_base + tables_extra;
	ntab -= min(ntables, ntab);
	pciem_intercept_unlock(flags);

	/* In small batches: a storm can use the first ones meanwhile. */
	for (got = 0; got < want && !ret; ) {
		unsigned int n;

		for (n = 0; n < REFILL_BATCH && got + n < want; n++) {
			struct pciem_mapping *m = kzalloc(sizeof(*m),
							  GFP_KERNEL);

			if (!m) {
				ret = -ENOMEM;
				break;
			}
			list_add(&m->node, &batch);
		}
		flags = pciem_intercept_lock();
		list_splice_init(&batch, &free_entries);
		WRITE_ONCE(nentries, nentries + n);
		pciem_intercept_unlock(flags);
		got += n;
		cond_resched();
	}
	flags = pciem_intercept_lock();
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
	flags = pciem_intercept_lock();
	tables_low = ntables;
	pciem_intercept_unlock(flags);
	/* Trimmed one at a time: nothing is freed under the raw lock. */
	for (;;) {
		unsigned long page = 0;

		flags = pciem_intercept_lock();
		if (ntables > tables_base + tables_extra)
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

/*
 * Tables kept for a BAR of @size bytes: two per 2 MiB it spans, and one
 * for a 2 MiB mapping of a smaller BAR with its neighbours.
 */
static unsigned long bar_tables(u64 size)
{
	return 1 + 2 * (unsigned long)(size >> PMD_SHIFT);
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

	flags = pciem_intercept_lock();
	tables_base += bar_tables(size);
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

	flags = pciem_intercept_lock();
	tables_base -= bar_tables(size);
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
		WRITE_ONCE(nentries, nentries - 1);
	}
	entries_low = min(entries_low, nentries);
	/* workqueue locks are raw: queueing is safe under ours. */
	if (nentries < entries_target / 2)
		queue_work(system_unbound_wq, &refill_work);
	return m;
}

/**
 * pciem_reserve_short - is the entry reserve about to run out?
 *
 * Read without the lock: a hint for the ioremap hook, which then allocates
 * a spare entry before taking the lock (only other CPUs can take entries
 * in between: the hook runs with preemption off).  Always false on
 * PREEMPT_RT, where that allocation is not allowed.
 */
bool pciem_reserve_short(void)
{
	return !IS_ENABLED(CONFIG_PREEMPT_RT) &&
	       READ_ONCE(nentries) < ENTRIES_SHORT;
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

	tables_low = min(tables_low, ntables);
	queue_work(system_unbound_wq, &refill_work);
	return page;
}

static void entry_recycle(struct rcu_head *head)
{
	struct pciem_mapping *m = container_of(head, struct pciem_mapping,
					       rcu);
	unsigned long flags;
	bool keep;

	flags = pciem_intercept_lock();
	keep = nentries < entries_target;
	if (keep) {
		list_add(&m->node, &free_entries);
		WRITE_ONCE(nentries, nentries + 1);
	}
	pciem_intercept_unlock(flags);
	if (!keep)
		kfree(m);
}

/**
 * pciem_reserve_put_mapping - give back the entry of an undone mapping
 * @m: the entry, already off its RCU list
 *
 * It returns to the reserve after a grace period, when no lockless lookup
 * can see it any more.  Context: intercept lock held; any context but NMI.
 */
void pciem_reserve_put_mapping(struct pciem_mapping *m)
{
	call_rcu(&m->rcu, entry_recycle);
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

	rcu_barrier();		/* entries on their way back */
	cancel_work_sync(&refill_work);
	list_for_each_entry_safe(m, tmp, &free_entries, node)
		kfree(m);
	INIT_LIST_HEAD(&free_entries);
	WRITE_ONCE(nentries, 0);
	while (ntables)
		free_page(table_pop());
}
