// SPDX-License-Identifier: MIT
/*
 * The daemon's event loop end to end, with a fake kernel: pciemd runs
 * devices/counter.yaml with its plugin in a thread while the test plays
 * systemd (the notification socket, a watchdog) and the kernel (events in
 * the ring, the eventfd).  READY=1 comes after the device is built,
 * STATUS= counts the events, WATCHDOG=1 is pinged, the driver's 25
 * writes give two interrupts, and SIGTERM brings STOPPING=1, the device
 * taken down and exit status 0.
 */
#include <check.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cli.h"
#include "daemon.h"
#include "test_builder_fake.h"

static struct fake_backend *fake;
static struct fake_log logs;
static struct pd_options opt;
static int status = -1;

static int open_fake(struct pd_backend **out)
{
	*out = &fake->base;
	return 0;
}

static void *run(void *arg)
{
	(void)arg;
	status = pd_run_with(&opt, &logs.log, open_fake);
	return NULL;
}

/* The next notification (one datagram), within 5 s. */
static void next_message(int sock, char *buf, size_t size)
{
	struct timeval tv = { .tv_sec = 5 };
	ssize_t n;

	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	n = recv(sock, buf, size - 1, 0);
	ck_assert_msg(n > 0, "no notification from pciemd");
	buf[n] = '\0';
}

/* Wait for a notification containing want; returns how many others came first. */
static unsigned int wait_message(int sock, const char *want, char *buf, size_t size)
{
	unsigned int skipped = 0;

	for (;;) {
		next_message(sock, buf, size);
		if (strstr(buf, want))
			return skipped;
		skipped++;
	}
}

START_TEST(notify_events_and_sigterm)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/pd-loop-XXXXXX", msg[512], env[32];
	const struct fake_call *calls[8];
	pthread_t thread;
	sigset_t mask;
	int sock, efd;

	/* Blocked in every thread, so only pciemd's signalfd sees SIGTERM. */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	ck_assert_int_eq(pthread_sigmask(SIG_BLOCK, &mask, NULL), 0);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/notify", dir);
	sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(sock, 0);
	ck_assert_int_eq(bind(sock, (struct sockaddr *)&addr, sizeof(addr)), 0);
	setenv("NOTIFY_SOCKET", addr.sun_path, 1);
	setenv("WATCHDOG_USEC", "200000", 1);
	snprintf(env, sizeof(env), "%d", (int)getpid());
	setenv("WATCHDOG_PID", env, 1);

	fake_log_init(&logs);
	logs.log.max_priority = 6;
	fake = fake_new();
	opt.config = PD_TOP "/devices/counter.yaml";
	opt.plugin_dir = PD_PLUGINS;
	ck_assert_int_eq(pthread_create(&thread, NULL, run, NULL), 0);

	next_message(sock, msg, sizeof(msg));
	ck_assert_str_eq(msg, "READY=1");
	/* Drivers may bind last of all, once init has run. */
	ck_assert(fake->calls[fake->n_calls - 1].request == PCIEM_IOCTL_ATTACH);
	next_message(sock, msg, sizeof(msg));
	ck_assert_str_eq(msg, "STATUS=counter at 10000:00:00.0: 0 events handled (0 writes, 0 reads, 0 resets), 0 lost");

	/* The driver writes CONTROL 25 times. */
	ck_assert_uint_eq(fake_calls_of(fake, PCIEM_IOCTL_SET_EVENTFD, calls, 8), 1);
	efd = calls[0]->arg.efd.eventfd;
	for (uint64_t i = 0; i < 25; i++)
		fake_post(fake, (struct pciem_event){ .seq = i, .type = PCIEM_EVENT_MMIO_WRITE,
						      .offset = 0, .size = 4, .data = 1 });
	ck_assert_int_eq(eventfd_write(efd, 1), 0);
	wait_message(sock, "STATUS=counter at 10000:00:00.0: 25 events handled (25 writes, 0 reads, 0 resets), 0 lost",
		     msg, sizeof(msg));
	ck_assert_uint_eq(*(uint32_t *)((uint8_t *)fake->bars[0] + 8), 25);
	ck_assert_uint_eq(fake_calls_of(fake, PCIEM_IOCTL_INJECT_IRQ, calls, 8), 2);
	wait_message(sock, "WATCHDOG=1", msg, sizeof(msg));

	ck_assert_int_eq(kill(getpid(), SIGTERM), 0);
	wait_message(sock, "STOPPING=1", msg, sizeof(msg));
	ck_assert_int_eq(pthread_join(thread, NULL), 0);
	ck_assert_int_eq(status, PD_EXIT_OK);
	ck_assert(fake->destroyed);
	ck_assert_ptr_null(fake->ring);
	ck_assert_ptr_null(fake->bars[0]);
	ck_assert_uint_eq(logs.n, 3);
	ck_assert_str_eq(logs.lines[0], "<6>counter: device 1234:5678 ready at 10000:00:00.0 (3 registers, plugin " PD_PLUGINS "/counter.so)");
	ck_assert_str_eq(logs.lines[1], "<6>counter: Terminated, removing the device");
	ck_assert_str_eq(logs.lines[2], "<6>counter: device removed after 25 events");

	close(sock);
	unlink(addr.sun_path);
	rmdir(dir);
	free(fake);
}
END_TEST

/* The kernel refusing the device: one line, exit status 1, nothing left. */
START_TEST(kernel_refuses)
{
	fake_log_init(&logs);
	fake = fake_new();
	fake->fail_request = PCIEM_IOCTL_REGISTER;
	fake->fail_nth = 1;
	fake->fail_errno = ENOMEM;
	unsetenv("NOTIFY_SOCKET");
	opt.config = PD_TOP "/devices/counter.yaml";
	opt.plugin_dir = PD_PLUGINS;
	ck_assert_int_eq(pd_run_with(&opt, &logs.log, open_fake), PD_EXIT_FAILURE);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0], "<3>" PD_TOP "/devices/counter.yaml: error: REGISTER: Cannot allocate memory (putting the device on the bus)");
	ck_assert(fake->destroyed);
	ck_assert_ptr_null(fake->ring);
	free(fake);
}
END_TEST

/*
 * A plugin whose init refuses its parameters: no driver ever binds (no
 * ATTACH), the device is taken down, and the exit status is 6, which the
 * unit does not restart.
 */
START_TEST(init_refuses_before_attach)
{
	char dir[] = "/tmp/pd-loop-XXXXXX", path[64], cmd[256], want[256];
	const struct fake_call *calls[8];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/counter.yaml", dir);
	snprintf(cmd, sizeof(cmd), "sed 's/irq_every: 10/irq_every: 0/' %s >%s",
		 PD_TOP "/devices/counter.yaml", path);
	ck_assert_int_eq(system(cmd), 0);
	fake_log_init(&logs);
	fake = fake_new();
	unsetenv("NOTIFY_SOCKET");
	opt.config = path;
	opt.plugin_dir = PD_PLUGINS;
	ck_assert_int_eq(pd_run_with(&opt, &logs.log, open_fake), PD_EXIT_CONFIG);
	ck_assert_uint_eq(fake_calls_of(fake, PCIEM_IOCTL_REGISTER, calls, 8), 1);
	ck_assert_uint_eq(fake_calls_of(fake, PCIEM_IOCTL_ATTACH, calls, 8), 0);
	ck_assert_uint_eq(logs.n, 2);
	ck_assert_str_eq(logs.lines[0], "<3>counter: irq_every must not be 0");
	snprintf(want, sizeof(want),
		 "<3>%s:44:9: error: plugin " PD_PLUGINS "/counter.so: init failed: Invalid argument (a configuration error: fix the description)",
		 path);
	ck_assert_str_eq(logs.lines[1], want);
	ck_assert(fake->destroyed);
	ck_assert_ptr_null(fake->ring);
	free(fake);
	unlink(path);
	rmdir(dir);
}
END_TEST

static int no_kernel(struct pd_backend **out)
{
	(void)out;
	return -ENOENT;
}

START_TEST(no_module)
{
	fake_log_init(&logs);
	opt.config = PD_TOP "/devices/counter.yaml";
	opt.plugin_dir = PD_PLUGINS;
	ck_assert_int_eq(pd_run_with(&opt, &logs.log, no_kernel), PD_EXIT_NO_MODULE);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0], "<3>cannot open /dev/pciem: No such file or directory (the pciem module is not loaded: modprobe pciem; it comes with the pciem-dkms package)");
}
END_TEST

static Suite *loop_suite(void)
{
	Suite *s = suite_create("daemon_loop");
	TCase *tc = tcase_create("loop");

	tcase_add_test(tc, notify_events_and_sigterm);
	tcase_add_test(tc, kernel_refuses);
	tcase_add_test(tc, init_refuses_before_attach);
	tcase_add_test(tc, no_module);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(loop_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
