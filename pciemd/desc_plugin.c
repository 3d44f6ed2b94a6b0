// SPDX-License-Identifier: MIT
/* name, plugin and params: how the device and its handlers are named. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "desc_error.h"
#include "desc_parse.h"
#include "desc_value.h"

#define NAME_MAX_LEN 64

static bool is_alnum(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9');
}

/* Letters, digits and "extra"; what a unit instance or file name can hold. */
static bool only(const char *s, const char *extra)
{
	for (; *s; s++)
		if (!is_alnum(*s) && !strchr(extra, *s))
			return false;
	return true;
}

int desc_parse_name(struct desc_error *err, struct desc_device *dev,
		    const struct ynode *v)
{
	static const char expect[] =
		"letters, digits, '.', '_' and '-', starting with a letter or digit, at most 64 characters";
	const char *text;

	if (!v) {
		const char *base = strrchr(dev->file, '/');
		size_t len;

		base = base ? base + 1 : dev->file;
		len = strlen(base);
		if (len > 5 && !strcmp(base + len - 5, ".yaml"))
			len -= 5;
		else if (len > 4 && !strcmp(base + len - 4, ".yml"))
			len -= 4;
		dev->name = strndup(base, len);
		return dev->name ? 0 : desc_fail_nomem(err);
	}
	if (desc_value_text(err, v, "name", &text))
		return -1;
	if (strlen(text) > NAME_MAX_LEN || !is_alnum(text[0]) || !only(text, "._-"))
		return desc_fail(err, v->pos, "name '" DESC_QUOTE "' is not a device name; expected %s",
				 text, expect);
	dev->name = strdup(text);
	return dev->name ? 0 : desc_fail_nomem(err);
}

int desc_parse_plugin(struct desc_error *err, struct desc_device *dev,
		      const struct ynode *v)
{
	const char *text;

	if (!v)
		return 0;
	if (desc_value_text(err, v, "plugin", &text))
		return -1;
	/* A bare name is looked up in the handler directory; a path is used as is. */
	if (!strchr(text, '/') && !only(text, "._+-"))
		return desc_fail(err, v->pos,
				 "plugin '" DESC_QUOTE "' is not a plugin name; expected letters, digits, '.', '_', '+' and '-', or a path containing '/'",
				 text);
	dev->plugin = strdup(text);
	dev->plugin_pos = v->pos;
	return dev->plugin ? 0 : desc_fail_nomem(err);
}

int desc_parse_params(struct desc_error *err, struct desc_device *dev,
		      const struct ynode *v)
{
	if (!v || ynode_is_null(v))
		return 0;
	if (desc_value_map(err, v, "params",
			   "a mapping of parameter names to single values, e.g. threshold: 10"))
		return -1;
	for (size_t i = 0; i < ynode_pairs(v); i++) {
		const struct ynode *key = ynode_key(v, i), *val = ynode_value(v, i);
		struct desc_param *p;

		if (!key->text[0])
			return desc_fail(err, key->pos,
					 "empty parameter name; expected a name before ':'");
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(ynode_key(v, j)->text, key->text))
				return desc_fail(err, key->pos,
						 "duplicate parameter '" DESC_QUOTE "' (first at line %u); expected each parameter once",
						 key->text, ynode_key(v, j)->pos.line);
		}
		if (val->kind != YNODE_SCALAR)
			return desc_fail(err, val->pos,
					 "parameter '" DESC_QUOTE "' is %s; expected a single value (a number or text)",
					 key->text, ynode_kind_name(val));
		p = desc_array_add(&dev->params, &dev->n_params, sizeof(*p));
		if (!p)
			return desc_fail_nomem(err);
		p->pos = key->pos;
		p->value_pos = val->pos;
		p->key = strdup(key->text);
		/* "threshold:" with nothing after it is the empty text. */
		p->value = strdup(ynode_is_null(val) ? "" : val->text);
		if (!p->key || !p->value)
			return desc_fail_nomem(err);
	}
	return 0;
}
