// SPDX-License-Identifier: MIT
/*
 * Registers sorted by (bar, offset), as desc.h promises, and checked not
 * to share bytes: the module refuses overlapping regions, and two names
 * for one byte would make its semantics ambiguous.
 */
#include <stdlib.h>

#include "desc_error.h"
#include "desc_parse.h"

static int pos_cmp(struct desc_pos a, struct desc_pos b)
{
	if (a.line != b.line)
		return a.line < b.line ? -1 : 1;
	return a.column < b.column ? -1 : a.column > b.column;
}

static int reg_cmp(const void *pa, const void *pb)
{
	const struct desc_register *a = pa, *b = pb;

	if (a->bar != b->bar)
		return a->bar < b->bar ? -1 : 1;
	if (a->offset != b->offset)
		return a->offset < b->offset ? -1 : 1;
	/* Same place (an overlap): file order keeps the result deterministic. */
	return pos_cmp(a->pos, b->pos);
}

int desc_check_overlaps(struct desc_error *err, struct desc_device *dev)
{
	const struct desc_register *widest = NULL;	/* reaching furthest so far */

	if (dev->n_registers)
		qsort(dev->registers, dev->n_registers, sizeof(*dev->registers), reg_cmp);
	for (size_t i = 0; i < dev->n_registers; i++) {
		const struct desc_register *r = &dev->registers[i];
		const struct desc_register *first, *second;

		if (widest && widest->bar == r->bar &&
		    r->offset < widest->offset + widest->width) {
			/* Report at the one written later, naming the other. */
			first = pos_cmp(widest->pos, r->pos) < 0 ? widest : r;
			second = first == r ? widest : r;
			return desc_fail(err, second->pos,
					 "register '%s' (0x%llx..0x%llx) overlaps register '%s' (0x%llx..0x%llx, line %u) in BAR %u; expected registers not to share bytes",
					 second->name, (unsigned long long)second->offset,
					 (unsigned long long)(second->offset + second->width - 1),
					 first->name, (unsigned long long)first->offset,
					 (unsigned long long)(first->offset + first->width - 1),
					 first->pos.line, r->bar);
		}
		if (!widest || widest->bar != r->bar ||
		    r->offset + r->width > widest->offset + widest->width)
			widest = r;
	}
	return 0;
}
