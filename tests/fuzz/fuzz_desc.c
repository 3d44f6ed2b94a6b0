// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the description loader: any bytes either load
 * into a description that keeps desc.h's promises, or are refused with
 * one positioned message.  A broken promise aborts, which the fuzzer
 * reports like a crash; leaks are LeakSanitizer's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "desc.h"

#define require(cond) do { if (!(cond)) { fprintf(stderr, "broken: %s\n", #cond); abort(); } } while (0)

static uint64_t width_mask(unsigned int width)
{
	return width == 8 ? UINT64_MAX : (1ULL << (8 * width)) - 1;
}

static unsigned int vector_count(const struct desc_device *dev)
{
	if (dev->msix.present)
		return dev->msix.vectors;
	return dev->msi.present ? dev->msi.vectors : 1;
}

static void check_registers(const struct desc_device *dev)
{
	for (size_t i = 0; i < dev->n_registers; i++) {
		const struct desc_register *r = &dev->registers[i];
		uint64_t all = width_mask(r->width);

		require(r->bar < 6 && dev->bars[r->bar].present);
		require(r->width == 1 || r->width == 2 || r->width == 4 || r->width == 8);
		require(r->offset % r->width == 0);
		require(r->offset + r->width <= dev->bars[r->bar].size);
		require((r->reset & ~all) == 0);
		require((r->write_mask & ~all) == 0 && (r->w1c_mask & ~all) == 0);
		require((r->write_mask & r->w1c_mask) == 0);
		require(!(r->read.name || r->write.name) || dev->plugin);
		require(desc_find_register(dev, r->name) == r);
		if (i > 0) {
			const struct desc_register *p = &dev->registers[i - 1];

			require(p->bar < r->bar ||
				(p->bar == r->bar && p->offset + p->width <= r->offset));
		}
	}
}

static void check_device(const struct desc_device *dev)
{
	require(dev->name && dev->file);
	require(dev->vendor_id != 0 && dev->vendor_id != 0xffff);
	require(dev->class_code <= 0xffffff);
	for (unsigned int i = 0; i < 6; i++) {
		const struct desc_bar *b = &dev->bars[i];

		if (!b->present)
			continue;
		require(b->size >= 4096 && b->size <= (512u << 20) && !(b->size & (b->size - 1)));
		require(!b->is_64bit || (i < 5 && !dev->bars[i + 1].present));
	}
	if (dev->msix.present) {
		const struct desc_msix *x = &dev->msix;

		require(dev->bars[x->bar].present);
		require(x->table_offset % 8 == 0 && x->pba_offset % 8 == 0);
		require(x->table_offset + 16ULL * x->vectors <= dev->bars[x->bar].size);
	}
	for (size_t i = 0; i < dev->n_interrupts; i++)
		require(dev->interrupts[i].vector < vector_count(dev));
	check_registers(dev);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct desc_error err;
	struct desc_device *dev = desc_load_text("fuzz.yaml", (const char *)data, size, &err);
	char buf[1024];

	if (dev) {
		check_device(dev);
		desc_free(dev);
		return 0;
	}
	/* Refused: one message, at a real position inside the text. */
	require(err.message[0] && strlen(err.message) < sizeof(err.message));
	require(err.pos.line >= 1 && err.pos.column >= 1);
	desc_error_format(&err, buf, sizeof(buf));
	return 0;
}
