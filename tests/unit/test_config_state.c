// SPDX-License-Identifier: MIT
/*
 * The config state a plugin is told of (pciemd/config_state.c), against a
 * fake kernel: the capabilities found by walking config space once, then
 * the state followed through config writes as the kernel applies them (a
 * hook call for each change and none without one, writes elsewhere
 * ignored, D-states the device lacks not entered, a reset) without ever
 * reading config space again; an unreadable config space, and a
 * capability list that loops.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "builder.h"
#include "dispatch.h"
#include "plugin_load.h"
#include "test_builder_fake.h"

static struct fake_log logs;
static struct desc_device desc;
static struct fake_backend *fake;
static struct pciem_device *dev;

static struct {
	unsigned int calls, resets;
	struct pciem_config_state old, now;
} seen;

static void on_config(struct pciem_device *d, const struct pciem_config_state *old,
		      const struct pciem_config_state *now)
{
	ck_assert_ptr_eq(d, dev);
	seen.calls++;
	seen.old = *old;
	seen.now = *now;
}

/* The reset hook already sees the state after the reset. */
static void on_reset(struct pciem_device *d, unsigned int reason)
{
	struct pciem_config_state s;

	(void)reason;
	ck_assert_int_eq(pciem_config_state(d, &s), 0);
	ck_assert(!s.bus_master && !s.msix);
	ck_assert_uint_eq(seen.calls, 6);	/* config_changed comes after */
	seen.resets++;
}

static struct pciem_plugin test_plugin = {
	.api_version = PCIEM_PLUGIN_API_VERSION,
	.struct_size = sizeof(struct pciem_plugin),
	.reset = on_reset,
	.config_changed = on_config,
};
static struct pd_plugin plugin = { .info = &test_plugin, .path = "test.so" };

static void put16(unsigned int off, uint16_t v)
{
	fake->config[off] = (uint8_t)v;
	fake->config[off + 1] = (uint8_t)(v >> 8);
}

/* PM at 0x40, MSI at 0x50, MSI-X at 0x70, as the module lays them out. */
static void layout(void)
{
	put16(0x06, 0x10);			/* Status: capability list */
	fake->config[0x34] = 0x40;
	fake->config[0x40] = 0x01;		/* PM */
	fake->config[0x41] = 0x50;
	fake->config[0x50] = 0x05;		/* MSI */
	fake->config[0x51] = 0x70;
	fake->config[0x70] = 0x11;		/* MSI-X */
	fake->config[0x71] = 0x00;
}

static void build(void)
{
	dev = pd_device_new(&desc, &logs.log);
	ck_assert_ptr_nonnull(dev);
	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_int_eq(pd_build(dev, &fake->base), 0);
	dev->plugin = &plugin;
	dev->plugin_started = true;
}

static void setup(void)
{
	memset(&seen, 0, sizeof(seen));
	fake_log_init(&logs);
	fake_desc(&desc, NULL, 0);
	fake = fake_new();
	layout();
}

static void teardown(void)
{
	dev->plugin_started = false;
	pd_device_free(dev);
	free(fake);
}

static void written(uint64_t offset, uint32_t size, uint64_t data)
{
	struct pciem_event e = { .type = PCIEM_EVENT_CONFIG_WRITE, .offset = offset,
				 .size = size, .data = data };

	pd_dispatch_event(dev, &e);
}

START_TEST(found_and_followed)
{
	struct pciem_config_state s;
	unsigned int reads;

	build();
	ck_assert(dev->config.known);
	ck_assert_uint_eq(dev->config.pm, 0x40);
	ck_assert_uint_eq(dev->config.msi, 0x50);
	ck_assert_uint_eq(dev->config.msix, 0x70);
	ck_assert_int_eq(pciem_config_state(dev, &s), 0);
	ck_assert(!s.memory && !s.bus_master && !s.msix && s.power_state == 0);
	reads = fake->config_reads;

	/* The driver enables memory and bus mastering. */
	written(0x04, 2, 0x0006);
	ck_assert_uint_eq(seen.calls, 1);
	ck_assert(!seen.old.bus_master && seen.now.bus_master && seen.now.memory);
	ck_assert_int_eq(pciem_config_state(dev, &s), 0);
	ck_assert(s.bus_master);

	/* The same value again, as a dword with Status: no change, no call. */
	written(0x04, 4, 0xffff0006);
	ck_assert_uint_eq(seen.calls, 1);

	/* Writes elsewhere change nothing. */
	written(0x3c, 1, 0xff);
	written(0x08, 4, 0xffffffff);
	written(0x40, 4, 0xffffffff);		/* PM's ID, next and PMC */
	ck_assert_uint_eq(seen.calls, 1);
	/* A byte of Command: INTx disable. */
	written(0x05, 1, 0x04);
	ck_assert_uint_eq(seen.calls, 2);
	ck_assert(seen.now.intx_disabled && seen.now.bus_master);

	/* MSI-X enabled and masked by a dword write covering its control. */
	written(0x70, 4, 0xc0000000);
	ck_assert_uint_eq(seen.calls, 3);
	ck_assert(seen.now.msix && seen.now.msix_masked && !seen.now.msi);
	/* Unmasked by a byte write of the control's high byte. */
	written(0x73, 1, 0x80);
	ck_assert_uint_eq(seen.calls, 4);
	ck_assert(seen.old.msix_masked && !seen.now.msix_masked && seen.now.msix);

	/* MSI, and the power states: D3hot, D1 refused (not supported), D0. */
	written(0x52, 2, 0x0001);
	ck_assert(seen.now.msi);
	written(0x44, 2, 0x0003);
	ck_assert_uint_eq(seen.now.power_state, 3);
	ck_assert_uint_eq(seen.calls, 6);
	written(0x44, 1, 0x01);
	ck_assert_uint_eq(seen.calls, 6);
	ck_assert_int_eq(pciem_config_state(dev, &s), 0);
	ck_assert_uint_eq(s.power_state, 3);

	/* A reset puts it all back: the plugin hears of it. */
	pd_dispatch_event(dev, &(struct pciem_event){ .type = PCIEM_EVENT_RESET,
						      .data = PCIEM_RESET_PM });
	ck_assert_uint_eq(seen.resets, 1);
	ck_assert_uint_eq(seen.calls, 7);
	ck_assert(seen.old.bus_master && !seen.now.bus_master && !seen.now.msix &&
		  !seen.now.msi && !seen.now.memory);
	ck_assert_uint_eq(seen.now.power_state, 0);
	/* Never read back: a driver resetting the function holds config space. */
	ck_assert_uint_eq(fake->config_reads, reads);
}
END_TEST

/* D1 and D2, when the device has them, are entered. */
START_TEST(supported_d_states)
{
	put16(0x42, 0x0600);			/* PMC: D1 and D2 support */
	build();
	ck_assert_uint_eq(dev->config.pmc, 0x0600);
	written(0x44, 2, 0x0001);
	ck_assert_uint_eq(seen.now.power_state, 1);
	written(0x44, 2, 0x0002);
	ck_assert_uint_eq(seen.now.power_state, 2);
}
END_TEST

/* A plugin without the hook: the state is still followed and queryable. */
START_TEST(without_hook)
{
	struct pciem_config_state s;

	test_plugin.config_changed = NULL;
	build();
	written(0x04, 2, 0x0004);
	test_plugin.config_changed = on_config;
	ck_assert_uint_eq(seen.calls, 0);
	ck_assert_int_eq(pciem_config_state(dev, &s), 0);
	ck_assert(s.bus_master);
}
END_TEST

/* No capabilities: only Command counts. */
START_TEST(no_capabilities)
{
	memset(fake->config, 0, sizeof(fake->config));
	build();
	ck_assert(dev->config.known);
	ck_assert_uint_eq(dev->config.pm + dev->config.msi + dev->config.msix, 0);
	written(0x70, 4, 0xffffffff);
	written(0x44, 4, 0xffffffff);
	ck_assert_uint_eq(seen.calls, 0);
}
END_TEST

/* A chain that loops, or points past the end: the walk stops. */
/* The device gone: a new fake kernel, with config space as config. */
static void again(const uint8_t *config)
{
	pd_device_free(dev);
	free(fake);
	fake = fake_new();
	memcpy(fake->config, config, sizeof(fake->config));
	build();
}

START_TEST(hostile_capability_list)
{
	uint8_t config[256];

	fake->config[0x71] = 0x40;		/* MSI-X -> PM -> MSI -> MSI-X ... */
	build();
	ck_assert(dev->config.known);
	ck_assert_uint_eq(dev->config.msix, 0x70);

	memset(config, 0, sizeof(config));
	config[0x06] = 0x10;
	config[0x34] = 0xfc;			/* no room for a capability there */
	again(config);
	ck_assert(dev->config.known);
	ck_assert_uint_eq(dev->config.pm + dev->config.msi + dev->config.msix, 0);

	config[0x34] = 0x3c;			/* below 0x40: the header */
	again(config);
	ck_assert_uint_eq(dev->config.pm + dev->config.msi + dev->config.msix, 0);

	config[0x34] = 0x42;			/* unaligned: the low bits are reserved */
	config[0x40] = 0x11;
	again(config);
	ck_assert_uint_eq(dev->config.msix, 0x40);
}
END_TEST

/* Config space unreadable: a warning, the build goes on, the state unknown. */
START_TEST(unreadable)
{
	struct pciem_config_state s;

	fake->config_errno = EACCES;
	build();
	ck_assert(!dev->config.known);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<4>cannot read the config space of 10000:00:00.0 (Permission denied): the plugin is not told of its state");
	ck_assert_int_eq(pciem_config_state(dev, &s), -ENODEV);
	written(0x04, 2, 0x0006);
	ck_assert_uint_eq(seen.calls, 0);
}
END_TEST

static Suite *config_state_suite(void)
{
	Suite *s = suite_create("config_state");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, found_and_followed);
	tcase_add_test(tc, supported_d_states);
	tcase_add_test(tc, without_hook);
	tcase_add_test(tc, no_capabilities);
	tcase_add_test(tc, hostile_capability_list);
	tcase_add_test(tc, unreadable);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(config_state_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
