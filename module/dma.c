// SPDX-License-Identifier: GPL-2.0
/*
 * The device side of DMA: PCIEM_IOCTL_DMA, PCIEM_IOCTL_DMA_SG and
 * PCIEM_IOCTL_DMA_ATOMIC.
 *
 * Every access is checked against the driver's live mappings (iommu.c): it
 * must lie inside mappings, throughout, in a direction they permit.  A
 * refused access changes nothing, fails with EFAULT, and is reported to
 * the device process (PCIEM_EVENT_DMA_FAULT) and in dmesg, as an IOMMU
 * reports a translation fault.
 *
 * Data moves chunk by chunk: the process's pages of a chunk are pinned
 * first (that may fault and sleep), then copied from or to the driver's
 * memory under the IOMMU lock, so an unmap waits for a chunk in flight
 * and never for more.
 *
 * These ioctls do not take the device's build lock: the device is
 * registered and stays so while the caller holds its fd.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "pciem_internal.h"

#define DMA_CHUNK	(16 * 1024)

static const char *access_name(u32 access)
{
	if (access == (PCIEM_DMA_FLAG_READ | PCIEM_DMA_FLAG_WRITE))
		return "atomic";
	return access == PCIEM_DMA_FLAG_READ ? "read" : "write";
}

/*
 * Why the mapping @m refuses @access, or NULL.  A device reads a
 * DMA_TO_DEVICE mapping and writes a DMA_FROM_DEVICE one.
 */
static const char *dir_refuses(const struct pciem_dma_map *m, u32 access)
{
	if ((access & PCIEM_DMA_FLAG_WRITE) && m->dir == DMA_TO_DEVICE)
		return "mapped DMA_TO_DEVICE: the device may only read it";
	if ((access & PCIEM_DMA_FLAG_READ) && m->dir == DMA_FROM_DEVICE)
		return "mapped DMA_FROM_DEVICE: the device may only write it";
	if (m->dir == DMA_NONE)
		return "mapped DMA_NONE";
	return NULL;
}

/*
 * Is [iova, iova + len) mapped throughout for @access?  NULL if so, else
 * why not, with the first refused byte in *bad.
 * Context: mmu->lock held.
 */
static const char *check_range(struct pciem_iommu *mmu, u64 iova, u64 len,
			       u32 access, u64 *bad)
{
	while (len) {
		struct pciem_dma_map *m = pciem_iommu_find(mmu, iova);
		const char *why;
		u64 n;

		*bad = iova;
		if (!m)
			return "not mapped";
		why = dir_refuses(m, access);
		if (why)
			return why;
		n = min_t(u64, len, m->size - (iova - m->iova));
		iova += n;
		len -= n;
	}
	return NULL;
}

/* Kernel address of @iova inside @m, and how many bytes follow it there. */
static void *map_va(const struct pciem_dma_map *m, u64 iova, size_t *avail)
{
	u64 off = iova - m->iova;

	if (m->pages) {
		*avail = min_t(u64, m->size - off,
			       PAGE_SIZE - offset_in_page(off));
		return page_address(m->pages[off >> PAGE_SHIFT]) +
		       offset_in_page(off);
	}
	*avail = m->size - off;
	return phys_to_virt(m->phys + off);
}

/* Is @phys in RAM the kernel maps directly? */
static bool phys_is_ram(u64 phys)
{
	return phys < BIT_ULL(MAX_PHYSMEM_BITS) && pfn_valid(PHYS_PFN(phys)) &&
	       page_is_ram(PHYS_PFN(phys));
}

static void dma_fault(struct pciem_device *dev, u64 iova, u64 len,
		      u32 access, u64 bad, const char *why)
{
	struct pciem_event ev = {
		.type = PCIEM_EVENT_DMA_FAULT,
		.offset = iova,
		.size = len,
		.data = access,
	};
	const char *hint = "";

	if (!strcmp(why, "not mapped") && phys_is_ram(bad))
		hint = " (a RAM address: a physical address used as a DMA address?)";
	dev_err_ratelimited(&dev->pdev->dev,
			    "DMA fault: device %s of %llu bytes at IOVA %#llx refused: %#llx is %s%s\n",
			    access_name(access), len, iova, bad, why, hint);
	pciem_ring_post(&dev->ring, &ev);
}

/* The process's side of one chunk: its buffer's pages, pinned. */
struct user_chunk {
	struct page *pages[DMA_CHUNK / PAGE_SIZE + 1];
	unsigned int npages;
	unsigned int first;		/* the buffer's offset in pages[0] */
};

/* Copy @n bytes between the chunk at byte @uoff and @va. */
static void copy_user_part(struct user_chunk *uc, size_t uoff, void *va,
			   size_t n, bool to_memory)
{
	while (n) {
		size_t pos = uc->first + uoff;
		size_t k = min_t(size_t, n, PAGE_SIZE - offset_in_page(pos));
		void *u = kmap_local_page(uc->pages[pos >> PAGE_SHIFT]);

		if (to_memory)
			memcpy(va, u + offset_in_page(pos), k);
		else
			memcpy(u + offset_in_page(pos), va, k);
		kunmap_local(u);
		va += k;
		uoff += k;
		n -= k;
	}
}

/*
 * One chunk, checked and copied under the lock.  Returns NULL or why it
 * was refused (the mapping went away since the whole range was checked).
 */
static const char *copy_chunk(struct pciem_iommu *mmu, u64 iova,
			      struct user_chunk *uc, size_t len, u32 access,
			      u64 *bad)
{
	unsigned long flags;
	const char *why;
	size_t done = 0;

	spin_lock_irqsave(&mmu->lock, flags);
	why = check_range(mmu, iova, len, access, bad);
	while (!why && done < len) {
		struct pciem_dma_map *m = pciem_iommu_find(mmu, iova + done);
		size_t avail, n;
		void *va = map_va(m, iova + done, &avail);

		n = min(len - done, avail);
		copy_user_part(uc, done, va, n, access == PCIEM_DMA_FLAG_WRITE);
		done += n;
	}
	spin_unlock_irqrestore(&mmu->lock, flags);
	return why;
}

/* With dma_passthrough the IOVA is a physical address; only RAM is allowed. */
static const char *copy_phys(u64 phys, struct user_chunk *uc, size_t len,
			     u32 access, u64 *bad)
{
	size_t done = 0;

	while (done < len) {
		size_t n = min_t(size_t, len - done,
				 PAGE_SIZE - offset_in_page(phys));

		*bad = phys;
		if (!phys_is_ram(phys))
			return "not RAM";
		copy_user_part(uc, done, phys_to_virt(phys), n,
			       access == PCIEM_DMA_FLAG_WRITE);
		phys += n;
		done += n;
	}
	return NULL;
}

/* Pin the @len bytes of the process's buffer at @start. */
static int pin_chunk(unsigned long start, size_t len, u32 access,
		     struct user_chunk *uc)
{
	int nr, got;

	uc->first = offset_in_page(start);
	nr = DIV_ROUND_UP(uc->first + len, PAGE_SIZE);
	got = pin_user_pages_fast(start & PAGE_MASK, nr,
				  access == PCIEM_DMA_FLAG_READ ? FOLL_WRITE : 0,
				  uc->pages);
	if (got == nr) {
		uc->npages = nr;
		return 0;
	}
	if (got > 0)
		unpin_user_pages(uc->pages, got);
	return got < 0 ? got : -EFAULT;
}

/*
 * Chunk by chunk, each copied straight between the process's pinned pages
 * and the driver's memory under the IOMMU lock.
 */
static int dma_transfer(struct pciem_device *dev, u64 iova,
			void __user *ubuf, u32 len, u32 access)
{
	unsigned long flags;
	const char *why = NULL;
	struct user_chunk uc;
	u64 bad = iova, done;
	size_t n;
	int ret;

	if (iova + len < iova) {
		dma_fault(dev, iova, len, access, iova, "past the end of the address space");
		return -EFAULT;
	}
	/* A refused transfer must not move a byte: check it all first. */
	if (!pciem_dma_passthrough()) {
		spin_lock_irqsave(&dev->iommu.lock, flags);
		why = check_range(&dev->iommu, iova, len, access, &bad);
		spin_unlock_irqrestore(&dev->iommu.lock, flags);
	}
	if (why) {
		dma_fault(dev, iova, len, access, bad, why);
		return -EFAULT;
	}

	for (done = 0; done < len; done += n) {
		n = min_t(u64, len - done, DMA_CHUNK);
		ret = pin_chunk((unsigned long)ubuf + done, n, access, &uc);
		if (ret)
			return ret;
		if (pciem_dma_passthrough())
			why = copy_phys(iova + done, &uc, n, access, &bad);
		else
			why = copy_chunk(&dev->iommu, iova + done, &uc, n,
					 access, &bad);
		unpin_user_pages_dirty_lock(uc.pages, uc.npages,
					    access == PCIEM_DMA_FLAG_READ);
		if (why) {
			dma_fault(dev, iova, len, access, bad, why);
			return -EFAULT;
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

/* DMA and P2P move data one way per call: exactly one direction flag. */
int pciem_dma_check_flags(const char *what, u32 flags)
{
	if (flags == PCIEM_DMA_FLAG_READ || flags == PCIEM_DMA_FLAG_WRITE)
		return 0;
	pciem_user_err("%s: flags %#x, want PCIEM_DMA_FLAG_READ or _WRITE",
		       what, flags);
	return -EINVAL;
}

/* The process's buffer of a DMA or P2P, which must be user memory. */
int pciem_dma_user_buf(const char *what, u64 addr, u32 len,
		       void __user **ubuf)
{
	*ubuf = u64_to_user_ptr(addr);
	if (access_ok(*ubuf, len))
		return 0;
	pciem_user_err("%s: user buffer %#llx+%u is not user memory", what,
		       addr, len);
	return -EFAULT;
}

/* Context: process; the caller holds a reference to @dev. */
int pciem_dma_ioctl(struct pciem_device *dev, void __user *arg)
{
	struct pciem_dma_op op;
	void __user *ubuf;
	int ret;

	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	ret = pciem_require_registered(dev, "DMA");
	if (ret)
		return ret;
	if (op.pasid) {
		pciem_user_err("DMA: pasid %u, but PASIDs are not supported",
			       op.pasid);
		return -EOPNOTSUPP;
	}
	if (op.reserved) {
		pciem_user_err("DMA: reserved field must be 0");
		return -EINVAL;
	}
	ret = pciem_dma_check_flags("DMA", op.flags);
	if (ret || !op.length)
		return ret;
	ret = pciem_dma_user_buf("DMA", op.user_addr, op.length, &ubuf);
	if (ret)
		return ret;
	return dma_transfer(dev, op.guest_iova, ubuf, op.length, op.flags);
}

/* The segments of a DMA_SG, read and checked for shape; NULL on error. */
static struct pciem_dma_seg *sg_segments(const struct pciem_dma_sg_op *op,
					 u64 *total, int *err)
{
	struct pciem_dma_seg *segs;
	u32 i;

	*err = -EINVAL;
	if (op->nr_segs > PCIEM_DMA_SG_MAX_SEGS) {
		pciem_user_err("DMA_SG: %u segments, at most %u",
			       op->nr_segs, PCIEM_DMA_SG_MAX_SEGS);
		return NULL;
	}
	segs = memdup_user(u64_to_user_ptr(op->segs),
			   array_size(op->nr_segs, sizeof(*segs)));
	if (IS_ERR(segs)) {
		*err = PTR_ERR(segs);
		pciem_user_err("DMA_SG: segment array %#llx not readable",
			       op->segs);
		return NULL;
	}
	for (*total = 0, i = 0; i < op->nr_segs; i++) {
		if (segs[i].reserved) {
			pciem_user_err("DMA_SG: segment %u: reserved field must be 0",
				       i);
			goto bad;
		}
		*total += segs[i].length;
	}
	if (*total > U32_MAX) {
		pciem_user_err("DMA_SG: %llu bytes in all, at most %u", *total,
			       U32_MAX);
		goto bad;
	}
	return segs;
bad:
	kfree(segs);
	return NULL;
}

/* Why segment *@at of @segs may not move, or NULL when all may. */
static const char *sg_refused(struct pciem_device *dev,
			      const struct pciem_dma_seg *segs, u32 n,
			      u32 access, u32 *at, u64 *bad)
{
	const char *why = NULL;
	unsigned long flags;
	u32 i;

	for (i = 0; i < n; i++) {
		if (segs[i].iova + segs[i].length < segs[i].iova) {
			*at = i;
			*bad = segs[i].iova;
			return "past the end of the address space";
		}
	}
	if (pciem_dma_passthrough())
		return NULL;
	spin_lock_irqsave(&dev->iommu.lock, flags);
	for (i = 0; i < n && !why; i++) {
		*at = i;
		why = check_range(&dev->iommu, segs[i].iova, segs[i].length,
				  access, bad);
	}
	spin_unlock_irqrestore(&dev->iommu.lock, flags);
	return why;
}

/*
 * Context: process; the caller holds a reference to @dev.  Every segment
 * is checked under one hold of the IOMMU lock before any moves, so a
 * refused transfer moves nothing; a driver unmapping while the copy runs
 * stops it at that segment, as with DMA.
 */
int pciem_dma_sg_ioctl(struct pciem_device *dev, void __user *arg)
{
	struct pciem_dma_sg_op op;
	struct pciem_dma_seg *segs;
	void __user *ubuf;
	u64 total, bad = 0;
	const char *why;
	u32 i = 0;
	int ret;

	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	ret = pciem_require_registered(dev, "DMA_SG");
	if (ret)
		return ret;
	if (op.pasid) {
		pciem_user_err("DMA_SG: pasid %u, but PASIDs are not supported",
			       op.pasid);
		return -EOPNOTSUPP;
	}
	if (op.reserved) {
		pciem_user_err("DMA_SG: reserved field must be 0");
		return -EINVAL;
	}
	ret = pciem_dma_check_flags("DMA_SG", op.flags);
	if (ret || !op.nr_segs)
		return ret;
	segs = sg_segments(&op, &total, &ret);
	if (!segs)
		return ret;
	ret = pciem_dma_user_buf("DMA_SG", op.user_addr, (u32)total, &ubuf);
	if (ret)
		goto out;
	why = sg_refused(dev, segs, op.nr_segs, op.flags, &i, &bad);
	if (why) {
		dma_fault(dev, segs[i].iova, segs[i].length, op.flags, bad,
			  why);
		ret = -EFAULT;
		goto out;
	}
	for (total = 0, i = 0; i < op.nr_segs && !ret; i++) {
		if (segs[i].length)
			ret = dma_transfer(dev, segs[i].iova, ubuf + total,
					   segs[i].length, op.flags);
		total += segs[i].length;
	}
out:
	kfree(segs);
	return ret;
}

static u64 atomic64_op(void *va, u32 op, u64 x, u64 cmp)
{
	atomic64_t *v = va;

	switch (op) {
	case PCIEM_ATOMIC_FETCH_ADD:
		return atomic64_fetch_add(x, v);
	case PCIEM_ATOMIC_FETCH_SUB:
		return atomic64_fetch_sub(x, v);
	case PCIEM_ATOMIC_SWAP:
		return atomic64_xchg(v, x);
	case PCIEM_ATOMIC_CAS:
		return atomic64_cmpxchg(v, cmp, x);
	case PCIEM_ATOMIC_FETCH_AND:
		return atomic64_fetch_and(x, v);
	case PCIEM_ATOMIC_FETCH_OR:
		return atomic64_fetch_or(x, v);
	default:
		return atomic64_fetch_xor(x, v);
	}
}

static u32 atomic32_op(void *va, u32 op, u32 x, u32 cmp)
{
	atomic_t *v = va;

	switch (op) {
	case PCIEM_ATOMIC_FETCH_ADD:
		return atomic_fetch_add(x, v);
	case PCIEM_ATOMIC_FETCH_SUB:
		return atomic_fetch_sub(x, v);
	case PCIEM_ATOMIC_SWAP:
		return atomic_xchg(v, x);
	case PCIEM_ATOMIC_CAS:
		return atomic_cmpxchg(v, cmp, x);
	case PCIEM_ATOMIC_FETCH_AND:
		return atomic_fetch_and(x, v);
	case PCIEM_ATOMIC_FETCH_OR:
		return atomic_fetch_or(x, v);
	default:
		return atomic_fetch_xor(x, v);
	}
}

static int check_atomic(const struct pciem_dma_atomic *req, u32 *op,
			unsigned int *width)
{
	*op = req->op_type & PCIEM_ATOMIC_OP_MASK;
	*width = req->op_type & PCIEM_ATOMIC_WIDTH_32 ? 4 : 8;
	if (req->pasid) {
		pciem_user_err("DMA_ATOMIC: pasid %u, but PASIDs are not supported",
			       req->pasid);
		return -EOPNOTSUPP;
	}
	if (*op < PCIEM_ATOMIC_FETCH_ADD || *op > PCIEM_ATOMIC_FETCH_XOR ||
	    req->op_type & ~(PCIEM_ATOMIC_OP_MASK | PCIEM_ATOMIC_WIDTH_32)) {
		pciem_user_err("DMA_ATOMIC: unknown op_type %#x", req->op_type);
		return -EINVAL;
	}
	if (*width == 4 && (req->operand >> 32 || req->compare >> 32)) {
		pciem_user_err("DMA_ATOMIC: 32-bit operation with a 64-bit operand or compare value");
		return -EINVAL;
	}
	if (req->guest_iova & (*width - 1)) {
		pciem_user_err("DMA_ATOMIC: IOVA %#llx is not aligned to %u bytes",
			       req->guest_iova, *width);
		return -EINVAL;
	}
	return 0;
}

static void apply_atomic(void *va, struct pciem_dma_atomic *req, u32 op,
			 unsigned int width)
{
	if (width == 8)
		req->result = atomic64_op(va, op, req->operand, req->compare);
	else
		req->result = atomic32_op(va, op, req->operand, req->compare);
}

/* The operation on its target, under the IOMMU lock; NULL or why refused. */
static const char *do_atomic(struct pciem_device *dev,
			     struct pciem_dma_atomic *req, u32 op,
			     unsigned int width, u64 *bad)
{
	const u32 access = PCIEM_DMA_FLAG_READ | PCIEM_DMA_FLAG_WRITE;
	struct pciem_iommu *mmu = &dev->iommu;
	u64 iova = req->guest_iova;
	unsigned long flags;
	const char *why;
	size_t avail;

	if (pciem_dma_passthrough()) {
		*bad = iova;
		if (!phys_is_ram(iova))
			return "not RAM";
		apply_atomic(phys_to_virt(iova), req, op, width);
		return NULL;
	}
	spin_lock_irqsave(&mmu->lock, flags);
	why = check_range(mmu, iova, width, access, bad);
	if (!why)
		apply_atomic(map_va(pciem_iommu_find(mmu, iova), iova, &avail),
			     req, op, width);
	spin_unlock_irqrestore(&mmu->lock, flags);
	return why;
}

/* Context: process; the caller holds a reference to @dev. */
int pciem_dma_atomic_ioctl(struct pciem_device *dev, void __user *arg)
{
	struct pciem_dma_atomic req;
	unsigned int width;
	const char *why;
	u64 bad;
	u32 op;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	ret = pciem_require_registered(dev, "DMA_ATOMIC");
	if (ret)
		return ret;
	ret = check_atomic(&req, &op, &width);
	if (ret)
		return ret;
	why = do_atomic(dev, &req, op, width, &bad);
	if (why) {
		dma_fault(dev, req.guest_iova, width,
			  PCIEM_DMA_FLAG_READ | PCIEM_DMA_FLAG_WRITE, bad, why);
		return -EFAULT;
	}
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}
