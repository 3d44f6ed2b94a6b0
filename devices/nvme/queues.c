// SPDX-License-Identifier: MIT
/*
 * Submission and completion queues: the doorbells that start them, the
 * commands they carry, the completions and interrupts that answer.
 *
 * A doorbell runs its submission queue to its tail at once, and a batch
 * of completions raises its queue's vector once.  With the Doorbell Buffer
 * Config the driver writes an I/O queue's tail or head to a shadow buffer
 * in its memory and rings only when the event index the controller keeps
 * there says it waits: the controller reads the shadow again after each
 * batch, so a busy queue runs with few doorbell writes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nvme.h"

#define SQE_BATCH 16u		/* entries fetched by one DMA */

int nvme_queues_alloc(struct nvme_ctrl *c)
{
	c->sq = calloc(c->max_queues, sizeof(*c->sq));
	c->cq = calloc(c->max_queues, sizeof(*c->cq));
	return c->sq && c->cq ? 0 : -ENOMEM;
}

void nvme_queues_free(struct nvme_ctrl *c)
{
	free(c->sq);
	free(c->cq);
	c->sq = NULL;
	c->cq = NULL;
}

void nvme_queues_reset(struct nvme_ctrl *c)
{
	if (!c->sq)
		return;
	memset(c->sq, 0, c->max_queues * sizeof(*c->sq));
	memset(c->cq, 0, c->max_queues * sizeof(*c->cq));
}

/* Shadow doorbell q (2q for a tail, 2q+1 for a head) and its event index. */
static uint64_t shadow_addr(const struct nvme_ctrl *c, unsigned int db)
{
	return c->shadow_db + 4ull * db;
}

static bool shadowed(const struct nvme_ctrl *c, uint16_t qid)
{
	return c->shadow_db && qid;
}

void nvme_shadow_forget(struct nvme_ctrl *c)
{
	c->shadow_db = 0;
	c->event_idx = 0;
}

/*
 * A shadow buffer the driver no longer maps (it went away without a
 * shutdown, and another one does not use shadow doorbells): forgotten at
 * the first refused access, so it costs one fault line, not one a ring.
 */
static void shadow_unmapped(struct nvme_ctrl *c)
{
	pciem_log(c->dev, PCIEM_LOG_WARNING,
		  "the shadow doorbell buffer is not mapped: doorbells from BAR 0 only");
	nvme_shadow_forget(c);
}

static bool shadow_read(struct nvme_ctrl *c, unsigned int db, uint32_t size,
			uint32_t *value)
{
	uint32_t v;

	if (!c->shadow_db)
		return false;
	if (pciem_dma_read(c->dev, shadow_addr(c, db), &v, sizeof(v))) {
		shadow_unmapped(c);
		return false;
	}
	if (v >= size)		/* the driver's memory, not trusted */
		return false;
	*value = v;
	return true;
}

static void event_idx_write(struct nvme_ctrl *c, unsigned int db, uint32_t v)
{
	if (c->event_idx &&
	    pciem_dma_write(c->dev, c->event_idx + 4ull * db, &v, sizeof(v)))
		shadow_unmapped(c);
}

static bool cq_full(struct nvme_ctrl *c, struct nvme_cq *cq)
{
	if ((cq->tail + 1) % cq->size != cq->head)
		return false;
	if (shadowed(c, cq->qid)) {
		shadow_read(c, 2 * cq->qid + 1, cq->size, &cq->head);
		/* Ring when the head moves on from here. */
		event_idx_write(c, 2 * cq->qid + 1, cq->head);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		shadow_read(c, 2 * cq->qid + 1, cq->size, &cq->head);
	}
	return (cq->tail + 1) % cq->size == cq->head;
}

static bool can_run(const struct nvme_ctrl *c)
{
	return c->enabled && c->bus_master &&
	       !(pciem_reg_get(c->dev, c->csts) & NVME_CSTS_SHST_MASK);
}

/*
 * Posts one completion.  The entry's last dword (command ID and the
 * phase-tagged status) is written after the rest, so a driver polling the
 * phase never sees a new phase over an old entry.
 */
void nvme_complete(struct nvme_ctrl *c, struct nvme_sq *sq, uint16_t cid,
		   uint16_t status, uint32_t dw0)
{
	struct nvme_cq *cq = &c->cq[sq->cqid];
	struct nvme_cqe e = {
		.dw0 = dw0,
		.sq_head = (uint16_t)sq->head,
		.sq_id = sq->qid,
		.cid = cid,
		.status = (uint16_t)(status << 1 | cq->phase),
	};
	uint64_t at = cq->base + (uint64_t)cq->tail * sizeof(e);

	if (status)
		nvme_error_log_add(c, sq, cid, status);
	if (pciem_dma_write(c->dev, at, &e, 12) ||
	    pciem_dma_write(c->dev, at + 12, (uint8_t *)&e + 12, 4)) {
		nvme_ctrl_fatal(c, "a completion queue entry could not be written");
		return;
	}
	if (++cq->tail == cq->size) {
		cq->tail = 0;
		cq->phase = !cq->phase;
	}
	cq->pending_irq++;
}

/* One vector for each completion queue that has news. */
void nvme_irq_flush(struct nvme_ctrl *c)
{
	for (unsigned int q = 0; q < c->max_queues; q++) {
		struct nvme_cq *cq = &c->cq[q];
		int ret;

		if (!cq->live || !cq->pending_irq || !cq->irq_enabled)
			continue;
		cq->pending_irq = 0;
		c->counters.interrupts++;
		ret = pciem_irq_raise_vector(c->dev, cq->vector);
		if (ret)
			pciem_log(c->dev, PCIEM_LOG_DEBUG,
				  "CQ %u: vector %u not raised (%d)", q,
				  cq->vector, ret);
	}
}

static void run_command(struct nvme_ctrl *c, struct nvme_sq *sq,
			const struct nvme_sqe *cmd)
{
	uint16_t status;
	uint32_t dw0 = 0;

	c->counters.commands++;
	c->counters.io_commands += sq->qid != 0;
	if (!sq->qid) {
		if (!nvme_admin(c, sq, cmd, &status, &dw0))
			return;		/* answered later (an event request) */
	} else {
		status = nvme_io(c, cmd);
	}
	if (sq->live)
		nvme_complete(c, sq, cmd->cid, status, dw0);
}

/* Runs a submission queue from its head to its tail, or to a full CQ. */
static void sq_drain(struct nvme_ctrl *c, struct nvme_sq *sq)
{
	struct nvme_sqe cmds[SQE_BATCH];

	while (sq->live && sq->head != sq->tail && can_run(c)) {
		uint32_t n = sq->tail > sq->head ? sq->tail - sq->head :
						   sq->size - sq->head;
		uint32_t i;

		if (n > SQE_BATCH)
			n = SQE_BATCH;
		if (pciem_dma_read(c->dev, sq->base + (uint64_t)sq->head * 64,
				   cmds, n * sizeof(cmds[0]))) {
			nvme_ctrl_fatal(c, "a submission queue could not be read");
			return;
		}
		for (i = 0; i < n && sq->live && can_run(c); i++) {
			if (cq_full(c, &c->cq[sq->cqid]))
				return;
			sq->head = (sq->head + 1) % sq->size;
			run_command(c, sq, &cmds[i]);
		}
	}
}

void nvme_sq_run(struct nvme_ctrl *c, struct nvme_sq *sq)
{
	uint32_t tail;

	for (;;) {
		sq_drain(c, sq);
		if (!sq->live || !shadowed(c, sq->qid) || !can_run(c))
			break;
		/* Tell the driver what was seen, then look once more. */
		event_idx_write(c, 2 * sq->qid, sq->tail);
		/* The driver's mb() between its shadow and event index reads. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (!shadow_read(c, 2 * sq->qid, sq->size, &tail) ||
		    tail == sq->tail)
			break;
		c->counters.shadow_reads++;
		sq->tail = tail;
	}
	nvme_irq_flush(c);
}

/* A completion queue's head moved: queues waiting for room go on. */
void nvme_cq_run(struct nvme_ctrl *c, struct nvme_cq *cq)
{
	for (unsigned int q = 0; q < c->max_queues; q++)
		if (c->sq[q].live && c->sq[q].cqid == cq->qid &&
		    c->sq[q].head != c->sq[q].tail)
			nvme_sq_run(c, &c->sq[q]);
}

/* Every doorbell as BAR memory (or the shadow buffer) holds it now. */
void nvme_queues_resync(struct nvme_ctrl *c)
{
	char name[32];
	unsigned int q;

	for (q = 0; q < c->max_queues; q++) {
		uint64_t v;

		if (c->cq[q].live) {
			snprintf(name, sizeof(name), "CQHDBL[%u]", q);
			if (!pciem_reg_read(c->dev, name, &v) &&
			    v < c->cq[q].size)
				c->cq[q].head = (uint32_t)v;
			if (shadowed(c, (uint16_t)q))
				shadow_read(c, 2 * q + 1, c->cq[q].size,
					    &c->cq[q].head);
		}
		if (c->sq[q].live) {
			snprintf(name, sizeof(name), "SQTDBL[%u]", q);
			if (!pciem_reg_read(c->dev, name, &v) &&
			    v < c->sq[q].size)
				c->sq[q].tail = (uint32_t)v;
			if (shadowed(c, (uint16_t)q))
				shadow_read(c, 2 * q, c->sq[q].size,
					    &c->sq[q].tail);
		}
	}
	for (q = 0; q < c->max_queues; q++)
		if (c->sq[q].live)
			nvme_sq_run(c, &c->sq[q]);
}

/* An asynchronous error event, if the driver left a request for one. */
static void doorbell_error(struct nvme_ctrl *c, uint8_t info)
{
	if (!c->n_aer || !c->enabled)
		return;
	c->n_aer--;
	/* Type 0 (error), the information, log page 1 (error information). */
	nvme_complete(c, &c->sq[0], c->aer_cid[c->n_aer], NVME_SC_SUCCESS,
		      (uint32_t)info << 8 | 1u << 16);
	nvme_irq_flush(c);
}

PCIEM_WRITE_HANDLER(nvme_sq_doorbell)
{
	struct nvme_ctrl *c = pciem_get_private(dev);
	unsigned int q = pciem_reg_index(reg);
	uint32_t tail = (uint32_t)(wr->content & 0xffff);
	struct nvme_sq *sq;

	if (!c->enabled)
		return;
	c->counters.doorbell_writes++;
	if (q >= c->max_queues || !c->sq[q].live) {
		doorbell_error(c, 0x00);	/* write to an invalid doorbell */
		return;
	}
	sq = &c->sq[q];
	if (tail >= sq->size) {
		doorbell_error(c, 0x01);	/* invalid doorbell write value */
		return;
	}
	/*
	 * With shadow doorbells this write may be older than the tail the
	 * controller already took from the shadow buffer: going back to it
	 * would run stale entries, so the shadow, always the newest, wins.
	 */
	if (shadowed(c, sq->qid))
		shadow_read(c, 2 * q, sq->size, &tail);
	sq->tail = tail;
	nvme_sq_run(c, sq);
}

PCIEM_WRITE_HANDLER(nvme_cq_doorbell)
{
	struct nvme_ctrl *c = pciem_get_private(dev);
	unsigned int q = pciem_reg_index(reg);
	uint32_t head = (uint32_t)(wr->content & 0xffff);
	struct nvme_cq *cq;

	if (!c->enabled)
		return;
	c->counters.doorbell_writes++;
	if (q >= c->max_queues || !c->cq[q].live) {
		doorbell_error(c, 0x00);
		return;
	}
	cq = &c->cq[q];
	if (head >= cq->size) {
		doorbell_error(c, 0x01);
		return;
	}
	/* As for a tail: an older head would count consumed entries free. */
	if (shadowed(c, cq->qid))
		shadow_read(c, 2 * q + 1, cq->size, &head);
	cq->head = head;
	nvme_cq_run(c, cq);
}

/* Admin commands that make and break queues ---------------------------- */

uint16_t nvme_create_cq(struct nvme_ctrl *c, const struct nvme_sqe *cmd)
{
	uint16_t qid = (uint16_t)cmd->cdw10;
	uint32_t size = (cmd->cdw10 >> 16) + 1;
	uint16_t vector = (uint16_t)(cmd->cdw11 >> 16);
	struct nvme_cq *cq;

	if (!qid || qid >= c->max_queues || c->cq[qid].live)
		return NVME_SC_QID_INVALID;
	if (size < 2 || size > c->queue_entries)
		return NVME_SC_QUEUE_SIZE;
	if (!(cmd->cdw11 & 1))		/* PC: only contiguous queues */
		return NVME_SC_INVALID_FIELD;
	if (NVME_CC_IOCQES(c->cc) != 4)
		return NVME_SC_INVALID_FIELD;
	if (!cmd->prp1 || cmd->prp1 & (NVME_PAGE - 1))
		return NVME_SC_PRP_OFFSET;
	if ((cmd->cdw11 & 2) && vector >= c->vectors)
		return NVME_SC_INVALID_VECTOR;
	cq = &c->cq[qid];
	*cq = (struct nvme_cq){ .live = true, .qid = qid, .size = size,
				.base = cmd->prp1, .phase = true,
				.irq_enabled = cmd->cdw11 & 2,
				.vector = vector };
	return NVME_SC_SUCCESS;
}

uint16_t nvme_create_sq(struct nvme_ctrl *c, const struct nvme_sqe *cmd)
{
	uint16_t qid = (uint16_t)cmd->cdw10;
	uint32_t size = (cmd->cdw10 >> 16) + 1;
	uint16_t cqid = (uint16_t)(cmd->cdw11 >> 16);

	if (!qid || qid >= c->max_queues || c->sq[qid].live)
		return NVME_SC_QID_INVALID;
	if (!cqid || cqid >= c->max_queues || !c->cq[cqid].live)
		return NVME_SC_CQ_INVALID;
	if (size < 2 || size > c->queue_entries)
		return NVME_SC_QUEUE_SIZE;
	if (!(cmd->cdw11 & 1) || NVME_CC_IOSQES(c->cc) != 6)
		return NVME_SC_INVALID_FIELD;
	if (!cmd->prp1 || cmd->prp1 & (NVME_PAGE - 1))
		return NVME_SC_PRP_OFFSET;
	c->sq[qid] = (struct nvme_sq){ .live = true, .qid = qid, .cqid = cqid,
				       .size = size, .base = cmd->prp1 };
	if (shadowed(c, qid)) {
		event_idx_write(c, 2 * qid, 0);
		event_idx_write(c, 2 * qid + 1, 0);
	}
	return NVME_SC_SUCCESS;
}

uint16_t nvme_delete_cq(struct nvme_ctrl *c, const struct nvme_sqe *cmd)
{
	uint16_t qid = (uint16_t)cmd->cdw10;

	if (!qid || qid >= c->max_queues || !c->cq[qid].live)
		return NVME_SC_QID_INVALID;
	for (unsigned int q = 1; q < c->max_queues; q++)
		if (c->sq[q].live && c->sq[q].cqid == qid)
			return NVME_SC_INVALID_QUEUE_DELETE;
	c->cq[qid] = (struct nvme_cq){ 0 };
	return NVME_SC_SUCCESS;
}

/*
 * Commands of this queue not yet fetched are dropped: the driver deletes
 * a queue after it stopped using it, and each command runs to completion
 * when fetched, so none is left half done.
 */
uint16_t nvme_delete_sq(struct nvme_ctrl *c, const struct nvme_sqe *cmd)
{
	uint16_t qid = (uint16_t)cmd->cdw10;

	if (!qid || qid >= c->max_queues || !c->sq[qid].live)
		return NVME_SC_QID_INVALID;
	c->sq[qid] = (struct nvme_sq){ 0 };
	return NVME_SC_SUCCESS;
}

/*
 * The driver points its queues at the shadow buffer when it makes them,
 * before it sends this command, and from then on rings only when the
 * event index (zero, to the driver, until set) asks: what it queued in
 * between is only in the shadow.  So queues made before start from the
 * shadow, with event indexes that ask for the next move, and run.
 */
uint16_t nvme_dbbuf_config(struct nvme_ctrl *c, const struct nvme_sqe *cmd)
{
	uint16_t q;

	if (!cmd->prp1 || !cmd->prp2 ||
	    (cmd->prp1 | cmd->prp2) & (NVME_PAGE - 1))
		return NVME_SC_INVALID_FIELD;
	c->shadow_db = cmd->prp1;
	c->event_idx = cmd->prp2;
	for (q = 1; q < c->max_queues; q++) {
		if (c->cq[q].live) {
			shadow_read(c, 2 * q + 1, c->cq[q].size, &c->cq[q].head);
			event_idx_write(c, 2 * q + 1, c->cq[q].head);
		}
		if (c->sq[q].live) {
			shadow_read(c, 2 * q, c->sq[q].size, &c->sq[q].tail);
			event_idx_write(c, 2 * q, c->sq[q].tail);
		}
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (q = 1; q < c->max_queues; q++)
		if (c->sq[q].live)
			nvme_sq_run(c, &c->sq[q]);
	return NVME_SC_SUCCESS;
}
