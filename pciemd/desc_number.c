// SPDX-License-Identifier: MIT
/* Number and size parsing; see desc_number.h for the accepted forms. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "desc_number.h"

static int digit_value(char ch, unsigned int base)
{
	int v;

	if (ch >= '0' && ch <= '9')
		v = ch - '0';
	else if (ch >= 'a' && ch <= 'f')
		v = ch - 'a' + 10;
	else if (ch >= 'A' && ch <= 'F')
		v = ch - 'A' + 10;
	else
		return -1;
	return (unsigned int)v < base ? v : -1;
}

/* Digits of base from s to end (exclusive), '_' allowed between digits. */
static enum num_status parse_digits(const char *s, const char *end,
				    unsigned int base, uint64_t *out)
{
	uint64_t v = 0;
	bool overflow = false;

	if (s == end)
		return NUM_NOT_A_NUMBER;
	for (const char *p = s; p < end; p++) {
		int d;

		if (*p == '_') {
			if (p == s || p + 1 == end || p[-1] == '_' ||
			    digit_value(p[1], base) < 0)
				return NUM_UNDERSCORE;
			continue;
		}
		d = digit_value(*p, base);
		if (d < 0)
			return NUM_NOT_A_NUMBER;
		if (v > (UINT64_MAX - (uint64_t)d) / base)
			overflow = true;	/* keep going: a bad digit says more */
		else
			v = v * base + (uint64_t)d;
	}
	if (overflow)
		return NUM_OVERFLOW;
	*out = v;
	return NUM_OK;
}

static enum num_status parse_range(const char *s, const char *end, uint64_t *out)
{
	unsigned int base = 10;

	if (s == end)
		return NUM_EMPTY;
	if (*s == '-')
		return NUM_NEGATIVE;
	if (*s == '+')
		return NUM_NOT_A_NUMBER;
	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		base = 16;
	else if (end - s > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
		base = 2;
	if (base != 10)
		return parse_digits(s + 2, end, base, out);
	if (s[0] == '0' && end - s > 1 && s[1] >= '0' && s[1] <= '9')
		return NUM_LEADING_ZERO;
	return parse_digits(s, end, 10, out);
}

enum num_status num_parse(const char *s, uint64_t *out)
{
	return parse_range(s, s + strlen(s), out);
}

static const struct {
	const char *name;
	unsigned int shift;
} units[] = {
	{ "K", 10 }, { "M", 20 }, { "G", 30 },
	{ "KiB", 10 }, { "MiB", 20 }, { "GiB", 30 },
};

enum num_status num_parse_size(const char *s, uint64_t *out)
{
	const char *end = s + strlen(s);
	const char *unit = s;
	enum num_status st;
	uint64_t v;

	/* Hex and binary sizes take no unit (their letters are digits). */
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X' || s[1] == 'b' || s[1] == 'B'))
		return parse_range(s, end, out);
	while ((*unit >= '0' && *unit <= '9') || *unit == '_')
		unit++;
	if (unit == end || unit == s)
		return parse_range(s, end, out);
	st = parse_range(s, unit, &v);
	if (st != NUM_OK)
		return st;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(unit, units[i].name))
			continue;
		if (v > (UINT64_MAX >> units[i].shift))
			return NUM_OVERFLOW;
		*out = v << units[i].shift;
		return NUM_OK;
	}
	return NUM_BAD_UNIT;
}

const char *num_status_text(enum num_status st)
{
	switch (st) {
	case NUM_OK:
		return "is a number";
	case NUM_EMPTY:
		return "is empty";
	case NUM_NEGATIVE:
		return "is negative";
	case NUM_NOT_A_NUMBER:
		return "is not a number";
	case NUM_LEADING_ZERO:
		return "has a leading zero (octal or decimal?)";
	case NUM_UNDERSCORE:
		return "has a '_' not between two digits";
	case NUM_OVERFLOW:
		return "does not fit in 64 bits";
	case NUM_BAD_UNIT:
		return "has an unknown unit";
	}
	return "is not a number";
}

void num_format_size(uint64_t size, char *buf, unsigned int len)
{
	static const char suffix[] = "GMK";

	for (unsigned int i = 0; i < 3; i++) {
		unsigned int shift = 30 - 10 * i;

		if (size && !(size & ((1ULL << shift) - 1))) {
			snprintf(buf, len, "%llu%c",
				 (unsigned long long)(size >> shift), suffix[i]);
			return;
		}
	}
	snprintf(buf, len, "%llu", (unsigned long long)size);
}
