// SPDX-License-Identifier: MIT
/*
 * Device descriptions that load: every value derived as desc.h says
 * (defaults, encodings, effective masks, sorting), the number and size
 * forms, the helpers, and the YAML examples of docs/device-yaml.md.
 * Invalid descriptions are test_desc_errors.c's.
 */
#include <check.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "desc.h"
#include "desc_keys.h"
#include "desc_number.h"

#define DOC_PATH DESC_SRCDIR "/docs/device-yaml.md"
#define ID "identity: { vendor: 0x1234, device: 0x5678, class: 0xff0000 }\n"
#define BAR0 "bars:\n  - { index: 0, size: 4K }\n"

/* Load text that must be valid; the error, if any, is the failure message. */
static struct desc_device *load_as(const char *path, const char *text)
{
	struct desc_error err;
	struct desc_device *dev = desc_load_text(path, text, strlen(text), &err);
	char buf[1024];

	ck_assert_msg(dev, "%s", desc_error_format(&err, buf, sizeof(buf)));
	return dev;
}

static struct desc_device *load(const char *text)
{
	return load_as("test.yaml", text);
}

/* The formatted error of text that must be refused. */
static const char *refuse(const char *text, char *buf, size_t size)
{
	struct desc_error err;
	struct desc_device *dev = desc_load_text("t.yaml", text, strlen(text), &err);

	if (dev)
		desc_free(dev);
	ck_assert_msg(!dev, "loaded: %s", text);
	return desc_error_format(&err, buf, size);
}

START_TEST(test_identity_and_defaults)
{
	struct desc_device *dev = load_as("/etc/pciem.d/my-dev.yaml", ID);

	ck_assert_str_eq(dev->file, "/etc/pciem.d/my-dev.yaml");
	ck_assert_str_eq(dev->name, "my-dev");
	ck_assert_uint_eq(dev->vendor_id, 0x1234);
	ck_assert_uint_eq(dev->device_id, 0x5678);
	ck_assert_uint_eq(dev->subsys_vendor_id, 0x1234);
	ck_assert_uint_eq(dev->subsys_device_id, 0x5678);
	ck_assert_uint_eq(dev->revision, 0);
	ck_assert_uint_eq(dev->class_code, 0xff0000);
	for (int i = 0; i < 6; i++)
		ck_assert(!dev->bars[i].present);
	ck_assert(!dev->msi.present && !dev->msix.present);
	ck_assert(!dev->pm.present && !dev->pcie.present);
	ck_assert_uint_eq(dev->n_registers, 0);
	ck_assert_uint_eq(dev->n_interrupts, 0);
	ck_assert_uint_eq(dev->n_params, 0);
	ck_assert_ptr_null(dev->plugin);
	desc_free(dev);
}
END_TEST

START_TEST(test_name_from_file)
{
	static const struct {
		const char *path, *name;
	} cases[] = {
		{ "counter.yaml", "counter" },
		{ "dir/nvme.yml", "nvme" },
		{ "plain", "plain" },
		{ "a/b/.yaml", ".yaml" },
	};
	struct desc_device *dev;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dev = load_as(cases[i].path, ID);
		ck_assert_str_eq(dev->name, cases[i].name);
		desc_free(dev);
	}
	dev = load_as("counter.yaml", "name: counter-2.test_x\n" ID);
	ck_assert_str_eq(dev->name, "counter-2.test_x");
	desc_free(dev);
}
END_TEST

START_TEST(test_identity_explicit)
{
	struct desc_device *dev = load(
		"identity:\n"
		"  vendor: 0x1AF4\n"
		"  device: 4_096\n"
		"  subsystem_vendor: 0\n"
		"  subsystem_device: 0b1010\n"
		"  revision: \"255\"\n"
		"  class: 0x01_08_02\n");

	ck_assert_uint_eq(dev->vendor_id, 0x1af4);
	ck_assert_uint_eq(dev->device_id, 4096);
	ck_assert_uint_eq(dev->subsys_vendor_id, 0);
	ck_assert_uint_eq(dev->subsys_device_id, 10);
	ck_assert_uint_eq(dev->revision, 255);
	ck_assert_uint_eq(dev->class_code, 0x010802);
	desc_free(dev);
}
END_TEST

START_TEST(test_bars)
{
	struct desc_device *dev = load(ID
		"bars:\n"
		"  - { index: 4, size: 0x1000 }\n"
		"  - index: 0\n"
		"    size: 512M\n"
		"    type: 64\n"
		"    prefetchable: TRUE\n"
		"  - { index: 2, size: 16KiB, type: 32, prefetchable: False }\n"
		"  - { index: 3, size: 1MiB }\n");

	ck_assert(dev->bars[0].present && dev->bars[0].is_64bit && dev->bars[0].prefetchable);
	ck_assert_uint_eq(dev->bars[0].size, 512ULL << 20);
	ck_assert_uint_eq(dev->bars[0].pos.line, 4);
	ck_assert_uint_eq(dev->bars[0].pos.column, 5);
	ck_assert(!dev->bars[1].present);
	ck_assert(dev->bars[2].present && !dev->bars[2].is_64bit && !dev->bars[2].prefetchable);
	ck_assert_uint_eq(dev->bars[2].size, 16384);
	ck_assert_uint_eq(dev->bars[3].size, 1 << 20);
	ck_assert_uint_eq(dev->bars[4].size, 4096);
	ck_assert(!dev->bars[5].present);
	desc_free(dev);
}
END_TEST

START_TEST(test_capabilities_values)
{
	struct desc_device *dev = load(ID
		"bars:\n  - { index: 0, size: 64K }\n"
		"capabilities:\n"
		"  msi: {}\n"
		"  msix: { vectors: 2048, table: 0x0, pba: 0x8000 }\n"
		"  pm: { d1: true, d2: true, pme: [d3cold, d1, d0], no_soft_reset: true }\n"
		"  pcie: { type: legacy-endpoint, max_payload: 4096, link_speed: 32GT, link_width: 12, flr: true }\n");

	ck_assert(dev->msi.present && dev->msi.is_64bit && !dev->msi.masking);
	ck_assert_uint_eq(dev->msi.vectors, 1);
	ck_assert_uint_eq(dev->msi.pos.line, 5);
	ck_assert_uint_eq(dev->msi.pos.column, 8);
	ck_assert_uint_eq(dev->msix.vectors, 2048);
	ck_assert_uint_eq(dev->msix.bar, 0);
	ck_assert_uint_eq(dev->msix.pba_offset, 0x8000);
	ck_assert(dev->pm.present && dev->pm.d1 && dev->pm.d2 && dev->pm.no_soft_reset);
	ck_assert_uint_eq(dev->pm.pme_support, 0x13);
	ck_assert(dev->pcie.present && dev->pcie.flr);
	ck_assert_uint_eq(dev->pcie.port_type, PCI_EXP_TYPE_LEG_END);
	ck_assert_uint_eq(dev->pcie.max_payload, 5);
	ck_assert_uint_eq(dev->pcie.link_speed, 5);
	ck_assert_uint_eq(dev->pcie.link_width, 12);
	desc_free(dev);
}
END_TEST

START_TEST(test_capability_defaults)
{
	struct desc_device *dev = load(ID
		"capabilities:\n  pm: {}\n  pcie: {}\n");

	ck_assert(!dev->msi.present && !dev->msix.present);
	ck_assert(dev->pm.present && !dev->pm.d1 && !dev->pm.d2 && !dev->pm.no_soft_reset);
	ck_assert_uint_eq(dev->pm.pme_support, 0);
	ck_assert_uint_eq(dev->pcie.port_type, PCI_EXP_TYPE_ENDPOINT);
	ck_assert_uint_eq(dev->pcie.max_payload, 0);
	ck_assert_uint_eq(dev->pcie.link_speed, 1);
	ck_assert_uint_eq(dev->pcie.link_width, 1);
	ck_assert(!dev->pcie.flr);
	desc_free(dev);

	dev = load(ID "capabilities:\n  pcie: { type: rc-endpoint, max_payload: 512 }\n");
	ck_assert_uint_eq(dev->pcie.port_type, PCI_EXP_TYPE_RC_END);
	ck_assert_uint_eq(dev->pcie.max_payload, 2);
	desc_free(dev);
}
END_TEST

START_TEST(test_msix_fits_exactly)
{
	/* 4 vectors: the table is 64 bytes, the PBA one 8-byte word. */
	struct desc_device *dev = load(ID BAR0
		"capabilities:\n  msix: { vectors: 4, table: 0xfc0, pba: 0xfb8 }\n"
		"registers:\n  - { name: LAST, offset: 0xfb4 }\n");

	ck_assert_uint_eq(dev->msix.table_offset, 0xfc0);
	ck_assert_uint_eq(dev->msix.pba_offset, 0xfb8);
	desc_free(dev);
}
END_TEST

START_TEST(test_interrupts)
{
	struct desc_device *dev = load(ID BAR0
		"capabilities:\n"
		"  msi: { vectors: 2 }\n"
		"  msix: { vectors: 8, table: 0x0, pba: 0x80 }\n"
		"interrupts:\n"
		"  - { name: done, vector: 0 }\n"
		"  - name: error\n"
		"    vector: 7\n"
		"  - { name: also_done, vector: 0 }\n");

	ck_assert_uint_eq(dev->n_interrupts, 3);
	ck_assert_str_eq(dev->interrupts[0].name, "done");
	ck_assert_uint_eq(dev->interrupts[0].vector, 0);
	ck_assert_uint_eq(dev->interrupts[0].pos.line, 8);
	ck_assert_str_eq(dev->interrupts[1].name, "error");
	ck_assert_uint_eq(dev->interrupts[1].vector, 7);
	ck_assert_str_eq(dev->interrupts[2].name, "also_done");
	desc_free(dev);

	/* No MSI or MSI-X: INTx, vector 0 only. */
	dev = load(ID "interrupts:\n  - { name: irq, vector: 0 }\n");
	ck_assert_uint_eq(dev->interrupts[0].vector, 0);
	desc_free(dev);
}
END_TEST

START_TEST(test_registers_sorted)
{
	struct desc_device *dev = load(ID
		"bars:\n  - { index: 0, size: 4K }\n  - { index: 1, size: 4K }\n"
		"registers:\n"
		"  - { name: C, bar: 1, offset: 0x0 }\n"
		"  - { name: B, offset: 0x8, width: 8 }\n"
		"  - { name: A, offset: 0x4 }\n"
		"  - { name: D, offset: 0x0, width: 1 }\n");
	static const char *const order[] = { "D", "A", "B", "C" };

	ck_assert_uint_eq(dev->n_registers, 4);
	for (size_t i = 0; i < 4; i++)
		ck_assert_str_eq(dev->registers[i].name, order[i]);
	ck_assert_uint_eq(dev->registers[3].bar, 1);
	ck_assert_uint_eq(dev->registers[2].pos.line, 7);
	ck_assert_ptr_eq(desc_find_register(dev, "B"), &dev->registers[2]);
	ck_assert_ptr_eq(desc_find_register(dev, "C"), &dev->registers[3]);
	ck_assert_ptr_null(desc_find_register(dev, "E"));
	ck_assert_ptr_null(desc_find_register(dev, "a"));
	desc_free(dev);
}
END_TEST

/* count and stride: an array of registers alike, named NAME[i]. */
START_TEST(test_register_array)
{
	struct desc_device *dev = load(ID
		"bars:\n  - { index: 0, size: 4K }\n  - { index: 2, size: 16K, type: 64 }\n"
		"registers:\n"
		"  - { name: TAIL, bar: 2, offset: 0x1000, count: 64, stride: 8, access: wo, write: on_tail }\n"
		"  - { name: HEAD, offset: 0x0, width: 2, count: 3, reset: 0x11, read: on_head }\n"
		"  - { name: LONE, offset: 0x10 }\n"
		"  - { name: ONE, offset: 0x20, count: 1 }\n"
		"plugin: queues\n");
	const struct desc_register *r;

	ck_assert_uint_eq(dev->n_registers, 64 + 3 + 1 + 1);
	/* Sorted: HEAD[0..2] (BAR 0, 0x0..0x4), LONE, ONE[0], then TAIL[0..63] in BAR 2. */
	for (unsigned int i = 0; i < 3; i++) {
		r = &dev->registers[i];
		ck_assert_uint_eq(r->offset, 2 * i);
		ck_assert_uint_eq(r->width, 2);
		ck_assert_uint_eq(r->reset, 0x11);
		ck_assert_uint_eq(r->array_index, i);
		ck_assert_uint_eq(r->array_count, 3);
		ck_assert_str_eq(r->read.name, "on_head");
		ck_assert_uint_eq(r->pos.line, 7);
	}
	ck_assert_str_eq(dev->registers[2].name, "HEAD[2]");
	r = desc_find_register(dev, "LONE");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->array_count, 0);
	r = desc_find_register(dev, "ONE[0]");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->array_count, 1);
	ck_assert_ptr_null(desc_find_register(dev, "ONE"));
	for (unsigned int i = 0; i < 64; i++) {
		char name[16];

		snprintf(name, sizeof(name), "TAIL[%u]", i);
		r = desc_find_register(dev, name);
		ck_assert_ptr_nonnull(r);
		ck_assert_uint_eq(r->bar, 2);
		ck_assert_uint_eq(r->offset, 0x1000 + 8 * i);
		ck_assert_uint_eq(r->access, DESC_ACCESS_WO);
		ck_assert_str_eq(r->write.name, "on_tail");
		ck_assert_uint_eq(r->array_index, i);
	}
	ck_assert_ptr_null(desc_find_register(dev, "TAIL[64]"));
	ck_assert_ptr_null(desc_find_register(dev, "TAIL"));
	desc_free(dev);
}
END_TEST

/* The largest array, whole: 1024 one-byte registers filling a 1K window. */
START_TEST(test_register_array_largest)
{
	struct desc_device *dev = load(ID BAR0
		"registers:\n  - { name: B, offset: 0xc00, width: 1, count: 1024 }\n");

	ck_assert_uint_eq(dev->n_registers, 1024);
	ck_assert_uint_eq(dev->registers[1023].offset, 0xfff);
	ck_assert_str_eq(dev->registers[1023].name, "B[1023]");
	desc_free(dev);
}
END_TEST

/* Effective masks for each access and explicit mask, per desc.h. */
START_TEST(test_register_masks)
{
	static const struct {
		const char *fields;
		enum desc_access access;
		uint64_t write_mask, w1c_mask;
	} cases[] = {
		{ "", DESC_ACCESS_RW, 0xffffffff, 0 },
		{ "width: 8", DESC_ACCESS_RW, UINT64_MAX, 0 },
		{ "width: 1", DESC_ACCESS_RW, 0xff, 0 },
		{ "access: ro", DESC_ACCESS_RO, 0, 0 },
		{ "access: ro, write_mask: 0, w1c_mask: 0", DESC_ACCESS_RO, 0, 0 },
		{ "access: wo, width: 2", DESC_ACCESS_WO, 0xffff, 0 },
		{ "access: rw1c", DESC_ACCESS_RW1C, 0, 0xffffffff },
		{ "access: rw1c, width: 8", DESC_ACCESS_RW1C, 0, UINT64_MAX },
		{ "access: rw1c, write_mask: 0xff00", DESC_ACCESS_RW1C, 0xff00, 0xffff00ff },
		{ "access: rw1c, w1c_mask: 0x3", DESC_ACCESS_RW1C, 0, 0x3 },
		{ "write_mask: 0x0f", DESC_ACCESS_RW, 0x0f, 0 },
		{ "w1c_mask: 0x80000000", DESC_ACCESS_RW, 0x7fffffff, 0x80000000 },
		{ "write_mask: 0xff, w1c_mask: 0x100", DESC_ACCESS_RW, 0xff, 0x100 },
		{ "access: wo, w1c_mask: 1", DESC_ACCESS_WO, 0xfffffffe, 1 },
	};
	char text[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct desc_device *dev;
		const struct desc_register *r;

		snprintf(text, sizeof(text), ID BAR0
			 "registers:\n  - { name: R, offset: 0, %s }\n", cases[i].fields);
		dev = load(text);
		r = desc_find_register(dev, "R");
		ck_assert_ptr_nonnull(r);
		ck_assert_msg(r->access == cases[i].access, "%s", cases[i].fields);
		ck_assert_msg(r->write_mask == cases[i].write_mask,
			      "%s: write_mask 0x%llx", cases[i].fields,
			      (unsigned long long)r->write_mask);
		ck_assert_msg(r->w1c_mask == cases[i].w1c_mask,
			      "%s: w1c_mask 0x%llx", cases[i].fields,
			      (unsigned long long)r->w1c_mask);
		desc_free(dev);
	}
}
END_TEST

START_TEST(test_register_fields)
{
	struct desc_device *dev = load(ID
		"bars:\n  - { index: 2, size: 8K, type: 64 }\n"
		"plugin: ./build/x.so\n"
		"registers:\n"
		"  - name: DOORBELL\n"
		"    bar: 2\n"
		"    offset: 0x1ff8\n"
		"    width: 8\n"
		"    reset: 0xffffffffffffffff\n"
		"    write: on_bell\n"
		"    watch: true\n"
		"  - { name: STATUS, bar: 2, offset: 0, read: on_status, write: on_status, watch: false }\n");
	const struct desc_register *r = desc_find_register(dev, "DOORBELL");

	ck_assert_str_eq(dev->plugin, "./build/x.so");
	ck_assert_uint_eq(dev->plugin_pos.line, 4);
	ck_assert_uint_eq(dev->plugin_pos.column, 9);
	ck_assert_uint_eq(r->bar, 2);
	ck_assert_uint_eq(r->offset, 0x1ff8);
	ck_assert_uint_eq(r->width, 8);
	ck_assert_uint_eq(r->reset, UINT64_MAX);
	ck_assert(r->watch);
	ck_assert_ptr_null(r->read.name);
	ck_assert_str_eq(r->write.name, "on_bell");
	ck_assert_uint_eq(r->write.pos.line, 11);
	ck_assert_uint_eq(r->write.pos.column, 12);
	ck_assert_uint_eq(r->pos.line, 6);
	ck_assert_uint_eq(r->pos.column, 5);
	r = desc_find_register(dev, "STATUS");
	ck_assert(!r->watch);
	ck_assert_str_eq(r->read.name, "on_status");
	ck_assert_str_eq(r->write.name, "on_status");
	ck_assert_uint_eq(r->read.pos.line, 13);
	desc_free(dev);
}
END_TEST

START_TEST(test_four_watched)
{
	struct desc_device *dev = load(ID BAR0 "plugin: p\nregisters:\n"
		"  - { name: A, offset: 0, write: w, watch: true }\n"
		"  - { name: B, offset: 4, write: w, watch: true }\n"
		"  - { name: C, offset: 8, write: w, watch: true }\n"
		"  - { name: D, offset: 12, write: w, watch: true }\n"
		"  - { name: E, offset: 16, write: w, watch: false }\n");

	ck_assert_uint_eq(dev->n_registers, 5);
	desc_free(dev);
}
END_TEST

START_TEST(test_params)
{
	struct desc_device *dev = load(ID
		"plugin: counter\n"
		"params:\n"
		"  threshold: 10\n"
		"  label: \"a: b\"\n"
		"  empty:\n"
		"  flag: yes\n");

	ck_assert_uint_eq(dev->n_params, 4);
	ck_assert_str_eq(dev->params[0].key, "threshold");
	ck_assert_str_eq(dev->params[0].value, "10");
	ck_assert_uint_eq(dev->params[0].pos.line, 4);
	ck_assert_uint_eq(dev->params[0].pos.column, 3);
	ck_assert_str_eq(dev->params[1].value, "a: b");
	ck_assert_str_eq(dev->params[2].key, "empty");
	ck_assert_str_eq(dev->params[2].value, "");
	/* Free-form: the plugin decides what "yes" means. */
	ck_assert_str_eq(dev->params[3].value, "yes");
	desc_free(dev);
}
END_TEST

/* Empty sections mean none; the top level's order does not matter. */
START_TEST(test_empty_sections)
{
	struct desc_device *dev = load(
		"registers:\nbars:\ncapabilities: ~\ninterrupts: []\nparams: {}\n" ID);

	ck_assert_uint_eq(dev->n_registers, 0);
	ck_assert_uint_eq(dev->vendor_id, 0x1234);
	desc_free(dev);
}
END_TEST

START_TEST(test_many_registers)
{
	size_t n = 1024, cap = 64 + n * 48, used;
	char *text = malloc(cap);
	struct desc_device *dev;

	ck_assert_ptr_nonnull(text);
	used = (size_t)snprintf(text, cap, ID "bars:\n  - { index: 0, size: 4K }\nregisters:\n");
	/* Written from the end of the BAR down, so sorting has work to do. */
	for (size_t i = 0; i < n; i++)
		used += (size_t)snprintf(text + used, cap - used,
					 "  - { name: R%zu, offset: %zu }\n", i, 4 * (n - 1 - i));
	dev = load(text);
	ck_assert_uint_eq(dev->n_registers, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(dev->registers[i].offset, 4 * i);
	ck_assert_str_eq(dev->registers[0].name, "R1023");
	desc_free(dev);
	free(text);
}
END_TEST

/* len, not a NUL, ends the text. */
START_TEST(test_text_length)
{
	const char text[] = ID "garbage: [";
	struct desc_error err;
	struct desc_device *dev = desc_load_text("t.yaml", text, strlen(ID), &err);
	char buf[512];

	ck_assert_ptr_nonnull(dev);
	desc_free(dev);
	dev = desc_load_text("t.yaml", text, 0, &err);
	ck_assert_ptr_null(dev);
	ck_assert_str_eq(desc_error_format(&err, buf, sizeof(buf)),
			 "t.yaml:1:1: error: empty description; expected a mapping with at least identity: { vendor, device, class }");
}
END_TEST

START_TEST(test_load_files)
{
	char path[] = "/tmp/desc-test-XXXXXX", buf[1024];
	struct desc_device *dev;
	struct desc_error err;
	int fd = mkstemp(path);
	FILE *f;

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	ck_assert_ptr_nonnull(f);
	fputs(ID, f);
	fclose(f);
	dev = desc_load(path, &err);
	ck_assert_ptr_nonnull(dev);
	ck_assert_str_eq(dev->file, path);
	desc_free(dev);

	/* Past 1 MiB a file is not a description, whatever it holds. */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 1024; i++)
		fprintf(f, "#%1022s\n", "");
	fputs(ID, f);
	fclose(f);
	ck_assert_ptr_null(desc_load(path, &err));
	ck_assert_uint_eq(err.pos.line, 0);
	ck_assert_str_eq(err.message,
			 "the description is larger than 1048576 bytes; expected a YAML device description (a few kilobytes)");
	unlink(path);

	ck_assert_ptr_null(desc_load("/nonexistent/x.yaml", &err));
	ck_assert_uint_eq(err.pos.line, 0);
	ck_assert_str_eq(desc_error_format(&err, buf, sizeof(buf)),
			 "/nonexistent/x.yaml: error: cannot open the description: No such file or directory; expected a readable YAML file");
	ck_assert_ptr_null(desc_load("/tmp", &err));
	ck_assert_str_eq(desc_error_format(&err, buf, sizeof(buf)),
			 "/tmp: error: cannot read the description: Is a directory; expected a readable YAML file");
}
END_TEST

START_TEST(test_error_format)
{
	struct desc_error err = { .file = "f.yaml", .pos = { 3, 7 }, .message = "bad" };
	char buf[64], small[8];

	ck_assert_str_eq(desc_error_format(&err, buf, sizeof(buf)), "f.yaml:3:7: error: bad");
	ck_assert_str_eq(desc_error_format(&err, small, sizeof(small)), "f.yaml:");
	err.pos.line = 0;
	ck_assert_str_eq(desc_error_format(&err, buf, sizeof(buf)), "f.yaml: error: bad");
}
END_TEST

/* Long user text is cut in messages, which still end with what is expected. */
START_TEST(test_long_values_in_messages)
{
	char text[1024], buf[1024];
	char name[201];

	memset(name, 'x', 200);
	name[200] = '\0';
	snprintf(text, sizeof(text), ID "%s: 1\n", name);
	ck_assert_str_eq(refuse(text, buf, sizeof(buf)),
			 "t.yaml:2:1: error: unknown key 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx' at the top level; expected one of name, identity, bars, capabilities, interrupts, registers, plugin, params");
}
END_TEST

START_TEST(test_numbers)
{
	static const struct {
		const char *text;
		enum num_status st;
		uint64_t value;
	} cases[] = {
		{ "0", NUM_OK, 0 },
		{ "42", NUM_OK, 42 },
		{ "0x0", NUM_OK, 0 },
		{ "0XfF", NUM_OK, 255 },
		{ "0b101", NUM_OK, 5 },
		{ "0B1", NUM_OK, 1 },
		{ "1_000", NUM_OK, 1000 },
		{ "0xffff_ffff_ffff_ffff", NUM_OK, UINT64_MAX },
		{ "18446744073709551615", NUM_OK, UINT64_MAX },
		{ "18446744073709551616", NUM_OVERFLOW, 0 },
		{ "0x1_0000_0000_0000_0000", NUM_OVERFLOW, 0 },
		{ "", NUM_EMPTY, 0 },
		{ "-1", NUM_NEGATIVE, 0 },
		{ "+1", NUM_NOT_A_NUMBER, 0 },
		{ "12abc", NUM_NOT_A_NUMBER, 0 },
		{ "0x", NUM_NOT_A_NUMBER, 0 },
		{ "0b2", NUM_NOT_A_NUMBER, 0 },
		{ "0x1g", NUM_NOT_A_NUMBER, 0 },
		{ "1.0", NUM_NOT_A_NUMBER, 0 },
		{ " 1", NUM_NOT_A_NUMBER, 0 },
		{ "010", NUM_LEADING_ZERO, 0 },
		{ "_1", NUM_UNDERSCORE, 0 },
		{ "1_", NUM_UNDERSCORE, 0 },
		{ "1__0", NUM_UNDERSCORE, 0 },
		{ "0x_1", NUM_UNDERSCORE, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0;
		enum num_status st = num_parse(cases[i].text, &v);

		ck_assert_msg(st == cases[i].st, "'%s': status %d", cases[i].text, st);
		if (st == NUM_OK)
			ck_assert_msg(v == cases[i].value, "'%s'", cases[i].text);
	}
}
END_TEST

START_TEST(test_sizes)
{
	static const struct {
		const char *text;
		enum num_status st;
		uint64_t value;
	} cases[] = {
		{ "4096", NUM_OK, 4096 },
		{ "0x1000", NUM_OK, 4096 },
		{ "0b1000000000000", NUM_OK, 4096 },
		{ "4K", NUM_OK, 4096 },
		{ "4KiB", NUM_OK, 4096 },
		{ "16M", NUM_OK, 16 << 20 },
		{ "16MiB", NUM_OK, 16 << 20 },
		{ "1G", NUM_OK, 1ULL << 30 },
		{ "2GiB", NUM_OK, 2ULL << 30 },
		{ "1_024K", NUM_OK, 1ULL << 20 },
		{ "4KB", NUM_BAD_UNIT, 0 },
		{ "4k", NUM_BAD_UNIT, 0 },
		{ "4 K", NUM_BAD_UNIT, 0 },
		{ "4.5M", NUM_BAD_UNIT, 0 },
		{ "K", NUM_NOT_A_NUMBER, 0 },
		{ "-4K", NUM_NEGATIVE, 0 },
		{ "04K", NUM_LEADING_ZERO, 0 },
		{ "0x10K", NUM_NOT_A_NUMBER, 0 },
		{ "17179869184G", NUM_OVERFLOW, 0 },
		{ "", NUM_EMPTY, 0 },
	};
	char buf[24];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0;
		enum num_status st = num_parse_size(cases[i].text, &v);

		ck_assert_msg(st == cases[i].st, "'%s': status %d", cases[i].text, st);
		if (st == NUM_OK)
			ck_assert_msg(v == cases[i].value, "'%s'", cases[i].text);
	}
	num_format_size(4096, buf, sizeof(buf));
	ck_assert_str_eq(buf, "4K");
	num_format_size(512ULL << 20, buf, sizeof(buf));
	ck_assert_str_eq(buf, "512M");
	num_format_size(3ULL << 30, buf, sizeof(buf));
	ck_assert_str_eq(buf, "3G");
	num_format_size(1000, buf, sizeof(buf));
	ck_assert_str_eq(buf, "1000");
}
END_TEST

START_TEST(test_nearest_key)
{
	static const char *const keys[] = { "name", "bar", "offset", "width", "w1c_mask", "write_mask" };
	const size_t n = sizeof(keys) / sizeof(keys[0]);

	ck_assert_str_eq(desc_keys_nearest("widht", keys, n), "width");
	ck_assert_str_eq(desc_keys_nearest("WIDTH", keys, n), "width");
	ck_assert_str_eq(desc_keys_nearest("ofset", keys, n), "offset");
	ck_assert_str_eq(desc_keys_nearest("bars", keys, n), "bar");
	ck_assert_str_eq(desc_keys_nearest("writemask", keys, n), "write_mask");
	ck_assert_str_eq(desc_keys_nearest("w1c_msk", keys, n), "w1c_mask");
	ck_assert_ptr_null(desc_keys_nearest("colour", keys, n));
	ck_assert_ptr_null(desc_keys_nearest("x", keys, n));
	ck_assert_ptr_null(desc_keys_nearest("", keys, n));
	ck_assert_ptr_null(desc_keys_nearest("offsetoffsetoffsetoffsetoffsetoffset", keys, n));
}
END_TEST

/* Every ```yaml block of docs/device-yaml.md loads; the first uses every section. */
START_TEST(test_doc_examples)
{
	FILE *f = fopen(DOC_PATH, "r");
	char *doc, *p, buf[1024];
	size_t len, blocks = 0;

	ck_assert_msg(f, "cannot open %s", DOC_PATH);
	doc = malloc(1 << 20);
	ck_assert_ptr_nonnull(doc);
	len = fread(doc, 1, (1 << 20) - 1, f);
	doc[len] = '\0';
	fclose(f);
	for (p = doc; (p = strstr(p, "\n```yaml\n")); ) {
		char *start = p + strlen("\n```yaml\n"), *end = strstr(start, "\n```\n");
		struct desc_error err;
		struct desc_device *dev;

		ck_assert_ptr_nonnull(end);
		dev = desc_load_text("docs/device-yaml.md", start, (size_t)(end - start + 1), &err);
		ck_assert_msg(dev, "block %zu: %s", blocks + 1,
			      desc_error_format(&err, buf, sizeof(buf)));
		if (!blocks) {
			size_t watched = 0, wo = 0, rw1c = 0, ro = 0, masked = 0, reads = 0;

			ck_assert(dev->bars[0].present && dev->bars[2].is_64bit);
			ck_assert(dev->msi.present && dev->msix.present);
			ck_assert(dev->pm.present && dev->pcie.present);
			ck_assert_uint_ge(dev->n_interrupts, 1);
			ck_assert_ptr_nonnull(dev->plugin);
			ck_assert_uint_ge(dev->n_params, 1);
			ck_assert_uint_ne(dev->subsys_device_id, dev->device_id);
			for (size_t i = 0; i < dev->n_registers; i++) {
				const struct desc_register *r = &dev->registers[i];

				watched += r->watch;
				wo += r->access == DESC_ACCESS_WO;
				ro += r->access == DESC_ACCESS_RO;
				rw1c += r->access == DESC_ACCESS_RW1C;
				masked += r->access == DESC_ACCESS_RW && r->w1c_mask;
				reads += r->read.name != NULL;
			}
			ck_assert(watched && wo && ro && rw1c && masked && reads);
		}
		desc_free(dev);
		blocks++;
		p = end;
	}
	ck_assert_uint_ge(blocks, 2);
	free(doc);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("desc");
	TCase *tc = tcase_create("valid descriptions");
	TCase *tv = tcase_create("values");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_identity_and_defaults);
	tcase_add_test(tc, test_name_from_file);
	tcase_add_test(tc, test_identity_explicit);
	tcase_add_test(tc, test_bars);
	tcase_add_test(tc, test_capabilities_values);
	tcase_add_test(tc, test_capability_defaults);
	tcase_add_test(tc, test_msix_fits_exactly);
	tcase_add_test(tc, test_interrupts);
	tcase_add_test(tc, test_registers_sorted);
	tcase_add_test(tc, test_register_array);
	tcase_add_test(tc, test_register_array_largest);
	tcase_add_test(tc, test_register_masks);
	tcase_add_test(tc, test_register_fields);
	tcase_add_test(tc, test_four_watched);
	tcase_add_test(tc, test_params);
	tcase_add_test(tc, test_empty_sections);
	tcase_add_test(tc, test_many_registers);
	tcase_add_test(tc, test_text_length);
	tcase_add_test(tc, test_load_files);
	tcase_add_test(tc, test_doc_examples);
	suite_add_tcase(s, tc);
	tcase_add_test(tv, test_error_format);
	tcase_add_test(tv, test_long_values_in_messages);
	tcase_add_test(tv, test_numbers);
	tcase_add_test(tv, test_sizes);
	tcase_add_test(tv, test_nearest_key);
	suite_add_tcase(s, tv);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
