// SPDX-License-Identifier: GPL-2.0
/*
 * The software IOMMU of the virtual bus.
 *
 * Drivers of PCIem devices get these dma_map_ops.  A DMA address they are
 * given is an IOVA from the device's own IOVA space, not a physical
 * address: below 4 GiB for 32-bit masks, at 512 GiB otherwise, where no
 * RAM of a test machine is.  Each live mapping is kept with its direction
 * in a tree, which the device side (dma.c) checks every access against,
 * as an IOMMU's page tables would.
 *
 * Coherent buffers are built from single pages mapped contiguously in
 * both the kernel (vmap) and the IOVA space, so large ones need no
 * physically contiguous memory, as behind a real IOMMU.  Allocations that
 * may not sleep take one physically contiguous block instead.
 *
 * Locking: iommu->lock (irq-safe spinlock) covers the tree; map and unmap
 * may be called from any context but NMI.  Device-side copies hold it too,
 * so an unmap never returns while the device still touches the memory.
 * The IOVA allocators (genalloc) are lockless.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-map-ops.h>
#include <linux/genalloc.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "pciem_internal.h"

/* The two IOVA windows; see the top of this file. */
#define IOVA_LOW_BASE		0x80000000ULL
#define IOVA_LOW_SIZE		0x80000000ULL
#define IOVA_HIGH_BASE		(512ULL << 30)
#define IOVA_HIGH_SIZE		(16ULL << 30)
#define IOVA_HIGH_END		(IOVA_HIGH_BASE + IOVA_HIGH_SIZE - 1)

static bool dma_passthrough;
module_param(dma_passthrough, bool, 0444);
MODULE_PARM_DESC(dma_passthrough,
		 "Give drivers physical addresses and do not check device DMA (unsafe; default off)");

bool pciem_dma_passthrough(void)
{
	return dma_passthrough;
}

static struct pciem_iommu *to_iommu(struct device *d)
{
	struct pci_dev *pdev = to_pci_dev(d);
	struct pciem_host *host = container_of(pdev->bus->sysdata,
					       struct pciem_host, sysdata);

	return &host->dev->iommu;
}

static int map_cmp(const void *key, const struct rb_node *n)
{
	const struct pciem_dma_map *m = rb_entry(n, struct pciem_dma_map,
						 node);
	u64 iova = *(const u64 *)key;

	if (iova < m->iova)
		return -1;
	return iova - m->iova >= m->size;
}

static bool map_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct pciem_dma_map, node)->iova <
	       rb_entry(b, struct pciem_dma_map, node)->iova;
}

/* The mapping containing @iova, or NULL.  Context: iommu->lock held. */
struct pciem_dma_map *pciem_iommu_find(struct pciem_iommu *mmu, u64 iova)
{
	struct rb_node *n = rb_find(&iova, &mmu->maps, map_cmp);

	return n ? rb_entry(n, struct pciem_dma_map, node) : NULL;
}

/* Context: iommu->lock held; IOVA ranges never overlap. */
static void map_insert(struct pciem_iommu *mmu, struct pciem_dma_map *new)
{
	rb_add(&new->node, &mmu->maps, map_less);
}

static void map_add(struct pciem_iommu *mmu, struct pciem_dma_map *m)
{
	unsigned long flags;

	spin_lock_irqsave(&mmu->lock, flags);
	map_insert(mmu, m);
	mmu->nmaps++;
	spin_unlock_irqrestore(&mmu->lock, flags);
}

/* Page-granular IOVA block of @size bytes that @mask can address; 0: none. */
static u64 iova_alloc(struct pciem_iommu *mmu, u64 mask, size_t size,
		      struct gen_pool **pool)
{
	u64 iova = 0;

	if (mask >= IOVA_HIGH_END) {
		*pool = mmu->high;
		iova = gen_pool_alloc(mmu->high, size);
	}
	if (!iova && mask >= DMA_BIT_MASK(32)) {
		*pool = mmu->low;
		iova = gen_pool_alloc(mmu->low, size);
	}
	return iova;
}

static gfp_t map_gfp(gfp_t gfp)
{
	return gfpflags_allow_blocking(gfp) ? GFP_KERNEL : GFP_ATOMIC;
}

static u64 dev_mask(struct device *d, bool coherent)
{
	if (coherent)
		return d->coherent_dma_mask;
	return d->dma_mask ? *d->dma_mask : 0;
}

/*
 * Map physically contiguous [phys, phys + size) for @dir.  The IOVA keeps
 * phys's offset in its page, as an IOMMU's page granularity dictates.
 */
static dma_addr_t map_phys(struct device *d, phys_addr_t phys, size_t size,
			   enum dma_data_direction dir, bool coherent,
			   gfp_t gfp)
{
	struct pciem_iommu *mmu = to_iommu(d);
	size_t span = PAGE_ALIGN(offset_in_page(phys) + size);
	struct pciem_dma_map *m;

	if (!size)
		return DMA_MAPPING_ERROR;
	m = kzalloc(sizeof(*m), map_gfp(gfp));
	if (!m)
		return DMA_MAPPING_ERROR;
	m->alloc = iova_alloc(mmu, dev_mask(d, coherent), span, &m->pool);
	if (!m->alloc) {
		dev_err_ratelimited(d, "IOVA space exhausted mapping %zu bytes\n",
				    size);
		kfree(m);
		return DMA_MAPPING_ERROR;
	}
	m->alloc_size = span;
	m->iova = m->alloc + offset_in_page(phys);
	m->size = size;
	m->dir = dir;
	m->coherent = coherent;
	m->phys = phys;
	map_add(mmu, m);
	return m->iova;
}

static void map_free(struct pciem_dma_map *m)
{
	gen_pool_free(m->pool, m->alloc, m->alloc_size);
	kfree(m);
}

/*
 * Take the mapping that starts at @iova out of the tree, checking it is
 * what the caller says it is; the report mirrors CONFIG_DMA_API_DEBUG's.
 */
static struct pciem_dma_map *unmap_iova(struct device *d, dma_addr_t iova,
					size_t size, bool coherent,
					const char *what)
{
	struct pciem_iommu *mmu = to_iommu(d);
	struct pciem_dma_map *m;
	unsigned long flags;

	spin_lock_irqsave(&mmu->lock, flags);
	m = pciem_iommu_find(mmu, iova);
	if (m && m->iova == iova && m->coherent == coherent) {
		rb_erase(&m->node, &mmu->maps);
		mmu->nmaps--;
	} else {
		m = NULL;
	}
	spin_unlock_irqrestore(&mmu->lock, flags);

	if (!m)
		dev_err_ratelimited(d, "%s of IOVA %pad (%zu bytes), which is not mapped\n",
				    what, &iova, size);
	else if (m->size != size)
		dev_err_ratelimited(d, "%s of IOVA %pad with size %zu; it was mapped with %zu\n",
				    what, &iova, size, m->size);
	return m;
}

static void *pciem_dma_alloc(struct device *d, size_t size,
			     dma_addr_t *handle, gfp_t gfp,
			     unsigned long attrs)
{
	struct pciem_iommu *mmu = to_iommu(d);
	unsigned int i, npages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	struct pciem_dma_map *m;
	struct page **pages;
	void *cpu;

	gfp &= ~(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM);
	gfp |= __GFP_ZERO;
	if (npages <= 1 || !gfpflags_allow_blocking(gfp)) {
		struct page *page = alloc_pages(gfp, get_order(size));

		if (!page)
			return NULL;
		cpu = page_address(page);
		*handle = map_phys(d, page_to_phys(page), size,
				   DMA_BIDIRECTIONAL, true, gfp);
		if (*handle == DMA_MAPPING_ERROR) {
			__free_pages(page, get_order(size));
			return NULL;
		}
		return cpu;
	}

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	pages = kvcalloc(npages, sizeof(*pages), GFP_KERNEL);
	if (!m || !pages)
		goto err_free;
	for (i = 0; i < npages; i++) {
		pages[i] = alloc_page(gfp);
		if (!pages[i])
			goto err_pages;
	}
	cpu = vmap(pages, npages, VM_MAP, PAGE_KERNEL);
	if (!cpu)
		goto err_pages;
	m->alloc = iova_alloc(mmu, d->coherent_dma_mask,
			      (size_t)npages << PAGE_SHIFT, &m->pool);
	if (!m->alloc) {
		dev_err_ratelimited(d, "IOVA space exhausted allocating %zu bytes\n",
				    size);
		goto err_vmap;
	}
	m->alloc_size = (size_t)npages << PAGE_SHIFT;
	m->iova = m->alloc;
	m->size = size;
	m->dir = DMA_BIDIRECTIONAL;
	m->coherent = true;
	m->pages = pages;
	m->npages = npages;
	m->cpu = cpu;
	map_add(mmu, m);
	*handle = m->iova;
	return cpu;

err_vmap:
	vunmap(cpu);
err_pages:
	while (i--)
		__free_page(pages[i]);
err_free:
	kvfree(pages);
	kfree(m);
	return NULL;
}

static void pciem_dma_free(struct device *d, size_t size, void *cpu,
			   dma_addr_t handle, unsigned long attrs)
{
	struct pciem_dma_map *m;
	unsigned int i;

	m = unmap_iova(d, handle, size, true, "dma_free_coherent");
	if (!m)
		return;	/* memory of unknown shape: leaked, and reported */
	if (m->pages) {
		vunmap(m->cpu);
		for (i = 0; i < m->npages; i++)
			__free_page(m->pages[i]);
		kvfree(m->pages);
	} else {
		free_pages((unsigned long)phys_to_virt(m->phys),
			   get_order(m->size));
	}
	map_free(m);
}

/* The coherent mapping @cpu/@handle was allocated as, or NULL. */
static struct pciem_dma_map *find_coherent(struct device *d, void *cpu,
					   dma_addr_t handle)
{
	struct pciem_iommu *mmu = to_iommu(d);
	struct pciem_dma_map *m;
	unsigned long flags;

	spin_lock_irqsave(&mmu->lock, flags);
	m = pciem_iommu_find(mmu, handle);
	if (m && (m->iova != handle || !m->coherent))
		m = NULL;
	spin_unlock_irqrestore(&mmu->lock, flags);
	if (!m)
		dev_err_ratelimited(d, "IOVA %pad is not a coherent buffer\n",
				    &handle);
	return m;
}

/* The buffer stays allocated while the caller's mmap()/sg_table use it. */
static int pciem_dma_mmap(struct device *d, struct vm_area_struct *vma,
			  void *cpu, dma_addr_t handle, size_t size,
			  unsigned long attrs)
{
	unsigned long npages = PAGE_ALIGN(size) >> PAGE_SHIFT;
	struct pciem_dma_map *m = find_coherent(d, cpu, handle);

	if (!m)
		return -ENXIO;
	if (m->pages)
		return vm_map_pages(vma, m->pages, m->npages);
	if (vma->vm_pgoff >= npages ||
	    vma_pages(vma) > npages - vma->vm_pgoff)
		return -ENXIO;
	return remap_pfn_range(vma, vma->vm_start,
			       PHYS_PFN(m->phys) + vma->vm_pgoff,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

static int pciem_dma_get_sgtable(struct device *d, struct sg_table *sgt,
				 void *cpu, dma_addr_t handle, size_t size,
				 unsigned long attrs)
{
	struct pciem_dma_map *m = find_coherent(d, cpu, handle);
	int ret;

	if (!m)
		return -ENXIO;
	if (m->pages)
		return sg_alloc_table_from_pages(sgt, m->pages, m->npages, 0,
						 size, GFP_KERNEL);
	ret = sg_alloc_table(sgt, 1, GFP_KERNEL);
	if (!ret)
		sg_set_page(sgt->sgl, pfn_to_page(PHYS_PFN(m->phys)),
			    PAGE_ALIGN(size), 0);
	return ret;
}

static dma_addr_t pciem_dma_map_page(struct device *d, struct page *page,
				     unsigned long offset, size_t size,
				     enum dma_data_direction dir,
				     unsigned long attrs)
{
	if (is_zone_device_page(page)) {
		dev_err_ratelimited(d, "mapping device memory for DMA is not supported\n");
		return DMA_MAPPING_ERROR;
	}
	return map_phys(d, page_to_phys(page) + offset, size, dir, false,
			GFP_ATOMIC);
}

static void pciem_dma_unmap_page(struct device *d, dma_addr_t handle,
				 size_t size, enum dma_data_direction dir,
				 unsigned long attrs)
{
	struct pciem_dma_map *m;

	m = unmap_iova(d, handle, size, false, "dma_unmap_page");
	if (!m)
		return;
	if (m->dir != dir)
		dev_err_ratelimited(d, "dma_unmap_page of IOVA %pad with direction %d; it was mapped with %d\n",
				    &handle, dir, m->dir);
	map_free(m);
}

static void pciem_dma_unmap_sg(struct device *d, struct scatterlist *sgl,
			       int nents, enum dma_data_direction dir,
			       unsigned long attrs)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		pciem_dma_unmap_page(d, sg_dma_address(sg), sg_dma_len(sg),
				     dir, attrs);
}

/*
 * Every entry gets its own mapping, one after the other in one IOVA
 * block, so a list of whole pages is contiguous for the device.
 */
static int pciem_dma_map_sg(struct device *d, struct scatterlist *sgl,
			    int nents, enum dma_data_direction dir,
			    unsigned long attrs)
{
	struct pciem_iommu *mmu = to_iommu(d);
	struct pciem_dma_map **maps;
	struct scatterlist *sg;
	struct gen_pool *pool;
	size_t total = 0;
	unsigned long flags;
	u64 block, next;
	int i, done;

	for_each_sg(sgl, sg, nents, i) {
		if (!sg->length || is_zone_device_page(sg_page(sg)))
			return -EINVAL;
		total += PAGE_ALIGN(offset_in_page(sg->offset) + sg->length);
	}
	maps = kcalloc(nents, sizeof(*maps), GFP_ATOMIC);
	if (!maps)
		return -ENOMEM;
	for (done = 0; done < nents; done++) {
		maps[done] = kzalloc(sizeof(**maps), GFP_ATOMIC);
		if (!maps[done])
			goto err_maps;
	}
	block = iova_alloc(mmu, dev_mask(d, false), total, &pool);
	if (!block) {
		dev_err_ratelimited(d, "IOVA space exhausted mapping %zu bytes\n",
				    total);
		goto err_maps;
	}

	next = block;
	spin_lock_irqsave(&mmu->lock, flags);
	for_each_sg(sgl, sg, nents, i) {
		struct pciem_dma_map *m = maps[i];
		phys_addr_t phys = sg_phys(sg);

		m->pool = pool;
		m->alloc = next;
		m->alloc_size = PAGE_ALIGN(offset_in_page(phys) + sg->length);
		m->iova = next + offset_in_page(phys);
		m->size = sg->length;
		m->dir = dir;
		m->phys = phys;
		next += m->alloc_size;
		map_insert(mmu, m);
		sg->dma_address = m->iova;
		sg_dma_len(sg) = sg->length;
	}
	mmu->nmaps += nents;
	spin_unlock_irqrestore(&mmu->lock, flags);
	kfree(maps);
	return nents;

err_maps:
	while (done--)
		kfree(maps[done]);
	kfree(maps);
	return -ENOMEM;
}

/* Syncs move no data (the device accesses memory itself); they check. */
static void check_mapped(struct device *d, dma_addr_t handle, size_t size,
			 const char *what)
{
	struct pciem_iommu *mmu = to_iommu(d);
	struct pciem_dma_map *m;
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&mmu->lock, flags);
	m = pciem_iommu_find(mmu, handle);
	ok = m && size <= m->size - (handle - m->iova);
	spin_unlock_irqrestore(&mmu->lock, flags);
	if (!ok)
		dev_err_ratelimited(d, "%s of IOVA %pad (%zu bytes), which is not mapped\n",
				    what, &handle, size);
}

static void pciem_dma_sync_single(struct device *d, dma_addr_t handle,
				  size_t size, enum dma_data_direction dir)
{
	check_mapped(d, handle, size, "dma_sync_single");
}

static void pciem_dma_sync_sg(struct device *d, struct scatterlist *sgl,
			      int nents, enum dma_data_direction dir)
{
	struct scatterlist *sg;
	int i;

	for_each_sg(sgl, sg, nents, i)
		check_mapped(d, sg_dma_address(sg), sg_dma_len(sg),
			     "dma_sync_sg");
}

static struct page *pciem_dma_alloc_pages(struct device *d, size_t size,
					  dma_addr_t *handle,
					  enum dma_data_direction dir,
					  gfp_t gfp)
{
	struct page *page;

	gfp &= ~(__GFP_DMA | __GFP_DMA32 | __GFP_HIGHMEM);
	page = alloc_pages(gfp, get_order(size));
	if (!page)
		return NULL;
	*handle = map_phys(d, page_to_phys(page), size, dir, false, gfp);
	if (*handle == DMA_MAPPING_ERROR) {
		__free_pages(page, get_order(size));
		return NULL;
	}
	return page;
}

static void pciem_dma_free_pages(struct device *d, size_t size,
				 struct page *page, dma_addr_t handle,
				 enum dma_data_direction dir)
{
	pciem_dma_unmap_page(d, handle, size, dir, 0);
	__free_pages(page, get_order(size));
}

/* Any mask that reaches the low window will do. */
static int pciem_dma_supported(struct device *d, u64 mask)
{
	return mask >= DMA_BIT_MASK(32);
}

static u64 pciem_dma_required_mask(struct device *d)
{
	return DMA_BIT_MASK(32);
}

static const struct dma_map_ops pciem_dma_ops = {
	.alloc			= pciem_dma_alloc,
	.free			= pciem_dma_free,
	.PCIEM_DMA_OPS_ALLOC_PAGES = pciem_dma_alloc_pages,
	.free_pages		= pciem_dma_free_pages,
	.mmap			= pciem_dma_mmap,
	.get_sgtable		= pciem_dma_get_sgtable,
	.map_page		= pciem_dma_map_page,
	.unmap_page		= pciem_dma_unmap_page,
	.map_sg			= pciem_dma_map_sg,
	.unmap_sg		= pciem_dma_unmap_sg,
	.sync_single_for_cpu	= pciem_dma_sync_single,
	.sync_single_for_device	= pciem_dma_sync_single,
	.sync_sg_for_cpu	= pciem_dma_sync_sg,
	.sync_sg_for_device	= pciem_dma_sync_sg,
	.dma_supported		= pciem_dma_supported,
	.get_required_mask	= pciem_dma_required_mask,
};

/* Context: REGISTER, before the device is scanned. */
int pciem_iommu_init(struct pciem_iommu *mmu)
{
	int ret = -ENOMEM;

	spin_lock_init(&mmu->lock);
	mmu->maps = RB_ROOT;
	if (dma_passthrough)
		return 0;
	mmu->low = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	mmu->high = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	if (!mmu->low || !mmu->high)
		goto err;
	ret = gen_pool_add(mmu->low, IOVA_LOW_BASE, IOVA_LOW_SIZE,
			   NUMA_NO_NODE);
	if (!ret)
		ret = gen_pool_add(mmu->high, IOVA_HIGH_BASE, IOVA_HIGH_SIZE,
				   NUMA_NO_NODE);
	if (!ret)
		return 0;
err:
	pciem_iommu_destroy(mmu, NULL);
	return ret;
}

/* Before the device's drivers can bind. */
void pciem_iommu_attach(struct pciem_iommu *mmu, struct pci_dev *pdev)
{
	if (dma_passthrough) {
		pci_warn(pdev, "dma_passthrough is on: the driver gets physical addresses and device DMA is not checked\n");
		return;
	}
	set_dma_ops(&pdev->dev, &pciem_dma_ops);
}

/*
 * Take every live mapping out of the tree and report them as leaked: the
 * device can no longer reach their memory.  The memory itself is left
 * alone, since the driver may still use it.  Returns how many there were.
 */
static unsigned long revoke_all(struct pciem_iommu *mmu, struct pci_dev *pdev,
				const char *when)
{
	struct pciem_dma_map *m, *tmp, *first;
	unsigned long flags, n;
	struct rb_root maps;

	spin_lock_irqsave(&mmu->lock, flags);
	maps = mmu->maps;
	n = mmu->nmaps;
	mmu->maps = RB_ROOT;
	mmu->nmaps = 0;
	spin_unlock_irqrestore(&mmu->lock, flags);

	if (n && pdev) {
		first = rb_entry(rb_first(&maps), struct pciem_dma_map, node);
		pci_warn(pdev, "driver left %lu DMA mappings %s; revoked, their memory is leaked (first: IOVA %#llx, %zu bytes, %s%s)\n",
			 n, when, first->iova, first->size,
			 first->coherent ? "coherent" : "streaming",
			 first->dir == DMA_TO_DEVICE ? ", to device" :
			 first->dir == DMA_FROM_DEVICE ? ", from device" : "");
	}
	rbtree_postorder_for_each_entry_safe(m, tmp, &maps, node) {
		/* Its pages stay with the driver; their list goes. */
		if (m->coherent)
			kvfree(m->pages);
		map_free(m);
	}
	return n;
}

/**
 * pciem_iommu_unbound - a driver let go of the device
 * @mmu: the device's IOMMU state
 * @pdev: the device
 *
 * Mappings the driver did not undo in its remove() are revoked and
 * reported, as CONFIG_DMA_API_DEBUG reports them: after an unbind or an
 * rmmod the device process must not reach memory the driver has freed.
 * Context: process, after the driver's remove().
 */
void pciem_iommu_unbound(struct pciem_iommu *mmu, struct pci_dev *pdev)
{
	revoke_all(mmu, pdev, "at unbind");
}

/**
 * pciem_iommu_destroy - free the IOVA space of a removed device
 * @mmu: its IOMMU state
 * @pdev: the device, for the report; NULL when it never got a driver
 *
 * Context: process, after the driver's remove().
 */
void pciem_iommu_destroy(struct pciem_iommu *mmu, struct pci_dev *pdev)
{
	revoke_all(mmu, pdev, "at removal");
	if (mmu->low)
		gen_pool_destroy(mmu->low);
	if (mmu->high)
		gen_pool_destroy(mmu->high);
	mmu->low = NULL;
	mmu->high = NULL;
}
