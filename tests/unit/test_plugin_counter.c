// SPDX-License-Identifier: MIT
/*
 * devices/counter.yaml with its plugin, as pciemd runs it but against a
 * fake kernel: the walkthrough's acceptance (25 writes of 1 to CONTROL,
 * COUNTER == 25, exactly two interrupts) from events to BAR memory and
 * INJECT_IRQ, plus what the description adds (STATUS's pending bit) and
 * a reset.
 */
#include <check.h>
#include <stdlib.h>

#include "builder.h"
#include "dispatch.h"
#include "plugin_load.h"
#include "test_builder_fake.h"

static struct fake_log logs;
static struct desc_device *desc;
static struct pd_plugin *plugin;
static struct fake_backend *fake;
static struct pciem_device *dev;

static void setup(void)
{
	struct desc_error err;
	char line[1024];

	fake_log_init(&logs);
	desc = desc_load(PD_TOP "/devices/counter.yaml", &err);
	ck_assert_msg(desc != NULL, "%s", desc_error_format(&err, line, sizeof(line)));
	dev = pd_device_new(desc, &logs.log);
	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_int_eq(pd_plugin_load(desc, PD_PLUGINS, &logs.log, &plugin), 0);
	ck_assert_int_eq(pd_plugin_bind(plugin, dev), 0);
	fake = fake_new();
	ck_assert_int_eq(pd_build(dev, &fake->base), 0);
	ck_assert_int_eq(plugin->info->init(dev), 0);
	dev->plugin_started = true;
	fake->n_calls = 0;
}

static void teardown(void)
{
	pd_device_free(dev);
	pd_plugin_unload(plugin);
	desc_free(desc);
	free(fake);
}

static uint32_t reg32(uint64_t offset)
{
	return *(volatile uint32_t *)((uint8_t *)fake->bars[0] + offset);
}

static void write_control(uint64_t seq, uint32_t value)
{
	fake_post(fake, (struct pciem_event){ .seq = seq, .type = PCIEM_EVENT_MMIO_WRITE,
					      .bar = 0, .offset = 0x0, .size = 4,
					      .data = value });
}

START_TEST(described_as_the_walkthrough)
{
	ck_assert_str_eq(desc->name, "counter");
	ck_assert_uint_eq(desc->vendor_id, 0x1234);
	ck_assert_uint_eq(desc->device_id, 0x5678);
	ck_assert_uint_eq(desc->class_code, 0xff0000);
	ck_assert_uint_eq(desc->revision, 1);
	ck_assert(desc->bars[0].present);
	ck_assert_uint_eq(desc->bars[0].size, 4096);
	ck_assert(!desc->bars[0].is_64bit);
	ck_assert(desc->msi.present);
	ck_assert_uint_eq(desc->msi.vectors, 1);
	ck_assert(desc->msi.is_64bit);
	ck_assert(!desc->msi.masking);
}
END_TEST

START_TEST(twenty_five_writes_two_interrupts)
{
	const struct fake_call *irq[8];

	for (uint64_t i = 0; i < 25; i++)
		write_control(i, 1);
	ck_assert_uint_eq(pd_dispatch_ring(dev, 1000), 25);
	ck_assert_uint_eq(reg32(0x8), 25);
	ck_assert_uint_eq(fake_calls_of(fake, PCIEM_IOCTL_INJECT_IRQ, irq, 8), 2);
	ck_assert_uint_eq(irq[0]->arg.irq.vector, 0);
	ck_assert_uint_eq(irq[1]->arg.irq.vector, 0);
	ck_assert_uint_eq(fake->n_calls, 2);
	ck_assert_uint_eq(reg32(0x4), 0x1);	/* IRQ pending */
	ck_assert_uint_eq(logs.n, 0);
}
END_TEST

START_TEST(only_bit_zero_counts)
{
	write_control(0, 0);
	write_control(1, 2);
	write_control(2, 3);
	ck_assert_uint_eq(pd_dispatch_ring(dev, 1000), 3);
	ck_assert_uint_eq(reg32(0x8), 1);
	ck_assert_uint_eq(fake->n_calls, 0);
}
END_TEST

START_TEST(reset_starts_over)
{
	for (uint64_t i = 0; i < 12; i++)
		write_control(i, 1);
	pd_dispatch_ring(dev, 1000);
	ck_assert_uint_eq(reg32(0x8), 12);
	fake_post(fake, (struct pciem_event){ .seq = 12, .type = PCIEM_EVENT_RESET,
					      .data = PCIEM_RESET_FLR });
	pd_dispatch_ring(dev, 1000);
	ck_assert_uint_eq(reg32(0x8), 0);
	ck_assert_uint_eq(reg32(0x4), 0);
	for (uint64_t i = 13; i < 23; i++)
		write_control(i, 1);
	pd_dispatch_ring(dev, 1000);
	ck_assert_uint_eq(reg32(0x8), 10);
	ck_assert_uint_eq(fake->n_calls, 2);	/* at 10 before, and at 10 after */
}
END_TEST

START_TEST(interrupt_not_set_up)
{
	fake->fail_request = PCIEM_IOCTL_INJECT_IRQ;
	fake->fail_nth = 1;
	fake->fail_errno = ENXIO;
	for (uint64_t i = 0; i < 10; i++)
		write_control(i, 1);
	pd_dispatch_ring(dev, 1000);
	ck_assert_uint_eq(reg32(0x8), 10);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0], "<7>counter: count 10: interrupt not raised (-6)");
}
END_TEST

static Suite *counter_suite(void)
{
	Suite *s = suite_create("plugin_counter");
	TCase *tc = tcase_create("counter");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, described_as_the_walkthrough);
	tcase_add_test(tc, twenty_five_writes_two_interrupts);
	tcase_add_test(tc, only_bit_zero_counts);
	tcase_add_test(tc, reset_starts_over);
	tcase_add_test(tc, interrupt_not_set_up);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(counter_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
