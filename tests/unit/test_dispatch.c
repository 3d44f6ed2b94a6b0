// SPDX-License-Identifier: MIT
/*
 * Events to handlers, against a fake kernel: writes reach the write
 * handler of the register they hit, synchronous reads are answered from
 * the read handler (or with 0 for write-only registers) by RESPOND with
 * the same seq, resets restore reset values before the plugin's hook, and
 * the ring is consumed in order, within a budget, across its wrap.
 */
#include <check.h>
#include <stdlib.h>

#include "builder.h"
#include "dispatch.h"
#include "plugin_load.h"
#include "test_builder_fake.h"

static struct fake_log logs;
static struct desc_device desc;
static struct desc_register regs[8];
static struct fake_backend *fake;
static struct pciem_device *dev;

/* What the handlers saw. */
static struct {
	unsigned int writes, reads, resets;
	const char *reg;
	uint64_t value;
	struct pciem_write wr;
	unsigned int reason;
	uint64_t lost;
	unsigned int lost_calls;
	uint64_t order[16];
	size_t n_order;
} seen;

static void on_write(struct pciem_device *d, const struct pciem_register *reg,
		     const struct pciem_write *wr)
{
	ck_assert_ptr_eq(d, dev);
	seen.writes++;
	seen.reg = pciem_reg_name(reg);
	seen.value = wr->value;
	seen.wr = *wr;
	if (seen.n_order < 16)
		seen.order[seen.n_order++] = wr->value;
}

static uint64_t on_read(struct pciem_device *d, const struct pciem_register *reg)
{
	ck_assert_ptr_eq(d, dev);
	seen.reads++;
	seen.reg = pciem_reg_name(reg);
	return 0x8877665544332211ULL;
}

static void on_reset(struct pciem_device *d, unsigned int reason)
{
	ck_assert_ptr_eq(d, dev);
	seen.resets++;
	seen.reason = reason;
}

static void on_lost(struct pciem_device *d, uint64_t count)
{
	ck_assert_ptr_eq(d, dev);
	seen.lost += count;
	seen.lost_calls++;
}

static struct pciem_plugin test_plugin = {
	.api_version = PCIEM_PLUGIN_API_VERSION,
	.struct_size = sizeof(struct pciem_plugin),
	.reset = on_reset,
	.events_lost = on_lost,
};
static struct pd_plugin plugin = { .info = &test_plugin, .path = "test.so" };

static void setup(void)
{
	memset(&seen, 0, sizeof(seen));
	fake_log_init(&logs);
	regs[0] = fake_reg("CONTROL", 10, 0x0, 4, DESC_ACCESS_RW);
	regs[0].write = fake_handler("w", 10, 20);
	regs[1] = fake_reg("STATUS", 11, 0x4, 4, DESC_ACCESS_RW1C);
	regs[1].reset = 0x80;
	regs[2] = fake_reg("COUNTER", 12, 0x8, 4, DESC_ACCESS_RO);
	regs[2].reset = 7;
	regs[3] = fake_reg("ANSWER", 13, 0x10, 8, DESC_ACCESS_RW);
	regs[3].read = fake_handler("r", 13, 20);
	regs[4] = fake_reg("KICK", 14, 0x18, 4, DESC_ACCESS_WO);
	regs[4].write = fake_handler("w", 14, 20);
	fake_desc(&desc, regs, 5);
	dev = pd_device_new(&desc, &logs.log);
	ck_assert_ptr_nonnull(dev);
	ck_assert_int_eq(pd_plan(dev), 0);
	fake = fake_new();
	ck_assert_int_eq(pd_build(dev, &fake->base), 0);
	dev->regs[0].write = on_write;
	dev->regs[3].read = on_read;
	dev->regs[4].write = on_write;
	dev->plugin = &plugin;
	dev->plugin_started = true;
	fake->n_calls = 0;
}

static void teardown(void)
{
	dev->plugin_started = false;
	pd_device_free(dev);
	free(fake);
}

static struct pciem_event ev(uint32_t type, uint64_t seq, uint64_t offset,
			     uint32_t size, uint64_t data)
{
	struct pciem_event e = { .seq = seq, .type = type, .bar = 0,
				 .offset = offset, .size = size, .data = data };
	return e;
}

static uint32_t *bar32(uint64_t offset)
{
	return (uint32_t *)((uint8_t *)fake->bars[0] + offset);
}

START_TEST(write_to_handler)
{
	*bar32(0x0) = 1;	/* as the kernel left it */
	pd_dispatch_event(dev, &(struct pciem_event){ .type = PCIEM_EVENT_MMIO_WRITE,
						      .offset = 0, .size = 4, .data = 1 });
	ck_assert_uint_eq(seen.writes, 1);
	ck_assert_str_eq(seen.reg, "CONTROL");
	ck_assert_uint_eq(seen.wr.value, 1);
	ck_assert_uint_eq(seen.wr.content, 1);
	ck_assert_uint_eq(seen.wr.offset, 0);
	ck_assert_uint_eq(seen.wr.width, 4);
	ck_assert_uint_eq(dev->stats.writes, 1);
	ck_assert_uint_eq(dev->stats.events, 1);
	ck_assert_uint_eq(fake->n_calls, 0);	/* a write needs no answer */
}
END_TEST

/*
 * A write handler is told what was written where, whatever the width:
 * the raw bytes, their offset in the register, and the register's content.
 */
static const struct {
	uint64_t offset;
	uint32_t size;
	uint64_t data;
	uint64_t value;
	unsigned int at;
} narrow_writes[] = {
	{ 0x0, 1, 0x78, 0x78, 0 },
	{ 0x1, 1, 0xab, 0xab, 1 },
	{ 0x3, 1, 0x12, 0x12, 3 },
	{ 0x2, 2, 0x1234, 0x1234, 2 },
	{ 0x0, 2, 0xab78, 0xab78, 0 },
	/* Bits above the width are not the driver's: cut off. */
	{ 0x1, 1, 0xffffffffffffffab, 0xab, 1 },
	{ 0x0, 4, 0xffffffff1234ab78, 0x1234ab78, 0 },
};

START_TEST(narrow_write_says_where)
{
	/* The kernel applied the bytes already; content is the register. */
	*bar32(0x0) = 0x1234ab78;
	pd_dispatch_event(dev, &(struct pciem_event){ .type = PCIEM_EVENT_MMIO_WRITE,
						      .offset = narrow_writes[_i].offset,
						      .size = narrow_writes[_i].size,
						      .data = narrow_writes[_i].data });
	ck_assert_uint_eq(seen.writes, 1);
	ck_assert_uint_eq(seen.wr.value, narrow_writes[_i].value);
	ck_assert_uint_eq(seen.wr.offset, narrow_writes[_i].at);
	ck_assert_uint_eq(seen.wr.width, narrow_writes[_i].size);
	ck_assert_uint_eq(seen.wr.content, 0x1234ab78);
}
END_TEST

START_TEST(write_without_handler)
{
	struct pciem_event e = ev(PCIEM_EVENT_MMIO_WRITE, 1, 0x8, 4, 5);

	pd_dispatch_event(dev, &e);
	e.offset = 0x800;
	pd_dispatch_event(dev, &e);
	ck_assert_uint_eq(seen.writes, 0);
	ck_assert_uint_eq(dev->stats.writes, 0);
	ck_assert_uint_eq(dev->stats.events, 2);
	ck_assert_uint_eq(logs.n, 2);
	ck_assert_str_eq(logs.lines[0],
			 "<7>write of 0x5 to BAR 0 offset 0x8, register COUNTER: no handler");
	ck_assert_str_eq(logs.lines[1], "<7>write of 0x5 to BAR 0 offset 0x800: no handler");
}
END_TEST

START_TEST(sync_read_answered)
{
	struct pciem_event e = ev(PCIEM_EVENT_MMIO_READ, 41, 0x10, 8, 0);

	pd_dispatch_event(dev, &e);
	ck_assert_uint_eq(seen.reads, 1);
	ck_assert_str_eq(seen.reg, "ANSWER");
	ck_assert_uint_eq(fake->n_calls, 1);
	ck_assert_uint_eq(fake->calls[0].request, PCIEM_IOCTL_RESPOND);
	ck_assert_uint_eq(fake->calls[0].arg.resp.seq, 41);
	ck_assert_uint_eq(fake->calls[0].arg.resp.data, 0x8877665544332211ULL);
	ck_assert_int_eq(fake->calls[0].arg.resp.status, 0);
	ck_assert_uint_eq(dev->stats.reads, 1);
}
END_TEST

/* A narrower read gets the bytes it asked for, from the handler's answer. */
static const struct { uint64_t offset; uint32_t size; uint64_t data; } narrow[] = {
	{ 0x10, 1, 0x11 }, { 0x13, 1, 0x44 }, { 0x12, 2, 0x4433 },
	{ 0x14, 4, 0x88776655 }, { 0x17, 1, 0x88 },
};

START_TEST(narrow_read)
{
	struct pciem_event e = ev(PCIEM_EVENT_MMIO_READ, 9, narrow[_i].offset,
				  narrow[_i].size, 0);

	pd_dispatch_event(dev, &e);
	ck_assert_uint_eq(fake->calls[0].arg.resp.data, narrow[_i].data);
	ck_assert_int_eq(fake->calls[0].arg.resp.status, 0);
}
END_TEST

START_TEST(write_only_reads_zero)
{
	struct pciem_event e = ev(PCIEM_EVENT_MMIO_READ, 3, 0x18, 4, 0);

	*bar32(0x18) = 0xdeadbeef;	/* whatever was written: reads give 0 */
	pd_dispatch_event(dev, &e);
	ck_assert_uint_eq(seen.reads, 0);
	ck_assert_uint_eq(fake->calls[0].request, PCIEM_IOCTL_RESPOND);
	ck_assert_uint_eq(fake->calls[0].arg.resp.seq, 3);
	ck_assert_uint_eq(fake->calls[0].arg.resp.data, 0);
	ck_assert_int_eq(fake->calls[0].arg.resp.status, 0);
}
END_TEST

START_TEST(read_of_nothing_fails)
{
	struct pciem_event e = ev(PCIEM_EVENT_MMIO_READ, 5, 0x400, 4, 0);

	pd_dispatch_event(dev, &e);
	ck_assert_uint_eq(fake->calls[0].arg.resp.seq, 5);
	ck_assert_int_ne(fake->calls[0].arg.resp.status, 0);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<4>read of BAR 0 offset 0x400 (4 bytes) matches no register; answered with all-ones (later ones are logged at debug level)");
	/* A driver polling it: answered every time, warned about once. */
	logs.log.max_priority = 6;
	for (int i = 0; i < 100; i++) {
		e.seq = 6 + (uint64_t)i;
		pd_dispatch_event(dev, &e);
	}
	ck_assert_uint_eq(fake->n_calls, 101);
	ck_assert_int_ne(fake->calls[100].arg.resp.status, 0);
	ck_assert_uint_eq(dev->stats.unmatched_reads, 101);
	ck_assert_uint_eq(logs.n, 1);
	logs.log.max_priority = 7;
	pd_dispatch_event(dev, &e);
	ck_assert_str_eq(logs.lines[1],
			 "<7>read of BAR 0 offset 0x400 (4 bytes) matches no register; answered with all-ones");
}
END_TEST

START_TEST(late_answer_is_quiet)
{
	struct pciem_event e = ev(PCIEM_EVENT_MMIO_READ, 5, 0x10, 8, 0);

	fake->fail_request = PCIEM_IOCTL_RESPOND;
	fake->fail_nth = 1;
	fake->fail_errno = ENOENT;
	pd_dispatch_event(dev, &e);
	ck_assert_uint_eq(logs.n, 0);
	fake->fail_nth = 2;
	fake->fail_errno = EINVAL;
	pd_dispatch_event(dev, &e);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<4>RESPOND to the read of BAR 0 offset 0x10: Invalid argument");
}
END_TEST

START_TEST(reset_restores_then_hooks)
{
	struct pciem_event e = ev(PCIEM_EVENT_RESET, 8, 0, 0, PCIEM_RESET_FLR);

	*bar32(0x4) = 0;
	*bar32(0x8) = 99;
	*bar32(0x0) = 5;
	pd_dispatch_event(dev, &e);
	ck_assert_uint_eq(*bar32(0x4), 0x80);
	ck_assert_uint_eq(*bar32(0x8), 7);
	ck_assert_uint_eq(*bar32(0x0), 0);
	ck_assert_uint_eq(seen.resets, 1);
	ck_assert_uint_eq(seen.reason, PCIEM_PLUGIN_RESET_FLR);
	ck_assert_uint_eq(dev->stats.resets, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<6>Function Level Reset: registers back to their reset values");
}
END_TEST

START_TEST(lost_and_late)
{
	struct pciem_event e = ev(PCIEM_EVENT_DROPPED, 100, 0, 0, 12);

	pd_dispatch_event(dev, &e);
	e = ev(PCIEM_EVENT_READ_TIMEOUT, 120, 0x10, 8, 77);
	pd_dispatch_event(dev, &e);
	e = ev(PCIEM_EVENT_READ_TIMEOUT, 121, 0x200, 4, 78);
	pd_dispatch_event(dev, &e);
	ck_assert_uint_eq(dev->stats.lost, 12);
	ck_assert_uint_eq(dev->stats.timeouts, 2);
	ck_assert_uint_eq(logs.n, 3);
	ck_assert_str_eq(logs.lines[0],
			 "<4>the kernel lost 12 events from seq 100 on (the event ring was full); the plugin resynchronises");
	/* The plugin is told, to read back what it missed. */
	ck_assert_uint_eq(seen.lost_calls, 1);
	ck_assert_uint_eq(seen.lost, 12);
	ck_assert_str_eq(logs.lines[1],
			 "<4>a driver read of register ANSWER (BAR 0 offset 0x10) was not answered in time and returned all-ones (a handler too slow?)");
	ck_assert_str_eq(logs.lines[2],
			 "<4>a driver read of BAR 0 offset 0x200 was not answered in time and returned all-ones (a handler too slow?)");
	ck_assert_uint_eq(fake->n_calls, 0);
}
END_TEST

/* A plugin without the hook (or built before it): only the log line. */
START_TEST(lost_without_hook)
{
	struct pciem_event e = ev(PCIEM_EVENT_DROPPED, 7, 0, 0, 3);

	test_plugin.events_lost = NULL;
	pd_dispatch_event(dev, &e);
	test_plugin.events_lost = on_lost;
	ck_assert_uint_eq(dev->stats.lost, 3);
	ck_assert_uint_eq(seen.lost_calls, 0);
	ck_assert_str_eq(logs.lines[0],
			 "<4>the kernel lost 3 events from seq 7 on (the event ring was full)");
}
END_TEST

START_TEST(ring_in_order_within_budget)
{
	for (uint64_t i = 0; i < 5; i++)
		fake_post(fake, ev(PCIEM_EVENT_MMIO_WRITE, i, 0, 4, 100 + i));
	ck_assert(pd_ring_pending(dev));
	ck_assert_uint_eq(pd_dispatch_ring(dev, 3), 3);
	ck_assert_uint_eq(atomic_load(&fake->ring->head), 3);
	ck_assert(pd_ring_pending(dev));
	ck_assert_uint_eq(pd_dispatch_ring(dev, 100), 2);
	ck_assert(!pd_ring_pending(dev));
	ck_assert_uint_eq(pd_dispatch_ring(dev, 100), 0);
	ck_assert_uint_eq(seen.n_order, 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_uint_eq(seen.order[i], 100 + i);
}
END_TEST

START_TEST(ring_wraps)
{
	/* Start two slots before the end, as after a long run. */
	atomic_store(&fake->ring->head, PCIEM_RING_SIZE - 2);
	atomic_store(&fake->ring->tail, PCIEM_RING_SIZE - 2);
	dev->head = PCIEM_RING_SIZE - 2;
	for (uint64_t i = 0; i < 4; i++)
		fake_post(fake, ev(PCIEM_EVENT_MMIO_WRITE, i, 0, 4, 200 + i));
	ck_assert_uint_eq(atomic_load(&fake->ring->tail), 2);
	ck_assert_uint_eq(pd_dispatch_ring(dev, 100), 4);
	ck_assert_uint_eq(atomic_load(&fake->ring->head), 2);
	for (size_t i = 0; i < 4; i++)
		ck_assert_uint_eq(seen.order[i], 200 + i);
}
END_TEST

START_TEST(ring_corrupt)
{
	atomic_store(&fake->ring->tail, PCIEM_RING_SIZE + 5);
	ck_assert_uint_eq(pd_dispatch_ring(dev, 100), 0);
	ck_assert(dev->failed);
	ck_assert_str_eq(logs.lines[0],
			 "<3>the event ring's tail is 4101, past its 4096 slots: giving up on the device");
}
END_TEST

START_TEST(other_events_ignored)
{
	struct pciem_event e = ev(PCIEM_EVENT_CONFIG_WRITE, 1, 0x4, 2, 0x6);

	pd_dispatch_event(dev, &e);
	e.type = 99;
	pd_dispatch_event(dev, &e);
	ck_assert_uint_eq(seen.writes + seen.reads + seen.resets, 0);
	ck_assert_uint_eq(fake->n_calls, 0);
	ck_assert_uint_eq(dev->stats.events, 2);
	ck_assert_str_eq(logs.lines[0], "<7>config write at 0x4: 0x6");
	/* A Command write is followed: the config state changed. */
	ck_assert_str_eq(logs.lines[1],
			 "<7>config state: memory 1, bus master 1, INTx disabled 0, MSI 0, MSI-X 0, D0");
	ck_assert_str_eq(logs.lines[2], "<7>event type 99 ignored");
}
END_TEST

START_TEST(dma_fault_reported)
{
	struct pciem_event e = ev(PCIEM_EVENT_DMA_FAULT, 7, 0x10002000, 64,
				  PCIEM_DMA_FLAG_WRITE);

	pd_dispatch_event(dev, &e);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<4>DMA write of 64 bytes at IOVA 0x10002000 refused: the driver has not mapped it for that");
}
END_TEST

static Suite *dispatch_suite(void)
{
	Suite *s = suite_create("dispatch");
	TCase *tc = tcase_create("events");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, write_to_handler);
	tcase_add_loop_test(tc, narrow_write_says_where, 0,
			    sizeof(narrow_writes) / sizeof(narrow_writes[0]));
	tcase_add_test(tc, write_without_handler);
	tcase_add_test(tc, sync_read_answered);
	tcase_add_loop_test(tc, narrow_read, 0, (int)(sizeof(narrow) / sizeof(narrow[0])));
	tcase_add_test(tc, write_only_reads_zero);
	tcase_add_test(tc, read_of_nothing_fails);
	tcase_add_test(tc, late_answer_is_quiet);
	tcase_add_test(tc, reset_restores_then_hooks);
	tcase_add_test(tc, lost_and_late);
	tcase_add_test(tc, lost_without_hook);
	tcase_add_test(tc, other_events_ignored);
	tcase_add_test(tc, dma_fault_reported);
	suite_add_tcase(s, tc);

	tc = tcase_create("ring");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, ring_in_order_within_budget);
	tcase_add_test(tc, ring_wraps);
	tcase_add_test(tc, ring_corrupt);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dispatch_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
