// SPDX-License-Identifier: GPL-2.0
/*
 * pciem_dma_test - DMA test driver for PCIem devices (1234:d3a0)
 *
 * Allocates and maps DMA buffers with every DMA API a driver uses, so a
 * device process can move data to and from them, all through one sysfs
 * file on the PCI device, "dma".  A write is a command; a read shows the
 * result of the last one.  Buffers are numbered 0..15 (ID):
 *
 *   coherent ID SIZE           dma_alloc_coherent()
 *   single ID SIZE OFF DIR     dma_map_single() of SIZE bytes at OFF in a
 *                              physically contiguous buffer (up to 4 MiB)
 *   sg ID SIZE OFF DIR         dma_map_sgtable() of SIZE bytes at OFF in a
 *                              vmalloc() buffer, an entry per page run
 *   pages ID SIZE DIR          dma_alloc_pages()
 *       DIR: to, from or bidi.  Result: "iova=0x... size=N segs=N contig=0|1";
 *       contig=1: the device sees the SIZE bytes at [iova, iova + SIZE).
 *   unmap ID                   unmap a streaming buffer, keep its memory
 *   leak ID                    forget the buffer as a buggy driver would:
 *                              never unmapped nor freed, not even by remove()
 *   free ID                    unmap if mapped, free
 *   fill ID SEED               fill the whole buffer with the byte pattern
 *   zero ID
 *   sum ID OFF LEN             result: FNV-1a of those bytes, "0x..."
 *   phys ID                    result: the physical address of byte 0
 *   get ID OFF WIDTH           result: the value there, "0x..."
 *   set ID OFF WIDTH VALUE
 *   atomic ID OFF WIDTH N      add 1, N times, with the CPU's atomics;
 *                              result: "interleaved=K": increments by
 *                              others seen between two of ours
 *   sync ID cpu|device         dma_sync_*_for_cpu/_for_device
 *   sgtable ID                 dma_get_sgtable() of a coherent buffer;
 *                              result: FNV-1a of its pages' bytes
 *   mask BITS                  dma_set_mask_and_coherent() (probe sets 64)
 *
 * mmap() of the file "coherent0" maps buffer 0, if it is coherent, with
 * dma_mmap_coherent(); unmap it before freeing the buffer.
 *
 * OFF and LEN are relative to the mapped range (byte 0 = the buffer's
 * first mapped byte).  Numbers take a 0x prefix.  A command that fails
 * returns its errno and leaves "err ..." as the result.
 *
 * Locking: one mutex per device covers the buffers and the result; it is
 * taken by the sysfs callbacks and remove(), which frees what is left.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/dma-mapping.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/kmemleak.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/vmalloc.h>

#include "pattern.h"

#define DMA_TEST_BUFS		16
#define DMA_TEST_ARGS		5
#define DMA_TEST_SINGLE_MAX	(4UL << 20)
#define DMA_TEST_SIZE_MAX	(256UL << 20)
#define DMA_TEST_RESULT		128

enum dma_test_kind { BUF_NONE, BUF_COHERENT, BUF_SINGLE, BUF_SG, BUF_PAGES };

struct dma_test_buf {
	enum dma_test_kind kind;
	enum dma_data_direction dir;
	size_t size;			/* mapped bytes */
	size_t off;			/* of the mapped bytes in the memory */
	u8 *cpu;			/* the memory */
	struct page *page;		/* single, pages */
	struct sg_table sgt;		/* sg */
	dma_addr_t iova;
	bool mapped;
};

struct dma_test {
	struct pci_dev *pdev;
	struct mutex lock;		/* everything below */
	struct dma_test_buf bufs[DMA_TEST_BUFS];
	char result[DMA_TEST_RESULT];
};

static int parse_dir(const char *s, enum dma_data_direction *dir)
{
	if (!strcmp(s, "to"))
		*dir = DMA_TO_DEVICE;
	else if (!strcmp(s, "from"))
		*dir = DMA_FROM_DEVICE;
	else if (!strcmp(s, "bidi"))
		*dir = DMA_BIDIRECTIONAL;
	else
		return -EINVAL;
	return 0;
}

static u8 *mapped_bytes(struct dma_test_buf *b)
{
	return b->cpu + b->off;
}

static void buf_unmap(struct dma_test *t, struct dma_test_buf *b)
{
	struct device *d = &t->pdev->dev;

	if (!b->mapped)
		return;
	if (b->kind == BUF_SINGLE)
		dma_unmap_single(d, b->iova, b->size, b->dir);
	else if (b->kind == BUF_SG)
		dma_unmap_sgtable(d, &b->sgt, b->dir, 0);
	b->mapped = false;
}

/*
 * "leak": drop the buffer as a buggy driver would.  Its vmalloc() memory
 * and scatterlist are leaked on purpose, so kmemleak is told (a debug
 * kernel scans after every scenario); pages and coherent memory are not
 * tracked by kmemleak.
 */
static void buf_forget(struct dma_test_buf *b)
{
	if (b->kind == BUF_SG) {
		kmemleak_not_leak(b->cpu);
		kmemleak_not_leak(b->sgt.sgl);
	}
	memset(b, 0, sizeof(*b));
}

static void buf_free(struct dma_test *t, struct dma_test_buf *b)
{
	struct device *d = &t->pdev->dev;

	switch (b->kind) {
	case BUF_COHERENT:
		dma_free_coherent(d, b->size, b->cpu, b->iova);
		break;
	case BUF_SINGLE:
		buf_unmap(t, b);
		free_pages_exact(b->cpu, b->off + b->size);
		break;
	case BUF_SG:
		buf_unmap(t, b);
		sg_free_table(&b->sgt);
		vfree(b->cpu);
		break;
	case BUF_PAGES:
		dma_free_pages(d, b->size, b->page, b->iova, b->dir);
		break;
	case BUF_NONE:
		break;
	}
	memset(b, 0, sizeof(*b));
}

static int alloc_sg(struct dma_test *t, struct dma_test_buf *b)
{
	unsigned int i, npages = PAGE_ALIGN(b->off + b->size) >> PAGE_SHIFT;
	struct page **pages;
	int ret;

	b->cpu = vzalloc(b->off + b->size);
	pages = kvcalloc(npages, sizeof(*pages), GFP_KERNEL);
	if (!b->cpu || !pages) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < npages; i++)
		pages[i] = vmalloc_to_page(b->cpu + i * PAGE_SIZE);
	ret = sg_alloc_table_from_pages(&b->sgt, pages, npages, b->off,
					b->size, GFP_KERNEL);
	if (ret)
		goto out;
	ret = dma_map_sgtable(&t->pdev->dev, &b->sgt, b->dir, 0);
	if (ret) {
		sg_free_table(&b->sgt);
		goto out;
	}
	b->iova = sg_dma_address(b->sgt.sgl);
out:
	kvfree(pages);
	if (ret) {
		vfree(b->cpu);
		b->cpu = NULL;
	}
	return ret;
}

static int buf_alloc(struct dma_test *t, struct dma_test_buf *b)
{
	struct device *d = &t->pdev->dev;

	switch (b->kind) {
	case BUF_COHERENT:
		b->cpu = dma_alloc_coherent(d, b->size, &b->iova, GFP_KERNEL);
		return b->cpu ? 0 : -ENOMEM;
	case BUF_SINGLE:
		if (b->off + b->size > DMA_TEST_SINGLE_MAX)
			return -E2BIG;
		b->cpu = alloc_pages_exact(b->off + b->size,
					   GFP_KERNEL | __GFP_ZERO);
		if (!b->cpu)
			return -ENOMEM;
		b->iova = dma_map_single(d, mapped_bytes(b), b->size, b->dir);
		if (dma_mapping_error(d, b->iova)) {
			free_pages_exact(b->cpu, b->off + b->size);
			b->cpu = NULL;
			return -ENOMEM;
		}
		return 0;
	case BUF_SG:
		return alloc_sg(t, b);
	case BUF_PAGES:
		b->page = dma_alloc_pages(d, b->size, &b->iova, b->dir,
					  GFP_KERNEL | __GFP_ZERO);
		if (!b->page)
			return -ENOMEM;
		b->cpu = page_address(b->page);
		return 0;
	default:
		return -EINVAL;
	}
}

/* Does the device see the mapped bytes at [iova, iova + size)? */
static bool buf_contiguous(struct dma_test_buf *b)
{
	struct scatterlist *sg;
	dma_addr_t next;
	unsigned int i;

	if (b->kind != BUF_SG)
		return true;
	next = b->iova;
	for_each_sgtable_dma_sg(&b->sgt, sg, i) {
		if (sg_dma_address(sg) != next)
			return false;
		next += sg_dma_len(sg);
	}
	return true;
}

static int cmd_alloc(struct dma_test *t, struct dma_test_buf *b,
		     enum dma_test_kind kind, char **argv, int argc)
{
	unsigned long size, off = 0;
	int ret;

	if (b->kind != BUF_NONE)
		return -EBUSY;
	if (argc < 3 || kstrtoul(argv[2], 0, &size) || !size ||
	    size > DMA_TEST_SIZE_MAX)
		return -EINVAL;
	b->dir = DMA_BIDIRECTIONAL;
	if (kind == BUF_SINGLE || kind == BUF_SG) {
		if (argc != 5 || kstrtoul(argv[3], 0, &off) ||
		    off >= PAGE_SIZE || parse_dir(argv[4], &b->dir))
			return -EINVAL;
	} else if (kind == BUF_PAGES) {
		if (argc != 4 || parse_dir(argv[3], &b->dir))
			return -EINVAL;
	} else if (argc != 3) {
		return -EINVAL;
	}
	b->kind = kind;
	b->size = size;
	b->off = off;
	ret = buf_alloc(t, b);
	if (ret) {
		memset(b, 0, sizeof(*b));
		return ret;
	}
	b->mapped = true;
	snprintf(t->result, sizeof(t->result),
		 "iova=%#llx size=%zu segs=%u contig=%d\n", (u64)b->iova,
		 b->size, kind == BUF_SG ? b->sgt.nents : 1,
		 buf_contiguous(b));
	return 0;
}

static int cmd_fill(struct dma_test_buf *b, u32 seed, bool zero)
{
	u32 word = 0;
	size_t j;

	for (j = 0; j < b->size; j++) {
		if (!(j % 4))
			word = zero ? 0 : pciem_pattern(seed, j / 4);
		mapped_bytes(b)[j] = word >> (8 * (j % 4));
		if (!(j % SZ_1M))
			cond_resched();
	}
	return 0;
}

static int cmd_sum(struct dma_test *t, struct dma_test_buf *b,
		   unsigned long off, unsigned long len)
{
	u64 h = PCIEM_FNV_INIT;
	unsigned long done;

	if (off > b->size || len > b->size - off)
		return -EINVAL;
	for (done = 0; done < len; done += SZ_1M) {
		h = pciem_fnv(h, mapped_bytes(b) + off + done,
			      min(len - done, (unsigned long)SZ_1M));
		cond_resched();
	}
	snprintf(t->result, sizeof(t->result), "%#llx\n", h);
	return 0;
}

static phys_addr_t buf_phys(struct dma_test_buf *b)
{
	if (is_vmalloc_addr(b->cpu))
		return page_to_phys(vmalloc_to_page(mapped_bytes(b))) +
		       offset_in_page(mapped_bytes(b));
	return virt_to_phys(mapped_bytes(b));
}

static int check_word(struct dma_test_buf *b, unsigned long off,
		      unsigned long width)
{
	if ((width != 4 && width != 8) || off % width || off >= b->size ||
	    width > b->size - off)
		return -EINVAL;
	return 0;
}

static int cmd_atomic(struct dma_test *t, struct dma_test_buf *b,
		      unsigned long off, unsigned long width, unsigned long n)
{
	void *p = mapped_bytes(b) + off;
	unsigned long i, interleaved = 0;
	u64 last = 0, now;

	for (i = 0; i < n; i++) {
		if (width == 8)
			now = atomic64_inc_return((atomic64_t *)p);
		else
			now = (u32)atomic_inc_return((atomic_t *)p);
		if (i && now != last + 1)
			interleaved++;
		last = now;
		/* Spread the run out so it overlaps the device's. */
		if (i % 16 == 15)
			usleep_range(20, 40);
	}
	snprintf(t->result, sizeof(t->result), "interleaved=%lu\n",
		 interleaved);
	return 0;
}

static int cmd_sgtable(struct dma_test *t, struct dma_test_buf *b)
{
	struct sg_table sgt;
	struct scatterlist *sg;
	u64 h = PCIEM_FNV_INIT;
	size_t left = b->size;
	unsigned int i;
	int ret;

	if (b->kind != BUF_COHERENT)
		return -EINVAL;
	ret = dma_get_sgtable(&t->pdev->dev, &sgt, b->cpu, b->iova, b->size);
	if (ret)
		return ret;
	for_each_sgtable_sg(&sgt, sg, i) {
		size_t n = min_t(size_t, left, sg->length);

		h = pciem_fnv(h, page_address(sg_page(sg)) + sg->offset, n);
		left -= n;
	}
	sg_free_table(&sgt);
	snprintf(t->result, sizeof(t->result), "%#llx\n", h);
	return 0;
}

static int cmd_sync(struct dma_test *t, struct dma_test_buf *b, bool cpu)
{
	struct device *d = &t->pdev->dev;

	if (!b->mapped || b->kind == BUF_COHERENT)
		return -EINVAL;
	if (b->kind == BUF_SG && cpu)
		dma_sync_sgtable_for_cpu(d, &b->sgt, b->dir);
	else if (b->kind == BUF_SG)
		dma_sync_sgtable_for_device(d, &b->sgt, b->dir);
	else if (cpu)
		dma_sync_single_for_cpu(d, b->iova, b->size, b->dir);
	else
		dma_sync_single_for_device(d, b->iova, b->size, b->dir);
	return 0;
}

/* Commands on an existing buffer. */
static int cmd_buf(struct dma_test *t, struct dma_test_buf *b, char **argv,
		   int argc)
{
	unsigned long a[3] = { 0 };
	int i;

	if (b->kind == BUF_NONE)
		return -ENOENT;
	for (i = 2; i < argc && i < 5; i++)
		if (kstrtoul(argv[i], 0, &a[i - 2]) && strcmp(argv[0], "sync"))
			return -EINVAL;
	if (!strcmp(argv[0], "free") && argc == 2) {
		buf_free(t, b);
	} else if (!strcmp(argv[0], "leak") && argc == 2) {
		buf_forget(b);
	} else if (!strcmp(argv[0], "unmap") && argc == 2) {
		if (b->kind != BUF_SINGLE && b->kind != BUF_SG)
			return -EINVAL;
		buf_unmap(t, b);
	} else if (!strcmp(argv[0], "fill") && argc == 3) {
		return cmd_fill(b, a[0], false);
	} else if (!strcmp(argv[0], "zero") && argc == 2) {
		return cmd_fill(b, 0, true);
	} else if (!strcmp(argv[0], "sum") && argc == 4) {
		return cmd_sum(t, b, a[0], a[1]);
	} else if (!strcmp(argv[0], "phys") && argc == 2) {
		snprintf(t->result, sizeof(t->result), "%#llx\n",
			 (u64)buf_phys(b));
	} else if (!strcmp(argv[0], "get") && argc == 4) {
		if (check_word(b, a[0], a[1]))
			return -EINVAL;
		snprintf(t->result, sizeof(t->result), "%#llx\n", a[1] == 8 ?
			 READ_ONCE(*(u64 *)(mapped_bytes(b) + a[0])) :
			 READ_ONCE(*(u32 *)(mapped_bytes(b) + a[0])));
	} else if (!strcmp(argv[0], "set") && argc == 5) {
		u64 v;

		if (check_word(b, a[0], a[1]) || kstrtou64(argv[4], 0, &v))
			return -EINVAL;
		if (a[1] == 8)
			WRITE_ONCE(*(u64 *)(mapped_bytes(b) + a[0]), v);
		else
			WRITE_ONCE(*(u32 *)(mapped_bytes(b) + a[0]), v);
	} else if (!strcmp(argv[0], "atomic") && argc == 5) {
		if (check_word(b, a[0], a[1]))
			return -EINVAL;
		return cmd_atomic(t, b, a[0], a[1], a[2]);
	} else if (!strcmp(argv[0], "sync") && argc == 3) {
		return cmd_sync(t, b, !strcmp(argv[2], "cpu"));
	} else if (!strcmp(argv[0], "sgtable") && argc == 2) {
		return cmd_sgtable(t, b);
	} else {
		return -EINVAL;
	}
	return 0;
}

static int dma_cmd(struct dma_test *t, char **argv, int argc)
{
	static const char * const kinds[] = {
		[BUF_COHERENT] = "coherent", [BUF_SINGLE] = "single",
		[BUF_SG] = "sg", [BUF_PAGES] = "pages",
	};
	unsigned long id;
	int k;

	if (!strcmp(argv[0], "mask") && argc == 2) {
		if (kstrtoul(argv[1], 0, &id) || id < 1 || id > 64)
			return -EINVAL;
		return dma_set_mask_and_coherent(&t->pdev->dev,
						 DMA_BIT_MASK(id));
	}
	if (argc < 2 || kstrtoul(argv[1], 0, &id) || id >= DMA_TEST_BUFS)
		return -EINVAL;
	for (k = BUF_COHERENT; k <= BUF_PAGES; k++)
		if (!strcmp(argv[0], kinds[k]))
			return cmd_alloc(t, &t->bufs[id], k, argv, argc);
	return cmd_buf(t, &t->bufs[id], argv, argc);
}

static ssize_t dma_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	struct dma_test *t = dev_get_drvdata(dev);
	char *argv[DMA_TEST_ARGS], *line, *s, *tok;
	int argc = 0, ret;

	line = kstrndup(buf, 128, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	s = strim(line);
	while ((tok = strsep(&s, " ")) && argc < DMA_TEST_ARGS)
		if (*tok)
			argv[argc++] = tok;
	mutex_lock(&t->lock);
	strscpy(t->result, "ok\n", sizeof(t->result));
	ret = argc ? dma_cmd(t, argv, argc) : -EINVAL;
	if (ret)
		snprintf(t->result, sizeof(t->result), "err %d\n", ret);
	mutex_unlock(&t->lock);
	kfree(line);
	return ret ? ret : count;
}

static ssize_t dma_show(struct device *dev, struct device_attribute *attr,
			char *buf)
{
	struct dma_test *t = dev_get_drvdata(dev);
	ssize_t n;

	mutex_lock(&t->lock);
	n = sysfs_emit(buf, "%s", t->result);
	mutex_unlock(&t->lock);
	return n;
}
static DEVICE_ATTR_ADMIN_RW(dma);

/* mmap() of the file coherent0: dma_mmap_coherent() of buffer 0. */
static int coherent0_mmap(struct file *file, struct kobject *kobj,
			  struct bin_attribute *attr,
			  struct vm_area_struct *vma)
{
	struct dma_test *t = dev_get_drvdata(kobj_to_dev(kobj));
	struct dma_test_buf *b = &t->bufs[0];
	int ret = -ENODEV;

	mutex_lock(&t->lock);
	if (b->kind == BUF_COHERENT)
		ret = dma_mmap_coherent(&t->pdev->dev, vma, b->cpu, b->iova,
					b->size);
	mutex_unlock(&t->lock);
	return ret;
}

static struct bin_attribute bin_attr_coherent0 = {
	.attr = { .name = "coherent0", .mode = 0600 },
	.mmap = coherent0_mmap,
};

static struct attribute *dma_test_attrs[] = {
	&dev_attr_dma.attr,
	NULL,
};

static struct bin_attribute *dma_test_bin_attrs[] = {
	&bin_attr_coherent0,
	NULL,
};

static const struct attribute_group dma_test_group = {
	.attrs = dma_test_attrs,
	.bin_attrs = dma_test_bin_attrs,
};

static const struct attribute_group *dma_test_groups[] = {
	&dma_test_group,
	NULL,
};

static int dma_test_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct dma_test *t;
	int ret;

	t = devm_kzalloc(&pdev->dev, sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->pdev = pdev;
	mutex_init(&t->lock);
	ret = pci_enable_device(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret) {
		pci_disable_device(pdev);
		return ret;
	}
	pci_set_drvdata(pdev, t);
	return 0;
}

static void dma_test_remove(struct pci_dev *pdev)
{
	struct dma_test *t = pci_get_drvdata(pdev);
	unsigned int i;

	mutex_lock(&t->lock);
	for (i = 0; i < DMA_TEST_BUFS; i++)
		buf_free(t, &t->bufs[i]);
	mutex_unlock(&t->lock);
	pci_disable_device(pdev);
	mutex_destroy(&t->lock);
	dev_info(&pdev->dev, "removed\n");
}

static const struct pci_device_id dma_test_ids[] = {
	{ PCI_DEVICE(0x1234, 0xd3a0) },
	{ }
};
MODULE_DEVICE_TABLE(pci, dma_test_ids);

static struct pci_driver dma_test_driver = {
	.name		= "pciem_dma_test",
	.id_table	= dma_test_ids,
	.probe		= dma_test_probe,
	.remove		= dma_test_remove,
	.dev_groups	= dma_test_groups,
};
module_pci_driver(dma_test_driver);

MODULE_DESCRIPTION("DMA test driver for PCIem synthetic PCI devices");
MODULE_LICENSE("GPL");
