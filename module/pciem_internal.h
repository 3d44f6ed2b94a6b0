/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCIem internals shared between the module's files.
 *
 * Object model: every open of /dev/pciem makes one struct pciem_device
 * (kref'd).  The control file and the instance file returned by REGISTER
 * each hold a reference; so do user mappings through those files.  When the
 * last reference goes the device is removed from the PCI bus and freed, in
 * process context (file release).
 */
#ifndef PCIEM_INTERNAL_H
#define PCIEM_INTERNAL_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "pciem.h"

#define PCIEM_DOMAIN_FIRST	0x10000
#define PCIEM_MAX_CAPS		4

enum pciem_state {
	PCIEM_NEW,		/* opened, CREATE_DEVICE not yet called */
	PCIEM_BUILDING,		/* between CREATE_DEVICE and REGISTER */
	PCIEM_REGISTERED,	/* on the PCI bus */
};

struct pciem_device;

/* A kernel mapping of (part of) a BAR that points at the backing pages. */
struct pciem_mapping {
	struct list_head node;		/* in pciem_bar.mappings */
	unsigned long map_va;		/* page-aligned start of the whole mapping */
	unsigned long va;		/* where this BAR's part of it starts */
	unsigned long npages;		/* pages of this BAR it covers */
	unsigned long first;		/* index of the first covered BAR page */
};

struct pciem_bar {
	u64 size;			/* 0: not present */
	u32 flags;			/* PCI_BASE_ADDRESS_* as added */
	bool upper_half;		/* index holds the top of a 64-bit BAR */
	unsigned int index;
	struct pciem_device *dev;
	struct resource window;		/* bus address range (REGISTER) */
	struct page **pages;		/* backing memory, size >> PAGE_SHIFT */
	unsigned long npages;
	/* Interception state: protected by the global intercept lock. */
	struct list_head range_node;	/* in the global list of BAR ranges */
	struct list_head mappings;	/* struct pciem_mapping */
};

struct pciem_cap {
	u8 type;			/* PCIEM_CAP_* */
	u8 offset;			/* in config space, set at REGISTER */
	union {
		struct pciem_cap_msi_userspace msi;
		struct pciem_cap_msix_userspace msix;
		struct pciem_cap_pm_userspace pm;
		struct pciem_cap_pcie_userspace pcie;
	} u;				/* payload as passed to ADD_CAPABILITY */
};

/*
 * Emulated configuration space.  The three arrays follow the usual
 * emulation scheme: data holds the values, a set bit in wmask is writable by
 * the driver, a set bit in w1cmask is cleared by writing 1.
 *
 * Locking: @lock (irq-safe) covers all of it; config accessors run under the
 * PCI core's pci_lock with interrupts off.
 */
struct pciem_config {
	spinlock_t lock;		/* see above */
	bool removed;			/* device gone: reads all-ones */
	u8 data[PCI_CFG_SPACE_EXP_SIZE];
	u8 wmask[PCI_CFG_SPACE_EXP_SIZE];
	u8 w1cmask[PCI_CFG_SPACE_EXP_SIZE];
	u8 reset_data[PCI_CFG_SPACE_EXP_SIZE];	/* data after a reset */
	u8 pm_offset;			/* 0 when the capability is absent */
	u8 msi_offset;
	u8 pcie_offset;
};

/*
 * Private part of the host bridge.  The PCI core casts bus->sysdata to
 * struct pci_sysdata on x86, so it comes first.  It lives as long as the
 * bridge device, which outlives every pci_dev on the bus, so config
 * accessors called through a stale pci_dev reference still find it.
 */
struct pciem_host {
	struct pci_sysdata sysdata;
	struct pciem_config cfg;
	struct resource busn;
	char name[24];			/* "PCIem DDDDD", resource name */
};

struct pciem_device {
	struct kref kref;
	struct mutex lock;		/* serializes the ioctls that build */
	enum pciem_state state;

	struct pciem_config_space config;
	bool config_set;
	struct pciem_bar bars[PCIEM_MAX_BARS];
	struct pciem_cap caps[PCIEM_MAX_CAPS];
	unsigned int ncaps;

	/* Set by REGISTER, constant afterwards. */
	int domain;
	char name[24];			/* "DDDDD:00:00.0" */
	struct pci_host_bridge *bridge;
	struct pciem_host *host;
	struct pci_dev *pdev;
	struct work_struct attach_work;
	bool removing;			/* under pci_lock_rescan_remove() */
};

/* device.c */
struct pciem_device *pciem_device_alloc(void);
void pciem_device_get(struct pciem_device *dev);
void pciem_device_put(struct pciem_device *dev);
long pciem_device_ioctl(struct pciem_device *dev, unsigned int cmd,
			void __user *arg);

/* main.c */
int pciem_install_instance_fd(struct pciem_device *dev, int fd);

/* config.c */
void pciem_config_build(struct pciem_config *cfg, struct pciem_device *dev);
void pciem_config_read(struct pciem_config *cfg, int where, int size, u32 *val);
void pciem_config_write(struct pciem_config *cfg, int where, int size, u32 val);
void pciem_config_mark_removed(struct pciem_config *cfg);

/* bus.c */
int pciem_bus_add(struct pciem_device *dev);
void pciem_bus_remove(struct pciem_device *dev);

/* bar.c */
int pciem_bars_alloc(struct pciem_device *dev);
void pciem_bars_free(struct pciem_device *dev);
int pciem_bar_mmap(struct pciem_device *dev, struct vm_area_struct *vma);

/* intercept.c: BAR ranges whose kernel mappings are redirected. */
int pciem_intercept_init(void);
void pciem_intercept_exit(void);
void pciem_intercept_add(struct pciem_bar *bar);
void pciem_intercept_remove(struct pciem_bar *bar);
bool pciem_intercept_wants(phys_addr_t phys, unsigned long size);
void pciem_intercept_mapped(phys_addr_t phys, unsigned long size,
			    unsigned long va);
void pciem_intercept_unmapped(unsigned long va);

/* Architecture hooks (x86/). */
int pciem_arch_hooks_init(void);
void pciem_arch_hooks_exit(void);
int pciem_arch_remap_page(unsigned long va, unsigned long pfn, pgprot_t prot);
void pciem_arch_flush_tlb(void);
phys_addr_t pciem_arch_max_phys(void);

/* Rate-limited report of a caller's mistake: one line, names the culprit. */
#define pciem_user_err(fmt, ...)					\
	pr_warn_ratelimited("%s[%d]: " fmt "\n", current->comm,	\
			    task_pid_nr(current), ##__VA_ARGS__)

#endif /* PCIEM_INTERNAL_H */
