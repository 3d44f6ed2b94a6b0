// SPDX-License-Identifier: MIT
/* A plugin built for a later API version than this pciemd's. */
#include <pciem/plugin.h>

PCIEM_PLUGIN_EXPORT extern const struct pciem_plugin pciem_plugin_descriptor;
PCIEM_PLUGIN_EXPORT const struct pciem_plugin pciem_plugin_descriptor = {
	.api_version = PCIEM_PLUGIN_API_VERSION + 1,
	.struct_size = sizeof(struct pciem_plugin),
	.name = "from the future",
};
