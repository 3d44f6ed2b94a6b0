/* SPDX-License-Identifier: MIT */
/*
 * The kernel as pciemd sees it: ioctls and mappings of one /dev/pciem
 * device.  Behind this small table so that the builder and the dispatcher
 * run against a fake in unit tests.
 */
#ifndef PCIEMD_BACKEND_H
#define PCIEMD_BACKEND_H

#include <stddef.h>

struct pd_backend;

struct pd_backend_ops {
	/* An ioctl of uapi/pciem.h: its result (>= 0) or a negative errno. */
	int (*ioctl)(struct pd_backend *b, unsigned long request, void *arg);
	/* The event ring (control fd, offset 0); NULL with errno set. */
	void *(*map_ring)(struct pd_backend *b, size_t size);
	/* BAR memory (instance fd, after REGISTER); NULL with errno set. */
	void *(*map_bar)(struct pd_backend *b, unsigned int bar, size_t size);
	void (*unmap)(struct pd_backend *b, void *addr, size_t size);
	/*
	 * len bytes of the registered device's config space from offset, as
	 * the PCI core sees them (address: "10000:00:00.0"); 0 or a
	 * negative errno.
	 */
	int (*read_config)(struct pd_backend *b, const char *address,
			   unsigned int offset, void *buf, size_t len);
	/* Close everything: the kernel removes the device. */
	void (*destroy)(struct pd_backend *b);
};

struct pd_backend {
	const struct pd_backend_ops *ops;
};

/* Open path (/dev/pciem): 0, or a negative errno. */
int pd_backend_kernel_open(const char *path, struct pd_backend **out);

/* "ADD_BAR" for PCIEM_IOCTL_ADD_BAR, ...; "ioctl 0x..." if unknown. */
const char *pd_ioctl_name(unsigned long request);

#endif /* PCIEMD_BACKEND_H */
