// SPDX-License-Identifier: MIT
/* Key checks and "did you mean" suggestions (edit distance). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc_error.h"
#include "desc_keys.h"

/* Longer words are never near a key name; bounds the work per word. */
#define NEAREST_MAX_LEN 32

/*
 * Optimal string alignment distance, case-insensitive: insertions,
 * deletions, substitutions and swaps of neighbours ("widht") cost 1.
 */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t d[NEAREST_MAX_LEN + 1][NEAREST_MAX_LEN + 1];

	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j - 1] + (ca != cb);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    cb == tolower((unsigned char)a[i - 2]) &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

const char *desc_keys_nearest(const char *word, const char *const *names,
			      size_t n)
{
	const char *best = NULL;
	size_t best_d = 0;

	if (strlen(word) > NEAREST_MAX_LEN)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(names[i]);
		/* One edit per three letters: "bar" -> "bars", not "x" -> "bar". */
		size_t limit = len < 3 ? 1 : len / 3;
		size_t dist;

		if (len > NEAREST_MAX_LEN)
			continue;
		dist = edit_distance(word, names[i]);
		if (dist <= limit && (!best || dist < best_d)) {
			best = names[i];
			best_d = dist;
		}
	}
	return best;
}

static int unknown_key(struct desc_error *err, const struct ynode *key,
		       const char *where, const struct desc_key *keys, size_t n)
{
	const char *names[32] = { NULL };
	char list[320] = "";
	size_t used = 0;
	const char *near;

	if (n > sizeof(names) / sizeof(names[0]))
		n = sizeof(names) / sizeof(names[0]);
	for (size_t i = 0; i < n; i++)
		names[i] = keys[i].name;
	near = desc_keys_nearest(key->text, names, n);
	if (near)
		return desc_fail(err, key->pos,
				 "unknown key '" DESC_QUOTE "' %s; did you mean '%s'?",
				 key->text, where, near);
	for (size_t i = 0; i < n && used < sizeof(list); i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used, "%s%s",
					 i ? ", " : "", names[i]);
	return desc_fail(err, key->pos,
			 "unknown key '" DESC_QUOTE "' %s; expected one of %s",
			 key->text, where, list);
}

int desc_keys_check(struct desc_error *err, const struct ynode *map,
		    const char *where, const struct desc_key *keys, size_t n)
{
	for (size_t i = 0; i < ynode_pairs(map); i++) {
		const struct ynode *key = ynode_key(map, i);
		bool known = false;

		for (size_t j = 0; j < i; j++) {
			if (!strcmp(ynode_key(map, j)->text, key->text))
				return desc_fail(err, key->pos,
						 "duplicate key '" DESC_QUOTE "' %s (first at line %u); expected each key once",
						 key->text, where, ynode_key(map, j)->pos.line);
		}
		for (size_t k = 0; k < n && !known; k++)
			known = !strcmp(keys[k].name, key->text);
		if (!known)
			return unknown_key(err, key, where, keys, n);
	}
	for (size_t k = 0; k < n; k++) {
		if (keys[k].required && !ynode_get(map, keys[k].name))
			return desc_fail(err, map->pos,
					 "missing key '%s' %s; expected %s",
					 keys[k].name, where, keys[k].required);
	}
	return 0;
}
