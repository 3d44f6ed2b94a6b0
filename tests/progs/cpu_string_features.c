/*
 * Prints the CPUID bits that decide which memset() and memcpy() the x86
 * kernel patches in at boot, one "name=0|1" per line: erms (CPUID 7.0
 * EBX[9]), fsrm (7.0 EDX[4]) and fsrs (7.1 EAX[11]).  /proc/cpuinfo cannot
 * answer for all of them: 6.12 does not list fsrs there.  The VM scenarios
 * use this to state, per kernel and CPU, which stores a driver's
 * memset_io() makes.
 */
#include <cpuid.h>
#include <stdio.h>

int main(void)
{
	unsigned int a, b, c, d, a1 = 0, b1, c1, d1;

	if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
		fprintf(stderr, "cpu_string_features: CPUID leaf 7 missing\n");
		return 1;
	}
	/* Leaf 7.0's EAX is the highest subleaf; 7.1 exists only if it is >= 1. */
	if (a >= 1)
		__get_cpuid_count(7, 1, &a1, &b1, &c1, &d1);
	printf("erms=%u\n", (b >> 9) & 1);
	printf("fsrm=%u\n", (d >> 4) & 1);
	printf("fsrs=%u\n", (a1 >> 11) & 1);
	return 0;
}
