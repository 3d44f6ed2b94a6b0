// SPDX-License-Identifier: MIT
/*
 * libyaml events to a ynode tree.  The tree is built without recursion
 * (an explicit stack of open collections) and every node is attached to
 * its parent as soon as it exists, so freeing the root on any error
 * frees everything.
 */
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "desc_error.h"
#include "desc_yaml.h"

struct builder {
	struct ynode *root;
	struct ynode *open[YNODE_MAX_DEPTH];
	size_t depth;
	bool had_document;
	struct desc_error *err;
};

static struct desc_pos mark_pos(yaml_mark_t mark)
{
	return (struct desc_pos){ (unsigned int)mark.line + 1,
				  (unsigned int)mark.column + 1 };
}

void ynode_free(struct ynode *node)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->n; i++)
		ynode_free(node->kids[i]);
	free(node->kids);
	free(node->text);
	free(node);
}

static int attach(struct builder *b, struct ynode *node)
{
	struct ynode *parent;

	if (!b->depth) {
		b->root = node;
		return 0;
	}
	parent = b->open[b->depth - 1];
	if (parent->n == parent->cap) {
		size_t cap = parent->cap ? 2 * parent->cap : 8;
		struct ynode **kids = realloc(parent->kids, cap * sizeof(*kids));

		if (!kids) {
			ynode_free(node);
			return desc_fail_nomem(b->err);
		}
		parent->kids = kids;
		parent->cap = cap;
	}
	parent->kids[parent->n++] = node;
	if (parent->kind == YNODE_MAP && parent->n % 2 == 1 &&
	    node->kind != YNODE_SCALAR)
		return desc_fail(b->err, node->pos,
				 "%s used as a mapping key; expected a plain key name",
				 ynode_kind_name(node));
	return 0;
}

static int add_node(struct builder *b, const yaml_event_t *ev)
{
	struct ynode *node = calloc(1, sizeof(*node));

	if (!node)
		return desc_fail_nomem(b->err);
	node->pos = mark_pos(ev->start_mark);
	if (ev->type == YAML_SCALAR_EVENT) {
		const yaml_char_t *v = ev->data.scalar.value;
		size_t len = ev->data.scalar.length;

		node->kind = YNODE_SCALAR;
		node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		node->text = strndup((const char *)v, len);
		if (!node->text) {
			free(node);
			return desc_fail_nomem(b->err);
		}
		if (attach(b, node))
			return -1;
		/* A "\0" escape would silently cut every later comparison. */
		if (strlen(node->text) != len)
			return desc_fail(b->err, node->pos,
					 "a NUL character inside a value; expected text without NUL");
		return 0;
	}
	node->kind = ev->type == YAML_MAPPING_START_EVENT ? YNODE_MAP : YNODE_SEQ;
	if (attach(b, node))
		return -1;
	if (b->depth == YNODE_MAX_DEPTH)
		return desc_fail(b->err, node->pos,
				 "lists and mappings nested more than %d deep; expected a device description (at most 4 levels)",
				 YNODE_MAX_DEPTH);
	b->open[b->depth++] = node;
	return 0;
}

/* One event; 1 at the end of the stream. */
static int on_event(struct builder *b, const yaml_event_t *ev)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (b->had_document)
			return desc_fail(b->err, mark_pos(ev->start_mark),
					 "a second YAML document; expected one device description per file");
		b->had_document = true;
		return 0;
	case YAML_ALIAS_EVENT:
		return desc_fail(b->err, mark_pos(ev->start_mark),
				 "alias '*" DESC_QUOTE "' is not supported; expected the value written out in full",
				 (const char *)ev->data.alias.anchor);
	case YAML_SCALAR_EVENT:
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		return add_node(b, ev);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		b->depth--;
		return 0;
	case YAML_STREAM_END_EVENT:
		return 1;
	default:
		return 0;
	}
}

/* Line and column of a byte offset: reader errors (bad UTF-8) carry only that. */
static struct desc_pos offset_pos(const char *text, size_t len, size_t offset)
{
	struct desc_pos pos = { 1, 1 };

	for (size_t i = 0; i < offset && i < len; i++) {
		if (text[i] == '\n') {
			pos.line++;
			pos.column = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			pos.column++;
		}
	}
	return pos;
}

static int syntax_error(const yaml_parser_t *p, const char *text, size_t len,
			struct desc_error *err)
{
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return desc_fail_nomem(err);
	case YAML_READER_ERROR:
		if (p->problem_value < 0)
			return desc_fail(err, offset_pos(text, len, p->problem_offset),
					 "%s; expected UTF-8 text", p->problem);
		return desc_fail(err, offset_pos(text, len, p->problem_offset),
				 "%s (0x%x); expected UTF-8 text",
				 p->problem, (unsigned int)p->problem_value);
	default:
		/* libyaml's words for a tab do not say "tab"; the commonest slip. */
		if (p->error == YAML_SCANNER_ERROR && p->problem_mark.index < len &&
		    text[p->problem_mark.index] == '\t')
			return desc_fail(err, mark_pos(p->problem_mark),
					 "YAML syntax: a tab character here; expected spaces (YAML indents with spaces only)");
		if (p->context)
			return desc_fail(err, mark_pos(p->problem_mark),
					 "YAML syntax: %s %s at line %zu, column %zu",
					 p->problem, p->context,
					 p->context_mark.line + 1, p->context_mark.column + 1);
		return desc_fail(err, mark_pos(p->problem_mark), "YAML syntax: %s",
				 p->problem ? p->problem : "unknown error");
	}
}

int ynode_read(const char *text, size_t len, struct ynode **root,
	       struct desc_error *err)
{
	struct builder b = { .err = err };
	yaml_parser_t parser;
	int rc = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&parser))
		return desc_fail_nomem(err);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (rc == 0) {
		yaml_event_t ev;

		if (!yaml_parser_parse(&parser, &ev)) {
			rc = syntax_error(&parser, text, len, err);
			break;
		}
		rc = on_event(&b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (rc < 0) {
		ynode_free(b.root);
		return -1;
	}
	*root = b.root;
	return 0;
}

bool ynode_is_null(const struct ynode *node)
{
	return node->kind == YNODE_SCALAR && node->plain &&
	       (!node->text[0] || !strcmp(node->text, "~") ||
		!strcmp(node->text, "null") || !strcmp(node->text, "Null") ||
		!strcmp(node->text, "NULL"));
}

const char *ynode_kind_name(const struct ynode *node)
{
	if (node->kind == YNODE_MAP)
		return "a mapping";
	if (node->kind == YNODE_SEQ)
		return "a list";
	return ynode_is_null(node) || !node->text[0] ? "empty" : "a single value";
}

const struct ynode *ynode_get(const struct ynode *map, const char *key)
{
	if (map->kind != YNODE_MAP)
		return NULL;
	for (size_t i = 0; i < ynode_pairs(map); i++)
		if (!strcmp(ynode_key(map, i)->text, key))
			return ynode_value(map, i);
	return NULL;
}
