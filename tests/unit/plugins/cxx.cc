// SPDX-License-Identifier: MIT
/*
 * A plugin written in C++: the header's macros give its descriptor and
 * handlers C names, and it serves as well as good.c.
 */
#include <atomic>

#include <pciem/plugin.h>

namespace {
std::atomic<unsigned int> writes{0};

int cxx_init(struct pciem_device *dev)
{
	pciem_set_private(dev, &writes);
	return 0;
}
} // namespace

PCIEM_READ_HANDLER(cxx_read)
{
	(void)dev;
	return 0xc0de0000u + pciem_reg_offset(reg) + writes.load();
}

PCIEM_WRITE_HANDLER(cxx_write)
{
	(void)dev;
	(void)reg;
	writes += static_cast<unsigned int>(wr->value);
}

PCIEM_PLUGIN(.name = "cxx", .init = cxx_init);
