/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The data pattern of the shared-memory tests: word i of a region filled
 * with seed s holds pciem_pattern(s, i).  One definition for the test
 * driver (tests/drivers/pciem_test.c) and the device programs, so both
 * sides compute the same words.
 */
#ifndef PCIEM_TEST_PATTERN_H
#define PCIEM_TEST_PATTERN_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

static inline uint32_t pciem_pattern(uint32_t seed, uint32_t i)
{
	uint32_t x = seed ^ (i * 0x9e3779b1u);

	x ^= x >> 15;
	x *= 0x2c1b3c6du;
	x ^= x >> 12;
	x *= 0x297a2d39u;
	x ^= x >> 15;
	return x;
}

#endif
