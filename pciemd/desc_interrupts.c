// SPDX-License-Identifier: MIT
/* interrupts: names for the vectors a handler raises. */
#include <stdio.h>
#include <string.h>

#include "desc_error.h"
#include "desc_keys.h"
#include "desc_parse.h"
#include "desc_value.h"

static const struct desc_key interrupt_keys[] = {
	{ "name", "the interrupt's name, e.g. name: done" },
	{ "vector", "its vector number, e.g. vector: 0" },
};

/* What the device can raise: MSI-X wins over MSI, INTx is vector 0 alone. */
static unsigned int vector_count(const struct desc_device *dev, char *why, size_t len)
{
	if (dev->msix.present) {
		snprintf(why, len, "MSI-X has %u vector%s", dev->msix.vectors,
			 dev->msix.vectors == 1 ? "" : "s");
		return dev->msix.vectors;
	}
	if (dev->msi.present) {
		snprintf(why, len, "MSI has %u vector%s", dev->msi.vectors,
			 dev->msi.vectors == 1 ? "" : "s");
		return dev->msi.vectors;
	}
	snprintf(why, len, "no MSI or MSI-X: INTx only");
	return 1;
}

static int parse_interrupt(struct desc_error *err, struct desc_device *dev,
			   const struct ynode *item)
{
	struct desc_interrupt *irq;
	char why[64], expect[96];
	unsigned int count;
	uint64_t vector;

	if (desc_value_map(err, item, "interrupt entry", "a mapping of name and vector") ||
	    desc_keys_check(err, item, "in interrupt", interrupt_keys, 2))
		return -1;
	irq = desc_array_add(&dev->interrupts, &dev->n_interrupts, sizeof(*irq));
	if (!irq)
		return desc_fail_nomem(err);
	irq->pos = item->pos;
	if (desc_value_ident(err, ynode_get(item, "name"), "interrupt name", &irq->name))
		return -1;
	for (size_t i = 0; i + 1 < dev->n_interrupts; i++) {
		if (!strcmp(dev->interrupts[i].name, irq->name))
			return desc_fail(err, ynode_get(item, "name")->pos,
					 "interrupt name '%s' is used twice (first at line %u); expected unique names",
					 irq->name, dev->interrupts[i].pos.line);
	}
	count = vector_count(dev, why, sizeof(why));
	if (count == 1)
		snprintf(expect, sizeof(expect), "0 (%s)", why);
	else
		snprintf(expect, sizeof(expect), "0..%u (%s)", count - 1, why);
	if (desc_value_u64(err, ynode_get(item, "vector"), "interrupt vector", 0, count - 1, expect, &vector))
		return -1;
	irq->vector = (unsigned int)vector;
	return 0;
}

int desc_parse_interrupts(struct desc_error *err, struct desc_device *dev,
			  const struct ynode *v)
{
	return desc_value_list(err, dev, v, "interrupts",
			       "a list of interrupts, each '- { name: N, vector: V }'",
			       parse_interrupt);
}
