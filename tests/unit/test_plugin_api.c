// SPDX-License-Identifier: MIT
/*
 * pciem/plugin.h as a plugin uses it, on a device built against a fake
 * kernel: registers by name and by place, BAR memory, interrupts by name
 * and vector, DMA in both directions, typed parameters with their
 * errors, private state, logging, and timers on a real sd-event loop.
 */
#include <check.h>
#include <stdlib.h>

#include "builder.h"
#include "test_builder_fake.h"

static struct fake_log logs;
static struct desc_device desc;
static struct desc_register regs[4];
static struct desc_interrupt irqs[2];
static struct desc_param params[5];

#define NUMBER_FORMS "decimal, 0x hexadecimal or 0b binary, '_' between digits, and an optional unit K, M, G, KiB, MiB or GiB (1K = 1024), as in the description's numbers"
static struct fake_backend *fake;
static struct pciem_device *dev;

static void setup(void)
{
	fake_log_init(&logs);
	regs[0] = fake_reg("CONTROL", 10, 0x0, 4, DESC_ACCESS_RW);
	regs[1] = fake_reg("STATUS", 11, 0x4, 2, DESC_ACCESS_RW1C);
	regs[1].reset = 0x8001;
	regs[2] = fake_reg("WIDE", 12, 0x8, 8, DESC_ACCESS_RW);
	fake_desc(&desc, regs, 3);
	irqs[0] = (struct desc_interrupt){ .name = "done", .vector = 0 };
	irqs[1] = (struct desc_interrupt){ .name = "error", .vector = 3 };
	desc.interrupts = irqs;
	desc.n_interrupts = 2;
	/* Keys at column 3, values after "key: ". */
	params[0] = (struct desc_param){ "depth", "0x40", { 30, 3 }, { 30, 10 } };
	params[1] = (struct desc_param){ "offset", "-12", { 31, 3 }, { 31, 11 } };
	params[2] = (struct desc_param){ "fast", "True", { 32, 3 }, { 32, 9 } };
	params[3] = (struct desc_param){ "broken", "12x", { 33, 3 }, { 33, 11 } };
	params[4] = (struct desc_param){ "label", "hello world", { 34, 3 }, { 34, 10 } };
	desc.params = params;
	desc.n_params = 5;
	dev = pd_device_new(&desc, &logs.log);
	fake = fake_new();
	ck_assert_int_eq(pd_plan(dev), 0);
	ck_assert_int_eq(pd_build(dev, &fake->base), 0);
	fake->n_calls = 0;
}

static void teardown(void)
{
	pd_device_free(dev);
	free(fake);
}

START_TEST(identity_and_private)
{
	int state;

	ck_assert_str_eq(pciem_device_name(dev), "dev");
	ck_assert_str_eq(pciem_device_address(dev), "10000:00:00.0");
	ck_assert_ptr_null(pciem_get_private(dev));
	pciem_set_private(dev, &state);
	ck_assert_ptr_eq(pciem_get_private(dev), &state);
}
END_TEST

START_TEST(registers_by_name)
{
	const struct pciem_register *st = pciem_reg_find(dev, "STATUS");
	uint8_t *bar = fake->bars[0];
	uint64_t v = 0;

	ck_assert_ptr_nonnull(st);
	ck_assert_ptr_null(pciem_reg_find(dev, "NOPE"));
	ck_assert_str_eq(pciem_reg_name(st), "STATUS");
	ck_assert_uint_eq(pciem_reg_bar(st), 0);
	ck_assert_uint_eq(pciem_reg_offset(st), 4);
	ck_assert_uint_eq(pciem_reg_width(st), 2);
	ck_assert_uint_eq(pciem_reg_get(dev, st), 0x8001);

	/* The device's side: no masks; exactly the register's bytes. */
	pciem_reg_set(dev, st, 0x12345678);
	ck_assert_uint_eq(*(uint16_t *)(bar + 4), 0x5678);
	ck_assert_uint_eq(bar[6], 0);
	ck_assert_int_eq(pciem_reg_write(dev, "WIDE", 0x0102030405060708ULL), 0);
	ck_assert_int_eq(pciem_reg_read(dev, "WIDE", &v), 0);
	ck_assert_uint_eq(v, 0x0102030405060708ULL);
	ck_assert_int_eq(pciem_reg_read(dev, "NOPE", &v), -ENOENT);
	ck_assert_int_eq(pciem_reg_write(dev, "NOPE", 1), -ENOENT);

	/* update: clear then set, previous content returned. */
	ck_assert_uint_eq(pciem_reg_update(dev, st, 0x00f0, 0x8000), 0x5678);
	ck_assert_uint_eq(pciem_reg_get(dev, st), 0xd608);
}
END_TEST

START_TEST(registers_by_place)
{
	uint64_t v = 0;
	size_t size = 0;
	uint8_t *mem = pciem_bar_memory(dev, 0, &size);

	ck_assert_ptr_eq(mem, fake->bars[0]);
	ck_assert_uint_eq(size, 4096);
	ck_assert_ptr_null(pciem_bar_memory(dev, 1, &size));
	ck_assert_ptr_null(pciem_bar_memory(dev, 9, NULL));

	ck_assert_int_eq(pciem_reg_write_at(dev, 0, 0xff8, 8, 0xaabbccdd11223344ULL), 0);
	ck_assert_int_eq(pciem_reg_read_at(dev, 0, 0xffc, 4, &v), 0);
	ck_assert_uint_eq(v, 0xaabbccdd);
	ck_assert_int_eq(pciem_reg_read_at(dev, 0, 0xfff, 1, &v), 0);
	ck_assert_uint_eq(v, 0xaa);
	ck_assert_int_eq(pciem_reg_read_at(dev, 0, 0x1000, 1, &v), -EINVAL);
	ck_assert_int_eq(pciem_reg_read_at(dev, 0, 0xffc, 8, &v), -EINVAL);
	ck_assert_int_eq(pciem_reg_read_at(dev, 0, 0x2, 4, &v), -EINVAL);
	ck_assert_int_eq(pciem_reg_read_at(dev, 0, 0x0, 3, &v), -EINVAL);
	ck_assert_int_eq(pciem_reg_read_at(dev, 1, 0x0, 4, &v), -EINVAL);
	ck_assert_int_eq(pciem_reg_write_at(dev, 6, 0x0, 4, 1), -EINVAL);
	ck_assert_int_eq(pciem_reg_write_at(dev, 0, UINT64_MAX - 3, 4, 1), -EINVAL);
}
END_TEST

START_TEST(interrupts)
{
	ck_assert_int_eq(pciem_irq_raise(dev, "error"), 0);
	ck_assert_int_eq(pciem_irq_raise(dev, "done"), 0);
	ck_assert_int_eq(pciem_irq_raise_vector(dev, 7), 0);
	ck_assert_int_eq(pciem_irq_raise(dev, "nope"), -ENOENT);
	ck_assert_uint_eq(fake->n_calls, 3);
	ck_assert_uint_eq(fake->calls[0].request, PCIEM_IOCTL_INJECT_IRQ);
	ck_assert_uint_eq(fake->calls[0].arg.irq.vector, 3);
	ck_assert_uint_eq(fake->calls[1].arg.irq.vector, 0);
	ck_assert_uint_eq(fake->calls[2].arg.irq.vector, 7);
	/* The kernel's refusal comes back as it is. */
	fake->fail_request = PCIEM_IOCTL_INJECT_IRQ;
	fake->fail_nth = 1;
	fake->fail_errno = ENXIO;
	ck_assert_int_eq(pciem_irq_raise(dev, "done"), -ENXIO);
}
END_TEST

START_TEST(dma)
{
	uint8_t out[16], in[16];

	for (int i = 0; i < 16; i++)
		out[i] = (uint8_t)(0xa0 + i);
	ck_assert_int_eq(pciem_dma_write(dev, fake->host_iova + 8, out, sizeof(out)), 0);
	ck_assert_uint_eq(fake->calls[0].request, PCIEM_IOCTL_DMA);
	ck_assert_uint_eq(fake->calls[0].arg.dma.flags, PCIEM_DMA_FLAG_WRITE);
	ck_assert_uint_eq(fake->calls[0].arg.dma.length, 16);
	ck_assert_uint_eq(fake->calls[0].arg.dma.pasid, 0);
	ck_assert_mem_eq(fake->host + 8, out, 16);
	memset(in, 0, sizeof(in));
	ck_assert_int_eq(pciem_dma_read(dev, fake->host_iova + 12, in, 4), 0);
	ck_assert_uint_eq(fake->calls[1].arg.dma.flags, PCIEM_DMA_FLAG_READ);
	ck_assert_mem_eq(in, out + 4, 4);
	ck_assert_int_eq(pciem_dma_read(dev, 0x1000, in, 4), -EFAULT);
	ck_assert_int_eq(pciem_dma_read(dev, fake->host_iova, in, 0), 0);
	ck_assert_uint_eq(fake->n_calls, 3);	/* nothing asked for 0 bytes */
}
END_TEST

/* Scatter-gather: one DMA_SG per batch, in order, all or nothing. */
START_TEST(dma_scatter_gather)
{
	static struct pciem_dma_range many[300];
	static uint8_t big[300];
	uint64_t h = fake->host_iova;
	struct pciem_dma_range r[] = {
		{ h + 100, 10 }, { h + 0, 5 }, { h + 300, 0 }, { h + 200, 7 },
	};
	uint8_t in[22], out[22], before[512];
	const struct fake_call *sg[4];

	for (int i = 0; i < 512; i++)
		fake->host[i] = (uint8_t)(i * 7);
	ck_assert_int_eq(pciem_dma_readv(dev, r, 4, in), 0);
	ck_assert_mem_eq(in, fake->host + 100, 10);
	ck_assert_mem_eq(in + 10, fake->host + 0, 5);
	ck_assert_mem_eq(in + 15, fake->host + 200, 7);
	ck_assert_uint_eq(fake_calls_of(fake, PCIEM_IOCTL_DMA_SG, sg, 4), 1);
	ck_assert_uint_eq(fake->n_calls, 1);

	for (int i = 0; i < 22; i++)
		out[i] = (uint8_t)(0xc0 + i);
	ck_assert_int_eq(pciem_dma_writev(dev, r, 4, out), 0);
	ck_assert_mem_eq(fake->host + 100, out, 10);
	ck_assert_mem_eq(fake->host + 0, out + 10, 5);
	ck_assert_mem_eq(fake->host + 200, out + 15, 7);

	/* One range refused: nothing moves. */
	memcpy(before, fake->host, sizeof(before));
	r[2] = (struct pciem_dma_range){ 0x1000, 4 };
	ck_assert_int_eq(pciem_dma_writev(dev, r, 4, out), -EFAULT);
	ck_assert_mem_eq(fake->host, before, sizeof(before));

	/* 300 ranges: two batches, the bytes in order. */
	for (unsigned int i = 0; i < 300; i++)
		many[i] = (struct pciem_dma_range){ h + 299 - i, 1 };
	fake->n_calls = 0;
	ck_assert_int_eq(pciem_dma_readv(dev, many, 300, big), 0);
	ck_assert_uint_eq(fake_calls_of(fake, PCIEM_IOCTL_DMA_SG, sg, 4), 2);
	for (unsigned int i = 0; i < 300; i++)
		ck_assert_uint_eq(big[i], fake->host[299 - i]);

	/* More than 4 GiB - 1 in all: refused before the kernel. */
	many[0] = many[1] = (struct pciem_dma_range){ h, 0x80000000u };
	fake->n_calls = 0;
	ck_assert_int_eq(pciem_dma_readv(dev, many, 2, big), -EINVAL);
	ck_assert_uint_eq(fake->n_calls, 0);
	ck_assert_int_eq(pciem_dma_readv(dev, many, 0, big), 0);

	/* A kernel without DMA_SG: one DMA per range, same bytes. */
	fake->fail_request = PCIEM_IOCTL_DMA_SG;
	fake->fail_nth = 1;
	fake->fail_errno = ENOTTY;
	r[2] = (struct pciem_dma_range){ h + 300, 0 };
	memset(in, 0, sizeof(in));
	fake->n_calls = 0;
	ck_assert_int_eq(pciem_dma_readv(dev, r, 4, in), 0);
	ck_assert_mem_eq(in, fake->host + 100, 10);
	ck_assert_mem_eq(in + 10, fake->host + 0, 5);
	ck_assert_mem_eq(in + 15, fake->host + 200, 7);
	ck_assert_uint_eq(fake->n_calls, 4);	/* the refused DMA_SG, 3 DMAs */
}
END_TEST

/* DMA atomics: each op, both widths, and what is refused before the kernel. */
START_TEST(dma_atomics)
{
	uint64_t old = 0, v;
	uint32_t v32;

	v = 40;
	memcpy(fake->host + 16, &v, 8);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova + 16, PCIEM_DMA_ATOMIC_ADD, 8, 2, 0, &old), 0);
	ck_assert_uint_eq(old, 40);
	ck_assert_uint_eq(fake->calls[0].request, PCIEM_IOCTL_DMA_ATOMIC);
	ck_assert_uint_eq(fake->calls[0].arg.atomic.op_type, PCIEM_ATOMIC_FETCH_ADD);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova + 16, PCIEM_DMA_ATOMIC_CAS, 8, 7, 41, &old), 0);
	ck_assert_uint_eq(old, 42);	/* compare missed: unchanged */
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova + 16, PCIEM_DMA_ATOMIC_CAS, 8, 7, 42, NULL), 0);
	memcpy(&v, fake->host + 16, 8);
	ck_assert_uint_eq(v, 7);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova + 16, PCIEM_DMA_ATOMIC_XOR, 8, 5, 0, &old), 0);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova + 16, PCIEM_DMA_ATOMIC_SWAP, 8, 9, 0, &old), 0);
	ck_assert_uint_eq(old, 2);

	/* 4 bytes wide: the flag, and the neighbour untouched. */
	memset(fake->host + 32, 0xee, 8);
	v32 = 0xff;
	memcpy(fake->host + 32, &v32, 4);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova + 32, PCIEM_DMA_ATOMIC_AND, 4, 0x0f, 0, &old), 0);
	ck_assert_uint_eq(old, 0xff);
	ck_assert_uint_eq(fake->calls[fake->n_calls - 1].arg.atomic.op_type,
			  PCIEM_ATOMIC_FETCH_AND | PCIEM_ATOMIC_WIDTH_32);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova + 32, PCIEM_DMA_ATOMIC_OR, 4, 0x100, 0, NULL), 0);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova + 32, PCIEM_DMA_ATOMIC_SUB, 4, 1, 0, &old), 0);
	ck_assert_uint_eq(old, 0x10f);
	ck_assert_uint_eq(fake->host[36], 0xee);

	/* Refused here, no ioctl: op, width, alignment, a 4-byte operand too wide. */
	v = fake->n_calls;
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova, 0, 8, 1, 0, NULL), -EINVAL);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova, 8, 8, 1, 0, NULL), -EINVAL);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova, PCIEM_DMA_ATOMIC_ADD, 2, 1, 0, NULL), -EINVAL);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova + 4, PCIEM_DMA_ATOMIC_ADD, 8, 1, 0, NULL), -EINVAL);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova, PCIEM_DMA_ATOMIC_ADD, 4, 1ULL << 32, 0, NULL), -EINVAL);
	ck_assert_int_eq(pciem_dma_atomic(dev, fake->host_iova, PCIEM_DMA_ATOMIC_CAS, 4, 1, 1ULL << 32, NULL), -EINVAL);
	ck_assert_uint_eq(fake->n_calls, v);
	/* The kernel's refusal comes back as is. */
	ck_assert_int_eq(pciem_dma_atomic(dev, 0x1000, PCIEM_DMA_ATOMIC_ADD, 8, 1, 0, &old), -EFAULT);
}
END_TEST

START_TEST(parameters)
{
	uint64_t u = 0;
	int64_t i = 0;
	bool b = false;

	ck_assert_str_eq(pciem_param(dev, "label"), "hello world");
	ck_assert_ptr_null(pciem_param(dev, "nope"));
	ck_assert_int_eq(pciem_param_u64(dev, "depth", 1, &u), 0);
	ck_assert_uint_eq(u, 0x40);
	ck_assert_int_eq(pciem_param_u64(dev, "nope", 17, &u), 0);
	ck_assert_uint_eq(u, 17);
	ck_assert_int_eq(pciem_param_i64(dev, "offset", 0, &i), 0);
	ck_assert_int_eq(i, -12);
	ck_assert_int_eq(pciem_param_bool(dev, "fast", false, &b), 0);
	ck_assert(b);
	ck_assert_int_eq(pciem_param_bool(dev, "nope", true, &b), 0);
	ck_assert(b);
	ck_assert_uint_eq(logs.n, 0);

	ck_assert_int_eq(pciem_param_u64(dev, "offset", 0, &u), -EINVAL);
	ck_assert_int_eq(pciem_param_i64(dev, "broken", 0, &i), -EINVAL);
	ck_assert_int_eq(pciem_param_bool(dev, "depth", false, &b), -EINVAL);
	ck_assert_uint_eq(logs.n, 3);
	/* Each points at the value, says what is wrong and what is expected. */
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev.yaml:31:11: error: parameter offset: '-12' is negative; expected an unsigned 64-bit integer: " NUMBER_FORMS);
	ck_assert_str_eq(logs.lines[1],
			 "<3>dev.yaml:33:11: error: parameter broken: '12x' has an unknown unit; expected a signed 64-bit integer: an optional '-', then " NUMBER_FORMS);
	ck_assert_str_eq(logs.lines[2],
			 "<3>dev.yaml:30:10: error: parameter depth: '0x40' is not a boolean; expected true or false, as the description's booleans");
}
END_TEST

/* A plugin lists the keys (to refuse a typo) and reports a value it cannot use. */
START_TEST(parameter_keys_and_errors)
{
	ck_assert_str_eq(pciem_param_key(dev, 0), "depth");
	ck_assert_str_eq(pciem_param_key(dev, 4), "label");
	ck_assert_ptr_null(pciem_param_key(dev, 5));
	ck_assert_ptr_null(pciem_param_key(dev, ~0u));

	ck_assert_int_eq(pciem_param_error(dev, "depth", "%u is not a power of %s", 0x40 + 1, "two"),
			 -EINVAL);
	ck_assert_int_eq(pciem_param_error(dev, "absent", "needed by %s", "depth"), -EINVAL);
	ck_assert_int_eq(pciem_param_error(dev, NULL, "no key"), -EINVAL);
	ck_assert_uint_eq(logs.n, 3);
	/* At the value, as the description's own errors are. */
	ck_assert_str_eq(logs.lines[0], "<3>dev.yaml:30:10: error: parameter depth: 65 is not a power of two");
	ck_assert_str_eq(logs.lines[1], "<3>dev.yaml: error: parameter absent: needed by depth");
	ck_assert_str_eq(logs.lines[2], "<3>dev.yaml: error: parameter (none): no key");
}
END_TEST

/*
 * Parameters follow the description's grammar (pciemd/desc_number.h and
 * desc_value_bool): what the schema takes, they take; what it refuses,
 * they refuse.
 */
static const struct {
	const char *text;
	int u_ret;
	uint64_t u;
	int i_ret;
	int64_t i;
	int b_ret;
	bool b;
} grammar[] = {
	{ "0", 0, 0, 0, 0, -EINVAL, false },
	{ "10", 0, 10, 0, 10, -EINVAL, false },
	{ "1_000", 0, 1000, 0, 1000, -EINVAL, false },
	{ "0x1f", 0, 31, 0, 31, -EINVAL, false },
	{ "0XFFFF_0000", 0, 0xffff0000, 0, 0xffff0000, -EINVAL, false },
	{ "0b101", 0, 5, 0, 5, -EINVAL, false },
	{ "4K", 0, 4096, 0, 4096, -EINVAL, false },
	{ "16MiB", 0, 16 << 20, 0, 16 << 20, -EINVAL, false },
	{ "-4K", -EINVAL, 0, 0, -4096, -EINVAL, false },
	{ "010", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },	/* octal to some */
	{ "1__0", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "_1", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "-", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "--1", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ " 1", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "1 ", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "+1", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "18446744073709551615", 0, UINT64_MAX, -EINVAL, 0, -EINVAL, false },
	{ "18446744073709551616", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "9223372036854775807", 0, INT64_MAX, 0, INT64_MAX, -EINVAL, false },
	{ "9223372036854775808", 0, 1ULL << 63, -EINVAL, 0, -EINVAL, false },
	{ "-9223372036854775808", -EINVAL, 0, 0, INT64_MIN, -EINVAL, false },
	{ "-9223372036854775809", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "16E", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "16384P", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "true", -EINVAL, 0, -EINVAL, 0, 0, true },
	{ "TRUE", -EINVAL, 0, -EINVAL, 0, 0, true },
	{ "False", -EINVAL, 0, -EINVAL, 0, 0, false },
	{ "yes", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "on", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
	{ "tRUE", -EINVAL, 0, -EINVAL, 0, -EINVAL, false },
};

#define AT_VALUE "<3>dev.yaml:33:11: error: parameter broken: '"

START_TEST(parameter_grammar)
{
	uint64_t u = 7;
	int64_t i = 7;
	bool b = false;

	params[3].value = (char *)grammar[_i].text;
	ck_assert_int_eq(pciem_param_u64(dev, "broken", 0, &u), grammar[_i].u_ret);
	if (!grammar[_i].u_ret)
		ck_assert_uint_eq(u, grammar[_i].u);
	ck_assert_int_eq(pciem_param_i64(dev, "broken", 0, &i), grammar[_i].i_ret);
	if (!grammar[_i].i_ret)
		ck_assert_int_eq(i, grammar[_i].i);
	b = !grammar[_i].b;
	ck_assert_int_eq(pciem_param_bool(dev, "broken", false, &b), grammar[_i].b_ret);
	if (!grammar[_i].b_ret)
		ck_assert_int_eq(b, grammar[_i].b);
	/* One line per refusal, at the value. */
	ck_assert_uint_eq(logs.n, (grammar[_i].u_ret != 0) + (grammar[_i].i_ret != 0) +
			  (grammar[_i].b_ret != 0));
	for (size_t k = 0; k < logs.n; k++)
		ck_assert_msg(!strncmp(logs.lines[k], AT_VALUE, strlen(AT_VALUE)),
			      "got %s", logs.lines[k]);
	params[3].value = "12x";
}
END_TEST

/* pciem_reg_find() of a typo gives NULL; using it must not crash. */
START_TEST(registers_null)
{
	const struct pciem_register *none = pciem_reg_find(dev, "CONTROLL");
	struct pciem_register other = dev->regs[0];

	ck_assert_ptr_null(none);
	ck_assert_uint_eq(pciem_reg_get(dev, none), 0);
	pciem_reg_set(dev, none, 5);
	ck_assert_uint_eq(pciem_reg_update(dev, none, 0, 1), 0);
	ck_assert_str_eq(pciem_reg_name(none), "(no register)");
	ck_assert_uint_eq(pciem_reg_bar(none), 0);
	ck_assert_uint_eq(pciem_reg_offset(none), 0);
	ck_assert_uint_eq(pciem_reg_width(none), 0);
	ck_assert_uint_eq(pciem_reg_index(none), 0);
	ck_assert_uint_eq(pciem_reg_index(pciem_reg_find(dev, "STATUS")), 0);
	/* A copy is not one of the device's registers either. */
	ck_assert_uint_eq(pciem_reg_get(dev, &other), 0);
	/* Logged once, however often. */
	ck_assert_uint_eq(logs.n, 1);
	ck_assert_str_eq(logs.lines[0],
			 "<3>dev: pciem_reg_get() was given no register (NULL); did pciem_reg_find() not find a name? (logged once)");
	/* BAR memory untouched. */
	ck_assert_uint_eq(pciem_reg_get(dev, pciem_reg_find(dev, "CONTROL")), 0);
}
END_TEST

START_TEST(logging)
{
	pciem_log(dev, PCIEM_LOG_WARNING, "queue %d full", 3);
	pciem_log(dev, PCIEM_LOG_DEBUG, "two\nlines");
	logs.log.max_priority = PCIEM_LOG_INFO;
	pciem_log(dev, PCIEM_LOG_DEBUG, "dropped");
	ck_assert_uint_eq(logs.n, 2);
	ck_assert_str_eq(logs.lines[0], "<4>dev: queue 3 full");
	ck_assert_str_eq(logs.lines[1], "<7>dev: two lines");
}
END_TEST

/* Timers, on a real sd-event loop. */
static struct {
	unsigned int once, every;
	pciem_timer_id first, periodic;
} ticks;

static void once(struct pciem_device *d, pciem_timer_id t, void *arg)
{
	ck_assert_ptr_eq(d, dev);
	ck_assert_ptr_eq(arg, &ticks);
	ck_assert_uint_eq(t, ticks.first);
	ticks.once++;
}

static void every(struct pciem_device *d, pciem_timer_id t, void *arg)
{
	(void)arg;
	ck_assert_uint_eq(t, ticks.periodic);
	if (++ticks.every == 3) {
		ck_assert_int_eq(pciem_timer_cancel(d, t), 0);	/* from its own callback */
		ck_assert_int_eq(pciem_timer_cancel(d, t), -ENOENT);
		sd_event_exit(d->loop, 0);
	}
}

static void never(struct pciem_device *d, pciem_timer_id t, void *arg)
{
	(void)d;
	(void)t;
	(void)arg;
	ck_abort_msg("a cancelled timer ran");
}

START_TEST(timers)
{
	pciem_timer_id gone, far;

	memset(&ticks, 0, sizeof(ticks));
	ck_assert_uint_eq(pciem_timer_add(dev, 10, 0, once, &ticks), 0);
	ck_assert_str_eq(logs.lines[0], "<3>pciem_timer_add: no event loop runs this device");
	ck_assert_int_ge(sd_event_new(&dev->loop), 0);

	/* A period that would wrap the next due time around is refused. */
	ck_assert_uint_eq(pciem_timer_add(dev, 1000, UINT64_MAX, never, NULL), 0);
	ck_assert_uint_eq(pciem_timer_add(dev, UINT64_MAX, 0, never, NULL), 0);
	ck_assert_str_eq(logs.lines[2], "<3>pciem_timer_add: a delay or period above 2^52 us (142 years)");
	ck_assert_uint_ne(pciem_timer_add(dev, 1ULL << 52, 1ULL << 52, never, NULL), 0);
	pd_timers_free(dev);
	ticks.first = pciem_timer_add(dev, 1000, 0, once, &ticks);
	ck_assert_uint_ne(ticks.first, 0);
	ticks.periodic = pciem_timer_add(dev, 2000, 2000, every, NULL);
	ck_assert_uint_ne(ticks.periodic, 0);
	gone = pciem_timer_add(dev, 500, 0, never, NULL);
	ck_assert_int_eq(pciem_timer_cancel(dev, gone), 0);
	far = pciem_timer_add(dev, 60000000, 0, never, NULL);
	ck_assert_uint_ne(far, 0);
	/* Every id its own. */
	ck_assert_uint_ne(ticks.first, ticks.periodic);
	ck_assert_uint_ne(gone, far);

	ck_assert_int_eq(sd_event_loop(dev->loop), 0);
	ck_assert_uint_eq(ticks.once, 1);
	ck_assert_uint_eq(ticks.every, 3);
	/*
	 * The one-shot and the periodic one are gone; cancelling them now, as
	 * a plugin cancelling a timeout on completion would, is harmless.
	 */
	ck_assert_int_eq(pciem_timer_cancel(dev, ticks.first), -ENOENT);
	ck_assert_int_eq(pciem_timer_cancel(dev, ticks.periodic), -ENOENT);
	ck_assert_int_eq(pciem_timer_cancel(dev, gone), -ENOENT);
	ck_assert_int_eq(pciem_timer_cancel(dev, 0), -ENOENT);
	ck_assert_ptr_nonnull(dev->timers);
	ck_assert_int_eq(pciem_timer_cancel(dev, far), 0);
	ck_assert_ptr_null(dev->timers);
	dev->loop = sd_event_unref(dev->loop);
}
END_TEST

/*
 * The "cancel the timeout on completion" pattern: a one-shot fires, a new
 * timer is made (where malloc may hand back the freed memory), then the
 * old id is cancelled.  The new timer must survive, the old id be refused.
 */
static unsigned int stale_fired;

static void stale_once(struct pciem_device *d, pciem_timer_id t, void *arg)
{
	(void)t;
	(void)arg;
	stale_fired++;
	sd_event_exit(d->loop, 0);
}

START_TEST(timer_ids_are_not_reused)
{
	pciem_timer_id old, fresh;

	ck_assert_int_ge(sd_event_new(&dev->loop), 0);
	old = pciem_timer_add(dev, 100, 0, stale_once, NULL);
	ck_assert_int_eq(sd_event_loop(dev->loop), 0);
	ck_assert_uint_eq(stale_fired, 1);
	/* A loop that has exited takes no new sources: a new one. */
	dev->loop = sd_event_unref(dev->loop);
	ck_assert_int_ge(sd_event_new(&dev->loop), 0);
	for (int i = 0; i < 100; i++) {
		fresh = pciem_timer_add(dev, 60000000, 0, never, NULL);
		ck_assert_uint_ne(fresh, 0);
		ck_assert_uint_ne(fresh, old);
		ck_assert_int_eq(pciem_timer_cancel(dev, old), -ENOENT);
		ck_assert_int_eq(pciem_timer_cancel(dev, fresh), 0);
	}
	fresh = pciem_timer_add(dev, 60000000, 0, never, NULL);
	ck_assert_int_eq(pciem_timer_cancel(dev, old), -ENOENT);
	ck_assert_ptr_nonnull(dev->timers);	/* fresh is still there */
	ck_assert_int_eq(pciem_timer_cancel(dev, fresh), 0);
	dev->loop = sd_event_unref(dev->loop);
}
END_TEST

/* Timers are set to fire to the microsecond, not sd-event's 250 ms default. */
START_TEST(timer_accuracy)
{
	uint64_t accuracy = 0;
	pciem_timer_id t;

	ck_assert_int_ge(sd_event_new(&dev->loop), 0);
	t = pciem_timer_add(dev, 1000, 1000, never, NULL);
	ck_assert_ptr_nonnull(pd_timer_source(dev, t));
	ck_assert_ptr_null(pd_timer_source(dev, t + 1));
	ck_assert_int_ge(sd_event_source_get_time_accuracy(pd_timer_source(dev, t), &accuracy), 0);
	ck_assert_uint_eq(accuracy, 1);
	pd_timers_free(dev);
	dev->loop = sd_event_unref(dev->loop);
}
END_TEST

static Suite *plugin_api_suite(void)
{
	Suite *s = suite_create("plugin_api");
	TCase *tc = tcase_create("api");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, identity_and_private);
	tcase_add_test(tc, registers_by_name);
	tcase_add_test(tc, registers_by_place);
	tcase_add_test(tc, interrupts);
	tcase_add_test(tc, dma);
	tcase_add_test(tc, dma_scatter_gather);
	tcase_add_test(tc, dma_atomics);
	tcase_add_test(tc, parameters);
	tcase_add_test(tc, parameter_keys_and_errors);
	tcase_add_loop_test(tc, parameter_grammar, 0, sizeof(grammar) / sizeof(grammar[0]));
	tcase_add_test(tc, registers_null);
	tcase_add_test(tc, logging);
	tcase_add_test(tc, timers);
	tcase_add_test(tc, timer_ids_are_not_reused);
	tcase_add_test(tc, timer_accuracy);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(plugin_api_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
