/* SPDX-License-Identifier: MIT */
/* Where pciemd looks for things.  PCIEMD_PLUGIN_DIR comes from the build. */
#ifndef PCIEMD_PATHS_H
#define PCIEMD_PATHS_H

#ifndef PCIEMD_PLUGIN_DIR
#error "PCIEMD_PLUGIN_DIR is defined by the build (pciemd/pciemd.mk)"
#endif

#define PCIEMD_CONFIG_DIR	"/etc/pciem.d"
#define PCIEMD_DEVICE_NODE	"/dev/pciem"

#endif /* PCIEMD_PATHS_H */
