// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 hooks that see every kernel mapping of a BAR.
 *
 * ioremap(), ioremap_wc/uc/cache(), pci_iomap(), devm_ioremap() and
 * memremap() of non-RAM all end in __ioremap_caller(phys, size, ...), so a
 * kretprobe there sees the physical range on entry (rdi, rsi) and the new
 * virtual address on return, before the caller can use it.  iounmap() is
 * where every one of those mappings ends.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ptrace.h>

#include "pciem_internal.h"

struct ioremap_call {
	phys_addr_t phys;
	unsigned long size;
};

static struct kretprobe ioremap_probe;

static int ioremap_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ioremap_call *call = (struct ioremap_call *)ri->data;
	static unsigned long reported_missed;
	unsigned long missed = READ_ONCE(ioremap_probe.nmissed);

	/* A missed call may have been a BAR mapping left unredirected. */
	if (missed != READ_ONCE(reported_missed)) {
		WRITE_ONCE(reported_missed, missed);
		pr_err("%lu ioremap calls were not intercepted (too many at once); a BAR mapped then does not reach its device\n",
		       missed);
	}
	call->phys = regs->di;
	call->size = regs->si;
	/* Non-zero: no return probe for mappings of anything else. */
	return !pciem_intercept_wants(call->phys, call->size);
}

static int ioremap_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct ioremap_call *call = (struct ioremap_call *)ri->data;
	unsigned long va = regs_return_value(regs);

	if (va)
		pciem_intercept_mapped(call->phys, call->size, va);
	return 0;
}

static struct kretprobe ioremap_probe = {
	.entry_handler = ioremap_entry,
	.handler = ioremap_return,
	.data_size = sizeof(struct ioremap_call),
	/*
	 * ioremap sleeps, and every caller inside it at once needs an
	 * instance (about 100 bytes each): as many as the tracing interface
	 * lets a user ask for, far beyond the tasks that ever map at once;
	 * a miss is still reported.
	 */
	.maxactive = 4096,
};

static int iounmap_pre(struct kprobe *p, struct pt_regs *regs)
{
	pciem_intercept_unmapped(regs->di);
	return 0;
}

static struct kprobe iounmap_probe = {
	.symbol_name = "iounmap",
	.pre_handler = iounmap_pre,
};

/*
 * Where gcc propagated a constant argument into __ioremap_caller() it is
 * emitted under another name (seen with a KASAN build of 6.1); the
 * variable arguments keep their order, so phys and size are still the
 * first two.  REGISTER checks the hook answers before trusting it.
 */
static const char *const ioremap_symbols[] = {
	"__ioremap_caller", "__ioremap_caller.constprop.0",
};

int pciem_arch_hooks_init(void)
{
	unsigned int i;
	int ret = -ENOENT;

	for (i = 0; i < ARRAY_SIZE(ioremap_symbols) && ret == -ENOENT; i++) {
		ioremap_probe.kp.symbol_name = ioremap_symbols[i];
		ioremap_probe.kp.addr = NULL;
		ret = register_kretprobe(&ioremap_probe);
	}
	if (ret) {
		pr_err("cannot probe %s (%d): BAR mappings cannot be intercepted\n",
		       ioremap_probe.kp.symbol_name, ret);
		return ret;
	}
	ret = register_kprobe(&iounmap_probe);
	if (ret) {
		pr_err("cannot probe %s (%d)\n", iounmap_probe.symbol_name,
		       ret);
		goto err_ioremap;
	}
	ret = pciem_arch_fault_hook_init();
	if (ret)
		goto err_iounmap;
	return 0;

err_iounmap:
	unregister_kprobe(&iounmap_probe);
err_ioremap:
	unregister_kretprobe(&ioremap_probe);
	return ret;
}

void pciem_arch_hooks_exit(void)
{
	pciem_arch_fault_hook_exit();
	unregister_kprobe(&iounmap_probe);
	unregister_kretprobe(&ioremap_probe);
}
