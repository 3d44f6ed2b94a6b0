// SPDX-License-Identifier: MIT
/*
 * The NVMe controller's plugin: its parameters, the registers it finds in
 * the description (devices/nvme.yaml), and pciemd's hooks.
 *
 * Parameters (all optional but one namespace):
 *   serial, model, firmware    Identify's SN, MN and FR (ASCII, 20/40/8)
 *   queue_entries              entries a queue may have (CAP.MQES + 1)
 *   io_queues                  I/O queue pairs at most (below the doorbells)
 *   write_cache                a volatile write cache (Flush makes it durable)
 *   nsN_file                   namespace N's backing file (N from 1, in order)
 *   nsN_size                   its size (default: the existing file's)
 *   nsN_block_size             its LBA size, 512 (default) or 4096
 */
/* GNU and POSIX calls also when built alone with pkg-config's flags. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nvme.h"

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "NVMe structures are little-endian and read as they are");

static const char *const known_params[] = {
	"serial", "model", "firmware", "queue_entries", "io_queues",
	"write_cache",
};

static bool known_param(const char *key)
{
	unsigned int n;
	int end = 0;
	size_t i;

	for (i = 0; i < sizeof(known_params) / sizeof(known_params[0]); i++)
		if (!strcmp(key, known_params[i]))
			return true;
	if (sscanf(key, "ns%u_%n", &n, &end) != 1 || !end)
		return false;
	return !strcmp(key + end, "file") || !strcmp(key + end, "size") ||
	       !strcmp(key + end, "block_size");
}

/* Identify's ASCII fields: printable, space-padded, at most max long. */
static int text_param(struct pciem_device *dev, const char *key,
		      const char *def, char *out, size_t max)
{
	const char *v = pciem_param(dev, key);
	size_t i;

	if (!v)
		v = def;
	if (!*v || strlen(v) > max)
		return pciem_param_error(dev, key,
					 "'%s' is %zu characters; expected 1 to %zu",
					 v, strlen(v), max);
	for (i = 0; v[i]; i++)
		if (!isprint((unsigned char)v[i]) || (unsigned char)v[i] > 0x7e)
			return pciem_param_error(dev, key,
						 "'%s' has a character that is not printable ASCII; expected printable ASCII",
						 v);
	memset(out, ' ', max);
	memcpy(out, v, strlen(v));
	out[max] = '\0';
	return 0;
}

static const struct pciem_register *need_reg(struct nvme_ctrl *c,
					     const char *name, int *ret)
{
	const struct pciem_register *r = pciem_reg_find(c->dev, name);

	if (!r && !*ret) {
		pciem_log(c->dev, PCIEM_LOG_ERR,
			  "the description has no register %s; expected the registers of devices/nvme.yaml",
			  name);
		*ret = -EINVAL;
	}
	return r;
}

/* The doorbells are the register arrays SQTDBL and CQHDBL, one per queue. */
static int find_registers(struct nvme_ctrl *c)
{
	int ret = 0;
	char name[32];
	unsigned int n;

	c->cap = need_reg(c, "CAP", &ret);
	c->vs = need_reg(c, "VS", &ret);
	c->intms = need_reg(c, "INTMS", &ret);
	c->intmc = need_reg(c, "INTMC", &ret);
	c->cc_reg = need_reg(c, "CC", &ret);
	c->csts = need_reg(c, "CSTS", &ret);
	c->aqa = need_reg(c, "AQA", &ret);
	c->asq = need_reg(c, "ASQ", &ret);
	c->acq = need_reg(c, "ACQ", &ret);
	if (ret)
		return ret;
	for (n = 0; n < NVME_MAX_QUEUES; n++) {
		const struct pciem_register *sq, *cq;

		snprintf(name, sizeof(name), "SQTDBL[%u]", n);
		sq = pciem_reg_find(c->dev, name);
		snprintf(name, sizeof(name), "CQHDBL[%u]", n);
		cq = pciem_reg_find(c->dev, name);
		if (!sq || !cq)
			break;
		if (pciem_reg_bar(sq) != 0 ||
		    pciem_reg_offset(sq) != 0x1000 + 8 * n ||
		    pciem_reg_offset(cq) != 0x1004 + 8 * n) {
			pciem_log(c->dev, PCIEM_LOG_ERR,
				  "doorbell %s is not where CAP.DSTRD 0 puts it (BAR 0, 0x%x); expected SQTDBL at 0x1000 and CQHDBL at 0x1004, stride 8",
				  name, 0x1004 + 8 * n);
			return -EINVAL;
		}
	}
	if (n < 2) {
		pciem_log(c->dev, PCIEM_LOG_ERR,
			  "the description has %u doorbell pairs; expected register arrays SQTDBL and CQHDBL of 2 or more (the admin queue and an I/O queue)",
			  n);
		return -EINVAL;
	}
	c->max_queues = n;
	return 0;
}

static int queue_params(struct nvme_ctrl *c)
{
	uint64_t entries, io_queues;
	int ret;

	ret = pciem_param_u64(c->dev, "queue_entries", 1024, &entries);
	if (ret)
		return ret;
	if (entries < 2 || entries > 65536)
		return pciem_param_error(c->dev, "queue_entries",
					 "%llu entries; expected 2 to 65536",
					 (unsigned long long)entries);
	c->queue_entries = (uint32_t)entries;
	ret = pciem_param_u64(c->dev, "io_queues", c->max_queues - 1,
			      &io_queues);
	if (ret)
		return ret;
	if (!io_queues || io_queues > c->max_queues - 1)
		return pciem_param_error(c->dev, "io_queues",
					 "%llu I/O queues; expected 1 to %u (one doorbell pair each in SQTDBL/CQHDBL, after the admin queue's)",
					 (unsigned long long)io_queues,
					 c->max_queues - 1);
	c->max_queues = (unsigned int)io_queues + 1;
	return pciem_param_bool(c->dev, "write_cache", true, &c->vwc_present);
}

static int check_params(struct nvme_ctrl *c)
{
	const char *key;
	unsigned int i;

	for (i = 0; (key = pciem_param_key(c->dev, i)); i++)
		if (!known_param(key))
			return pciem_param_error(c->dev, key,
						 "unknown parameter; expected serial, model, firmware, queue_entries, io_queues, write_cache, or nsN_file, nsN_size, nsN_block_size for namespace N");
	return 0;
}

/* A PCI ID as sysfs shows it; 0 where there is no sysfs (unit tests). */
static uint16_t sysfs_id(struct nvme_ctrl *c, const char *file)
{
	char path[128], text[16] = "";
	unsigned long v;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/%s",
		 pciem_device_address(c->dev), file);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	v = strtoul(text, NULL, 16);
	return (uint16_t)v;
}

/*
 * The MSI-X table size, from config space as sysfs shows it; without
 * sysfs (unit tests) one vector per queue is assumed.
 */
static unsigned int msix_vectors(struct nvme_ctrl *c)
{
	uint8_t cfg[256];
	char path[128];
	unsigned int pos, hops;
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config",
		 pciem_device_address(c->dev));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = pread(fd, cfg, sizeof(cfg), 0);
		close(fd);
	}
	if (n != (ssize_t)sizeof(cfg) || !(cfg[6] & 0x10))
		return c->max_queues;
	for (pos = cfg[0x34] & 0xfc, hops = 0; pos && pos < 0xfc && hops < 48;
	     pos = cfg[pos + 1] & 0xfc, hops++)
		if (cfg[pos] == 0x11)
			return ((cfg[pos + 2] | cfg[pos + 3] << 8) & 0x7ff) + 1;
	return c->max_queues;
}

/* CAP and VS: what the driver reads first. */
static void set_identity_registers(struct nvme_ctrl *c)
{
	uint64_t cap = 0;

	cap |= (uint64_t)(c->queue_entries - 1);	/* MQES */
	cap |= 1ull << 16;				/* CQR */
	cap |= 60ull << 24;				/* TO: 30 s */
	cap |= 1ull << 37;				/* CSS: NVM */
	pciem_reg_set(c->dev, c->cap, cap);
	pciem_reg_set(c->dev, c->vs, 0x00010400);
}

static void ctrl_free(struct nvme_ctrl *c, bool failed)
{
	nvme_queues_free(c);
	nvme_namespaces_close(c, failed);
	free(c->buf);
	pciem_set_private(c->dev, NULL);
	free(c);
}

static void nvme_fini(struct pciem_device *dev)
{
	struct nvme_ctrl *c = pciem_get_private(dev);

	if (c)
		ctrl_free(c, false);
}

static int nvme_init(struct pciem_device *dev)
{
	struct pciem_config_state cs;
	struct nvme_ctrl *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return -ENOMEM;
	c->dev = dev;
	pciem_set_private(dev, c);
	ret = check_params(c);
	if (!ret)
		ret = find_registers(c);
	if (!ret)
		ret = queue_params(c);
	if (!ret)
		ret = text_param(dev, "serial", "PCIEM0001", c->serial, 20);
	if (!ret)
		ret = text_param(dev, "model", "PCIem NVMe", c->model, 40);
	if (!ret)
		ret = text_param(dev, "firmware", "1.0", c->firmware, 8);
	if (!ret)
		ret = nvme_namespaces_open(c);
	if (!ret)
		ret = nvme_queues_alloc(c);
	if (!ret) {
		c->buf_size = (size_t)NVME_PAGE << NVME_MDTS;
		c->buf = aligned_alloc(NVME_PAGE, c->buf_size);
		if (!c->buf)
			ret = -ENOMEM;
	}
	if (ret) {
		ctrl_free(c, true);
		return ret;
	}
	c->vendor = sysfs_id(c, "vendor");
	c->subsys_vendor = sysfs_id(c, "subsystem_vendor");
	c->vectors = msix_vectors(c);
	if (!pciem_config_state(dev, &cs))
		c->bus_master = cs.bus_master;
	c->smart.power_cycles = 1;
	nvme_features_reset(c);
	set_identity_registers(c);
	pciem_log(dev, PCIEM_LOG_INFO,
		  "NVMe controller %s: %u namespace%s, %u I/O queues of up to %u entries",
		  pciem_device_address(dev), c->n_ns, c->n_ns == 1 ? "" : "s",
		  c->max_queues - 1, c->queue_entries);
	return 0;
}

/* A Function Level Reset: pciemd has put the registers back already. */
static void nvme_reset(struct pciem_device *dev, unsigned int reason)
{
	struct nvme_ctrl *c = pciem_get_private(dev);

	(void)reason;
	nvme_ctrl_disable(c, false);
	nvme_shadow_forget(c);
	c->irq_mask = 0;
	nvme_features_reset(c);
	set_identity_registers(c);
}

/* Doorbell writes went by unheard: read every doorbell back. */
static void nvme_events_lost(struct pciem_device *dev, uint64_t count)
{
	struct nvme_ctrl *c = pciem_get_private(dev);

	pciem_log(dev, PCIEM_LOG_WARNING,
		  "%llu register writes lost; reading the doorbells back",
		  (unsigned long long)count);
	nvme_queues_resync(c);
}

/* Without bus mastering the controller does no DMA: queues wait. */
static void nvme_config_changed(struct pciem_device *dev,
				const struct pciem_config_state *old,
				const struct pciem_config_state *now)
{
	struct nvme_ctrl *c = pciem_get_private(dev);

	(void)old;
	c->bus_master = now->bus_master;
	if (c->bus_master)
		nvme_queues_resync(c);
}

PCIEM_PLUGIN(.name = "nvme", .init = nvme_init, .fini = nvme_fini,
	     .reset = nvme_reset, .events_lost = nvme_events_lost,
	     .config_changed = nvme_config_changed);
