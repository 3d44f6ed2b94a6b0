// SPDX-License-Identifier: MIT
/*
 * DMA commands of the scriptable device process, each answered with one
 * line, "ok ..." or "err ERRNO-NAME":
 *
 *   dmaw IOVA LEN SEED     DMA the byte pattern of SEED to IOVA; "ok SUM"
 *   dmar IOVA LEN          DMA LEN bytes from IOVA; "ok SUM"
 *   patsum LEN SEED        "ok SUM" of LEN pattern bytes, to compare with
 *   atomic OP IOVA OPERAND COMPARE WIDTH
 *                          DMA_ATOMIC (OP: add sub swap cas and or xor, or
 *                          a number; WIDTH 4 or 8); "ok OLD"
 *   atomicadd IOVA N WIDTH N fetch-adds of 1; "ok"
 *   dmasg r|w SEED SEGS    one DMA_SG over SEGS ("IOVA:LEN,IOVA:LEN,...", in
 *                          order): a write sends the pattern of SEED across
 *                          them; "ok SUM" of the bytes moved
 *   dmasgn r|w IOVA N      one DMA_SG of N one-byte segments from IOVA on
 *   dmacat SEGS            one DMA per segment, the bytes joined: "ok SUM"
 *                          (what a DMA_SG read of SEGS must give)
 *   p2p r|w PHYS LEN SEED  P2P read ("ok SUM") or write of the pattern
 *   mmapsum PATH LEN       mmap() LEN bytes of PATH (a driver's file) and
 *                          read them: "ok SUM"
 *
 * SUM is the FNV-1a checksum of the bytes moved (lib/pattern.h), as the
 * test drivers print it.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dma_cmd.h"
#include "pattern.h"
#include "pciem.h"

static uint8_t *pattern_buf(uint64_t len, uint32_t seed)
{
	uint8_t *buf = malloc(len ? len : 1);

	uint32_t word = 0;

	for (uint64_t j = 0; buf && j < len; j++) {
		if (!(j % 4))
			word = pciem_pattern(seed, (uint32_t)(j / 4));
		buf[j] = (uint8_t)(word >> (8 * (j % 4)));
	}
	return buf;
}

static void reply_sum(int ret, const uint8_t *buf, uint64_t len)
{
	if (ret < 0)
		printf("err %s\n", strerrorname_np(errno));
	else
		printf("ok %#" PRIx64 "\n", pciem_fnv(PCIEM_FNV_INIT, buf, len));
}

/*
 * DMA (p2p false) or P2P of @len bytes at @addr: a write sends the pattern
 * of @seed, a read fetches.  Both structures put their fields alike but
 * not at the same offsets, so each is filled here.
 */
static void transfer(int fd, bool p2p, uint64_t addr, uint64_t len, bool write,
		     uint32_t seed)
{
	uint8_t *buf = write ? pattern_buf(len, seed) : calloc(1, len ? len : 1);
	uint32_t flags = write ? PCIEM_DMA_FLAG_WRITE : PCIEM_DMA_FLAG_READ;
	struct pciem_dma_op dma = {
		.guest_iova = addr, .user_addr = (uintptr_t)buf,
		.length = (uint32_t)len, .flags = flags,
	};
	struct pciem_p2p_op_user peer = {
		.target_phys_addr = addr, .user_addr = (uintptr_t)buf,
		.length = (uint32_t)len, .flags = flags,
	};

	if (!buf) {
		printf("err ENOMEM\n");
		return;
	}
	reply_sum(p2p ? ioctl(fd, PCIEM_IOCTL_P2P, &peer) :
			ioctl(fd, PCIEM_IOCTL_DMA, &dma), buf, len);
	free(buf);
}

/* "IOVA:LEN,..." into @segs (at most @max); the count, or -1. */
static int parse_segs(const char *text, struct pciem_dma_seg *segs, int max,
		      uint64_t *total)
{
	const char *p = text;
	int n = 0;

	*total = 0;
	while (*p && n < max) {
		char *end;

		segs[n].iova = strtoull(p, &end, 0);
		if (*end != ':')
			return -1;
		segs[n].length = (uint32_t)strtoul(end + 1, &end, 0);
		segs[n].reserved = 0;
		*total += segs[n++].length;
		if (*end == ',')
			end++;
		else if (*end)
			return -1;
		p = end;
	}
	return *p ? -1 : n;
}

static void sg_transfer(int fd, bool write, uint32_t seed,
			const struct pciem_dma_seg *segs, int n, uint64_t total)
{
	uint8_t *buf = write ? pattern_buf(total, seed) : calloc(1, total ? total : 1);
	struct pciem_dma_sg_op op = {
		.segs = (uintptr_t)segs, .user_addr = (uintptr_t)buf,
		.nr_segs = (uint32_t)n,
		.flags = write ? PCIEM_DMA_FLAG_WRITE : PCIEM_DMA_FLAG_READ,
	};

	if (!buf) {
		printf("err ENOMEM\n");
		return;
	}
	reply_sum(ioctl(fd, PCIEM_IOCTL_DMA_SG, &op), buf, total);
	free(buf);
}

static void dma_sg(int fd, const char *line)
{
	static struct pciem_dma_seg segs[2 * PCIEM_DMA_SG_MAX_SEGS];
	char dir[8], text[8192];
	unsigned long long a, b;
	uint64_t total = 0;
	int n = -1;

	if (sscanf(line, "dmasgn %7s %lli %lli", dir, &a, &b) == 3 &&
	    b <= 2 * PCIEM_DMA_SG_MAX_SEGS) {
		for (n = 0; n < (int)b; n++)
			segs[n] = (struct pciem_dma_seg){ .iova = a + (uint64_t)n, .length = 1 };
		total = b;
	} else if (sscanf(line, "dmasg %7s %lli %8191s", dir, &a, text) == 3) {
		n = parse_segs(text, segs, 2 * PCIEM_DMA_SG_MAX_SEGS, &total);
	} else if (sscanf(line, "dmacat %8191s", text) == 1) {
		uint8_t *buf;
		uint64_t done = 0;
		int ret = 0;

		n = parse_segs(text, segs, 2 * PCIEM_DMA_SG_MAX_SEGS, &total);
		buf = n < 0 ? NULL : calloc(1, total ? total : 1);
		for (int i = 0; buf && i < n && ret >= 0; i++) {
			struct pciem_dma_op op = {
				.guest_iova = segs[i].iova, .user_addr = (uintptr_t)(buf + done),
				.length = segs[i].length, .flags = PCIEM_DMA_FLAG_READ,
			};

			ret = segs[i].length ? ioctl(fd, PCIEM_IOCTL_DMA, &op) : 0;
			done += segs[i].length;
		}
		if (!buf)
			printf("err EINVAL\n");
		else
			reply_sum(ret, buf, total);
		free(buf);
		return;
	}
	if (n < 0 || (strcmp(dir, "r") && strcmp(dir, "w"))) {
		printf("err EINVAL\n");
		return;
	}
	sg_transfer(fd, dir[0] == 'w', (uint32_t)a, segs, n, total);
}

static int atomic_op_type(const char *name, unsigned int width)
{
	static const char *const names[] = {
		[PCIEM_ATOMIC_FETCH_ADD] = "add", [PCIEM_ATOMIC_FETCH_SUB] = "sub",
		[PCIEM_ATOMIC_SWAP] = "swap", [PCIEM_ATOMIC_CAS] = "cas",
		[PCIEM_ATOMIC_FETCH_AND] = "and", [PCIEM_ATOMIC_FETCH_OR] = "or",
		[PCIEM_ATOMIC_FETCH_XOR] = "xor",
	};
	int op = -1;

	for (unsigned int i = 1; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			op = (int)i;
	if (op < 0)
		op = (int)strtol(name, NULL, 0);
	return op | (width == 4 ? PCIEM_ATOMIC_WIDTH_32 : 0);
}

static void atomic_add_loop(int fd, uint64_t iova, uint64_t n,
			    unsigned int width)
{
	struct pciem_dma_atomic a = {
		.guest_iova = iova,
		.operand = 1,
		.op_type = (uint32_t)atomic_op_type("add", width),
	};

	for (uint64_t i = 0; i < n; i++) {
		if (ioctl(fd, PCIEM_IOCTL_DMA_ATOMIC, &a) < 0) {
			printf("err %s after %" PRIu64 "\n",
			       strerrorname_np(errno), i);
			return;
		}
	}
	printf("ok\n");
}

static void mmap_sum(const char *path, uint64_t len)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);
	void *p = MAP_FAILED;

	if (fd >= 0)
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		printf("err %s\n", strerrorname_np(errno));
	} else {
		printf("ok %#" PRIx64 "\n", pciem_fnv(PCIEM_FNV_INIT, p, len));
		munmap(p, len);
	}
	if (fd >= 0)
		close(fd);
}

/* Up to four numbers after the command (and its word, if @word). */
static int numbers(const char *line, char *word, unsigned long long *v)
{
	char tok[5][128];
	int n = sscanf(line, "%*s %127s %127s %127s %127s %127s", tok[0], tok[1],
		       tok[2], tok[3], tok[4]);
	int first = word ? 1 : 0;

	if (word && n >= 1)
		snprintf(word, 128, "%s", tok[0]);
	for (int i = first; i < n; i++) {
		char *end;

		v[i - first] = strtoull(tok[i], &end, 0);
		if (*end)
			return -1;
	}
	return n - first;
}

bool dma_cmd_serve(int fd, const char *line)
{
	unsigned long long v[5] = { 0 };
	char cmd[16], word[128] = "";

	if (sscanf(line, "%15s", cmd) != 1)
		return false;
	if (!strcmp(cmd, "dmaw") && numbers(line, NULL, v) == 3) {
		transfer(fd, false, v[0], v[1], true, (uint32_t)v[2]);
	} else if (!strcmp(cmd, "dmar") && numbers(line, NULL, v) == 2) {
		transfer(fd, false, v[0], v[1], false, 0);
	} else if (!strcmp(cmd, "patsum") && numbers(line, NULL, v) == 2) {
		uint8_t *buf = pattern_buf(v[0], (uint32_t)v[1]);

		reply_sum(buf ? 0 : -1, buf, v[0]);
		free(buf);
	} else if (!strcmp(cmd, "atomic") && numbers(line, word, v) == 4) {
		struct pciem_dma_atomic at = {
			.guest_iova = v[0],
			.operand = v[1],
			.compare = v[2],
			.op_type = (uint32_t)atomic_op_type(word, (unsigned int)v[3]),
		};

		if (ioctl(fd, PCIEM_IOCTL_DMA_ATOMIC, &at) < 0)
			printf("err %s\n", strerrorname_np(errno));
		else
			printf("ok %#" PRIx64 "\n", at.result);
	} else if (!strcmp(cmd, "atomicadd") && numbers(line, NULL, v) == 3) {
		atomic_add_loop(fd, v[0], v[1], (unsigned int)v[2]);
	} else if (!strcmp(cmd, "mmapsum") && numbers(line, word, v) == 1) {
		mmap_sum(word, v[0]);
	} else if (!strcmp(cmd, "dmasg") || !strcmp(cmd, "dmasgn") ||
		   !strcmp(cmd, "dmacat")) {
		dma_sg(fd, line);
	} else if (!strcmp(cmd, "p2p") && numbers(line, word, v) >= 2 &&
		   (!strcmp(word, "r") || !strcmp(word, "w"))) {
		transfer(fd, true, v[0], v[1], word[0] == 'w', (uint32_t)v[2]);
	} else {
		return false;
	}
	return true;
}
