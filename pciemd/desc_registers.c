// SPDX-License-Identifier: MIT
/*
 * registers: each one's place (BAR, offset, width), its storage semantics
 * (reset value, access, masks) and its handlers.  Checked one at a time,
 * in file order; overlaps between registers are desc_overlap.c's.
 */
#include <stdio.h>
#include <string.h>

#include "desc_error.h"
#include "desc_keys.h"
#include "desc_number.h"
#include "desc_parse.h"
#include "desc_value.h"

/* x86 has four debug registers, shared with every other user. */
#define MAX_WATCHED 4

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

static int parse_place(struct desc_error *err, struct desc_device *dev,
		       struct desc_register *r, const struct ynode *item,
		       const struct who *who)
{
	const struct ynode *bar = ynode_get(item, "bar");
	const struct ynode *off = ynode_get(item, "offset");
	const struct ynode *width = ynode_get(item, "width");
	const struct desc_msix *x = &dev->msix;
	uint64_t b = 0, w = 4, o, end, bar_size;
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
	end = o + w - 1;
	if (x->present && x->bar == b) {
		uint64_t t0 = x->table_offset, t1 = t0 + 16ULL * x->vectors - 1;
		uint64_t p0 = x->pba_offset, p1 = p0 + 8ULL * ((x->vectors + 63) / 64) - 1;
		bool in_table = o <= t1 && t0 <= end;

		if (in_table || (o <= p1 && p0 <= end))
			return desc_fail(err, off->pos,
					 "%s (0x%llx..0x%llx) overlaps the MSI-X %s (0x%llx..0x%llx, line %u); expected registers outside the MSI-X table and PBA",
					 who->s, (unsigned long long)o, (unsigned long long)end,
					 in_table ? "table" : "PBA",
					 (unsigned long long)(in_table ? t0 : p0),
					 (unsigned long long)(in_table ? t1 : p1), x->pos.line);
	}
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

static int parse_register(struct desc_error *err, struct desc_device *dev,
			  const struct ynode *item)
{
	const struct ynode *name;
	struct desc_register *r;
	struct who who;

	if (desc_value_map(err, item, "register entry",
			   "a mapping of name, offset and optionally bar, width, reset, access, write_mask, w1c_mask, read, write, watch") ||
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
	for (size_t i = 0; i + 1 < dev->n_registers; i++) {
		if (!strcmp(dev->registers[i].name, r->name))
			return desc_fail(err, name->pos,
					 "register name '%s' is used twice (first at line %u); expected unique names",
					 r->name, dev->registers[i].pos.line);
	}
	snprintf(who.s, sizeof(who.s), "register '%s'", r->name);
	return parse_place(err, dev, r, item, &who) ||
	       parse_semantics(err, r, item, &who) ||
	       parse_handler(err, dev, &r->read, ynode_get(item, "read"), &who, "read") ||
	       parse_handler(err, dev, &r->write, ynode_get(item, "write"), &who, "write") ||
	       parse_watch(err, dev, r, item, &who) ? -1 : 0;
}

int desc_parse_registers(struct desc_error *err, struct desc_device *dev,
			 const struct ynode *v)
{
	return desc_value_list(err, dev, v, "registers",
			       "a list of registers, each '- { name: N, offset: O, ... }'",
			       parse_register);
}
