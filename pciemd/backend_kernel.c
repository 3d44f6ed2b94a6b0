// SPDX-License-Identifier: MIT
/*
 * The real backend: the control fd of /dev/pciem and, once REGISTER has
 * returned it, the instance fd.  Closing both is what removes the device.
 */
#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "backend.h"
#include "pciem.h"

struct kernel_backend {
	struct pd_backend base;
	int fd;
	int instance_fd;
};

static struct kernel_backend *kb(struct pd_backend *b)
{
	return (struct kernel_backend *)b;
}

static int kernel_ioctl(struct pd_backend *b, unsigned long request, void *arg)
{
	struct kernel_backend *k = kb(b);
	int ret;

	if (request == PCIEM_IOCTL_REGISTER) {
		ret = ioctl(k->fd, request, 0);
		if (ret < 0)
			return -errno;
		k->instance_fd = ret;
		return ret;
	}
	ret = ioctl(k->fd, request, arg);
	return ret < 0 ? -errno : ret;
}

static void *kernel_map_ring(struct pd_backend *b, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, kb(b)->fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void *kernel_map_bar(struct pd_backend *b, unsigned int bar, size_t size)
{
	struct kernel_backend *k = kb(b);
	void *p;

	if (k->instance_fd < 0) {
		errno = EBADFD;
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, k->instance_fd,
		 (off_t)PCIEM_BAR_MMAP_OFFSET(bar));
	return p == MAP_FAILED ? NULL : p;
}

static void kernel_unmap(struct pd_backend *b, void *addr, size_t size)
{
	(void)b;
	munmap(addr, size);
}

/* Through sysfs: root reads all of config space there. */
static int kernel_read_config(struct pd_backend *b, const char *address,
			      unsigned int offset, void *buf, size_t len)
{
	char path[96];
	ssize_t n;
	int fd, err;

	(void)b;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/config", address);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, len, offset);
	err = n < 0 ? -errno : (size_t)n == len ? 0 : -EIO;
	close(fd);
	return err;
}

static void kernel_destroy(struct pd_backend *b)
{
	struct kernel_backend *k = kb(b);

	if (k->instance_fd >= 0)
		close(k->instance_fd);
	close(k->fd);
	free(k);
}

static const struct pd_backend_ops kernel_ops = {
	.ioctl = kernel_ioctl,
	.map_ring = kernel_map_ring,
	.map_bar = kernel_map_bar,
	.unmap = kernel_unmap,
	.read_config = kernel_read_config,
	.destroy = kernel_destroy,
};

int pd_backend_kernel_open(const char *path, struct pd_backend **out)
{
	struct kernel_backend *k = calloc(1, sizeof(*k));

	if (!k)
		return -ENOMEM;
	k->fd = open(path, O_RDWR | O_CLOEXEC);
	if (k->fd < 0) {
		int err = -errno;

		free(k);
		return err;
	}
	k->base.ops = &kernel_ops;
	k->instance_fd = -1;
	*out = &k->base;
	return 0;
}
