/* SPDX-License-Identifier: MIT */
/*
 * pciemd's two modes: run a device under an sd-event loop until SIGTERM,
 * or check a description without a kernel.  Both return an exit status
 * (PD_EXIT_*).
 */
#ifndef PCIEMD_DAEMON_H
#define PCIEMD_DAEMON_H

#include "backend.h"
#include "cli.h"
#include "log.h"

int pd_check(const struct pd_options *opt, const struct pd_log *log);
int pd_run(const struct pd_options *opt, const struct pd_log *log);

/* Opens the kernel side: 0, or a negative errno. */
typedef int pd_backend_open_fn(struct pd_backend **out);

/* pd_run with another kernel (tests). */
int pd_run_with(const struct pd_options *opt, const struct pd_log *log,
		pd_backend_open_fn *open_backend);

#endif /* PCIEMD_DAEMON_H */
