/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * Compatibility name: the PCIem walkthrough includes "pciem_userspace.h".
 * Everything lives in pciem.h.
 */
#ifndef PCIEM_UAPI_PCIEM_USERSPACE_H
#define PCIEM_UAPI_PCIEM_USERSPACE_H

#include "pciem.h"

#endif /* PCIEM_UAPI_PCIEM_USERSPACE_H */
