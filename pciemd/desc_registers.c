// SPDX-License-Identifier: MIT
/*
 * registers: each one's place (BAR, offset, width), its storage semantics
 * (reset value, access, masks) and its handlers.  Checked one at a time,
 * in file order; overlaps between registers are desc_overlap.c's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_error.h"
#include "desc_keys.h"
#include "desc_number.h"
#include "desc_parse.h"
#include "desc_value.h"

/* x86 has four debug registers, shared with every other user. */
#define MAX_WATCHED 4
/* Elements of one register array: the kernel's regions per BAR. */
#define MAX_ARRAY 1024

static const struct desc_key register_keys[] = {
	{ "name", "the register's name, e.g. name: CONTROL" },
	{ "bar", NULL },
	{ "offset", "its byte offset in the BAR, e.g. offset: 0x0" },
	{ "width", NULL },
	{ "reset", NULL },
	{ "access", NULL },
	{ "write_mask", NULL },
	{ "w1c_mask", NULL },
	{ "read", NULL },
	{ "write", NULL },
	{ "watch", NULL },
	{ "count", NULL },
	{ "stride", NULL },
};

/* Message prefix naming the register: "register 'CONTROL'". */
struct who {
	char s[96];
};

static uint64_t width_mask(unsigned int width)
{
	return width == 8 ? UINT64_MAX : (1ULL << (8 * width)) - 1;
}

/* "register 'X' KEY" as the what of a value message. */
static const char *what(char *buf, size_t len, const struct who *who, const char *key)
{
	snprintf(buf, len, "%s %s", who->s, key);
	return buf;
}

/* A number of the register that must fit in its width. */
static int fitting(struct desc_error *err, const struct ynode *n,
		   const struct who *who, const char *key, unsigned int width,
		   uint64_t *out)
{
	char w[128], expect[96];

	snprintf(expect, sizeof(expect), "at most 0x%llx (the register is %u byte%s wide)",
		 (unsigned long long)width_mask(width), width, width == 1 ? "" : "s");
	return desc_value_u64(err, n, what(w, sizeof(w), who, key), 0,
			      width_mask(width), expect, out);
}

/* Registers stay clear of the MSI-X table and PBA, which the kernel owns. */
static int outside_msix(struct desc_error *err, const struct desc_device *dev,
			unsigned int b, uint64_t o, uint64_t w, struct desc_pos pos,
			const struct who *who)
{
	const struct desc_msix *x = &dev->msix;
	uint64_t end = o + w - 1;

	if (x->present && x->bar == b) {
		uint64_t t0 = x->table_offset, t1 = t0 + 16ULL * x->vectors - 1;
		uint64_t p0 = x->pba_offset, p1 = p0 + 8ULL * ((x->vectors + 63) / 64) - 1;
		bool in_table = o <= t1 && t0 <= end;

		if (in_table || (o <= p1 && p0 <= end))
			return desc_fail(err, pos,
					 "%s (0x%llx..0x%llx) overlaps the MSI-X %s (0x%llx..0x%llx, line %u); expected registers outside the MSI-X table and PBA",
					 who->s, (unsigned long long)o, (unsigned long long)end,
					 in_table ? "table" : "PBA",
					 (unsigned long long)(in_table ? t0 : p0),
					 (unsigned long long)(in_table ? t1 : p1), x->pos.line);
	}
	return 0;
}

static int parse_place(struct desc_error *err, struct desc_device *dev,
		       struct desc_register *r, const struct ynode *item,
		       const struct who *who)
{
	const struct ynode *bar = ynode_get(item, "bar");
	const struct ynode *off = ynode_get(item, "offset");
	const struct ynode *width = ynode_get(item, "width");
	uint64_t b = 0, w = 4, o, bar_size;
	char buf[128], size[24];

	if ((bar && desc_value_u64(err, bar, what(buf, sizeof(buf), who, "bar"),
				   0, 5, "a BAR index from 0 to 5", &b)) ||
	    desc_check_bar_ref(err, dev, (unsigned int)b, bar ? bar->pos : item->pos, who->s))
		return -1;
	if (width && desc_value_u64(err, width, what(buf, sizeof(buf), who, "width"),
				    0, UINT64_MAX, "1, 2, 4 or 8 (bytes)", &w))
		return -1;
	if (w != 1 && w != 2 && w != 4 && w != 8)
		return desc_fail(err, width->pos,
				 "%s width " DESC_QUOTE " is not a register width; expected 1, 2, 4 or 8 (bytes)",
				 who->s, width->text);
	if (desc_value_u64(err, off, what(buf, sizeof(buf), who, "offset"), 0,
			   UINT64_MAX, "a byte offset in the BAR", &o))
		return -1;
	if (o % w)
		return desc_fail(err, off->pos,
				 "%s offset " DESC_QUOTE " is not aligned to its width (%llu bytes); expected a multiple of %llu",
				 who->s, off->text, (unsigned long long)w, (unsigned long long)w);
	bar_size = dev->bars[b].size;
	if (o >= bar_size || bar_size - o < w) {
		num_format_size(bar_size, size, sizeof(size));
		return desc_fail(err, off->pos,
				 "%s at offset " DESC_QUOTE " does not fit in BAR %u (size %s); expected offset + width <= 0x%llx",
				 who->s, off->text, (unsigned int)b, size,
				 (unsigned long long)bar_size);
	}
	if (outside_msix(err, dev, (unsigned int)b, o, w, off->pos, who))
		return -1;
	r->bar = (unsigned int)b;
	r->offset = o;
	r->width = (unsigned int)w;
	return 0;
}

/* reset, access and the masks; defaults per access (docs/device-yaml.md). */
static int parse_semantics(struct desc_error *err, struct desc_register *r,
			   const struct ynode *item, const struct who *who)
{
	static const char *const access[] = { "rw", "ro", "wo", "rw1c" };
	static const enum desc_access codes[] = { DESC_ACCESS_RW, DESC_ACCESS_RO,
						  DESC_ACCESS_WO, DESC_ACCESS_RW1C };
	const struct ynode *reset = ynode_get(item, "reset");
	const struct ynode *acc = ynode_get(item, "access");
	const struct ynode *wm = ynode_get(item, "write_mask");
	const struct ynode *w1c = ynode_get(item, "w1c_mask");
	uint64_t all = width_mask(r->width), wmv = 0, w1cv = 0;
	unsigned int a = 0;
	char buf[128];

	if ((reset && fitting(err, reset, who, "reset", r->width, &r->reset)) ||
	    (acc && desc_value_choice(err, acc, what(buf, sizeof(buf), who, "access"),
				      access, 4, &a)) ||
	    (wm && fitting(err, wm, who, "write_mask", r->width, &wmv)) ||
	    (w1c && fitting(err, w1c, who, "w1c_mask", r->width, &w1cv)))
		return -1;
	r->access = codes[a];
	if (r->access == DESC_ACCESS_RO && wmv)
		return desc_fail(err, wm->pos,
				 "%s is ro but write_mask " DESC_QUOTE " lets writes change bits; expected write_mask: 0, or access: rw",
				 who->s, wm->text);
	if (r->access == DESC_ACCESS_RO && w1cv)
		return desc_fail(err, w1c->pos,
				 "%s is ro but w1c_mask " DESC_QUOTE " lets writes clear bits; expected w1c_mask: 0, or access: rw1c",
				 who->s, w1c->text);
	if (wm && w1c && (wmv & w1cv))
		return desc_fail(err, w1c->pos,
				 "%s w1c_mask " DESC_QUOTE " and write_mask " DESC_QUOTE " share bits 0x%llx; expected each bit writable or write-1-to-clear, not both",
				 who->s, w1c->text, wm->text, (unsigned long long)(wmv & w1cv));
	/* A mask given explicitly shapes the other's default: they never collide. */
	switch (r->access) {
	case DESC_ACCESS_RW:
	case DESC_ACCESS_WO:
		r->write_mask = wm ? wmv : all & ~w1cv;
		r->w1c_mask = w1cv;
		break;
	case DESC_ACCESS_RO:
		break;
	case DESC_ACCESS_RW1C:
		r->write_mask = wmv;
		r->w1c_mask = w1c ? w1cv : all & ~wmv;
		break;
	}
	return 0;
}

static int parse_handler(struct desc_error *err, const struct desc_device *dev,
			 struct desc_handler_ref *h, const struct ynode *n,
			 const struct who *who, const char *key)
{
	char buf[128];

	if (!n)
		return 0;
	snprintf(buf, sizeof(buf), "%s %s handler", who->s, key);
	if (desc_value_ident(err, n, buf, &h->name))
		return -1;
	h->pos = n->pos;
	if (!dev->plugin)
		return desc_fail(err, n->pos,
				 "%s names %s handler '%s' but no plugin is given; expected plugin: <name or path> at the top level",
				 who->s, key, h->name);
	return 0;
}

/* watch: writes seen by a debug register, so nothing may trap them. */
static int parse_watch(struct desc_error *err, const struct desc_device *dev,
		       struct desc_register *r, const struct ynode *item,
		       const struct who *who)
{
	static const char *const access[] = { "rw", "ro", "wo", "rw1c" };
	const struct ynode *n = ynode_get(item, "watch");
	unsigned int watched = 0;
	char buf[128];

	if (!n)
		return 0;
	if (desc_value_bool(err, n, what(buf, sizeof(buf), who, "watch"), &r->watch))
		return -1;
	if (!r->watch)
		return 0;
	if (!r->write.name)
		return desc_fail(err, n->pos,
				 "%s is watched but has no write handler; expected write: <handler> (a watchpoint only reports writes)",
				 who->s);
	if (r->access != DESC_ACCESS_RW)
		return desc_fail(err, n->pos,
				 "%s is watched, so its writes are not trapped and access %s cannot be applied; expected access: rw",
				 who->s, access[r->access]);
	if (ynode_get(item, "write_mask") || ynode_get(item, "w1c_mask"))
		return desc_fail(err, n->pos,
				 "%s is watched, so its writes are not trapped and %s cannot be applied; expected no masks",
				 who->s, ynode_get(item, "write_mask") ? "write_mask" : "w1c_mask");
	if (r->read.name)
		return desc_fail(err, n->pos,
				 "%s is watched but has a read handler, which traps writes too; expected no read handler, or watch: false",
				 who->s);
	for (size_t i = 0; i + 1 < dev->n_registers; i++)
		watched += dev->registers[i].watch;
	if (watched >= MAX_WATCHED)
		return desc_fail(err, n->pos,
				 "%s is watched register number %u; expected at most %d (the CPU has %d debug registers)",
				 who->s, watched + 1, MAX_WATCHED, MAX_WATCHED);
	return 0;
}

/* Whether name is taken: by a register, or as the name of an array. */
static const struct desc_register *name_taken(const struct desc_device *dev,
					      const char *name, size_t before)
{
	size_t len = strlen(name);

	for (size_t i = 0; i < before; i++) {
		const char *other = dev->registers[i].name;

		if (!strcmp(other, name) || (!strncmp(other, name, len) && other[len] == '['))
			return &dev->registers[i];
	}
	return NULL;
}

static char *element_name(const char *base, uint64_t i)
{
	size_t len = strlen(base) + 24;
	char *s = malloc(len);

	if (s)
		snprintf(s, len, "%s[%llu]", base, (unsigned long long)i);
	return s;
}

/*
 * count: N (and stride: S, default the width) makes the register the
 * first of N, named NAME[0] to NAME[N-1], each S bytes after the last,
 * with the same semantics and handlers: doorbells, queue registers.
 */
static int parse_array(struct desc_error *err, struct desc_device *dev,
		       const struct ynode *item, const struct who *who)
{
	const struct ynode *count = ynode_get(item, "count");
	const struct ynode *stride = ynode_get(item, "stride");
	size_t first = dev->n_registers - 1;
	struct desc_register *r = &dev->registers[first];
	uint64_t n, s = r->width, bar_size = dev->bars[r->bar].size;
	char buf[128], expect[96];
	char *base;

	if (!count) {
		if (stride)
			return desc_fail(err, stride->pos,
					 "%s has a stride but no count; expected count: N with it (a register array)",
					 who->s);
		return 0;
	}
	snprintf(expect, sizeof(expect), "from 1 to %d registers", MAX_ARRAY);
	if (desc_value_u64(err, count, what(buf, sizeof(buf), who, "count"), 1,
			   MAX_ARRAY, expect, &n))
		return -1;
	snprintf(expect, sizeof(expect), "a multiple of the register's width (%u bytes), at least %u",
		 r->width, r->width);
	if (stride && desc_value_u64(err, stride, what(buf, sizeof(buf), who, "stride"),
				     r->width, UINT64_MAX, expect, &s))
		return -1;
	if (s % r->width)
		return desc_fail(err, stride->pos, "%s stride " DESC_QUOTE " is not a multiple of its width; expected %s",
				 who->s, stride->text, expect);
	if (r->watch)
		return desc_fail(err, count->pos,
				 "%s is watched, and a register array needs a debug register per element; expected no count, or watch: false",
				 who->s);
	if ((n - 1) > (bar_size - r->offset - r->width) / s) {
		num_format_size(bar_size, buf, sizeof(buf));
		return desc_fail(err, count->pos,
				 "%s: %llu registers %llu bytes apart from offset 0x%llx do not fit in BAR %u (size %s); expected fewer, or a smaller stride",
				 who->s, (unsigned long long)n, (unsigned long long)s,
				 (unsigned long long)r->offset, r->bar, buf);
	}
	for (uint64_t i = 1; i < n; i++) {
		struct who element;

		snprintf(element.s, sizeof(element.s), "register '%s[%llu]'", r->name,
			 (unsigned long long)i);
		if (outside_msix(err, dev, r->bar, r->offset + i * s, r->width,
				 count->pos, &element))
			return -1;
	}

	base = r->name;
	r->array_count = (unsigned int)n;
	r->name = element_name(base, 0);
	if (!r->name) {
		r->name = base;
		return desc_fail_nomem(err);
	}
	for (uint64_t i = 1; i < n; i++) {
		struct desc_register *e = desc_array_add(&dev->registers, &dev->n_registers,
							 sizeof(*e));

		if (!e)
			goto nomem;
		r = &dev->registers[first];	/* the array may have moved */
		*e = *r;
		e->offset = r->offset + i * s;
		e->array_index = (unsigned int)i;
		e->name = element_name(base, i);
		e->read.name = r->read.name ? strdup(r->read.name) : NULL;
		e->write.name = r->write.name ? strdup(r->write.name) : NULL;
		if (!e->name || (r->read.name && !e->read.name) ||
		    (r->write.name && !e->write.name))
			goto nomem;
	}
	free(base);
	return 0;
nomem:
	free(base);
	return desc_fail_nomem(err);
}

static int parse_register(struct desc_error *err, struct desc_device *dev,
			  const struct ynode *item)
{
	const struct desc_register *taken;
	const struct ynode *name;
	struct desc_register *r;
	struct who who;

	if (desc_value_map(err, item, "register entry",
			   "a mapping of name, offset and optionally bar, width, reset, access, write_mask, w1c_mask, read, write, watch, count, stride") ||
	    desc_keys_check(err, item, "in register", register_keys,
			    sizeof(register_keys) / sizeof(register_keys[0])))
		return -1;
	r = desc_array_add(&dev->registers, &dev->n_registers, sizeof(*r));
	if (!r)
		return desc_fail_nomem(err);
	r->pos = item->pos;
	name = ynode_get(item, "name");
	if (desc_value_ident(err, name, "register name", &r->name))
		return -1;
	taken = name_taken(dev, r->name, dev->n_registers - 1);
	if (taken)
		return desc_fail(err, name->pos,
				 "register name '%s' is used twice (first at line %u); expected unique names",
				 r->name, taken->pos.line);
	snprintf(who.s, sizeof(who.s), "register '%s'", r->name);
	return parse_place(err, dev, r, item, &who) ||
	       parse_semantics(err, r, item, &who) ||
	       parse_handler(err, dev, &r->read, ynode_get(item, "read"), &who, "read") ||
	       parse_handler(err, dev, &r->write, ynode_get(item, "write"), &who, "write") ||
	       parse_watch(err, dev, r, item, &who) ||
	       parse_array(err, dev, item, &who) ? -1 : 0;
}

int desc_parse_registers(struct desc_error *err, struct desc_device *dev,
			 const struct ynode *v)
{
	return desc_value_list(err, dev, v, "registers",
			       "a list of registers, each '- { name: N, offset: O, ... }'",
			       parse_register);
}
