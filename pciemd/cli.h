/* SPDX-License-Identifier: MIT */
/* pciemd's command line. */
#ifndef PCIEMD_CLI_H
#define PCIEMD_CLI_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Exit statuses (documented in docs/pciemd.md). */
#define PD_EXIT_OK		0
#define PD_EXIT_FAILURE		1	/* the kernel, the plugin or the system failed */
#define PD_EXIT_USAGE		2	/* bad command line */
#define PD_EXIT_NO_MODULE	5	/* /dev/pciem is missing: the module is not loaded */
#define PD_EXIT_CONFIG		6	/* the description or its plugin is invalid */

struct pd_options {
	const char *config;		/* description to run */
	const char *check;		/* --check FILE: validate only */
	const char *plugin_dir;		/* --plugin-dir DIR[:DIR...] */
	bool verbose;			/* debug messages too */
	bool help;
	bool version;
	char path[PATH_MAX];		/* NAME resolved to a file */
};

/*
 * Parse argv.  0 on success; PD_EXIT_USAGE with a one-line message in
 * err otherwise.
 */
int pd_parse_args(int argc, char *const argv[], struct pd_options *opt,
		  char *err, size_t errlen);

extern const char pd_usage[];

#endif /* PCIEMD_CLI_H */
