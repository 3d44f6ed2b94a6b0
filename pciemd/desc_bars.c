// SPDX-License-Identifier: MIT
/* bars: memory BARs, and the checks of every reference to one. */
#include <stdio.h>

#include "desc_error.h"
#include "desc_keys.h"
#include "desc_parse.h"
#include "desc_value.h"

#define BAR_SIZE_MIN 0x1000ULL		/* one page: the unit of trapping */
#define BAR_SIZE_MAX 0x20000000ULL	/* what the module allocates */

static const struct desc_key bar_keys[] = {
	{ "index", "the BAR number, e.g. index: 0" },
	{ "size", "the BAR size, e.g. size: 4K" },
	{ "type", NULL },
	{ "prefetchable", NULL },
};

static bool is_upper_half(const struct desc_device *dev, unsigned int idx)
{
	return idx > 0 && dev->bars[idx - 1].present && dev->bars[idx - 1].is_64bit;
}

int desc_check_bar_ref(struct desc_error *err, const struct desc_device *dev,
		       unsigned int idx, struct desc_pos pos, const char *who)
{
	if (idx < 6 && dev->bars[idx].present)
		return 0;
	if (idx < 6 && is_upper_half(dev, idx))
		return desc_fail(err, pos,
				 "%s is in BAR %u, the upper half of 64-bit BAR %u (line %u); expected bar: %u",
				 who, idx, idx - 1, dev->bars[idx - 1].pos.line, idx - 1);
	return desc_fail(err, pos,
			 "%s is in BAR %u, which is not declared; expected a BAR listed under bars:",
			 who, idx);
}

static int parse_bar(struct desc_error *err, struct desc_device *dev,
		     const struct ynode *item)
{
	const struct ynode *n, *idx_node;
	static const char *const types[] = { "32", "64" };
	unsigned int type = 0;
	bool prefetch = false;
	uint64_t idx, size;
	struct desc_bar *bar;

	if (desc_value_map(err, item, "BAR entry",
			   "a mapping of index, size and optionally type, prefetchable") ||
	    desc_keys_check(err, item, "in BAR", bar_keys,
			    sizeof(bar_keys) / sizeof(bar_keys[0])))
		return -1;
	idx_node = ynode_get(item, "index");
	if (desc_value_u64(err, idx_node, "BAR index", 0, 5, "0..5", &idx) ||
	    desc_value_size(err, ynode_get(item, "size"), "BAR size",
			    BAR_SIZE_MIN, BAR_SIZE_MAX, &size))
		return -1;
	n = ynode_get(item, "type");
	if (n && desc_value_choice(err, n, "BAR type", types, 2, &type))
		return -1;
	n = ynode_get(item, "prefetchable");
	if (n && desc_value_bool(err, n, "prefetchable", &prefetch))
		return -1;

	if (dev->bars[idx].present)
		return desc_fail(err, idx_node->pos,
				 "BAR %u is declared twice (first at line %u); expected each index once",
				 (unsigned int)idx, dev->bars[idx].pos.line);
	if (is_upper_half(dev, (unsigned int)idx))
		return desc_fail(err, idx_node->pos,
				 "BAR %u is the upper half of 64-bit BAR %u (line %u); expected a free index",
				 (unsigned int)idx, (unsigned int)idx - 1,
				 dev->bars[idx - 1].pos.line);
	if (type == 1 && idx == 5)
		return desc_fail(err, idx_node->pos,
				 "64-bit BAR 5 would need index 6 for its upper half; expected index 0..4 for a 64-bit BAR");
	if (type == 1 && dev->bars[idx + 1].present)
		return desc_fail(err, idx_node->pos,
				 "64-bit BAR %u needs index %u for its upper half, but BAR %u is declared at line %u; expected a free index above a 64-bit BAR",
				 (unsigned int)idx, (unsigned int)idx + 1,
				 (unsigned int)idx + 1, dev->bars[idx + 1].pos.line);
	bar = &dev->bars[idx];
	bar->present = true;
	bar->pos = item->pos;
	bar->size = size;
	bar->is_64bit = type == 1;
	bar->prefetchable = prefetch;
	return 0;
}

int desc_parse_bars(struct desc_error *err, struct desc_device *dev,
		    const struct ynode *v)
{
	return desc_value_list(err, dev, v, "bars",
			       "a list of BARs, each '- { index: N, size: S }'",
			       parse_bar);
}
