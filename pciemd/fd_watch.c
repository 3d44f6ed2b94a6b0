// SPDX-License-Identifier: MIT
/*
 * Plugin fd watches on the daemon's sd-event loop: a tap device, a socket,
 * a pipe or an eventfd served on pciemd's one thread (epoll refuses
 * regular files: their I/O belongs on a worker thread).  As with timers,
 * plugins hold ids, and a watch removed from its own callback is freed
 * once the callback returns.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <syslog.h>

#include "device.h"

struct pd_watch {
	struct pd_watch *next;
	struct pciem_device *dev;
	pciem_watch_id id;
	sd_event_source *source;
	pciem_fd_fn *fn;
	void *arg;
	bool running;
	bool removed;
};

static void watch_free(struct pd_watch *w)
{
	struct pd_watch **pp = &w->dev->watches;

	while (*pp && *pp != w)
		pp = &(*pp)->next;
	if (*pp)
		*pp = w->next;
	sd_event_source_disable_unref(w->source);
	free(w);
}

static int on_ready(sd_event_source *source, int fd, uint32_t revents,
		    void *userdata)
{
	struct pd_watch *w = userdata;
	unsigned int ready = 0;

	(void)source;
	if (revents & EPOLLIN)
		ready |= PCIEM_FD_READABLE;
	if (revents & EPOLLOUT)
		ready |= PCIEM_FD_WRITABLE;
	if (revents & (EPOLLHUP | EPOLLRDHUP))
		ready |= PCIEM_FD_HANGUP;
	if (revents & EPOLLERR)
		ready |= PCIEM_FD_ERROR;
	w->running = true;
	w->fn(w->dev, fd, ready, w->arg);
	w->running = false;
	if (w->removed)
		watch_free(w);
	return 0;
}

__attribute__((visibility("default")))
pciem_watch_id pciem_fd_add(struct pciem_device *dev, int fd,
			    unsigned int events, pciem_fd_fn *fn, void *arg)
{
	uint32_t mask = 0;
	struct pd_watch *w;
	int ret;

	/* EPOLLRDHUP: a stream socket's peer closing is a hang-up too. */
	if (events & PCIEM_FD_READABLE)
		mask |= EPOLLIN | EPOLLRDHUP;
	if (events & PCIEM_FD_WRITABLE)
		mask |= EPOLLOUT;
	if (!dev->loop || !fn || fd < 0 || !mask ||
	    (events & ~(PCIEM_FD_READABLE | PCIEM_FD_WRITABLE))) {
		pd_log(dev->log, LOG_ERR, "pciem_fd_add: %s",
		       !dev->loop ? "no event loop runs this device" :
		       !fn ? "no callback given" : fd < 0 ? "no fd given" :
		       "events must be PCIEM_FD_READABLE and/or PCIEM_FD_WRITABLE");
		return 0;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		pd_log(dev->log, LOG_ERR, "pciem_fd_add: out of memory");
		return 0;
	}
	w->dev = dev;
	w->fn = fn;
	w->arg = arg;
	ret = sd_event_add_io(dev->loop, &w->source, fd, mask, on_ready, w);
	if (ret < 0) {
		pd_log(dev->log, LOG_ERR, "pciem_fd_add: fd %d: %s%s", fd, strerror(-ret),
		       ret == -EEXIST ? " (it is watched already)" : "");
		free(w);
		return 0;
	}
	w->id = ++dev->last_watch_id;
	w->next = dev->watches;
	dev->watches = w;
	return w->id;
}

__attribute__((visibility("default")))
int pciem_fd_remove(struct pciem_device *dev, pciem_watch_id watch)
{
	struct pd_watch *w = dev->watches;

	while (w && w->id != watch)
		w = w->next;
	if (!w || w->removed)
		return -ENOENT;
	w->removed = true;
	if (w->running) {
		sd_event_source_set_enabled(w->source, SD_EVENT_OFF);
		return 0;
	}
	watch_free(w);
	return 0;
}

void pd_watches_free(struct pciem_device *dev)
{
	while (dev->watches)
		watch_free(dev->watches);
}
