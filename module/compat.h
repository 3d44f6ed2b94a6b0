/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels PCIem supports: Debian 12's 6.1 and the
 * 6.12 series (Debian 13; bookworm-backports).  One entry per difference,
 * each saying which release changed what, so the rest of the module is
 * written once against the newest API.
 */
#ifndef PCIEM_COMPAT_H
#define PCIEM_COMPAT_H

#include <linux/eventfd.h>
#include <linux/version.h>

/*
 * 6.8 dropped eventfd_signal()'s count argument: every signal adds one.
 * The new one-argument form is used everywhere; 6.1 gets it here.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
static inline void pciem_eventfd_signal(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx, 1);
}
#else
static inline void pciem_eventfd_signal(struct eventfd_ctx *ctx)
{
	eventfd_signal(ctx);
}
#endif

/*
 * 6.10 renamed dma_map_ops.alloc_pages to alloc_pages_op, when
 * alloc_pages() became a macro (page allocation profiling).  Used as
 * ".PCIEM_DMA_OPS_ALLOC_PAGES = fn" in the ops table.
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
#define PCIEM_DMA_OPS_ALLOC_PAGES	alloc_pages
#else
#define PCIEM_DMA_OPS_ALLOC_PAGES	alloc_pages_op
#endif

#endif /* PCIEM_COMPAT_H */
