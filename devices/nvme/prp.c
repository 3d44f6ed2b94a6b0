// SPDX-License-Identifier: MIT
/*
 * Physical Region Pages: where a command's data is in the driver's memory.
 * PRP1 is the first page (with an offset), PRP2 the second page or a list
 * of pages, each list's last entry chaining to the next list when more
 * follow.  Pages that follow one another in memory make one range, and
 * a command's ranges move in one scatter-gather DMA.
 */
#include <string.h>

#include "nvme.h"

#define PRPS_PER_PAGE (NVME_PAGE / 8)
/* A command's data: MDTS pages, one more when PRP1 starts mid-page. */
#define MAX_RANGES ((1u << NVME_MDTS) + 1)

struct prp_walk {
	struct nvme_ctrl *c;
	struct pciem_dma_range r[MAX_RANGES];
	unsigned int n;
};

static bool add(struct prp_walk *w, uint64_t addr, size_t len)
{
	struct pciem_dma_range *last = w->n ? &w->r[w->n - 1] : NULL;

	if (last && last->iova + last->length == addr) {
		last->length += (uint32_t)len;
		return true;
	}
	if (w->n == MAX_RANGES)
		return false;
	w->r[w->n++] = (struct pciem_dma_range){ addr, (uint32_t)len };
	return true;
}

static bool move(struct prp_walk *w, void *buf, bool to_host)
{
	int ret = to_host ? pciem_dma_writev(w->c->dev, w->r, w->n, buf) :
			    pciem_dma_readv(w->c->dev, w->r, w->n, buf);

	if (ret)
		pciem_log(w->c->dev, PCIEM_LOG_DEBUG,
			  "DMA %s %u ranges from 0x%llx failed: %d",
			  to_host ? "to" : "from", w->n,
			  (unsigned long long)w->r[0].iova, ret);
	return !ret;
}

uint16_t nvme_prp_transfer(struct nvme_ctrl *c, const struct nvme_sqe *cmd,
			   void *buf, size_t len, bool to_host)
{
	struct prp_walk w = { .c = c };
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
		return move(&w, buf, to_host) ? NVME_SC_SUCCESS :
						NVME_SC_DATA_XFER_ERROR;
	if (left <= NVME_PAGE) {
		if (cmd->prp2 & (NVME_PAGE - 1))
			return NVME_SC_PRP_OFFSET;
		if (!add(&w, cmd->prp2, left) || !move(&w, buf, to_host))
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
	return move(&w, buf, to_host) ? NVME_SC_SUCCESS : NVME_SC_DATA_XFER_ERROR;
}
