/* SPDX-License-Identifier: MIT */
/*
 * From a validated description to a device on the bus.
 *
 * pd_plan() decides, without the kernel, what each register needs from it
 * (a region with semantics, write events, synchronous reads, a
 * watchpoint) and refuses combinations the kernel cannot honour.
 * pd_build() then issues the ioctls in the ABI's order.
 */
#ifndef PCIEMD_BUILDER_H
#define PCIEMD_BUILDER_H

#include "device.h"

/* Fill each register's region flags; -1 with the error logged. */
int pd_plan(struct pciem_device *dev);

/*
 * Build the planned device on backend (which dev then owns, even on
 * failure): create, BARs, capabilities, config, regions, watchpoints,
 * event ring and eventfd, REGISTER, BAR mappings, reset values, device
 * address.  -1 with one error line logged naming the ioctl, the errno
 * and the part of the description it came from.  The device is on the
 * bus, but no driver binds until pd_attach().
 */
int pd_build(struct pciem_device *dev, struct pd_backend *backend);

/*
 * Let drivers bind (ATTACH).  pciemd calls it once the plugin's init has
 * run and the event loop's sources are in place, so a driver's probe
 * finds every register set and its reads answered.
 */
int pd_attach(struct pciem_device *dev);

#endif /* PCIEMD_BUILDER_H */
