// SPDX-License-Identifier: MIT
/*
 * Get and Set Features.  Values are kept and read back; the ones that
 * change what the controller does: Number of Queues (how many I/O queues
 * may be made), Volatile Write Cache (off: every write is made durable
 * before it completes) and Timestamp.
 */
/* GNU and POSIX calls also when built alone with pkg-config's flags. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <time.h>

#include "nvme.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

void nvme_features_reset(struct nvme_ctrl *c)
{
	c->feat_arbitration = 0;
	c->feat_power = 0;
	c->feat_temp_thresh = 343;	/* WCTEMP */
	c->feat_err_recovery = 0;
	c->feat_irq_coalesce = 0;
	c->feat_async_event = 0;
	c->write_cache = c->vwc_present;
	c->timestamp_ms = 0;
	c->timestamp_set_at_ms = now_ms();
}

/*
 * What Number of Queues reports: every queue pair the description allows,
 * whatever was asked (the specification lets the allocation differ from
 * the request; the driver uses the smaller of the two).
 */
static uint32_t queues_dw0(const struct nvme_ctrl *c)
{
	uint32_t n = c->max_queues - 1;

	return (n - 1) | (n - 1) << 16;
}

static bool io_queues_exist(const struct nvme_ctrl *c)
{
	for (unsigned int q = 1; q < c->max_queues; q++)
		if (c->sq[q].live || c->cq[q].live)
			return true;
	return false;
}

uint16_t nvme_get_features(struct nvme_ctrl *c, const struct nvme_sqe *cmd,
			   uint32_t *dw0)
{
	uint8_t fid = (uint8_t)cmd->cdw10, sel = (cmd->cdw10 >> 8) & 7;
	uint64_t ts;
	uint8_t data[8];

	/* Select: current, default, saved (= current) and capabilities. */
	if (sel > 3)
		return NVME_SC_INVALID_FIELD;
	if (sel == 3) {
		/* Nothing saveable or namespace specific; all changeable. */
		*dw0 = 1u << 2;
		return NVME_SC_SUCCESS;
	}
	switch (fid) {
	case NVME_FEAT_ARBITRATION:
		*dw0 = sel == 1 ? 0 : c->feat_arbitration;
		break;
	case NVME_FEAT_POWER_MGMT:
		*dw0 = sel == 1 ? 0 : c->feat_power;
		break;
	case NVME_FEAT_TEMP_THRESH:
		*dw0 = sel == 1 ? 343 : c->feat_temp_thresh;
		break;
	case NVME_FEAT_ERR_RECOVERY:
		*dw0 = sel == 1 ? 0 : c->feat_err_recovery;
		break;
	case NVME_FEAT_VOLATILE_WC:
		if (!c->vwc_present)
			return NVME_SC_INVALID_FIELD;
		*dw0 = sel == 1 ? 1 : c->write_cache;
		break;
	case NVME_FEAT_NUM_QUEUES:
		*dw0 = queues_dw0(c);
		break;
	case NVME_FEAT_IRQ_COALESCE:
		*dw0 = sel == 1 ? 0 : c->feat_irq_coalesce;
		break;
	case NVME_FEAT_IRQ_CONFIG: {
		uint16_t iv = (uint16_t)cmd->cdw11;

		if (iv >= c->vectors)
			return NVME_SC_INVALID_FIELD;
		*dw0 = iv;	/* coalescing is never disabled per vector */
		break;
	}
	case NVME_FEAT_WRITE_ATOMIC:
		*dw0 = 0;
		break;
	case NVME_FEAT_ASYNC_EVENT:
		*dw0 = sel == 1 ? 0 : c->feat_async_event;
		break;
	case NVME_FEAT_TIMESTAMP:
		ts = c->timestamp_ms + now_ms() - c->timestamp_set_at_ms;
		nvme_put64(data, ts & 0xffffffffffffull);
		/* Byte 6: timestamp origin, 1 once the host set it. */
		data[6] = c->timestamp_ms ? 1u << 1 : 0;
		data[7] = 0;
		return nvme_prp_transfer(c, cmd, data, sizeof(data),
					 NVME_TO_HOST);
	default:
		return NVME_SC_INVALID_FIELD;
	}
	return NVME_SC_SUCCESS;
}

uint16_t nvme_set_features(struct nvme_ctrl *c, const struct nvme_sqe *cmd,
			   uint32_t *dw0)
{
	uint8_t fid = (uint8_t)cmd->cdw10;
	uint32_t v = cmd->cdw11, nsq, ncq;
	uint8_t data[8];
	uint16_t st;

	if (cmd->cdw10 >> 31)		/* SV: nothing is saveable */
		return NVME_SC_FEATURE_NOT_SAVEABLE;
	switch (fid) {
	case NVME_FEAT_ARBITRATION:
		c->feat_arbitration = v;
		break;
	case NVME_FEAT_POWER_MGMT:
		if ((v & 0x1f) != 0)	/* one power state, 0 */
			return NVME_SC_INVALID_FIELD;
		c->feat_power = v;
		break;
	case NVME_FEAT_TEMP_THRESH:
		c->feat_temp_thresh = v;
		break;
	case NVME_FEAT_ERR_RECOVERY:
		c->feat_err_recovery = v;
		break;
	case NVME_FEAT_VOLATILE_WC:
		if (!c->vwc_present)
			return NVME_SC_INVALID_FIELD;
		c->write_cache = v & 1;
		if (!c->write_cache)
			for (unsigned int n = 0; n < c->n_ns; n++)
				nvme_ns_sync(&c->ns[n]);
		break;
	case NVME_FEAT_NUM_QUEUES:
		nsq = (v & 0xffff) + 1;
		ncq = (v >> 16) + 1;
		if (nsq == 0x10000 || ncq == 0x10000)
			return NVME_SC_INVALID_FIELD;
		/* Only before the first I/O queue is made. */
		if (io_queues_exist(c))
			return NVME_SC_CMD_SEQ_ERROR;
		*dw0 = queues_dw0(c);
		break;
	case NVME_FEAT_IRQ_COALESCE:
		c->feat_irq_coalesce = v & 0xffff;
		break;
	case NVME_FEAT_IRQ_CONFIG:
		if ((uint16_t)v >= c->vectors)
			return NVME_SC_INVALID_FIELD;
		break;
	case NVME_FEAT_ASYNC_EVENT:
		c->feat_async_event = v;
		break;
	case NVME_FEAT_TIMESTAMP:
		st = nvme_prp_transfer(c, cmd, data, sizeof(data),
				       NVME_FROM_HOST);
		if (st)
			return st;
		c->timestamp_ms = (uint64_t)data[0] | (uint64_t)data[1] << 8 |
				  (uint64_t)data[2] << 16 |
				  (uint64_t)data[3] << 24 |
				  (uint64_t)data[4] << 32 |
				  (uint64_t)data[5] << 40;
		c->timestamp_set_at_ms = now_ms();
		break;
	default:
		return NVME_SC_INVALID_FIELD;
	}
	return NVME_SC_SUCCESS;
}
