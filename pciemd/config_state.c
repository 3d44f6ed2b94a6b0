// SPDX-License-Identifier: MIT
/*
 * The device's config state as a plugin sees it (struct
 * pciem_config_state).  Once the device is on the bus, and before any
 * driver binds, config space is read once (through sysfs) to find the PM,
 * MSI and MSI-X capabilities and the state.  From then on pciemd follows
 * the CONFIG_WRITE events on the bytes holding the state (Command, MSI
 * and MSI-X control, PMCSR) as the kernel applies them, and RESET events,
 * and tells the plugin when the state changed.  It never reads config
 * space back while a driver may hold it: during a Function Level Reset
 * the PCI core blocks config reads, and the loop would stall with it.
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

static void decode(const struct pd_config_track *t, struct pciem_config_state *s)
{
	uint16_t cmd = get16(t->shadow, PCI_COMMAND);

	memset(s, 0, sizeof(*s));
	s->memory = cmd & PCI_COMMAND_MEMORY;
	s->bus_master = cmd & PCI_COMMAND_MASTER;
	s->intx_disabled = cmd & PCI_COMMAND_INTX_DISABLE;
	if (t->msi)
		s->msi = get16(t->shadow, t->msi + PCI_MSI_FLAGS) & PCI_MSI_FLAGS_ENABLE;
	if (t->msix) {
		uint16_t ctl = get16(t->shadow, t->msix + PCI_MSIX_FLAGS);

		s->msix = ctl & PCI_MSIX_FLAGS_ENABLE;
		s->msix_masked = ctl & PCI_MSIX_FLAGS_MASKALL;
	}
	if (t->pm)
		s->power_state = get16(t->shadow, t->pm + PCI_PM_CTRL) & PCI_PM_CTRL_STATE_MASK;
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
	uint8_t *cfg = t->shadow;
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
			t->pmc = get16(cfg, pos + PCI_PM_PMC);
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
	decode(t, &t->state);
	t->known = true;
	return 0;
}

/* The state bits of each register that holds some, and their offsets. */
struct field {
	unsigned int reg;	/* 0: the device lacks it */
	uint16_t bits;
};

static void fields(const struct pd_config_track *t, struct field f[4])
{
	f[0] = (struct field){ PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
					    PCI_COMMAND_INTX_DISABLE };
	f[1] = (struct field){ t->msi ? t->msi + PCI_MSI_FLAGS : 0, PCI_MSI_FLAGS_ENABLE };
	f[2] = (struct field){ t->msix ? t->msix + PCI_MSIX_FLAGS : 0,
			       PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL };
	f[3] = (struct field){ t->pm ? t->pm + PCI_PM_CTRL : 0, PCI_PM_CTRL_STATE_MASK };
}

/*
 * Apply a config write to the state bits, as the kernel does: they are
 * all writable, except that a D-state the device lacks is not entered.
 */
static void apply_write(struct pd_config_track *t, const struct pciem_event *ev)
{
	unsigned int pm_state = t->pm ? t->pm + PCI_PM_CTRL : 0;
	uint16_t was = pm_state ? get16(t->shadow, pm_state) : 0;
	struct field f[4];

	fields(t, f);
	for (unsigned int i = 0; i < ev->size && ev->offset + i < PD_CONFIG_SIZE; i++) {
		unsigned int at = (unsigned int)ev->offset + i;
		uint8_t in = (uint8_t)(ev->data >> (8 * i));

		for (int k = 0; k < 4; k++) {
			uint8_t mask;

			if (!f[k].reg || at < f[k].reg || at > f[k].reg + 1)
				continue;
			mask = (uint8_t)(f[k].bits >> (8 * (at - f[k].reg)));
			t->shadow[at] = (uint8_t)((t->shadow[at] & ~mask) | (in & mask));
		}
	}
	if (pm_state) {
		uint16_t now = get16(t->shadow, pm_state) & PCI_PM_CTRL_STATE_MASK;

		if ((now == 1 && !(t->pmc & PCI_PM_CAP_D1)) ||
		    (now == 2 && !(t->pmc & PCI_PM_CAP_D2))) {
			t->shadow[pm_state] &= (uint8_t)~PCI_PM_CTRL_STATE_MASK;
			t->shadow[pm_state] |= (uint8_t)(was & PCI_PM_CTRL_STATE_MASK);
		}
	}
}

/* A reset: every state bit back to 0 (D0, nothing enabled). */
static void apply_reset(struct pd_config_track *t)
{
	struct field f[4];

	fields(t, f);
	for (int k = 0; k < 4; k++) {
		if (!f[k].reg)
			continue;
		t->shadow[f[k].reg] &= (uint8_t)~f[k].bits;
		t->shadow[f[k].reg + 1] &= (uint8_t)~(f[k].bits >> 8);
	}
}

bool pd_config_update(struct pciem_device *dev, const struct pciem_event *ev,
		      struct pciem_config_state *old)
{
	struct pd_config_track *t = &dev->config;

	if (!t->known)
		return false;
	*old = t->state;
	if (ev->type == PCIEM_EVENT_RESET)
		apply_reset(t);
	else if (ev->type == PCIEM_EVENT_CONFIG_WRITE)
		apply_write(t, ev);
	decode(t, &t->state);
	return memcmp(old, &t->state, sizeof(*old)) != 0;
}

void pd_config_notify(struct pciem_device *dev, const struct pciem_config_state *old)
{
	const struct pd_config_track *t = &dev->config;
	const struct pciem_plugin *info;

	pd_log(dev->log, LOG_DEBUG,
	       "config state: memory %d, bus master %d, INTx disabled %d, MSI %d, MSI-X %d%s, D%u",
	       t->state.memory, t->state.bus_master, t->state.intx_disabled,
	       t->state.msi, t->state.msix, t->state.msix_masked ? " (masked)" : "",
	       t->state.power_state);
	info = dev->plugin && dev->plugin_started ? dev->plugin->info : NULL;
	if (info && info->config_changed)
		info->config_changed(dev, old, &t->state);
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
