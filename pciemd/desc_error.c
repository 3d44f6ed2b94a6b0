// SPDX-License-Identifier: MIT
/*
 * Errors name file, line and column first, as compilers do, so that
 * editors and CI logs can jump to the spot.
 */
#include <stdarg.h>
#include <stdio.h>

#include "desc_error.h"

int desc_fail(struct desc_error *err, struct desc_pos pos, const char *fmt, ...)
{
	va_list ap;

	err->pos = pos;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return -1;
}

int desc_fail_nomem(struct desc_error *err)
{
	return desc_fail(err, (struct desc_pos){ 0, 0 },
			 "out of memory; expected a few kilobytes to be available");
}

const char *desc_error_format(const struct desc_error *err, char *buf, size_t size)
{
	if (!size)
		return buf;
	/* Line 0: the error is about the file as a whole (cannot open it...). */
	if (err->pos.line)
		snprintf(buf, size, "%s:%u:%u: error: %s", err->file,
			 err->pos.line, err->pos.column, err->message);
	else
		snprintf(buf, size, "%s: error: %s", err->file, err->message);
	return buf;
}
