// SPDX-License-Identifier: MIT
/*
 * Identify: the controller, its namespaces, the list of active ones and
 * each one's identifiers, as the description and parameters say.
 */
#include <stdio.h>
#include <string.h>

#include "nvme.h"

enum {
	CNS_NAMESPACE = 0x00,
	CNS_CONTROLLER = 0x01,
	CNS_ACTIVE_NS_LIST = 0x02,
	CNS_NS_ID_DESCRIPTORS = 0x03,
	CNS_CS_NAMESPACE = 0x05,
	CNS_CS_CONTROLLER = 0x06,
	CNS_CS_INDEPENDENT_NS = 0x08,
};

/* A stable 64-bit hash of the serial and a namespace ID (FNV-1a). */
static uint64_t id_hash(const struct nvme_ctrl *c, uint32_t nsid,
			uint64_t salt)
{
	uint64_t h = 0xcbf29ce484222325ull ^ salt;

	for (const char *p = c->serial; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	for (int i = 0; i < 4; i++)
		h = (h ^ (uint8_t)(nsid >> (8 * i))) * 0x100000001b3ull;
	return h;
}

static void nguid(const struct nvme_ctrl *c, uint32_t nsid, uint8_t *out)
{
	nvme_put64(out, id_hash(c, nsid, 1));
	nvme_put64(out + 8, id_hash(c, nsid, 2));
}

static void identify_controller(struct nvme_ctrl *c, uint8_t *d)
{
	char nqn[256];
	size_t len;

	nvme_put16(d + 0, c->vendor);			/* VID */
	nvme_put16(d + 2, c->subsys_vendor);		/* SSVID */
	memcpy(d + 4, c->serial, 20);			/* SN */
	memcpy(d + 24, c->model, 40);			/* MN */
	memcpy(d + 64, c->firmware, 8);			/* FR */
	d[72] = 6;					/* RAB */
	d[77] = NVME_MDTS;				/* MDTS */
	nvme_put16(d + 78, 1);				/* CNTLID */
	nvme_put32(d + 80, 0x00010400);			/* VER */
	nvme_put32(d + 92, 1u << 8);			/* OAES: ns attribute */
	d[111] = 1;					/* CNTRLTYPE: I/O */
	/* OACS: Format NVM, Doorbell Buffer Config. */
	nvme_put16(d + 256, 1u << 1 | 1u << 8);
	d[258] = 3;					/* ACL: 4 aborts */
	d[259] = NVME_AER_LIMIT - 1;			/* AERL */
	d[260] = 1u << 1 | 1u << 0;			/* FRMW: 1 slot, RO */
	d[261] = 1u << 2;				/* LPA: extended data */
	d[262] = NVME_ERROR_LOG_ENTRIES - 1;		/* ELPE */
	nvme_put16(d + 266, 343);			/* WCTEMP: 70 C */
	nvme_put16(d + 268, 373);			/* CCTEMP: 100 C */
	d[512] = 0x66;					/* SQES: 64 bytes */
	d[513] = 0x44;					/* CQES: 16 bytes */
	nvme_put16(d + 514, (uint16_t)(c->queue_entries > 0xffff ? 0xffff :
						c->queue_entries));	/* MAXCMD */
	nvme_put32(d + 516, c->n_ns);			/* NN */
	/* ONCS: Compare, Dataset Management, Write Zeroes, Timestamp. */
	nvme_put16(d + 520, 1u << 0 | 1u << 2 | 1u << 3 | 1u << 6);
	/* VWC: present, and Flush takes the broadcast namespace ID. */
	d[525] = (c->vwc_present ? 1 : 0) | 3u << 1;
	nvme_put32(d + 536, 0);				/* SGLS: none */
	len = (size_t)snprintf(nqn, sizeof(nqn),
			       "nqn.2026-12.org.pciem:nvme:%.20s", c->serial);
	while (len && nqn[len - 1] == ' ')
		nqn[--len] = '\0';
	memcpy(d + 768, nqn, len < 256 ? len : 255);	/* SUBNQN */
	/* Power state 0: 25 W, no entry or exit latency. */
	nvme_put16(d + 2048, 2500);
}

static void identify_namespace(struct nvme_ctrl *c, const struct nvme_ns *ns,
			       uint8_t *d)
{
	nvme_put64(d + 0, ns->blocks);			/* NSZE */
	nvme_put64(d + 8, ns->blocks);			/* NCAP */
	nvme_put64(d + 16, ns->blocks);			/* NUSE */
	d[24] = 1u << 0 | 1u << 2;			/* NSFEAT: thin, DAE */
	d[25] = 0;					/* NLBAF: one format */
	d[26] = 0;					/* FLBAS: format 0 */
	/* DLFEAT: deallocated blocks read zero; Write Zeroes deallocates. */
	d[33] = 1u << 0 | 1u << 3;
	nguid(c, ns->nsid, d + 104);			/* NGUID */
	nvme_put64(d + 120, id_hash(c, ns->nsid, 3));	/* EUI64 */
	d[128 + 2] = (uint8_t)ns->lba_shift;		/* LBAF0.LBADS */
}

static void identify_ns_list(struct nvme_ctrl *c, uint32_t after, uint8_t *d)
{
	unsigned int n = 0;

	for (uint32_t nsid = after + 1; nsid <= c->n_ns && n < 1024; nsid++)
		nvme_put32(d + 4 * n++, nsid);
}

static void identify_ns_descriptors(struct nvme_ctrl *c,
				    const struct nvme_ns *ns, uint8_t *d)
{
	d[0] = 2;			/* NIDT: NGUID */
	d[1] = 16;
	nguid(c, ns->nsid, d + 4);
	d[20] = 4;			/* NIDT: command set identifier */
	d[21] = 1;
	d[24] = 0;			/* the NVM command set */
}

/* The I/O command set independent namespace data structure. */
static void identify_cs_independent(uint8_t *d)
{
	d[0] = 1u << 0 | 1u << 2;	/* NSFEAT, as above */
	d[5] = 1;			/* NSTAT: ready */
}

uint16_t nvme_identify(struct nvme_ctrl *c, const struct nvme_sqe *cmd)
{
	uint8_t cns = (uint8_t)cmd->cdw10, csi = (uint8_t)(cmd->cdw11 >> 24);
	struct nvme_ns *ns = NULL;
	uint8_t *d = c->buf;

	memset(d, 0, NVME_PAGE);
	switch (cns) {
	case CNS_NAMESPACE:
	case CNS_NS_ID_DESCRIPTORS:
	case CNS_CS_NAMESPACE:
	case CNS_CS_INDEPENDENT_NS:
		ns = nvme_ns_get(c, cmd->nsid);
		/* An inactive namespace of the valid range reads all zeroes. */
		if (!ns && (cns != CNS_NAMESPACE || !cmd->nsid ||
			    cmd->nsid == 0xffffffff))
			return NVME_SC_INVALID_NS;
		break;
	default:
		break;
	}
	switch (cns) {
	case CNS_NAMESPACE:
		if (ns)
			identify_namespace(c, ns, d);
		break;
	case CNS_CONTROLLER:
		identify_controller(c, d);
		break;
	case CNS_ACTIVE_NS_LIST:
		if (cmd->nsid >= 0xfffffffe)
			return NVME_SC_INVALID_NS;
		identify_ns_list(c, cmd->nsid, d);
		break;
	case CNS_NS_ID_DESCRIPTORS:
		identify_ns_descriptors(c, ns, d);
		break;
	case CNS_CS_NAMESPACE:
		/* The NVM command set's is all zeroes in NVMe 1.4 terms. */
		if (csi)
			return NVME_SC_INVALID_FIELD;
		break;
	case CNS_CS_CONTROLLER:
		/* NVM: no limits on Verify, Write Zeroes or DSM sizes. */
		if (csi)
			return NVME_SC_INVALID_FIELD;
		break;
	case CNS_CS_INDEPENDENT_NS:
		identify_cs_independent(d);
		break;
	default:
		return NVME_SC_INVALID_FIELD;
	}
	return nvme_prp_transfer(c, cmd, d, NVME_PAGE, NVME_TO_HOST);
}
