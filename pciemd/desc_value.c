// SPDX-License-Identifier: MIT
/* Typed node values with their error messages; see desc_value.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_error.h"
#include "desc_number.h"
#include "desc_value.h"

/* Kind mismatch: "vendor is a mapping; expected ...". */
static int wrong_kind(struct desc_error *err, const struct ynode *v,
		      const char *what, const char *expect)
{
	return desc_fail(err, v->pos, "%s is %s; expected %s", what,
			 ynode_kind_name(v), expect);
}

int desc_value_map(struct desc_error *err, const struct ynode *v,
		   const char *what, const char *expect)
{
	return v->kind == YNODE_MAP ? 0 : wrong_kind(err, v, what, expect);
}

int desc_value_seq(struct desc_error *err, const struct ynode *v,
		   const char *what, const char *expect)
{
	return v->kind == YNODE_SEQ ? 0 : wrong_kind(err, v, what, expect);
}

int desc_value_list(struct desc_error *err, struct desc_device *dev,
		    const struct ynode *v, const char *what,
		    const char *expect, desc_item_parser *parse)
{
	if (!v || ynode_is_null(v))
		return 0;
	if (desc_value_seq(err, v, what, expect))
		return -1;
	for (size_t i = 0; i < v->n; i++)
		if (parse(err, dev, v->kids[i]))
			return -1;
	return 0;
}

/* A scalar that is not empty, else the kind error. */
static int scalar(struct desc_error *err, const struct ynode *v,
		  const char *what, const char *expect)
{
	if (v->kind != YNODE_SCALAR || ynode_is_null(v) || !v->text[0])
		return wrong_kind(err, v, what, expect);
	return 0;
}

int desc_value_u64(struct desc_error *err, const struct ynode *v,
		   const char *what, uint64_t min, uint64_t max,
		   const char *expect, uint64_t *out)
{
	enum num_status st;
	uint64_t n;

	if (scalar(err, v, what, expect))
		return -1;
	st = num_parse(v->text, &n);
	if (st != NUM_OK)
		return desc_fail(err, v->pos, "%s '" DESC_QUOTE "' %s; expected %s",
				 what, v->text, num_status_text(st), expect);
	if (n < min || n > max)
		return desc_fail(err, v->pos, "%s " DESC_QUOTE " is out of range; expected %s",
				 what, v->text, expect);
	*out = n;
	return 0;
}

int desc_value_size(struct desc_error *err, const struct ynode *v,
		    const char *what, uint64_t min, uint64_t max, uint64_t *out)
{
	char lo[24], hi[24], expect[192];
	enum num_status st;
	uint64_t n;

	num_format_size(min, lo, sizeof(lo));
	num_format_size(max, hi, sizeof(hi));
	snprintf(expect, sizeof(expect),
		 "a power of two from %s to %s, as a number or with a unit K, M, G, KiB, MiB or GiB (1K = 1024)",
		 lo, hi);
	if (scalar(err, v, what, expect))
		return -1;
	st = num_parse_size(v->text, &n);
	if (st != NUM_OK)
		return desc_fail(err, v->pos, "%s '" DESC_QUOTE "' %s; expected %s",
				 what, v->text, num_status_text(st), expect);
	if (n & (n - 1))
		return desc_fail(err, v->pos, "%s " DESC_QUOTE " is not a power of two; expected %s",
				 what, v->text, expect);
	if (n < min || n > max)
		return desc_fail(err, v->pos, "%s " DESC_QUOTE " is out of range; expected %s",
				 what, v->text, expect);
	*out = n;
	return 0;
}

bool desc_text_bool(const char *text, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE" };
	static const char *const no[] = { "false", "False", "FALSE" };

	for (size_t i = 0; i < 3; i++) {
		if (!strcmp(text, yes[i]) || !strcmp(text, no[i])) {
			*out = !strcmp(text, yes[i]);
			return true;
		}
	}
	return false;
}

int desc_value_bool(struct desc_error *err, const struct ynode *v,
		    const char *what, bool *out)
{
	const char *expect = "true or false";

	if (scalar(err, v, what, expect))
		return -1;
	if (desc_text_bool(v->text, out))
		return 0;
	return desc_fail(err, v->pos, "%s '" DESC_QUOTE "' is not a boolean; expected %s",
			 what, v->text, expect);
}

int desc_value_choice(struct desc_error *err, const struct ynode *v,
		      const char *what, const char *const *names, size_t n,
		      unsigned int *out)
{
	char expect[256] = "";
	size_t used = 0;

	for (size_t i = 0; i < n && used < sizeof(expect); i++)
		used += (size_t)snprintf(expect + used, sizeof(expect) - used,
					 "%s%s", i ? (i + 1 == n ? " or " : ", ") : "",
					 names[i]);
	if (scalar(err, v, what, expect))
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(v->text, names[i])) {
			*out = (unsigned int)i;
			return 0;
		}
	}
	return desc_fail(err, v->pos, "%s '" DESC_QUOTE "' is not valid; expected %s",
			 what, v->text, expect);
}

int desc_value_text(struct desc_error *err, const struct ynode *v,
		    const char *what, const char **out)
{
	if (scalar(err, v, what, "a name"))
		return -1;
	*out = v->text;
	return 0;
}

bool desc_is_ident(const char *s)
{
	size_t len = strlen(s);

	if (!len || len > DESC_IDENT_MAX || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++) {
		if (!(*s == '_' || (*s >= 'a' && *s <= 'z') ||
		      (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return false;
	}
	return true;
}

int desc_value_ident(struct desc_error *err, const struct ynode *v,
		     const char *what, char **out)
{
	static const char expect[] =
		"a C identifier: letters, digits and '_', not starting with a digit, at most 63 characters";

	if (scalar(err, v, what, expect))
		return -1;
	if (!desc_is_ident(v->text))
		return desc_fail(err, v->pos, "%s '" DESC_QUOTE "' is not a C identifier; expected %s",
				 what, v->text, expect);
	*out = strdup(v->text);
	return *out ? 0 : desc_fail_nomem(err);
}
