// SPDX-License-Identifier: GPL-2.0
/*
 * PCIem: PCIe devices made of software.
 *
 * /dev/pciem: each open builds one device through ioctls; REGISTER puts it
 * on a virtual PCI bus and returns the instance fd, whose mmap() reaches the
 * BARs.  The device lives while either fd (or a mapping through it) does.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "pciem_internal.h"

/*
 * A device can DMA and its BARs and ring steer a driver, so every use of
 * its files needs the capability, not only opening /dev/pciem: an fd
 * handed to an unprivileged process is useless there.
 */
static bool pciem_capable(const char *what, unsigned int cmd)
{
	if (capable(CAP_SYS_ADMIN))
		return true;
	pciem_user_err("%s 0x%x needs CAP_SYS_ADMIN", what, cmd);
	return false;
}

static long pciem_ioctl(struct file *file, unsigned int cmd,
			unsigned long arg)
{
	if (!pciem_capable("ioctl", cmd))
		return -EPERM;
	return pciem_device_ioctl(file->private_data, cmd,
				  (void __user *)arg);
}

static int pciem_instance_release(struct inode *inode, struct file *file)
{
	pciem_device_put(file->private_data);
	return 0;
}

static int pciem_instance_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (!pciem_capable("mmap of BARs at page offset", (u32)vma->vm_pgoff))
		return -EPERM;
	return pciem_bar_mmap(file->private_data, vma);
}

static const struct file_operations pciem_instance_fops = {
	.owner = THIS_MODULE,
	.release = pciem_instance_release,
	.unlocked_ioctl = pciem_ioctl,
	.mmap = pciem_instance_mmap,
	.llseek = noop_llseek,
};

/**
 * pciem_instance_file - make the instance file of a device being registered
 * @dev: the device; the file holds a reference on it
 *
 * Return: the file, not yet installed in any fd table, or an ERR_PTR.
 */
struct file *pciem_instance_file(struct pciem_device *dev)
{
	struct file *file;

	pciem_device_get(dev);
	file = anon_inode_getfile("[pciem-instance]", &pciem_instance_fops,
				  dev, O_RDWR);
	if (IS_ERR(file))
		pciem_device_put(dev);
	return file;
}

static int pciem_open(struct inode *inode, struct file *file)
{
	struct pciem_device *dev;

	dev = pciem_device_alloc();
	if (!dev)
		return -ENOMEM;
	file->private_data = dev;
	return nonseekable_open(inode, file);
}

static int pciem_release(struct inode *inode, struct file *file)
{
	pciem_device_put(file->private_data);
	return 0;
}

static int pciem_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct pciem_device *dev = file->private_data;

	if (!pciem_capable("mmap of the ring at page offset", (u32)vma->vm_pgoff))
		return -EPERM;
	return pciem_ring_mmap(&dev->ring, vma);
}

static const struct file_operations pciem_fops = {
	.owner = THIS_MODULE,
	.open = pciem_open,
	.release = pciem_release,
	.unlocked_ioctl = pciem_ioctl,
	.mmap = pciem_mmap,
};

static struct miscdevice pciem_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "pciem",
	.fops = &pciem_fops,
	.mode = 0600,
};

static int __init pciem_init(void)
{
	int ret;

	ret = pciem_intercept_init();
	if (ret)
		return ret;
	ret = pciem_arch_hooks_init();
	if (ret)
		goto err_intercept;
	ret = pciem_bus_init();
	if (ret)
		goto err_hooks;
	ret = misc_register(&pciem_misc);
	if (ret)
		goto err_bus;
	if (pciem_dma_passthrough())
		pr_warn("dma_passthrough is on: devices reach all RAM by physical address, unchecked\n");
	return 0;

err_bus:
	pciem_bus_exit();
err_hooks:
	pciem_arch_hooks_exit();
err_intercept:
	pciem_intercept_exit();
	return ret;
}

/* Open files pin the module, so no device exists here. */
static void __exit pciem_exit(void)
{
	misc_deregister(&pciem_misc);
	pciem_bus_exit();
	pciem_arch_hooks_exit();
	pciem_intercept_exit();
}

module_init(pciem_init);
module_exit(pciem_exit);

MODULE_DESCRIPTION("PCIe devices emulated in user space on a virtual PCI bus");
MODULE_AUTHOR("The PCIem developers");
MODULE_LICENSE("GPL");
