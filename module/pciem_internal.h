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

#include <linux/dma-direction.h>
#include <linux/irq_work.h>
#include <linux/irqdomain.h>
#include <linux/msi.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rbtree.h>
#include <linux/smp.h>
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

#define PCIEM_STAGE_SIZE	128	/* per-CPU staging slots (NMI events) */

/* Events posted from NMI-like context on one CPU, see ring.c. */
struct pciem_stage {
	u32 head;			/* free-running; drained on this CPU */
	u32 tail;			/* free-running; written by the producer */
	struct pciem_event ev[PCIEM_STAGE_SIZE];
};

/* Bit of pciem_ring.kick_flags: a CPU owns @kick until its IPI has run. */
#define RING_KICK_BUSY	0

struct pciem_ring {
	struct pciem_shared_ring *shared;	/* vmalloc_user, mapped by the process */
	raw_spinlock_t lock;		/* everything below but @stage contents */
	u32 tail;			/* the kernel's own copy */
	u64 next_seq;
	u64 lost;			/* lost since the last posted event */
	u64 first_lost_seq;
	u64 dropped;			/* lost in total, mirrored to the header */
	atomic64_t stage_lost;		/* lost by staging, not yet numbered */
	struct pciem_stage __percpu *stage;
	struct eventfd_ctx *eventfd;
	struct irq_work work;		/* drains staging, signals the eventfd */
	struct irq_work kick_work;	/* the same, queued by @kick only */
	call_single_data_t kick;	/* queues @kick_work on another CPU */
	unsigned long kick_flags;	/* RING_KICK_BUSY: @kick is in use */
	bool closing;			/* the device is going: nobody waits */
	bool stalled;			/* a wait timed out; none until room */
	const char *name;		/* the device's, for messages */
};

/* Reads waiting for the process's answer (sync.c). */
struct pciem_sync {
	raw_spinlock_t lock;		/* @pending and each waiter's answer */
	struct list_head pending;
	wait_queue_head_t wq;
	bool dead;			/* device going: waiters give up */
	bool reported;			/* a timeout was logged */
};

/* Events of an emulated access, posted once the intercept lock is dropped. */
#define PCIEM_TRAP_BATCH	16	/* lives on the faulting stack */
struct pciem_trap_batch {
	unsigned int n;
	struct {
		struct pciem_ring *ring;
		struct pciem_event ev;
	} e[PCIEM_TRAP_BATCH];
};

#define PCIEM_TRAP_SYNC		1	/* pciem_trap_read(): ask the process */

/* A kernel mapping of (part of) a BAR that points at the backing pages. */
struct pciem_mapping {
	struct list_head node;		/* in pciem_bar.mappings (RCU) */
	struct rcu_head rcu;
	unsigned long map_va;		/* page-aligned start of the whole mapping */
	unsigned long va;		/* where this BAR's part of it starts */
	unsigned long npages;		/* pages of this BAR it covers */
	unsigned long first;		/* index of the first covered BAR page */
	u64 req_start, req_end;		/* BAR bytes the caller asked to map */
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
	bool tables_reserved;		/* pciem_reserve_bar() done */
	/* Interception state: protected by the global intercept lock. */
	struct list_head range_node;	/* in the global list of BAR ranges */
	struct list_head mappings;	/* struct pciem_mapping */
	struct list_head watchpoints;	/* struct pciem_watchpoint */
	struct rb_root regions;		/* struct pciem_region, by offset */
	unsigned int nregions;		/* at most PCIEM_MAX_REGIONS */
	u8 *page_mode;			/* PCIEM_PAGE_* per page; NULL: all direct */
};

/*
 * A watchpoint on a BAR register (watchpoint.c).  @want is the address the
 * debug registers should watch: the register in a driver mapping while
 * armed, else @parking.
 */
struct pciem_watchpoint {
	struct list_head dev_node;	/* pciem_device.watchpoints */
	struct list_head bar_node;	/* pciem_bar.watchpoints (intercept lock) */
	struct pciem_device *dev;
	u32 bar, offset, width;
	unsigned long armed_va;		/* 0 while disarmed */
	unsigned long map_va;		/* the mapping it is armed on */
	unsigned long want;
	u64 parking;			/* never written */
	void *arch;			/* x86: struct perf_event * __percpu * */
};

/* Watchpoints whose target changed under the intercept lock, synced after. */
struct pciem_wp_batch {
	unsigned int n;
	struct pciem_watchpoint *wp[8];	/* more than the CPU's debug registers */
};

/* A run of registers with access semantics (region.c). */
struct pciem_region {
	struct rb_node node;		/* pciem_bar.regions */
	u64 offset, size;
	u32 width, flags, mode;
	u64 write_mask, w1c_mask;
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
	raw_spinlock_t lock;		/* see above; nests in pci_lock */
	bool removed;			/* device gone: reads all-ones */
	u8 data[PCI_CFG_SPACE_EXP_SIZE];
	u8 wmask[PCI_CFG_SPACE_EXP_SIZE];
	u8 w1cmask[PCI_CFG_SPACE_EXP_SIZE];
	u8 reset_data[PCI_CFG_SPACE_EXP_SIZE];	/* data after a reset */
	u8 pm_offset;			/* 0 when the capability is absent */
	u8 msi_offset;
	u8 msix_offset;
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
	struct pciem_device *dev;	/* valid while !cfg.removed */
};

/*
 * A live DMA mapping of the device's driver (iommu.c): [iova, iova + size)
 * is backed by physically contiguous memory at @phys, or, for a large
 * coherent buffer, by @pages from a page-aligned @iova.
 */
struct pciem_dma_map {
	struct rb_node node;		/* pciem_iommu.maps, by iova */
	u64 iova;
	size_t size;
	enum dma_data_direction dir;	/* what the device may do */
	bool coherent;			/* from dma_alloc_coherent() */
	phys_addr_t phys;
	struct page **pages;
	unsigned int npages;
	void *cpu;			/* vmap of @pages */
	struct gen_pool *pool;		/* the IOVA block to give back */
	u64 alloc;
	size_t alloc_size;
};

struct pciem_iommu {
	spinlock_t lock;		/* @maps, @nmaps; irq-safe */
	struct rb_root maps;
	unsigned long nmaps;
	struct gen_pool *low;		/* IOVAs below 4 GiB */
	struct gen_pool *high;		/* IOVAs for masks of 40 bits and up */
};

#define PCIEM_NR_HWIRQ		4096	/* INTx block, MSI blocks, MSI-X vectors */

struct pciem_irq {
	struct pciem_device *dev;
	struct fwnode_handle *parent_fwnode;
	struct fwnode_handle *msi_fwnode;
	struct irq_domain *parent;	/* hwirq = MSI data the device sends */
	struct irq_domain *msi;
	struct msi_domain_info msi_info;
	spinlock_t alloc_lock;		/* @hwirqs */
	DECLARE_BITMAP(hwirqs, PCIEM_NR_HWIRQ);
	unsigned int intx_virq;
	bool intx_pending;		/* under the config lock */
	/* Where the kernel routed each vector (irq.c); under the config lock. */
	u16 msi_route;			/* hwirq of MSI vector 0 */
	u16 msix_route[PCI_MSIX_FLAGS_QSIZE + 1];	/* hwirq per MSI-X entry */
	struct mutex inject_lock;	/* one INJECT_IRQ at a time */
	atomic_long_t inject_hwirq;	/* -1 or the hwirq INJECT_IRQ raises */
	DECLARE_BITMAP(resend, PCIEM_NR_HWIRQ);	/* released by an unmask */
	struct irq_work work;		/* raises them in hard-irq context */
};

struct pciem_device {
	struct kref kref;
	struct mutex lock;		/* serializes the ioctls that build */
	enum pciem_state state;
	u32 flags;			/* PCIEM_CREATE_* */
	struct pciem_ring ring;
	struct pciem_sync sync;

	struct pciem_config_space config;
	bool config_set;
	struct pciem_bar bars[PCIEM_MAX_BARS];
	struct pciem_cap caps[PCIEM_MAX_CAPS];
	unsigned int ncaps;
	struct list_head watchpoints;	/* under @lock */

	/* Set by REGISTER, constant afterwards. */
	int domain;
	char name[24];			/* "DDDDD:00:00.0" */
	struct pci_host_bridge *bridge;
	struct pciem_host *host;
	struct pci_dev *pdev;
	struct pciem_irq irq;
	struct pciem_iommu iommu;
	struct work_struct attach_work;
	bool attach_queued;		/* under @lock */
	bool removing;			/* under pci_lock_rescan_remove() */
};

/* device.c */
struct pciem_device *pciem_device_alloc(void);
void pciem_device_get(struct pciem_device *dev);
void pciem_device_put(struct pciem_device *dev);
long pciem_device_ioctl(struct pciem_device *dev, unsigned int cmd,
			void __user *arg);
int pciem_require_registered(struct pciem_device *dev, const char *what);

/* main.c */
struct file *pciem_instance_file(struct pciem_device *dev);

/* ring.c */
int pciem_ring_init(struct pciem_ring *r);
void pciem_ring_destroy(struct pciem_ring *r);
int pciem_ring_enable_nmi(struct pciem_ring *r);
bool pciem_ring_post(struct pciem_ring *r, struct pciem_event *ev);
void pciem_ring_wait_room(struct pciem_ring *r, bool can_sleep);
void pciem_ring_close(struct pciem_ring *r);
void pciem_ring_post_nmi(struct pciem_ring *r, struct pciem_event *ev);
int pciem_ring_set_eventfd(struct pciem_ring *r, int fd);
int pciem_ring_mmap(struct pciem_ring *r, struct vm_area_struct *vma);

/* config.c */
void pciem_config_build(struct pciem_config *cfg, struct pciem_device *dev);
void pciem_config_read(struct pciem_config *cfg, int where, int size, u32 *val);
void pciem_config_write(struct pciem_config *cfg, int where, int size, u32 val);
void pciem_config_mark_removed(struct pciem_config *cfg);

/* irq.c */
int pciem_irq_init(struct pciem_device *dev);
void pciem_irq_destroy(struct pciem_device *dev);
int pciem_irq_inject(struct pciem_device *dev, unsigned int vec);
void pciem_irq_config_written(struct pciem_device *dev, int where, int size);

/* bus.c */
int pciem_bus_init(void);
void pciem_bus_exit(void);
int pciem_bus_add(struct pciem_device *dev);
void pciem_bus_attach(struct pciem_device *dev);
void pciem_bus_remove(struct pciem_device *dev);

/* bar.c */
int pciem_bars_alloc(struct pciem_device *dev);
void pciem_bars_free(struct pciem_device *dev);
int pciem_bar_mmap(struct pciem_device *dev, struct vm_area_struct *vma);

/* intercept.c: BAR ranges whose kernel mappings are redirected. */
int pciem_intercept_init(void);
void pciem_intercept_exit(void);
void pciem_intercept_add(struct pciem_bar *bar);
int pciem_intercept_check(struct pciem_device *dev);
void pciem_intercept_remove(struct pciem_bar *bar);
bool pciem_intercept_wants(phys_addr_t phys, unsigned long size);
void pciem_intercept_mapped(phys_addr_t phys, unsigned long size,
			    unsigned long va);
void pciem_intercept_unmapped(unsigned long va);

/* map_reserve.c: what the hooks need, allocated ahead (intercept lock). */
int pciem_reserve_init(void);
void pciem_reserve_exit(void);
int pciem_reserve_bar(u64 size);
void pciem_unreserve_bar(u64 size);
bool pciem_reserve_short(void);
struct pciem_mapping *pciem_reserve_take_mapping(void);
void pciem_reserve_put_mapping(struct pciem_mapping *m);
unsigned long pciem_reserve_take_table(void);

/* iommu.c */
bool pciem_dma_passthrough(void);
int pciem_iommu_init(struct pciem_iommu *mmu);
void pciem_iommu_attach(struct pciem_iommu *mmu, struct pci_dev *pdev);
void pciem_iommu_unbound(struct pciem_iommu *mmu, struct pci_dev *pdev);
void pciem_iommu_destroy(struct pciem_iommu *mmu, struct pci_dev *pdev);
struct pciem_dma_map *pciem_iommu_find(struct pciem_iommu *mmu, u64 iova);

/* dma.c: the device side of DMA */
int pciem_dma_check_flags(const char *what, u32 flags);
int pciem_dma_user_buf(const char *what, u64 addr, u32 len,
		       void __user **ubuf);
int pciem_dma_ioctl(struct pciem_device *dev, void __user *arg);
int pciem_dma_sg_ioctl(struct pciem_device *dev, void __user *arg);
int pciem_dma_atomic_ioctl(struct pciem_device *dev, void __user *arg);

/* p2p.c */
int pciem_p2p_ioctl(struct pciem_device *dev, void __user *arg);

/* region.c */
int pciem_region_add(struct pciem_device *dev,
		     const struct pciem_region_config *req);
int pciem_region_clear(struct pciem_device *dev, u32 index);
void pciem_regions_free(struct pciem_bar *bar);
int pciem_trap_read(struct pciem_bar *bar, u64 off, unsigned int width,
		    u64 *val, struct pciem_trap_batch *batch);
void pciem_trap_write(struct pciem_bar *bar, u64 off, unsigned int width,
		      u64 val, struct pciem_trap_batch *batch);
void pciem_trap_flush(struct pciem_trap_batch *batch, bool can_sleep);

/* sync.c */
void pciem_sync_init(struct pciem_sync *sync);
void pciem_sync_kill(struct pciem_device *dev);
u64 pciem_sync_read(struct pciem_bar *bar, u64 off, unsigned int width,
		    bool can_sleep);
int pciem_sync_respond(struct pciem_device *dev,
		       const struct pciem_response *rsp);

/* intercept.c: for regions and the fault path */
unsigned long pciem_intercept_lock(void);
void pciem_intercept_unlock(unsigned long flags);
void pciem_intercept_set_modes(struct pciem_bar *bar, const u8 *modes);
struct pciem_bar *pciem_intercept_bar_at(phys_addr_t phys, size_t len);
bool pciem_intercept_claims(unsigned long va);
bool pciem_intercept_trapped(unsigned long va);
bool pciem_intercept_lookup(unsigned long va, struct pciem_bar **bar,
			    u64 *off);
void pciem_intercept_untrap(unsigned long va);

/* fault_guard.c: the fault path's hold on BARs, waited for at removal */
int pciem_fault_enter(void);
void pciem_fault_exit(int idx);
void pciem_fault_sync(void);

/* watchpoint.c */
int pciem_watchpoint_add(struct pciem_device *dev,
			 const struct pciem_watchpoint_config *req);
void pciem_watchpoints_free(struct pciem_device *dev);
void pciem_watchpoint_hit(struct pciem_watchpoint *wp);
bool pciem_wp_arm(struct pciem_bar *bar, struct pciem_watchpoint *wp,
		  struct pciem_mapping *m);
void pciem_wp_disarm(struct pciem_watchpoint *wp);
void pciem_wp_batch_add(struct pciem_wp_batch *b, struct pciem_watchpoint *wp);
void pciem_wp_batch_sync(struct pciem_wp_batch *b);
void pciem_intercept_watch(struct pciem_bar *bar, struct pciem_watchpoint *wp);

/* Architecture hooks (x86/). */
int pciem_arch_wp_register(struct pciem_watchpoint *wp);
void pciem_arch_wp_unregister(struct pciem_watchpoint *wp);
void pciem_arch_wp_sync(struct pciem_watchpoint *wp);
int pciem_arch_hooks_init(void);
void pciem_arch_hooks_exit(void);
int pciem_arch_set_page(unsigned long va, unsigned long pfn, u32 mode);
int pciem_arch_fault_hook_init(void);
bool pciem_arch_fault_hook_live(void);
void pciem_arch_fault_hook_exit(void);
void pciem_arch_flush_tlb(void);
void pciem_arch_flush_tlb_local(void);
phys_addr_t pciem_arch_max_phys(void);

/* All bits of a register of @width bytes (1, 2, 4 or 8). */
/* A uint module parameter's setter that refuses values outside [min, max]. */
static inline int pciem_param_set_uint_range(const char *val,
					     const struct kernel_param *kp,
					     unsigned int min, unsigned int max)
{
	unsigned int v;
	int ret = kstrtouint(val, 0, &v);

	if (ret)
		return ret;
	if (v < min || v > max)
		return -ERANGE;
	return param_set_uint(val, kp);
}

static inline u64 pciem_width_mask(unsigned int width)
{
	return width == 8 ? ~0ULL : BIT_ULL(8 * width) - 1;
}

/* Little-endian reads of emulated config space; caller holds its lock. */
static inline u16 pciem_cfg16(const struct pciem_config *cfg, int off)
{
	return cfg->data[off] | cfg->data[off + 1] << 8;
}

static inline u32 pciem_cfg32(const struct pciem_config *cfg, int off)
{
	return pciem_cfg16(cfg, off) | (u32)pciem_cfg16(cfg, off + 2) << 16;
}

/* Does the access [where, where + size) touch [reg, reg + reg_size)? */
static inline bool pciem_touches(int where, int size, int reg, int reg_size)
{
	return where < reg + reg_size && reg < where + size;
}

/* Rate-limited report of a caller's mistake: one line, names the culprit. */
#define pciem_user_err(fmt, ...)					\
	pr_warn_ratelimited("%s[%d]: " fmt "\n", current->comm,	\
			    task_pid_nr(current), ##__VA_ARGS__)

#endif /* PCIEM_INTERNAL_H */
