// SPDX-License-Identifier: MIT
/*
 * Physical Region Pages: where a command's data is in the driver's memory.
 * PRP1 is the first page (with an offset), PRP2 the second page or a list
 * of pages, each list's last entry chaining to the next list when more
 * follow.  Pages that follow one another in memory move in one DMA.
 */
#include <string.h>

#include "nvme.h"

#define PRPS_PER_PAGE (NVME_PAGE / 8)

struct prp_walk {
	struct nvme_ctrl *c;
	uint8_t *buf;
	bool to_host;
	uint64_t run_start;	/* the pending run of contiguous memory */
	size_t run_len, done;
};

static bool flush_run(struct prp_walk *w)
{
	int ret;

	if (!w->run_len)
		return true;
	if (w->to_host)
		ret = pciem_dma_write(w->c->dev, w->run_start, w->buf + w->done,
				      w->run_len);
	else
		ret = pciem_dma_read(w->c->dev, w->run_start, w->buf + w->done,
				     w->run_len);
	if (ret) {
		pciem_log(w->c->dev, PCIEM_LOG_DEBUG,
			  "DMA %s 0x%llx (%zu bytes) failed: %d",
			  w->to_host ? "to" : "from",
			  (unsigned long long)w->run_start, w->run_len, ret);
		return false;
	}
	w->done += w->run_len;
	w->run_len = 0;
	return true;
}

static bool add(struct prp_walk *w, uint64_t addr, size_t len)
{
	if (w->run_len && w->run_start + w->run_len == addr) {
		w->run_len += len;
		return true;
	}
	if (!flush_run(w))
		return false;
	w->run_start = addr;
	w->run_len = len;
	return true;
}

uint16_t nvme_prp_transfer(struct nvme_ctrl *c, const struct nvme_sqe *cmd,
			   void *buf, size_t len, bool to_host)
{
	struct prp_walk w = { .c = c, .buf = buf, .to_host = to_host };
	uint64_t list[PRPS_PER_PAGE], list_addr;
	uint32_t off = (uint32_t)(cmd->prp1 & (NVME_PAGE - 1));
	size_t first = NVME_PAGE - off, left, n, i;

	if (cmd->prp1 & 3)
		return NVME_SC_PRP_OFFSET;
	if (first > len)
		first = len;
	if (!add(&w, cmd->prp1, first))
		return NVME_SC_DATA_XFER_ERROR;
	left = len - first;
	if (!left)
		return flush_run(&w) ? NVME_SC_SUCCESS : NVME_SC_DATA_XFER_ERROR;
	if (left <= NVME_PAGE) {
		if (cmd->prp2 & (NVME_PAGE - 1))
			return NVME_SC_PRP_OFFSET;
		if (!add(&w, cmd->prp2, left) || !flush_run(&w))
			return NVME_SC_DATA_XFER_ERROR;
		return NVME_SC_SUCCESS;
	}
	/* PRP2 points into a list; the first list may start mid-page. */
	list_addr = cmd->prp2;
	if (list_addr & 7)
		return NVME_SC_PRP_OFFSET;
	while (left) {
		size_t room = (NVME_PAGE - (list_addr & (NVME_PAGE - 1))) / 8;
		size_t pages = (left + NVME_PAGE - 1) / NVME_PAGE;

		/* The list's last slot chains on when more pages follow. */
		n = pages <= room ? pages : room;
		if (pciem_dma_read(c->dev, list_addr, list, n * 8))
			return NVME_SC_DATA_XFER_ERROR;
		for (i = 0; i < n; i++) {
			size_t chunk = left < NVME_PAGE ? left : NVME_PAGE;

			if (i == n - 1 && pages > room)
				break;
			if (list[i] & (NVME_PAGE - 1))
				return NVME_SC_PRP_OFFSET;
			if (!add(&w, list[i], chunk))
				return NVME_SC_DATA_XFER_ERROR;
			left -= chunk;
		}
		if (!left)
			break;
		list_addr = list[n - 1];
		if (list_addr & (NVME_PAGE - 1))
			return NVME_SC_PRP_OFFSET;
	}
	return flush_run(&w) ? NVME_SC_SUCCESS : NVME_SC_DATA_XFER_ERROR;
}
