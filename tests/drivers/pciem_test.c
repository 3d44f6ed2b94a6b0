// SPDX-License-Identifier: GPL-2.0
/*
 * pciem_test - test driver for PCIem synthetic devices
 *
 * Binds to the PCIem test devices and lets a test script map any BAR with
 * any of the kernel's mapping APIs, then read, write, fill and check it, all
 * through sysfs files on the PCI device:
 *
 *   map      "BAR API [OFFSET [LEN]]"   map (a sub-range of) a BAR
 *   unmap    "BAR"                      drop that mapping
 *   mmio     "r BAR OFF WIDTH" or "w BAR OFF WIDTH VALUE"; read: last value
 *   access   "ACCESSOR BAR OFF [ARGS]": one call of the named MMIO accessor
 *            (readb ... memset_io) on the BAR's I/O mapping, see
 *            access_store(); read: result of the last command
 *   pattern  "fill BAR SEED" or "check BAR SEED"; read: last check result
 *   info     one line per mapped BAR
 *   vectors  "alloc TYPE N" (TYPE msix, msi or legacy), "free", "mask V",
 *            "unmask V" or "reset"; read: type, handler calls per vector,
 *            calls outside hard-irq context, Linux irq numbers
 *   counter  "run N TIMEOUT_MS": drive the counter device of BAR 0;
 *            read: result of the last run
 *   cfgflood "N OFFSET": N config-space dword writes at OFFSET
 *   mmioflood "N BAR OFF [GAP_US]": N dword writes at OFF in the BAR's
 *            mapping, one every GAP_US if given
 *   timeloop "write|read N BAR OFF [MS]": time N back-to-back writel/readl,
 *            or as many as fit in MS milliseconds
 *   latency  "BAR OFF" or "off": INJECT_IRQ-to-handler latency, with the
 *            injection time read from BAR memory; read: n, p50, p99, max
 *
 * Numbers accept a 0x prefix.  OFF is relative to the start of the mapping.
 *
 * The module parameters probe_irq_type, probe_irq_count and probe_delay_ms
 * make probe() set up interrupts and then linger, talking to BAR 0, so a
 * test can pull the device away while its driver is still probing.
 * unchecked_access=1 makes it a buggy driver whose "access" runs past the
 * end of its mapping.
 *
 * Locking: each device's state is protected by its own mutex, taken by every
 * sysfs callback and by remove().  The files are registered through the
 * driver's dev_groups, so the driver core adds them only after probe() has
 * succeeded and removes them (waiting for callbacks in progress) before
 * remove() is called: a callback never runs without bound driver data.
 * The interrupt handler takes no lock: it only touches atomic counters of
 * the vector it was requested with, which stay allocated until free_irq()
 * has returned; disable_irq() and free_irq() wait for a running handler, so
 * they are called with the mutex held.  cfgflood takes no lock (config
 * accessors serialize themselves) and mmioflood drops it every batch, so a
 * long flood does not shut out the other files.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/irq.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "pattern.h"

/* 6.8 renamed PCI_IRQ_LEGACY to PCI_IRQ_INTX; 6.1 knows only the old name. */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX	PCI_IRQ_LEGACY
#endif

#define PCIEM_TEST_VENDOR	0x1234

/* Longest command accepted by a sysfs file, and most words in one. */
#define PCIEM_TEST_CMD_MAX	128
#define PCIEM_TEST_ARGS_MAX	5

/* Words touched between two cond_resched() calls in fill and check. */
#define PCIEM_TEST_BATCH	4096

/* Writes between two cond_resched() calls in the floods and counter runs. */
#define PCIEM_TEST_FLOOD_BATCH	256
#define PCIEM_TEST_LAT_MAX	16384	/* latency samples kept */

/*
 * Limits of the access file: dwords of one ioread32_rep or iowrite32_rep,
 * bytes of one memcpy_toio, memcpy_fromio or memset_io, and the most bytes
 * of memcpy_fromio shown in hex: two digits a byte and the newline must fit
 * in the page of a sysfs read, which keeps one byte for a NUL.
 */
#define PCIEM_TEST_ACC_REP_MAX	1024
#define PCIEM_TEST_ACC_LEN_MAX	65536
#define PCIEM_TEST_ACC_HEX_MAX	2047
static_assert(2 * PCIEM_TEST_ACC_HEX_MAX + 1 < PAGE_SIZE);

/* Registers of the counter device (BAR 0) that the counter file drives. */
#define PCIEM_TEST_REG_CONTROL	0x00
#define PCIEM_TEST_REG_COUNTER	0x08

/*
 * A run keeps the device's sysfs callback busy, and removing the device
 * waits for it: stay well below the hung-task timeout.
 */
#define PCIEM_TEST_RUN_MAX_MS	60000

static atomic_t pciem_test_probed = ATOMIC_INIT(0);
static atomic_t pciem_test_removed = ATOMIC_INIT(0);

enum pciem_test_api {
	PCIEM_TEST_PCI_IOMAP,
	PCIEM_TEST_PCIM_IOMAP,
	PCIEM_TEST_IOREMAP,
	PCIEM_TEST_IOREMAP_WC,
	PCIEM_TEST_IOREMAP_UC,
	PCIEM_TEST_IOREMAP_CACHE,
	PCIEM_TEST_DEVM_IOREMAP,
	PCIEM_TEST_MEMREMAP_WB,
	PCIEM_TEST_MEMREMAP_WT,
};

static const char * const pciem_test_api_names[] = {
	[PCIEM_TEST_PCI_IOMAP]		= "pci_iomap",
	[PCIEM_TEST_PCIM_IOMAP]		= "pcim_iomap",
	[PCIEM_TEST_IOREMAP]		= "ioremap",
	[PCIEM_TEST_IOREMAP_WC]		= "ioremap_wc",
	[PCIEM_TEST_IOREMAP_UC]		= "ioremap_uc",
	[PCIEM_TEST_IOREMAP_CACHE]	= "ioremap_cache",
	[PCIEM_TEST_DEVM_IOREMAP]	= "devm_ioremap",
	[PCIEM_TEST_MEMREMAP_WB]	= "memremap_wb",
	[PCIEM_TEST_MEMREMAP_WT]	= "memremap_wt",
};

enum pciem_test_irq_type {
	PCIEM_TEST_IRQ_NONE,
	PCIEM_TEST_IRQ_MSIX,
	PCIEM_TEST_IRQ_MSI,
	PCIEM_TEST_IRQ_LEGACY,
};

static const char * const pciem_test_irq_names[] = {
	[PCIEM_TEST_IRQ_NONE]	= "none",
	[PCIEM_TEST_IRQ_MSIX]	= "msix",
	[PCIEM_TEST_IRQ_MSI]	= "msi",
	[PCIEM_TEST_IRQ_LEGACY]	= "legacy",
};

static const unsigned int pciem_test_irq_flags[] = {
	[PCIEM_TEST_IRQ_MSIX]	= PCI_IRQ_MSIX,
	[PCIEM_TEST_IRQ_MSI]	= PCI_IRQ_MSI,
	[PCIEM_TEST_IRQ_LEGACY]	= PCI_IRQ_INTX,
};

/* What the PCI specification allows: the core refuses the rest anyway. */
static const unsigned int pciem_test_irq_max[] = {
	[PCIEM_TEST_IRQ_MSIX]	= 2048,
	[PCIEM_TEST_IRQ_MSI]	= 32,
	[PCIEM_TEST_IRQ_LEGACY]	= 1,
};

static char *pciem_test_probe_irq_type = "";
module_param_named(probe_irq_type, pciem_test_probe_irq_type, charp, 0444);
MODULE_PARM_DESC(probe_irq_type,
		 "Interrupts probe() sets up: \"\" (none), msix, msi or legacy");

static unsigned int pciem_test_probe_irq_count = 1;
module_param_named(probe_irq_count, pciem_test_probe_irq_count, uint, 0444);
MODULE_PARM_DESC(probe_irq_count, "Vectors probe() sets up (default 1)");

static unsigned int pciem_test_probe_delay_ms;
module_param_named(probe_delay_ms, pciem_test_probe_delay_ms, uint, 0444);
MODULE_PARM_DESC(probe_delay_ms,
		 "Milliseconds probe() lingers, reading BAR 0, before it returns");

/* A buggy driver on purpose: "access" does not check its range. */
static bool pciem_test_unchecked_access;
module_param_named(unchecked_access, pciem_test_unchecked_access, bool, 0444);
MODULE_PARM_DESC(unchecked_access,
		 "Let \"access\" run past the end of the mapping, as a buggy driver would (default off)");

struct pciem_test;

/**
 * struct pciem_test_vec - one requested interrupt vector
 * @pt: the device, for the counters shared by all vectors
 * @count: handler invocations
 * @irq: Linux irq number
 * @depth: disable_irq() calls not yet undone by enable_irq()
 * @name: name shown in /proc/interrupts
 */
struct pciem_test_vec {
	struct pciem_test *pt;
	atomic_t count;
	int irq;
	unsigned int depth;
	char name[40];
};

/**
 * struct pciem_test_map - one mapping of (part of) a BAR
 * @mapped: the entry holds a live mapping
 * @api: the API that made it, which decides how it is accessed and unmapped
 * @off: offset of the mapping in the BAR
 * @len: length of the mapping in bytes
 * @io: the mapping, for every API but memremap
 * @mem: the mapping, for memremap
 */
struct pciem_test_map {
	bool mapped;
	enum pciem_test_api api;
	u64 off;
	u64 len;
	void __iomem *io;
	void *mem;
};

/**
 * struct pciem_test - per-device state
 * @pdev: the device
 * @lock: protects every field below
 * @maps: current mapping of each BAR
 * @last_read: value of the last "r" command on the mmio file
 * @acc_out: result line of the last access command, one page, allocated
 *	by the first command
 * @acc_len: length of @acc_out; 0 before the first command, -EFBIG if
 *	the result does not fit in a page
 * @bad: mismatching words found by the last pattern check
 * @first_bad: index of the first of them
 * @first_got: value read there
 * @first_want: value expected there
 * @irq_type: kind of the allocated vectors, NONE if there are none
 * @nvec: number of allocated vectors
 * @vecs: the vectors, @nvec of them
 * @nothardirq: handler invocations outside hard-irq context (lock-free)
 * @run_counter: COUNTER as last read by the last counter run
 * @run_irqs: handler invocations during the last counter run
 * @run_ms: duration of the last counter run
 * @lat_src: while measuring latency, where the handler reads the time of
 *	injection; NULL otherwise
 * @lat_bar: BAR of @lat_src
 * @lat: latency samples, in ns
 * @lat_n: samples taken (may exceed what @lat holds)
 * @loop_n: accesses of the last timeloop
 * @loop_ns: how long they took
 */
struct pciem_test {
	struct pci_dev *pdev;
	struct mutex lock;	/* protects everything below but @nothardirq */
	struct pciem_test_map maps[PCI_STD_NUM_BARS];
	u64 last_read;
	char *acc_out;
	ssize_t acc_len;
	u64 bad;
	u64 first_bad;
	u32 first_got;
	u32 first_want;
	enum pciem_test_irq_type irq_type;
	unsigned int nvec;
	struct pciem_test_vec *vecs;
	atomic_t nothardirq;
	u32 run_counter;
	u64 run_irqs;
	s64 run_ms;
	u64 __iomem *lat_src;	/* read by the handler, see latency_store() */
	unsigned int lat_bar;
	u64 *lat;
	atomic_t lat_n;
	u32 loop_n;
	u64 loop_ns;
};

/* The counters are results, not settings: refuse them at load time too. */
static int pciem_test_count_set(const char *val, const struct kernel_param *kp)
{
	return -EPERM;
}

static int pciem_test_count_get(char *buf, const struct kernel_param *kp)
{
	return scnprintf(buf, PAGE_SIZE, "%d\n", atomic_read(kp->arg));
}

static const struct kernel_param_ops pciem_test_count_ops = {
	.set = pciem_test_count_set,
	.get = pciem_test_count_get,
};

module_param_cb(probed, &pciem_test_count_ops, &pciem_test_probed, 0444);
MODULE_PARM_DESC(probed, "Number of successful probe() calls");
module_param_cb(removed, &pciem_test_count_ops, &pciem_test_removed, 0444);
MODULE_PARM_DESC(removed, "Number of remove() calls");

/*
 * A buggy driver on purpose: with leak_on_remove set, remove() leaves the
 * BAR 0 mapping of one device in place (if pci_iomap or ioremap made it),
 * so tests can see what reading it gives once the device is gone.  It is
 * undone when the module unloads.
 */
static bool pciem_test_leak_on_remove;
module_param_named(leak_on_remove, pciem_test_leak_on_remove, bool, 0644);
MODULE_PARM_DESC(leak_on_remove, "remove() leaves one BAR 0 mapping behind");

static DEFINE_MUTEX(pciem_test_leak_lock);
static void __iomem *pciem_test_leaked;	/* under pciem_test_leak_lock */

static int pciem_test_leaked_get(char *buf, const struct kernel_param *kp)
{
	int len;

	mutex_lock(&pciem_test_leak_lock);
	if (pciem_test_leaked)
		len = scnprintf(buf, PAGE_SIZE, "0x%x\n",
				readl(pciem_test_leaked));
	else
		len = scnprintf(buf, PAGE_SIZE, "none\n");
	mutex_unlock(&pciem_test_leak_lock);
	return len;
}

static const struct kernel_param_ops pciem_test_leaked_ops = {
	.set = pciem_test_count_set,
	.get = pciem_test_leaked_get,
};

module_param_cb(leaked, &pciem_test_leaked_ops, NULL, 0444);
MODULE_PARM_DESC(leaked, "Reads the first dword of the leaked mapping");

/* Split a command into at most @max words; returns the number of words. */
static int pciem_test_split(char *line, char **argv, int max)
{
	int argc = 0;
	char *tok;

	while ((tok = strsep(&line, " \t\n")) != NULL) {
		if (!*tok)
			continue;
		if (argc == max)
			return -EINVAL;
		argv[argc++] = tok;
	}
	return argc;
}

static int pciem_test_parse_bar(struct device *dev, const char *what,
				const char *tok, unsigned int *bar)
{
	if (kstrtouint(tok, 0, bar) || *bar >= PCI_STD_NUM_BARS) {
		dev_err(dev, "%s: bad BAR '%s'\n", what, tok);
		return -EINVAL;
	}
	return 0;
}

static int pciem_test_parse_u64(struct device *dev, const char *what,
				const char *name, const char *tok, u64 *val)
{
	if (kstrtou64(tok, 0, val)) {
		dev_err(dev, "%s: bad %s '%s'\n", what, name, tok);
		return -EINVAL;
	}
	return 0;
}

/* The mapping of @bar, or NULL (with a message) if it has none. */
static struct pciem_test_map *pciem_test_get_map(struct pciem_test *pt,
						 const char *what,
						 unsigned int bar)
{
	lockdep_assert_held(&pt->lock);

	if (!pt->maps[bar].mapped) {
		dev_err(&pt->pdev->dev, "%s: BAR %u is not mapped\n", what, bar);
		return NULL;
	}
	return &pt->maps[bar];
}

static void pciem_test_lat_stop_locked(struct pciem_test *pt);

static void pciem_test_unmap_locked(struct pciem_test *pt, unsigned int bar)
{
	struct pciem_test_map *m = &pt->maps[bar];
	struct pci_dev *pdev = pt->pdev;

	lockdep_assert_held(&pt->lock);
	if (pt->lat_src && pt->lat_bar == bar)
		pciem_test_lat_stop_locked(pt);

	switch (m->api) {
	case PCIEM_TEST_PCI_IOMAP:
		pci_iounmap(pdev, m->io);
		break;
	case PCIEM_TEST_PCIM_IOMAP:
		pcim_iounmap(pdev, m->io);
		break;
	case PCIEM_TEST_IOREMAP:
	case PCIEM_TEST_IOREMAP_WC:
	case PCIEM_TEST_IOREMAP_UC:
	case PCIEM_TEST_IOREMAP_CACHE:
		iounmap(m->io);
		break;
	case PCIEM_TEST_DEVM_IOREMAP:
		devm_iounmap(&pdev->dev, m->io);
		break;
	case PCIEM_TEST_MEMREMAP_WB:
	case PCIEM_TEST_MEMREMAP_WT:
		memunmap(m->mem);
		break;
	}
	memset(m, 0, sizeof(*m));
}

/*
 * Map @len bytes at @off in @bar with @api, replacing the BAR's current
 * mapping.  The old mapping goes first: pcim_iomap() refuses a second mapping
 * of a BAR, and x86 refuses to map one range with two conflicting memory
 * types.  So on failure the BAR is left unmapped.
 */
static int pciem_test_map_locked(struct pciem_test *pt, unsigned int bar,
				 enum pciem_test_api api, u64 off, u64 len)
{
	resource_size_t start = pci_resource_start(pt->pdev, bar) + off;
	struct pciem_test_map *m = &pt->maps[bar];
	struct pci_dev *pdev = pt->pdev;
	void __iomem *io = NULL;
	void *mem = NULL;

	lockdep_assert_held(&pt->lock);

	if (m->mapped)
		pciem_test_unmap_locked(pt, bar);

	switch (api) {
	case PCIEM_TEST_PCI_IOMAP:
		/* pci_iomap() is pci_iomap_range() at offset 0 */
		io = pci_iomap_range(pdev, bar, off, len);
		break;
	case PCIEM_TEST_PCIM_IOMAP:
		io = pcim_iomap(pdev, bar, len);
		break;
	case PCIEM_TEST_IOREMAP:
		io = ioremap(start, len);
		break;
	case PCIEM_TEST_IOREMAP_WC:
		io = ioremap_wc(start, len);
		break;
	case PCIEM_TEST_IOREMAP_UC:
		io = ioremap_uc(start, len);
		break;
	case PCIEM_TEST_IOREMAP_CACHE:
		io = ioremap_cache(start, len);
		break;
	case PCIEM_TEST_DEVM_IOREMAP:
		io = devm_ioremap(&pdev->dev, start, len);
		break;
	case PCIEM_TEST_MEMREMAP_WB:
		mem = memremap(start, len, MEMREMAP_WB);
		break;
	case PCIEM_TEST_MEMREMAP_WT:
		mem = memremap(start, len, MEMREMAP_WT);
		break;
	}
	if (!io && !mem) {
		dev_err(&pdev->dev, "map: %s of BAR %u [0x%llx+0x%llx] failed\n",
			pciem_test_api_names[api], bar, off, len);
		return -ENOMEM;
	}

	m->mapped = true;
	m->api = api;
	m->off = off;
	m->len = len;
	m->io = io;
	m->mem = mem;
	return 0;
}

/* Only memory BARs: every API here but pci_iomap needs one. */
static bool pciem_test_bar_is_mem(struct pci_dev *pdev, unsigned int bar)
{
	return (pci_resource_flags(pdev, bar) & IORESOURCE_MEM) &&
	       pci_resource_len(pdev, bar);
}

/* Copy a command out of a sysfs buffer and split it into words. */
static int pciem_test_parse(struct device *dev, const char *what,
			    const char *buf, char *line, char **argv)
{
	int argc;

	if (strscpy(line, buf, PCIEM_TEST_CMD_MAX) < 0) {
		dev_err(dev, "%s: command too long\n", what);
		return -EINVAL;
	}
	argc = pciem_test_split(line, argv, PCIEM_TEST_ARGS_MAX);
	if (argc <= 0) {
		dev_err(dev, "%s: bad command\n", what);
		return -EINVAL;
	}
	return argc;
}

static ssize_t map_store(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	char *argv[PCIEM_TEST_ARGS_MAX];
	char line[PCIEM_TEST_CMD_MAX];
	u64 bar_len, off = 0, len = 0;
	unsigned int bar;
	int argc, api, ret;

	argc = pciem_test_parse(dev, "map", buf, line, argv);
	if (argc < 0)
		return argc;
	if (argc < 2 || argc > 4) {
		dev_err(dev, "map: expected \"BAR API [OFFSET [LEN]]\"\n");
		return -EINVAL;
	}
	ret = pciem_test_parse_bar(dev, "map", argv[0], &bar);
	if (ret)
		return ret;
	if (!pciem_test_bar_is_mem(pt->pdev, bar)) {
		dev_err(dev, "map: BAR %u is not a memory BAR\n", bar);
		return -EINVAL;
	}
	api = match_string(pciem_test_api_names,
			   ARRAY_SIZE(pciem_test_api_names), argv[1]);
	if (api < 0) {
		dev_err(dev, "map: unknown API '%s'\n", argv[1]);
		return -EINVAL;
	}
	if (argc > 2 && pciem_test_parse_u64(dev, "map", "offset", argv[2], &off))
		return -EINVAL;
	if (argc > 3 && pciem_test_parse_u64(dev, "map", "length", argv[3], &len))
		return -EINVAL;

	/* A missing or zero length means up to the end of the BAR. */
	bar_len = pci_resource_len(pt->pdev, bar);
	if (off >= bar_len || len > bar_len - off) {
		dev_err(dev, "map: [0x%llx+0x%llx] is outside BAR %u (0x%llx bytes)\n",
			off, len, bar, bar_len);
		return -EINVAL;
	}
	if (!len)
		len = bar_len - off;
	if (api == PCIEM_TEST_PCIM_IOMAP && off) {
		dev_err(dev, "map: pcim_iomap cannot map at an offset\n");
		return -EINVAL;
	}

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	ret = pciem_test_map_locked(pt, bar, api, off, len);
	mutex_unlock(&pt->lock);

	return ret ? ret : count;
}
static DEVICE_ATTR_WO(map);

static ssize_t unmap_store(struct device *dev, struct device_attribute *attr,
			   const char *buf, size_t count)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	char *argv[PCIEM_TEST_ARGS_MAX];
	char line[PCIEM_TEST_CMD_MAX];
	unsigned int bar;
	int argc, ret;

	argc = pciem_test_parse(dev, "unmap", buf, line, argv);
	if (argc < 0)
		return argc;
	if (argc != 1) {
		dev_err(dev, "unmap: expected \"BAR\"\n");
		return -EINVAL;
	}
	ret = pciem_test_parse_bar(dev, "unmap", argv[0], &bar);
	if (ret)
		return ret;

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	if (pciem_test_get_map(pt, "unmap", bar))
		pciem_test_unmap_locked(pt, bar);
	else
		ret = -EINVAL;
	mutex_unlock(&pt->lock);

	return ret ? ret : count;
}
static DEVICE_ATTR_WO(unmap);

static u64 pciem_test_read(const struct pciem_test_map *m, u64 off,
			   unsigned int width)
{
	if (m->mem) {
		void *p = m->mem + off;

		switch (width) {
		case 1:
			return READ_ONCE(*(u8 *)p);
		case 2:
			return READ_ONCE(*(u16 *)p);
		case 4:
			return READ_ONCE(*(u32 *)p);
		default:
			return READ_ONCE(*(u64 *)p);
		}
	}

	switch (width) {
	case 1:
		return readb(m->io + off);
	case 2:
		return readw(m->io + off);
	case 4:
		return readl(m->io + off);
	default:
		return readq(m->io + off);
	}
}

static void pciem_test_write(const struct pciem_test_map *m, u64 off,
			     unsigned int width, u64 val)
{
	if (m->mem) {
		void *p = m->mem + off;

		switch (width) {
		case 1:
			WRITE_ONCE(*(u8 *)p, val);
			break;
		case 2:
			WRITE_ONCE(*(u16 *)p, val);
			break;
		case 4:
			WRITE_ONCE(*(u32 *)p, val);
			break;
		default:
			WRITE_ONCE(*(u64 *)p, val);
			break;
		}
		return;
	}

	switch (width) {
	case 1:
		writeb(val, m->io + off);
		break;
	case 2:
		writew(val, m->io + off);
		break;
	case 4:
		writel(val, m->io + off);
		break;
	default:
		writeq(val, m->io + off);
		break;
	}
}

static ssize_t mmio_store(struct device *dev, struct device_attribute *attr,
			  const char *buf, size_t count)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	char *argv[PCIEM_TEST_ARGS_MAX];
	char line[PCIEM_TEST_CMD_MAX];
	struct pciem_test_map *m;
	unsigned int bar, width;
	u64 off, val = 0;
	bool write;
	int argc, ret;

	argc = pciem_test_parse(dev, "mmio", buf, line, argv);
	if (argc < 0)
		return argc;
	write = !strcmp(argv[0], "w");
	if (!(write && argc == 5) && !(!strcmp(argv[0], "r") && argc == 4)) {
		dev_err(dev, "mmio: expected \"r BAR OFF WIDTH\" or \"w BAR OFF WIDTH VALUE\"\n");
		return -EINVAL;
	}
	ret = pciem_test_parse_bar(dev, "mmio", argv[1], &bar);
	if (ret)
		return ret;
	ret = pciem_test_parse_u64(dev, "mmio", "offset", argv[2], &off);
	if (ret)
		return ret;
	if (kstrtouint(argv[3], 0, &width) ||
	    (width != 1 && width != 2 && width != 4 && width != 8)) {
		dev_err(dev, "mmio: bad width '%s' (1, 2, 4 or 8)\n", argv[3]);
		return -EINVAL;
	}
	if (write) {
		ret = pciem_test_parse_u64(dev, "mmio", "value", argv[4], &val);
		if (ret)
			return ret;
		if (width < 8 && val >> (width * BITS_PER_BYTE)) {
			dev_err(dev, "mmio: value 0x%llx does not fit in %u bytes\n",
				val, width);
			return -EINVAL;
		}
	}

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	m = pciem_test_get_map(pt, "mmio", bar);
	if (!m) {
		ret = -EINVAL;
	} else if (off > m->len || width > m->len - off) {
		dev_err(dev, "mmio: %u bytes at 0x%llx are outside the 0x%llx-byte mapping of BAR %u\n",
			width, off, m->len, bar);
		ret = -EINVAL;
	} else if (write) {
		pciem_test_write(m, off, width, val);
	} else {
		pt->last_read = pciem_test_read(m, off, width);
	}
	mutex_unlock(&pt->lock);

	return ret ? ret : count;
}

static ssize_t mmio_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	u64 val;
	int ret;

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	val = pt->last_read;
	mutex_unlock(&pt->lock);

	return sysfs_emit(buf, "0x%llx\n", val);
}
static DEVICE_ATTR_ADMIN_RW(mmio);

enum pciem_test_acc_op {
	PCIEM_TEST_ACC_READB,
	PCIEM_TEST_ACC_READW,
	PCIEM_TEST_ACC_READL,
	PCIEM_TEST_ACC_READQ,
	PCIEM_TEST_ACC_WRITEB,
	PCIEM_TEST_ACC_WRITEW,
	PCIEM_TEST_ACC_WRITEL,
	PCIEM_TEST_ACC_WRITEQ,
	PCIEM_TEST_ACC_IOREAD8,
	PCIEM_TEST_ACC_IOREAD16,
	PCIEM_TEST_ACC_IOREAD32,
	PCIEM_TEST_ACC_IOWRITE8,
	PCIEM_TEST_ACC_IOWRITE16,
	PCIEM_TEST_ACC_IOWRITE32,
	PCIEM_TEST_ACC_IOREAD32_REP,
	PCIEM_TEST_ACC_IOWRITE32_REP,
	PCIEM_TEST_ACC_MEMCPY_TOIO,
	PCIEM_TEST_ACC_MEMCPY_FROMIO,
	PCIEM_TEST_ACC_MEMSET_IO,
	PCIEM_TEST_ACC_LOCKINC,
	PCIEM_TEST_ACC_ADDLOAD,
};

/* What an accessor does, which decides its arguments and its result. */
enum pciem_test_acc_kind {
	PCIEM_TEST_ACC_RD,
	PCIEM_TEST_ACC_WR,
	PCIEM_TEST_ACC_RD_REP,
	PCIEM_TEST_ACC_WR_REP,
	PCIEM_TEST_ACC_FROMIO,
	PCIEM_TEST_ACC_TOIO,
	PCIEM_TEST_ACC_SET,
};

/**
 * struct pciem_test_acc_args - the arguments of one kind of accessor
 * @argc: words in the command, the accessor's name included
 * @usage: the words after the name, for messages
 */
struct pciem_test_acc_args {
	int argc;
	const char *usage;
};

static const struct pciem_test_acc_args pciem_test_acc_args[] = {
	[PCIEM_TEST_ACC_RD]	= { 3, "BAR OFF" },
	[PCIEM_TEST_ACC_WR]	= { 4, "BAR OFF VALUE" },
	[PCIEM_TEST_ACC_RD_REP]	= { 4, "BAR OFF COUNT" },
	[PCIEM_TEST_ACC_WR_REP]	= { 5, "BAR OFF COUNT SEED" },
	[PCIEM_TEST_ACC_FROMIO]	= { 4, "BAR OFF LEN" },
	[PCIEM_TEST_ACC_TOIO]	= { 5, "BAR OFF LEN SEED" },
	[PCIEM_TEST_ACC_SET]	= { 5, "BAR OFF LEN BYTE" },
};

/**
 * struct pciem_test_acc - one accessor of the access file
 * @name: its name, which is the command
 * @kind: what it does
 * @width: bytes of each access, or 0 for the byte-string accessors
 *	(memcpy_toio, memcpy_fromio, memset_io), which take a LEN
 */
struct pciem_test_acc {
	const char *name;
	enum pciem_test_acc_kind kind;
	unsigned int width;
};

static const struct pciem_test_acc pciem_test_accs[] = {
	[PCIEM_TEST_ACC_READB]		= { "readb", PCIEM_TEST_ACC_RD, 1 },
	[PCIEM_TEST_ACC_READW]		= { "readw", PCIEM_TEST_ACC_RD, 2 },
	[PCIEM_TEST_ACC_READL]		= { "readl", PCIEM_TEST_ACC_RD, 4 },
	[PCIEM_TEST_ACC_READQ]		= { "readq", PCIEM_TEST_ACC_RD, 8 },
	[PCIEM_TEST_ACC_WRITEB]		= { "writeb", PCIEM_TEST_ACC_WR, 1 },
	[PCIEM_TEST_ACC_WRITEW]		= { "writew", PCIEM_TEST_ACC_WR, 2 },
	[PCIEM_TEST_ACC_WRITEL]		= { "writel", PCIEM_TEST_ACC_WR, 4 },
	[PCIEM_TEST_ACC_WRITEQ]		= { "writeq", PCIEM_TEST_ACC_WR, 8 },
	[PCIEM_TEST_ACC_IOREAD8]	= { "ioread8", PCIEM_TEST_ACC_RD, 1 },
	[PCIEM_TEST_ACC_IOREAD16]	= { "ioread16", PCIEM_TEST_ACC_RD, 2 },
	[PCIEM_TEST_ACC_IOREAD32]	= { "ioread32", PCIEM_TEST_ACC_RD, 4 },
	[PCIEM_TEST_ACC_IOWRITE8]	= { "iowrite8", PCIEM_TEST_ACC_WR, 1 },
	[PCIEM_TEST_ACC_IOWRITE16]	= { "iowrite16", PCIEM_TEST_ACC_WR, 2 },
	[PCIEM_TEST_ACC_IOWRITE32]	= { "iowrite32", PCIEM_TEST_ACC_WR, 4 },
	[PCIEM_TEST_ACC_IOREAD32_REP]	= { "ioread32_rep",
					    PCIEM_TEST_ACC_RD_REP, 4 },
	[PCIEM_TEST_ACC_IOWRITE32_REP]	= { "iowrite32_rep",
					    PCIEM_TEST_ACC_WR_REP, 4 },
	[PCIEM_TEST_ACC_MEMCPY_TOIO]	= { "memcpy_toio",
					    PCIEM_TEST_ACC_TOIO, 0 },
	[PCIEM_TEST_ACC_MEMCPY_FROMIO]	= { "memcpy_fromio",
					    PCIEM_TEST_ACC_FROMIO, 0 },
	[PCIEM_TEST_ACC_MEMSET_IO]	= { "memset_io",
					    PCIEM_TEST_ACC_SET, 0 },
	/*
	 * Not accessors at all: instructions no MMIO accessor compiles to,
	 * for checking that such an access fails safely when trapped.
	 */
	[PCIEM_TEST_ACC_LOCKINC]	= { "lockinc", PCIEM_TEST_ACC_RD, 4 },
	[PCIEM_TEST_ACC_ADDLOAD]	= { "addload", PCIEM_TEST_ACC_RD, 4 },
};

/**
 * struct pciem_test_acc_cmd - a parsed command of the access file
 * @op: the accessor
 * @bar: the BAR
 * @off: offset in the BAR's mapping
 * @n: COUNT (dwords) or LEN (bytes); 0 for single accesses
 * @val: VALUE, SEED or BYTE
 * @size: bytes of the mapping from @off that the accessor touches
 * @buf_len: bytes of the kernel buffer the accessor reads or writes
 */
struct pciem_test_acc_cmd {
	enum pciem_test_acc_op op;
	unsigned int bar;
	u64 off;
	u32 n;
	u64 val;
	u64 size;
	size_t buf_len;
};

static int pciem_test_acc_parse(struct device *dev, char **argv, int argc,
				struct pciem_test_acc_cmd *c)
{
	const struct pciem_test_acc_args *args;
	const struct pciem_test_acc *a;
	unsigned int i, max;
	u32 seed;
	u8 byte;

	for (i = 0; i < ARRAY_SIZE(pciem_test_accs); i++)
		if (!strcmp(argv[0], pciem_test_accs[i].name))
			break;
	if (i == ARRAY_SIZE(pciem_test_accs)) {
		dev_err(dev, "access: unknown accessor '%s'\n", argv[0]);
		return -EINVAL;
	}
	memset(c, 0, sizeof(*c));
	c->op = i;
	a = &pciem_test_accs[i];
	args = &pciem_test_acc_args[a->kind];
	if (argc != args->argc) {
		dev_err(dev, "access: expected \"%s %s\"\n", a->name,
			args->usage);
		return -EINVAL;
	}
	if (pciem_test_parse_bar(dev, "access", argv[1], &c->bar) ||
	    pciem_test_parse_u64(dev, "access", "offset", argv[2], &c->off))
		return -EINVAL;
	c->size = a->width;

	if (a->kind == PCIEM_TEST_ACC_RD)
		return 0;
	if (a->kind == PCIEM_TEST_ACC_WR) {
		if (pciem_test_parse_u64(dev, "access", "value", argv[3],
					 &c->val))
			return -EINVAL;
		if (a->width < 8 && c->val >> (a->width * BITS_PER_BYTE)) {
			dev_err(dev, "access: value 0x%llx does not fit in %u bytes\n",
				c->val, a->width);
			return -EINVAL;
		}
		return 0;
	}

	/* The rep accessors take a COUNT, the byte-string ones a LEN. */
	max = a->width ? PCIEM_TEST_ACC_REP_MAX : PCIEM_TEST_ACC_LEN_MAX;
	if (kstrtou32(argv[3], 0, &c->n) || !c->n || c->n > max) {
		dev_err(dev, "access: bad %s '%s' (1 to %u)\n",
			a->width ? "count" : "length", argv[3], max);
		return -EINVAL;
	}
	if (a->width) {
		c->buf_len = c->n * sizeof(u32);
	} else {
		c->size = c->n;
		/* memset_io takes its byte from the command, not a buffer */
		if (a->kind != PCIEM_TEST_ACC_SET)
			c->buf_len = c->n;
	}

	if (a->kind == PCIEM_TEST_ACC_SET) {
		if (kstrtou8(argv[4], 0, &byte)) {
			dev_err(dev, "access: bad byte '%s'\n", argv[4]);
			return -EINVAL;
		}
		c->val = byte;
	} else if (argc == 5) {
		if (kstrtou32(argv[4], 0, &seed)) {
			dev_err(dev, "access: bad seed '%s'\n", argv[4]);
			return -EINVAL;
		}
		c->val = seed;
	}
	return 0;
}

/* The data the writing accessors take from their buffer. */
static void pciem_test_acc_fill(const struct pciem_test_acc_cmd *c,
				void *buf)
{
	u32 *words = buf;
	u8 *bytes = buf;
	u32 i;

	switch (pciem_test_accs[c->op].kind) {
	case PCIEM_TEST_ACC_WR_REP:
		for (i = 0; i < c->n; i++)
			words[i] = pciem_pattern(c->val, i);
		break;
	case PCIEM_TEST_ACC_TOIO:
		for (i = 0; i < c->n; i++)
			bytes[i] = (u8)pciem_pattern(c->val, i);
		break;
	default:
		break;
	}
}

/*
 * Call the accessor of @c, once, on @p: tests compare the accesses the
 * device sees with the accessor named, so nothing else may touch @p.
 * Returns the value read by a single read, 0 for the others.
 */
static u64 pciem_test_acc_do(const struct pciem_test_acc_cmd *c,
			     void __iomem *p, void *buf)
{
	switch (c->op) {
	case PCIEM_TEST_ACC_READB:
		return readb(p);
	case PCIEM_TEST_ACC_READW:
		return readw(p);
	case PCIEM_TEST_ACC_READL:
		return readl(p);
	case PCIEM_TEST_ACC_READQ:
		return readq(p);
	case PCIEM_TEST_ACC_WRITEB:
		writeb(c->val, p);
		break;
	case PCIEM_TEST_ACC_WRITEW:
		writew(c->val, p);
		break;
	case PCIEM_TEST_ACC_WRITEL:
		writel(c->val, p);
		break;
	case PCIEM_TEST_ACC_WRITEQ:
		writeq(c->val, p);
		break;
	case PCIEM_TEST_ACC_IOREAD8:
		return ioread8(p);
	case PCIEM_TEST_ACC_IOREAD16:
		return ioread16(p);
	case PCIEM_TEST_ACC_IOREAD32:
		return ioread32(p);
	case PCIEM_TEST_ACC_IOWRITE8:
		iowrite8(c->val, p);
		break;
	case PCIEM_TEST_ACC_IOWRITE16:
		iowrite16(c->val, p);
		break;
	case PCIEM_TEST_ACC_IOWRITE32:
		iowrite32(c->val, p);
		break;
	case PCIEM_TEST_ACC_IOREAD32_REP:
		ioread32_rep(p, buf, c->n);
		break;
	case PCIEM_TEST_ACC_IOWRITE32_REP:
		iowrite32_rep(p, buf, c->n);
		break;
	case PCIEM_TEST_ACC_MEMCPY_TOIO:
		memcpy_toio(p, buf, c->n);
		break;
	case PCIEM_TEST_ACC_MEMCPY_FROMIO:
		memcpy_fromio(buf, p, c->n);
		break;
	case PCIEM_TEST_ACC_MEMSET_IO:
		memset_io(p, c->val, c->n);
		break;
	case PCIEM_TEST_ACC_LOCKINC:
		/* A read-modify-write of device memory: lock incl. */
		asm volatile("lock incl %0" : "+m" (*(u32 __force *)p));
		break;
	case PCIEM_TEST_ACC_ADDLOAD: {
		/* A load folded into arithmetic: addl mem, reg; reg was 1. */
		u32 v = 1;

		asm volatile("addl %1, %0" : "+r" (v) : "m" (*(u32 __force *)p));
		return v;
	}
	}
	return 0;
}

/*
 * Write the result line of @c into the page @out; returns its length, or
 * -EFBIG if it does not fit.
 */
static ssize_t pciem_test_acc_format(char *out,
				     const struct pciem_test_acc_cmd *c,
				     const void *buf, u64 val)
{
	const u32 *words = buf;
	const u8 *bytes = buf;
	size_t len = 0;
	u32 i, sum = 0;
	char *end;

	switch (pciem_test_accs[c->op].kind) {
	case PCIEM_TEST_ACC_RD:
		return scnprintf(out, PAGE_SIZE, "0x%llx\n", val);
	case PCIEM_TEST_ACC_RD_REP:
		for (i = 0; i < c->n; i++) {
			len += scnprintf(out + len, PAGE_SIZE - len, "%s0x%x",
					 i ? "," : "", words[i]);
			/* Never hand out a cut line; the newline needs room. */
			if (len >= PAGE_SIZE - 1)
				return -EFBIG;
		}
		return len + scnprintf(out + len, PAGE_SIZE - len, "\n");
	case PCIEM_TEST_ACC_FROMIO:
		if (c->n <= PCIEM_TEST_ACC_HEX_MAX) {
			end = bin2hex(out, bytes, c->n);
			*end++ = '\n';
			*end = '\0';
			return end - out;
		}
		for (i = 0; i < c->n; i++)
			sum += bytes[i];
		return scnprintf(out, PAGE_SIZE, "sum=0x%x\n", sum);
	default:
		return scnprintf(out, PAGE_SIZE, "ok\n");
	}
}

static int pciem_test_acc_locked(struct pciem_test *pt,
				 const struct pciem_test_map *m,
				 const struct pciem_test_acc_cmd *c, void *buf)
{
	u64 val;

	lockdep_assert_held(&pt->lock);

	/* Before the access, so that no access goes without its result. */
	if (!pt->acc_out) {
		pt->acc_out = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (!pt->acc_out)
			return -ENOMEM;
	}
	val = pciem_test_acc_do(c, m->io + c->off, buf);
	pt->acc_len = pciem_test_acc_format(pt->acc_out, c, buf, val);
	return 0;
}

/*
 * access: one call of one MMIO accessor on the BAR's current I/O mapping
 * (not a memremap one), at OFF from the start of the mapping:
 *
 *   readb|readw|readl|readq BAR OFF
 *   writeb|writew|writel|writeq BAR OFF VALUE
 *   ioread8|ioread16|ioread32 BAR OFF
 *   iowrite8|iowrite16|iowrite32 BAR OFF VALUE
 *   ioread32_rep BAR OFF COUNT        COUNT dwords, all from OFF
 *   iowrite32_rep BAR OFF COUNT SEED  dword i = pciem_pattern(SEED, i), to OFF
 *   memcpy_toio BAR OFF LEN SEED      byte j = (u8)pciem_pattern(SEED, j)
 *   memcpy_fromio BAR OFF LEN
 *   memset_io BAR OFF LEN BYTE
 *
 * COUNT is 1 to 1024, LEN 1 to 65536.  Read: the result of the last
 * command that was carried out ("none" before the first): "0x%llx" for a
 * single read; "0x%x,0x%x,..." for ioread32_rep, or -EFBIG if that does
 * not fit in a page; for memcpy_fromio, the bytes in hex ("00ff10...") if
 * LEN is at most 2047, else "sum=0x%x", their sum as a u32; "ok" for the
 * writing accessors.
 */
static ssize_t access_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	char *argv[PCIEM_TEST_ARGS_MAX];
	char line[PCIEM_TEST_CMD_MAX];
	struct pciem_test_acc_cmd c;
	struct pciem_test_map *m;
	void *data = NULL;
	int argc, ret;

	argc = pciem_test_parse(dev, "access", buf, line, argv);
	if (argc < 0)
		return argc;
	ret = pciem_test_acc_parse(dev, argv, argc, &c);
	if (ret)
		return ret;

	if (c.buf_len) {
		data = kvmalloc(c.buf_len, GFP_KERNEL);
		if (!data)
			return -ENOMEM;
		pciem_test_acc_fill(&c, data);
	}

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		goto out_free;
	m = pciem_test_get_map(pt, "access", c.bar);
	if (!m) {
		ret = -EINVAL;
	} else if (!m->io) {
		dev_err(dev, "access: BAR %u is mapped with %s, which gives no __iomem pointer\n",
			c.bar, pciem_test_api_names[m->api]);
		ret = -EINVAL;
	} else if (!pciem_test_unchecked_access &&
		   (c.off > m->len || c.size > m->len - c.off)) {
		dev_err(dev, "access: %llu bytes at 0x%llx are outside the 0x%llx-byte mapping of BAR %u\n",
			c.size, c.off, m->len, c.bar);
		ret = -EINVAL;
	} else {
		ret = pciem_test_acc_locked(pt, m, &c, data);
	}
	mutex_unlock(&pt->lock);
out_free:
	kvfree(data);

	return ret ? ret : count;
}

static ssize_t access_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	ssize_t len;
	int ret;

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	if (!pt->acc_len)
		len = sysfs_emit(buf, "none\n");
	else if (pt->acc_len < 0)
		len = pt->acc_len;
	else
		len = sysfs_emit(buf, "%s", pt->acc_out);
	mutex_unlock(&pt->lock);

	if (len == -EFBIG)
		dev_err(dev, "access: the values read do not fit in one read\n");
	return len;
}
static DEVICE_ATTR_ADMIN_RW(access);

/*
 * A whole 256 MiB BAR is 64 Mi words, and trapped pages make each access
 * slow: give the CPU away regularly, and let a killed writer give up.
 */
static int pciem_test_pause(void)
{
	cond_resched();
	return fatal_signal_pending(current) ? -EINTR : 0;
}

static int pciem_test_fill(const struct pciem_test_map *m, u32 seed)
{
	u64 i, words = m->len / sizeof(u32);
	int ret;

	for (i = 0; i < words; i++) {
		u32 want = pciem_pattern(seed, i);

		if (m->mem)
			WRITE_ONCE(((u32 *)m->mem)[i], want);
		else
			writel(want, m->io + i * sizeof(u32));

		if ((i + 1) % PCIEM_TEST_BATCH == 0) {
			ret = pciem_test_pause();
			if (ret)
				return ret;
		}
	}
	return 0;
}

static int pciem_test_check(struct pciem_test *pt,
			    const struct pciem_test_map *m, u32 seed)
{
	u64 i, bad = 0, words = m->len / sizeof(u32);
	int ret;

	lockdep_assert_held(&pt->lock);

	for (i = 0; i < words; i++) {
		u32 want = pciem_pattern(seed, i);
		u32 got;

		if (m->mem)
			got = READ_ONCE(((u32 *)m->mem)[i]);
		else
			got = readl(m->io + i * sizeof(u32));

		if (got != want && !bad++) {
			pt->first_bad = i;
			pt->first_got = got;
			pt->first_want = want;
		}

		if ((i + 1) % PCIEM_TEST_BATCH == 0) {
			ret = pciem_test_pause();
			if (ret)
				return ret;
		}
	}
	pt->bad = bad;
	return 0;
}

static ssize_t pattern_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	char *argv[PCIEM_TEST_ARGS_MAX];
	char line[PCIEM_TEST_CMD_MAX];
	struct pciem_test_map *m;
	unsigned int bar;
	bool fill;
	int argc, ret;
	u32 seed;

	argc = pciem_test_parse(dev, "pattern", buf, line, argv);
	if (argc < 0)
		return argc;
	fill = !strcmp(argv[0], "fill");
	if (argc != 3 || (!fill && strcmp(argv[0], "check"))) {
		dev_err(dev, "pattern: expected \"fill BAR SEED\" or \"check BAR SEED\"\n");
		return -EINVAL;
	}
	ret = pciem_test_parse_bar(dev, "pattern", argv[1], &bar);
	if (ret)
		return ret;
	if (kstrtou32(argv[2], 0, &seed)) {
		dev_err(dev, "pattern: bad seed '%s'\n", argv[2]);
		return -EINVAL;
	}

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	m = pciem_test_get_map(pt, "pattern", bar);
	if (!m)
		ret = -EINVAL;
	else if (fill)
		ret = pciem_test_fill(m, seed);
	else
		ret = pciem_test_check(pt, m, seed);
	mutex_unlock(&pt->lock);

	return ret ? ret : count;
}

static ssize_t pattern_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	ssize_t len;
	int ret;

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	if (pt->bad)
		len = sysfs_emit(buf, "%llu first=%llu got=0x%x want=0x%x\n",
				 pt->bad, pt->first_bad, pt->first_got,
				 pt->first_want);
	else
		len = sysfs_emit(buf, "0\n");
	mutex_unlock(&pt->lock);

	return len;
}
static DEVICE_ATTR_ADMIN_RW(pattern);

static ssize_t info_show(struct device *dev, struct device_attribute *attr,
			 char *buf)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	unsigned int bar;
	ssize_t len = 0;
	int ret;

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		const struct pciem_test_map *m = &pt->maps[bar];

		if (!m->mapped)
			continue;
		/* The address is hashed, as everywhere in the kernel log. */
		len += sysfs_emit_at(buf, len,
				     "bar=%u api=%s off=0x%llx len=0x%llx va=%p\n",
				     bar, pciem_test_api_names[m->api],
				     m->off, m->len,
				     m->mem ? m->mem : (__force void *)m->io);
	}
	mutex_unlock(&pt->lock);

	return len;
}
static DEVICE_ATTR_ADMIN_RO(info);

static irqreturn_t pciem_test_isr(int irq, void *data)
{
	struct pciem_test_vec *v = data;
	u64 __iomem *src = READ_ONCE(v->pt->lat_src);

	/* The injecting process stored its clock in BAR memory just before. */
	if (src) {
		u64 d = ktime_get_ns() - readq(src);
		int i = atomic_inc_return(&v->pt->lat_n) - 1;

		if (i < PCIEM_TEST_LAT_MAX)
			v->pt->lat[i] = d;
	}
	atomic_inc(&v->count);
	/* INJECT_IRQ promises hard-irq context: count every breach. */
	if (!in_hardirq())
		atomic_inc(&v->pt->nothardirq);
	return IRQ_HANDLED;
}

/*
 * Allocate @n vectors of @type and request a handler on each, all or
 * nothing.  @what prefixes the messages (the sysfs file or probe).
 */
static int pciem_test_irq_alloc_locked(struct pciem_test *pt,
				       const char *what,
				       enum pciem_test_irq_type type,
				       unsigned int n)
{
	struct pci_dev *pdev = pt->pdev;
	struct pciem_test_vec *vecs;
	unsigned int i;
	int ret;

	lockdep_assert_held(&pt->lock);

	if (pt->irq_type != PCIEM_TEST_IRQ_NONE) {
		dev_err(&pdev->dev, "%s: %u %s vector(s) already allocated\n",
			what, pt->nvec, pciem_test_irq_names[pt->irq_type]);
		return -EBUSY;
	}
	if (!n || n > pciem_test_irq_max[type]) {
		dev_err(&pdev->dev, "%s: %s takes 1 to %u vectors, not %u\n",
			what, pciem_test_irq_names[type],
			pciem_test_irq_max[type], n);
		return -EINVAL;
	}

	vecs = kvcalloc(n, sizeof(*vecs), GFP_KERNEL);
	if (!vecs)
		return -ENOMEM;

	ret = pci_alloc_irq_vectors(pdev, n, n, pciem_test_irq_flags[type]);
	if (ret < 0) {
		dev_err(&pdev->dev, "%s: allocating %u %s vector(s) failed: %d\n",
			what, n, pciem_test_irq_names[type], ret);
		goto err_free;
	}

	for (i = 0; i < n; i++) {
		struct pciem_test_vec *v = &vecs[i];

		v->pt = pt;
		ret = pci_irq_vector(pdev, i);
		if (ret < 0) {
			dev_err(&pdev->dev, "%s: no irq for vector %u: %d\n",
				what, i, ret);
			goto err_irqs;
		}
		v->irq = ret;
		snprintf(v->name, sizeof(v->name), "pciem_test-%s-%u",
			 pci_name(pdev), i);
		/*
		 * disable_irq() must mask the vector in the device at once,
		 * not on the next interrupt, or a test of pending bits would
		 * see one delivery it did not expect.
		 */
		irq_set_status_flags(v->irq, IRQ_DISABLE_UNLAZY);
		ret = request_irq(v->irq, pciem_test_isr,
				  type == PCIEM_TEST_IRQ_LEGACY ? IRQF_SHARED : 0,
				  v->name, v);
		if (ret) {
			dev_err(&pdev->dev, "%s: request_irq(%d) for vector %u failed: %d\n",
				what, v->irq, i, ret);
			goto err_irqs;
		}
	}

	atomic_set(&pt->nothardirq, 0);
	pt->irq_type = type;
	pt->nvec = n;
	pt->vecs = vecs;
	return 0;

err_irqs:
	while (i--)
		free_irq(vecs[i].irq, &vecs[i]);
	pci_free_irq_vectors(pdev);
err_free:
	kvfree(vecs);
	return ret;
}

static void pciem_test_irq_free_locked(struct pciem_test *pt)
{
	unsigned int i;

	lockdep_assert_held(&pt->lock);

	if (pt->irq_type == PCIEM_TEST_IRQ_NONE)
		return;

	for (i = 0; i < pt->nvec; i++) {
		struct pciem_test_vec *v = &pt->vecs[i];

		/* An INTx line may be shared: leave it enabled as found. */
		for (; v->depth; v->depth--)
			enable_irq(v->irq);
		free_irq(v->irq, v);
	}
	pci_free_irq_vectors(pt->pdev);
	kvfree(pt->vecs);
	pt->vecs = NULL;
	pt->nvec = 0;
	pt->irq_type = PCIEM_TEST_IRQ_NONE;
}

/* Handler invocations so far, all vectors together. */
static u64 pciem_test_irq_total(struct pciem_test *pt)
{
	unsigned int i;
	u64 total = 0;

	lockdep_assert_held(&pt->lock);

	for (i = 0; i < pt->nvec; i++)
		total += (unsigned int)atomic_read(&pt->vecs[i].count);
	return total;
}

/* Resolve the vector of a mask or unmask command, or complain. */
static struct pciem_test_vec *pciem_test_irq_vec(struct pciem_test *pt,
						 const char *tok)
{
	unsigned int vec;

	lockdep_assert_held(&pt->lock);

	if (pt->irq_type == PCIEM_TEST_IRQ_NONE) {
		dev_err(&pt->pdev->dev, "vectors: no vectors allocated\n");
		return NULL;
	}
	if (kstrtouint(tok, 0, &vec) || vec >= pt->nvec) {
		dev_err(&pt->pdev->dev, "vectors: bad vector '%s' (%u allocated)\n",
			tok, pt->nvec);
		return NULL;
	}
	return &pt->vecs[vec];
}

static ssize_t vectors_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	char *argv[PCIEM_TEST_ARGS_MAX];
	char line[PCIEM_TEST_CMD_MAX];
	struct pciem_test_vec *v;
	unsigned int i, n = 0;
	int argc, type = 0, ret;
	const char *cmd;

	argc = pciem_test_parse(dev, "vectors", buf, line, argv);
	if (argc < 0)
		return argc;
	cmd = argv[0];
	if (!strcmp(cmd, "alloc") && argc == 3) {
		type = match_string(pciem_test_irq_names,
				    ARRAY_SIZE(pciem_test_irq_names), argv[1]);
		if (type <= PCIEM_TEST_IRQ_NONE) {
			dev_err(dev, "vectors: unknown type '%s' (msix, msi or legacy)\n",
				argv[1]);
			return -EINVAL;
		}
		if (kstrtouint(argv[2], 0, &n)) {
			dev_err(dev, "vectors: bad vector count '%s'\n", argv[2]);
			return -EINVAL;
		}
	} else if (!((!strcmp(cmd, "free") || !strcmp(cmd, "reset")) &&
		     argc == 1) &&
		   !((!strcmp(cmd, "mask") || !strcmp(cmd, "unmask")) &&
		     argc == 2)) {
		dev_err(dev, "vectors: expected \"alloc TYPE N\", \"free\", \"mask V\", \"unmask V\" or \"reset\"\n");
		return -EINVAL;
	}

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	if (!strcmp(cmd, "alloc")) {
		ret = pciem_test_irq_alloc_locked(pt, "vectors", type, n);
	} else if (!strcmp(cmd, "free")) {
		if (pt->irq_type == PCIEM_TEST_IRQ_NONE) {
			dev_err(dev, "vectors: no vectors allocated\n");
			ret = -EINVAL;
		} else {
			pciem_test_irq_free_locked(pt);
		}
	} else if (!strcmp(cmd, "reset")) {
		for (i = 0; i < pt->nvec; i++)
			atomic_set(&pt->vecs[i].count, 0);
		atomic_set(&pt->nothardirq, 0);
	} else {
		v = pciem_test_irq_vec(pt, argv[1]);
		if (!v) {
			ret = -EINVAL;
		} else if (!strcmp(cmd, "mask")) {
			disable_irq(v->irq);
			v->depth++;
		} else if (!v->depth) {
			dev_err(dev, "vectors: vector %s is not masked\n", argv[1]);
			ret = -EINVAL;
		} else {
			v->depth--;
			enable_irq(v->irq);
		}
	}
	mutex_unlock(&pt->lock);

	return ret ? ret : count;
}

static ssize_t vectors_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	unsigned int i, nvec;
	ssize_t len;
	int ret;

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	nvec = pt->nvec;
	len = sysfs_emit(buf, "type=%s n=%u counts=",
			 pciem_test_irq_names[pt->irq_type], nvec);
	for (i = 0; i < nvec; i++)
		len += sysfs_emit_at(buf, len, "%s%u", i ? "," : "",
				     (unsigned int)atomic_read(&pt->vecs[i].count));
	len += sysfs_emit_at(buf, len, " nothardirq=%u irqs=",
			     (unsigned int)atomic_read(&pt->nothardirq));
	for (i = 0; i < nvec; i++)
		len += sysfs_emit_at(buf, len, "%s%d", i ? "," : "",
				     pt->vecs[i].irq);
	len += sysfs_emit_at(buf, len, "\n");
	mutex_unlock(&pt->lock);

	/* A page holds a few hundred vectors: never hand out a cut line. */
	if (len >= PAGE_SIZE - 1) {
		dev_err(dev, "vectors: %u vectors do not fit in one read\n", nvec);
		return -EFBIG;
	}
	return len;
}
static DEVICE_ATTR_ADMIN_RW(vectors);

/*
 * Write 1 to CONTROL @n times, then wait up to @timeout_ms for the device
 * to show @n in COUNTER, and record what happened for counter_show().
 */
static int pciem_test_counter_run(struct pciem_test *pt,
				  const struct pciem_test_map *m,
				  u32 n, unsigned int timeout_ms)
{
	ktime_t start = ktime_get(), deadline;
	u64 before = pciem_test_irq_total(pt);
	u32 i, counter = 0;
	int ret = 0;

	lockdep_assert_held(&pt->lock);

	for (i = 0; i < n; i++) {
		pciem_test_write(m, PCIEM_TEST_REG_CONTROL, 4, 1);
		if ((i + 1) % PCIEM_TEST_FLOOD_BATCH == 0) {
			ret = pciem_test_pause();
			if (ret)
				goto out;
		}
	}

	deadline = ktime_add_ms(ktime_get(), timeout_ms);
	for (;;) {
		counter = pciem_test_read(m, PCIEM_TEST_REG_COUNTER, 4);
		if (counter == n || ktime_after(ktime_get(), deadline))
			break;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		usleep_range(100, 200);
	}

out:
	pt->run_counter = counter;
	pt->run_irqs = pciem_test_irq_total(pt) - before;
	pt->run_ms = ktime_ms_delta(ktime_get(), start);
	return ret;
}

static ssize_t counter_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	char *argv[PCIEM_TEST_ARGS_MAX];
	char line[PCIEM_TEST_CMD_MAX];
	struct pciem_test_map *m;
	unsigned int timeout_ms;
	int argc, ret;
	u32 n;

	argc = pciem_test_parse(dev, "counter", buf, line, argv);
	if (argc < 0)
		return argc;
	if (argc != 3 || strcmp(argv[0], "run")) {
		dev_err(dev, "counter: expected \"run N TIMEOUT_MS\"\n");
		return -EINVAL;
	}
	if (kstrtou32(argv[1], 0, &n)) {
		dev_err(dev, "counter: bad count '%s'\n", argv[1]);
		return -EINVAL;
	}
	if (kstrtouint(argv[2], 0, &timeout_ms) ||
	    timeout_ms > PCIEM_TEST_RUN_MAX_MS) {
		dev_err(dev, "counter: bad timeout '%s' (at most %u ms)\n",
			argv[2], PCIEM_TEST_RUN_MAX_MS);
		return -EINVAL;
	}

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	if (pt->irq_type == PCIEM_TEST_IRQ_NONE) {
		dev_err(dev, "counter: no interrupts allocated (irq alloc first)\n");
		ret = -EINVAL;
		goto out;
	}
	m = pciem_test_get_map(pt, "counter", 0);
	if (!m) {
		ret = -EINVAL;
	} else if (m->off || m->len < PCIEM_TEST_REG_COUNTER + 4) {
		dev_err(dev, "counter: the mapping of BAR 0 does not cover its registers\n");
		ret = -EINVAL;
	} else {
		ret = pciem_test_counter_run(pt, m, n, timeout_ms);
	}
out:
	mutex_unlock(&pt->lock);

	return ret ? ret : count;
}

static ssize_t counter_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	ssize_t len;
	int ret;

	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	len = sysfs_emit(buf, "counter=%u irqs=%llu ms=%lld\n",
			 pt->run_counter, pt->run_irqs, pt->run_ms);
	mutex_unlock(&pt->lock);

	return len;
}
static DEVICE_ATTR_ADMIN_RW(counter);

static ssize_t cfgflood_store(struct device *dev,
			      struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	char *argv[PCIEM_TEST_ARGS_MAX];
	char line[PCIEM_TEST_CMD_MAX];
	unsigned int off;
	int argc, ret;
	u32 i, n;

	argc = pciem_test_parse(dev, "cfgflood", buf, line, argv);
	if (argc < 0)
		return argc;
	if (argc != 2) {
		dev_err(dev, "cfgflood: expected \"N OFFSET\"\n");
		return -EINVAL;
	}
	if (kstrtou32(argv[0], 0, &n)) {
		dev_err(dev, "cfgflood: bad count '%s'\n", argv[0]);
		return -EINVAL;
	}
	if (kstrtouint(argv[1], 0, &off) || off % 4 ||
	    off >= PCI_CFG_SPACE_EXP_SIZE) {
		dev_err(dev, "cfgflood: bad offset '%s' (aligned dword below 0x%x)\n",
			argv[1], PCI_CFG_SPACE_EXP_SIZE);
		return -EINVAL;
	}

	/* No mutex: the device stays bound while this callback runs. */
	for (i = 0; i < n; i++) {
		ret = pci_write_config_dword(pt->pdev, off, i);
		if (ret) {
			dev_err(dev, "cfgflood: write %u of %u at 0x%x failed: %d\n",
				i, n, off, ret);
			return pcibios_err_to_errno(ret);
		}
		if ((i + 1) % PCIEM_TEST_FLOOD_BATCH == 0) {
			ret = pciem_test_pause();
			if (ret)
				return ret;
		}
	}
	return count;
}
static DEVICE_ATTR_WO(cfgflood);

static ssize_t mmioflood_store(struct device *dev,
			       struct device_attribute *attr,
			       const char *buf, size_t count)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	char *argv[PCIEM_TEST_ARGS_MAX];
	char line[PCIEM_TEST_CMD_MAX];
	struct pciem_test_map *m;
	unsigned int bar;
	u64 i = 0, end, off;
	u32 n, gap_us = 0;
	int argc, ret;

	argc = pciem_test_parse(dev, "mmioflood", buf, line, argv);
	if (argc < 0)
		return argc;
	if (argc != 3 && argc != 4) {
		dev_err(dev, "mmioflood: expected \"N BAR OFFSET [GAP_US]\"\n");
		return -EINVAL;
	}
	if (argc == 4 && (kstrtou32(argv[3], 0, &gap_us) || gap_us > 100000)) {
		dev_err(dev, "mmioflood: bad gap '%s' (0-100000 us)\n", argv[3]);
		return -EINVAL;
	}
	if (kstrtou32(argv[0], 0, &n)) {
		dev_err(dev, "mmioflood: bad count '%s'\n", argv[0]);
		return -EINVAL;
	}
	ret = pciem_test_parse_bar(dev, "mmioflood", argv[1], &bar);
	if (ret)
		return ret;
	ret = pciem_test_parse_u64(dev, "mmioflood", "offset", argv[2], &off);
	if (ret)
		return ret;
	if (off % 4) {
		dev_err(dev, "mmioflood: offset 0x%llx is not dword-aligned\n",
			off);
		return -EINVAL;
	}

	/*
	 * The mutex is dropped between batches so that other files stay
	 * usable during a long flood; each batch uses the BAR's mapping of
	 * the moment and stops if it is gone.
	 */
	while (i < n) {
		ret = mutex_lock_interruptible(&pt->lock);
		if (ret)
			return ret;
		m = pciem_test_get_map(pt, "mmioflood", bar);
		if (!m) {
			ret = -EINVAL;
		} else if (off > m->len || m->len - off < 4) {
			dev_err(dev, "mmioflood: 4 bytes at 0x%llx are outside the 0x%llx-byte mapping of BAR %u\n",
				off, m->len, bar);
			ret = -EINVAL;
		} else {
			/* Paced writes go one at a time, a gap after each. */
			end = min_t(u64, n, i + (gap_us ? 1 : PCIEM_TEST_FLOOD_BATCH));
			for (; i < end; i++)
				pciem_test_write(m, off, 4, (u32)i);
		}
		mutex_unlock(&pt->lock);
		if (ret)
			return ret;

		if (gap_us)
			usleep_range(gap_us, gap_us + gap_us / 4 + 1);
		ret = pciem_test_pause();
		if (ret)
			return ret;
	}
	return count;
}
static DEVICE_ATTR_WO(mmioflood);

/*
 * timeloop: "write N BAR OFF" or "read N BAR OFF" times N writel()s of
 * 0..N-1 (or N readl()s) at OFF of the BAR's mapping, back to back, for the
 * benchmarks; with MS, it stops after MS milliseconds (checked every 1024
 * accesses), for tests that keep a driver busy while something changes.
 * Read: "n=N ns=TOTAL" of the last loop.
 */
static ssize_t timeloop_store(struct device *dev, struct device_attribute *attr,
			      const char *buf, size_t count)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	char *argv[PCIEM_TEST_ARGS_MAX];
	char line[PCIEM_TEST_CMD_MAX];
	struct pciem_test_map *m;
	unsigned int bar;
	bool write;
	u64 off, i;
	ktime_t t0, end = KTIME_MAX;
	int argc, ret;
	u32 n, ms;

	argc = pciem_test_parse(dev, "timeloop", buf, line, argv);
	if (argc < 0)
		return argc;
	if ((argc != 4 && argc != 5) ||
	    (strcmp(argv[0], "write") && strcmp(argv[0], "read")) ||
	    kstrtou32(argv[1], 0, &n) || !n ||
	    (argc == 5 && (kstrtou32(argv[4], 0, &ms) || !ms || ms > 10000))) {
		dev_err(dev, "timeloop: expected \"write|read N BAR OFF [MS]\" (MS up to 10000)\n");
		return -EINVAL;
	}
	write = !strcmp(argv[0], "write");
	ret = pciem_test_parse_bar(dev, "timeloop", argv[2], &bar);
	if (ret)
		return ret;
	ret = pciem_test_parse_u64(dev, "timeloop", "offset", argv[3], &off);
	if (ret)
		return ret;
	ret = mutex_lock_interruptible(&pt->lock);
	if (ret)
		return ret;
	m = pciem_test_get_map(pt, "timeloop", bar);
	if (!m || !m->io || off % 4 || off > m->len || m->len - off < 4) {
		dev_err(dev, "timeloop: need an aligned dword inside an I/O mapping of BAR %u\n",
			bar);
		ret = -EINVAL;
		goto out;
	}
	t0 = ktime_get();
	if (argc == 5)
		end = ktime_add_ms(t0, ms);
	for (i = 0; i < n; i++) {
		if (write)
			writel(i, m->io + off);
		else
			readl(m->io + off);
		if (!(i & 1023) && ktime_after(ktime_get(), end)) {
			i++;
			break;
		}
	}
	n = i;
	pt->loop_ns = ktime_to_ns(ktime_sub(ktime_get(), t0));
	pt->loop_n = n;
	ret = count;
out:
	mutex_unlock(&pt->lock);
	return ret;
}

static ssize_t timeloop_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	ssize_t len;

	mutex_lock(&pt->lock);
	len = sysfs_emit(buf, "n=%u ns=%llu\n", pt->loop_n, pt->loop_ns);
	mutex_unlock(&pt->lock);
	return len;
}
static DEVICE_ATTR_ADMIN_RW(timeloop);

/* Stop measuring; no handler uses the samples or the mapping afterwards. */
static void pciem_test_lat_stop_locked(struct pciem_test *pt)
{
	unsigned int i;

	WRITE_ONCE(pt->lat_src, NULL);
	for (i = 0; i < pt->nvec; i++)
		synchronize_irq(pt->vecs[i].irq);
}

static int pciem_test_u64_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * latency: "BAR OFF" starts measuring INJECT_IRQ latency: each handler
 * call records ktime_get_ns() minus the u64 at OFF in BAR (CLOCK_MONOTONIC,
 * stored there by the device process just before it injects); "off" stops.
 * Read: "n=N p50=NS p99=NS max=NS" over the samples of the last run.
 */
static ssize_t latency_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	char *argv[PCIEM_TEST_ARGS_MAX];
	char line[PCIEM_TEST_CMD_MAX];
	struct pciem_test_map *m;
	unsigned int bar;
	int argc, ret;
	u64 off;

	argc = pciem_test_parse(dev, "latency", buf, line, argv);
	if (argc < 0)
		return argc;
	mutex_lock(&pt->lock);
	if (argc == 1 && !strcmp(argv[0], "off")) {
		pciem_test_lat_stop_locked(pt);
		ret = count;
		goto out;
	}
	ret = -EINVAL;
	if (argc != 2) {
		dev_err(dev, "latency: expected \"BAR OFF\" or \"off\"\n");
		goto out;
	}
	if (pciem_test_parse_bar(dev, "latency", argv[0], &bar) ||
	    pciem_test_parse_u64(dev, "latency", "offset", argv[1], &off))
		goto out;
	m = pciem_test_get_map(pt, "latency", bar);
	if (!m)
		goto out;
	if (!m->io || off % 8 || off > m->len || m->len - off < 8) {
		dev_err(dev, "latency: need an aligned u64 inside an I/O mapping of BAR %u\n",
			bar);
		goto out;
	}
	if (pt->lat_src) {
		dev_err(dev, "latency: already measuring\n");
		ret = -EBUSY;
		goto out;
	}
	if (!pt->lat) {
		pt->lat = kvcalloc(PCIEM_TEST_LAT_MAX, sizeof(*pt->lat),
				   GFP_KERNEL);
		if (!pt->lat) {
			ret = -ENOMEM;
			goto out;
		}
	}
	atomic_set(&pt->lat_n, 0);
	pt->lat_bar = bar;
	WRITE_ONCE(pt->lat_src, m->io + off);
	ret = count;
out:
	mutex_unlock(&pt->lock);
	return ret;
}

static ssize_t latency_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct pciem_test *pt = dev_get_drvdata(dev);
	u64 *sorted = NULL;
	unsigned int n;
	ssize_t ret;

	mutex_lock(&pt->lock);
	n = min_t(unsigned int, atomic_read(&pt->lat_n), PCIEM_TEST_LAT_MAX);
	if (n && !pt->lat_src) {
		sorted = kvmalloc_array(n, sizeof(*sorted), GFP_KERNEL);
		if (sorted)
			memcpy(sorted, pt->lat, n * sizeof(*sorted));
	}
	mutex_unlock(&pt->lock);
	if (!n)
		return sysfs_emit(buf, "n=0\n");
	if (!sorted)
		return -EBUSY;	/* still measuring, or no memory */
	sort(sorted, n, sizeof(*sorted), pciem_test_u64_cmp, NULL);
	ret = sysfs_emit(buf, "n=%u p50=%llu p99=%llu max=%llu\n", n,
			 sorted[n / 2], sorted[n * 99 / 100], sorted[n - 1]);
	kvfree(sorted);
	return ret;
}
static DEVICE_ATTR_ADMIN_RW(latency);

static struct attribute *pciem_test_attrs[] = {
	&dev_attr_map.attr,
	&dev_attr_unmap.attr,
	&dev_attr_mmio.attr,
	&dev_attr_access.attr,
	&dev_attr_pattern.attr,
	&dev_attr_info.attr,
	&dev_attr_vectors.attr,
	&dev_attr_latency.attr,
	&dev_attr_timeloop.attr,
	&dev_attr_counter.attr,
	&dev_attr_cfgflood.attr,
	&dev_attr_mmioflood.attr,
	NULL
};
ATTRIBUTE_GROUPS(pciem_test);

/* Free the interrupts and every mapping; returns the mappings released. */
static unsigned int pciem_test_release(struct pciem_test *pt)
{
	unsigned int bar, unmapped = 0;

	mutex_lock(&pt->lock);
	pciem_test_lat_stop_locked(pt);
	pciem_test_irq_free_locked(pt);
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (pt->maps[bar].mapped) {
			pciem_test_unmap_locked(pt, bar);
			unmapped++;
		}
	}
	kvfree(pt->lat);
	pt->lat = NULL;
	kfree(pt->acc_out);
	pt->acc_out = NULL;
	pt->acc_len = 0;
	mutex_unlock(&pt->lock);
	return unmapped;
}

/* The interrupts asked for by the probe_irq_* parameters, if any. */
static int pciem_test_probe_irqs(struct pciem_test *pt)
{
	const char *name = pciem_test_probe_irq_type;
	int type, ret;

	if (!name || !*name)
		return 0;
	type = match_string(pciem_test_irq_names,
			    ARRAY_SIZE(pciem_test_irq_names), name);
	if (type < 0) {
		dev_err(&pt->pdev->dev,
			"probe: unknown probe_irq_type '%s' (msix, msi or legacy)\n",
			name);
		return -EINVAL;
	}
	if (type == PCIEM_TEST_IRQ_NONE)
		return 0;

	mutex_lock(&pt->lock);
	ret = pciem_test_irq_alloc_locked(pt, "probe", type,
					  pciem_test_probe_irq_count);
	mutex_unlock(&pt->lock);
	return ret;
}

/*
 * Linger in probe() as a slow driver would, talking to the device all the
 * while.  If the device process dies meanwhile, the device's removal waits
 * for probe() to return and remove() then releases everything; reads that
 * nobody answers any more give all-ones, which is fine here.
 */
static void pciem_test_probe_delay(struct pciem_test *pt)
{
	const struct pciem_test_map *m = &pt->maps[0];
	bool talk = m->mapped && !m->off &&
		    m->len >= PCIEM_TEST_REG_COUNTER + 4;
	ktime_t end = ktime_add_ms(ktime_get(), pciem_test_probe_delay_ms);

	/* msleep(10) may sleep 20 ms: keep time by the clock, not by steps. */
	while (ktime_before(ktime_get(), end)) {
		usleep_range(10000, 11000);
		if (talk)
			pciem_test_read(m, PCIEM_TEST_REG_COUNTER, 4);
	}
}

static int pciem_test_probe(struct pci_dev *pdev,
			    const struct pci_device_id *id)
{
	struct pciem_test *pt;
	int ret;

	pt = devm_kzalloc(&pdev->dev, sizeof(*pt), GFP_KERNEL);
	if (!pt)
		return -ENOMEM;
	pt->pdev = pdev;
	mutex_init(&pt->lock);

	ret = pci_enable_device(pdev);
	if (ret) {
		dev_err(&pdev->dev, "cannot enable device: %d\n", ret);
		goto err_mutex;
	}
	pci_set_master(pdev);

	/* No lock needed: the sysfs files do not exist before probe() returns. */
	if (pciem_test_bar_is_mem(pdev, 0)) {
		struct pciem_test_map *m = &pt->maps[0];

		m->io = pci_iomap(pdev, 0, 0);
		if (!m->io) {
			dev_err(&pdev->dev, "cannot map BAR 0\n");
			ret = -ENOMEM;
			goto err_disable;
		}
		m->mapped = true;
		m->api = PCIEM_TEST_PCI_IOMAP;
		m->len = pci_resource_len(pdev, 0);
	}

	ret = pciem_test_probe_irqs(pt);
	if (ret)
		goto err_release;
	pciem_test_probe_delay(pt);

	pci_set_drvdata(pdev, pt);
	atomic_inc(&pciem_test_probed);
	dev_info(&pdev->dev, "probed %04x:%04x, BAR 0 %s\n",
		 pdev->vendor, pdev->device,
		 pt->maps[0].mapped ? "mapped" : "not a memory BAR");
	return 0;

err_release:
	pciem_test_release(pt);
err_disable:
	pci_disable_device(pdev);
err_mutex:
	mutex_destroy(&pt->lock);
	return ret;
}

/* With leak_on_remove, take BAR 0's mapping away from the cleanup. */
static void pciem_test_leak(struct pciem_test *pt)
{
	struct pciem_test_map *m = &pt->maps[0];

	if (!READ_ONCE(pciem_test_leak_on_remove) || !m->mapped ||
	    (m->api != PCIEM_TEST_PCI_IOMAP && m->api != PCIEM_TEST_IOREMAP))
		return;
	mutex_lock(&pciem_test_leak_lock);
	if (!pciem_test_leaked) {
		pciem_test_leaked = m->io;
		m->mapped = false;
		dev_info(&pt->pdev->dev, "leaving BAR 0 mapped, as asked\n");
	}
	mutex_unlock(&pciem_test_leak_lock);
}

static void pciem_test_remove(struct pci_dev *pdev)
{
	struct pciem_test *pt = pci_get_drvdata(pdev);
	unsigned int unmapped;

	pciem_test_leak(pt);
	unmapped = pciem_test_release(pt);
	pci_disable_device(pdev);
	mutex_destroy(&pt->lock);
	atomic_inc(&pciem_test_removed);
	dev_info(&pdev->dev, "removed, %u mapping(s) released\n", unmapped);
}

static const struct pci_device_id pciem_test_ids[] = {
	{ PCI_DEVICE(PCIEM_TEST_VENDOR, 0x5678) },
	{ PCI_DEVICE(PCIEM_TEST_VENDOR, 0x5679) },
	{ }
};
MODULE_DEVICE_TABLE(pci, pciem_test_ids);

static struct pci_driver pciem_test_driver = {
	.name		= "pciem_test",
	.id_table	= pciem_test_ids,
	.probe		= pciem_test_probe,
	.remove		= pciem_test_remove,
	/* pci_register_driver() copies this to .driver.dev_groups */
	.dev_groups	= pciem_test_groups,
};

static int __init pciem_test_init(void)
{
	return pci_register_driver(&pciem_test_driver);
}

static void __exit pciem_test_exit(void)
{
	pci_unregister_driver(&pciem_test_driver);
	/* Both APIs that may be leaked map memory BARs with ioremap(). */
	if (pciem_test_leaked)
		iounmap(pciem_test_leaked);
}

module_init(pciem_test_init);
module_exit(pciem_test_exit);

MODULE_DESCRIPTION("Test driver for PCIem synthetic PCI devices");
MODULE_LICENSE("GPL");
