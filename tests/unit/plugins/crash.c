// SPDX-License-Identifier: MIT
/*
 * A plugin whose write handler crashes, as a buggy one would: the daemon
 * dies with SIGSEGV and the kernel must see a clean surprise removal.
 */
#include <pciem/plugin.h>

PCIEM_WRITE_HANDLER(crash_write)
{
	/* An address read at run time, so no compiler turns this into a trap. */
	volatile uintptr_t nowhere = 0x10;

	(void)dev;
	(void)reg;
	*(volatile int *)nowhere = (int)wr->value;
}

/* Answers reads with 42, to show the device works until the crash. */
PCIEM_READ_HANDLER(crash_read)
{
	(void)dev;
	(void)reg;
	return 42;
}

PCIEM_PLUGIN(.name = "crash");
