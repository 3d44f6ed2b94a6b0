/* SPDX-License-Identifier: MIT */
/*
 * Finding, loading and checking a description's handler plugin, and
 * resolving the handlers its registers name.  Every refusal is one log
 * line at the YAML position that asked for the thing missing.
 */
#ifndef PCIEMD_PLUGIN_LOAD_H
#define PCIEMD_PLUGIN_LOAD_H

#include "desc.h"
#include "device.h"
#include "log.h"

struct pd_plugin {
	void *handle;
	const struct pciem_plugin *info;	/* the plugin's descriptor */
	char *path;
};

/*
 * The plugin directories to search (colon-separated): cli_dir if given,
 * else $PCIEM_PLUGIN_DIR if set and not empty, else the built-in one.
 */
const char *pd_plugin_dirs(const char *cli_dir);

/*
 * Where the plugin of desc is: its path if `plugin:` contains a '/'
 * (relative to the description's directory), else NAME.so (or NAME if it
 * ends in ".so") in the first of dirs that has it.  Returns a malloc'd
 * path, or NULL with the error logged at priority (listing every path
 * tried).
 */
char *pd_plugin_find(const struct desc_device *desc, const char *dirs,
		     const struct pd_log *log, int priority);

/*
 * Load desc's plugin and check its descriptor.  0 with *out set (NULL
 * when desc names no plugin), or -1 with the error logged.
 */
int pd_plugin_load(const struct desc_device *desc, const char *dirs,
		   const struct pd_log *log, struct pd_plugin **out);

/*
 * Resolve every handler the registers of dev name into dev->regs; -1
 * with the first missing one logged.
 */
int pd_plugin_bind(struct pd_plugin *plugin, struct pciem_device *dev);

void pd_plugin_unload(struct pd_plugin *plugin);

#endif /* PCIEMD_PLUGIN_LOAD_H */
