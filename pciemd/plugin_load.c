// SPDX-License-Identifier: MIT
/*
 * The plugin loader.  A plugin is looked up by name in the plugin
 * directories (or taken by path), dlopen()ed, and accepted only with a
 * descriptor of this pciemd's API version.  Handler symbols must be the
 * plugin's own: a name that only libc or another library defines is as
 * missing as one nobody defines.
 */
#include <dlfcn.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "paths.h"
#include "plugin_load.h"

const char *pd_plugin_dirs(const char *cli_dir)
{
	const char *env = getenv("PCIEM_PLUGIN_DIR");

	if (cli_dir)
		return cli_dir;
	if (env && *env)
		return env;
	return PCIEMD_PLUGIN_DIR;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static char *join(const char *dir, size_t dir_len, const char *name,
		  const char *suffix)
{
	size_t len = dir_len + 1 + strlen(name) + strlen(suffix) + 1;
	char *p = malloc(len);

	if (p)
		snprintf(p, len, "%.*s%s%s%s", (int)dir_len, dir,
			 dir_len && dir[dir_len - 1] != '/' ? "/" : "", name,
			 suffix);
	return p;
}

/* Appends ", path" (or "path") to a growing list of tried paths. */
static void tried_add(char *buf, size_t size, const char *path)
{
	size_t used = strlen(buf);

	snprintf(buf + used, size - used, "%s%s", used ? ", " : "", path);
}

char *pd_plugin_find(const struct desc_device *desc, const char *dirs,
		     const struct pd_log *log, int priority)
{
	const char *name = desc->plugin;
	const char *file = desc->file ? desc->file : "(description)";
	char tried[1024] = "";
	char *path;

	if (strchr(name, '/')) {
		const char *slash = strrchr(file, '/');

		if (name[0] == '/' || !slash)
			path = strdup(name);
		else
			path = join(file, (size_t)(slash - file), name, "");
		if (!path)
			goto oom;
		if (access(path, F_OK) == 0)
			return path;
		pd_log_at(log, priority, file, &desc->plugin_pos,
			  "plugin '%s' not found; tried %s (a relative path is taken from the description's directory)",
			  name, path);
		free(path);
		return NULL;
	}

	for (const char *d = dirs; ; ) {
		const char *end = strchr(d, ':');
		size_t len = end ? (size_t)(end - d) : strlen(d);

		if (len) {
			path = join(d, len, name, ends_with(name, ".so") ? "" : ".so");
			if (!path)
				goto oom;
			if (access(path, F_OK) == 0)
				return path;
			tried_add(tried, sizeof(tried), path);
			free(path);
		}
		if (!end)
			break;
		d = end + 1;
	}
	pd_log_at(log, priority, file, &desc->plugin_pos,
		  "plugin '%s' not found; tried %s (install it there, or name its directory with --plugin-dir or PCIEM_PLUGIN_DIR)",
		  name, tried[0] ? tried : "no directory");
	return NULL;
oom:
	pd_log_at(log, LOG_ERR, file, &desc->plugin_pos, "out of memory");
	return NULL;
}

/* sym, if the plugin itself defines it (not a library it pulls in). */
static void *own_symbol(void *handle, const char *name)
{
	struct link_map *mine = NULL, *its = NULL;
	Dl_info info;
	void *sym;

	dlerror();
	sym = dlsym(handle, name);
	if (!sym)
		return NULL;
	if (dlinfo(handle, RTLD_DI_LINKMAP, &mine) != 0 ||
	    !dladdr1(sym, &info, (void **)&its, RTLD_DL_LINKMAP))
		return NULL;
	return its == mine ? sym : NULL;
}

int pd_plugin_load(const struct desc_device *desc, const char *dirs,
		   const struct pd_log *log, struct pd_plugin **out)
{
	const char *file = desc->file ? desc->file : "(description)";
	const struct pciem_plugin *info;
	struct pd_plugin *p;

	*out = NULL;
	if (!desc->plugin)
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos, "out of memory");
		return -1;
	}
	p->path = pd_plugin_find(desc, dirs, log, LOG_ERR);
	if (!p->path)
		goto fail;
	p->handle = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
	if (!p->handle) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "cannot load plugin %s: %s", p->path, dlerror());
		goto fail;
	}
	info = own_symbol(p->handle, PCIEM_PLUGIN_SYMBOL);
	if (!info) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "%s is not a pciemd plugin: it has no %s symbol (define it with PCIEM_PLUGIN() from pciem/plugin.h)",
			  p->path, PCIEM_PLUGIN_SYMBOL);
		goto fail;
	}
	if (info->api_version != PCIEM_PLUGIN_API_VERSION) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "plugin %s was built for plugin API version %u, but this pciemd provides version %u: rebuild it against this pciemd's pciem/plugin.h",
			  p->path, info->api_version, PCIEM_PLUGIN_API_VERSION);
		goto fail;
	}
	if (info->struct_size != sizeof(struct pciem_plugin)) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "plugin %s has a descriptor of %u bytes where API version %u has %zu: rebuild it against this pciemd's pciem/plugin.h",
			  p->path, info->struct_size, PCIEM_PLUGIN_API_VERSION,
			  sizeof(struct pciem_plugin));
		goto fail;
	}
	p->info = info;
	*out = p;
	return 0;
fail:
	pd_plugin_unload(p);
	return -1;
}

static int bind_one(struct pd_plugin *plugin, struct pciem_device *dev,
		    const struct desc_register *r,
		    const struct desc_handler_ref *ref, const char *kind,
		    void **slot)
{
	if (!ref->name)
		return 0;
	*slot = own_symbol(plugin->handle, ref->name);
	if (*slot)
		return 0;
	pd_log_at(dev->log, LOG_ERR, pd_file(dev), &ref->pos,
		  "handler '%s' (%s handler of register %s) is not in plugin %s: export a function of that name from it",
		  ref->name, kind, r->name, plugin->path);
	return -1;
}

int pd_plugin_bind(struct pd_plugin *plugin, struct pciem_device *dev)
{
	for (size_t i = 0; i < dev->n_regs; i++) {
		const struct desc_register *r = dev->regs[i].desc;
		void *rd = NULL, *wr = NULL;

		if (!plugin) {
			const struct desc_handler_ref *ref =
				r->read.name ? &r->read : r->write.name ? &r->write : NULL;

			if (!ref)
				continue;
			pd_log_at(dev->log, LOG_ERR, pd_file(dev), &ref->pos,
				  "register %s names handler '%s', but the description has no plugin: add `plugin: NAME`",
				  r->name, ref->name);
			return -1;
		}
		if (bind_one(plugin, dev, r, &r->read, "read", &rd) ||
		    bind_one(plugin, dev, r, &r->write, "write", &wr))
			return -1;
		/* dlsym gives data pointers; POSIX makes them callable. */
		dev->regs[i].read = (pciem_read_handler *)rd;
		dev->regs[i].write = (pciem_write_handler *)wr;
	}
	dev->plugin = plugin;
	return 0;
}

void pd_plugin_unload(struct pd_plugin *plugin)
{
	if (!plugin)
		return;
	if (plugin->handle)
		dlclose(plugin->handle);
	free(plugin->path);
	free(plugin);
}
