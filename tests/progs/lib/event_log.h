/* SPDX-License-Identifier: MIT */
/*
 * A device process's event consumer for the tests: a thread that follows
 * the shared ring exactly as the walkthrough does (tail, events, head,
 * eventfd), records every event, and can check a stream for order and
 * explained gaps.
 */
#ifndef PCIEM_TEST_EVENT_LOG_H
#define PCIEM_TEST_EVENT_LOG_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "pciem.h"

struct event_log;

/* Called on the consumer thread for each event, before it is recorded. */
typedef void (*event_fn)(struct pciem_event *ev, void *arg);

/*
 * Maps the ring of control fd @fd, sets an eventfd and starts the thread.
 * @slow_us: sleep after each event (a deliberately slow consumer).
 */
struct event_log *event_log_start(int fd, unsigned int slow_us,
				  event_fn fn, void *arg);

/* Events recorded so far, and the ring's count of lost events. */
void event_log_counts(struct event_log *log, uint64_t *recorded,
		      uint64_t *dropped);

/*
 * Wait until at least @n events (DROPPED markers not counted) are recorded
 * or lost; false on timeout.
 */
bool event_log_wait(struct event_log *log, uint64_t n, unsigned int timeout_ms);

void event_log_clear(struct event_log *log);

/* One line per event: "seq type bar offset size data timestamp". */
uint64_t event_log_dump(struct event_log *log, FILE *out);

/*
 * Check the stream a driver's flood of N 4-byte writes of 0..N-1 produced
 * on a fresh device (type CONFIG_WRITE for "cfgflood", MMIO_WRITE for
 * "mmioflood" on a trapped page): data in order at @offset, seq +1 per
 * event, each gap covered by a DROPPED event, and received plus the ring's
 * lost count exactly N.  Writes a one-line verdict to @verdict.
 */
bool event_log_check_flood(struct event_log *log, uint32_t type,
			   uint64_t offset, uint64_t n, char *verdict,
			   size_t len);

#endif
