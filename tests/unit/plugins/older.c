// SPDX-License-Identifier: MIT
/*
 * A plugin of this API version built before its last hooks were added:
 * its descriptor ends after reset.  pciemd serves it, the later hooks
 * left NULL.
 */
#include <pciem/plugin.h>

struct older_plugin {
	uint32_t api_version;
	uint32_t struct_size;
	const char *name;
	int (*init)(struct pciem_device *dev);
	void (*fini)(struct pciem_device *dev);
	void (*reset)(struct pciem_device *dev, unsigned int reason);
};

static void older_fini(struct pciem_device *dev)
{
	(void)dev;
}

PCIEM_PLUGIN_EXPORT extern const struct older_plugin pciem_plugin_descriptor;
PCIEM_PLUGIN_EXPORT const struct older_plugin pciem_plugin_descriptor = {
	.api_version = PCIEM_PLUGIN_API_VERSION,
	.struct_size = sizeof(struct older_plugin),
	.name = "older",
	.fini = older_fini,
};
