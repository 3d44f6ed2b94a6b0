// SPDX-License-Identifier: GPL-2.0
/*
 * One virtual host bridge per device, each with its own PCI domain
 * (PCIEM_DOMAIN_FIRST and up) and a single root bus holding the device at
 * 00.0.  Configuration accesses are answered from the emulated config space.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/idr.h>
#include <linux/pci.h>

#include "pciem_internal.h"

#define PCIEM_DOMAIN_LAST	(PCIEM_DOMAIN_FIRST + 0xffff)

static DEFINE_IDA(pciem_domains);

static struct pciem_host *bus_to_host(struct pci_bus *bus)
{
	return container_of(bus->sysdata, struct pciem_host, sysdata);
}

static int pciem_pci_read(struct pci_bus *bus, unsigned int devfn, int where,
			  int size, u32 *val)
{
	if (!pci_is_root_bus(bus) || devfn != 0) {
		PCI_SET_ERROR_RESPONSE(val);
		return PCIBIOS_DEVICE_NOT_FOUND;
	}
	pciem_config_read(&bus_to_host(bus)->cfg, where, size, val);
	return PCIBIOS_SUCCESSFUL;
}

static int pciem_pci_write(struct pci_bus *bus, unsigned int devfn, int where,
			   int size, u32 val)
{
	if (!pci_is_root_bus(bus) || devfn != 0)
		return PCIBIOS_DEVICE_NOT_FOUND;
	pciem_config_write(&bus_to_host(bus)->cfg, where, size, val);
	return PCIBIOS_SUCCESSFUL;
}

static struct pci_ops pciem_pci_ops = {
	.read = pciem_pci_read,
	.write = pciem_pci_write,
};

/*
 * What the PCI core does not give a device on a PCIem bus by itself, kept
 * right for every pci_dev it makes there, including after a sysfs remove
 * and rescan:
 *  - on add: the software IOMMU's dma_ops and the INTx interrupt (with no
 *    map_irq on the host bridge the PCI core keeps pdev->irq);
 *  - INTx is routed by PCIem, not by ACPI.  x86 leaves a device's irq
 *    alone on pci_enable_device() only while it is marked managed, but
 *    then looks for (and warns about) an ACPI route on
 *    pci_disable_device().  So the mark is set just before a driver binds
 *    and cleared just before it unbinds, around the driver's own enable
 *    and disable;
 *  - once a driver has unbound, the DMA mappings it left are revoked.
 * Context: process; the host's device is valid while the bus exists.
 */
static int pciem_bus_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);
	struct pciem_device *dev;

	if (pdev->bus->ops != &pciem_pci_ops)
		return NOTIFY_DONE;
	dev = container_of(pdev->bus->sysdata, struct pciem_host,
			   sysdata)->dev;
	switch (action) {
	case BUS_NOTIFY_ADD_DEVICE:
		pciem_iommu_attach(&dev->iommu, pdev);
		pdev->irq = dev->irq.intx_virq;
		break;
	case BUS_NOTIFY_BIND_DRIVER:
		pdev->irq_managed = 1;
		break;
	case BUS_NOTIFY_UNBIND_DRIVER:
		pdev->irq_managed = 0;
		break;
	case BUS_NOTIFY_UNBOUND_DRIVER:
		pciem_iommu_unbound(&dev->iommu, pdev);
		break;
	}
	return NOTIFY_OK;
}

static struct notifier_block pciem_bus_nb = {
	.notifier_call = pciem_bus_notify,
};

int pciem_bus_init(void)
{
	return bus_register_notifier(&pci_bus_type, &pciem_bus_nb);
}

void pciem_bus_exit(void)
{
	bus_unregister_notifier(&pci_bus_type, &pciem_bus_nb);
}

/*
 * The lowest free domain number.  Other drivers (VMD) also number their
 * domains from 0x10000, so domains that already have a bus are skipped.
 * Called under pci_lock_rescan_remove(), which serializes bus creation.
 */
static int pciem_domain_alloc(void)
{
	int nr;

	for (nr = PCIEM_DOMAIN_FIRST; nr <= PCIEM_DOMAIN_LAST; nr++) {
		if (pci_find_bus(nr, 0))
			continue;
		if (ida_alloc_range(&pciem_domains, nr, nr, GFP_KERNEL) == nr)
			return nr;
	}
	return -ENOSPC;
}

/* Driver binding runs outside REGISTER, so a probe that waits on the
 * device process cannot deadlock against the process's own ioctl.
 */
static void pciem_attach_work(struct work_struct *work)
{
	struct pciem_device *dev = container_of(work, struct pciem_device,
						attach_work);

	pci_lock_rescan_remove();
	if (!dev->removing)
		pci_bus_add_devices(dev->bridge->bus);
	pci_unlock_rescan_remove();
}

/* Context: under the device's lock, once the device is on its bus. */
void pciem_bus_attach(struct pciem_device *dev)
{
	dev->attach_queued = true;
	queue_work(system_unbound_wq, &dev->attach_work);
}

/**
 * pciem_bus_add - put a device on a new virtual root bus
 * @dev: device with its BAR windows allocated
 *
 * Enumerates the bus synchronously, so the device is in sysfs when
 * REGISTER returns; drivers bind shortly after, from a work item, or after
 * PCIEM_IOCTL_ATTACH with PCIEM_CREATE_DEFER_ATTACH.
 */
int pciem_bus_add(struct pciem_device *dev)
{
	struct pci_host_bridge *bridge;
	struct pciem_host *host;
	unsigned int i;
	int domain, ret;

	bridge = pci_alloc_host_bridge(sizeof(*host));
	if (!bridge)
		return -ENOMEM;
	host = pci_host_bridge_priv(bridge);

	pci_lock_rescan_remove();
	domain = pciem_domain_alloc();
	if (domain < 0) {
		ret = domain;
		pr_warn("no free PCI domain for a new device\n");
		goto err_unlock;
	}
	dev->domain = domain;
	dev->bridge = bridge;
	dev->host = host;
	host->dev = dev;
	host->sysdata.domain = domain;
	host->sysdata.node = NUMA_NO_NODE;
	snprintf(host->name, sizeof(host->name), "PCIem %04x", domain);
	snprintf(dev->name, sizeof(dev->name), "%04x:00:00.0", domain);
	host->busn.name = host->name;
	host->busn.start = 0;
	host->busn.end = 0;
	host->busn.flags = IORESOURCE_BUS;
	pci_add_resource(&bridge->windows, &host->busn);

	ret = pciem_bars_alloc(dev);
	if (ret)
		goto err_domain;
	for (i = 0; i < PCIEM_MAX_BARS; i++)
		if (dev->bars[i].size)
			pci_add_resource(&bridge->windows,
					 &dev->bars[i].window);
	pciem_config_build(&host->cfg, dev);
	ret = pciem_iommu_init(&dev->iommu);
	if (ret)
		goto err_bars;
	ret = pciem_irq_init(dev);
	if (ret)
		goto err_iommu;

	bridge->sysdata = &host->sysdata;
	bridge->ops = &pciem_pci_ops;
	bridge->busnr = 0;

	ret = pci_scan_root_bus_bridge(bridge);
	if (ret) {
		pr_err("%04x: scanning the new root bus failed: %d\n", domain,
		       ret);
		goto err_irq;
	}
	pci_bus_claim_resources(bridge->bus);
	dev->pdev = pci_get_slot(bridge->bus, PCI_DEVFN(0, 0));
	if (!dev->pdev) {
		pr_err("%04x: device not found on its bus\n", domain);
		ret = -ENODEV;
		goto err_bus;
	}
	for (i = 0; i < PCIEM_MAX_BARS; i++)
		if (dev->bars[i].size)
			pciem_intercept_add(&dev->bars[i]);
	ret = pciem_intercept_check(dev);
	if (ret)
		goto err_intercept;
	INIT_WORK(&dev->attach_work, pciem_attach_work);
	pci_unlock_rescan_remove();

	if (!(dev->flags & PCIEM_CREATE_DEFER_ATTACH))
		pciem_bus_attach(dev);
	pci_info(dev->pdev, "PCIem device %04x:%04x registered\n",
		 dev->config.vendor_id, dev->config.device_id);
	return 0;

err_intercept:
	for (i = 0; i < PCIEM_MAX_BARS; i++)
		if (dev->bars[i].size)
			pciem_intercept_remove(&dev->bars[i]);
	pciem_fault_sync();
	pci_dev_put(dev->pdev);
	dev->pdev = NULL;
err_bus:
	pci_stop_root_bus(bridge->bus);
	pci_remove_root_bus(bridge->bus);
	pciem_config_mark_removed(&host->cfg);
err_irq:
	pciem_irq_destroy(dev);
err_iommu:
	pciem_iommu_destroy(&dev->iommu, NULL);
err_bars:
	pciem_bars_free(dev);
err_domain:
	ida_free(&pciem_domains, domain);
err_unlock:
	pci_unlock_rescan_remove();
	dev->bridge = NULL;
	dev->host = NULL;
	pci_free_host_bridge(bridge);
	return ret;
}

/**
 * pciem_bus_remove - hot-remove a registered device
 * @dev: device whose last file reference is gone
 *
 * The driver's remove() runs here, on a device that already reads as
 * surprise-removed; afterwards nothing of the device is reachable but the
 * bridge's config space, which reads all-ones.
 */
void pciem_bus_remove(struct pciem_device *dev)
{
	struct pci_bus *bus = dev->bridge->bus;
	struct pci_dev *pdev;
	unsigned int i;

	pci_lock_rescan_remove();
	dev->removing = true;
	pci_unlock_rescan_remove();
	cancel_work_sync(&dev->attach_work);

	pci_info(dev->pdev, "removing PCIem device\n");

	/*
	 * The device is gone before its driver hears of it, as after a
	 * surprise removal: config space reads all-ones and the PCI core
	 * reports the function disconnected, so a remove() that checks
	 * (pci_device_is_present(), pci_channel_offline()) does not wait
	 * for answers from a device process that has stopped serving it.
	 * A plain store, as the PCI core's readers take no lock for it.
	 */
	pciem_config_mark_removed(&dev->host->cfg);
	pci_lock_rescan_remove();
	list_for_each_entry(pdev, &bus->devices, bus_list)
		WRITE_ONCE(pdev->error_state, pci_channel_io_perm_failure);
	pci_stop_root_bus(bus);
	pci_remove_root_bus(bus);
	pci_unlock_rescan_remove();
	pciem_iommu_destroy(&dev->iommu, dev->pdev);
	pci_dev_put(dev->pdev);
	dev->pdev = NULL;
	pciem_irq_destroy(dev);

	for (i = 0; i < PCIEM_MAX_BARS; i++)
		if (dev->bars[i].size)
			pciem_intercept_remove(&dev->bars[i]);
	pciem_fault_sync();	/* no fault handler still uses a BAR */
	pciem_bars_free(dev);
	ida_free(&pciem_domains, dev->domain);
	pci_free_host_bridge(dev->bridge);
	dev->bridge = NULL;
	dev->host = NULL;
}
