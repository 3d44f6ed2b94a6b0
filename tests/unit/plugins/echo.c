// SPDX-License-Identifier: MIT
/*
 * A plugin that makes every handler kind visible to a driver, for the VM
 * scenarios: reads of SCRATCH are answered by a read handler, writes to
 * DOORBELL are echoed into LAST, writes to the watched register WATCHED
 * are echoed plus one into WATCH_ECHO, a periodic timer counts in
 * TICKS, and CONFIG follows the config state.
 */
#include <errno.h>
#include <stdlib.h>

#include <pciem/plugin.h>

struct echo {
	uint32_t reads;
	uint32_t ticks;
	pciem_timer_id timer;
};

static void tick(struct pciem_device *dev, pciem_timer_id timer, void *arg)
{
	struct echo *e = arg;

	(void)timer;
	pciem_reg_write(dev, "TICKS", ++e->ticks);
}

static int echo_init(struct pciem_device *dev)
{
	struct echo *e = calloc(1, sizeof(*e));
	uint64_t period;

	if (!e)
		return -ENOMEM;
	if (pciem_param_u64(dev, "tick_us", 10000, &period) ||
	    !(e->timer = pciem_timer_add(dev, period, period, tick, e))) {
		free(e);
		return -EINVAL;
	}
	pciem_set_private(dev, e);
	pciem_log(dev, PCIEM_LOG_INFO, "echo ready at %s, greeting '%s'",
		  pciem_device_address(dev), pciem_param(dev, "greeting"));
	return 0;
}

static void echo_fini(struct pciem_device *dev)
{
	struct echo *e = pciem_get_private(dev);

	pciem_timer_cancel(dev, e->timer);
	free(e);
}

PCIEM_READ_HANDLER(echo_read)
{
	struct echo *e = pciem_get_private(dev);

	(void)reg;
	return 0x11223300u + ++e->reads;
}

PCIEM_WRITE_HANDLER(echo_write)
{
	(void)reg;
	pciem_reg_write(dev, "LAST", wr->value);
}

PCIEM_WRITE_HANDLER(echo_watch)
{
	(void)reg;
	pciem_reg_write(dev, "WATCH_ECHO", wr->value + 1);
}

/*
 * CONFIG shows the config state (bit 0 memory, 1 bus master, 2 MSI, 3
 * MSI-X, 4 MSI-X masked, bits 8-9 the power state) and, from bit 16, how
 * many changes the plugin heard of.
 */
static void echo_config(struct pciem_device *dev, const struct pciem_config_state *old,
			const struct pciem_config_state *now)
{
	uint64_t changes = 0;

	(void)old;
	pciem_reg_read(dev, "CONFIG", &changes);
	changes = (changes >> 16) + 1;
	pciem_reg_write(dev, "CONFIG", changes << 16 | now->power_state << 8 |
			(uint64_t)now->msix_masked << 4 | (uint64_t)now->msix << 3 |
			(uint64_t)now->msi << 2 | (uint64_t)now->bus_master << 1 |
			(uint64_t)now->memory);
}

PCIEM_PLUGIN(.name = "echo", .init = echo_init, .fini = echo_fini,
	     .config_changed = echo_config);
