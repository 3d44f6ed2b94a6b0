// SPDX-License-Identifier: GPL-2.0
/*
 * x86 debug registers for PCIem watchpoints.
 *
 * A watchpoint is a wide (all-CPU) perf hw_breakpoint registered on the
 * watchpoint's parking word.  Re-pointing it to the driver's mapping must
 * happen while the driver's ioremap() returns, in atomic context, where
 * perf's own modify call (which sleeps) cannot be used.  So each CPU
 * rewrites, in an IPI, the address register that holds the breakpoint's
 * current address, and the breakpoint's own copy of it, which is what perf
 * writes back whenever it reinstalls the breakpoint.  Type, length and
 * enable bits never change.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hw_breakpoint.h>
#include <linux/perf_event.h>
#include <linux/smp.h>
#include <asm/debugreg.h>

#include "pciem_internal.h"

static void wp_triggered(struct perf_event *bp, struct perf_sample_data *data,
			 struct pt_regs *regs)
{
	pciem_watchpoint_hit(bp->overflow_handler_context);
}

int pciem_arch_wp_register(struct pciem_watchpoint *wp)
{
	struct perf_event * __percpu *bps;
	struct perf_event_attr attr;

	hw_breakpoint_init(&attr);
	attr.bp_addr = (unsigned long)&wp->parking;
	attr.bp_len = wp->width;	/* HW_BREAKPOINT_LEN_n == n */
	attr.bp_type = HW_BREAKPOINT_W;
	wp->want = attr.bp_addr;
	bps = register_wide_hw_breakpoint(&attr, wp_triggered, wp);
	if (IS_ERR(bps))
		return PTR_ERR(bps);
	wp->arch = bps;
	return 0;
}

void pciem_arch_wp_unregister(struct pciem_watchpoint *wp)
{
	unregister_wide_hw_breakpoint(wp->arch);
}

/* IPI: make this CPU's debug register watch wp->want. */
static void wp_apply(void *arg)
{
	struct pciem_watchpoint *wp = arg;
	struct perf_event * __percpu *bps = wp->arch;
	struct perf_event *bp = *this_cpu_ptr(bps);
	struct arch_hw_breakpoint *info = counter_arch_bp(bp);
	unsigned long to = READ_ONCE(wp->want), dr, dr7;
	int i;

	if (info->address == to)
		return;
	get_debugreg(dr7, 7);
	for (i = 0; i < HBP_NUM; i++) {
		/*
		 * A slot perf has let go of keeps its last address, which
		 * may be ours (slab reuse puts a new watchpoint's parking
		 * word where an old one's was): only an enabled slot is.
		 */
		if (!(dr7 & (3UL << (i * 2))))
			continue;
		get_debugreg(dr, i);
		if (dr == info->address) {
			set_debugreg(to, i);
			break;
		}
	}
	info->address = to;
}

/**
 * pciem_arch_wp_sync - make every CPU watch wp->want
 * @wp: watchpoint
 *
 * Context: any but NMI; interrupts should be on.  With interrupts off
 * (a mapping made from atomic context, which ioremap forbids) only this
 * CPU can be updated, and that is reported.
 */
void pciem_arch_wp_sync(struct pciem_watchpoint *wp)
{
	if (irqs_disabled()) {
		wp_apply(wp);
		pr_warn_once("watchpoint retargeted with interrupts off: other CPUs keep the old address\n");
		return;
	}
	on_each_cpu(wp_apply, wp, 1);
}
