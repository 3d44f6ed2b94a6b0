// SPDX-License-Identifier: GPL-2.0
/*
 * Device lifecycle and the ioctls that build one: CREATE_DEVICE, ADD_BAR,
 * ADD_CAPABILITY, SET_CONFIG, REGISTER, plus the queries.  Every refusal
 * returns the errno documented in docs/abi.md and logs one rate-limited
 * line naming the caller and the mistake.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "pciem_internal.h"

struct pciem_device *pciem_device_alloc(void)
{
	struct pciem_device *dev;
	unsigned int i;

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return NULL;
	if (pciem_ring_init(&dev->ring)) {
		kfree(dev);
		return NULL;
	}
	dev->ring.name = dev->name;	/* filled in by REGISTER */
	kref_init(&dev->kref);
	mutex_init(&dev->lock);
	pciem_sync_init(&dev->sync);
	INIT_LIST_HEAD(&dev->watchpoints);
	for (i = 0; i < PCIEM_MAX_BARS; i++) {
		dev->bars[i].index = i;
		dev->bars[i].dev = dev;
		INIT_LIST_HEAD(&dev->bars[i].mappings);
		INIT_LIST_HEAD(&dev->bars[i].watchpoints);
		dev->bars[i].regions = RB_ROOT;
	}
	return dev;
}

void pciem_device_get(struct pciem_device *dev)
{
	kref_get(&dev->kref);
}

/* Last reference: the device process closed everything or died. */
static void pciem_device_release(struct kref *kref)
{
	struct pciem_device *dev = container_of(kref, struct pciem_device,
						kref);
	unsigned int i;

	/* A driver blocked on the device must not block its own removal. */
	pciem_sync_kill(dev);
	pciem_ring_close(&dev->ring);
	if (dev->state == PCIEM_REGISTERED)
		pciem_bus_remove(dev);
	pciem_watchpoints_free(dev);
	for (i = 0; i < PCIEM_MAX_BARS; i++)
		pciem_regions_free(&dev->bars[i]);
	pciem_ring_destroy(&dev->ring);
	mutex_destroy(&dev->lock);
	kfree(dev);
}

/* Context: process; may sleep (removes the device from the bus). */
void pciem_device_put(struct pciem_device *dev)
{
	kref_put(&dev->kref, pciem_device_release);
}

static const char *const state_names[] = {
	[PCIEM_NEW] = "before CREATE_DEVICE",
	[PCIEM_BUILDING] = "while building",
	[PCIEM_REGISTERED] = "after REGISTER",
};

/* Calls that configure a device at any time after CREATE_DEVICE. */
static int require_created(struct pciem_device *dev, const char *what)
{
	if (dev->state != PCIEM_NEW)
		return 0;
	pciem_user_err("%s: not allowed %s", what, state_names[dev->state]);
	return -EBADFD;
}

/* Builder ioctls are valid only between CREATE_DEVICE and REGISTER. */
static int require_building(struct pciem_device *dev, const char *what)
{
	if (dev->state == PCIEM_BUILDING)
		return 0;
	pciem_user_err("%s: not allowed %s", what, state_names[dev->state]);
	return -EBADFD;
}

static int ioctl_create(struct pciem_device *dev, void __user *arg)
{
	struct pciem_create_device req;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (dev->state != PCIEM_NEW) {
		pciem_user_err("CREATE_DEVICE: this fd already has a device; open /dev/pciem again for another");
		return -EEXIST;
	}
	if (req.flags & ~PCIEM_CREATE_FLAGS) {
		pciem_user_err("CREATE_DEVICE: unknown flags 0x%x",
			       req.flags & ~PCIEM_CREATE_FLAGS);
		return -EINVAL;
	}
	if (req.mode != PCIEM_MODE_VIRTUAL_ROOT_BUS) {
		pciem_user_err("CREATE_DEVICE: unknown mode %u (only 0, virtual root bus)",
			       req.mode);
		return -EINVAL;
	}
	dev->flags = req.flags;
	dev->state = PCIEM_BUILDING;
	return 0;
}

static int ioctl_add_bar(struct pciem_device *dev, void __user *arg)
{
	const u32 known = PCI_BASE_ADDRESS_SPACE_IO |
			  PCI_BASE_ADDRESS_MEM_TYPE_MASK |
			  PCI_BASE_ADDRESS_MEM_PREFETCH;
	struct pciem_bar_config req;
	struct pciem_bar *bar;
	bool is64;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	ret = require_building(dev, "ADD_BAR");
	if (ret)
		return ret;
	if (req.reserved) {
		pciem_user_err("ADD_BAR: reserved field must be 0");
		return -EINVAL;
	}
	if (req.flags & PCI_BASE_ADDRESS_SPACE_IO) {
		pciem_user_err("ADD_BAR: BAR %u: I/O-port BARs are not supported, use a memory BAR",
			       req.bar_index);
		return -EOPNOTSUPP;
	}
	if (req.flags & ~known) {
		pciem_user_err("ADD_BAR: BAR %u: unknown flags 0x%x",
			       req.bar_index, req.flags & ~known);
		return -EINVAL;
	}
	if ((req.flags & PCI_BASE_ADDRESS_MEM_TYPE_MASK) ==
	    PCI_BASE_ADDRESS_MEM_TYPE_1M) {
		pciem_user_err("ADD_BAR: BAR %u: below-1M BARs are not supported",
			       req.bar_index);
		return -EINVAL;
	}
	is64 = req.flags & PCI_BASE_ADDRESS_MEM_TYPE_64;
	if (req.bar_index >= PCIEM_MAX_BARS ||
	    (is64 && req.bar_index == PCIEM_MAX_BARS - 1)) {
		pciem_user_err("ADD_BAR: BAR index %u out of range (0-%u%s)",
			       req.bar_index, PCIEM_MAX_BARS - (is64 ? 2 : 1),
			       is64 ? " for a 64-bit BAR" : "");
		return -EINVAL;
	}
	if (req.size < PCIEM_BAR_SIZE_MIN || req.size > PCIEM_BAR_SIZE_MAX ||
	    !is_power_of_2(req.size)) {
		pciem_user_err("ADD_BAR: BAR %u: size %llu must be a power of two from %llu to %llu",
			       req.bar_index, req.size, PCIEM_BAR_SIZE_MIN,
			       PCIEM_BAR_SIZE_MAX);
		return -EINVAL;
	}
	bar = &dev->bars[req.bar_index];
	if (bar->upper_half) {
		pciem_user_err("ADD_BAR: BAR %u is the upper half of 64-bit BAR %u",
			       req.bar_index, req.bar_index - 1);
		return -EBUSY;
	}
	if (bar->size) {
		pciem_user_err("ADD_BAR: BAR %u already added", req.bar_index);
		return -EBUSY;
	}
	if (is64 && dev->bars[req.bar_index + 1].size) {
		pciem_user_err("ADD_BAR: 64-bit BAR %u needs index %u, which is already used",
			       req.bar_index, req.bar_index + 1);
		return -EBUSY;
	}
	bar->size = req.size;
	bar->flags = req.flags;
	if (is64)
		dev->bars[req.bar_index + 1].upper_half = true;
	return 0;
}

static bool msix_region_ok(const struct pciem_bar *bar, u32 off, u64 len)
{
	return IS_ALIGNED(off, 8) && off + len <= bar->size;
}

static int check_msix(struct pciem_device *dev,
		      const struct pciem_cap_msix_userspace *msix)
{
	u64 table_len, pba_len;
	struct pciem_bar *bar;

	if (msix->reserved[0] || msix->reserved[1] || msix->reserved[2] ||
	    msix->reserved2) {
		pciem_user_err("ADD_CAPABILITY: MSI-X reserved fields must be 0");
		return -EINVAL;
	}
	if (msix->table_size < 1 || msix->table_size > PCI_MSIX_FLAGS_QSIZE + 1) {
		pciem_user_err("ADD_CAPABILITY: MSI-X table_size %u not in 1-2048",
			       msix->table_size);
		return -EINVAL;
	}
	if (msix->bar_index >= PCIEM_MAX_BARS ||
	    !dev->bars[msix->bar_index].size) {
		pciem_user_err("ADD_CAPABILITY: MSI-X is in BAR %u, which has not been added",
			       msix->bar_index);
		return -EINVAL;
	}
	bar = &dev->bars[msix->bar_index];
	table_len = (u64)msix->table_size * PCI_MSIX_ENTRY_SIZE;
	pba_len = DIV_ROUND_UP(msix->table_size, 64) * 8;
	if (!msix_region_ok(bar, msix->table_offset, table_len) ||
	    !msix_region_ok(bar, msix->pba_offset, pba_len)) {
		pciem_user_err("ADD_CAPABILITY: MSI-X table (0x%x, %llu bytes) or PBA (0x%x, %llu bytes) not 8-byte aligned inside BAR %u (%llu bytes)",
			       msix->table_offset, table_len, msix->pba_offset,
			       pba_len, msix->bar_index, bar->size);
		return -EINVAL;
	}
	if (msix->table_offset < msix->pba_offset + pba_len &&
	    msix->pba_offset < msix->table_offset + table_len) {
		pciem_user_err("ADD_CAPABILITY: MSI-X table and PBA overlap");
		return -EINVAL;
	}
	return 0;
}

static int check_cap(struct pciem_device *dev, struct pciem_cap *cap)
{
	switch (cap->type) {
	case PCIEM_CAP_MSI:
		if (cap->u.msi.num_vectors_log2 > 5 || cap->u.msi.has_64bit > 1 ||
		    cap->u.msi.has_masking > 1 || cap->u.msi.reserved) {
			pciem_user_err("ADD_CAPABILITY: MSI needs num_vectors_log2 0-5, flags 0/1, reserved 0");
			return -EINVAL;
		}
		return 0;
	case PCIEM_CAP_MSIX:
		return check_msix(dev, &cap->u.msix);
	case PCIEM_CAP_PM:
		if (cap->u.pm.d1_support > 1 || cap->u.pm.d2_support > 1 ||
		    cap->u.pm.pme_support > 0x1f || cap->u.pm.no_soft_reset > 1) {
			pciem_user_err("ADD_CAPABILITY: PM needs flags 0/1 and pme_support 0-0x1f");
			return -EINVAL;
		}
		return 0;
	case PCIEM_CAP_PCIE:
		if ((cap->u.pcie.port_type != PCI_EXP_TYPE_ENDPOINT &&
		     cap->u.pcie.port_type != PCI_EXP_TYPE_LEG_END &&
		     cap->u.pcie.port_type != PCI_EXP_TYPE_RC_END) ||
		    cap->u.pcie.max_payload > 5 || cap->u.pcie.link_speed > 5 ||
		    cap->u.pcie.flr > 1 || cap->u.pcie.reserved[0] ||
		    cap->u.pcie.reserved[1] || cap->u.pcie.reserved[2]) {
			pciem_user_err("ADD_CAPABILITY: PCIe needs port_type 0, 1 or 9, max_payload 0-5, link_speed 0-5, flr 0/1, reserved 0");
			return -EINVAL;
		}
		switch (cap->u.pcie.link_width) {
		case 0: case 1: case 2: case 4: case 8: case 12: case 16:
		case 32:
			return 0;
		}
		pciem_user_err("ADD_CAPABILITY: PCIe link_width %u is not 1, 2, 4, 8, 12, 16 or 32",
			       cap->u.pcie.link_width);
		return -EINVAL;
	}
	return -EINVAL;
}

static size_t cap_payload_size(u32 type)
{
	switch (type) {
	case PCIEM_CAP_MSI:
		return sizeof(struct pciem_cap_msi_userspace);
	case PCIEM_CAP_MSIX:
		return sizeof(struct pciem_cap_msix_userspace);
	case PCIEM_CAP_PM:
		return sizeof(struct pciem_cap_pm_userspace);
	case PCIEM_CAP_PCIE:
		return sizeof(struct pciem_cap_pcie_userspace);
	}
	return 0;
}

static int ioctl_add_cap(struct pciem_device *dev, void __user *arg)
{
	struct pciem_cap_config *req;
	struct pciem_cap *cap;
	unsigned int i;
	size_t want;
	int ret;

	req = memdup_user(arg, sizeof(*req));
	if (IS_ERR(req))
		return PTR_ERR(req);
	ret = require_building(dev, "ADD_CAPABILITY");
	if (ret)
		goto out;
	want = cap_payload_size(req->cap_type);
	if (!want) {
		pciem_user_err("ADD_CAPABILITY: unknown cap_type 0x%x (PM 0x1, MSI 0x5, PCIe 0x10, MSI-X 0x11)",
			       req->cap_type);
		ret = -EINVAL;
		goto out;
	}
	if (req->cap_size > sizeof(req->cap_data)) {
		pciem_user_err("ADD_CAPABILITY: cap_size %u exceeds %zu",
			       req->cap_size, sizeof(req->cap_data));
		ret = -E2BIG;
		goto out;
	}
	if (req->cap_size != want) {
		pciem_user_err("ADD_CAPABILITY: cap_size %u, expected %zu for cap_type 0x%x",
			       req->cap_size, want, req->cap_type);
		ret = -EINVAL;
		goto out;
	}
	for (i = 0; i < dev->ncaps; i++) {
		if (dev->caps[i].type == req->cap_type) {
			pciem_user_err("ADD_CAPABILITY: cap_type 0x%x already added",
				       req->cap_type);
			ret = -EEXIST;
			goto out;
		}
	}
	/* One of each of the four types, so there is always a slot left. */
	cap = &dev->caps[dev->ncaps];
	memset(cap, 0, sizeof(*cap));
	cap->type = req->cap_type;
	memcpy(&cap->u, req->cap_data, want);
	ret = check_cap(dev, cap);
	if (!ret)
		dev->ncaps++;
out:
	kfree(req);
	return ret;
}

static int ioctl_set_config(struct pciem_device *dev, void __user *arg)
{
	struct pciem_config_space req;
	unsigned int i;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	ret = require_building(dev, "SET_CONFIG");
	if (ret)
		return ret;
	for (i = 0; i < ARRAY_SIZE(req.reserved); i++) {
		if (req.reserved[i]) {
			pciem_user_err("SET_CONFIG: reserved bytes must be 0");
			return -EINVAL;
		}
	}
	if (req.header_type) {
		pciem_user_err("SET_CONFIG: header_type 0x%x; only 0 (single-function type-0 header) is supported",
			       req.header_type);
		return -EINVAL;
	}
	if (req.vendor_id == 0 || req.vendor_id == 0xffff) {
		pciem_user_err("SET_CONFIG: vendor_id 0x%04x means \"no device\"",
			       req.vendor_id);
		return -EINVAL;
	}
	/* The PCI core would wait up to a minute for the device to get ready. */
	if (req.vendor_id == 0x0001) {
		pciem_user_err("SET_CONFIG: vendor_id 0x0001 is the Configuration Request Retry Status answer (\"not ready yet\"), not a vendor");
		return -EINVAL;
	}
	dev->config = req;
	dev->config_set = true;
	return 0;
}

/* Checks that need the whole description (capabilities may precede BARs). */
static int check_complete(struct pciem_device *dev)
{
	unsigned int i;

	if (!dev->config_set) {
		pciem_user_err("REGISTER: SET_CONFIG has not been called");
		return -EBADFD;
	}
	for (i = 0; i < dev->ncaps; i++)
		if (dev->caps[i].type == PCIEM_CAP_MSIX &&
		    check_msix(dev, &dev->caps[i].u.msix))
			return -EINVAL;
	return 0;
}

static int ioctl_register(struct pciem_device *dev)
{
	struct file *file;
	int ret, fd;

	ret = require_building(dev, "REGISTER");
	if (ret)
		return ret;
	ret = check_complete(dev);
	if (ret)
		return ret;
	/* Everything that can fail before the device goes on the bus. */
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		return fd;
	file = pciem_instance_file(dev);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		return PTR_ERR(file);
	}
	ret = pciem_bus_add(dev);
	if (ret) {
		fput(file);	/* drops the file's reference on @dev */
		put_unused_fd(fd);
		return ret;
	}
	WRITE_ONCE(dev->state, PCIEM_REGISTERED);
	fd_install(fd, file);
	return fd;
}

static int ioctl_get_bar_info(struct pciem_device *dev, void __user *arg)
{
	struct pciem_bar_info_query req;
	struct pciem_bar *bar;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.bar_index >= PCIEM_MAX_BARS) {
		pciem_user_err("GET_BAR_INFO: BAR index %u out of range",
			       req.bar_index);
		return -EINVAL;
	}
	bar = &dev->bars[req.bar_index];
	if (!bar->size) {
		pciem_user_err("GET_BAR_INFO: the device has no BAR %u",
			       req.bar_index);
		return -ENOENT;
	}
	req.phys_addr = dev->state == PCIEM_REGISTERED ? bar->window.start : 0;
	req.size = bar->size;
	req.flags = bar->flags;
	return copy_to_user(arg, &req, sizeof(req)) ? -EFAULT : 0;
}

/*
 * Run-time calls need a device on the bus.  Also called without @dev->lock
 * (RESPOND, DMA): the state only ever moves forward to REGISTERED.
 */
int pciem_require_registered(struct pciem_device *dev, const char *what)
{
	enum pciem_state state = READ_ONCE(dev->state);

	if (state == PCIEM_REGISTERED)
		return 0;
	pciem_user_err("%s: not allowed %s", what, state_names[state]);
	return -EBADFD;
}

static int ioctl_inject_irq(struct pciem_device *dev, void __user *arg)
{
	struct pciem_irq_inject req;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	ret = pciem_require_registered(dev, "INJECT_IRQ");
	if (ret)
		return ret;
	if (req.reserved) {
		pciem_user_err("INJECT_IRQ: reserved field must be 0");
		return -EINVAL;
	}
	return pciem_irq_inject(dev, req.vector);
}

static int ioctl_set_eventfd(struct pciem_device *dev, void __user *arg)
{
	struct pciem_eventfd_config req;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	if (req.reserved) {
		pciem_user_err("SET_EVENTFD: reserved field must be 0");
		return -EINVAL;
	}
	return pciem_ring_set_eventfd(&dev->ring, req.eventfd);
}

static int ioctl_set_watchpoint(struct pciem_device *dev, void __user *arg)
{
	struct pciem_watchpoint_config req;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	ret = require_created(dev, "SET_WATCHPOINT");
	if (ret)
		return ret;
	return pciem_watchpoint_add(dev, &req);
}

static int ioctl_add_region(struct pciem_device *dev, void __user *arg)
{
	struct pciem_region_config req;
	int ret;

	if (copy_from_user(&req, arg, sizeof(req)))
		return -EFAULT;
	ret = require_created(dev, "ADD_REGION");
	if (ret)
		return ret;
	return pciem_region_add(dev, &req);
}

static int ioctl_clear_regions(struct pciem_device *dev, void __user *arg)
{
	u32 index;
	int ret;

	if (copy_from_user(&index, arg, sizeof(index)))
		return -EFAULT;
	ret = require_created(dev, "CLEAR_REGIONS");
	if (ret)
		return ret;
	return pciem_region_clear(dev, index);
}

static int ioctl_respond(struct pciem_device *dev, void __user *arg)
{
	struct pciem_response rsp;
	int ret;

	if (copy_from_user(&rsp, arg, sizeof(rsp)))
		return -EFAULT;
	ret = pciem_require_registered(dev, "RESPOND");
	if (ret)
		return ret;
	return pciem_sync_respond(dev, &rsp);
}

static int ioctl_attach(struct pciem_device *dev)
{
	int ret = pciem_require_registered(dev, "ATTACH");

	if (ret)
		return ret;
	if (!(dev->flags & PCIEM_CREATE_DEFER_ATTACH)) {
		pciem_user_err("ATTACH: the device was not created with PCIEM_CREATE_DEFER_ATTACH");
		return -EINVAL;
	}
	if (dev->attach_queued) {
		pciem_user_err("ATTACH: drivers may already bind");
		return -EBUSY;
	}
	pciem_bus_attach(dev);
	return 0;
}

static int ioctl_get_device_info(struct pciem_device *dev, void __user *arg)
{
	struct pciem_device_info info = {};

	int ret = pciem_require_registered(dev, "GET_DEVICE_INFO");

	if (ret)
		return ret;
	info.domain = dev->domain;
	info.bus = 0;
	info.devfn = PCI_DEVFN(0, 0);
	strscpy(info.name, dev->name, sizeof(info.name));
	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

/**
 * pciem_device_ioctl - the ioctls of the control and instance fds
 * @dev: the fd's device
 * @cmd: ioctl number
 * @arg: user pointer
 *
 * Context: process; takes @dev->lock.  The caller checked CAP_SYS_ADMIN.
 */
long pciem_device_ioctl(struct pciem_device *dev, unsigned int cmd,
			void __user *arg)
{
	long ret;

	mutex_lock(&dev->lock);
	switch (cmd) {
	case PCIEM_IOCTL_CREATE_DEVICE:
		ret = ioctl_create(dev, arg);
		break;
	case PCIEM_IOCTL_ADD_BAR:
		ret = ioctl_add_bar(dev, arg);
		break;
	case PCIEM_IOCTL_ADD_CAPABILITY:
		ret = ioctl_add_cap(dev, arg);
		break;
	case PCIEM_IOCTL_SET_CONFIG:
		ret = ioctl_set_config(dev, arg);
		break;
	case PCIEM_IOCTL_REGISTER:
		ret = ioctl_register(dev);
		break;
	case PCIEM_IOCTL_GET_BAR_INFO:
		ret = ioctl_get_bar_info(dev, arg);
		break;
	case PCIEM_IOCTL_GET_DEVICE_INFO:
		ret = ioctl_get_device_info(dev, arg);
		break;
	case PCIEM_IOCTL_INJECT_IRQ:
		ret = ioctl_inject_irq(dev, arg);
		break;
	case PCIEM_IOCTL_SET_EVENTFD:
		ret = ioctl_set_eventfd(dev, arg);
		break;
	case PCIEM_IOCTL_SET_WATCHPOINT:
		ret = ioctl_set_watchpoint(dev, arg);
		break;
	case PCIEM_IOCTL_ADD_REGION:
		ret = ioctl_add_region(dev, arg);
		break;
	case PCIEM_IOCTL_CLEAR_REGIONS:
		ret = ioctl_clear_regions(dev, arg);
		break;
	case PCIEM_IOCTL_ATTACH:
		ret = ioctl_attach(dev);
		break;
	case PCIEM_IOCTL_RESPOND:
		/* Not under dev->lock: a RESPOND must never wait for a builder. */
		mutex_unlock(&dev->lock);
		return ioctl_respond(dev, arg);
	/* Nor DMA: long transfers must not hold up the other ioctls. */
	case PCIEM_IOCTL_DMA:
		mutex_unlock(&dev->lock);
		return pciem_dma_ioctl(dev, arg);
	case PCIEM_IOCTL_DMA_SG:
		mutex_unlock(&dev->lock);
		return pciem_dma_sg_ioctl(dev, arg);
	case PCIEM_IOCTL_DMA_ATOMIC:
		mutex_unlock(&dev->lock);
		return pciem_dma_atomic_ioctl(dev, arg);
	case PCIEM_IOCTL_P2P:
		mutex_unlock(&dev->lock);
		return pciem_p2p_ioctl(dev, arg);
	default:
		pciem_user_err("unknown ioctl 0x%x", cmd);
		ret = -ENOTTY;
		break;
	}
	mutex_unlock(&dev->lock);
	return ret;
}
