// SPDX-License-Identifier: MIT
/*
 * Plugin timers on the daemon's sd-event loop.  Plugins hold ids, never
 * pointers: an id is looked up among the device's live timers, so one
 * that fired or was cancelled is simply not found, and ids are not
 * reused.  A timer cancelled from its own callback is freed once the
 * callback returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "device.h"

/*
 * Timers fire to the microsecond: sd-event's default accuracy (250 ms)
 * lets it coalesce wake-ups, which would make a 1 ms timeout fire a
 * quarter of a second late.
 */
#define PD_TIMER_ACCURACY_US 1
/*
 * Longer delays and periods (2^52 us is 142 years) are refused: the next
 * due time of a periodic timer is the last one plus the period, which
 * must not wrap around.
 */
#define PD_TIMER_MAX_US (1ULL << 52)

struct pd_timer {
	struct pd_timer *next;
	struct pciem_device *dev;
	pciem_timer_id id;
	sd_event_source *source;
	pciem_timer_fn *fn;
	void *arg;
	uint64_t period_us;
	bool running;
	bool cancelled;
};

static void timer_free(struct pd_timer *t)
{
	struct pd_timer **pp = &t->dev->timers;

	while (*pp && *pp != t)
		pp = &(*pp)->next;
	if (*pp)
		*pp = t->next;
	sd_event_source_disable_unref(t->source);
	free(t);
}

static int on_timer(sd_event_source *source, uint64_t usec, void *userdata)
{
	struct pd_timer *t = userdata;
	int ret;

	t->running = true;
	t->fn(t->dev, t->id, t->arg);
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
pciem_timer_id pciem_timer_add(struct pciem_device *dev, uint64_t delay_us,
			       uint64_t period_us, pciem_timer_fn *fn, void *arg)
{
	struct pd_timer *t;
	int ret;

	if (!dev->loop || !fn || delay_us > PD_TIMER_MAX_US || period_us > PD_TIMER_MAX_US) {
		pd_log(dev->log, LOG_ERR, "pciem_timer_add: %s",
		       !dev->loop ? "no event loop runs this device" :
		       !fn ? "no callback given" :
		       "a delay or period above 2^52 us (142 years)");
		return 0;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		pd_log(dev->log, LOG_ERR, "pciem_timer_add: out of memory");
		return 0;
	}
	t->dev = dev;
	t->fn = fn;
	t->arg = arg;
	t->period_us = period_us;
	ret = sd_event_add_time_relative(dev->loop, &t->source, CLOCK_MONOTONIC,
					 delay_us, PD_TIMER_ACCURACY_US, on_timer, t);
	if (ret < 0) {
		pd_log(dev->log, LOG_ERR, "pciem_timer_add: %s", strerror(-ret));
		free(t);
		return 0;
	}
	t->id = ++dev->last_timer_id;
	t->next = dev->timers;
	dev->timers = t;
	return t->id;
}

static struct pd_timer *find(struct pciem_device *dev, pciem_timer_id id)
{
	struct pd_timer *t = dev->timers;

	while (t && t->id != id)
		t = t->next;
	return t;
}

sd_event_source *pd_timer_source(struct pciem_device *dev, pciem_timer_id id)
{
	struct pd_timer *t = find(dev, id);

	return t ? t->source : NULL;
}

__attribute__((visibility("default")))
int pciem_timer_cancel(struct pciem_device *dev, pciem_timer_id timer)
{
	struct pd_timer *t = find(dev, timer);

	if (!t || t->cancelled)
		return -ENOENT;
	t->cancelled = true;
	if (t->running) {
		sd_event_source_set_enabled(t->source, SD_EVENT_OFF);
		return 0;
	}
	timer_free(t);
	return 0;
}

void pd_timers_free(struct pciem_device *dev)
{
	while (dev->timers)
		timer_free(dev->timers);
}
