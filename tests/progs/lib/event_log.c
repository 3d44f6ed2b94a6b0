// SPDX-License-Identifier: MIT
#include "event_log.h"

#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

struct event_log {
	struct pciem_shared_ring *ring;
	int efd;
	unsigned int slow_us;
	int poll_ms;			/* -1: only the eventfd wakes us */
	event_fn fn;
	void *fn_arg;
	pthread_t thread;
	pthread_mutex_t lock;		/* everything below */
	pthread_cond_t grew;
	struct pciem_event *ev;
	uint64_t n, cap;
	uint64_t markers;		/* DROPPED events among them */
};

static void record(struct event_log *log, const struct pciem_event *ev)
{
	pthread_mutex_lock(&log->lock);
	if (log->n == log->cap) {
		uint64_t cap = log->cap ? log->cap * 2 : 4096;
		struct pciem_event *p = realloc(log->ev, cap * sizeof(*p));

		if (!p) {
			perror("event log");
			exit(1);
		}
		log->ev = p;
		log->cap = cap;
	}
	log->ev[log->n++] = *ev;
	if (ev->type == PCIEM_EVENT_DROPPED)
		log->markers++;
	pthread_cond_broadcast(&log->grew);
	pthread_mutex_unlock(&log->lock);
}

static void *consume(void *arg)
{
	struct event_log *log = arg;
	struct pciem_shared_ring *ring = log->ring;
	struct pollfd pfd = { .fd = log->efd, .events = POLLIN };
	uint32_t head = atomic_load(&ring->head);

	for (;;) {
		uint32_t tail = atomic_load(&ring->tail);

		if (head == tail) {
			if (poll(&pfd, 1, log->poll_ms) > 0) {
				uint64_t count;

				if (read(log->efd, &count, sizeof(count)) < 0 &&
				    errno != EAGAIN)
					perror("eventfd");
			}
			/* A wake-up with nothing posted is still a wake-up. */
			pthread_mutex_lock(&log->lock);
			pthread_cond_broadcast(&log->grew);
			pthread_mutex_unlock(&log->lock);
			continue;
		}
		while (head != tail) {
			struct pciem_event ev;

			atomic_thread_fence(memory_order_acquire);
			ev = ring->events[head];
			if (log->fn)
				log->fn(&ev, log->fn_arg);
			record(log, &ev);
			head = (head + 1) % PCIEM_RING_SIZE;
			atomic_store(&ring->head, head);
			if (log->slow_us)
				usleep(log->slow_us);
		}
	}
	return NULL;
}

struct event_log *event_log_start(int fd, unsigned int slow_us,
				  event_fn fn, void *arg)
{
	struct event_log *log = calloc(1, sizeof(*log));
	struct pciem_eventfd_config cfg = { 0 };

	if (!log)
		return NULL;
	log->slow_us = slow_us;
	/*
	 * Looking every 100 ms is a safety net a test can take away
	 * (PCIEM_DEV_EVENTFD_ONLY=1), to show the kernel's wake-ups alone
	 * reach the process.
	 */
	log->poll_ms = getenv("PCIEM_DEV_EVENTFD_ONLY") ? -1 : 100;
	log->fn = fn;
	log->fn_arg = arg;
	pthread_mutex_init(&log->lock, NULL);
	pthread_cond_init(&log->grew, NULL);
	log->ring = mmap(NULL, sizeof(*log->ring), PROT_READ | PROT_WRITE,
			 MAP_SHARED, fd, 0);
	if (log->ring == MAP_FAILED) {
		perror("mmap ring");
		exit(1);
	}
	log->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	cfg.eventfd = log->efd;
	if (log->efd < 0 || ioctl(fd, PCIEM_IOCTL_SET_EVENTFD, &cfg) < 0) {
		perror("SET_EVENTFD");
		exit(1);
	}
	if (pthread_create(&log->thread, NULL, consume, log)) {
		perror("pthread_create");
		exit(1);
	}
	return log;
}

void event_log_counts(struct event_log *log, uint64_t *recorded,
		      uint64_t *dropped)
{
	pthread_mutex_lock(&log->lock);
	*recorded = log->n;
	pthread_mutex_unlock(&log->lock);
	*dropped = atomic_load(&log->ring->dropped);
}

bool event_log_wait(struct event_log *log, uint64_t n, unsigned int timeout_ms)
{
	struct timespec until;
	bool ok;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&log->lock);
	while (log->n - log->markers + atomic_load(&log->ring->dropped) < n &&
	       pthread_cond_timedwait(&log->grew, &log->lock, &until) != ETIMEDOUT)
		;
	ok = log->n - log->markers + atomic_load(&log->ring->dropped) >= n;
	pthread_mutex_unlock(&log->lock);
	return ok;
}

void event_log_clear(struct event_log *log)
{
	pthread_mutex_lock(&log->lock);
	log->n = 0;
	log->markers = 0;
	pthread_mutex_unlock(&log->lock);
}

uint64_t event_log_dump(struct event_log *log, FILE *out)
{
	uint64_t i, n;

	pthread_mutex_lock(&log->lock);
	n = log->n;
	for (i = 0; i < n; i++) {
		const struct pciem_event *e = &log->ev[i];

		fprintf(out, "%" PRIu64 " %u %u 0x%" PRIx64 " %u 0x%" PRIx64 " %" PRIu64 "\n",
			e->seq, e->type, e->bar, e->offset, e->size, e->data,
			e->timestamp);
	}
	pthread_mutex_unlock(&log->lock);
	return n;
}

bool event_log_check_flood(struct event_log *log, uint32_t type,
			   uint64_t offset, uint64_t n, char *verdict, size_t len)
{
	uint64_t i, got = 0, marked = 0, next_data = 0, prev_seq = 0, dropped;
	bool first = true, ok = true;
	const char *why = "";

	pthread_mutex_lock(&log->lock);
	dropped = atomic_load(&log->ring->dropped);
	for (i = 0; i < log->n && ok; i++) {
		const struct pciem_event *e = &log->ev[i];

		if (!first && e->seq != prev_seq + 1) {
			ok = false;
			why = "seq jumps without a DROPPED event";
			break;
		}
		first = false;
		if (e->type == PCIEM_EVENT_DROPPED) {
			marked += e->data;
			next_data += e->data;
			prev_seq = e->seq + e->data - 1;
			continue;
		}
		prev_seq = e->seq;
		if (e->type != type || e->offset != offset)
			continue;
		if (e->size != 4 || e->data != next_data) {
			ok = false;
			why = "a flood event is torn or out of order";
			break;
		}
		got++;
		next_data++;
	}
	pthread_mutex_unlock(&log->lock);
	/*
	 * Losses after the last event posted have no DROPPED event yet (none
	 * came after them); the header counts them all.
	 */
	if (ok && (got + dropped != n || marked > dropped ||
		   next_data + (dropped - marked) != n)) {
		ok = false;
		why = "received and lost do not add up";
	}
	snprintf(verdict, len, "received=%" PRIu64 " lost=%" PRIu64 " announced=%" PRIu64 " missing=%" PRIu64 "%s%s",
		 got, dropped, marked, n - got, ok ? "" : " bad: ", why);
	return ok;
}
