// SPDX-License-Identifier: MIT
/*
 * The device builder against a fake kernel: the exact ioctl sequence and
 * payloads for a description, which registers become regions with which
 * semantics, reset values in BAR memory, plans the kernel could not
 * honour, and one clear line (and nothing leaked) for a failure at any
 * step.
 */
#include <check.h>
#include <stdlib.h>

#include "builder.h"
#include "test_builder_fake.h"

static struct fake_log logs;
static struct desc_device desc;
static struct desc_register regs[8];

static struct pciem_device *dev_for(size_t n_regs)
{
	struct pciem_device *dev;

	fake_log_init(&logs);
	fake_desc(&desc, regs, n_regs);
	dev = pd_device_new(&desc, &logs.log);
	ck_assert_ptr_nonnull(dev);
	return dev;
}

/* The counter device of the walkthrough, plus a watched register. */
static size_t counter_regs(void)
{
	regs[0] = fake_reg("CONTROL", 10, 0x0, 4, DESC_ACCESS_RW);
	regs[0].write = fake_handler("control_write", 10, 30);
	regs[1] = fake_reg("STATUS", 11, 0x4, 4, DESC_ACCESS_RW1C);
	regs[1].w1c_mask = 0x1;
	regs[2] = fake_reg("COUNTER", 12, 0x8, 4, DESC_ACCESS_RO);
	regs[2].reset = 0x19;
	regs[3] = fake_reg("SCRATCH", 13, 0xc, 4, DESC_ACCESS_RW);
	regs[3].reset = 0xabcd;
	regs[4] = fake_reg("ANSWER", 14, 0x10, 8, DESC_ACCESS_RW);
	regs[4].read = fake_handler("answer_read", 14, 20);
	regs[5] = fake_reg("KICK", 15, 0x18, 2, DESC_ACCESS_WO);
	regs[6] = fake_reg("WATCHED", 16, 0x1000, 4, DESC_ACCESS_RW);
	regs[6].write = fake_handler("watched_write", 16, 20);
	regs[6].watch = true;
	return 7;
}

static void full_desc(void)
{
	desc.bars[0].size = 8192;
	desc.bars[2] = (struct desc_bar){ .present = true, .size = 1 << 20,
					  .is_64bit = true, .prefetchable = true };
	desc.msi = (struct desc_msi){ .present = true, .vectors = 4, .is_64bit = true,
				      .masking = true };
	desc.msix = (struct desc_msix){ .present = true, .vectors = 8, .bar = 2,
					.table_offset = 0x0, .pba_offset = 0x800 };
	desc.pm = (struct desc_pm){ .present = true, .d1 = true, .pme_support = 0x9 };
	desc.pcie = (struct desc_pcie){ .present = true, .port_type = 0, .max_payload = 1,
					.link_speed = 3, .link_width = 4, .flr = true };
	desc.subsys_vendor_id = 0xaaaa;
	desc.subsys_device_id = 0xbbbb;
}

START_TEST(sequence_and_payloads)
{
	struct pciem_device *dev = dev_for(counter_regs());
	struct fake_backend *f = fake_new();
	static const unsigned long expected[] = {
		PCIEM_IOCTL_CREATE_DEVICE, PCIEM_IOCTL_ADD_BAR, PCIEM_IOCTL_ADD_BAR,
		PCIEM_IOCTL_ADD_CAPABILITY, PCIEM_IOCTL_ADD_CAPABILITY,
		PCIEM_IOCTL_ADD_CAPABILITY, PCIEM_IOCTL_ADD_CAPABILITY,
		PCIEM_IOCTL_SET_CONFIG, PCIEM_IOCTL_ADD_REGION, PCIEM_IOCTL_ADD_REGION,
		PCIEM_IOCTL_ADD_REGION, PCIEM_IOCTL_ADD_REGION, PCIEM_IOCTL_ADD_REGION,
		PCIEM_IOCTL_SET_WATCHPOINT, PCIEM_IOCTL_SET_EVENTFD, PCIEM_IOCTL_REGISTER,
		PCIEM_IOCTL_GET_DEVICE_INFO,
	};
	const struct fake_call *c = f->calls;

	full_desc();
	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_int_eq(pd_build(dev, &f->base), 0);
	ck_assert_uint_eq(f->n_calls, sizeof(expected) / sizeof(expected[0]));
	for (size_t i = 0; i < f->n_calls; i++)
		ck_assert_msg(c[i].request == expected[i], "call %zu is %s, expected %s", i,
			      pd_ioctl_name(c[i].request), pd_ioctl_name(expected[i]));

	ck_assert_uint_eq(c[0].arg.create.flags, PCIEM_CREATE_DEFER_ATTACH);
	ck_assert_uint_eq(c[0].arg.create.mode, PCIEM_MODE_VIRTUAL_ROOT_BUS);
	ck_assert_uint_eq(c[1].arg.bar.bar_index, 0);
	ck_assert_uint_eq(c[1].arg.bar.size, 8192);
	ck_assert_uint_eq(c[1].arg.bar.flags, PCI_BASE_ADDRESS_SPACE_MEMORY |
			  PCI_BASE_ADDRESS_MEM_TYPE_32);
	ck_assert_uint_eq(c[2].arg.bar.bar_index, 2);
	ck_assert_uint_eq(c[2].arg.bar.size, 1 << 20);
	ck_assert_uint_eq(c[2].arg.bar.flags, PCI_BASE_ADDRESS_SPACE_MEMORY |
			  PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH);

	/* PM, MSI, PCIe, MSI-X: the order most devices list them in. */
	ck_assert_uint_eq(c[3].arg.cap.cap_type, PCIEM_CAP_PM);
	ck_assert_uint_eq(c[3].arg.cap.cap_size, sizeof(struct pciem_cap_pm_userspace));
	struct pciem_cap_pm_userspace pm;
	memcpy(&pm, c[3].arg.cap.cap_data, sizeof(pm));
	ck_assert_uint_eq(pm.d1_support, 1);
	ck_assert_uint_eq(pm.d2_support, 0);
	ck_assert_uint_eq(pm.pme_support, 0x9);
	ck_assert_uint_eq(c[4].arg.cap.cap_type, PCIEM_CAP_MSI);
	struct pciem_cap_msi_userspace msi;
	memcpy(&msi, c[4].arg.cap.cap_data, sizeof(msi));
	ck_assert_uint_eq(msi.num_vectors_log2, 2);
	ck_assert_uint_eq(msi.has_64bit, 1);
	ck_assert_uint_eq(msi.has_masking, 1);
	ck_assert_uint_eq(c[5].arg.cap.cap_type, PCIEM_CAP_PCIE);
	struct pciem_cap_pcie_userspace pcie;
	memcpy(&pcie, c[5].arg.cap.cap_data, sizeof(pcie));
	ck_assert_uint_eq(pcie.max_payload, 1);
	ck_assert_uint_eq(pcie.link_speed, 3);
	ck_assert_uint_eq(pcie.link_width, 4);
	ck_assert_uint_eq(pcie.flr, 1);
	ck_assert_uint_eq(c[6].arg.cap.cap_type, PCIEM_CAP_MSIX);
	ck_assert_uint_eq(c[6].arg.cap.cap_size, sizeof(struct pciem_cap_msix_userspace));
	struct pciem_cap_msix_userspace msix;
	memcpy(&msix, c[6].arg.cap.cap_data, sizeof(msix));
	ck_assert_uint_eq(msix.bar_index, 2);
	ck_assert_uint_eq(msix.pba_offset, 0x800);
	ck_assert_uint_eq(msix.table_size, 8);

	ck_assert_uint_eq(c[7].arg.cfg.vendor_id, 0x1234);
	ck_assert_uint_eq(c[7].arg.cfg.device_id, 0x5678);
	ck_assert_uint_eq(c[7].arg.cfg.subsys_vendor_id, 0xaaaa);
	ck_assert_uint_eq(c[7].arg.cfg.subsys_device_id, 0xbbbb);
	ck_assert_uint_eq(c[7].arg.cfg.revision, 1);
	ck_assert_uint_eq(c[7].arg.cfg.class_code[0], 0x00);
	ck_assert_uint_eq(c[7].arg.cfg.class_code[1], 0x00);
	ck_assert_uint_eq(c[7].arg.cfg.class_code[2], 0xff);
	ck_assert_uint_eq(c[7].arg.cfg.header_type, 0);

	ck_assert_uint_eq(c[13].arg.wp.bar_index, 0);
	ck_assert_uint_eq(c[13].arg.wp.offset, 0x1000);
	ck_assert_uint_eq(c[13].arg.wp.width, 4);
	ck_assert_uint_eq(c[13].arg.wp.flags, PCIEM_WP_FLAG_BAR_KPROBES);
	ck_assert_int_eq(c[14].arg.efd.eventfd, dev->eventfd);
	ck_assert_int_ge(dev->eventfd, 0);
	ck_assert_str_eq(dev->address, "10000:00:00.0");
	ck_assert(dev->registered);
	ck_assert_uint_eq(logs.n, 0);

	pd_device_free(dev);
	ck_assert(f->destroyed);
	ck_assert_uint_eq(f->unmapped, 3);	/* ring, BAR 0, BAR 2 */
	free(f);
}
END_TEST

/* Which registers become regions, with what; the rest stay memory. */
START_TEST(regions)
{
	struct pciem_device *dev = dev_for(counter_regs());
	struct fake_backend *f = fake_new();
	const struct fake_call *r[8];

	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_int_eq(pd_build(dev, &f->base), 0);
	ck_assert_uint_eq(fake_calls_of(f, PCIEM_IOCTL_ADD_REGION, r, 8), 5);

	/* CONTROL: rw with a write handler: write events, all bits writable. */
	ck_assert_uint_eq(r[0]->arg.region.offset, 0x0);
	ck_assert_uint_eq(r[0]->arg.region.size, 4);
	ck_assert_uint_eq(r[0]->arg.region.width, 4);
	ck_assert_uint_eq(r[0]->arg.region.flags, PCIEM_REGION_WRITE_EVENTS);
	ck_assert_uint_eq(r[0]->arg.region.write_mask, 0xffffffff);
	ck_assert_uint_eq(r[0]->arg.region.w1c_mask, 0);
	ck_assert_uint_eq(r[0]->arg.region.mode, PCIEM_PAGE_DIRECT);
	/* STATUS: rw1c, no handler: semantics only. */
	ck_assert_uint_eq(r[1]->arg.region.offset, 0x4);
	ck_assert_uint_eq(r[1]->arg.region.flags, 0);
	ck_assert_uint_eq(r[1]->arg.region.write_mask, 0);
	ck_assert_uint_eq(r[1]->arg.region.w1c_mask, 0x1);
	/* COUNTER: read-only. */
	ck_assert_uint_eq(r[2]->arg.region.offset, 0x8);
	ck_assert_uint_eq(r[2]->arg.region.flags, 0);
	ck_assert_uint_eq(r[2]->arg.region.write_mask, 0);
	/* SCRATCH (plain rw) has no region.  ANSWER: a read handler. */
	ck_assert_uint_eq(r[3]->arg.region.offset, 0x10);
	ck_assert_uint_eq(r[3]->arg.region.width, 8);
	ck_assert_uint_eq(r[3]->arg.region.flags, PCIEM_REGION_SYNC_READ);
	ck_assert_uint_eq(r[3]->arg.region.write_mask, UINT64_MAX);
	/* KICK: write-only, answered by pciemd. */
	ck_assert_uint_eq(r[4]->arg.region.offset, 0x18);
	ck_assert_uint_eq(r[4]->arg.region.width, 2);
	ck_assert_uint_eq(r[4]->arg.region.flags, PCIEM_REGION_SYNC_READ);
	ck_assert_uint_eq(r[4]->arg.region.write_mask, 0xffff);
	/* WATCHED: a watchpoint, no region, no write events. */
	pd_device_free(dev);
	free(f);
}
END_TEST

START_TEST(reset_values_in_bar_memory)
{
	struct pciem_device *dev = dev_for(counter_regs());
	struct fake_backend *f = fake_new();
	uint8_t *bar;

	regs[5].reset = 0xbeef;
	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_int_eq(pd_build(dev, &f->base), 0);
	bar = f->bars[0];
	ck_assert_ptr_nonnull(bar);
	ck_assert_uint_eq(*(uint32_t *)(bar + 0x8), 0x19);
	ck_assert_uint_eq(*(uint32_t *)(bar + 0xc), 0xabcd);
	ck_assert_uint_eq(*(uint16_t *)(bar + 0x18), 0xbeef);
	ck_assert_uint_eq(*(uint32_t *)(bar + 0x0), 0);
	/* Not written past a register: the next bytes are untouched. */
	ck_assert_uint_eq(bar[0x1a], 0);
	/* And all of it before drivers may bind. */
	ck_assert_int_eq(pd_attach(dev), 0);
	ck_assert_mem_eq(f->bar0_at_attach, bar, sizeof(f->bar0_at_attach));
	pd_device_free(dev);
	free(f);
}
END_TEST

/*
 * More trapped registers in a BAR than the kernel takes regions for (a
 * large register array): refused before any ioctl, at the first one too
 * many.  Registers the kernel need not trap do not count.
 */
START_TEST(too_many_trapped_registers)
{
	struct desc_register *many = calloc(1100, sizeof(*many));
	struct pciem_device *dev;

	ck_assert_ptr_nonnull(many);
	for (unsigned int i = 0; i < 1100; i++) {
		/* Plain storage, then 1025 read-only (trapped) ones. */
		many[i] = fake_reg(i < 75 ? "PLAIN" : "RO", 10 + i, 4 * i, 4,
				   i < 75 ? DESC_ACCESS_RW : DESC_ACCESS_RO);
	}
	fake_log_init(&logs);
	fake_desc(&desc, many, 1100);
	desc.bars[0].size = 8192;
	dev = pd_device_new(&desc, &logs.log);
	ck_assert_int_eq(pd_plan(dev), -1);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:1109:5: error: register RO would be register number 1025 of BAR 0 that the kernel traps, and it traps at most 1024 per BAR: give fewer registers handlers or masks, or spread them over BARs");
	pd_device_free(dev);

	/* One fewer fits. */
	fake_desc(&desc, many, 1099);
	desc.bars[0].size = 8192;
	dev = pd_device_new(&desc, &logs.log);
	ck_assert_int_eq(pd_plan(dev), 0);
	pd_device_free(dev);
	free(many);
}
END_TEST

/* A watchpoint on a page the kernel traps would see nothing. */
START_TEST(watch_on_trapped_page)
{
	struct pciem_device *dev;

	fake_log_init(&logs);
	regs[0] = fake_reg("DOORBELL", 6, 0x0, 4, DESC_ACCESS_RW);
	regs[0].write = fake_handler("bell", 6, 40);
	regs[0].watch = true;
	regs[1] = fake_reg("STATUS", 7, 0x4, 4, DESC_ACCESS_RO);
	dev = dev_for(2);
	ck_assert_int_eq(pd_plan(dev), -1);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:6:5: error: register DOORBELL: watch: true cannot see writes on page 0x0 of BAR 0, which the kernel traps for register STATUS (its write mask, line 7): drop watch: true, or move one of them to another page");
	pd_device_free(dev);

	/* The same on another page is fine. */
	regs[1].offset = 0x1000;
	dev = dev_for(2);
	desc.bars[0].size = 8192;
	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_uint_eq(logs.n, 0);
	pd_device_free(dev);

	/* A register that straddles into the watched page counts too. */
	regs[0].offset = 0x1000;
	regs[1] = fake_reg("WIDE", 7, 0xff8, 8, DESC_ACCESS_RW);
	regs[1].read = fake_handler("wide_read", 7, 30);
	dev = dev_for(2);
	desc.bars[0].size = 8192;
	ck_assert_int_eq(pd_plan(dev), 0);
	regs[1].offset = 0x1008;
	ck_assert_int_eq(pd_plan(dev), -1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:6:5: error: register DOORBELL: watch: true cannot see writes on page 0x1000 of BAR 0, which the kernel traps for register WIDE (its read handler, line 7): drop watch: true, or move one of them to another page");
	pd_device_free(dev);
}
END_TEST

START_TEST(watch_with_own_semantics)
{
	struct pciem_device *dev;

	regs[0] = fake_reg("DOORBELL", 6, 0x0, 4, DESC_ACCESS_RW);
	regs[0].write = fake_handler("bell", 6, 40);
	regs[0].watch = true;
	regs[0].write_mask = 0xff;
	dev = dev_for(1);
	ck_assert_int_eq(pd_plan(dev), -1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:6:5: error: register DOORBELL: watch: true cannot be combined with its write mask (a watchpoint sees only untrapped writes): drop watch: true");
	pd_device_free(dev);
}
END_TEST

/* Each step of the build failing: one line, the device taken down. */
static const struct {
	unsigned long request;
	int nth;
	int err;
	const char *line;
} failures[] = {
	{ PCIEM_IOCTL_CREATE_DEVICE, 1, EPERM,
	  "<3>dev.yaml: error: CREATE_DEVICE: Operation not permitted (starting the device): pciemd needs CAP_SYS_ADMIN" },
	{ PCIEM_IOCTL_ADD_BAR, 2, EBUSY,
	  "<3>dev.yaml: error: ADD_BAR: Device or resource busy (BAR 2, 1048576 bytes, 64-bit, prefetchable)" },
	{ PCIEM_IOCTL_ADD_CAPABILITY, 4, EINVAL,
	  "<3>dev.yaml: error: ADD_CAPABILITY: Invalid argument (capability msix)" },
	{ PCIEM_IOCTL_SET_CONFIG, 1, EINVAL,
	  "<3>dev.yaml: error: SET_CONFIG: Invalid argument (identity 1234:5678, class ff0000)" },
	{ PCIEM_IOCTL_ADD_REGION, 2, EBUSY,
	  "<3>dev.yaml:11:5: error: ADD_REGION: Device or resource busy (register STATUS, BAR 0 offset 0x4): it overlaps another region" },
	{ PCIEM_IOCTL_SET_WATCHPOINT, 1, ENOSPC,
	  "<3>dev.yaml:16:5: error: SET_WATCHPOINT: No space left on device (watch: true of register WATCHED): no free hardware debug register (x86 has four, shared with debuggers and other devices)" },
	{ PCIEM_IOCTL_SET_EVENTFD, 1, EINVAL,
	  "<3>dev.yaml: error: SET_EVENTFD: Invalid argument (the event notification)" },
	{ PCIEM_IOCTL_REGISTER, 1, ENOSPC,
	  "<3>dev.yaml: error: REGISTER: No space left on device (putting the device on the bus): no free bus address range for a BAR (a 32-bit BAR needs room below 4 GiB) or no free PCI domain" },
	{ PCIEM_IOCTL_GET_DEVICE_INFO, 1, EBADFD,
	  "<3>dev.yaml: error: GET_DEVICE_INFO: File descriptor in bad state (asking where the device is)" },
};

START_TEST(failure_at_each_step)
{
	struct pciem_device *dev = dev_for(counter_regs());
	struct fake_backend *f = fake_new();

	full_desc();
	desc.bars[2].pos = (struct desc_pos){ 0, 0 };
	f->fail_request = failures[_i].request;
	f->fail_nth = failures[_i].nth;
	f->fail_errno = failures[_i].err;
	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_int_eq(pd_build(dev, &f->base), -1);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0], failures[_i].line);
	/* Nothing after the failed call. */
	ck_assert_uint_eq(f->calls[f->n_calls - 1].request, failures[_i].request);
	pd_device_free(dev);
	ck_assert(f->destroyed);
	ck_assert_ptr_null(f->ring);
	ck_assert_ptr_null(f->bars[0]);
	free(f);
}
END_TEST

START_TEST(bar_mapping_fails)
{
	struct pciem_device *dev = dev_for(counter_regs());
	struct fake_backend *f = fake_new();

	f->fail_map_bar = 1;
	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_int_eq(pd_build(dev, &f->base), -1);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0], "<3>dev.yaml:4:5: error: mmap of BAR 0: Invalid argument");
	pd_device_free(dev);
	ck_assert(f->destroyed);
	ck_assert_ptr_null(f->ring);
	free(f);
}
END_TEST

/* Nothing on the kernel side without registers or capabilities to add. */
START_TEST(minimal_device)
{
	struct pciem_device *dev = dev_for(0);
	struct fake_backend *f = fake_new();
	static const unsigned long expected[] = {
		PCIEM_IOCTL_CREATE_DEVICE, PCIEM_IOCTL_ADD_BAR, PCIEM_IOCTL_SET_CONFIG,
		PCIEM_IOCTL_SET_EVENTFD, PCIEM_IOCTL_REGISTER, PCIEM_IOCTL_GET_DEVICE_INFO,
		PCIEM_IOCTL_ATTACH,
	};

	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_int_eq(pd_build(dev, &f->base), 0);
	ck_assert_uint_eq(f->n_calls, 6);
	ck_assert_int_eq(pd_attach(dev), 0);
	ck_assert_uint_eq(f->n_calls, 7);
	for (size_t i = 0; i < 7; i++)
		ck_assert_uint_eq(f->calls[i].request, expected[i]);
	pd_device_free(dev);
	free(f);
}
END_TEST

/* ATTACH refused: one line; the device is taken down with the rest. */
START_TEST(attach_fails)
{
	struct pciem_device *dev = dev_for(counter_regs());
	struct fake_backend *f = fake_new();

	f->fail_request = PCIEM_IOCTL_ATTACH;
	f->fail_nth = 1;
	f->fail_errno = EBUSY;
	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_int_eq(pd_build(dev, &f->base), 0);
	ck_assert_int_eq(pd_attach(dev), -1);
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml: error: ATTACH: Device or resource busy (letting drivers bind)");
	pd_device_free(dev);
	ck_assert(f->destroyed);
	free(f);
}
END_TEST

static Suite *builder_suite(void)
{
	Suite *s = suite_create("builder");
	TCase *tc = tcase_create("build");

	tcase_add_test(tc, sequence_and_payloads);
	tcase_add_test(tc, regions);
	tcase_add_test(tc, reset_values_in_bar_memory);
	tcase_add_test(tc, minimal_device);
	tcase_add_test(tc, attach_fails);
	tcase_add_test(tc, too_many_trapped_registers);
	tcase_add_test(tc, bar_mapping_fails);
	tcase_add_loop_test(tc, failure_at_each_step, 0,
			    (int)(sizeof(failures) / sizeof(failures[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("plan");
	tcase_add_test(tc, watch_on_trapped_page);
	tcase_add_test(tc, watch_with_own_semantics);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(builder_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
