// SPDX-License-Identifier: GPL-2.0
/*
 * Emulated PCI configuration space: the type-0 header, BAR sizing, the
 * capability chain and 4 KiB of extended space (empty: a zero header at
 * 0x100 ends the extended list).
 *
 * Behaviour of writes is data-driven (wmask, w1cmask) except for a few
 * registers with side effects, handled in config_fixup().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitfield.h>
#include <linux/log2.h>
#include <linux/string.h>

#include "pciem_internal.h"

#define CAP_START	0x40

/* Length of each capability structure in config space. */
static unsigned int cap_length(const struct pciem_cap *cap)
{
	switch (cap->type) {
	case PCIEM_CAP_PM:
		return PCI_PM_SIZEOF;
	case PCIEM_CAP_MSI:
		if (cap->u.msi.has_masking)
			return cap->u.msi.has_64bit ? 24 : 20;
		return cap->u.msi.has_64bit ? 14 : 10;
	case PCIEM_CAP_MSIX:
		return PCI_CAP_MSIX_SIZEOF;
	case PCIEM_CAP_PCIE:
		return PCI_CAP_EXP_ENDPOINT_SIZEOF_V2;
	}
	return 0;
}

static void set8(struct pciem_config *cfg, int off, u8 val, u8 wmask, u8 w1c)
{
	cfg->data[off] = val;
	cfg->wmask[off] = wmask;
	cfg->w1cmask[off] = w1c;
}

static void set16(struct pciem_config *cfg, int off, u16 val, u16 wmask,
		  u16 w1c)
{
	set8(cfg, off, val & 0xff, wmask & 0xff, w1c & 0xff);
	set8(cfg, off + 1, val >> 8, wmask >> 8, w1c >> 8);
}

static void set32(struct pciem_config *cfg, int off, u32 val, u32 wmask,
		  u32 w1c)
{
	set16(cfg, off, val & 0xffff, wmask & 0xffff, w1c & 0xffff);
	set16(cfg, off + 2, val >> 16, wmask >> 16, w1c >> 16);
}

static void build_bars(struct pciem_config *cfg, struct pciem_device *dev)
{
	unsigned int i;

	for (i = 0; i < PCIEM_MAX_BARS; i++) {
		struct pciem_bar *bar = &dev->bars[i];
		int off = PCI_BASE_ADDRESS_0 + 4 * i;
		u64 base = bar->window.start;
		u64 mask = ~(bar->size - 1);

		if (!bar->size)
			continue;	/* absent or upper half: written below */
		/* Sizing: the address bits below the size read back as 0. */
		set32(cfg, off, lower_32_bits(base) | bar->flags,
		      lower_32_bits(mask) & PCI_BASE_ADDRESS_MEM_MASK, 0);
		if (bar->flags & PCI_BASE_ADDRESS_MEM_TYPE_64)
			set32(cfg, off + 4, upper_32_bits(base),
			      upper_32_bits(mask), 0);
	}
}

static void build_pm(struct pciem_config *cfg, int off,
		     const struct pciem_cap_pm_userspace *pm)
{
	u16 pmc = 3;		/* PCI PM 1.2 */
	u16 pmcsr_wmask = PCI_PM_CTRL_STATE_MASK;

	if (pm->d1_support)
		pmc |= PCI_PM_CAP_D1;
	if (pm->d2_support)
		pmc |= PCI_PM_CAP_D2;
	pmc |= FIELD_PREP(PCI_PM_CAP_PME_MASK, pm->pme_support);
	if (pm->pme_support)
		pmcsr_wmask |= PCI_PM_CTRL_PME_ENABLE;

	set16(cfg, off + PCI_PM_PMC, pmc, 0, 0);
	set16(cfg, off + PCI_PM_CTRL,
	      pm->no_soft_reset ? PCI_PM_CTRL_NO_SOFT_RESET : 0, pmcsr_wmask,
	      pm->pme_support ? PCI_PM_CTRL_PME_STATUS : 0);
	cfg->pm_offset = off;
}

static void build_msi(struct pciem_config *cfg, int off,
		      const struct pciem_cap_msi_userspace *msi)
{
	unsigned int nvec = 1U << msi->num_vectors_log2;
	u16 ctrl = FIELD_PREP(PCI_MSI_FLAGS_QMASK, msi->num_vectors_log2);
	int data_off;

	if (msi->has_64bit)
		ctrl |= PCI_MSI_FLAGS_64BIT;
	if (msi->has_masking)
		ctrl |= PCI_MSI_FLAGS_MASKBIT;
	set16(cfg, off + PCI_MSI_FLAGS, ctrl,
	      PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE, 0);
	set32(cfg, off + PCI_MSI_ADDRESS_LO, 0, 0xfffffffc, 0);
	if (msi->has_64bit) {
		set32(cfg, off + PCI_MSI_ADDRESS_HI, 0, 0xffffffff, 0);
		data_off = off + PCI_MSI_DATA_64;
	} else {
		data_off = off + PCI_MSI_DATA_32;
	}
	set16(cfg, data_off, 0, 0xffff, 0);
	if (msi->has_masking) {
		u32 vecmask = nvec == 32 ? 0xffffffff : (1U << nvec) - 1;

		/* Mask bits at data + 4, pending bits (device-owned) at + 8. */
		set32(cfg, data_off + 4, 0, vecmask, 0);
		set32(cfg, data_off + 8, 0, 0, 0);
	}
}

static void build_msix(struct pciem_config *cfg, int off,
		       const struct pciem_cap_msix_userspace *msix)
{
	set16(cfg, off + PCI_MSIX_FLAGS, msix->table_size - 1,
	      PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0);
	set32(cfg, off + PCI_MSIX_TABLE, msix->table_offset | msix->bar_index,
	      0, 0);
	set32(cfg, off + PCI_MSIX_PBA, msix->pba_offset | msix->bar_index,
	      0, 0);
}

static void build_pcie(struct pciem_config *cfg, int off,
		       const struct pciem_cap_pcie_userspace *pcie)
{
	unsigned int speed = pcie->link_speed ? pcie->link_speed : 1;
	unsigned int width = pcie->link_width ? pcie->link_width : 1;
	u32 devcap = FIELD_PREP(PCI_EXP_DEVCAP_PAYLOAD, pcie->max_payload) |
		     PCI_EXP_DEVCAP_RBER;
	/* Writable Device Control bits of an endpoint; FLR handled apart. */
	u16 devctl_wmask = PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE |
			   PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE |
			   PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_PAYLOAD |
			   PCI_EXP_DEVCTL_EXT_TAG | PCI_EXP_DEVCTL_PHANTOM |
			   PCI_EXP_DEVCTL_AUX_PME | PCI_EXP_DEVCTL_NOSNOOP_EN |
			   PCI_EXP_DEVCTL_READRQ;

	if (pcie->flr)
		devcap |= PCI_EXP_DEVCAP_FLR;

	set16(cfg, off + PCI_EXP_FLAGS,
	      2 | FIELD_PREP(PCI_EXP_FLAGS_TYPE, pcie->port_type), 0, 0);
	set32(cfg, off + PCI_EXP_DEVCAP, devcap, 0, 0);
	set16(cfg, off + PCI_EXP_DEVCTL,
	      PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN |
	      FIELD_PREP(PCI_EXP_DEVCTL_READRQ, 2), devctl_wmask, 0);
	set16(cfg, off + PCI_EXP_DEVSTA, 0, 0,
	      PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |
	      PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD);

	/* Root complex integrated endpoints have no link. */
	if (pcie->port_type == PCI_EXP_TYPE_RC_END)
		return;
	set32(cfg, off + PCI_EXP_LNKCAP,
	      FIELD_PREP(PCI_EXP_LNKCAP_SLS, speed) |
	      FIELD_PREP(PCI_EXP_LNKCAP_MLW, width), 0, 0);
	set16(cfg, off + PCI_EXP_LNKCTL, 0,
	      PCI_EXP_LNKCTL_ASPMC | PCI_EXP_LNKCTL_RCB | PCI_EXP_LNKCTL_CCC |
	      PCI_EXP_LNKCTL_ES | PCI_EXP_LNKCTL_CLKREQ_EN, 0);
	set16(cfg, off + PCI_EXP_LNKSTA,
	      FIELD_PREP(PCI_EXP_LNKSTA_CLS, speed) |
	      FIELD_PREP(PCI_EXP_LNKSTA_NLW, width), 0, 0);
	set32(cfg, off + PCI_EXP_LNKCAP2, GENMASK(speed, 1), 0, 0);
	set16(cfg, off + PCI_EXP_LNKCTL2, speed, 0, 0);
}

/**
 * pciem_config_build - lay out config space from a device's description
 * @cfg: zeroed config space
 * @dev: the device being registered (BAR windows already allocated)
 *
 * Capabilities are placed from 0x40 in the order they were added and their
 * offsets recorded in @dev->caps.
 */
void pciem_config_build(struct pciem_config *cfg, struct pciem_device *dev)
{
	const struct pciem_config_space *id = &dev->config;
	u16 cmd_wmask = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
			PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
			PCI_COMMAND_INTX_DISABLE;
	u16 status_w1c = PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT |
			 PCI_STATUS_REC_TARGET_ABORT |
			 PCI_STATUS_REC_MASTER_ABORT |
			 PCI_STATUS_SIG_SYSTEM_ERROR |
			 PCI_STATUS_DETECTED_PARITY;
	int off = CAP_START, link = PCI_CAPABILITY_LIST;
	unsigned int i;

	raw_spin_lock_init(&cfg->lock);
	set16(cfg, PCI_VENDOR_ID, id->vendor_id, 0, 0);
	set16(cfg, PCI_DEVICE_ID, id->device_id, 0, 0);
	set16(cfg, PCI_COMMAND, 0, cmd_wmask, 0);
	set16(cfg, PCI_STATUS, dev->ncaps ? PCI_STATUS_CAP_LIST : 0, 0,
	      status_w1c);
	set8(cfg, PCI_REVISION_ID, id->revision, 0, 0);
	set8(cfg, PCI_CLASS_PROG, id->class_code[0], 0, 0);
	set8(cfg, PCI_CLASS_DEVICE, id->class_code[1], 0, 0);
	set8(cfg, PCI_CLASS_DEVICE + 1, id->class_code[2], 0, 0);
	set8(cfg, PCI_CACHE_LINE_SIZE, 0, 0xff, 0);
	set8(cfg, PCI_HEADER_TYPE, PCI_HEADER_TYPE_NORMAL, 0, 0);
	build_bars(cfg, dev);
	set16(cfg, PCI_SUBSYSTEM_VENDOR_ID, id->subsys_vendor_id, 0, 0);
	set16(cfg, PCI_SUBSYSTEM_ID, id->subsys_device_id, 0, 0);
	set8(cfg, PCI_INTERRUPT_LINE, 0, 0xff, 0);
	set8(cfg, PCI_INTERRUPT_PIN, 1, 0, 0);	/* INTA, routed by irq.c */

	for (i = 0; i < dev->ncaps; i++) {
		struct pciem_cap *cap = &dev->caps[i];

		cap->offset = off;
		cfg->data[link] = off;
		link = off + PCI_CAP_LIST_NEXT;
		set8(cfg, off + PCI_CAP_LIST_ID, cap->type, 0, 0);
		switch (cap->type) {
		case PCIEM_CAP_PM:
			build_pm(cfg, off, &cap->u.pm);
			break;
		case PCIEM_CAP_MSI:
			build_msi(cfg, off, &cap->u.msi);
			cfg->msi_offset = off;
			break;
		case PCIEM_CAP_MSIX:
			build_msix(cfg, off, &cap->u.msix);
			cfg->msix_offset = off;
			break;
		case PCIEM_CAP_PCIE:
			build_pcie(cfg, off, &cap->u.pcie);
			cfg->pcie_offset = off;
			break;
		}
		off = ALIGN(off + cap_length(cap), 4);
	}
	memcpy(cfg->reset_data, cfg->data, sizeof(cfg->data));
}

static struct pciem_device *cfg_dev(struct pciem_config *cfg)
{
	return container_of(cfg, struct pciem_host, cfg)->dev;
}

static void post(struct pciem_config *cfg, u32 type, int where, int size,
		 u64 data)
{
	struct pciem_event ev = {
		.type = type, .offset = where, .size = size, .data = data,
	};

	pciem_ring_post(&cfg_dev(cfg)->ring, &ev);
}

/* Back to the state at registration, as after a reset of the function. */
static void config_reset(struct pciem_config *cfg, u64 reason)
{
	memcpy(cfg->data, cfg->reset_data, sizeof(cfg->data));
	cfg_dev(cfg)->irq.intx_pending = false;
	post(cfg, PCIEM_EVENT_RESET, 0, 0, reason);
}

/* Side effects of a write that masks alone cannot express. */
static void config_fixup(struct pciem_config *cfg, int where, int size,
			 u32 val, const u8 *old)
{
	/* The power state is in PMCSR's low byte: a write elsewhere keeps it. */
	if (cfg->pm_offset &&
	    pciem_touches(where, size, cfg->pm_offset + PCI_PM_CTRL, 1)) {
		int reg = cfg->pm_offset + PCI_PM_CTRL;
		u16 pmc = pciem_cfg16(cfg, cfg->pm_offset + PCI_PM_PMC);
		u16 state = pciem_cfg16(cfg, reg) & PCI_PM_CTRL_STATE_MASK;
		u8 was = old[reg - where] & PCI_PM_CTRL_STATE_MASK;

		/* A D-state the device does not support is not entered. */
		if ((state == 1 && !(pmc & PCI_PM_CAP_D1)) ||
		    (state == 2 && !(pmc & PCI_PM_CAP_D2))) {
			cfg->data[reg] &= ~PCI_PM_CTRL_STATE_MASK;
			cfg->data[reg] |= was;
		} else if (was == 3 && state == 0 &&
			   !(cfg->data[reg] & PCI_PM_CTRL_NO_SOFT_RESET)) {
			/* D3hot -> D0 resets a function without No_Soft_Reset. */
			config_reset(cfg, PCIEM_RESET_PM);
			return;
		}
	}

	if (cfg->msi_offset &&
	    pciem_touches(where, size, cfg->msi_offset + PCI_MSI_FLAGS, 1)) {
		int reg = cfg->msi_offset + PCI_MSI_FLAGS;
		u8 mmc = FIELD_GET(PCI_MSI_FLAGS_QMASK, cfg->data[reg]);

		/* Enabling more vectors than offered gets the offered count. */
		if (FIELD_GET(PCI_MSI_FLAGS_QSIZE, cfg->data[reg]) > mmc) {
			cfg->data[reg] &= ~PCI_MSI_FLAGS_QSIZE;
			cfg->data[reg] |= FIELD_PREP(PCI_MSI_FLAGS_QSIZE, mmc);
		}
	}

	if (cfg->pcie_offset &&
	    pciem_touches(where, size, cfg->pcie_offset + PCI_EXP_DEVCTL + 1, 1)) {
		int reg = cfg->pcie_offset + PCI_EXP_DEVCTL + 1;
		u8 written = val >> (8 * (reg - where));
		u32 devcap = pciem_cfg32(cfg, cfg->pcie_offset + PCI_EXP_DEVCAP);

		if ((written & (PCI_EXP_DEVCTL_BCR_FLR >> 8)) &&
		    (devcap & PCI_EXP_DEVCAP_FLR)) {
			config_reset(cfg, PCIEM_RESET_FLR);
			return;
		}
	}
	pciem_irq_config_written(cfg_dev(cfg), where, size);
}

static bool config_access_ok(int where, int size)
{
	return where >= 0 && where + size <= PCI_CFG_SPACE_EXP_SIZE &&
	       (size == 1 || size == 2 || size == 4) && !(where & (size - 1));
}

void pciem_config_read(struct pciem_config *cfg, int where, int size, u32 *val)
{
	unsigned long flags;
	u32 v = 0;
	int i;

	if (!config_access_ok(where, size)) {
		*val = ~0U;
		return;
	}
	raw_spin_lock_irqsave(&cfg->lock, flags);
	if (cfg->removed) {
		v = ~0U;
	} else {
		for (i = 0; i < size; i++)
			v |= (u32)cfg->data[where + i] << (8 * i);
		if (cfg_dev(cfg)->flags & PCIEM_CREATE_CONFIG_READ_EVENTS)
			post(cfg, PCIEM_EVENT_CONFIG_READ, where, size, v);
	}
	raw_spin_unlock_irqrestore(&cfg->lock, flags);
	if (size < 4)
		v &= (1U << (8 * size)) - 1;
	*val = v;
}

void pciem_config_write(struct pciem_config *cfg, int where, int size, u32 val)
{
	unsigned long flags;
	u8 old[4];
	int i;

	if (!config_access_ok(where, size))
		return;
	raw_spin_lock_irqsave(&cfg->lock, flags);
	if (!cfg->removed) {
		post(cfg, PCIEM_EVENT_CONFIG_WRITE, where, size, val);
		for (i = 0; i < size; i++) {
			u8 *b = &cfg->data[where + i];
			u8 in = val >> (8 * i);
			u8 wm = cfg->wmask[where + i];

			old[i] = *b;
			*b = ((*b & ~wm) | (in & wm)) &
			     ~(in & cfg->w1cmask[where + i]);
		}
		config_fixup(cfg, where, size, val, old);
	}
	raw_spin_unlock_irqrestore(&cfg->lock, flags);
}

/* After surprise removal the function answers like an empty slot. */
void pciem_config_mark_removed(struct pciem_config *cfg)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&cfg->lock, flags);
	cfg->removed = true;
	raw_spin_unlock_irqrestore(&cfg->lock, flags);
}
