/* SPDX-License-Identifier: MIT */
/*
 * Numbers as descriptions write them: decimal, 0x hex or 0b binary, with
 * '_' between digits (0xffff_0000); sizes add a binary unit (4K, 16MiB).
 * Pure functions: they say what is wrong, callers say where.
 */
#ifndef PCIEMD_DESC_NUMBER_H
#define PCIEMD_DESC_NUMBER_H

#include <stdint.h>

enum num_status {
	NUM_OK,
	NUM_EMPTY,
	NUM_NEGATIVE,
	NUM_NOT_A_NUMBER,	/* a character that is no digit of the base */
	NUM_LEADING_ZERO,	/* 010: octal to some, decimal to others */
	NUM_UNDERSCORE,		/* '_' not between two digits */
	NUM_OVERFLOW,		/* above 2^64 - 1 */
	NUM_BAD_UNIT,		/* sizes: a suffix that is no unit */
};

enum num_status num_parse(const char *s, uint64_t *out);
/* A number with an optional unit K, M, G, KiB, MiB or GiB (powers of 1024). */
enum num_status num_parse_size(const char *s, uint64_t *out);
/* What is wrong, as the middle of a message: "is not a number". */
const char *num_status_text(enum num_status st);

/* 4096 -> "4K", 12288 -> "12K", 1000 -> "1000": sizes as users write them. */
void num_format_size(uint64_t size, char *buf, unsigned int len);

#endif /* PCIEMD_DESC_NUMBER_H */
