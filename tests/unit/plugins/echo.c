// SPDX-License-Identifier: MIT
/*
 * A plugin that makes every handler kind visible to a driver, for the VM
 * scenarios: reads of SCRATCH are answered by a read handler, writes to
 * DOORBELL are echoed into LAST, writes to the watched register WATCHED
 * are echoed plus one into WATCH_ECHO, and a periodic timer counts in
 * TICKS.
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

PCIEM_PLUGIN(.name = "echo", .init = echo_init, .fini = echo_fini);
