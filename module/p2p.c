// SPDX-License-Identifier: GPL-2.0
/*
 * Peer-to-peer: PCIEM_IOCTL_P2P moves data between the device process and
 * another device's memory, by physical (bus) address.
 *
 * Only the ranges listed in the p2p_regions parameter are reachable; it is
 * empty by default, so everything is refused.  A range inside a PCIem BAR
 * resolves to that BAR's backing memory, since nothing answers at a PCIem
 * BAR's address: the peer's process sees the data in its BAR mapping at
 * once (as plain memory: the peer's register semantics and events apply to
 * its driver's accesses, not to these).  Any other range is MMIO of some
 * device, reached through ioremap().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pciem_internal.h"

#define P2P_MAX_REGIONS	16
#define P2P_CHUNK	(16 * 1024)

struct p2p_region {
	u64 start, end;			/* inclusive, as /proc/iomem shows */
};

static DEFINE_MUTEX(p2p_lock);		/* the two below */
static struct p2p_region p2p_regions[P2P_MAX_REGIONS];
static unsigned int p2p_nregions;

static int parse_region(char *tok, struct p2p_region *r)
{
	char *dash = strchr(tok, '-');

	if (!dash)
		return -EINVAL;
	*dash = '\0';
	if (kstrtou64(strim(tok), 0, &r->start) ||
	    kstrtou64(strim(dash + 1), 0, &r->end) || r->start > r->end)
		return -EINVAL;
	return 0;
}

static int p2p_regions_set(const char *val, const struct kernel_param *kp)
{
	struct p2p_region regions[P2P_MAX_REGIONS];
	unsigned int n = 0;
	char *copy, *s, *tok;
	int ret = 0;

	copy = kstrdup(val, GFP_KERNEL);
	if (!copy)
		return -ENOMEM;
	s = strim(copy);
	while (s && *s && (tok = strsep(&s, ","))) {
		if (n == P2P_MAX_REGIONS || parse_region(tok, &regions[n])) {
			ret = -EINVAL;
			break;
		}
		n++;
	}
	kfree(copy);
	if (ret) {
		pr_err("p2p_regions: want up to %d START-END ranges separated by commas, got \"%s\"\n",
		       P2P_MAX_REGIONS, val);
		return ret;
	}
	mutex_lock(&p2p_lock);
	memcpy(p2p_regions, regions, n * sizeof(regions[0]));
	p2p_nregions = n;
	mutex_unlock(&p2p_lock);
	if (n)
		pr_info("peer-to-peer DMA allowed to %u physical ranges\n", n);
	return 0;
}

static int p2p_regions_get(char *buf, const struct kernel_param *kp)
{
	unsigned int i;
	int len = 0;

	mutex_lock(&p2p_lock);
	for (i = 0; i < p2p_nregions; i++)
		len += sysfs_emit_at(buf, len, "%s%#llx-%#llx", i ? "," : "",
				     p2p_regions[i].start, p2p_regions[i].end);
	mutex_unlock(&p2p_lock);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static const struct kernel_param_ops p2p_regions_ops = {
	.set = p2p_regions_set,
	.get = p2p_regions_get,
};
module_param_cb(p2p_regions, &p2p_regions_ops, NULL, 0644);
MODULE_PARM_DESC(p2p_regions,
		 "Physical ranges PCIEM_IOCTL_P2P may reach: START-END[,START-END...], inclusive (default: none)");

static bool p2p_allowed(u64 start, u64 len)
{
	bool ok = false;
	unsigned int i;

	mutex_lock(&p2p_lock);
	for (i = 0; i < p2p_nregions && !ok; i++)
		ok = start >= p2p_regions[i].start &&
		     start + len - 1 <= p2p_regions[i].end;
	mutex_unlock(&p2p_lock);
	return ok;
}

/* Another device's MMIO. */
static int mmio_copy(u64 phys, void *buf, size_t len, bool write)
{
	void __iomem *io = ioremap(phys, len);

	if (!io)
		return -ENOMEM;
	if (write)
		memcpy_toio(io, buf, len);
	else
		memcpy_fromio(buf, io, len);
	iounmap(io);
	return 0;
}

/*
 * Copy to or from the backing memory of the PCIem BAR at @phys, under the
 * intercept lock so that the BAR cannot be freed meanwhile.
 * Return: 0, -ENOENT if no PCIem BAR holds any of the range, -EINVAL if one
 * holds only part of it.
 */
static int bar_copy(phys_addr_t phys, void *buf, size_t len, bool write)
{
	struct pciem_bar *bar;
	unsigned long flags;
	u64 off;

	flags = pciem_intercept_lock();
	bar = pciem_intercept_bar_at(phys, len);
	if (IS_ERR_OR_NULL(bar)) {
		pciem_intercept_unlock(flags);
		return bar ? PTR_ERR(bar) : -ENOENT;
	}
	for (off = phys - bar->window.start; len; ) {
		size_t n = min_t(size_t, len, PAGE_SIZE - offset_in_page(off));
		void *va = page_address(bar->pages[off >> PAGE_SHIFT]) +
			   offset_in_page(off);

		if (write)
			memcpy(va, buf, n);
		else
			memcpy(buf, va, n);
		off += n;
		buf += n;
		len -= n;
	}
	pciem_intercept_unlock(flags);
	return 0;
}

static int p2p_chunk(u64 phys, void *buf, size_t len, bool write)
{
	int ret = bar_copy(phys, buf, len, write);

	if (ret == -ENOENT)
		ret = mmio_copy(phys, buf, len, write);
	return ret;
}

static int p2p_transfer(u64 phys, void __user *ubuf, u32 len, bool write)
{
	void *bounce;
	int ret = 0;
	u64 done;

	bounce = kmalloc(min_t(u32, len, P2P_CHUNK), GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	for (done = 0; done < len && !ret; done += P2P_CHUNK) {
		size_t n = min_t(u64, len - done, P2P_CHUNK);

		if (write && copy_from_user(bounce, ubuf + done, n)) {
			ret = -EFAULT;
			break;
		}
		ret = p2p_chunk(phys + done, bounce, n, write);
		if (ret == -EINVAL)
			pciem_user_err("P2P: %#llx+%u covers part of a PCIem BAR and memory outside it",
				       phys, len);
		if (!ret && !write && copy_to_user(ubuf + done, bounce, n))
			ret = -EFAULT;
		if (!ret && fatal_signal_pending(current))
			ret = -EINTR;
		cond_resched();
	}
	kfree(bounce);
	return ret;
}

/* Context: process; the caller holds a reference to @dev. */
int pciem_p2p_ioctl(struct pciem_device *dev, void __user *arg)
{
	struct pciem_p2p_op_user op;
	void __user *ubuf;
	int ret;

	if (copy_from_user(&op, arg, sizeof(op)))
		return -EFAULT;
	ret = pciem_require_registered(dev, "P2P");
	if (!ret)
		ret = pciem_dma_check_flags("P2P", op.flags);
	if (ret || !op.length)
		return ret;
	if (op.target_phys_addr + op.length < op.target_phys_addr ||
	    !p2p_allowed(op.target_phys_addr, op.length)) {
		pciem_user_err("P2P: %#llx+%u is outside the ranges of the p2p_regions parameter",
			       op.target_phys_addr, op.length);
		return -EPERM;
	}
	if (region_intersects(op.target_phys_addr, op.length,
			      IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) !=
	    REGION_DISJOINT) {
		pciem_user_err("P2P: %#llx+%u is RAM, not a device's memory",
			       op.target_phys_addr, op.length);
		return -EINVAL;
	}
	ret = pciem_dma_user_buf("P2P", op.user_addr, op.length, &ubuf);
	if (ret)
		return ret;
	return p2p_transfer(op.target_phys_addr, ubuf, op.length,
			    op.flags == PCIEM_DMA_FLAG_WRITE);
}
