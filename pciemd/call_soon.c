// SPDX-License-Identifier: MIT
/*
 * pciem_call_soon(): other threads of a plugin hand work to pciemd's
 * thread.  A mutex-protected FIFO and an eventfd in the loop; the loop
 * takes the whole queue at once and runs it in order, so a call made
 * while the queue runs waits for the next turn instead of starving the
 * loop.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <syslog.h>
#include <unistd.h>

#include "device.h"

struct pd_call {
	struct pd_call *next;
	pciem_call_fn *fn;
	void *arg;
};

struct pd_calls {
	pthread_mutex_t lock;		/* guards head and tail */
	struct pd_call *head;
	struct pd_call **tail;
	int efd;
	sd_event_source *source;
};

static struct pd_call *take_all(struct pd_calls *c)
{
	struct pd_call *list;

	pthread_mutex_lock(&c->lock);
	list = c->head;
	c->head = NULL;
	c->tail = &c->head;
	pthread_mutex_unlock(&c->lock);
	return list;
}

/* Run what waits now; calls made meanwhile wait for the next turn. */
static unsigned int run_all(struct pciem_device *dev)
{
	struct pd_call *list, *next;
	unsigned int n = 0;

	for (list = take_all(dev->calls); list; list = next) {
		next = list->next;
		list->fn(dev, list->arg);
		free(list);
		n++;
	}
	return n;
}

static int on_calls(sd_event_source *source, int fd, uint32_t revents,
		    void *userdata)
{
	eventfd_t n;

	(void)source;
	(void)revents;
	eventfd_read(fd, &n);
	run_all(userdata);
	return 0;
}

__attribute__((visibility("default")))
unsigned int pciem_call_drain(struct pciem_device *dev)
{
	return dev->calls ? run_all(dev) : 0;
}

int pd_calls_start(struct pciem_device *dev)
{
	struct pd_calls *c;
	int ret;

	if (!dev->loop)
		return -EINVAL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->tail = &c->head;
	c->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (c->efd < 0) {
		ret = -errno;
		free(c);
		return ret;
	}
	ret = sd_event_add_io(dev->loop, &c->source, c->efd, EPOLLIN, on_calls, dev);
	if (ret < 0) {
		close(c->efd);
		free(c);
		return ret;
	}
	pthread_mutex_init(&c->lock, NULL);
	dev->calls = c;
	return 0;
}

void pd_calls_stop(struct pciem_device *dev)
{
	struct pd_calls *c = dev->calls;
	struct pd_call *list, *next;

	if (!c)
		return;
	dev->calls = NULL;
	for (list = take_all(c); list; list = next) {
		next = list->next;
		free(list);
	}
	sd_event_source_disable_unref(c->source);
	close(c->efd);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

__attribute__((visibility("default")))
int pciem_call_soon(struct pciem_device *dev, pciem_call_fn *fn, void *arg)
{
	struct pd_calls *c = dev->calls;
	struct pd_call *call;

	if (!c)
		return -ENODEV;
	if (!fn)
		return -EINVAL;
	call = malloc(sizeof(*call));
	if (!call)
		return -ENOMEM;
	call->next = NULL;
	call->fn = fn;
	call->arg = arg;
	pthread_mutex_lock(&c->lock);
	*c->tail = call;
	c->tail = &call->next;
	pthread_mutex_unlock(&c->lock);
	/* Cannot fail short of overflowing 2^64 - 2 pending wake-ups. */
	eventfd_write(c->efd, 1);
	return 0;
}
