// SPDX-License-Identifier: MIT
/*
 * The walkthrough's counter device as a pciemd plugin: a write of 1 to
 * CONTROL counts one, COUNTER shows the count, and every irq_every counts
 * (10 by default) the interrupt "count" is raised and STATUS's
 * IRQ-pending bit set.  Register storage and read-only-ness are the
 * description's (devices/counter.yaml); only the counting is code.
 */
#include <errno.h>
#include <stdlib.h>

#include <pciem/plugin.h>

#define STATUS_IRQ_PENDING (1u << 0)

struct counter {
	uint32_t count;
	uint64_t irq_every;
	const struct pciem_register *status;
	const struct pciem_register *counter;
};

static int counter_init(struct pciem_device *dev)
{
	struct counter *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return -ENOMEM;
	ret = pciem_param_u64(dev, "irq_every", 10, &c->irq_every);
	if (!ret && !c->irq_every) {
		pciem_log(dev, PCIEM_LOG_ERR, "irq_every must not be 0");
		ret = -EINVAL;
	}
	c->status = pciem_reg_find(dev, "STATUS");
	c->counter = pciem_reg_find(dev, "COUNTER");
	if (!ret && (!c->status || !c->counter)) {
		pciem_log(dev, PCIEM_LOG_ERR,
			  "the description needs registers STATUS and COUNTER");
		ret = -EINVAL;
	}
	if (ret) {
		free(c);
		return ret;
	}
	pciem_set_private(dev, c);
	return 0;
}

static void counter_fini(struct pciem_device *dev)
{
	free(pciem_get_private(dev));
}

/* COUNTER is back at its reset value already; the count follows it. */
static void counter_reset(struct pciem_device *dev, unsigned int reason)
{
	struct counter *c = pciem_get_private(dev);

	(void)reason;
	c->count = (uint32_t)pciem_reg_get(dev, c->counter);
}

PCIEM_WRITE_HANDLER(counter_control_write)
{
	struct counter *c = pciem_get_private(dev);
	int ret;

	(void)reg;
	/* Bit 0 of CONTROL starts a count; a write of its other bytes does not. */
	if (wr->offset != 0 || !(wr->value & 1))
		return;
	c->count++;
	pciem_reg_set(dev, c->counter, c->count);
	if (c->count % c->irq_every)
		return;
	pciem_reg_update(dev, c->status, 0, STATUS_IRQ_PENDING);
	ret = pciem_irq_raise(dev, "count");
	if (ret)
		pciem_log(dev, PCIEM_LOG_DEBUG, "count %u: interrupt not raised (%d)",
			  c->count, ret);
}

PCIEM_PLUGIN(.name = "counter", .init = counter_init, .fini = counter_fini,
	     .reset = counter_reset);
