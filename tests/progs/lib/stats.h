/* SPDX-License-Identifier: MIT */
/* Latency samples for the benchmarks: CLOCK_MONOTONIC and percentiles. */
#ifndef PCIEM_TEST_STATS_H
#define PCIEM_TEST_STATS_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

static inline int stats_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Sorts @s in place; p50 and p99 of @n > 0 samples. */
static inline void stats_percentiles(uint64_t *s, size_t n, uint64_t *p50,
				     uint64_t *p99)
{
	qsort(s, n, sizeof(*s), stats_cmp);
	*p50 = s[n / 2];
	*p99 = s[n * 99 / 100];
}

#endif
