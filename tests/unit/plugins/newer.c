// SPDX-License-Identifier: MIT
/*
 * A plugin built against a later pciem/plugin.h of this API version: its
 * descriptor has a hook this pciemd does not know, so it is refused.
 */
#include <pciem/plugin.h>

struct later_plugin {
	struct pciem_plugin base;
	void (*later_hook)(struct pciem_device *dev);
};

PCIEM_PLUGIN_EXPORT extern const struct later_plugin pciem_plugin_descriptor;
PCIEM_PLUGIN_EXPORT const struct later_plugin pciem_plugin_descriptor = {
	.base = {
		.api_version = PCIEM_PLUGIN_API_VERSION,
		.struct_size = sizeof(struct later_plugin),
		.name = "from later",
	},
};
