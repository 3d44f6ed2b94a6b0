// SPDX-License-Identifier: GPL-2.0
/*
 * The device side of DMA: PCIEM_IOCTL_DMA and PCIEM_IOCTL_DMA_ATOMIC.
 *
 * Every access is checked against the driver's live mappings (iommu.c): it
 * must lie inside mappings, throughout, in a direction they permit.  A
 * refused access changes nothing, fails with EFAULT, and is reported to
 * the device process (PCIEM_EVENT_DMA_FAULT) and in dmesg, as an IOMMU
 * reports a translation fault.
 *
 * Data moves through a small bounce buffer, chunk by chunk: the user copy
 * may fault and sleep, the copy into the driver's memory happens under the
 * IOMMU lock, so an unmap waits for a chunk in flight and never for more.
 *
 * These ioctls do not take the device's build lock: the device is
 * registered and stays so while the caller holds its fd.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ioport.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
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

/*
 * One chunk, checked and copied under the lock.  Returns NULL or why it
 * was refused (the mapping went away since the whole range was checked).
 */
static const char *copy_chunk(struct pciem_iommu *mmu, u64 iova, void *buf,
			      size_t len, u32 access, u64 *bad)
{
	unsigned long flags;
	const char *why;

	spin_lock_irqsave(&mmu->lock, flags);
	why = check_range(mmu, iova, len, access, bad);
	while (!why && len) {
		struct pciem_dma_map *m = pciem_iommu_find(mmu, iova);
		size_t avail, n;
		void *va = map_va(m, iova, &avail);

		n = min(len, avail);
		if (access == PCIEM_DMA_FLAG_WRITE)
			memcpy(va, buf, n);
		else
			memcpy(buf, va, n);
		iova += n;
		buf += n;
		len -= n;
	}
	spin_unlock_irqrestore(&mmu->lock, flags);
	return why;
}

/* With dma_passthrough the IOVA is a physical address; only RAM is allowed. */
static const char *copy_phys(u64 phys, void *buf, size_t len, u32 access,
			     u64 *bad)
{
	while (len) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(phys));
		void *va;

		*bad = phys;
		if (!phys_is_ram(phys))
			return "not RAM";
		va = phys_to_virt(phys);
		if (access == PCIEM_DMA_FLAG_WRITE)
			memcpy(va, buf, n);
		else
			memcpy(buf, va, n);
		phys += n;
		buf += n;
		len -= n;
	}
	return NULL;
}

static const char *transfer_chunk(struct pciem_device *dev, u64 iova,
				  void *buf, size_t len, u32 access, u64 *bad)
{
	if (pciem_dma_passthrough())
		return copy_phys(iova, buf, len, access, bad);
	return copy_chunk(&dev->iommu, iova, buf, len, access, bad);
}

static int dma_transfer(struct pciem_device *dev, u64 iova,
			void __user *ubuf, u32 len, u32 access)
{
	unsigned long flags;
	const char *why = NULL;
	u64 bad = iova, done;
	void *bounce;
	int ret = 0;

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

	bounce = kmalloc(min_t(u32, len, DMA_CHUNK), GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	for (done = 0; done < len; done += DMA_CHUNK) {
		size_t n = min_t(u64, len - done, DMA_CHUNK);

		if (access == PCIEM_DMA_FLAG_WRITE &&
		    copy_from_user(bounce, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		why = transfer_chunk(dev, iova + done, bounce, n, access, &bad);
		if (why) {
			dma_fault(dev, iova, len, access, bad, why);
			ret = -EFAULT;
			break;
		}
		if (access == PCIEM_DMA_FLAG_READ &&
		    copy_to_user(ubuf + done, bounce, n)) {
			ret = -EFAULT;
			break;
		}
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	}
	kfree(bounce);
	return ret;
}

static bool dev_registered(struct pciem_device *dev, const char *what)
{
	if (READ_ONCE(dev->state) == PCIEM_REGISTERED)
		return true;
	pciem_user_err("%s: the device is not registered", what);
	return false;
}

/* Context: process; the caller holds a reference to @dev. */
int pciem_dma_ioctl(struct pciem_device *dev, void __user *arg)
{
	struct pciem_dma_op op;
	void __user *ubuf;

	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	if (!dev_registered(dev, "DMA"))
		return -EBADFD;
	if (op.pasid) {
		pciem_user_err("DMA: pasid %u, but PASIDs are not supported",
			       op.pasid);
		return -EOPNOTSUPP;
	}
	if (op.reserved) {
		pciem_user_err("DMA: reserved field must be 0");
		return -EINVAL;
	}
	if (op.flags != PCIEM_DMA_FLAG_READ &&
	    op.flags != PCIEM_DMA_FLAG_WRITE) {
		pciem_user_err("DMA: flags %#x, want PCIEM_DMA_FLAG_READ or _WRITE",
			       op.flags);
		return -EINVAL;
	}
	if (!op.length)
		return 0;
	ubuf = u64_to_user_ptr(op.user_addr);
	if (!access_ok(ubuf, op.length)) {
		pciem_user_err("DMA: user buffer %#llx+%u is not user memory",
			       op.user_addr, op.length);
		return -EFAULT;
	}
	return dma_transfer(dev, op.guest_iova, ubuf, op.length, op.flags);
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
	if (!dev_registered(dev, "DMA_ATOMIC"))
		return -EBADFD;
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
