// SPDX-License-Identifier: GPL-2.0
/*
 * BAR memory: bus address ranges taken from free physical address space
 * (nothing answers there; kernel mappings are redirected, see intercept.c),
 * module-owned backing pages, and the device process's mmap of them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "pciem_internal.h"

/*
 * The host bridge gets one window per BAR, and pci_register_host_bridge()
 * merges windows that touch and have equal flags: it stretches the second
 * over the first and releases the first, leaving that BAR without its
 * window.  So no window may touch another window of the same device with
 * the same flags.  allocate_resource() offers each free gap to this
 * callback: skip one alignment step if the gap starts right after such a
 * window, and refuse the gap (by returning a start past its end) if the
 * window would end right before one.
 */
static resource_size_t window_alignf(void *data, const struct resource *gap,
				     resource_size_t size,
				     resource_size_t align)
{
	const struct resource *win = data;
	const struct pciem_device *dev = container_of(win,
						      struct pciem_bar,
						      window)->dev;
	resource_size_t start = ALIGN(gap->start, align);
	unsigned int i;

	for (i = 0; i < PCIEM_MAX_BARS; i++) {
		const struct resource *other = &dev->bars[i].window;

		if (other == win || !other->parent || other->flags != win->flags)
			continue;
		if (other->end + 1 == start)
			start += align;
	}
	for (i = 0; i < PCIEM_MAX_BARS; i++) {
		const struct resource *other = &dev->bars[i].window;

		if (other == win || !other->parent || other->flags != win->flags)
			continue;
		if (start + size == other->start)
			return gap->end;	/* cannot fit: try the next gap */
	}
	return start;
}

/* Prefer addresses far above RAM and firmware windows, then any above 4 GiB. */
static const resource_size_t bar64_floors[] = { 128ULL << 30, SZ_4G };

static int alloc_window_64(struct resource *win, u64 size)
{
	resource_size_t max = pciem_arch_max_phys();
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bar64_floors); i++) {
		if (bar64_floors[i] + size - 1 > max)
			continue;
		if (!allocate_resource(&iomem_resource, win, size,
				       bar64_floors[i], max, size,
				       window_alignf, win))
			return 0;
	}
	return -ENOSPC;
}

/*
 * A 32-bit BAR must sit below 4 GiB, where the top level of iomem has no
 * free space on common machines; carve it out of a host bridge's memory
 * window instead, skipping the legacy windows below 1 MiB (VGA).  Caller
 * holds pci_lock_rescan_remove(), so the root bus list and its windows are
 * stable.
 */
static int alloc_window_32(struct resource *win, u64 size)
{
	struct pci_bus *bus = NULL;
	struct resource *res;
	unsigned int i;

	while ((bus = pci_find_next_bus(bus))) {
		if (pci_domain_nr(bus) >= PCIEM_DOMAIN_FIRST)
			continue;	/* virtual buses: ours, VMD */
		pci_bus_for_each_resource(bus, res, i) {
			if (!res || !(res->flags & IORESOURCE_MEM) ||
			    res->start < SZ_1M || res->end > U32_MAX)
				continue;
			if (!allocate_resource(res, win, size, res->start,
					       res->end, size, window_alignf,
					       win))
				return 0;
		}
	}
	return -ENOSPC;
}

static void bar_free_pages(struct pciem_bar *bar)
{
	unsigned long i;

	if (!bar->pages)
		return;
	for (i = 0; i < bar->npages; i++)
		if (bar->pages[i])
			__free_page(bar->pages[i]);
	kvfree(bar->pages);
	bar->pages = NULL;
}

static int bar_alloc_pages(struct pciem_bar *bar)
{
	unsigned long i;

	bar->npages = bar->size >> PAGE_SHIFT;
	bar->pages = kvcalloc(bar->npages, sizeof(*bar->pages), GFP_KERNEL);
	if (!bar->pages)
		return -ENOMEM;
	for (i = 0; i < bar->npages; i++) {
		bar->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!bar->pages[i])
			return -ENOMEM;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

static void bar_release(struct pciem_bar *bar)
{
	if (bar->tables_reserved)
		pciem_unreserve_bar(bar->size);
	bar->tables_reserved = false;
	if (bar->window.parent)
		release_resource(&bar->window);
	bar_free_pages(bar);
}

/**
 * pciem_bars_alloc - give every BAR a bus address range and backing memory
 * @dev: device being registered; caller holds pci_lock_rescan_remove()
 *
 * Address ranges first, so a BAR that does not fit costs no memory.
 * Return: 0, -ENOSPC when no address range is free, -ENOMEM or -EINTR.
 * On failure nothing stays allocated.
 */
int pciem_bars_alloc(struct pciem_device *dev)
{
	unsigned int i;
	int ret;

	for (i = 0; i < PCIEM_MAX_BARS; i++) {
		struct pciem_bar *bar = &dev->bars[i];

		if (!bar->size)
			continue;
		bar->window.name = dev->host->name;
		bar->window.flags = IORESOURCE_MEM;
		if (bar->flags & PCI_BASE_ADDRESS_MEM_PREFETCH)
			bar->window.flags |= IORESOURCE_PREFETCH;
		if (bar->flags & PCI_BASE_ADDRESS_MEM_TYPE_64)
			ret = alloc_window_64(&bar->window, bar->size);
		else
			ret = alloc_window_32(&bar->window, bar->size);
		if (ret) {
			pciem_user_err("REGISTER: no free %s address range for BAR %u (%llu bytes)",
				       bar->flags & PCI_BASE_ADDRESS_MEM_TYPE_64 ?
				       "64-bit" : "32-bit below 4 GiB",
				       i, bar->size);
			goto err;
		}
	}
	for (i = 0; i < PCIEM_MAX_BARS; i++) {
		if (!dev->bars[i].size)
			continue;
		ret = bar_alloc_pages(&dev->bars[i]);
		if (ret)
			goto err;
		ret = pciem_reserve_bar(dev->bars[i].size);
		if (ret)
			goto err;
		dev->bars[i].tables_reserved = true;
	}
	return 0;

err:
	pciem_bars_free(dev);
	return ret;
}

void pciem_bars_free(struct pciem_device *dev)
{
	unsigned int i;

	for (i = 0; i < PCIEM_MAX_BARS; i++)
		bar_release(&dev->bars[i]);
}

static vm_fault_t pciem_bar_fault(struct vm_fault *vmf)
{
	struct pciem_bar *bar = vmf->vma->vm_private_data;
	unsigned long idx = vmf->pgoff &
			    (BIT(PCIEM_BAR_MMAP_SHIFT - PAGE_SHIFT) - 1);

	if (idx >= bar->npages)
		return VM_FAULT_SIGBUS;
	vmf->page = bar->pages[idx];
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct pciem_bar_vm_ops = {
	.fault = pciem_bar_fault,
};

/**
 * pciem_bar_mmap - map BAR memory into the device process
 * @dev: registered device
 * @vma: offset PCIEM_BAR_MMAP_OFFSET(bar) plus a page offset into the BAR
 *
 * The vma holds a reference on the instance file, hence on @dev, so the
 * pages outlive every user mapping of them.  Faults past the BAR (after an
 * mremap) get SIGBUS.
 */
int pciem_bar_mmap(struct pciem_device *dev, struct vm_area_struct *vma)
{
	unsigned long index = vma->vm_pgoff >>
			      (PCIEM_BAR_MMAP_SHIFT - PAGE_SHIFT);
	unsigned long first = vma->vm_pgoff &
			      (BIT(PCIEM_BAR_MMAP_SHIFT - PAGE_SHIFT) - 1);
	struct pciem_bar *bar;

	if (index >= PCIEM_MAX_BARS || !dev->bars[index].size) {
		pciem_user_err("mmap: offset selects BAR %lu, which the device does not have",
			       index);
		return -EINVAL;
	}
	bar = &dev->bars[index];
	if (first + vma_pages(vma) > bar->npages) {
		pciem_user_err("mmap: %lu bytes at page %lu go past the end of BAR %lu (%llu bytes)",
			       vma->vm_end - vma->vm_start, first, index,
			       bar->size);
		return -EINVAL;
	}
	if (!(vma->vm_flags & VM_SHARED)) {
		pciem_user_err("mmap: BAR memory must be mapped MAP_SHARED");
		return -EINVAL;
	}
	vma->vm_ops = &pciem_bar_vm_ops;
	vma->vm_private_data = bar;
	return 0;
}
