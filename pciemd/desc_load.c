// SPDX-License-Identifier: MIT
/*
 * The entry points of desc.h: read a file, parse its YAML, build the
 * device section by section, free it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_error.h"
#include "desc_keys.h"
#include "desc_parse.h"
#include "desc_yaml.h"

/* Descriptions are a few kilobytes; refuse what is clearly something else. */
#define DESC_FILE_MAX (1024 * 1024)

static const struct desc_key top_keys[] = {
	{ "name", NULL },
	{ "identity", "identity: { vendor, device, class } to say what the device is" },
	{ "bars", NULL },
	{ "capabilities", NULL },
	{ "interrupts", NULL },
	{ "registers", NULL },
	{ "plugin", NULL },
	{ "params", NULL },
};

void *desc_array_add(void *array_ptr, size_t *n, size_t size)
{
	char **array = array_ptr;
	char *grown = realloc(*array, (*n + 1) * size);

	if (!grown)
		return NULL;
	*array = grown;
	memset(grown + *n * size, 0, size);
	return grown + (*n)++ * size;
}

static int parse_root(struct desc_error *err, struct desc_device *dev,
		      const struct ynode *root)
{
	if (!root || ynode_is_null(root))
		return desc_fail(err, (struct desc_pos){ 1, 1 },
				 "empty description; expected a mapping with at least identity: { vendor, device, class }");
	if (root->kind != YNODE_MAP)
		return desc_fail(err, root->pos,
				 "the top level is %s; expected a mapping of name, identity, bars, capabilities, interrupts, registers, plugin, params",
				 ynode_kind_name(root));
	/* Order matters: each section may check against those before it. */
	return desc_keys_check(err, root, "at the top level", top_keys,
			       sizeof(top_keys) / sizeof(top_keys[0])) ||
	       desc_parse_name(err, dev, ynode_get(root, "name")) ||
	       desc_parse_identity(err, dev, ynode_get(root, "identity")) ||
	       desc_parse_bars(err, dev, ynode_get(root, "bars")) ||
	       desc_parse_capabilities(err, dev, ynode_get(root, "capabilities")) ||
	       desc_parse_interrupts(err, dev, ynode_get(root, "interrupts")) ||
	       desc_parse_plugin(err, dev, ynode_get(root, "plugin")) ||
	       desc_parse_params(err, dev, ynode_get(root, "params")) ||
	       desc_parse_registers(err, dev, ynode_get(root, "registers")) ||
	       desc_check_overlaps(err, dev) ? -1 : 0;
}

struct desc_device *desc_load_text(const char *path, const char *text,
				   size_t len, struct desc_error *err)
{
	struct desc_device *dev;
	struct ynode *root;

	if (!path)
		path = "<input>";
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", path);
	dev = calloc(1, sizeof(*dev));
	if (!dev || !(dev->file = strdup(path))) {
		free(dev);
		desc_fail_nomem(err);
		return NULL;
	}
	if (ynode_read(text, len, &root, err)) {
		desc_free(dev);
		return NULL;
	}
	if (parse_root(err, dev, root)) {
		ynode_free(root);
		desc_free(dev);
		return NULL;
	}
	ynode_free(root);
	return dev;
}

struct desc_device *desc_load(const char *path, struct desc_error *err)
{
	struct desc_device *dev = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", path);
	f = fopen(path, "re");
	if (!f) {
		desc_fail(err, (struct desc_pos){ 0, 0 },
			  "cannot open the description: %s; expected a readable YAML file",
			  strerror(errno));
		return NULL;
	}
	text = malloc(DESC_FILE_MAX + 1);
	if (!text) {
		desc_fail_nomem(err);
	} else {
		len = fread(text, 1, DESC_FILE_MAX + 1, f);
		if (ferror(f))
			desc_fail(err, (struct desc_pos){ 0, 0 },
				  "cannot read the description: %s; expected a readable YAML file",
				  strerror(errno));
		else if (len > DESC_FILE_MAX)
			desc_fail(err, (struct desc_pos){ 0, 0 },
				  "the description is larger than %d bytes; expected a YAML device description (a few kilobytes)",
				  DESC_FILE_MAX);
		else
			dev = desc_load_text(path, text, len, err);
	}
	free(text);
	fclose(f);
	return dev;
}

void desc_free(struct desc_device *dev)
{
	if (!dev)
		return;
	for (size_t i = 0; i < dev->n_interrupts; i++)
		free(dev->interrupts[i].name);
	for (size_t i = 0; i < dev->n_registers; i++) {
		free(dev->registers[i].name);
		free(dev->registers[i].read.name);
		free(dev->registers[i].write.name);
	}
	for (size_t i = 0; i < dev->n_params; i++) {
		free(dev->params[i].key);
		free(dev->params[i].value);
	}
	free(dev->interrupts);
	free(dev->registers);
	free(dev->params);
	free(dev->plugin);
	free(dev->name);
	free(dev->file);
	free(dev);
}

const struct desc_register *desc_find_register(const struct desc_device *dev,
					       const char *name)
{
	for (size_t i = 0; i < dev->n_registers; i++)
		if (!strcmp(dev->registers[i].name, name))
			return &dev->registers[i];
	return NULL;
}
