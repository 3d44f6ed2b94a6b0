/* SPDX-License-Identifier: MIT */
/*
 * A device description: what pciemd builds, as read from a YAML file and
 * validated.  desc_load() either returns a description in which every
 * value is in range and consistent, or none and one error naming the
 * file, line and column.  Nothing here touches the kernel.
 */
#ifndef PCIEMD_DESC_H
#define PCIEMD_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a YAML node starts: 1-based line and column, as editors count. */
struct desc_pos {
	unsigned int line;
	unsigned int column;
};

/* The first error found; message says what is wrong and what is expected. */
struct desc_error {
	char file[256];
	struct desc_pos pos;
	char message[512];
};

struct desc_bar {
	bool present;
	struct desc_pos pos;
	uint64_t size;			/* power of two, 4 KiB .. 512 MiB */
	bool is_64bit;			/* takes index + 1 as well */
	bool prefetchable;
};

struct desc_msi {
	bool present;
	struct desc_pos pos;
	unsigned int vectors;		/* 1, 2, 4, 8, 16 or 32 */
	bool is_64bit;			/* default true */
	bool masking;			/* default false */
};

struct desc_msix {
	bool present;
	struct desc_pos pos;
	unsigned int vectors;		/* 1 .. 2048 */
	unsigned int bar;
	uint32_t table_offset;		/* inside the BAR, 8-byte aligned */
	uint32_t pba_offset;		/* inside the BAR, 8-byte aligned */
};

struct desc_pm {
	bool present;
	struct desc_pos pos;
	bool d1, d2;
	uint8_t pme_support;		/* bit 0 D0, 1 D1, 2 D2, 3 D3hot, 4 D3cold */
	bool no_soft_reset;
};

struct desc_pcie {
	bool present;
	struct desc_pos pos;
	uint8_t port_type;		/* PCI_EXP_TYPE_ENDPOINT, _LEG_END, _RC_END */
	uint8_t max_payload;		/* encoded 0 (128 B) .. 5 (4096 B) */
	uint8_t link_speed;		/* 1 (2.5 GT/s) .. 5 (32 GT/s) */
	uint8_t link_width;		/* 1, 2, 4, 8, 12, 16, 32 */
	bool flr;
};

/* A named interrupt a handler raises: a vector of MSI or MSI-X (0 is INTx too). */
struct desc_interrupt {
	char *name;
	struct desc_pos pos;
	unsigned int vector;
};

enum desc_access {
	DESC_ACCESS_RW,		/* driver writes change the bits in write_mask */
	DESC_ACCESS_RO,		/* driver writes change nothing */
	DESC_ACCESS_WO,		/* reads return 0 (answered by pciemd) */
	DESC_ACCESS_RW1C,	/* writing 1 clears the bits in w1c_mask */
};

/* A handler name from the YAML and where it was asked for. */
struct desc_handler_ref {
	char *name;			/* NULL: no handler */
	struct desc_pos pos;
};

struct desc_register {
	char *name;
	struct desc_pos pos;
	unsigned int bar;
	uint64_t offset;		/* aligned to width, inside the BAR */
	unsigned int width;		/* bytes: 1, 2, 4 or 8 */
	uint64_t reset;			/* value at start and after reset; fits width */
	enum desc_access access;
	uint64_t write_mask;		/* effective: from access, or given */
	uint64_t w1c_mask;		/* effective: from access, or given */
	/* Each driver read is answered by this handler's return value. */
	struct desc_handler_ref read;
	/* Each driver write is passed to this handler after it is applied. */
	struct desc_handler_ref write;
	/* Writes are seen through a hardware watchpoint, not by trapping. */
	bool watch;
	/*
	 * An element of a register array (count: N): named NAME[index],
	 * array_count elements in all; array_count is 0 for a lone register.
	 */
	unsigned int array_index;
	unsigned int array_count;
};

/* A free-form plugin parameter: scalar key and value, as written. */
struct desc_param {
	char *key;
	char *value;
	struct desc_pos pos;		/* of the key */
	struct desc_pos value_pos;
};

struct desc_device {
	char *file;			/* as given to desc_load */
	char *name;			/* device name; default: file's base name */

	uint16_t vendor_id, device_id;
	uint16_t subsys_vendor_id, subsys_device_id;	/* default: vendor, device */
	uint8_t revision;
	uint32_t class_code;		/* 24 bits: base << 16 | sub << 8 | prog-if */

	struct desc_bar bars[6];
	struct desc_msi msi;
	struct desc_msix msix;
	struct desc_pm pm;
	struct desc_pcie pcie;

	struct desc_interrupt *interrupts;
	size_t n_interrupts;
	struct desc_register *registers;	/* sorted by (bar, offset) */
	size_t n_registers;

	char *plugin;			/* NULL: no plugin (no handlers allowed) */
	struct desc_pos plugin_pos;
	struct desc_param *params;
	size_t n_params;
};

/*
 * Read and validate the description in path (text: from memory, path
 * only names it in errors).  Returns NULL with *err filled on any error,
 * including out of memory.
 */
struct desc_device *desc_load(const char *path, struct desc_error *err);
struct desc_device *desc_load_text(const char *path, const char *text,
				   size_t len, struct desc_error *err);
void desc_free(struct desc_device *desc);

/* "FILE:LINE:COL: error: MESSAGE" into buf; returns buf. */
const char *desc_error_format(const struct desc_error *err, char *buf,
			      size_t size);

const struct desc_register *desc_find_register(const struct desc_device *desc,
					       const char *name);

#endif /* PCIEMD_DESC_H */
