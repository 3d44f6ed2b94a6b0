// SPDX-License-Identifier: MIT
/*
 * Get Log Page: error information, SMART / health information (counters
 * of what the driver read and wrote), the firmware slots and the changed
 * namespace list (always empty: namespaces never change); and 0xC0, a
 * vendor-specific page of the controller's own counters.
 */
#include <string.h>

#include "nvme.h"

enum {
	LOG_ERROR = 0x01,
	LOG_SMART = 0x02,
	LOG_FIRMWARE_SLOT = 0x03,
	LOG_CHANGED_NS = 0x04,
	LOG_COUNTERS = 0xc0,
};

/* The newest error first; the error count grows from 1. */
void nvme_error_log_add(struct nvme_ctrl *c, const struct nvme_sq *sq,
			uint16_t cid, uint16_t status)
{
	uint8_t *e;

	memmove(c->error_log[1], c->error_log[0],
		sizeof(c->error_log) - sizeof(c->error_log[0]));
	e = c->error_log[0];
	memset(e, 0, sizeof(c->error_log[0]));
	nvme_put64(e + 0, ++c->error_count);
	nvme_put16(e + 8, sq->qid);
	nvme_put16(e + 10, cid);
	nvme_put16(e + 12, (uint16_t)(status << 1));
	nvme_put16(e + 14, 0xffff);	/* parameter error location: none */
	c->smart.errors++;
}

/* A 128-bit little-endian counter, from 64 bits. */
static void put128(uint8_t *p, uint64_t v)
{
	nvme_put64(p, v);
	nvme_put64(p + 8, 0);
}

static size_t smart_log(struct nvme_ctrl *c, uint8_t *d)
{
	/* Data units: thousands of 512-byte units, rounded up. */
	put128(d + 32, (c->smart.units_read + 999) / 1000);
	put128(d + 48, (c->smart.units_written + 999) / 1000);
	put128(d + 64, c->smart.host_reads);
	put128(d + 80, c->smart.host_writes);
	put128(d + 112, c->smart.power_cycles);
	put128(d + 144, c->smart.unsafe_shutdowns);
	put128(d + 176, c->smart.errors);
	nvme_put16(d + 1, 310);		/* composite temperature: 37 C */
	d[3] = 100;			/* available spare */
	d[4] = 10;			/* its threshold */
	return 512;
}

static size_t firmware_log(struct nvme_ctrl *c, uint8_t *d)
{
	d[0] = 1;			/* slot 1 is active */
	memcpy(d + 8, c->firmware, 8);
	return 512;
}

/*
 * 0xC0: commands, I/O commands, doorbell writes, shadow doorbell moves
 * and interrupts since the controller was made, 64-bit little-endian each.
 */
static size_t counters_log(struct nvme_ctrl *c, uint8_t *d)
{
	const struct nvme_counters *n = &c->counters;

	nvme_put64(d + 0, n->commands);
	nvme_put64(d + 8, n->io_commands);
	nvme_put64(d + 16, n->doorbell_writes);
	nvme_put64(d + 24, n->shadow_reads);
	nvme_put64(d + 32, n->interrupts);
	return 512;
}

uint16_t nvme_get_log_page(struct nvme_ctrl *c, const struct nvme_sqe *cmd)
{
	uint8_t lid = (uint8_t)cmd->cdw10;
	uint64_t dwords = ((uint64_t)(cmd->cdw11 & 0xffff) << 16 |
			   cmd->cdw10 >> 16) + 1;
	uint64_t offset = (uint64_t)cmd->cdw13 << 32 | cmd->cdw12;
	uint64_t len = dwords * 4;
	uint8_t *d = c->buf;
	size_t size;

	if (len > c->buf_size || offset & 3)
		return NVME_SC_INVALID_FIELD;
	memset(d, 0, c->buf_size);
	switch (lid) {
	case LOG_ERROR:
		size = sizeof(c->error_log);
		memcpy(d, c->error_log, size);
		break;
	case LOG_SMART:
		if (cmd->nsid && cmd->nsid != 0xffffffff)
			return NVME_SC_INVALID_FIELD;	/* LPA: no per-ns */
		size = smart_log(c, d);
		break;
	case LOG_FIRMWARE_SLOT:
		size = firmware_log(c, d);
		break;
	case LOG_CHANGED_NS:
		size = 4096;
		break;
	case LOG_COUNTERS:
		size = counters_log(c, d);
		break;
	default:
		return NVME_SC_INVALID_LOG_PAGE;
	}
	if (offset >= size)
		return NVME_SC_INVALID_FIELD;
	if (offset) {
		memmove(d, d + offset, size - offset);
		memset(d + size - offset, 0, offset);
	}
	return nvme_prp_transfer(c, cmd, d, (size_t)len, NVME_TO_HOST);
}
