// SPDX-License-Identifier: MIT
/* A plugin built against version 1 of the API: refused, both versions named. */
#include <pciem/plugin.h>

PCIEM_PLUGIN_EXPORT extern const struct pciem_plugin pciem_plugin_descriptor;
PCIEM_PLUGIN_EXPORT const struct pciem_plugin pciem_plugin_descriptor = {
	.api_version = 1,
	.struct_size = sizeof(struct pciem_plugin),
	.name = "from the past",
};
