// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts of a PCIem device: a private vector domain with a PCI MSI
 * domain on top (found by the PCI core through pci_sysdata.fwnode), so
 * drivers get MSI (up to 32 vectors), MSI-X and INTx as from hardware.
 *
 * The vector domain's hwirq is what the device "writes": it is the MSI
 * message data the driver programs into config space or the MSI-X table.
 * INJECT_IRQ therefore works like a device: it reads the message the driver
 * set up for the vector, honours enable and mask bits (setting the pending
 * bit instead when masked), and raises the hwirq from an irq_work, so the
 * handler runs in hard-irq context on the injecting CPU.  Pending vectors
 * are delivered when unmasked: MSI mask bits and MSI-X function mask via
 * config writes, MSI-X vector masks via the MSI chip's unmask callback.
 *
 * Routing lives in kernel memory: the MSI chip records each message the
 * kernel writes (pciem_msi_write_msg()), and delivery uses that record,
 * never the copy in the MSI-X table, which the device process can write.
 * What the process can write (table mask bits, PBA bits) only decides
 * whether and when a recorded route is raised, and every hwirq is checked
 * against the domain before use.
 *
 * Locking: the config space lock covers enable/mask/pending state and the
 * routes; injections are serialized by @inject_lock; hwirq allocation by
 * @alloc_lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/msi.h>
#include <linux/pci.h>

#include "pciem_internal.h"

#define PCIEM_MSI_ADDRESS	0xfee00000	/* shown in lspci; never accessed */
#define HWIRQ_INTX		0		/* reserved; MSI blocks come after */

/* Passed as the allocation argument to ask for the INTx interrupt. */
static int pciem_intx_marker;

static struct pciem_config *pciem_irq_cfg(struct pciem_irq *irq)
{
	return &irq->dev->host->cfg;
}

static void deliver_later(struct pciem_irq *irq, unsigned long hwirq)
{
	if (hwirq >= PCIEM_NR_HWIRQ)
		return;
	set_bit(hwirq, irq->resend);
	irq_work_queue(&irq->work);
}

/* Hard-irq context on the CPU that queued the work. */
static void pciem_irq_work(struct irq_work *work)
{
	struct pciem_irq *irq = container_of(work, struct pciem_irq, work);
	long hwirq = atomic_long_xchg(&irq->inject_hwirq, -1);
	unsigned long bit;

	if (hwirq >= 0)
		generic_handle_domain_irq(irq->parent, hwirq);
	for_each_set_bit(bit, irq->resend, PCIEM_NR_HWIRQ)
		if (test_and_clear_bit(bit, irq->resend))
			generic_handle_domain_irq(irq->parent, bit);
}

static void vec_noop(struct irq_data *d)
{
}

static int vec_set_affinity(struct irq_data *d, const struct cpumask *mask,
			    bool force)
{
	/* Delivery follows the injecting CPU; accept any mask. */
	irq_data_update_effective_affinity(d, mask);
	return IRQ_SET_MASK_OK;
}

static void vec_compose_msi_msg(struct irq_data *d, struct msi_msg *msg)
{
	msg->address_hi = 0;
	msg->address_lo = PCIEM_MSI_ADDRESS;
	msg->data = d->hwirq;
}

static struct irq_chip pciem_vector_chip = {
	.name = "PCIem",
	.irq_ack = vec_noop,
	.irq_mask = vec_noop,
	.irq_unmask = vec_noop,
	.irq_set_affinity = vec_set_affinity,
	.irq_compose_msi_msg = vec_compose_msi_msg,
};

/* A multi-message MSI block must be aligned to its power-of-two size. */
static int vec_alloc(struct irq_domain *domain, unsigned int virq,
		     unsigned int nr_irqs, void *arg)
{
	struct pciem_irq *irq = domain->host_data;
	irq_flow_handler_t handler = handle_edge_irq;
	unsigned long flags;
	unsigned int i;
	int hwirq;

	if (arg == &pciem_intx_marker) {
		hwirq = HWIRQ_INTX;
		handler = handle_simple_irq;
	} else {
		spin_lock_irqsave(&irq->alloc_lock, flags);
		hwirq = bitmap_find_free_region(irq->hwirqs, PCIEM_NR_HWIRQ,
						order_base_2(nr_irqs));
		spin_unlock_irqrestore(&irq->alloc_lock, flags);
		if (hwirq < 0)
			return -ENOSPC;
	}
	for (i = 0; i < nr_irqs; i++)
		irq_domain_set_info(domain, virq + i, hwirq + i,
				    &pciem_vector_chip, irq, handler, NULL,
				    NULL);
	return 0;
}

static void vec_free(struct irq_domain *domain, unsigned int virq,
		     unsigned int nr_irqs)
{
	struct irq_data *d = irq_domain_get_irq_data(domain, virq);
	struct pciem_irq *irq = domain->host_data;
	unsigned long hwirq = d->hwirq, flags;

	irq_domain_free_irqs_common(domain, virq, nr_irqs);
	if (hwirq == HWIRQ_INTX)
		return;
	spin_lock_irqsave(&irq->alloc_lock, flags);
	bitmap_release_region(irq->hwirqs, hwirq, order_base_2(nr_irqs));
	spin_unlock_irqrestore(&irq->alloc_lock, flags);
}

static const struct irq_domain_ops pciem_vector_ops = {
	.alloc = vec_alloc,
	.free = vec_free,
};

static unsigned int msi_data_off(struct pciem_config *cfg)
{
	return cfg->msi_offset + (pciem_cfg16(cfg, cfg->msi_offset + PCI_MSI_FLAGS) &
				  PCI_MSI_FLAGS_64BIT ? PCI_MSI_DATA_64 :
				  PCI_MSI_DATA_32);
}

/*
 * Backing memory @off bytes into the MSI-X table or PBA (@reg says which).
 * Table entries (16 bytes) and PBA words (8 bytes) are naturally aligned,
 * so none straddles a page.
 */
static void *msix_mem(struct pciem_device *dev, int reg, u32 off)
{
	struct pciem_config *cfg = pciem_irq_cfg(&dev->irq);
	u32 loc = pciem_cfg32(cfg, cfg->msix_offset + reg);
	struct pciem_bar *bar = &dev->bars[loc & PCI_MSIX_TABLE_BIR];

	off += loc & PCI_MSIX_TABLE_OFFSET;
	return page_address(bar->pages[off >> PAGE_SHIFT]) + offset_in_page(off);
}

static u32 *msix_entry(struct pciem_device *dev, unsigned int vec)
{
	return msix_mem(dev, PCI_MSIX_TABLE, vec * PCI_MSIX_ENTRY_SIZE);
}

/* The hwirq the kernel routed MSI-X vector @vec to; 0 (INTx's) if none. */
static unsigned long msix_route(struct pciem_irq *irq, unsigned int vec)
{
	return vec < ARRAY_SIZE(irq->msix_route) ? irq->msix_route[vec] : 0;
}

static unsigned long *msix_pba_word(struct pciem_device *dev,
				    unsigned int vec)
{
	return msix_mem(dev, PCI_MSIX_PBA, vec / 64 * 8);
}

/* A hwirq the driver set up and has a handler for. */
static bool hwirq_live(struct pciem_irq *irq, unsigned long hwirq)
{
	unsigned int virq;

	if (hwirq >= PCIEM_NR_HWIRQ || hwirq == HWIRQ_INTX ||
	    !test_bit(hwirq, irq->hwirqs))
		return false;
	virq = irq_find_mapping(irq->parent, hwirq);
	return virq && irq_has_action(virq);
}

enum inject_result { INJECT_DELIVER, INJECT_PENDING };

/* Caller holds the config lock.  Returns an inject_result or -errno. */
static int inject_msix(struct pciem_device *dev, unsigned int vec,
		       unsigned long *hwirq)
{
	struct pciem_config *cfg = pciem_irq_cfg(&dev->irq);
	u16 ctrl = pciem_cfg16(cfg, cfg->msix_offset + PCI_MSIX_FLAGS);
	unsigned int nvec = (ctrl & PCI_MSIX_FLAGS_QSIZE) + 1;
	u32 *entry;

	if (vec >= nvec) {
		pciem_user_err("INJECT_IRQ: vector %u out of range, MSI-X has %u",
			       vec, nvec);
		return -EINVAL;
	}
	entry = msix_entry(dev, vec);
	*hwirq = msix_route(&dev->irq, vec);
	if (READ_ONCE(entry[PCI_MSIX_ENTRY_LOWER_ADDR / 4]) !=
	    PCIEM_MSI_ADDRESS || !hwirq_live(&dev->irq, *hwirq)) {
		pciem_user_err("INJECT_IRQ: %s: MSI-X vector %u is not set up by a driver",
			       dev->name, vec);
		return -ENXIO;
	}
	if ((ctrl & PCI_MSIX_FLAGS_MASKALL) ||
	    (READ_ONCE(entry[PCI_MSIX_ENTRY_VECTOR_CTRL / 4]) &
	     PCI_MSIX_ENTRY_CTRL_MASKBIT)) {
		set_bit(vec % 64, msix_pba_word(dev, vec));
		return INJECT_PENDING;
	}
	return INJECT_DELIVER;
}

static int inject_msi(struct pciem_device *dev, unsigned int vec,
		      unsigned long *hwirq)
{
	struct pciem_config *cfg = pciem_irq_cfg(&dev->irq);
	u16 ctrl = pciem_cfg16(cfg, cfg->msi_offset + PCI_MSI_FLAGS);
	unsigned int offered = 1U << FIELD_GET(PCI_MSI_FLAGS_QMASK, ctrl);
	unsigned int enabled = 1U << FIELD_GET(PCI_MSI_FLAGS_QSIZE, ctrl);
	unsigned int data_off = msi_data_off(cfg);

	if (vec >= offered) {
		pciem_user_err("INJECT_IRQ: vector %u out of range, MSI offers %u",
			       vec, offered);
		return -EINVAL;
	}
	*hwirq = dev->irq.msi_route | vec;
	if (vec >= enabled || pciem_cfg32(cfg, cfg->msi_offset + PCI_MSI_ADDRESS_LO) !=
	    PCIEM_MSI_ADDRESS || !hwirq_live(&dev->irq, *hwirq)) {
		pciem_user_err("INJECT_IRQ: %s: MSI vector %u is not set up by a driver (%u enabled)",
			       dev->name, vec, enabled);
		return -ENXIO;
	}
	if ((ctrl & PCI_MSI_FLAGS_MASKBIT) &&
	    (pciem_cfg32(cfg, data_off + 4) & BIT(vec))) {
		cfg->data[data_off + 8 + vec / 8] |= BIT(vec % 8);
		return INJECT_PENDING;
	}
	return INJECT_DELIVER;
}

static int inject_intx(struct pciem_device *dev, unsigned int vec,
		       unsigned long *hwirq)
{
	struct pciem_config *cfg = pciem_irq_cfg(&dev->irq);

	if (vec) {
		pciem_user_err("INJECT_IRQ: vector %u, but MSI and MSI-X are off and INTx has only vector 0",
			       vec);
		return -EINVAL;
	}
	if (!irq_has_action(dev->irq.intx_virq)) {
		pciem_user_err("INJECT_IRQ: %s: no driver has enabled interrupts",
			       dev->name);
		return -ENXIO;
	}
	*hwirq = HWIRQ_INTX;
	if (pciem_cfg16(cfg, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE) {
		dev->irq.intx_pending = true;
		cfg->data[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
		return INJECT_PENDING;
	}
	return INJECT_DELIVER;
}

/**
 * pciem_irq_inject - raise interrupt vector @vec of a registered device
 * @dev: the device
 * @vec: MSI-X or MSI vector, or 0 for INTx, whichever the driver enabled
 *
 * Context: process.  Returns once the handler has run, or with the vector
 * left pending if it is masked.
 * Return: 0, -EINVAL for a vector the device does not have, -ENXIO for one
 * no driver has set up.
 */
int pciem_irq_inject(struct pciem_device *dev, unsigned int vec)
{
	struct pciem_config *cfg = pciem_irq_cfg(&dev->irq);
	unsigned long hwirq = 0, flags;
	int ret;

	mutex_lock(&dev->irq.inject_lock);
	raw_spin_lock_irqsave(&cfg->lock, flags);
	if (cfg->msix_offset &&
	    (pciem_cfg16(cfg, cfg->msix_offset + PCI_MSIX_FLAGS) &
	     PCI_MSIX_FLAGS_ENABLE))
		ret = inject_msix(dev, vec, &hwirq);
	else if (cfg->msi_offset &&
		 (pciem_cfg16(cfg, cfg->msi_offset + PCI_MSI_FLAGS) &
		  PCI_MSI_FLAGS_ENABLE))
		ret = inject_msi(dev, vec, &hwirq);
	else
		ret = inject_intx(dev, vec, &hwirq);
	raw_spin_unlock_irqrestore(&cfg->lock, flags);

	if (ret == INJECT_DELIVER) {
		atomic_long_set(&dev->irq.inject_hwirq, hwirq);
		irq_work_queue(&dev->irq.work);
		irq_work_sync(&dev->irq.work);
	}
	mutex_unlock(&dev->irq.inject_lock);
	return ret < 0 ? ret : 0;
}

/* Deliver what unmasking released.  Caller holds the config lock. */
static void release_msix_pending(struct pciem_device *dev, unsigned int first,
				 unsigned int count)
{
	struct pciem_config *cfg = pciem_irq_cfg(&dev->irq);
	u16 ctrl = pciem_cfg16(cfg, cfg->msix_offset + PCI_MSIX_FLAGS);
	unsigned int vec;

	if (!(ctrl & PCI_MSIX_FLAGS_ENABLE) || (ctrl & PCI_MSIX_FLAGS_MASKALL))
		return;
	for (vec = first; vec < first + count; vec++) {
		u32 *entry = msix_entry(dev, vec);

		if (!test_bit(vec % 64, msix_pba_word(dev, vec)) ||
		    (READ_ONCE(entry[PCI_MSIX_ENTRY_VECTOR_CTRL / 4]) &
		     PCI_MSIX_ENTRY_CTRL_MASKBIT))
			continue;
		clear_bit(vec % 64, msix_pba_word(dev, vec));
		if (hwirq_live(&dev->irq, msix_route(&dev->irq, vec)))
			deliver_later(&dev->irq, msix_route(&dev->irq, vec));
	}
}

/* MSI vectors whose mask bit is now clear and pending bit set. */
static void release_msi_pending(struct pciem_device *dev)
{
	struct pciem_config *cfg = pciem_irq_cfg(&dev->irq);
	u16 ctrl = pciem_cfg16(cfg, cfg->msi_offset + PCI_MSI_FLAGS);
	unsigned int data_off = msi_data_off(cfg);
	unsigned int enabled = 1U << FIELD_GET(PCI_MSI_FLAGS_QSIZE, ctrl);
	u32 pending, vec;

	if (!(ctrl & PCI_MSI_FLAGS_ENABLE) || !(ctrl & PCI_MSI_FLAGS_MASKBIT))
		return;
	pending = pciem_cfg32(cfg, data_off + 8) & ~pciem_cfg32(cfg, data_off + 4);
	for (vec = 0; vec < enabled; vec++) {
		if (!(pending & BIT(vec)))
			continue;
		cfg->data[data_off + 8 + vec / 8] &= ~BIT(vec % 8);
		if (hwirq_live(&dev->irq, dev->irq.msi_route | vec))
			deliver_later(&dev->irq, dev->irq.msi_route | vec);
	}
}

/**
 * pciem_irq_config_written - react to a driver's config write
 * @dev: the device
 * @where: offset written
 * @size: bytes written
 *
 * Context: config lock held (atomic).  Delivers interrupts left pending
 * by a mask the write just cleared.
 */
void pciem_irq_config_written(struct pciem_device *dev, int where, int size)
{
	struct pciem_config *cfg = pciem_irq_cfg(&dev->irq);

	if (pciem_touches(where, size, PCI_COMMAND, 2) && dev->irq.intx_pending &&
	    !(pciem_cfg16(cfg, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE)) {
		dev->irq.intx_pending = false;
		cfg->data[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
		deliver_later(&dev->irq, HWIRQ_INTX);
	}
	if (cfg->msi_offset && pciem_touches(where, size, cfg->msi_offset, 24))
		release_msi_pending(dev);
	if (cfg->msix_offset &&
	    pciem_touches(where, size, cfg->msix_offset + PCI_MSIX_FLAGS, 2))
		release_msix_pending(dev, 0,
				     (pciem_cfg16(cfg, cfg->msix_offset + PCI_MSIX_FLAGS) &
				      PCI_MSIX_FLAGS_QSIZE) + 1);
}

/* MSI-level unmask: the kernel cleared an MSI-X vector's mask bit. */
static void pciem_msi_unmask(struct irq_data *d)
{
	struct pciem_device *dev = irq_data_get_irq_chip_data(d);
	struct msi_desc *desc = irq_data_get_msi_desc(d);
	struct pciem_config *cfg = pciem_irq_cfg(&dev->irq);
	unsigned long flags;

	pci_msi_unmask_irq(d);
	if (!desc->pci.msi_attrib.is_msix)
		return;		/* MSI mask bits are config writes */
	raw_spin_lock_irqsave(&cfg->lock, flags);
	if (!cfg->removed)
		release_msix_pending(dev, desc->msi_index, 1);
	raw_spin_unlock_irqrestore(&cfg->lock, flags);
}

/*
 * The kernel writes an MSI or MSI-X message: remember where it routes
 * (the message data is the hwirq, see vec_compose_msi_msg()), then write
 * it to the device as the PCI core would.  Multi-message MSI has one data
 * register for the block; the route is the block's base.
 */
static void pciem_msi_write_msg(struct irq_data *d, struct msi_msg *msg)
{
	struct pciem_device *dev = irq_data_get_irq_chip_data(d);
	struct msi_desc *desc = irq_data_get_msi_desc(d);
	struct pciem_config *cfg = pciem_irq_cfg(&dev->irq);
	unsigned long hwirq = msg->data, flags;

	raw_spin_lock_irqsave(&cfg->lock, flags);
	if (hwirq >= PCIEM_NR_HWIRQ)
		hwirq = 0;
	if (!desc->pci.msi_attrib.is_msix)
		dev->irq.msi_route = hwirq &
				     ~((1UL << desc->pci.msi_attrib.multiple) - 1);
	else if (desc->msi_index < ARRAY_SIZE(dev->irq.msix_route))
		dev->irq.msix_route[desc->msi_index] = hwirq;
	raw_spin_unlock_irqrestore(&cfg->lock, flags);
	pci_write_msi_msg(d->irq, msg);
}

static struct irq_chip pciem_msi_chip = {
	.name = "PCIem-MSI",
	.irq_ack = irq_chip_ack_parent,
	.irq_mask = pci_msi_mask_irq,
	.irq_unmask = pciem_msi_unmask,
	.irq_write_msi_msg = pciem_msi_write_msg,
};

/**
 * pciem_irq_init - create a device's interrupt domains
 * @dev: device being registered, before its bus is scanned
 *
 * Sets host->sysdata.fwnode, by which the PCI core finds the MSI domain.
 */
int pciem_irq_init(struct pciem_device *dev)
{
	struct pciem_irq *irq = &dev->irq;
	int ret = -ENOMEM;

	irq->dev = dev;
	spin_lock_init(&irq->alloc_lock);
	mutex_init(&irq->inject_lock);
	atomic_long_set(&irq->inject_hwirq, -1);
	/*
	 * Hard: the work delivers interrupts, which must happen in hard-irq
	 * context even on PREEMPT_RT, where irq_work otherwise runs in a
	 * thread with interrupts on (and the irq core warns).
	 */
	irq->work = IRQ_WORK_INIT_HARD(pciem_irq_work);
	bitmap_zero(irq->hwirqs, PCIEM_NR_HWIRQ);
	/* A whole aligned block for INTx keeps MSI blocks aligned after it. */
	bitmap_set(irq->hwirqs, HWIRQ_INTX, 32);

	irq->parent_fwnode = irq_domain_alloc_named_id_fwnode("PCIem",
							      dev->domain);
	irq->msi_fwnode = irq_domain_alloc_named_id_fwnode("PCIem-MSI",
							   dev->domain);
	if (!irq->parent_fwnode || !irq->msi_fwnode)
		goto err;
	irq->parent = irq_domain_create_hierarchy(NULL, 0, PCIEM_NR_HWIRQ,
						  irq->parent_fwnode,
						  &pciem_vector_ops, irq);
	if (!irq->parent)
		goto err;
	irq->msi_info.flags = MSI_FLAG_USE_DEF_DOM_OPS |
			      MSI_FLAG_USE_DEF_CHIP_OPS |
			      MSI_FLAG_MULTI_PCI_MSI | MSI_FLAG_PCI_MSIX;
	irq->msi_info.chip = &pciem_msi_chip;
	irq->msi_info.chip_data = dev;
	irq->msi = pci_msi_create_irq_domain(irq->msi_fwnode, &irq->msi_info,
					     irq->parent);
	if (!irq->msi)
		goto err;
	irq->intx_virq = irq_domain_alloc_irqs(irq->parent, 1, NUMA_NO_NODE,
					       &pciem_intx_marker);
	if (irq->intx_virq <= 0) {
		ret = irq->intx_virq ? irq->intx_virq : -ENOSPC;
		irq->intx_virq = 0;
		goto err;
	}
	dev->host->sysdata.fwnode = irq->msi_fwnode;
	return 0;

err:
	pciem_irq_destroy(dev);
	return ret;
}

/* Context: process; after the device left the bus. */
void pciem_irq_destroy(struct pciem_device *dev)
{
	struct pciem_irq *irq = &dev->irq;

	irq_work_sync(&irq->work);
	if (irq->intx_virq)
		irq_dispose_mapping(irq->intx_virq);
	if (irq->msi)
		irq_domain_remove(irq->msi);
	if (irq->parent)
		irq_domain_remove(irq->parent);
	if (irq->msi_fwnode)
		irq_domain_free_fwnode(irq->msi_fwnode);
	if (irq->parent_fwnode)
		irq_domain_free_fwnode(irq->parent_fwnode);
	memset(irq, 0, sizeof(*irq));
}
