// SPDX-License-Identifier: MIT
/*
 * The controller's own registers: CC enables, resets and shuts the
 * controller down, CSTS tells the driver where it stands, INTMS/INTMC
 * mask MSI and INTx (MSI-X has its own masks).
 */
#include <string.h>

#include "nvme.h"

static void set_csts(struct nvme_ctrl *c, uint32_t clear, uint32_t set)
{
	pciem_reg_update(c->dev, c->csts, clear, set);
}

/*
 * The controller stops: every queue and outstanding command is dropped,
 * CSTS.RDY clears.  A shutdown makes the namespaces durable first and
 * keeps the queues (the driver reads CSTS.SHST, then disables).
 */
void nvme_ctrl_disable(struct nvme_ctrl *c, bool shutdown)
{
	unsigned int n;

	if (shutdown) {
		for (n = 0; n < c->n_ns; n++)
			if (nvme_ns_sync(&c->ns[n]))
				pciem_log(c->dev, PCIEM_LOG_ERR,
					  "shutdown: '%s' not made durable",
					  c->ns[n].path);
		set_csts(c, NVME_CSTS_SHST_MASK, NVME_CSTS_SHST_DONE);
		c->shut_down = true;
		return;
	}
	nvme_queues_reset(c);
	c->enabled = false;
	c->n_aer = 0;
	/*
	 * The Doorbell Buffer Config outlives a reset that is no shutdown.
	 * Linux points the queues it makes again at the shadow buffer (zeroed)
	 * before it sends the command again, and waits for the I/O it requeued
	 * before that: a second command queued on one queue in between is only
	 * in the shadow, and would wait there.  A shutdown (the driver going
	 * away) or a function reset forgets it.
	 */
	if (c->shut_down)
		nvme_shadow_forget(c);
	c->shut_down = false;
	set_csts(c, ~0u, 0);
}

/* The controller cannot go on: CSTS.CFS, and the driver resets it. */
void nvme_ctrl_fatal(struct nvme_ctrl *c, const char *why)
{
	pciem_log(c->dev, PCIEM_LOG_ERR, "controller fatal status: %s", why);
	set_csts(c, 0, NVME_CSTS_CFS);
	c->enabled = false;
}

static bool admin_queues_valid(struct nvme_ctrl *c, uint32_t cc)
{
	uint32_t aqa = (uint32_t)pciem_reg_get(c->dev, c->aqa);
	uint64_t asq = pciem_reg_get(c->dev, c->asq);
	uint64_t acq = pciem_reg_get(c->dev, c->acq);
	uint32_t sqs = (aqa & 0xfff) + 1, cqs = ((aqa >> 16) & 0xfff) + 1;

	if (NVME_CC_MPS(cc) != 0 || NVME_CC_CSS(cc) != 0) {
		nvme_ctrl_fatal(c, "CC.MPS or CC.CSS is not what CAP offers (4 KiB pages, the NVM command set)");
		return false;
	}
	if (sqs < 2 || cqs < 2 || sqs > c->queue_entries ||
	    cqs > c->queue_entries || !asq || !acq ||
	    (asq | acq) & (NVME_PAGE - 1)) {
		nvme_ctrl_fatal(c, "AQA, ASQ or ACQ is invalid");
		return false;
	}
	c->sq[0] = (struct nvme_sq){ .live = true, .qid = 0, .cqid = 0,
				     .size = sqs, .base = asq };
	c->cq[0] = (struct nvme_cq){ .live = true, .qid = 0, .size = cqs,
				     .base = acq, .phase = true,
				     .irq_enabled = true, .vector = 0 };
	return true;
}

PCIEM_WRITE_HANDLER(nvme_cc_write)
{
	struct nvme_ctrl *c = pciem_get_private(dev);
	uint32_t cc = (uint32_t)wr->content, old = c->cc;

	(void)reg;
	c->cc = cc;
	if ((old & NVME_CC_EN) && !(cc & NVME_CC_EN)) {
		nvme_ctrl_disable(c, false);
		return;
	}
	if (!(old & NVME_CC_EN) && (cc & NVME_CC_EN)) {
		if (pciem_reg_get(c->dev, c->csts) & NVME_CSTS_CFS)
			return;
		if (!admin_queues_valid(c, cc))
			return;
		c->enabled = true;
		set_csts(c, NVME_CSTS_SHST_MASK, NVME_CSTS_RDY);
	}
	if (NVME_CC_SHN(cc) && !NVME_CC_SHN(old))
		nvme_ctrl_disable(c, true);
}

/* INTMS sets mask bits, INTMC clears them; both read the mask. */
static void set_irq_mask(struct nvme_ctrl *c, uint32_t mask)
{
	c->irq_mask = mask;
	pciem_reg_set(c->dev, c->intms, mask);
	pciem_reg_set(c->dev, c->intmc, mask);
}

PCIEM_WRITE_HANDLER(nvme_intms_write)
{
	struct nvme_ctrl *c = pciem_get_private(dev);

	(void)reg;
	set_irq_mask(c, c->irq_mask | (uint32_t)(wr->value << (8 * wr->offset)));
}

PCIEM_WRITE_HANDLER(nvme_intmc_write)
{
	struct nvme_ctrl *c = pciem_get_private(dev);

	(void)reg;
	set_irq_mask(c, c->irq_mask & ~(uint32_t)(wr->value << (8 * wr->offset)));
	nvme_irq_flush(c);
}
