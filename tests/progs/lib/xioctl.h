/* SPDX-License-Identifier: MIT */
/* ioctl() for test programs: any failure ends the program with its cause. */
#ifndef PCIEM_TEST_XIOCTL_H
#define PCIEM_TEST_XIOCTL_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

static inline void xioctl(int fd, unsigned long req, void *arg,
			  const char *what)
{
	if (ioctl(fd, req, arg) < 0) {
		perror(what);
		exit(1);
	}
}

#endif
