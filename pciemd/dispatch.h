/* SPDX-License-Identifier: MIT */
/*
 * From the kernel's event ring to handlers: MMIO_WRITE to the register's
 * write handler, synchronous MMIO_READ to its read handler (answered with
 * RESPOND), RESET to the reset values and the plugin's reset hook; lost
 * events and late answers are logged.
 */
#ifndef PCIEMD_DISPATCH_H
#define PCIEMD_DISPATCH_H

#include <stddef.h>

#include "device.h"

/* Handle one event. */
void pd_dispatch_event(struct pciem_device *dev, const struct pciem_event *ev);

/*
 * Consume up to budget events from the ring; returns how many.  A corrupt
 * ring index sets dev->failed (logged).
 */
size_t pd_dispatch_ring(struct pciem_device *dev, size_t budget);

/* True if events are waiting in the ring. */
bool pd_ring_pending(const struct pciem_device *dev);

#endif /* PCIEMD_DISPATCH_H */
