// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 kernel page-table edits for BAR mappings.
 *
 * The entries changed belong to mappings that the intercept code has just
 * been handed (or is retiring), so no other code walks or edits them
 * concurrently; the caller serializes with its own lock and flushes TLBs.
 * Kernel PMD pages for the vmalloc/ioremap area are shared by every page
 * table, so an edit is seen by all CPUs once their TLBs are flushed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/smp.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>

#include "pciem_internal.h"

/*
 * Replace a 2 MiB mapping by a page table of 512 entries mapping the same
 * memory with the same attributes.  iounmap() leaves the table in place and
 * a later huge mapping frees it with free_page(), which matches the
 * reserve's allocation.  Context: intercept lock held, so the table comes
 * from the reserve rather than the page allocator.
 */
static int split_pmd(pmd_t *pmd)
{
	pgprot_t prot = pgprot_large_2_4k(pmd_pgprot(*pmd));
	unsigned long pfn = pmd_pfn(*pmd);
	pte_t *table;
	unsigned int i;

	table = (pte_t *)pciem_reserve_take_table();
	if (!table)
		return -ENOMEM;
	for (i = 0; i < PTRS_PER_PTE; i++)
		set_pte(&table[i], pfn_pte(pfn + i, prot));
	set_pmd(pmd, __pmd(__pa(table) | _KERNPG_TABLE));
	return 0;
}

/**
 * pciem_arch_set_page - point one kernel page of a mapping at a page frame
 * @va: page-aligned kernel virtual address inside an ioremap'd range
 * @pfn: page frame to map there (write-back memory)
 * @mode: PCIEM_PAGE_DIRECT (read-write), _TRAP_WRITES (read-only, writes
 *        fault) or _TRAP_ALL (not present, every access faults)
 *
 * Context: intercept lock held (any context); does not sleep or allocate.
 * The caller flushes TLBs afterwards.
 * Return: 0, -EFAULT if @va is not mapped, -ENOMEM, or -EOPNOTSUPP for a
 * 1 GiB mapping (BARs are at most 512 MiB, so only a foreign mapping that
 * spans one could be mapped so).
 */
int pciem_arch_set_page(unsigned long va, unsigned long pfn, u32 mode)
{
	unsigned int level;
	pte_t *pte;
	int ret;

	pte = lookup_address(va, &level);
	if (!pte)
		return -EFAULT;
	if (level == PG_LEVEL_2M) {
		if (!pte_present(*pte))
			return -EFAULT;
		ret = split_pmd((pmd_t *)pte);
		if (ret)
			return ret;
		pte = lookup_address(va, &level);
	}
	if (level != PG_LEVEL_4K)
		return -EOPNOTSUPP;
	switch (mode) {
	case PCIEM_PAGE_DIRECT:
		set_pte(pte, pfn_pte(pfn, PAGE_KERNEL));
		break;
	case PCIEM_PAGE_TRAP_WRITES:
		set_pte(pte, pfn_pte(pfn, PAGE_KERNEL_RO));
		break;
	default:
		pte_clear(&init_mm, va, pte);
		break;
	}
	return 0;
}

static void flush_local(void *unused)
{
	__flush_tlb_all();
}

/*
 * flush_tlb_kernel_range() is not exported; flush everything everywhere.
 * Mappings are made rarely, so the cost does not matter.  Interrupts are
 * only off if a caller mapped a BAR from atomic context, which ioremap
 * forbids anyway; then only this CPU can be flushed.
 */
void pciem_arch_flush_tlb(void)
{
	if (irqs_disabled()) {
		__flush_tlb_all();
		return;
	}
	on_each_cpu(flush_local, NULL, 1);
}

/*
 * This CPU only: after a page became more permissive, other CPUs that
 * still hold the old entry take a spurious fault, which refreshes it.
 */
void pciem_arch_flush_tlb_local(void)
{
	__flush_tlb_all();
}

phys_addr_t pciem_arch_max_phys(void)
{
	return (1ULL << boot_cpu_data.x86_phys_bits) - 1;
}
