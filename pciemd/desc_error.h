/* SPDX-License-Identifier: MIT */
/* Recording the one error a description load stops at. */
#ifndef PCIEMD_DESC_ERROR_H
#define PCIEMD_DESC_ERROR_H

#include "desc.h"

/* Longest user text quoted in a message, so the message stays readable. */
#define DESC_QUOTE "%.60s"

/* Fill err's position and message (the file is set once per load); returns -1. */
int desc_fail(struct desc_error *err, struct desc_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Out of memory, reported like any other error. */
int desc_fail_nomem(struct desc_error *err);

#endif /* PCIEMD_DESC_ERROR_H */
