/* SPDX-License-Identifier: MIT */
/*
 * pciemd's log: the journal with priorities under systemd, stderr lines
 * with "<N>" priority prefixes otherwise, or a callback (tests).
 * A logger is an object passed around, not global state, so tests and
 * plugins never share one by accident.
 */
#ifndef PCIEMD_LOG_H
#define PCIEMD_LOG_H

#include <stdarg.h>
#include <stdio.h>

#include "desc.h"

enum pd_log_target {
	PD_LOG_STDERR,		/* "<N>text" lines on a stream */
	PD_LOG_JOURNAL,		/* sd_journal_send with PRIORITY= */
	PD_LOG_SINK,		/* sink(arg, priority, text) */
};

struct pd_log {
	enum pd_log_target target;
	int max_priority;	/* more verbose messages are dropped */
	FILE *stream;		/* PD_LOG_STDERR; NULL means stderr */
	void (*sink)(void *arg, int priority, const char *text);
	void *sink_arg;
};

/* Journal if stderr is connected to it (JOURNAL_STREAM), else stderr. */
void pd_log_init(struct pd_log *log, int max_priority);

#define PD_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* One message; device (may be NULL) prefixes it as "DEVICE: ". */
void pd_logv(const struct pd_log *log, int priority, const char *device,
	     const char *fmt, va_list ap) PD_PRINTF(4, 0);
void pd_log(const struct pd_log *log, int priority, const char *fmt, ...)
	PD_PRINTF(3, 4);

/* "FILE:LINE:COL: error: ..." (or "FILE: error: ..." without a position). */
void pd_log_at(const struct pd_log *log, int priority, const char *file,
	       const struct desc_pos *pos, const char *fmt, ...) PD_PRINTF(5, 6);

#endif /* PCIEMD_LOG_H */
