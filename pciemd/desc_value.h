/* SPDX-License-Identifier: MIT */
/*
 * Typed values of a description's nodes.  Each checks the node's kind and
 * text and reports "WHAT 'TEXT' is wrong; expected ..." at the node; what
 * is the key as the user wrote it ("revision", "register name").
 */
#ifndef PCIEMD_DESC_VALUE_H
#define PCIEMD_DESC_VALUE_H

#include <stdbool.h>
#include <stdint.h>

#include "desc.h"
#include "desc_yaml.h"

/* Identifiers longer than this are refused: they become C symbol names. */
#define DESC_IDENT_MAX 63

/* A mapping or a list; expect says what belongs there. */
int desc_value_map(struct desc_error *err, const struct ynode *v,
		   const char *what, const char *expect);
int desc_value_seq(struct desc_error *err, const struct ynode *v,
		   const char *what, const char *expect);

/*
 * An optional list section (absent or null: none), each item handed to
 * parse in order; stops at the first error.
 */
typedef int desc_item_parser(struct desc_error *err, struct desc_device *dev,
			     const struct ynode *item);
int desc_value_list(struct desc_error *err, struct desc_device *dev,
		    const struct ynode *v, const char *what,
		    const char *expect, desc_item_parser *parse);

/* A number in min..max; expect is the range as users should read it. */
int desc_value_u64(struct desc_error *err, const struct ynode *v,
		   const char *what, uint64_t min, uint64_t max,
		   const char *expect, uint64_t *out);
/* A size (desc_number.h): a power of two in min..max. */
int desc_value_size(struct desc_error *err, const struct ynode *v,
		    const char *what, uint64_t min, uint64_t max, uint64_t *out);
/* true or false (also True/TRUE, False/FALSE); yes/no/on/off are refused. */
bool desc_text_bool(const char *text, bool *out);
int desc_value_bool(struct desc_error *err, const struct ynode *v,
		    const char *what, bool *out);
/* One of names[0..n); *out is its index. */
int desc_value_choice(struct desc_error *err, const struct ynode *v,
		      const char *what, const char *const *names, size_t n,
		      unsigned int *out);
/* A non-empty scalar (any text). */
int desc_value_text(struct desc_error *err, const struct ynode *v,
		    const char *what, const char **out);
/* A C identifier, copied into *out (caller frees). */
int desc_value_ident(struct desc_error *err, const struct ynode *v,
		     const char *what, char **out);
bool desc_is_ident(const char *s);

#endif /* PCIEMD_DESC_VALUE_H */
