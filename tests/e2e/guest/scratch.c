// SPDX-License-Identifier: MIT
/*
 * The plugin the end-to-end test builds inside the guest against the
 * installed libpciem-dev, as a plugin writer would:
 *   cc $(pkg-config --cflags pciem-plugin) -shared -fPIC -o scratch.so scratch.c
 * SCRATCH keeps what the driver writes and reads back its complement, so
 * a read that returns it was served by this code, not by BAR memory.
 */
#include <errno.h>
#include <stdlib.h>

#include <pciem/plugin.h>

struct scratch {
	uint32_t value;
};

static struct scratch *state(struct pciem_device *dev)
{
	return pciem_get_private(dev);
}

static int scratch_init(struct pciem_device *dev)
{
	struct scratch *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	pciem_set_private(dev, s);
	return 0;
}

static void scratch_fini(struct pciem_device *dev)
{
	free(pciem_get_private(dev));
}

PCIEM_WRITE_HANDLER(scratch_write)
{
	(void)reg;
	state(dev)->value = (uint32_t)wr->value;
}

PCIEM_READ_HANDLER(scratch_read)
{
	(void)reg;
	return ~state(dev)->value;
}

PCIEM_PLUGIN(.name = "scratch", .init = scratch_init, .fini = scratch_fini);
