// SPDX-License-Identifier: MIT
/*
 * Logging to the journal, to stderr with "<N>" prefixes (which journald
 * also understands, should the detection below miss), or to a callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <systemd/sd-journal.h>

#include "log.h"

/* systemd sets JOURNAL_STREAM=DEV:INODE when stderr goes to the journal. */
static int stderr_is_journal(void)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!env || sscanf(env, "%llu:%llu", &dev, &ino) != 2)
		return 0;
	if (fstat(STDERR_FILENO, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

void pd_log_init(struct pd_log *log, int max_priority)
{
	memset(log, 0, sizeof(*log));
	log->target = stderr_is_journal() ? PD_LOG_JOURNAL : PD_LOG_STDERR;
	log->max_priority = max_priority;
}

void pd_logv(const struct pd_log *log, int priority, const char *device,
	     const char *fmt, va_list ap)
{
	char text[2048];
	size_t len = 0;
	int n;

	if (priority > log->max_priority)
		return;
	if (priority < LOG_EMERG)
		priority = LOG_EMERG;
	if (priority > LOG_DEBUG)
		priority = LOG_DEBUG;
	if (device) {
		n = snprintf(text, sizeof(text), "%s: ", device);
		len = n > 0 && (size_t)n < sizeof(text) ? (size_t)n : 0;
	}
	vsnprintf(text + len, sizeof(text) - len, fmt, ap);
	/* One message is one line, whatever a plugin passes in. */
	for (char *p = text; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';

	switch (log->target) {
	case PD_LOG_SINK:
		if (log->sink)
			log->sink(log->sink_arg, priority, text);
		break;
	case PD_LOG_JOURNAL:
		if (device)
			sd_journal_send("MESSAGE=%s", text, "PRIORITY=%d", priority,
					"SYSLOG_IDENTIFIER=pciemd",
					"PCIEM_DEVICE=%s", device, NULL);
		else
			sd_journal_send("MESSAGE=%s", text, "PRIORITY=%d", priority,
					"SYSLOG_IDENTIFIER=pciemd", NULL);
		break;
	case PD_LOG_STDERR:
		fprintf(log->stream ? log->stream : stderr, "<%d>%s\n", priority,
			text);
		fflush(log->stream ? log->stream : stderr);
		break;
	}
}

void pd_log(const struct pd_log *log, int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	pd_logv(log, priority, NULL, fmt, ap);
	va_end(ap);
}

void pd_log_at(const struct pd_log *log, int priority, const char *file,
	       const struct desc_pos *pos, const char *fmt, ...)
{
	const char *what = priority <= LOG_ERR ? "error" :
			   priority == LOG_WARNING ? "warning" : "note";
	char msg[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (pos && pos->line)
		pd_log(log, priority, "%s:%u:%u: %s: %s", file, pos->line,
		       pos->column, what, msg);
	else
		pd_log(log, priority, "%s: %s: %s", file, what, msg);
}
