// SPDX-License-Identifier: MIT
/*
 * What a plugin adds to pciemd's loop, on a real sd-event loop: fd
 * watches (readable, hang-up, removal from the callback, refusals), and
 * pciem_call_soon() from other threads (every call run once, each
 * thread's in order, none left behind, waiting ones dropped at removal).
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "device.h"
#include "test_builder_fake.h"

static struct fake_log logs;
static struct desc_device desc;
static struct pciem_device *dev;

static void setup(void)
{
	fake_log_init(&logs);
	fake_desc(&desc, NULL, 0);
	dev = pd_device_new(&desc, &logs.log);
	ck_assert_ptr_nonnull(dev);
	ck_assert_int_ge(sd_event_new(&dev->loop), 0);
}

static void teardown(void)
{
	sd_event *loop = dev->loop;

	pd_device_free(dev);
	sd_event_unref(loop);
}

/* fd watches ------------------------------------------------------------ */

static struct {
	int fd;
	unsigned int calls, bytes, hangups;
	pciem_watch_id id;
} pipe_seen;

static void on_pipe(struct pciem_device *d, int fd, unsigned int ready, void *arg)
{
	char buf[64];
	ssize_t n;

	ck_assert_ptr_eq(d, dev);
	ck_assert_ptr_eq(arg, &pipe_seen);
	ck_assert_int_eq(fd, pipe_seen.fd);
	pipe_seen.calls++;
	if (ready & PCIEM_FD_READABLE) {
		n = read(fd, buf, sizeof(buf));
		if (n > 0)
			pipe_seen.bytes += (unsigned int)n;
	}
	if (ready & PCIEM_FD_HANGUP) {
		pipe_seen.hangups++;
		/* From its own callback: stops it, and the loop has nothing left. */
		ck_assert_int_eq(pciem_fd_remove(d, pipe_seen.id), 0);
		ck_assert_int_eq(pciem_fd_remove(d, pipe_seen.id), -ENOENT);
		sd_event_exit(d->loop, 0);
	}
}

START_TEST(fd_readable_then_hangup)
{
	int p[2];

	ck_assert_int_eq(pipe(p), 0);
	memset(&pipe_seen, 0, sizeof(pipe_seen));
	pipe_seen.fd = p[0];
	pipe_seen.id = pciem_fd_add(dev, p[0], PCIEM_FD_READABLE, on_pipe, &pipe_seen);
	ck_assert_uint_ne(pipe_seen.id, 0);
	ck_assert_int_eq(write(p[1], "hello", 5), 5);
	ck_assert_int_eq(write(p[1], ", world", 7), 7);
	close(p[1]);
	ck_assert_int_eq(sd_event_loop(dev->loop), 0);
	ck_assert_uint_eq(pipe_seen.bytes, 12);
	ck_assert_uint_eq(pipe_seen.hangups, 1);
	ck_assert_ptr_null(dev->watches);
	ck_assert_uint_eq(logs.n, 0);
	close(p[0]);
}
END_TEST

static void never(struct pciem_device *d, int fd, unsigned int ready, void *arg)
{
	(void)d;
	(void)fd;
	(void)ready;
	(void)arg;
	ck_abort_msg("a removed or refused watch ran");
}

START_TEST(fd_refusals)
{
	char want[128];
	int p[2];
	pciem_watch_id a, b;

	ck_assert_int_eq(pipe(p), 0);
	a = pciem_fd_add(dev, p[0], PCIEM_FD_READABLE, never, NULL);
	ck_assert_uint_ne(a, 0);
	/* The same fd twice. */
	ck_assert_uint_eq(pciem_fd_add(dev, p[0], PCIEM_FD_READABLE, never, NULL), 0);
	snprintf(want, sizeof(want), "<3>pciem_fd_add: fd %d: File exists (it is watched already)", p[0]);
	ck_assert_str_eq(logs.lines[0], want);
	ck_assert_uint_eq(pciem_fd_add(dev, p[1], 0, never, NULL), 0);
	ck_assert_uint_eq(pciem_fd_add(dev, p[1], PCIEM_FD_HANGUP, never, NULL), 0);
	ck_assert_uint_eq(pciem_fd_add(dev, -1, PCIEM_FD_READABLE, never, NULL), 0);
	ck_assert_uint_eq(pciem_fd_add(dev, p[1], PCIEM_FD_WRITABLE, NULL, NULL), 0);
	ck_assert_uint_eq(logs.n, 5);
	ck_assert_str_eq(logs.lines[1], "<3>pciem_fd_add: events must be PCIEM_FD_READABLE and/or PCIEM_FD_WRITABLE");
	ck_assert_str_eq(logs.lines[3], "<3>pciem_fd_add: no fd given");
	ck_assert_str_eq(logs.lines[4], "<3>pciem_fd_add: no callback given");
	/* Removed, then ready: nothing runs; ids are not reused. */
	ck_assert_int_eq(pciem_fd_remove(dev, a), 0);
	ck_assert_int_eq(pciem_fd_remove(dev, a), -ENOENT);
	ck_assert_int_eq(pciem_fd_remove(dev, 0), -ENOENT);
	b = pciem_fd_add(dev, p[0], PCIEM_FD_READABLE, never, NULL);
	ck_assert_uint_ne(b, 0);
	ck_assert_uint_ne(b, a);
	ck_assert_int_eq(pciem_fd_remove(dev, b), 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_ge(sd_event_run(dev->loop, 0), 0);
	/* Left live at removal: freed by the teardown (LeakSanitizer checks). */
	ck_assert_uint_ne(pciem_fd_add(dev, p[1], PCIEM_FD_WRITABLE, never, NULL), 0);
	pd_watches_free(dev);
	ck_assert_ptr_null(dev->watches);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* A stream socket's peer closing is a hang-up; a regular file is refused. */
static unsigned int sock_ready;

static void on_sock(struct pciem_device *d, int fd, unsigned int ready, void *arg)
{
	(void)fd;
	(void)arg;
	sock_ready |= ready;
	if (ready & PCIEM_FD_HANGUP)
		sd_event_exit(d->loop, 0);
}

START_TEST(fd_socket_peer_closes)
{
	int sv[2], file;
	pciem_watch_id id;
	char tmpl[] = "/tmp/pd-loop-XXXXXX";

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	id = pciem_fd_add(dev, sv[0], PCIEM_FD_READABLE, on_sock, NULL);
	ck_assert_uint_ne(id, 0);
	close(sv[1]);
	ck_assert_int_eq(sd_event_loop(dev->loop), 0);
	ck_assert(sock_ready & PCIEM_FD_HANGUP);
	ck_assert_int_eq(pciem_fd_remove(dev, id), 0);
	close(sv[0]);

	/* A loop that has exited takes no new sources: a new one. */
	sd_event_unref(dev->loop);
	ck_assert_int_ge(sd_event_new(&dev->loop), 0);
	file = mkstemp(tmpl);
	ck_assert_int_ge(file, 0);
	ck_assert_uint_eq(pciem_fd_add(dev, file, PCIEM_FD_READABLE, never, NULL), 0);
	ck_assert_msg(strstr(logs.lines[0], ": Operation not permitted"), "%s", logs.lines[0]);
	close(file);
	unlink(tmpl);
}
END_TEST

START_TEST(fd_without_loop)
{
	sd_event *loop = dev->loop;

	dev->loop = NULL;
	ck_assert_uint_eq(pciem_fd_add(dev, 0, PCIEM_FD_READABLE, never, NULL), 0);
	ck_assert_str_eq(logs.lines[0], "<3>pciem_fd_add: no event loop runs this device");
	dev->loop = loop;
}
END_TEST

/* pciem_call_soon ------------------------------------------------------- */

#define THREADS 4
#define CALLS_PER_THREAD 5000

static struct {
	unsigned int next[THREADS];	/* the sequence number each thread is at */
	unsigned int total;
	bool out_of_order;
} soon;

struct token {
	unsigned int thread, seq;
};

static void on_soon(struct pciem_device *d, void *arg)
{
	struct token *t = arg;

	ck_assert_ptr_eq(d, dev);
	if (t->seq != soon.next[t->thread])
		soon.out_of_order = true;
	soon.next[t->thread] = t->seq + 1;
	free(t);
	if (++soon.total == THREADS * CALLS_PER_THREAD)
		sd_event_exit(d->loop, 0);
}

static void *worker(void *arg)
{
	unsigned int id = (unsigned int)(uintptr_t)arg;

	for (unsigned int i = 0; i < CALLS_PER_THREAD; i++) {
		struct token *t = malloc(sizeof(*t));

		ck_assert_ptr_nonnull(t);
		t->thread = id;
		t->seq = i;
		ck_assert_int_eq(pciem_call_soon(dev, on_soon, t), 0);
	}
	return NULL;
}

START_TEST(call_soon_from_threads)
{
	pthread_t threads[THREADS];

	memset(&soon, 0, sizeof(soon));
	ck_assert_int_eq(pd_calls_start(dev), 0);
	for (unsigned int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_create(&threads[i], NULL, worker,
						(void *)(uintptr_t)i), 0);
	ck_assert_int_eq(sd_event_loop(dev->loop), 0);
	for (unsigned int i = 0; i < THREADS; i++)
		ck_assert_int_eq(pthread_join(threads[i], NULL), 0);
	ck_assert_uint_eq(soon.total, THREADS * CALLS_PER_THREAD);
	ck_assert(!soon.out_of_order);
	for (unsigned int i = 0; i < THREADS; i++)
		ck_assert_uint_eq(soon.next[i], CALLS_PER_THREAD);
}
END_TEST

static unsigned int dropped_ran;

static void must_not_run(struct pciem_device *d, void *arg)
{
	(void)d;
	(void)arg;
	dropped_ran++;
}

START_TEST(call_soon_refusals_and_drops)
{
	/* No queue until pciemd starts it. */
	ck_assert_int_eq(pciem_call_soon(dev, must_not_run, NULL), -ENODEV);
	ck_assert_int_eq(pd_calls_start(dev), 0);
	ck_assert_int_eq(pciem_call_soon(dev, NULL, NULL), -EINVAL);
	/* Waiting at removal: dropped, not run, not leaked. */
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(pciem_call_soon(dev, must_not_run, NULL), 0);
	pd_calls_stop(dev);
	ck_assert_ptr_null(dev->calls);
	ck_assert_int_eq(pciem_call_soon(dev, must_not_run, NULL), -ENODEV);
	ck_assert_int_ge(sd_event_run(dev->loop, 0), 0);
	ck_assert_uint_eq(dropped_ran, 0);
	pd_calls_stop(dev);	/* twice is harmless */
}
END_TEST

/* fini drains what its stopped threads handed over last: run, in order. */
static unsigned int drained[3], n_drained;

static void record(struct pciem_device *d, void *arg)
{
	(void)d;
	drained[n_drained++] = (unsigned int)(uintptr_t)arg;
}

START_TEST(call_drain)
{
	ck_assert_uint_eq(pciem_call_drain(dev), 0);	/* no queue: nothing */
	ck_assert_int_eq(pd_calls_start(dev), 0);
	for (uintptr_t i = 1; i <= 3; i++)
		ck_assert_int_eq(pciem_call_soon(dev, record, (void *)i), 0);
	ck_assert_uint_eq(pciem_call_drain(dev), 3);
	ck_assert_uint_eq(n_drained, 3);
	ck_assert_uint_eq(drained[0], 1);
	ck_assert_uint_eq(drained[2], 3);
	ck_assert_uint_eq(pciem_call_drain(dev), 0);
	/* The eventfd's wake-up finds the queue empty: nothing runs twice. */
	ck_assert_int_ge(sd_event_run(dev->loop, 0), 0);
	ck_assert_uint_eq(n_drained, 3);
}
END_TEST

static Suite *plugin_loop_suite(void)
{
	Suite *s = suite_create("plugin_loop");
	TCase *tc = tcase_create("loop");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, fd_readable_then_hangup);
	tcase_add_test(tc, fd_refusals);
	tcase_add_test(tc, fd_socket_peer_closes);
	tcase_add_test(tc, fd_without_loop);
	tcase_add_test(tc, call_soon_from_threads);
	tcase_add_test(tc, call_soon_refusals_and_drops);
	tcase_add_test(tc, call_drain);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(plugin_loop_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
