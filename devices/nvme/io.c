// SPDX-License-Identifier: MIT
/*
 * The NVM command set against a namespace's backing file: Read, Write,
 * Flush, Write Zeroes, Dataset Management and Compare.  Data moves through
 * the controller's one command buffer, MDTS bytes.
 */
/* GNU and POSIX calls also when built alone with pkg-config's flags. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "nvme.h"

enum {
	IO_FLUSH = 0x00,
	IO_WRITE = 0x01,
	IO_READ = 0x02,
	IO_COMPARE = 0x05,
	IO_WRITE_ZEROES = 0x08,
	IO_DSM = 0x09,
};

#define IO_FUA (1u << 30)		/* CDW12: force unit access */
#define DSM_DEALLOCATE (1u << 2)	/* CDW11 */

struct lba_range {
	uint64_t slba;
	uint32_t nlb;
	off_t off;
	size_t len;
};

/* The command's LBA range, checked against the namespace. */
static uint16_t lba_range(const struct nvme_ns *ns, uint64_t slba,
			  uint32_t nlb, struct lba_range *r)
{
	if (slba >= ns->blocks || nlb > ns->blocks - slba)
		return NVME_SC_LBA_RANGE;
	r->slba = slba;
	r->nlb = nlb;
	r->off = (off_t)(slba << ns->lba_shift);
	r->len = (size_t)nlb << ns->lba_shift;
	return NVME_SC_SUCCESS;
}

static uint16_t file_error(struct nvme_ctrl *c, const struct nvme_ns *ns,
			   const char *what, ssize_t got)
{
	pciem_log(c->dev, PCIEM_LOG_ERR, "%s '%s': %s", what, ns->path,
		  got < 0 ? strerror(errno) : "short transfer");
	return NVME_SC_INTERNAL;
}

static uint16_t rw(struct nvme_ctrl *c, struct nvme_ns *ns,
		   const struct nvme_sqe *cmd, bool write)
{
	uint64_t slba = (uint64_t)cmd->cdw11 << 32 | cmd->cdw10;
	struct lba_range r;
	uint16_t st;
	ssize_t got;

	st = lba_range(ns, slba, (cmd->cdw12 & 0xffff) + 1, &r);
	if (st)
		return st;
	if (r.len > c->buf_size)
		return NVME_SC_INVALID_FIELD;	/* beyond MDTS */
	if (!write) {
		got = pread(ns->fd, c->buf, r.len, r.off);
		if (got != (ssize_t)r.len)
			return file_error(c, ns, "read of", got);
		st = nvme_prp_transfer(c, cmd, c->buf, r.len, NVME_TO_HOST);
		if (!st) {
			c->smart.units_read += r.len >> 9;
			c->smart.host_reads++;
		}
		return st;
	}
	st = nvme_prp_transfer(c, cmd, c->buf, r.len, NVME_FROM_HOST);
	if (st)
		return st;
	got = pwrite(ns->fd, c->buf, r.len, r.off);
	if (got != (ssize_t)r.len)
		return file_error(c, ns, "write to", got);
	if ((!c->write_cache || cmd->cdw12 & IO_FUA) && nvme_ns_sync(ns))
		return file_error(c, ns, "sync of", -1);
	c->smart.units_written += r.len >> 9;
	c->smart.host_writes++;
	return NVME_SC_SUCCESS;
}

static uint16_t compare(struct nvme_ctrl *c, struct nvme_ns *ns,
			const struct nvme_sqe *cmd)
{
	uint64_t slba = (uint64_t)cmd->cdw11 << 32 | cmd->cdw10;
	size_t half = c->buf_size / 2;
	struct lba_range r;
	uint16_t st;
	ssize_t got;

	st = lba_range(ns, slba, (cmd->cdw12 & 0xffff) + 1, &r);
	if (st)
		return st;
	if (r.len > half)
		return NVME_SC_INVALID_FIELD;
	st = nvme_prp_transfer(c, cmd, c->buf, r.len, NVME_FROM_HOST);
	if (st)
		return st;
	got = pread(ns->fd, c->buf + half, r.len, r.off);
	if (got != (ssize_t)r.len)
		return file_error(c, ns, "read of", got);
	return memcmp(c->buf, c->buf + half, r.len) ? NVME_SC_COMPARE_FAILED :
						      NVME_SC_SUCCESS;
}

/* Zeroes without data: a hole where the file system can make one. */
static int zero_range(struct nvme_ns *ns, const struct lba_range *r,
		      bool deallocate)
{
	static const uint8_t zeroes[NVME_PAGE];
	size_t done;
	ssize_t n;

	if (deallocate &&
	    !fallocate(ns->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		       r->off, (off_t)r->len))
		return 0;
	if (!fallocate(ns->fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE,
		       r->off, (off_t)r->len))
		return 0;
	if (!fallocate(ns->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		       r->off, (off_t)r->len))
		return 0;
	for (done = 0; done < r->len; done += (size_t)n) {
		size_t chunk = r->len - done < sizeof(zeroes) ?
				       r->len - done : sizeof(zeroes);

		n = pwrite(ns->fd, zeroes, chunk, r->off + (off_t)done);
		if (n <= 0)
			return -1;
	}
	return 0;
}

static uint16_t write_zeroes(struct nvme_ctrl *c, struct nvme_ns *ns,
			     const struct nvme_sqe *cmd)
{
	uint64_t slba = (uint64_t)cmd->cdw11 << 32 | cmd->cdw10;
	bool deac = cmd->cdw12 & (1u << 25);
	struct lba_range r;
	uint16_t st;

	st = lba_range(ns, slba, (cmd->cdw12 & 0xffff) + 1, &r);
	if (st)
		return st;
	if (zero_range(ns, &r, deac))
		return file_error(c, ns, "zeroing of", -1);
	if ((!c->write_cache || cmd->cdw12 & IO_FUA) && nvme_ns_sync(ns))
		return file_error(c, ns, "sync of", -1);
	return NVME_SC_SUCCESS;
}

/* Dataset Management: only deallocation does something, a hole. */
static uint16_t dsm(struct nvme_ctrl *c, struct nvme_ns *ns,
		    const struct nvme_sqe *cmd)
{
	uint32_t nr = (cmd->cdw10 & 0xff) + 1;
	uint8_t *ranges = c->buf;
	struct lba_range r[256];
	uint16_t st;
	uint32_t i;

	st = nvme_prp_transfer(c, cmd, ranges, nr * 16, NVME_FROM_HOST);
	if (st)
		return st;
	/* Every range is checked before any is deallocated. */
	for (i = 0; i < nr; i++) {
		const uint8_t *e = ranges + 16 * i;
		uint32_t nlb;
		uint64_t slba;

		memcpy(&nlb, e + 4, 4);
		memcpy(&slba, e + 8, 8);
		if (!nlb) {
			r[i].len = 0;
			continue;
		}
		st = lba_range(ns, slba, nlb, &r[i]);
		if (st)
			return st;
	}
	if (!(cmd->cdw11 & DSM_DEALLOCATE))
		return NVME_SC_SUCCESS;
	for (i = 0; i < nr; i++)
		if (r[i].len && zero_range(ns, &r[i], true))
			return file_error(c, ns, "deallocation in", -1);
	return NVME_SC_SUCCESS;
}

static uint16_t flush(struct nvme_ctrl *c, const struct nvme_sqe *cmd)
{
	struct nvme_ns *ns;

	if (cmd->nsid == 0xffffffff) {
		for (unsigned int n = 0; n < c->n_ns; n++)
			if (nvme_ns_sync(&c->ns[n]))
				return file_error(c, &c->ns[n], "flush of", -1);
		return NVME_SC_SUCCESS;
	}
	ns = nvme_ns_get(c, cmd->nsid);
	if (!ns)
		return NVME_SC_INVALID_NS;
	if (nvme_ns_sync(ns))
		return file_error(c, ns, "flush of", -1);
	return NVME_SC_SUCCESS;
}

uint16_t nvme_io(struct nvme_ctrl *c, const struct nvme_sqe *cmd)
{
	struct nvme_ns *ns;

	/* PRPs only: SGLs (PSDT) are not offered, nor fused operations. */
	if (cmd->flags)
		return NVME_SC_INVALID_FIELD;
	if (cmd->opcode == IO_FLUSH)
		return flush(c, cmd);
	ns = nvme_ns_get(c, cmd->nsid);
	switch (cmd->opcode) {
	case IO_WRITE:
	case IO_READ:
	case IO_COMPARE:
	case IO_WRITE_ZEROES:
	case IO_DSM:
		if (!ns)
			return NVME_SC_INVALID_NS;
		break;
	default:
		return NVME_SC_INVALID_OPCODE;
	}
	switch (cmd->opcode) {
	case IO_WRITE:
		return rw(c, ns, cmd, true);
	case IO_READ:
		return rw(c, ns, cmd, false);
	case IO_COMPARE:
		return compare(c, ns, cmd);
	case IO_WRITE_ZEROES:
		return write_zeroes(c, ns, cmd);
	default:
		return dsm(c, ns, cmd);
	}
}
