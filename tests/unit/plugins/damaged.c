// SPDX-License-Identifier: MIT
/* A descriptor whose struct_size is not its size: refused as damaged. */
#include <pciem/plugin.h>

PCIEM_PLUGIN_EXPORT extern const struct pciem_plugin pciem_plugin_descriptor;
PCIEM_PLUGIN_EXPORT const struct pciem_plugin pciem_plugin_descriptor = {
	.api_version = PCIEM_PLUGIN_API_VERSION,
	.struct_size = 8,
};
