// SPDX-License-Identifier: MIT
/*
 * Plugin timers on the daemon's sd-event loop.  A timer cancelled from
 * its own callback is freed once the callback returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "device.h"

struct pciem_timer {
	struct pciem_timer *next;
	struct pciem_device *dev;
	sd_event_source *source;
	pciem_timer_fn *fn;
	void *arg;
	uint64_t period_us;
	bool running;
	bool cancelled;
};

static void timer_free(struct pciem_timer *t)
{
	struct pciem_timer **pp = &t->dev->timers;

	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	sd_event_source_disable_unref(t->source);
	free(t);
}

static int on_timer(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct pciem_timer *t = userdata;
	int ret;

	t->running = true;
	t->fn(t->dev, t, t->arg);
	t->running = false;
	if (t->cancelled || !t->period_us) {
		timer_free(t);
		return 0;
	}
	/* From when it was due, so a periodic timer does not drift. */
	ret = sd_event_source_set_time(source, usec + t->period_us);
	if (ret >= 0)
		ret = sd_event_source_set_enabled(source, SD_EVENT_ONESHOT);
	if (ret < 0) {
		pd_log(t->dev->log, LOG_ERR, "cannot re-arm a periodic timer: %s",
		       strerror(-ret));
		timer_free(t);
	}
	return 0;
}

__attribute__((visibility("default")))
struct pciem_timer *pciem_timer_add(struct pciem_device *dev, uint64_t delay_us,
				    uint64_t period_us, pciem_timer_fn *fn,
				    void *arg)
{
	struct pciem_timer *t;
	int ret;

	if (!dev->loop || !fn) {
		pd_log(dev->log, LOG_ERR, "pciem_timer_add: %s",
		       fn ? "no event loop runs this device" : "no callback given");
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		pd_log(dev->log, LOG_ERR, "pciem_timer_add: out of memory");
		return NULL;
	}
	t->dev = dev;
	t->fn = fn;
	t->arg = arg;
	t->period_us = period_us;
	ret = sd_event_add_time_relative(dev->loop, &t->source, CLOCK_MONOTONIC,
					 delay_us, 0, on_timer, t);
	if (ret < 0) {
		pd_log(dev->log, LOG_ERR, "pciem_timer_add: %s", strerror(-ret));
		free(t);
		return NULL;
	}
	t->next = dev->timers;
	dev->timers = t;
	return t;
}

__attribute__((visibility("default")))
void pciem_timer_cancel(struct pciem_device *dev, struct pciem_timer *timer)
{
	(void)dev;
	if (!timer || timer->cancelled)
		return;
	timer->cancelled = true;
	if (timer->running) {
		sd_event_source_set_enabled(timer->source, SD_EVENT_OFF);
		return;
	}
	timer_free(timer);
}

void pd_timers_free(struct pciem_device *dev)
{
	while (dev->timers)
		timer_free(dev->timers);
}
