/* SPDX-License-Identifier: MIT */
/*
 * An NVMe 1.4 controller as a pciemd plugin (devices/nvme.yaml): the
 * controller's state, and the few numbers of the specification it uses.
 *
 * Everything runs on pciemd's loop thread: doorbell and CC handlers, the
 * commands they start, DMA and the backing files' I/O.  Nothing here is
 * shared with another thread, so nothing is locked.
 */
#ifndef PCIEM_NVME_H
#define PCIEM_NVME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pciem/plugin.h>

#define NVME_PAGE		4096u	/* CC.MPS 0, the only page size */
#define NVME_MAX_NAMESPACES	16u
#define NVME_MAX_QUEUES		1024u	/* queue pairs, admin's included */
#define NVME_AER_LIMIT		4u	/* Identify's AERL + 1 */
#define NVME_MDTS		7u	/* 2^7 pages: 512 KiB a command */
#define NVME_ERROR_LOG_ENTRIES	16u

/* Controller registers (offsets into BAR 0). */
#define NVME_REG_CAP	0x00
#define NVME_REG_CC	0x14
#define NVME_REG_CSTS	0x1c

#define NVME_CC_EN		(1u << 0)
#define NVME_CC_CSS(cc)		(((cc) >> 4) & 0x7)
#define NVME_CC_MPS(cc)		(((cc) >> 7) & 0xf)
#define NVME_CC_SHN(cc)		(((cc) >> 14) & 0x3)
#define NVME_CC_IOSQES(cc)	(((cc) >> 16) & 0xf)
#define NVME_CC_IOCQES(cc)	(((cc) >> 20) & 0xf)

#define NVME_CSTS_RDY		(1u << 0)
#define NVME_CSTS_CFS		(1u << 1)
#define NVME_CSTS_SHST_MASK	(3u << 2)
#define NVME_CSTS_SHST_DONE	(2u << 2)

/* A submission queue entry, as the driver writes it (64 bytes). */
struct nvme_sqe {
	uint8_t opcode;
	uint8_t flags;
	uint16_t cid;
	uint32_t nsid;
	uint32_t cdw2, cdw3;
	uint64_t mptr;
	uint64_t prp1, prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

/* A completion queue entry (16 bytes). */
struct nvme_cqe {
	uint32_t dw0, dw1;
	uint16_t sq_head, sq_id;
	uint16_t cid;
	uint16_t status;	/* bit 0: phase tag; 15:1 the status field */
};

_Static_assert(sizeof(struct nvme_sqe) == 64, "SQ entry size");
_Static_assert(sizeof(struct nvme_cqe) == 16, "CQ entry size");

/* Status: the status code type in bits 10:8, the code in 7:0; DNR bit 14. */
#define NVME_SCT_GENERIC		0x000
#define NVME_SCT_COMMAND		0x100
#define NVME_SCT_MEDIA			0x200
#define NVME_DNR			0x4000

#define NVME_SC_SUCCESS			0x00
#define NVME_SC_INVALID_OPCODE		(0x01 | NVME_DNR)
#define NVME_SC_INVALID_FIELD		(0x02 | NVME_DNR)
#define NVME_SC_DATA_XFER_ERROR		0x04
#define NVME_SC_INTERNAL		0x06
#define NVME_SC_ABORT_DELETED		0x08	/* the SQ was deleted */
#define NVME_SC_INVALID_NS		(0x0b | NVME_DNR)
#define NVME_SC_CMD_SEQ_ERROR		(0x0c | NVME_DNR)
#define NVME_SC_PRP_OFFSET		(0x13 | NVME_DNR)
#define NVME_SC_LBA_RANGE		(0x80 | NVME_DNR)
#define NVME_SC_CAP_EXCEEDED		(0x81 | NVME_DNR)
#define NVME_SC_NS_NOT_READY		0x82

#define NVME_SC_CQ_INVALID		(NVME_SCT_COMMAND | 0x00 | NVME_DNR)
#define NVME_SC_QID_INVALID		(NVME_SCT_COMMAND | 0x01 | NVME_DNR)
#define NVME_SC_QUEUE_SIZE		(NVME_SCT_COMMAND | 0x02 | NVME_DNR)
#define NVME_SC_ABORT_LIMIT		(NVME_SCT_COMMAND | 0x03 | NVME_DNR)
#define NVME_SC_AER_LIMIT		(NVME_SCT_COMMAND | 0x05 | NVME_DNR)
#define NVME_SC_INVALID_LOG_PAGE	(NVME_SCT_COMMAND | 0x09 | NVME_DNR)
#define NVME_SC_INVALID_FORMAT		(NVME_SCT_COMMAND | 0x0a | NVME_DNR)
#define NVME_SC_INVALID_VECTOR		(NVME_SCT_COMMAND | 0x08 | NVME_DNR)
#define NVME_SC_INVALID_QUEUE_DELETE	(NVME_SCT_COMMAND | 0x0c | NVME_DNR)
#define NVME_SC_FEATURE_NOT_SAVEABLE	(NVME_SCT_COMMAND | 0x0d | NVME_DNR)
#define NVME_SC_COMPARE_FAILED		(NVME_SCT_MEDIA | 0x85 | NVME_DNR)

/* Feature identifiers the controller keeps. */
#define NVME_FEAT_ARBITRATION	0x01
#define NVME_FEAT_POWER_MGMT	0x02
#define NVME_FEAT_TEMP_THRESH	0x04
#define NVME_FEAT_ERR_RECOVERY	0x05
#define NVME_FEAT_VOLATILE_WC	0x06
#define NVME_FEAT_NUM_QUEUES	0x07
#define NVME_FEAT_IRQ_COALESCE	0x08
#define NVME_FEAT_IRQ_CONFIG	0x09
#define NVME_FEAT_WRITE_ATOMIC	0x0a
#define NVME_FEAT_ASYNC_EVENT	0x0b
#define NVME_FEAT_TIMESTAMP	0x0e

struct nvme_ctrl;

/* A namespace: an LBA range backed by a file. */
struct nvme_ns {
	uint32_t nsid;
	int fd;
	unsigned int lba_shift;		/* 9 or 12 */
	uint64_t blocks;
	char *path;
	bool created;			/* made by this start: gone if it fails */
};

struct nvme_cq {
	bool live;
	uint16_t qid;
	uint32_t size;			/* entries */
	uint64_t base;			/* DMA address */
	uint32_t tail, head;
	bool phase;
	bool irq_enabled;
	uint16_t vector;
	unsigned int pending_irq;	/* entries posted since the last interrupt */
};

struct nvme_sq {
	bool live;
	uint16_t qid, cqid;
	uint32_t size;
	uint64_t base;
	uint32_t head, tail;
};

struct nvme_smart {
	uint64_t units_read, units_written;	/* 512-byte units */
	uint64_t host_reads, host_writes;
	uint64_t power_cycles;
	uint64_t unsafe_shutdowns;
	uint64_t errors;
};

/*
 * What the controller did, for the vendor log page 0xC0 (log_counters):
 * how many trapped doorbell writes and interrupts each command cost.
 */
struct nvme_counters {
	uint64_t commands;		/* fetched from any submission queue */
	uint64_t io_commands;		/* of those, from I/O queues */
	uint64_t doorbell_writes;	/* MMIO doorbell writes handled */
	uint64_t shadow_reads;		/* shadow doorbells that moved a queue */
	uint64_t interrupts;		/* vectors raised */
};

struct nvme_ctrl {
	struct pciem_device *dev;

	/* From the description and parameters. */
	const struct pciem_register *cap, *vs, *intms, *intmc, *cc_reg, *csts;
	const struct pciem_register *aqa, *asq, *acq;
	unsigned int max_queues;	/* queue pairs, admin's included */
	unsigned int vectors;		/* MSI-X vectors */
	uint32_t queue_entries;		/* CAP.MQES + 1 */
	char serial[21], model[41], firmware[9];
	uint16_t vendor, subsys_vendor;
	struct nvme_ns ns[NVME_MAX_NAMESPACES];
	unsigned int n_ns;

	/* Controller state. */
	uint32_t cc;			/* CC as last acted on */
	bool enabled;
	bool bus_master;
	uint32_t irq_mask;		/* INTMS/INTMC, for MSI and INTx */
	struct nvme_sq *sq;		/* max_queues of each */
	struct nvme_cq *cq;
	uint64_t shadow_db, event_idx;	/* Doorbell Buffer Config, 0 when off */
	bool shut_down;			/* CC.SHN since the last disable */

	/* Features. */
	uint32_t feat_arbitration, feat_power, feat_temp_thresh;
	uint32_t feat_err_recovery, feat_irq_coalesce, feat_async_event;
	bool vwc_present;		/* a volatile write cache (write_cache) */
	bool write_cache;		/* and it is enabled */
	uint64_t timestamp_ms, timestamp_set_at_ms;

	/* Asynchronous Event Requests outstanding. */
	uint16_t aer_cid[NVME_AER_LIMIT];
	unsigned int n_aer;

	/* Logs. */
	struct nvme_smart smart;
	struct nvme_counters counters;
	uint64_t error_count;
	uint8_t error_log[NVME_ERROR_LOG_ENTRIES][64];

	/* One command's data, MDTS pages (as big as a PRP list page too). */
	uint8_t *buf;
	size_t buf_size;
};

/* ctrl.c: CC, CSTS, enabling and disabling. */
void nvme_ctrl_disable(struct nvme_ctrl *c, bool shutdown);
void nvme_ctrl_fatal(struct nvme_ctrl *c, const char *why);

/* queues.c: queues, doorbells and completions. */
int nvme_queues_alloc(struct nvme_ctrl *c);
void nvme_queues_free(struct nvme_ctrl *c);
void nvme_queues_reset(struct nvme_ctrl *c);
void nvme_shadow_forget(struct nvme_ctrl *c);
void nvme_complete(struct nvme_ctrl *c, struct nvme_sq *sq, uint16_t cid,
		   uint16_t status, uint32_t dw0);
void nvme_sq_run(struct nvme_ctrl *c, struct nvme_sq *sq);
void nvme_cq_run(struct nvme_ctrl *c, struct nvme_cq *cq);
void nvme_queues_resync(struct nvme_ctrl *c);
void nvme_irq_flush(struct nvme_ctrl *c);
uint16_t nvme_create_cq(struct nvme_ctrl *c, const struct nvme_sqe *cmd);
uint16_t nvme_create_sq(struct nvme_ctrl *c, const struct nvme_sqe *cmd);
uint16_t nvme_delete_cq(struct nvme_ctrl *c, const struct nvme_sqe *cmd);
uint16_t nvme_delete_sq(struct nvme_ctrl *c, const struct nvme_sqe *cmd);
uint16_t nvme_dbbuf_config(struct nvme_ctrl *c, const struct nvme_sqe *cmd);

/* prp.c: moving a command's data through its PRPs. */
#define NVME_TO_HOST	true
#define NVME_FROM_HOST	false
uint16_t nvme_prp_transfer(struct nvme_ctrl *c, const struct nvme_sqe *cmd,
			   void *buf, size_t len, bool to_host);

/* admin.c, identify.c, logs.c, features.c: the admin command set. */
bool nvme_admin(struct nvme_ctrl *c, struct nvme_sq *sq,
		const struct nvme_sqe *cmd, uint16_t *status, uint32_t *dw0);
uint16_t nvme_identify(struct nvme_ctrl *c, const struct nvme_sqe *cmd);
uint16_t nvme_get_log_page(struct nvme_ctrl *c, const struct nvme_sqe *cmd);
uint16_t nvme_get_features(struct nvme_ctrl *c, const struct nvme_sqe *cmd,
			   uint32_t *dw0);
uint16_t nvme_set_features(struct nvme_ctrl *c, const struct nvme_sqe *cmd,
			   uint32_t *dw0);
void nvme_features_reset(struct nvme_ctrl *c);
void nvme_error_log_add(struct nvme_ctrl *c, const struct nvme_sq *sq,
			uint16_t cid, uint16_t status);

/* io.c: the NVM command set. */
uint16_t nvme_io(struct nvme_ctrl *c, const struct nvme_sqe *cmd);

/* namespace.c: namespaces and their backing files. */
int nvme_namespaces_open(struct nvme_ctrl *c);
void nvme_namespaces_close(struct nvme_ctrl *c, bool failed);
struct nvme_ns *nvme_ns_get(struct nvme_ctrl *c, uint32_t nsid);
uint16_t nvme_ns_format(struct nvme_ctrl *c, struct nvme_ns *ns);
int nvme_ns_sync(struct nvme_ns *ns);

/* Little-endian stores into identify and log pages. */
static inline void nvme_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void nvme_put32(uint8_t *p, uint32_t v)
{
	nvme_put16(p, (uint16_t)v);
	nvme_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void nvme_put64(uint8_t *p, uint64_t v)
{
	nvme_put32(p, (uint32_t)v);
	nvme_put32(p + 4, (uint32_t)(v >> 32));
}

#endif /* PCIEM_NVME_H */
