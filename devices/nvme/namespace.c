// SPDX-License-Identifier: MIT
/*
 * Namespaces: nsN_file, nsN_size and nsN_block_size, N from 1 up without a
 * gap.  Each is a file, sparse, created when absent; a relative path is
 * taken in $STATE_DIRECTORY (systemd's StateDirectory=) when it is set.
 */
/* GNU and POSIX calls also when built alone with pkg-config's flags. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nvme.h"

static char *backing_path(const char *file)
{
	const char *dir = getenv("STATE_DIRECTORY");
	char *path;

	if (file[0] == '/' || !dir || !*dir)
		return strdup(file);
	/* StateDirectory= may list several, ':'-separated: the first. */
	if (asprintf(&path, "%.*s/%s", (int)strcspn(dir, ":"), dir, file) < 0)
		return NULL;
	return path;
}

static int open_namespace(struct nvme_ctrl *c, struct nvme_ns *ns,
			  unsigned int n)
{
	char key_file[32], key_size[32], key_bs[32];
	uint64_t size, block_size;
	struct stat st;
	const char *file;
	int ret;

	snprintf(key_file, sizeof(key_file), "ns%u_file", n);
	snprintf(key_size, sizeof(key_size), "ns%u_size", n);
	snprintf(key_bs, sizeof(key_bs), "ns%u_block_size", n);
	file = pciem_param(c->dev, key_file);
	if (!file || !*file)
		return pciem_param_error(c->dev, pciem_param(c->dev, key_size) ? key_size : key_bs,
					 "namespace %u has no %s; expected its backing file's path",
					 n, key_file);
	ret = pciem_param_u64(c->dev, key_bs, 512, &block_size);
	if (ret)
		return ret;
	if (block_size != 512 && block_size != 4096)
		return pciem_param_error(c->dev, key_bs,
					 "%llu; expected 512 or 4096",
					 (unsigned long long)block_size);
	ret = pciem_param_u64(c->dev, key_size, 0, &size);
	if (ret)
		return ret;
	/* Checked before anything is made, so a bad size leaves no file. */
	if (size && (size % block_size || size < block_size))
		return pciem_param_error(c->dev, key_size,
					 "size %llu is not a multiple of the block size %llu; expected whole blocks",
					 (unsigned long long)size,
					 (unsigned long long)block_size);
	ns->nsid = n;
	ns->lba_shift = block_size == 512 ? 9 : 12;
	ns->path = backing_path(file);
	if (!ns->path)
		return -ENOMEM;
	ns->fd = open(ns->path, O_RDWR | O_CLOEXEC);
	if (ns->fd < 0 && errno == ENOENT && size) {
		ns->fd = open(ns->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC,
			      0600);
		ns->created = ns->fd >= 0;
	}
	if (ns->fd < 0 && errno == ENOENT && !size)
		return pciem_param_error(c->dev, key_file,
					 "'%s' does not exist and %s is not given; expected an existing file, or a size for a new one",
					 ns->path, key_size);
	if (ns->fd < 0)
		return pciem_param_error(c->dev, key_file,
					 "cannot open '%s': %s; expected a file pciemd may read and write (or create)",
					 ns->path, strerror(errno));
	if (fstat(ns->fd, &st) || !S_ISREG(st.st_mode))
		return pciem_param_error(c->dev, key_file,
					 "'%s' is not a regular file; expected a file",
					 ns->path);
	if (!size && !st.st_size)
		return pciem_param_error(c->dev, key_file,
					 "'%s' is empty and %s is not given; expected a size for the new namespace",
					 ns->path, key_size);
	if (!size && (st.st_size % block_size || st.st_size < (off_t)block_size))
		return pciem_param_error(c->dev, key_file,
					 "'%s' holds %lld bytes, not a multiple of the block size %llu; expected whole blocks",
					 ns->path, (long long)st.st_size,
					 (unsigned long long)block_size);
	if (!size)
		size = (uint64_t)st.st_size;
	if (!ns->created && (uint64_t)st.st_size != size)
		return pciem_param_error(c->dev, key_size,
					 "'%s' holds %lld bytes, not %llu; expected its size (or no %s)",
					 ns->path, (long long)st.st_size,
					 (unsigned long long)size, key_size);
	if (ns->created && ftruncate(ns->fd, (off_t)size))
		return pciem_param_error(c->dev, key_file,
					 "cannot make '%s' %llu bytes: %s",
					 ns->path, (unsigned long long)size,
					 strerror(errno));
	ns->blocks = size >> ns->lba_shift;
	return 0;
}

int nvme_namespaces_open(struct nvme_ctrl *c)
{
	char key[32];
	unsigned int n;
	const char *k;
	int ret;

	for (n = 0; n < NVME_MAX_NAMESPACES; n++)
		c->ns[n].fd = -1;
	for (n = 1; n <= NVME_MAX_NAMESPACES; n++) {
		snprintf(key, sizeof(key), "ns%u_file", n);
		if (!pciem_param(c->dev, key))
			break;
		ret = open_namespace(c, &c->ns[n - 1], n);
		c->n_ns = n;
		if (ret)
			return ret;
	}
	/* A namespace past the last one's number: too many, or a gap. */
	for (unsigned int i = 0; (k = pciem_param_key(c->dev, i)); i++) {
		unsigned int m;

		if (sscanf(k, "ns%u_", &m) != 1 || (m >= 1 && m <= c->n_ns))
			continue;
		if (m > NVME_MAX_NAMESPACES)
			return pciem_param_error(c->dev, k,
						 "namespace %u; expected at most %u namespaces",
						 m, NVME_MAX_NAMESPACES);
		return pciem_param_error(c->dev, k,
					 "namespace %u, but namespace %u has no ns%u_file; expected namespaces numbered from 1 without a gap",
					 m, c->n_ns + 1, c->n_ns + 1);
	}
	if (!c->n_ns) {
		pciem_log(c->dev, PCIEM_LOG_ERR,
			  "no namespace; expected params ns1_file (and ns1_size for a new file)");
		return -EINVAL;
	}
	return 0;
}

/* A start that failed takes back the files it made. */
void nvme_namespaces_close(struct nvme_ctrl *c, bool failed)
{
	for (unsigned int n = 0; n < NVME_MAX_NAMESPACES; n++) {
		if (c->ns[n].fd >= 0) {
			fsync(c->ns[n].fd);
			close(c->ns[n].fd);
		}
		if (failed && c->ns[n].created)
			unlink(c->ns[n].path);
		c->ns[n].created = false;
		c->ns[n].fd = -1;
		free(c->ns[n].path);
		c->ns[n].path = NULL;
	}
	c->n_ns = 0;
}

struct nvme_ns *nvme_ns_get(struct nvme_ctrl *c, uint32_t nsid)
{
	if (!nsid || nsid > c->n_ns)
		return NULL;
	return &c->ns[nsid - 1];
}

/* Format NVM: every block reads zero again, and holds no space. */
uint16_t nvme_ns_format(struct nvme_ctrl *c, struct nvme_ns *ns)
{
	off_t size = (off_t)(ns->blocks << ns->lba_shift);

	if (ftruncate(ns->fd, 0) || ftruncate(ns->fd, size) ||
	    fdatasync(ns->fd)) {
		pciem_log(c->dev, PCIEM_LOG_ERR, "format of '%s' failed: %s",
			  ns->path, strerror(errno));
		return NVME_SC_INTERNAL;
	}
	return NVME_SC_SUCCESS;
}

int nvme_ns_sync(struct nvme_ns *ns)
{
	return fdatasync(ns->fd) ? -errno : 0;
}
