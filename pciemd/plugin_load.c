// SPDX-License-Identifier: MIT
/*
 * The plugin loader.  A plugin is looked up by name in the plugin
 * directories (or taken by path) and checked in its file before anything
 * of it runs: a descriptor of this pciemd's API version, and each handler
 * the description names a function the plugin itself exports, declared
 * as a handler of that kind.  Only then is it dlopen()ed (never for
 * pciemd --check).  A name that only libc or another library defines is
 * as missing as one nobody defines.
 */
#include <dlfcn.h>
#include <stddef.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "paths.h"
#include "plugin_elf.h"
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
		     const struct pd_log *log)
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
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
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
	pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
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

/* The smallest descriptor of this API version: every hook it began with. */
#define PD_PLUGIN_MIN_SIZE                                                     \
	(offsetof(struct pciem_plugin, reset) + sizeof(((struct pciem_plugin *)0)->reset))

/*
 * The descriptor as the file holds it: its version and size, checked
 * before any of the plugin's code can run.
 */
static int check_descriptor(struct pd_plugin *p, const struct desc_device *desc,
			    const struct pd_log *log)
{
	const char *file = desc->file ? desc->file : "(description)";
	struct pd_elf_sym sym;
	uint32_t head[2];

	if (!pd_elf_lookup(p->elf, PCIEM_PLUGIN_SYMBOL, &sym)) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "%s is not a pciemd plugin: it has no %s symbol (define it with PCIEM_PLUGIN() from pciem/plugin.h)",
			  p->path, PCIEM_PLUGIN_SYMBOL);
		return -1;
	}
	if (sym.kind != PD_ELF_OBJECT || !sym.data || sym.size < sizeof(head)) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "%s is not a pciemd plugin: its %s is not a descriptor (define it with PCIEM_PLUGIN() from pciem/plugin.h)",
			  p->path, PCIEM_PLUGIN_SYMBOL);
		return -1;
	}
	memcpy(head, sym.data, sizeof(head));
	if (head[0] != PCIEM_PLUGIN_API_VERSION) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "plugin %s was built for plugin API version %u, but this pciemd provides version %u: rebuild it against this pciemd's pciem/plugin.h",
			  p->path, head[0], PCIEM_PLUGIN_API_VERSION);
		return -1;
	}
	/* At least: sanitizers pad globals, and st_size counts the padding. */
	if (head[1] < PD_PLUGIN_MIN_SIZE || head[1] > sym.size) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "plugin %s has a damaged descriptor (%u bytes said, %llu defined, at least %zu in API version %u): rebuild it with PCIEM_PLUGIN() from pciem/plugin.h",
			  p->path, head[1], (unsigned long long)sym.size,
			  (size_t)PD_PLUGIN_MIN_SIZE, PCIEM_PLUGIN_API_VERSION);
		return -1;
	}
	if (head[1] > sizeof(struct pciem_plugin)) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "plugin %s was built against a newer pciem/plugin.h (a descriptor of %u bytes; this pciemd knows %zu): its hooks would not all be called; update pciemd",
			  p->path, head[1], sizeof(struct pciem_plugin));
		return -1;
	}
	return 0;
}

/* Find desc's plugin and check its file; nothing of it runs. */
static int open_plugin(const struct desc_device *desc, const char *dirs,
		       const struct pd_log *log, struct pd_plugin **out)
{
	const char *file = desc->file ? desc->file : "(description)";
	struct pd_plugin *p;
	char why[256];

	*out = NULL;
	if (!desc->plugin)
		return 0;
	p = calloc(1, sizeof(*p));
	if (!p) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos, "out of memory");
		return -1;
	}
	p->path = pd_plugin_find(desc, dirs, log);
	if (!p->path)
		goto fail;
	if (pd_elf_open(p->path, &p->elf, why, sizeof(why))) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "plugin %s %s", p->path, why);
		goto fail;
	}
	if (check_descriptor(p, desc, log))
		goto fail;
	*out = p;
	return 0;
fail:
	pd_plugin_unload(p);
	return -1;
}

int pd_plugin_inspect(const struct desc_device *desc, const char *dirs,
		      const struct pd_log *log, struct pd_plugin **out)
{
	return open_plugin(desc, dirs, log, out);
}

int pd_plugin_load(const struct desc_device *desc, const char *dirs,
		   const struct pd_log *log, struct pd_plugin **out)
{
	const char *file = desc->file ? desc->file : "(description)";
	const struct pciem_plugin *info;
	struct pd_plugin *p;

	*out = NULL;
	if (open_plugin(desc, dirs, log, &p))
		return -1;
	if (!p)
		return 0;
	p->handle = dlopen(p->path, RTLD_NOW | RTLD_LOCAL);
	if (!p->handle) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "cannot load plugin %s: %s", p->path, dlerror());
		goto fail;
	}
	/* The file was checked; what is mapped is the same file. */
	info = own_symbol(p->handle, PCIEM_PLUGIN_SYMBOL);
	if (!info || info->api_version != PCIEM_PLUGIN_API_VERSION ||
	    info->struct_size < PD_PLUGIN_MIN_SIZE ||
	    info->struct_size > sizeof(struct pciem_plugin)) {
		pd_log_at(log, LOG_ERR, file, &desc->plugin_pos,
			  "plugin %s changed while it was loaded", p->path);
		goto fail;
	}
	/* Hooks of a later API revision than the plugin's stay NULL. */
	memcpy(&p->desc_copy, info, info->struct_size);
	p->info = &p->desc_copy;
	*out = p;
	return 0;
fail:
	pd_plugin_unload(p);
	return -1;
}

/*
 * Whether the file defines name as a handler of kind: a function, with
 * the marker PCIEM_READ_HANDLER or PCIEM_WRITE_HANDLER leaves.
 */
static int check_handler(struct pd_plugin *plugin, struct pciem_device *dev,
			 const struct desc_register *r,
			 const struct desc_handler_ref *ref, bool is_read)
{
	const char *kind = is_read ? "read" : "write", *other = is_read ? "write" : "read";
	const char *macro = is_read ? "PCIEM_READ_HANDLER" : "PCIEM_WRITE_HANDLER";
	char marker[256];
	struct pd_elf_sym sym;

	if (!pd_elf_lookup(plugin->elf, ref->name, &sym)) {
		pd_log_at(dev->log, LOG_ERR, pd_file(dev), &ref->pos,
			  "handler '%s' (%s handler of register %s) is not in plugin %s: export a function of that name from it",
			  ref->name, kind, r->name, plugin->path);
		return -1;
	}
	if (sym.kind != PD_ELF_FUNC) {
		pd_log_at(dev->log, LOG_ERR, pd_file(dev), &ref->pos,
			  "handler '%s' (%s handler of register %s) is %s in plugin %s, not a function: name one defined with %s(NAME)",
			  ref->name, kind, r->name,
			  sym.kind == PD_ELF_OBJECT ? "data" : "no code", plugin->path, macro);
		return -1;
	}
	snprintf(marker, sizeof(marker), "%s%s",
		 is_read ? PCIEM_HANDLER_READ_PREFIX : PCIEM_HANDLER_WRITE_PREFIX, ref->name);
	if (pd_elf_lookup(plugin->elf, marker, &sym))
		return 0;
	snprintf(marker, sizeof(marker), "%s%s",
		 is_read ? PCIEM_HANDLER_WRITE_PREFIX : PCIEM_HANDLER_READ_PREFIX, ref->name);
	if (pd_elf_lookup(plugin->elf, marker, &sym)) {
		pd_log_at(dev->log, LOG_ERR, pd_file(dev), &ref->pos,
			  "handler '%s' of plugin %s is a %s handler, but register %s names it as its %s handler: name it with `%s:`, or name a function defined with %s(NAME)",
			  ref->name, plugin->path, other, r->name, kind, other, macro);
		return -1;
	}
	pd_log_at(dev->log, LOG_ERR, pd_file(dev), &ref->pos,
		  "'%s' (%s handler of register %s) is a function of plugin %s but not a handler: define it with %s(%s) from pciem/plugin.h",
		  ref->name, kind, r->name, plugin->path, macro, ref->name);
	return -1;
}

static int bind_one(struct pd_plugin *plugin, struct pciem_device *dev,
		    const struct desc_register *r,
		    const struct desc_handler_ref *ref, bool is_read,
		    void **slot)
{
	if (!ref->name)
		return 0;
	if (check_handler(plugin, dev, r, ref, is_read))
		return -1;
	if (!plugin->handle)
		return 0;
	*slot = own_symbol(plugin->handle, ref->name);
	if (*slot)
		return 0;
	pd_log_at(dev->log, LOG_ERR, pd_file(dev), &ref->pos,
		  "handler '%s' (%s handler of register %s) is not in plugin %s as loaded",
		  ref->name, is_read ? "read" : "write", r->name, plugin->path);
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
		if (bind_one(plugin, dev, r, &r->read, true, &rd) ||
		    bind_one(plugin, dev, r, &r->write, false, &wr))
			return -1;
		/* dlsym gives data pointers; POSIX makes them callable. */
		dev->regs[i].read = (pciem_read_handler *)rd;
		dev->regs[i].write = (pciem_write_handler *)wr;
	}
	/* Only a loaded plugin serves the device. */
	dev->plugin = plugin && plugin->handle ? plugin : NULL;
	return 0;
}

void pd_plugin_unload(struct pd_plugin *plugin)
{
	if (!plugin)
		return;
	if (plugin->handle)
		dlclose(plugin->handle);
	pd_elf_close(plugin->elf);
	free(plugin->path);
	free(plugin);
}
