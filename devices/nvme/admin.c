// SPDX-License-Identifier: MIT
/* The admin command set: what the admin submission queue carries. */
#include <string.h>

#include "nvme.h"

enum {
	ADMIN_DELETE_SQ = 0x00,
	ADMIN_CREATE_SQ = 0x01,
	ADMIN_GET_LOG_PAGE = 0x02,
	ADMIN_DELETE_CQ = 0x04,
	ADMIN_CREATE_CQ = 0x05,
	ADMIN_IDENTIFY = 0x06,
	ADMIN_ABORT = 0x08,
	ADMIN_SET_FEATURES = 0x09,
	ADMIN_GET_FEATURES = 0x0a,
	ADMIN_ASYNC_EVENT = 0x0c,
	ADMIN_KEEP_ALIVE = 0x18,
	ADMIN_DBBUF_CONFIG = 0x7c,
	ADMIN_FORMAT_NVM = 0x80,
};

/*
 * Format NVM: LBA format 0 (the only one), no metadata, no protection;
 * a secure erase setting erases as a plain format does.
 */
static uint16_t format_nvm(struct nvme_ctrl *c, const struct nvme_sqe *cmd)
{
	uint32_t lbaf = cmd->cdw10 & 0xf, mset = (cmd->cdw10 >> 4) & 1;
	uint32_t pi = (cmd->cdw10 >> 5) & 7, ses = (cmd->cdw10 >> 9) & 7;
	struct nvme_ns *ns;
	uint16_t st;

	if (lbaf || mset || pi)
		return NVME_SC_INVALID_FORMAT;
	if (ses > 2)
		return NVME_SC_INVALID_FIELD;
	if (cmd->nsid != 0xffffffff) {
		ns = nvme_ns_get(c, cmd->nsid);
		return ns ? nvme_ns_format(c, ns) : NVME_SC_INVALID_NS;
	}
	for (unsigned int n = 0; n < c->n_ns; n++) {
		st = nvme_ns_format(c, &c->ns[n]);
		if (st)
			return st;
	}
	return NVME_SC_SUCCESS;
}

/*
 * Runs one admin command.  False when it completes later: an Asynchronous
 * Event Request waits for an event.
 */
bool nvme_admin(struct nvme_ctrl *c, struct nvme_sq *sq,
		const struct nvme_sqe *cmd, uint16_t *status, uint32_t *dw0)
{
	(void)sq;
	*dw0 = 0;
	/* PRPs only: SGLs (PSDT) are not offered, nor fused operations. */
	if (cmd->flags) {
		*status = NVME_SC_INVALID_FIELD;
		return true;
	}
	switch (cmd->opcode) {
	case ADMIN_DELETE_SQ:
		*status = nvme_delete_sq(c, cmd);
		break;
	case ADMIN_CREATE_SQ:
		*status = nvme_create_sq(c, cmd);
		break;
	case ADMIN_GET_LOG_PAGE:
		*status = nvme_get_log_page(c, cmd);
		break;
	case ADMIN_DELETE_CQ:
		*status = nvme_delete_cq(c, cmd);
		break;
	case ADMIN_CREATE_CQ:
		*status = nvme_create_cq(c, cmd);
		break;
	case ADMIN_IDENTIFY:
		*status = nvme_identify(c, cmd);
		break;
	case ADMIN_ABORT:
		/* Commands run to completion when fetched: none to abort. */
		*dw0 = 1;
		*status = NVME_SC_SUCCESS;
		break;
	case ADMIN_SET_FEATURES:
		*status = nvme_set_features(c, cmd, dw0);
		break;
	case ADMIN_GET_FEATURES:
		*status = nvme_get_features(c, cmd, dw0);
		break;
	case ADMIN_ASYNC_EVENT:
		if (c->n_aer == NVME_AER_LIMIT) {
			*status = NVME_SC_AER_LIMIT;
			break;
		}
		c->aer_cid[c->n_aer++] = cmd->cid;
		return false;
	case ADMIN_KEEP_ALIVE:
		*status = NVME_SC_SUCCESS;
		break;
	case ADMIN_DBBUF_CONFIG:
		*status = nvme_dbbuf_config(c, cmd);
		break;
	case ADMIN_FORMAT_NVM:
		*status = format_nvm(c, cmd);
		break;
	default:
		*status = NVME_SC_INVALID_OPCODE;
		break;
	}
	return true;
}
