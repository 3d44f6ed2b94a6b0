/*
 * The PCIem ABI, pinned.
 *
 * Every structure of uapi/pciem.h (size, alignment, and each field's offset,
 * size and exact type), every ioctl number, and every constant is compared
 * with a literal worked out by hand from the ABI reference for x86-64
 * (natural alignment).  Device programs built against one copy of the header
 * must keep working with a module built against another, so a failure here
 * is an ABI break to undo, never a number to update.  Additions past the
 * reference (extension ioctls from 32 up, new structures) get their own rows.
 *
 * The checks run at run time rather than as _Static_assert so that one run
 * reports every broken field, each as its own failed test.
 */
#include <check.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "pciem.h"
/* The walkthrough's name for the header: it must coexist with pciem.h. */
#include "pciem_userspace.h"

/* ---------------------------------------------------------------------- */
/* Structures and fields                                                  */
/* ---------------------------------------------------------------------- */

/*
 * The exact type of a field, as a name.  _Generic sees through typedefs to
 * the real type, so uint32_t vs int32_t (or a silently widened field) shows
 * up even where size and offset still match.  Arrays are named by their
 * element type; their length is checked separately.
 */
#define TYPE_NAME(x) _Generic((x),					\
	int8_t: "int8_t", uint8_t: "uint8_t", char: "char",		\
	int16_t: "int16_t", uint16_t: "uint16_t",			\
	int32_t: "int32_t", uint32_t: "uint32_t",			\
	int64_t: "int64_t", uint64_t: "uint64_t",			\
	struct pciem_event: "struct pciem_event",			\
	default: "(other)")

struct field_case {
	const char *strct, *field;
	/* as compiled */
	size_t off, size, count;
	const char *type;
	/* as the reference says */
	size_t want_off, want_size, want_count;
	const char *want_type;
};

#define MEMBER(S, f) (((struct S *)0)->f)

/* A scalar field: offset, size, type. */
#define FIELD(S, f, o, sz, ty)						\
	{ #S, #f, offsetof(struct S, f), sizeof(MEMBER(S, f)), 1,	\
	  TYPE_NAME(MEMBER(S, f)), o, sz, 1, ty }

/* An array field: offset, total size, element type, element count. */
#define ARRAY(S, f, o, sz, ty, n)					\
	{ #S, #f, offsetof(struct S, f), sizeof(MEMBER(S, f)),		\
	  sizeof(MEMBER(S, f)) / sizeof(MEMBER(S, f)[0]),		\
	  TYPE_NAME(MEMBER(S, f)[0]), o, sz, n, ty }

/* In declaration order, so the table also pins the reference's field order. */
static const struct field_case fields[] = {
	FIELD(pciem_create_device, flags, 0, 4, "uint32_t"),
	FIELD(pciem_create_device, mode, 4, 4, "uint32_t"),

	FIELD(pciem_bar_config, bar_index, 0, 4, "uint32_t"),
	FIELD(pciem_bar_config, flags, 4, 4, "uint32_t"),
	FIELD(pciem_bar_config, size, 8, 8, "uint64_t"),
	FIELD(pciem_bar_config, reserved, 16, 4, "uint32_t"),

	FIELD(pciem_cap_config, cap_type, 0, 4, "uint32_t"),
	FIELD(pciem_cap_config, cap_size, 4, 4, "uint32_t"),
	ARRAY(pciem_cap_config, cap_data, 8, 256, "uint8_t", 256),

	FIELD(pciem_cap_msi_userspace, num_vectors_log2, 0, 1, "uint8_t"),
	FIELD(pciem_cap_msi_userspace, has_64bit, 1, 1, "uint8_t"),
	FIELD(pciem_cap_msi_userspace, has_masking, 2, 1, "uint8_t"),
	FIELD(pciem_cap_msi_userspace, reserved, 3, 1, "uint8_t"),

	FIELD(pciem_cap_msix_userspace, bar_index, 0, 1, "uint8_t"),
	ARRAY(pciem_cap_msix_userspace, reserved, 1, 3, "uint8_t", 3),
	FIELD(pciem_cap_msix_userspace, table_offset, 4, 4, "uint32_t"),
	FIELD(pciem_cap_msix_userspace, pba_offset, 8, 4, "uint32_t"),
	FIELD(pciem_cap_msix_userspace, table_size, 12, 2, "uint16_t"),
	FIELD(pciem_cap_msix_userspace, reserved2, 14, 2, "uint16_t"),

	FIELD(pciem_cap_pm_userspace, d1_support, 0, 1, "uint8_t"),
	FIELD(pciem_cap_pm_userspace, d2_support, 1, 1, "uint8_t"),
	FIELD(pciem_cap_pm_userspace, pme_support, 2, 1, "uint8_t"),
	FIELD(pciem_cap_pm_userspace, no_soft_reset, 3, 1, "uint8_t"),

	FIELD(pciem_cap_pcie_userspace, port_type, 0, 1, "uint8_t"),
	FIELD(pciem_cap_pcie_userspace, max_payload, 1, 1, "uint8_t"),
	FIELD(pciem_cap_pcie_userspace, link_speed, 2, 1, "uint8_t"),
	FIELD(pciem_cap_pcie_userspace, link_width, 3, 1, "uint8_t"),
	FIELD(pciem_cap_pcie_userspace, flr, 4, 1, "uint8_t"),
	ARRAY(pciem_cap_pcie_userspace, reserved, 5, 3, "uint8_t", 3),

	FIELD(pciem_config_space, vendor_id, 0, 2, "uint16_t"),
	FIELD(pciem_config_space, device_id, 2, 2, "uint16_t"),
	FIELD(pciem_config_space, subsys_vendor_id, 4, 2, "uint16_t"),
	FIELD(pciem_config_space, subsys_device_id, 6, 2, "uint16_t"),
	FIELD(pciem_config_space, revision, 8, 1, "uint8_t"),
	ARRAY(pciem_config_space, class_code, 9, 3, "uint8_t", 3),
	FIELD(pciem_config_space, header_type, 12, 1, "uint8_t"),
	ARRAY(pciem_config_space, reserved, 13, 7, "uint8_t", 7),

	FIELD(pciem_event, seq, 0, 8, "uint64_t"),
	FIELD(pciem_event, type, 8, 4, "uint32_t"),
	FIELD(pciem_event, bar, 12, 4, "uint32_t"),
	FIELD(pciem_event, offset, 16, 8, "uint64_t"),
	FIELD(pciem_event, size, 24, 4, "uint32_t"),
	FIELD(pciem_event, reserved, 28, 4, "uint32_t"),
	FIELD(pciem_event, data, 32, 8, "uint64_t"),
	FIELD(pciem_event, timestamp, 40, 8, "uint64_t"),

	FIELD(pciem_response, seq, 0, 8, "uint64_t"),
	FIELD(pciem_response, data, 8, 8, "uint64_t"),
	FIELD(pciem_response, status, 16, 4, "int32_t"),
	FIELD(pciem_response, reserved, 20, 4, "uint32_t"),

	/* head at 0, tail at 4, events on their own cache line at 64. */
	FIELD(pciem_shared_ring, head, 0, 4, "uint32_t"),
	FIELD(pciem_shared_ring, tail, 4, 4, "uint32_t"),
	FIELD(pciem_shared_ring, dropped, 8, 8, "uint64_t"),
	ARRAY(pciem_shared_ring, reserved, 16, 48, "uint8_t", 48),
	ARRAY(pciem_shared_ring, events, 64, 4096 * 48, "struct pciem_event", 4096),

	FIELD(pciem_irq_inject, vector, 0, 4, "uint32_t"),
	FIELD(pciem_irq_inject, reserved, 4, 4, "uint32_t"),

	FIELD(pciem_dma_op, guest_iova, 0, 8, "uint64_t"),
	FIELD(pciem_dma_op, user_addr, 8, 8, "uint64_t"),
	FIELD(pciem_dma_op, length, 16, 4, "uint32_t"),
	FIELD(pciem_dma_op, pasid, 20, 4, "uint32_t"),
	FIELD(pciem_dma_op, flags, 24, 4, "uint32_t"),
	FIELD(pciem_dma_op, reserved, 28, 4, "uint32_t"),

	FIELD(pciem_dma_atomic, guest_iova, 0, 8, "uint64_t"),
	FIELD(pciem_dma_atomic, operand, 8, 8, "uint64_t"),
	FIELD(pciem_dma_atomic, compare, 16, 8, "uint64_t"),
	FIELD(pciem_dma_atomic, op_type, 24, 4, "uint32_t"),
	FIELD(pciem_dma_atomic, pasid, 28, 4, "uint32_t"),
	FIELD(pciem_dma_atomic, result, 32, 8, "uint64_t"),

	FIELD(pciem_p2p_op_user, target_phys_addr, 0, 8, "uint64_t"),
	FIELD(pciem_p2p_op_user, user_addr, 8, 8, "uint64_t"),
	FIELD(pciem_p2p_op_user, length, 16, 4, "uint32_t"),
	FIELD(pciem_p2p_op_user, flags, 20, 4, "uint32_t"),

	FIELD(pciem_bar_info_query, bar_index, 0, 4, "uint32_t"),
	FIELD(pciem_bar_info_query, phys_addr, 8, 8, "uint64_t"),
	FIELD(pciem_bar_info_query, size, 16, 8, "uint64_t"),
	FIELD(pciem_bar_info_query, flags, 24, 4, "uint32_t"),

	FIELD(pciem_watchpoint_config, bar_index, 0, 4, "uint32_t"),
	FIELD(pciem_watchpoint_config, offset, 4, 4, "uint32_t"),
	FIELD(pciem_watchpoint_config, width, 8, 4, "uint32_t"),
	FIELD(pciem_watchpoint_config, flags, 12, 4, "uint32_t"),

	FIELD(pciem_eventfd_config, eventfd, 0, 4, "int32_t"),
	FIELD(pciem_eventfd_config, reserved, 4, 4, "uint32_t"),

	FIELD(pciem_device_info, domain, 0, 4, "uint32_t"),
	FIELD(pciem_device_info, bus, 4, 1, "uint8_t"),
	FIELD(pciem_device_info, devfn, 5, 1, "uint8_t"),
	FIELD(pciem_device_info, reserved, 6, 2, "uint16_t"),
	ARRAY(pciem_device_info, name, 8, 24, "char", 24),

	FIELD(pciem_region_config, bar_index, 0, 4, "uint32_t"),
	FIELD(pciem_region_config, flags, 4, 4, "uint32_t"),
	FIELD(pciem_region_config, offset, 8, 8, "uint64_t"),
	FIELD(pciem_region_config, size, 16, 8, "uint64_t"),
	FIELD(pciem_region_config, width, 24, 4, "uint32_t"),
	FIELD(pciem_region_config, mode, 28, 4, "uint32_t"),
	FIELD(pciem_region_config, write_mask, 32, 8, "uint64_t"),
	FIELD(pciem_region_config, w1c_mask, 40, 8, "uint64_t"),
};

#define N_ELEMS(a) (sizeof(a) / sizeof((a)[0]))

START_TEST(field_layout)
{
	const struct field_case *c = &fields[_i];

	ck_assert_msg(c->off == c->want_off, "%s.%s: offset %zu, want %zu",
		      c->strct, c->field, c->off, c->want_off);
	ck_assert_msg(c->size == c->want_size, "%s.%s: size %zu, want %zu",
		      c->strct, c->field, c->size, c->want_size);
	ck_assert_msg(strcmp(c->type, c->want_type) == 0,
		      "%s.%s: type %s, want %s",
		      c->strct, c->field, c->type, c->want_type);
	ck_assert_msg(c->count == c->want_count,
		      "%s.%s: %zu elements, want %zu",
		      c->strct, c->field, c->count, c->want_count);
}
END_TEST

struct struct_case {
	const char *name;
	size_t size, align;
	size_t want_size, want_align;
	/*
	 * Bytes of the structure no field covers (compiler padding).  The
	 * reference puts a uint64_t after a lone uint32_t in two structures;
	 * on x86-64 that leaves holes, which are part of the ABI too.  Also
	 * catches a field missing from the table above.
	 */
	size_t want_holes;
};

#define STRUCT(S, sz, al, holes)					\
	{ #S, sizeof(struct S), _Alignof(struct S), sz, al, holes }

static const struct struct_case structs[] = {
	STRUCT(pciem_create_device, 8, 4, 0),
	STRUCT(pciem_bar_config, 24, 8, 4),
	STRUCT(pciem_cap_config, 264, 4, 0),
	STRUCT(pciem_cap_msi_userspace, 4, 1, 0),
	STRUCT(pciem_cap_msix_userspace, 16, 4, 0),
	STRUCT(pciem_cap_pm_userspace, 4, 1, 0),
	STRUCT(pciem_cap_pcie_userspace, 8, 1, 0),
	STRUCT(pciem_config_space, 20, 2, 0),
	STRUCT(pciem_event, 48, 8, 0),
	STRUCT(pciem_response, 24, 8, 0),
	STRUCT(pciem_shared_ring, 64 + 4096 * 48, 8, 0),
	STRUCT(pciem_irq_inject, 8, 4, 0),
	STRUCT(pciem_dma_op, 32, 8, 0),
	STRUCT(pciem_dma_atomic, 40, 8, 0),
	STRUCT(pciem_p2p_op_user, 24, 8, 0),
	STRUCT(pciem_bar_info_query, 32, 8, 8),
	STRUCT(pciem_watchpoint_config, 16, 4, 0),
	STRUCT(pciem_eventfd_config, 8, 4, 0),
	STRUCT(pciem_device_info, 32, 4, 0),
	STRUCT(pciem_region_config, 48, 8, 0),
};

START_TEST(struct_layout)
{
	const struct struct_case *c = &structs[_i];
	size_t covered = 0, end = 0, n = 0;

	ck_assert_msg(c->size == c->want_size, "struct %s: size %zu, want %zu",
		      c->name, c->size, c->want_size);
	ck_assert_msg(c->align == c->want_align,
		      "struct %s: alignment %zu, want %zu",
		      c->name, c->align, c->want_align);

	/* The table's fields of this structure must tile it in order. */
	for (size_t i = 0; i < N_ELEMS(fields); i++) {
		const struct field_case *f = &fields[i];

		if (strcmp(f->strct, c->name) != 0)
			continue;
		ck_assert_msg(f->off >= end,
			      "struct %s: %s at %zu overlaps the field before, ending at %zu",
			      c->name, f->field, f->off, end);
		end = f->off + f->size;
		covered += f->size;
		n++;
	}
	ck_assert_msg(n > 0, "struct %s: no fields in the table", c->name);
	ck_assert_msg(end <= c->size, "struct %s: fields end at %zu, past its size %zu",
		      c->name, end, c->size);
	ck_assert_msg(c->size - covered == c->want_holes,
		      "struct %s: %zu bytes of padding, want %zu",
		      c->name, c->size - covered, c->want_holes);
}
END_TEST

/* Every structure of the field table has a row in the structure table. */
START_TEST(every_struct_listed)
{
	for (size_t i = 0; i < N_ELEMS(fields); i++) {
		size_t j = 0;

		while (j < N_ELEMS(structs) &&
		       strcmp(structs[j].name, fields[i].strct) != 0)
			j++;
		ck_assert_msg(j < N_ELEMS(structs),
			      "struct %s has fields but no size row", fields[i].strct);
	}
}
END_TEST

/* ---------------------------------------------------------------------- */
/* ioctl numbers                                                          */
/* ---------------------------------------------------------------------- */

struct ioctl_case {
	const char *name;
	unsigned long value;
	/* The number itself, then its parts as the reference defines them. */
	unsigned long want;
	const char *want_dir;
	unsigned int want_nr, want_size;
};

#define IOCTL(name, want, dir, nr, size) { #name, name, want, dir, nr, size }

static const struct ioctl_case ioctls[] = {
	IOCTL(PCIEM_IOCTL_CREATE_DEVICE, 0xc008af0aUL, "_IOWR", 10, 8),
	IOCTL(PCIEM_IOCTL_ADD_BAR, 0x4018af0bUL, "_IOW", 11, 24),
	IOCTL(PCIEM_IOCTL_ADD_CAPABILITY, 0x4108af0cUL, "_IOW", 12, 264),
	IOCTL(PCIEM_IOCTL_SET_CONFIG, 0x4014af0dUL, "_IOW", 13, 20),
	IOCTL(PCIEM_IOCTL_REGISTER, 0x0000af0eUL, "_IO", 14, 0),
	IOCTL(PCIEM_IOCTL_INJECT_IRQ, 0x4008af0fUL, "_IOW", 15, 8),
	IOCTL(PCIEM_IOCTL_DMA, 0xc020af10UL, "_IOWR", 16, 32),
	IOCTL(PCIEM_IOCTL_DMA_ATOMIC, 0xc028af11UL, "_IOWR", 17, 40),
	IOCTL(PCIEM_IOCTL_P2P, 0xc018af12UL, "_IOWR", 18, 24),
	IOCTL(PCIEM_IOCTL_GET_BAR_INFO, 0xc020af13UL, "_IOWR", 19, 32),
	IOCTL(PCIEM_IOCTL_SET_WATCHPOINT, 0x4010af14UL, "_IOW", 20, 16),
	IOCTL(PCIEM_IOCTL_SET_EVENTFD, 0x4008af15UL, "_IOW", 21, 8),
	/* Extensions: numbers from 32 up. */
	IOCTL(PCIEM_IOCTL_GET_DEVICE_INFO, 0x8020af20UL, "_IOR", 32, 32),
	IOCTL(PCIEM_IOCTL_ADD_REGION, 0x4030af21UL, "_IOW", 33, 48),
	IOCTL(PCIEM_IOCTL_CLEAR_REGIONS, 0x4004af22UL, "_IOW", 34, 4),
	IOCTL(PCIEM_IOCTL_RESPOND, 0x4018af23UL, "_IOW", 35, 24),
	IOCTL(PCIEM_IOCTL_ATTACH, 0xaf24UL, "_IO", 36, 0),
};

static const char *dir_name(unsigned long nr)
{
	switch (_IOC_DIR(nr)) {
	case _IOC_NONE:
		return "_IO";
	case _IOC_WRITE:
		return "_IOW";
	case _IOC_READ:
		return "_IOR";
	case _IOC_READ | _IOC_WRITE:
		return "_IOWR";
	}
	return "(bad direction)";
}

START_TEST(ioctl_number)
{
	const struct ioctl_case *c = &ioctls[_i];

	/* The parts first: they say what is wrong, the number only that. */
	ck_assert_msg(strcmp(dir_name(c->value), c->want_dir) == 0,
		      "%s: direction %s, want %s", c->name,
		      dir_name(c->value), c->want_dir);
	ck_assert_msg(_IOC_TYPE(c->value) == 0xaf, "%s: magic 0x%lx, want 0xaf",
		      c->name, (unsigned long)_IOC_TYPE(c->value));
	ck_assert_msg(_IOC_NR(c->value) == c->want_nr, "%s: nr %lu, want %u",
		      c->name, (unsigned long)_IOC_NR(c->value), c->want_nr);
	ck_assert_msg(_IOC_SIZE(c->value) == c->want_size,
		      "%s: argument size %lu, want %u", c->name,
		      (unsigned long)_IOC_SIZE(c->value), c->want_size);
	ck_assert_msg(c->value == c->want, "%s: 0x%08lx, want 0x%08lx",
		      c->name, c->value, c->want);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Constants                                                              */
/* ---------------------------------------------------------------------- */

struct const_case {
	const char *name;
	unsigned long long value, want;
};

#define CONST(name, want) { #name, (unsigned long long)(name), want }

static const struct const_case consts[] = {
	CONST(PCIEM_IOCTL_MAGIC, 0xaf),

	CONST(PCIEM_EVENT_MMIO_READ, 1),
	CONST(PCIEM_EVENT_MMIO_WRITE, 2),
	CONST(PCIEM_EVENT_CONFIG_READ, 3),
	CONST(PCIEM_EVENT_DROPPED, 16),
	CONST(PCIEM_RESET_FLR, 1),
	CONST(PCIEM_RESET_PM, 2),
	CONST(PCIEM_CREATE_CONFIG_READ_EVENTS, 1),
	CONST(PCIEM_CREATE_DEFER_ATTACH, 2),
	CONST(PCIEM_CREATE_FLAGS, 3),
	CONST(PCIEM_EVENT_CONFIG_WRITE, 4),
	CONST(PCIEM_EVENT_MSI_ACK, 5),
	CONST(PCIEM_EVENT_RESET, 6),

	CONST(PCIEM_ATOMIC_FETCH_ADD, 1),
	CONST(PCIEM_ATOMIC_FETCH_SUB, 2),
	CONST(PCIEM_ATOMIC_SWAP, 3),
	CONST(PCIEM_ATOMIC_CAS, 4),
	CONST(PCIEM_ATOMIC_FETCH_AND, 5),
	CONST(PCIEM_ATOMIC_FETCH_OR, 6),
	CONST(PCIEM_ATOMIC_FETCH_XOR, 7),

	CONST(PCIEM_DMA_FLAG_READ, 0x1),
	CONST(PCIEM_DMA_FLAG_WRITE, 0x2),

	CONST(PCIEM_WP_FLAG_BAR_KPROBES, 0x1),
	CONST(PCIEM_WP_FLAG_BAR_MANUAL, 0x2),

	/* Capability types are the PCI capability IDs. */
	CONST(PCIEM_CAP_PM, 0x01),
	CONST(PCIEM_CAP_MSI, 0x05),
	CONST(PCIEM_CAP_PCIE, 0x10),
	CONST(PCIEM_CAP_MSIX, 0x11),
	CONST(PCIEM_CAP_DATA_MAX, 256),

	CONST(PCIEM_MODE_VIRTUAL_ROOT_BUS, 0),
	CONST(PCIEM_MAX_BARS, 6),
	CONST(PCIEM_BAR_SIZE_MIN, 0x1000),
	CONST(PCIEM_BAR_SIZE_MAX, 0x20000000),

	CONST(PCIEM_RING_SIZE, 4096),
	CONST(PCIEM_PAGE_DIRECT, 0),
	CONST(PCIEM_PAGE_TRAP_WRITES, 1),
	CONST(PCIEM_PAGE_TRAP_ALL, 2),
	CONST(PCIEM_REGION_WRITE_EVENTS, 1),
	CONST(PCIEM_REGION_READ_EVENTS, 2),
	CONST(PCIEM_REGION_SYNC_READ, 4),
	CONST(PCIEM_EVENT_READ_TIMEOUT, 17),
	CONST(PCIEM_EVENT_DMA_FAULT, 18),
	CONST(PCIEM_ATOMIC_OP_MASK, 0xff),
	CONST(PCIEM_ATOMIC_WIDTH_32, 0x100),

	CONST(PCIEM_BAR_MMAP_SHIFT, 40),
	CONST(PCIEM_BAR_MMAP_OFFSET(0), 0),
	CONST(PCIEM_BAR_MMAP_OFFSET(1), 0x10000000000ULL),
	CONST(PCIEM_BAR_MMAP_OFFSET(5), 0x50000000000ULL),
};

START_TEST(constant)
{
	const struct const_case *c = &consts[_i];

	ck_assert_msg(c->value == c->want, "%s: 0x%llx, want 0x%llx",
		      c->name, c->value, c->want);
}
END_TEST

/* ---------------------------------------------------------------------- */
/* Types the tables above cannot see                                      */
/* ---------------------------------------------------------------------- */

/*
 * In C11 user space the ring indices are atomics (the walkthrough calls
 * atomic_load(&ring->head)); they must be plain lock-free 32-bit words, the
 * same memory the kernel reads and writes with READ_ONCE and friends.
 */
START_TEST(ring_indices_atomic)
{
	static struct pciem_shared_ring ring;

	ck_assert_msg(_Generic(&ring.head, _Atomic uint32_t *: 1, default: 0),
		      "pciem_shared_ring.head is not _Atomic uint32_t");
	ck_assert_msg(_Generic(&ring.tail, _Atomic uint32_t *: 1, default: 0),
		      "pciem_shared_ring.tail is not _Atomic uint32_t");
	ck_assert_msg(atomic_is_lock_free(&ring.head), "head is not lock-free");
	ck_assert_msg(atomic_is_lock_free(&ring.tail), "tail is not lock-free");
	ck_assert_msg(_Generic(&ring.dropped, _Atomic uint64_t *: 1, default: 0),
		      "pciem_shared_ring.dropped is not _Atomic uint64_t");
	ck_assert_msg(atomic_is_lock_free(&ring.dropped), "dropped is not lock-free");

	atomic_store(&ring.head, PCIEM_RING_SIZE - 1);
	ck_assert_uint_eq(atomic_load(&ring.head), PCIEM_RING_SIZE - 1);
}
END_TEST

/* mmap() takes the offset as off_t: BAR 5 at 5 << 40 needs 64 bits. */
START_TEST(bar_mmap_offset_type)
{
	ck_assert_str_eq(TYPE_NAME(PCIEM_BAR_MMAP_OFFSET(5)), "uint64_t");
	ck_assert_str_eq(TYPE_NAME(PCIEM_BAR_MMAP_OFFSET((int)5)), "uint64_t");
}
END_TEST

/* ---------------------------------------------------------------------- */

static Suite *abi_suite(void)
{
	Suite *s = suite_create("abi");
	TCase *tc;

	tc = tcase_create("structs");
	tcase_add_loop_test(tc, struct_layout, 0, (int)N_ELEMS(structs));
	tcase_add_test(tc, every_struct_listed);
	suite_add_tcase(s, tc);

	tc = tcase_create("fields");
	tcase_add_loop_test(tc, field_layout, 0, (int)N_ELEMS(fields));
	suite_add_tcase(s, tc);

	tc = tcase_create("ioctls");
	tcase_add_loop_test(tc, ioctl_number, 0, (int)N_ELEMS(ioctls));
	suite_add_tcase(s, tc);

	tc = tcase_create("constants");
	tcase_add_loop_test(tc, constant, 0, (int)N_ELEMS(consts));
	suite_add_tcase(s, tc);

	tc = tcase_create("types");
	tcase_add_test(tc, ring_indices_atomic);
	tcase_add_test(tc, bar_mmap_offset_type);
	suite_add_tcase(s, tc);

	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(abi_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
