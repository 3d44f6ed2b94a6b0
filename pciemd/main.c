// SPDX-License-Identifier: MIT
/*
 * pciemd: runs a PCIem device from its YAML description.  See
 * docs/pciemd.md.
 */
#include <stdio.h>
#include <syslog.h>

#include "cli.h"
#include "daemon.h"
#include "log.h"
#include "pciem/plugin.h"

#ifndef PCIEMD_VERSION
#error "PCIEMD_VERSION is defined by the build, from the file VERSION"
#endif

int main(int argc, char *argv[])
{
	struct pd_options opt;
	struct pd_log log;
	char err[512];
	int ret;

	ret = pd_parse_args(argc, argv, &opt, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "pciemd: %s\n", err);
		return ret;
	}
	if (opt.help) {
		fputs(pd_usage, stdout);
		return PD_EXIT_OK;
	}
	if (opt.version) {
		printf("pciemd %s (plugin API version %d)\n", PCIEMD_VERSION,
		       PCIEM_PLUGIN_API_VERSION);
		return PD_EXIT_OK;
	}
	pd_log_init(&log, opt.verbose ? LOG_DEBUG : LOG_INFO);
	return opt.check ? pd_check(&opt, &log) : pd_run(&opt, &log);
}
