/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The data pattern of the shared-memory tests: word i of a region filled
 * with seed s holds pciem_pattern(s, i).  One definition for the test
 * drivers (tests/drivers/) and the device programs, so both sides compute
 * the same words.  Byte j of a pattern is byte j % 4 of word j / 4, little
 * endian, so a byte-wise fill is the same memory as a word-wise one.
 *
 * The DMA tests compare buffers by a 64-bit FNV-1a checksum of their bytes.
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

#define PCIEM_FNV_INIT	0xcbf29ce484222325ULL

static inline uint64_t pciem_fnv(uint64_t h, const uint8_t *p, uint64_t len)
{
	while (len--) {
		h ^= *p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

#endif
