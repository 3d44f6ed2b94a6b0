// SPDX-License-Identifier: MIT
/*
 * The device's config state as a plugin sees it (struct
 * pciem_config_state).  Once the device is on the bus, its capability
 * list is walked to find PM, MSI and MSI-X; from then on, each config
 * write that touches the bytes holding the state (Command, MSI and MSI-X
 * control, PMCSR) and each reset make pciemd read config space back, and
 * the plugin is told when the state changed.  Reading back, rather than
 * applying the written value, gives what the kernel made of it (read-only
 * bits, masks).
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include <string.h>
#include <syslog.h>

#include "device.h"
#include "plugin_load.h"

#define PD_CONFIG_SIZE 256

static uint16_t get16(const uint8_t *cfg, unsigned int off)
{
	return (uint16_t)(cfg[off] | cfg[off + 1] << 8);
}

static void decode(const struct pd_config_track *t, const uint8_t *cfg,
		   struct pciem_config_state *s)
{
	uint16_t cmd = get16(cfg, PCI_COMMAND);

	memset(s, 0, sizeof(*s));
	s->memory = cmd & PCI_COMMAND_MEMORY;
	s->bus_master = cmd & PCI_COMMAND_MASTER;
	s->intx_disabled = cmd & PCI_COMMAND_INTX_DISABLE;
	if (t->msi)
		s->msi = get16(cfg, t->msi + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE;
	if (t->msix) {
		uint16_t ctl = get16(cfg, t->msix + PCI_MSIX_FLAGS);

		s->msix = ctl & PCI_MSIX_FLAGS_ENABLE;
		s->msix_masked = ctl & PCI_MSIX_FLAGS_MASKALL;
	}
	if (t->pm)
		s->power_state = get16(cfg, t->pm + PCI_PM_CTRL) & PCI_PM_CTRL_STATE_MASK;
}

static int read_config(struct pciem_device *dev, uint8_t *cfg)
{
	struct pd_backend *b = dev->backend;

	if (!b || !b->ops->read_config)
		return -EOPNOTSUPP;
	return b->ops->read_config(b, dev->address, 0, cfg, PD_CONFIG_SIZE);
}

int pd_config_locate(struct pciem_device *dev)
{
	struct pd_config_track *t = &dev->config;
	uint8_t cfg[PD_CONFIG_SIZE];
	unsigned int pos;
	int ret;

	memset(t, 0, sizeof(*t));
	ret = read_config(dev, cfg);
	if (ret) {
		pd_log(dev->log, LOG_WARNING,
		       "cannot read the config space of %s (%s): the plugin is not told of its state",
		       dev->address, strerror(-ret));
		return ret;
	}
	/* At most 48 capabilities fit; a longer chain loops. */
	pos = get16(cfg, PCI_STATUS) & PCI_STATUS_CAP_LIST ? cfg[PCI_CAPABILITY_LIST] : 0;
	for (int n = 0; n < 48 && pos >= 0x40 && pos <= PD_CONFIG_SIZE - 8; n++) {
		pos &= ~3u;
		switch (cfg[pos + PCI_CAP_LIST_ID]) {
		case PCI_CAP_ID_PM:
			t->pm = pos;
			break;
		case PCI_CAP_ID_MSI:
			t->msi = pos;
			break;
		case PCI_CAP_ID_MSIX:
			t->msix = pos;
			break;
		}
		pos = cfg[pos + PCI_CAP_LIST_NEXT];
	}
	decode(t, cfg, &t->state);
	t->known = true;
	return 0;
}

/* Whether [off, off + size) touches the two bytes at reg (0: absent). */
static bool touches(unsigned int reg, uint64_t off, unsigned int size)
{
	return reg && off < reg + 2 && reg < off + size;
}

void pd_config_event(struct pciem_device *dev, const struct pciem_event *ev)
{
	struct pd_config_track *t = &dev->config;
	struct pciem_config_state old;
	uint8_t cfg[PD_CONFIG_SIZE];
	const struct pciem_plugin *info;

	if (!t->known)
		return;
	if (ev->type == PCIEM_EVENT_CONFIG_WRITE &&
	    !touches(PCI_COMMAND, ev->offset, ev->size) &&
	    !touches(t->msi ? t->msi + PCI_MSI_FLAGS : 0, ev->offset, ev->size) &&
	    !touches(t->msix ? t->msix + PCI_MSIX_FLAGS : 0, ev->offset, ev->size) &&
	    !touches(t->pm ? t->pm + PCI_PM_CTRL : 0, ev->offset, ev->size))
		return;
	if (read_config(dev, cfg))
		return;		/* the device is going away */
	old = t->state;
	decode(t, cfg, &t->state);
	if (!memcmp(&old, &t->state, sizeof(old)))
		return;
	pd_log(dev->log, LOG_DEBUG,
	       "config state: memory %d, bus master %d, INTx disabled %d, MSI %d, MSI-X %d%s, D%u",
	       t->state.memory, t->state.bus_master, t->state.intx_disabled,
	       t->state.msi, t->state.msix, t->state.msix_masked ? " (masked)" : "",
	       t->state.power_state);
	info = dev->plugin && dev->plugin_started ? dev->plugin->info : NULL;
	if (info && info->config_changed)
		info->config_changed(dev, &old, &t->state);
}

__attribute__((visibility("default")))
int pciem_config_state(const struct pciem_device *dev,
		       struct pciem_config_state *state)
{
	if (!dev->config.known)
		return -ENODEV;
	*state = dev->config.state;
	return 0;
}
