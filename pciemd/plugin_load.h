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

struct pd_elf;

struct pd_plugin {
	char *path;
	struct pd_elf *elf;			/* the file's exported symbols */
	void *handle;				/* NULL until loaded */
	/* The descriptor, loaded: hooks it is too old to have are NULL. */
	const struct pciem_plugin *info;
	struct pciem_plugin desc_copy;
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
 * path, or NULL with the error logged (listing every path tried).
 */
char *pd_plugin_find(const struct desc_device *desc, const char *dirs,
		     const struct pd_log *log);

/*
 * Check desc's plugin in its file (descriptor version and size), then
 * load it.  0 with *out set (NULL when desc names no plugin), or -1 with
 * the error logged.
 */
int pd_plugin_load(const struct desc_device *desc, const char *dirs,
		   const struct pd_log *log, struct pd_plugin **out);

/* The same checks, without loading: none of the plugin's code runs. */
int pd_plugin_inspect(const struct desc_device *desc, const char *dirs,
		      const struct pd_log *log, struct pd_plugin **out);

/*
 * Check every handler the registers of dev name (in the plugin's file:
 * a function declared as a handler of that kind) and, if the plugin is
 * loaded, resolve them into dev->regs and make it dev's plugin; -1 with
 * the first problem logged.
 */
int pd_plugin_bind(struct pd_plugin *plugin, struct pciem_device *dev);

void pd_plugin_unload(struct pd_plugin *plugin);

#endif /* PCIEMD_PLUGIN_LOAD_H */
