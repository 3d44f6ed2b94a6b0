// SPDX-License-Identifier: MIT
/*
 * The daemon: description, plugin, device, then an sd-event loop on the
 * ring's eventfd, SIGTERM/SIGINT, plugin timers, the status line and the
 * watchdog.  Stopping closes the device's fds, so the kernel hot-removes
 * it and the driver's remove() runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <syslog.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "builder.h"
#include "daemon.h"
#include "device.h"
#include "dispatch.h"
#include "paths.h"
#include "plugin_load.h"

/* Events handled per wake-up before timers and signals get a turn. */
#define PD_EVENT_BUDGET 1024
#define PD_STATUS_PERIOD_US 1000000ULL

struct daemon {
	const struct pd_log *log;
	struct pciem_device *dev;
	sd_event *loop;
	uint64_t status_events;		/* events at the last STATUS= */
	uint64_t watchdog_us;		/* 0: no watchdog */
};

static struct desc_device *load(const char *path, const struct pd_log *log)
{
	struct desc_error err;
	struct desc_device *desc = desc_load(path, &err);
	char line[1024];

	if (!desc)
		pd_log(log, LOG_ERR, "%s", desc_error_format(&err, line, sizeof(line)));
	return desc;
}

/*
 * Description, plan and plugin: everything that needs no kernel.  With
 * load_plugin false the plugin is only checked in its file, none of it run.
 */
static int prepare(const char *path, const struct pd_options *opt,
		   const struct pd_log *log, struct desc_device **desc,
		   struct pciem_device **dev, struct pd_plugin **plugin,
		   bool load_plugin)
{
	const char *dirs = pd_plugin_dirs(opt->plugin_dir);

	*desc = load(path, log);
	if (!*desc)
		return PD_EXIT_CONFIG;
	*dev = pd_device_new(*desc, log);
	if (!*dev) {
		pd_log(log, LOG_ERR, "out of memory");
		return PD_EXIT_FAILURE;
	}
	if (pd_plan(*dev))
		return PD_EXIT_CONFIG;
	if ((load_plugin ? pd_plugin_load : pd_plugin_inspect)(*desc, dirs, log, plugin))
		return PD_EXIT_CONFIG;
	if (pd_plugin_bind(*plugin, *dev))
		return PD_EXIT_CONFIG;
	return PD_EXIT_OK;
}

int pd_check(const struct pd_options *opt, const struct pd_log *log)
{
	struct desc_device *desc = NULL;
	struct pciem_device *dev = NULL;
	struct pd_plugin *plugin = NULL;
	int ret = prepare(opt->check, opt, log, &desc, &dev, &plugin, false);

	if (ret == PD_EXIT_OK) {
		size_t handlers = 0;

		for (size_t i = 0; i < desc->n_registers; i++)
			handlers += !!desc->registers[i].read.name +
				    !!desc->registers[i].write.name;
		printf("%s: valid: %zu register%s, %zu interrupt%s", opt->check,
		       desc->n_registers, desc->n_registers == 1 ? "" : "s",
		       desc->n_interrupts, desc->n_interrupts == 1 ? "" : "s");
		if (plugin)
			printf(", plugin %s (%zu handler%s)", plugin->path,
			       handlers, handlers == 1 ? "" : "s");
		printf("\n");
	}
	pd_device_free(dev);
	pd_plugin_unload(plugin);
	if (desc)
		desc_free(desc);
	return ret;
}

static void notify_status(struct daemon *d)
{
	const struct pd_stats *s = &d->dev->stats;

	d->status_events = s->events;
	sd_notifyf(0, "STATUS=%s at %s: %" PRIu64 " events handled (%" PRIu64
		   " writes, %" PRIu64 " reads, %" PRIu64 " resets), %" PRIu64 " lost",
		   pciem_device_name(d->dev), d->dev->address, s->events, s->writes,
		   s->reads, s->resets, s->lost);
}

static int on_events(sd_event_source *source, int fd, uint32_t revents,
		     void *userdata)
{
	struct daemon *d = userdata;
	eventfd_t count;

	(void)source;
	(void)revents;
	/* Reset the count first: events posted from now on signal again. */
	if (eventfd_read(fd, &count) < 0 && errno != EAGAIN) {
		pd_log(d->log, LOG_ERR, "reading the event notification: %s",
		       strerror(errno));
		return sd_event_exit(d->loop, PD_EXIT_FAILURE);
	}
	pd_dispatch_ring(d->dev, PD_EVENT_BUDGET);
	if (d->dev->failed)
		return sd_event_exit(d->loop, PD_EXIT_FAILURE);
	/* More waiting: come back after the other sources had their turn. */
	if (pd_ring_pending(d->dev))
		eventfd_write(fd, 1);
	return 0;
}

static int on_signal(sd_event_source *source, const struct signalfd_siginfo *si,
		     void *userdata)
{
	struct daemon *d = userdata;

	(void)source;
	sd_notify(0, "STOPPING=1");
	pd_log(d->log, LOG_INFO, "%s: %s, removing the device",
	       pciem_device_name(d->dev), strsignal((int)si->ssi_signo));
	return sd_event_exit(d->loop, PD_EXIT_OK);
}

static int on_status(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;

	if (d->dev->stats.events != d->status_events)
		notify_status(d);
	sd_event_source_set_time(source, usec + PD_STATUS_PERIOD_US);
	return sd_event_source_set_enabled(source, SD_EVENT_ON);
}

/* Pinged from the loop, so a handler stuck in a loop trips the watchdog. */
static int on_watchdog(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct daemon *d = userdata;

	sd_notify(0, "WATCHDOG=1");
	sd_event_source_set_time(source, usec + d->watchdog_us / 2);
	return sd_event_source_set_enabled(source, SD_EVENT_ON);
}

static int setup_loop(struct daemon *d)
{
	sigset_t mask;
	int ret;

	ret = sd_event_new(&d->loop);
	if (ret < 0)
		goto fail;
	/* sd-event takes signals through a signalfd: they must be blocked. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = sd_event_add_signal(d->loop, NULL, SIGTERM, on_signal, d);
	if (ret >= 0)
		ret = sd_event_add_signal(d->loop, NULL, SIGINT, on_signal, d);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	pd_log(d->log, LOG_ERR, "setting up the event loop: %s", strerror(-ret));
	return -1;
}

static int start_sources(struct daemon *d)
{
	int ret;

	ret = sd_event_add_io(d->loop, NULL, d->dev->eventfd, EPOLLIN, on_events, d);
	if (ret >= 0)
		ret = sd_event_add_time_relative(d->loop, NULL, CLOCK_MONOTONIC,
						 PD_STATUS_PERIOD_US, 0, on_status, d);
	if (ret >= 0 && sd_watchdog_enabled(0, &d->watchdog_us) > 0)
		ret = sd_event_add_time_relative(d->loop, NULL, CLOCK_MONOTONIC,
						 d->watchdog_us / 2, 0, on_watchdog, d);
	if (ret < 0) {
		pd_log(d->log, LOG_ERR, "setting up the event loop: %s", strerror(-ret));
		return -1;
	}
	return 0;
}

/*
 * The plugin's init, before any driver can bind.  -EINVAL is a
 * configuration error (a bad parameter, say): exit 6, which systemd does
 * not restart.  Any other failure may pass: exit 1.
 */
static int start_plugin(struct daemon *d)
{
	struct pciem_device *dev = d->dev;
	int ret;

	if (!dev->plugin)
		return PD_EXIT_OK;
	ret = dev->plugin->info->init ? dev->plugin->info->init(dev) : 0;
	if (ret) {
		pd_log_at(d->log, LOG_ERR, pd_file(dev), &dev->desc->plugin_pos,
			  "plugin %s: init failed: %s%s", dev->plugin->path,
			  strerror(ret < 0 ? -ret : ret),
			  ret == -EINVAL ? " (a configuration error: fix the description)" : "");
		return ret == -EINVAL ? PD_EXIT_CONFIG : PD_EXIT_FAILURE;
	}
	dev->plugin_started = true;
	return PD_EXIT_OK;
}

static int open_kernel(struct pd_backend **out)
{
	return pd_backend_kernel_open(PCIEMD_DEVICE_NODE, out);
}

int pd_run(const struct pd_options *opt, const struct pd_log *log)
{
	return pd_run_with(opt, log, open_kernel);
}

int pd_run_with(const struct pd_options *opt, const struct pd_log *log,
		pd_backend_open_fn *open_backend)
{
	struct daemon d = { .log = log };
	struct desc_device *desc = NULL;
	struct pd_plugin *plugin = NULL;
	struct pd_backend *backend;
	int ret;

	ret = prepare(opt->config, opt, log, &desc, &d.dev, &plugin, true);
	if (ret != PD_EXIT_OK)
		goto out;
	ret = PD_EXIT_FAILURE;
	if (setup_loop(&d))
		goto out;
	d.dev->loop = d.loop;

	int err = open_backend(&backend);

	if (err) {
		pd_log(log, LOG_ERR, "cannot open %s: %s%s", PCIEMD_DEVICE_NODE,
		       strerror(-err),
		       err == -ENOENT ? " (the pciem module is not loaded: modprobe pciem;"
		       " it comes with the pciem-dkms package)" :
		       err == -EACCES || err == -EPERM ? " (pciemd must run as root)" : "");
		if (err == -ENOENT)
			ret = PD_EXIT_NO_MODULE;
		goto out;
	}
	/*
	 * Drivers bind last: the plugin's init has set what it computes from
	 * its parameters, and the loop's sources are in place, so a probe's
	 * synchronous reads are answered as soon as the loop runs.
	 */
	if (pd_build(d.dev, backend))
		goto out;
	err = pd_calls_start(d.dev);
	if (err) {
		pd_log(log, LOG_ERR, "setting up the event loop: %s", strerror(-err));
		goto out;
	}
	ret = start_plugin(&d);
	if (ret != PD_EXIT_OK)
		goto out;
	ret = PD_EXIT_FAILURE;
	if (start_sources(&d) || pd_attach(d.dev))
		goto out;

	pd_log(log, LOG_INFO, "%s: device %04x:%04x ready at %s (%zu registers%s%s)",
	       pciem_device_name(d.dev), desc->vendor_id, desc->device_id,
	       d.dev->address, desc->n_registers, plugin ? ", plugin " : "",
	       plugin ? plugin->path : "");
	sd_notify(0, "READY=1");
	notify_status(&d);

	ret = sd_event_loop(d.loop);
	if (ret < 0) {
		pd_log(log, LOG_ERR, "event loop: %s", strerror(-ret));
		ret = PD_EXIT_FAILURE;
	}
	if (ret == PD_EXIT_OK) {
		uint64_t events = d.dev->stats.events;

		pd_device_free(d.dev);
		d.dev = NULL;
		pd_log(log, LOG_INFO, "%s: device removed after %" PRIu64 " events",
		       desc->name ? desc->name : opt->config, events);
	}
out:
	pd_device_free(d.dev);
	pd_plugin_unload(plugin);
	if (desc)
		desc_free(desc);
	sd_event_unref(d.loop);
	return ret;
}
