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
 *   pattern  "fill BAR SEED" or "check BAR SEED"; read: last check result
 *   info     one line per mapped BAR
 *
 * Numbers accept a 0x prefix.  OFF is relative to the start of the mapping.
 *
 * Locking: each device's state is protected by its own mutex, taken by every
 * sysfs callback and by remove().  The files are registered through the
 * driver's dev_groups, so the driver core adds them only after probe() has
 * succeeded and removes them (waiting for callbacks in progress) before
 * remove() is called: a callback never runs without bound driver data.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#define PCIEM_TEST_VENDOR	0x1234

/* Longest command accepted by a sysfs file, and most words in one. */
#define PCIEM_TEST_CMD_MAX	128
#define PCIEM_TEST_ARGS_MAX	5

/* Words touched between two cond_resched() calls in fill and check. */
#define PCIEM_TEST_BATCH	4096

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
 * @bad: mismatching words found by the last pattern check
 * @first_bad: index of the first of them
 * @first_got: value read there
 * @first_want: value expected there
 */
struct pciem_test {
	struct pci_dev *pdev;
	struct mutex lock;	/* protects everything below */
	struct pciem_test_map maps[PCI_STD_NUM_BARS];
	u64 last_read;
	u64 bad;
	u64 first_bad;
	u32 first_got;
	u32 first_want;
};

/*
 * The test pattern: word i of a BAR filled with seed s holds
 * pciem_pattern(s, i).  User-space test programs compute the same function,
 * so the kernel and a device process can check each other's writes.
 */
static u32 pciem_pattern(u32 seed, u32 i)
{
	u32 x = seed ^ (i * 0x9e3779b1u);

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	x *= 0x297a2d39u;
	x ^= x >> 15;
	return x;
}

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

static void pciem_test_unmap_locked(struct pciem_test *pt, unsigned int bar)
{
	struct pciem_test_map *m = &pt->maps[bar];
	struct pci_dev *pdev = pt->pdev;

	lockdep_assert_held(&pt->lock);

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
		/* Raw address on purpose: root-only, and for debugging. */
		len += sysfs_emit_at(buf, len,
				     "bar=%u api=%s off=0x%llx len=0x%llx va=%px\n",
				     bar, pciem_test_api_names[m->api],
				     m->off, m->len,
				     m->mem ? m->mem : (__force void *)m->io);
	}
	mutex_unlock(&pt->lock);

	return len;
}
static DEVICE_ATTR_ADMIN_RO(info);

static struct attribute *pciem_test_attrs[] = {
	&dev_attr_map.attr,
	&dev_attr_unmap.attr,
	&dev_attr_mmio.attr,
	&dev_attr_pattern.attr,
	&dev_attr_info.attr,
	NULL
};
ATTRIBUTE_GROUPS(pciem_test);

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

	pci_set_drvdata(pdev, pt);
	atomic_inc(&pciem_test_probed);
	dev_info(&pdev->dev, "probed %04x:%04x, BAR 0 %s\n",
		 pdev->vendor, pdev->device,
		 pt->maps[0].mapped ? "mapped" : "not a memory BAR");
	return 0;

err_disable:
	pci_disable_device(pdev);
err_mutex:
	mutex_destroy(&pt->lock);
	return ret;
}

static void pciem_test_remove(struct pci_dev *pdev)
{
	struct pciem_test *pt = pci_get_drvdata(pdev);
	unsigned int bar, unmapped = 0;

	mutex_lock(&pt->lock);
	for (bar = 0; bar < PCI_STD_NUM_BARS; bar++) {
		if (pt->maps[bar].mapped) {
			pciem_test_unmap_locked(pt, bar);
			unmapped++;
		}
	}
	mutex_unlock(&pt->lock);

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
module_pci_driver(pciem_test_driver);

MODULE_DESCRIPTION("Test driver for PCIem synthetic PCI devices");
MODULE_LICENSE("GPL");
