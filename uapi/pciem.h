/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR MIT) */
/*
 * PCIem user-space ABI: the ioctls, structures and shared-memory layouts of
 * /dev/pciem.  One header for the kernel module, the daemon, plugins and
 * users' own device programs.
 *
 * The structures, field order, ioctl numbers and event types up to
 * PCIEM_IOCTL_SET_EVENTFD are those of the PCIem ABI reference and never
 * change; everything added later gets new numbers.  Sizes and offsets are
 * pinned by tests/unit/test_abi.c.
 *
 * Field types are the fixed-width C99 ones (the kernel provides them too),
 * so code written against the reference compiles unchanged.
 */
#ifndef PCIEM_UAPI_PCIEM_H
#define PCIEM_UAPI_PCIEM_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif
#include <linux/ioctl.h>
/* PCI_BASE_ADDRESS_*, PCI_CAP_ID_*, PCI_EXP_TYPE_*: used as BAR flags and values. */
#include <linux/pci_regs.h>

/*
 * The event ring's indices are C11 atomics for user space, so
 * atomic_load(&ring->head) works with any compiler; the kernel side uses
 * READ_ONCE/smp_load_acquire/smp_store_release on the same 32-bit words.
 */
#if defined(__KERNEL__) || defined(__cplusplus) || defined(__STDC_NO_ATOMICS__) || \
	!defined(__STDC_VERSION__) || __STDC_VERSION__ < 201112L
#define PCIEM_ATOMIC(type) type
#else
#define PCIEM_ATOMIC(type) _Atomic type
#endif

/* ---------------------------------------------------------------------- */
/* Device construction                                                    */
/* ---------------------------------------------------------------------- */

/* pciem_create_device.mode: the device sits alone on a virtual root bus. */
#define PCIEM_MODE_VIRTUAL_ROOT_BUS	0

/* pciem_create_device.flags */
#define PCIEM_CREATE_CONFIG_READ_EVENTS	(1u << 0)	/* post CONFIG_READ events */
/*
 * Drivers bind at PCIEM_IOCTL_ATTACH, not right after REGISTER, so the
 * process can fill BAR memory (register reset values) before a probe reads
 * it.
 */
#define PCIEM_CREATE_DEFER_ATTACH	(1u << 1)
#define PCIEM_CREATE_FLAGS		(PCIEM_CREATE_CONFIG_READ_EVENTS | \
					 PCIEM_CREATE_DEFER_ATTACH)

struct pciem_create_device {
	uint32_t flags;		/* PCIEM_CREATE_* */
	uint32_t mode;		/* PCIEM_MODE_* */
};

/* Memory BARs only: bar_index 0..5; a 64-bit BAR also takes index + 1. */
#define PCIEM_MAX_BARS		6
#define PCIEM_MAX_REGIONS	1024	/* ADD_REGION: per BAR, until CLEAR_REGIONS */
#define PCIEM_BAR_SIZE_MIN	0x1000ULL	/* 4 KiB */
#define PCIEM_BAR_SIZE_MAX	0x20000000ULL	/* 512 MiB */

struct pciem_bar_config {
	uint32_t bar_index;
	/*
	 * PCI_BASE_ADDRESS_SPACE_MEMORY | PCI_BASE_ADDRESS_MEM_TYPE_32 or
	 * PCI_BASE_ADDRESS_MEM_TYPE_64, optionally | PCI_BASE_ADDRESS_MEM_PREFETCH.
	 * PCI_BASE_ADDRESS_SPACE_IO is refused with EOPNOTSUPP.
	 */
	uint32_t flags;
	uint64_t size;		/* power of two, PCIEM_BAR_SIZE_MIN..MAX */
	uint32_t reserved;	/* must be 0 */
};

/*
 * pciem_cap_config.cap_type: the PCI capability ID of the capability.
 * cap_data holds the matching pciem_cap_*_userspace payload and cap_size
 * must be exactly its size.  Each type may be added once.
 */
#define PCIEM_CAP_PM		PCI_CAP_ID_PM	/* struct pciem_cap_pm_userspace */
#define PCIEM_CAP_MSI		PCI_CAP_ID_MSI	/* struct pciem_cap_msi_userspace */
#define PCIEM_CAP_PCIE		PCI_CAP_ID_EXP	/* struct pciem_cap_pcie_userspace */
#define PCIEM_CAP_MSIX		PCI_CAP_ID_MSIX	/* struct pciem_cap_msix_userspace */

#define PCIEM_CAP_DATA_MAX	256

struct pciem_cap_config {
	uint32_t cap_type;
	uint32_t cap_size;
	uint8_t cap_data[PCIEM_CAP_DATA_MAX];
};

struct pciem_cap_msi_userspace {
	uint8_t num_vectors_log2;	/* 0..5: 1..32 vectors (Multiple Message Capable) */
	uint8_t has_64bit;		/* 0 or 1: 64-bit message address */
	uint8_t has_masking;		/* 0 or 1: per-vector mask and pending bits */
	uint8_t reserved;		/* must be 0 */
};

/*
 * The MSI-X table (16 bytes per entry) and PBA (one bit per entry, 8-byte
 * words) live in a memory BAR of this device that must already be added;
 * both must lie inside it, 8-byte aligned, and must not overlap.
 */
struct pciem_cap_msix_userspace {
	uint8_t bar_index;
	uint8_t reserved[3];		/* must be 0 */
	uint32_t table_offset;
	uint32_t pba_offset;
	uint16_t table_size;		/* number of vectors, 1..2048 */
	uint16_t reserved2;		/* must be 0 */
};

/* Power Management capability (PCI PM 1.2, version 3). */
struct pciem_cap_pm_userspace {
	uint8_t d1_support;		/* 0 or 1 */
	uint8_t d2_support;		/* 0 or 1 */
	uint8_t pme_support;		/* PME# from: bit 0 D0, 1 D1, 2 D2, 3 D3hot, 4 D3cold */
	uint8_t no_soft_reset;		/* 0 or 1: state kept across D3hot -> D0 */
};

/* PCI Express capability, version 2. */
struct pciem_cap_pcie_userspace {
	uint8_t port_type;	/* PCI_EXP_TYPE_ENDPOINT, _LEG_END or _RC_END */
	uint8_t max_payload;	/* Max_Payload_Size_Supported: 0 (128 B) .. 5 (4096 B) */
	uint8_t link_speed;	/* max link speed: 1 (2.5 GT/s) .. 5 (32 GT/s); 0 means 1 */
	uint8_t link_width;	/* lanes: 1, 2, 4, 8, 12, 16 or 32; 0 means 1 */
	uint8_t flr;		/* 0 or 1: Function Level Reset supported */
	uint8_t reserved[3];	/* must be 0 */
};

struct pciem_config_space {
	uint16_t vendor_id;		/* not 0x0000 or 0xffff */
	uint16_t device_id;
	uint16_t subsys_vendor_id;
	uint16_t subsys_device_id;
	uint8_t revision;
	uint8_t class_code[3];		/* [0] prog-if, [1] sub-class, [2] base class */
	uint8_t header_type;		/* must be 0 (type-0 header, single function) */
	uint8_t reserved[7];		/* must be 0 */
};

/* ---------------------------------------------------------------------- */
/* Events and the shared ring                                             */
/* ---------------------------------------------------------------------- */

#define PCIEM_EVENT_MMIO_READ		1
#define PCIEM_EVENT_MMIO_WRITE		2
#define PCIEM_EVENT_CONFIG_READ		3
#define PCIEM_EVENT_CONFIG_WRITE	4
#define PCIEM_EVENT_MSI_ACK		5
#define PCIEM_EVENT_RESET		6
/* Extension: events were lost; seq is the first lost one, data the count. */
#define PCIEM_EVENT_DROPPED		16
/* Extension: the synchronous read with this seq got no answer in time. */
#define PCIEM_EVENT_READ_TIMEOUT	17
/*
 * Extension: a DMA or DMA_ATOMIC touched memory the driver had not mapped
 * for that access, and was refused with EFAULT.  offset is the IOVA, size
 * the length, data the access: PCIEM_DMA_FLAG_READ and/or _WRITE.
 */
#define PCIEM_EVENT_DMA_FAULT		18

/* PCIEM_EVENT_RESET data: why the function was reset. */
#define PCIEM_RESET_FLR			1	/* Function Level Reset */
#define PCIEM_RESET_PM			2	/* D3hot -> D0 without No_Soft_Reset */

struct pciem_event {
	uint64_t seq;
	uint32_t type;		/* PCIEM_EVENT_* */
	uint32_t bar;
	uint64_t offset;
	uint32_t size;
	uint32_t reserved;
	uint64_t data;
	uint64_t timestamp;
};

/*
 * PCIEM_IOCTL_RESPOND: the answer to the synchronous read posted as the
 * MMIO_READ event with this seq.  status 0 completes the read with data;
 * anything else completes it with all-ones, as a failed completion does.
 */
struct pciem_response {
	uint64_t seq;
	uint64_t data;
	int32_t status;
	uint32_t reserved;
};

/*
 * The event ring: mmap() of the control fd at offset 0, at least
 * sizeof(struct pciem_shared_ring) bytes, PROT_READ | PROT_WRITE, MAP_SHARED.
 *
 * head and tail are slot indices in [0, PCIEM_RING_SIZE).  The kernel fills
 * events[tail], then publishes it by advancing tail (release); the device
 * process reads events[head] after loading tail (acquire), then advances
 * head.  head == tail means empty; the ring holds PCIEM_RING_SIZE - 1 events.
 * Only the process writes head; it must not write anything else.
 *
 * seq numbers every event the device generated, posted or not; timestamp is
 * CLOCK_MONOTONIC in nanoseconds when it happened.  When the ring is full
 * in a context that cannot wait, the event is lost: dropped counts all lost
 * events, and the next event posted is a PCIEM_EVENT_DROPPED saying how
 * many were lost before it, so seq gaps are always explained.
 */
#define PCIEM_RING_SIZE		4096

struct pciem_shared_ring {
	PCIEM_ATOMIC(uint32_t) head;	/* next slot to consume; written by the process */
	PCIEM_ATOMIC(uint32_t) tail;	/* next slot to fill; written by the kernel */
	PCIEM_ATOMIC(uint64_t) dropped;	/* events lost so far; written by the kernel */
	uint8_t reserved[48];		/* zero; keeps events[] on its own cache line */
	struct pciem_event events[PCIEM_RING_SIZE];
};

/* ---------------------------------------------------------------------- */
/* Run time                                                               */
/* ---------------------------------------------------------------------- */

struct pciem_irq_inject {
	uint32_t vector;
	uint32_t reserved;
};

#define PCIEM_DMA_FLAG_READ	0x1
#define PCIEM_DMA_FLAG_WRITE	0x2

struct pciem_dma_op {
	uint64_t guest_iova;
	uint64_t user_addr;
	uint32_t length;
	uint32_t pasid;
	uint32_t flags;
	uint32_t reserved;
};

/*
 * Scatter-gather DMA: nr_segs ranges of the driver's memory, in order,
 * to or from one contiguous buffer of the process (their lengths added).
 * Every range is checked before a byte moves.
 */
#define PCIEM_DMA_SG_MAX_SEGS	1024

struct pciem_dma_seg {
	uint64_t iova;
	uint32_t length;
	uint32_t reserved;
};

struct pciem_dma_sg_op {
	uint64_t segs;		/* user pointer to nr_segs struct pciem_dma_seg */
	uint64_t user_addr;
	uint32_t nr_segs;
	uint32_t flags;		/* PCIEM_DMA_FLAG_READ or _WRITE */
	uint32_t pasid;
	uint32_t reserved;
};

#define PCIEM_ATOMIC_FETCH_ADD	1
#define PCIEM_ATOMIC_FETCH_SUB	2
#define PCIEM_ATOMIC_SWAP	3
#define PCIEM_ATOMIC_CAS	4
#define PCIEM_ATOMIC_FETCH_AND	5
#define PCIEM_ATOMIC_FETCH_OR	6
#define PCIEM_ATOMIC_FETCH_XOR	7
/*
 * Extension: pciem_dma_atomic.op_type is one of the operations above, the
 * target 8 bytes wide; with PCIEM_ATOMIC_WIDTH_32 or'ed in, it is 4 bytes
 * wide and operand and compare must fit in 32 bits.
 */
#define PCIEM_ATOMIC_OP_MASK	0xff
#define PCIEM_ATOMIC_WIDTH_32	(1u << 8)

struct pciem_dma_atomic {
	uint64_t guest_iova;
	uint64_t operand;
	uint64_t compare;
	uint32_t op_type;
	uint32_t pasid;
	uint64_t result;
};

struct pciem_p2p_op_user {
	uint64_t target_phys_addr;
	uint64_t user_addr;
	uint32_t length;
	uint32_t flags;
};

/*
 * phys_addr is the BAR's bus address once the device is registered (0
 * before); size and flags are as added.
 */
struct pciem_bar_info_query {
	uint32_t bar_index;
	uint64_t phys_addr;
	uint64_t size;
	uint32_t flags;
};

/*
 * The instance fd (returned by PCIEM_IOCTL_REGISTER) maps BAR n at this
 * offset: mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, instance_fd,
 * PCIEM_BAR_MMAP_OFFSET(n)).  BAR 0 is at offset 0.  The mapping shares
 * memory with every kernel mapping of the BAR.
 */
#define PCIEM_BAR_MMAP_SHIFT	40
#define PCIEM_BAR_MMAP_OFFSET(bar)	((uint64_t)(bar) << PCIEM_BAR_MMAP_SHIFT)

#define PCIEM_WP_FLAG_BAR_KPROBES (1 << 0)
#define PCIEM_WP_FLAG_BAR_MANUAL (1 << 1)

struct pciem_watchpoint_config {
	uint32_t bar_index;
	uint32_t offset;
	uint32_t width;
	uint32_t flags;
};

struct pciem_eventfd_config {
	int32_t eventfd;
	uint32_t reserved;
};

/* ---------------------------------------------------------------------- */
/* Extensions (numbers from 32 up; the reference ABI uses 10..21)          */
/* ---------------------------------------------------------------------- */

/* Where a registered device sits on the PCI bus (PCIEM_IOCTL_GET_DEVICE_INFO). */
struct pciem_device_info {
	uint32_t domain;	/* PCI domain, 0x10000 and up */
	uint8_t bus;
	uint8_t devfn;
	uint16_t reserved;
	char name[24];		/* "DDDDD:BB:DD.F", NUL-terminated, as in sysfs */
};

/*
 * Trapped BAR pages.  Every page of a BAR has an access mode, derived from
 * the regions the device declares on it (a BAR without regions is plain
 * shared memory, as in the walkthrough):
 *   PCIEM_PAGE_DIRECT       reads and writes go to memory; no events
 *   PCIEM_PAGE_TRAP_WRITES  reads go to memory; writes are emulated
 *   PCIEM_PAGE_TRAP_ALL     reads and writes are emulated
 * A page takes the strongest mode any region on it needs: the region's
 * mode, TRAP_WRITES for write masks, write-1-to-clear bits or write events,
 * TRAP_ALL for read events.  Emulated writes apply the region's register
 * semantics per byte: bits outside write_mask keep their value, bits in
 * w1c_mask are cleared by writing 1.  Bytes of a trapped page outside any
 * region behave as memory.
 */
#define PCIEM_PAGE_DIRECT		0
#define PCIEM_PAGE_TRAP_WRITES		1
#define PCIEM_PAGE_TRAP_ALL		2

#define PCIEM_REGION_WRITE_EVENTS	(1u << 0)	/* MMIO_WRITE per driver write */
#define PCIEM_REGION_READ_EVENTS	(1u << 1)	/* MMIO_READ per driver read */
/*
 * Each driver read posts MMIO_READ and waits for the process to answer it
 * with PCIEM_IOCTL_RESPOND (same seq); without an answer within the
 * module's read_timeout_ms it returns all-ones and READ_TIMEOUT is posted.
 */
#define PCIEM_REGION_SYNC_READ		(1u << 2)

struct pciem_region_config {
	uint32_t bar_index;
	uint32_t flags;		/* PCIEM_REGION_* */
	uint64_t offset;	/* in the BAR, aligned to width */
	uint64_t size;		/* a multiple of width */
	uint32_t width;		/* register width: 1, 2, 4 or 8 */
	uint32_t mode;		/* PCIEM_PAGE_*: the least its pages get */
	uint64_t write_mask;	/* bits of each register the driver may change */
	uint64_t w1c_mask;	/* bits the driver clears by writing 1; not in write_mask */
};

/* ---------------------------------------------------------------------- */
/* ioctls (on the control fd; see docs/abi.md for each one's errors)      */
/* ---------------------------------------------------------------------- */

#define PCIEM_IOCTL_MAGIC 0xAF

#define PCIEM_IOCTL_CREATE_DEVICE _IOWR(PCIEM_IOCTL_MAGIC, 10, struct pciem_create_device)
#define PCIEM_IOCTL_ADD_BAR _IOW(PCIEM_IOCTL_MAGIC, 11, struct pciem_bar_config)
#define PCIEM_IOCTL_ADD_CAPABILITY _IOW(PCIEM_IOCTL_MAGIC, 12, struct pciem_cap_config)
#define PCIEM_IOCTL_SET_CONFIG _IOW(PCIEM_IOCTL_MAGIC, 13, struct pciem_config_space)
#define PCIEM_IOCTL_REGISTER _IO(PCIEM_IOCTL_MAGIC, 14)
#define PCIEM_IOCTL_INJECT_IRQ _IOW(PCIEM_IOCTL_MAGIC, 15, struct pciem_irq_inject)
#define PCIEM_IOCTL_DMA _IOWR(PCIEM_IOCTL_MAGIC, 16, struct pciem_dma_op)
#define PCIEM_IOCTL_DMA_ATOMIC _IOWR(PCIEM_IOCTL_MAGIC, 17, struct pciem_dma_atomic)
#define PCIEM_IOCTL_P2P _IOWR(PCIEM_IOCTL_MAGIC, 18, struct pciem_p2p_op_user)
#define PCIEM_IOCTL_GET_BAR_INFO _IOWR(PCIEM_IOCTL_MAGIC, 19, struct pciem_bar_info_query)
#define PCIEM_IOCTL_SET_WATCHPOINT _IOW(PCIEM_IOCTL_MAGIC, 20, struct pciem_watchpoint_config)
#define PCIEM_IOCTL_SET_EVENTFD _IOW(PCIEM_IOCTL_MAGIC, 21, struct pciem_eventfd_config)
#define PCIEM_IOCTL_DMA_SG _IOW(PCIEM_IOCTL_MAGIC, 22, struct pciem_dma_sg_op)

#define PCIEM_IOCTL_GET_DEVICE_INFO _IOR(PCIEM_IOCTL_MAGIC, 32, struct pciem_device_info)
#define PCIEM_IOCTL_ADD_REGION _IOW(PCIEM_IOCTL_MAGIC, 33, struct pciem_region_config)
/* Remove every region of one BAR (argument: the BAR index). */
#define PCIEM_IOCTL_CLEAR_REGIONS _IOW(PCIEM_IOCTL_MAGIC, 34, uint32_t)
#define PCIEM_IOCTL_RESPOND _IOW(PCIEM_IOCTL_MAGIC, 35, struct pciem_response)
/* Let drivers bind to a device created with PCIEM_CREATE_DEFER_ATTACH. */
#define PCIEM_IOCTL_ATTACH _IO(PCIEM_IOCTL_MAGIC, 36)

#endif /* PCIEM_UAPI_PCIEM_H */
