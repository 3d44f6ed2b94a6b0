/* SPDX-License-Identifier: MIT */
/*
 * A YAML document as a small tree whose every node knows where it starts,
 * read with libyaml's event API.  Only what descriptions use is kept:
 * scalars, mappings with scalar keys, lists.  Aliases are refused (they
 * would let a few bytes stand for an exponential tree), and so are
 * several documents in one file.
 */
#ifndef PCIEMD_DESC_YAML_H
#define PCIEMD_DESC_YAML_H

#include <stdbool.h>
#include <stddef.h>

#include "desc.h"

/* Deeper than any description needs; bounds every walk of the tree. */
#define YNODE_MAX_DEPTH 16

enum ynode_kind {
	YNODE_SCALAR,
	YNODE_MAP,
	YNODE_SEQ,
};

struct ynode {
	enum ynode_kind kind;
	struct desc_pos pos;
	char *text;		/* scalar: its value, NUL-terminated */
	bool plain;		/* scalar: written without quotes */
	size_t n;		/* map: 2 per pair (key, value); list: items */
	size_t cap;
	struct ynode **kids;
};

/*
 * Parse len bytes of text.  *root is NULL for a stream with no document;
 * returns 0, or -1 with err filled (position and message).
 */
int ynode_read(const char *text, size_t len, struct ynode **root,
	       struct desc_error *err);
void ynode_free(struct ynode *node);

/* A plain empty, "~" or "null" scalar: YAML's way of writing nothing. */
bool ynode_is_null(const struct ynode *node);

/* "a mapping", "a list", "a single value" or "empty", for "X is ...; expected". */
const char *ynode_kind_name(const struct ynode *node);

/* Number of pairs of a mapping; its i-th key and value. */
static inline size_t ynode_pairs(const struct ynode *map)
{
	return map->n / 2;
}

static inline const struct ynode *ynode_key(const struct ynode *map, size_t i)
{
	return map->kids[2 * i];
}

static inline const struct ynode *ynode_value(const struct ynode *map, size_t i)
{
	return map->kids[2 * i + 1];
}

/* The value of key in map, or NULL (also when map is no mapping). */
const struct ynode *ynode_get(const struct ynode *map, const char *key);

#endif /* PCIEMD_DESC_YAML_H */
