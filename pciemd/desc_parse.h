/* SPDX-License-Identifier: MIT */
/*
 * The sections of a description, each parsed into struct desc_device.
 * desc_load.c calls them in this order, so each may rely on those before
 * it (registers check their BAR, interrupts their vector count, handlers
 * the plugin).  Each returns 0, or -1 with the error filled.
 */
#ifndef PCIEMD_DESC_PARSE_H
#define PCIEMD_DESC_PARSE_H

#include "desc.h"
#include "desc_yaml.h"

/* Node of the name key (NULL: none, take the file's base name). */
int desc_parse_name(struct desc_error *err, struct desc_device *dev,
		    const struct ynode *v);
int desc_parse_identity(struct desc_error *err, struct desc_device *dev,
			const struct ynode *v);
int desc_parse_bars(struct desc_error *err, struct desc_device *dev,
		    const struct ynode *v);
int desc_parse_capabilities(struct desc_error *err, struct desc_device *dev,
			    const struct ynode *v);
int desc_parse_interrupts(struct desc_error *err, struct desc_device *dev,
			  const struct ynode *v);
int desc_parse_plugin(struct desc_error *err, struct desc_device *dev,
		      const struct ynode *v);
int desc_parse_params(struct desc_error *err, struct desc_device *dev,
		      const struct ynode *v);
int desc_parse_registers(struct desc_error *err, struct desc_device *dev,
			 const struct ynode *v);
/* After registers: sort them by (bar, offset) and refuse overlaps. */
int desc_check_overlaps(struct desc_error *err, struct desc_device *dev);

/*
 * The BAR a register or the MSI-X structures name (index idx, at node
 * v or, when the key is absent, at pos): declared, and not the upper
 * half of a 64-bit BAR.  who starts the message ("register 'CTRL'").
 */
int desc_check_bar_ref(struct desc_error *err, const struct desc_device *dev,
		       unsigned int idx, struct desc_pos pos, const char *who);

/* Grow *array of *n elements of size by one zeroed element; NULL if no memory. */
void *desc_array_add(void *array_ptr, size_t *n, size_t size);

#endif /* PCIEMD_DESC_PARSE_H */
