// SPDX-License-Identifier: MIT
/* A shared object with a handler but no plugin descriptor. */
#include <pciem/plugin.h>

PCIEM_WRITE_HANDLER(lonely_write)
{
	(void)dev;
	(void)reg;
	(void)wr;
}
