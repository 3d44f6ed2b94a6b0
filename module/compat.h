/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels PCIem supports: Debian 12's 6.1 and the
 * 6.12 series (Debian 13; bookworm-backports).  One entry per difference,
 * each saying which release changed what, so the rest of the module is
 * written once.  Each is detected by Kbuild in the headers the module is
 * built against (PCIEM_HAS_* flags), not by version number, so a
 * distribution kernel that carries a change early or late still builds.
 */
#ifndef PCIEM_COMPAT_H
#define PCIEM_COMPAT_H

#include <linux/eventfd.h>

/*
 * 6.8 dropped eventfd_signal()'s count argument: every signal adds one.
 * PCIEM_HAS_EVENTFD_SIGNAL_NO_COUNT: the one-argument form.
 */
static inline void pciem_eventfd_signal(struct eventfd_ctx *ctx)
{
#ifdef PCIEM_HAS_EVENTFD_SIGNAL_NO_COUNT
	eventfd_signal(ctx);
#else
	eventfd_signal(ctx, 1);
#endif
}

/*
 * 6.10 renamed dma_map_ops.alloc_pages to alloc_pages_op, when
 * alloc_pages() became a macro (page allocation profiling).  Used as
 * ".PCIEM_DMA_OPS_ALLOC_PAGES = fn" in the ops table.
 * PCIEM_HAS_DMA_ALLOC_PAGES_OP: the new name.
 */
#ifdef PCIEM_HAS_DMA_ALLOC_PAGES_OP
#define PCIEM_DMA_OPS_ALLOC_PAGES	alloc_pages_op
#else
#define PCIEM_DMA_OPS_ALLOC_PAGES	alloc_pages
#endif

#endif /* PCIEM_COMPAT_H */
