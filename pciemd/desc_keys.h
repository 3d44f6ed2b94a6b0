/* SPDX-License-Identifier: MIT */
/*
 * The keys a mapping of a description may hold: unknown keys (with the
 * nearest valid one suggested), repeated keys and missing required keys
 * are reported before any value is looked at.
 */
#ifndef PCIEMD_DESC_KEYS_H
#define PCIEMD_DESC_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "desc.h"
#include "desc_yaml.h"

struct desc_key {
	const char *name;
	/* NULL: optional; else what to write, for "missing key" messages. */
	const char *required;
};

/*
 * Check map's keys against keys[0..n); where names the mapping in
 * messages ("in register", "at the top level").  Returns 0 or -1.
 */
int desc_keys_check(struct desc_error *err, const struct ynode *map,
		    const char *where, const struct desc_key *keys, size_t n);

/* The known name nearest to word (typos, case), or NULL if none is near. */
const char *desc_keys_nearest(const char *word, const char *const *names,
			      size_t n);

#endif /* PCIEMD_DESC_KEYS_H */
