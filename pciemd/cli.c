// SPDX-License-Identifier: MIT
/* Command-line parsing, without getopt's global state. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "paths.h"

const char pd_usage[] =
	"usage: pciemd [--plugin-dir DIR] [-v] NAME\n"
	"       pciemd [--plugin-dir DIR] [-v] --config FILE\n"
	"       pciemd [--plugin-dir DIR] --check FILE\n"
	"\n"
	"Runs the PCIem device described in FILE, or in " PCIEMD_CONFIG_DIR "/NAME.yaml.\n"
	"\n"
	"  -c, --config FILE     the device description to run\n"
	"      --check FILE      validate FILE and its plugin (without running it) and exit\n"
	"      --plugin-dir DIR  where plugins are (colon-separated list); default\n"
	"                        $PCIEM_PLUGIN_DIR, else " PCIEMD_PLUGIN_DIR "\n"
	"  -v, --verbose         log debug messages too\n"
	"  -h, --help            this text\n"
	"      --version         the version and the plugin API version\n";

/* "--opt VALUE" or "--opt=VALUE"; *i moves past what was used. */
static int value_of(int argc, char *const argv[], int *i, const char *opt,
		    const char **value, char *err, size_t errlen)
{
	const char *arg = argv[*i];
	size_t n = strlen(opt);

	if (arg[n] == '=') {
		*value = arg + n + 1;
	} else if (*i + 1 < argc) {
		*value = argv[++*i];
	} else {
		snprintf(err, errlen, "%s needs a value", opt);
		return -1;
	}
	if (!**value) {
		snprintf(err, errlen, "%s needs a value", opt);
		return -1;
	}
	return 0;
}

static bool is_opt(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return !strncmp(arg, name, n) && (arg[n] == '\0' || arg[n] == '=');
}

int pd_parse_args(int argc, char *const argv[], struct pd_options *opt,
		  char *err, size_t errlen)
{
	const char *name = NULL;
	bool only_args = false;

	memset(opt, 0, sizeof(*opt));
	err[0] = '\0';
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **slot = NULL;
		const char *o = NULL;

		if (only_args || a[0] != '-' || !a[1]) {
			if (name) {
				snprintf(err, errlen, "one device at a time: '%s' and '%s'",
					 name, a);
				return PD_EXIT_USAGE;
			}
			name = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			only_args = true;
			continue;
		}
		if (!strcmp(a, "-c") || is_opt(a, "--config")) {
			slot = &opt->config;
			o = a[1] == 'c' ? "-c" : "--config";
		} else if (is_opt(a, "--check")) {
			slot = &opt->check;
			o = "--check";
		} else if (is_opt(a, "--plugin-dir")) {
			slot = &opt->plugin_dir;
			o = "--plugin-dir";
		} else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
			opt->verbose = true;
			continue;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			opt->help = true;
			return 0;
		} else if (!strcmp(a, "--version")) {
			opt->version = true;
			return 0;
		} else {
			snprintf(err, errlen, "unknown option '%s' (see pciemd --help)", a);
			return PD_EXIT_USAGE;
		}
		if (*slot) {
			snprintf(err, errlen, "%s given twice", o);
			return PD_EXIT_USAGE;
		}
		if (value_of(argc, argv, &i, o, slot, err, errlen))
			return PD_EXIT_USAGE;
	}

	if (!!opt->config + !!opt->check + !!name != 1) {
		snprintf(err, errlen, "%s",
			 opt->config || opt->check || name ?
			 "give one of NAME, --config FILE and --check FILE" :
			 "no device given: pciemd NAME, --config FILE or --check FILE");
		return PD_EXIT_USAGE;
	}
	if (name) {
		/* A name is a file of the configuration directory, nothing else. */
		if (!strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/')) {
			snprintf(err, errlen,
				 "'%s' is not a device name (for a file, use --config FILE)",
				 name);
			return PD_EXIT_USAGE;
		}
		if ((size_t)snprintf(opt->path, sizeof(opt->path), "%s/%s.yaml",
				     PCIEMD_CONFIG_DIR, name) >= sizeof(opt->path)) {
			snprintf(err, errlen, "device name too long");
			return PD_EXIT_USAGE;
		}
		opt->config = opt->path;
	}
	return 0;
}
