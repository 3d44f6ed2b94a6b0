// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 fault-time emulation of accesses to trapped BAR pages.
 *
 * A kernel-mode fault that no one else handles ends in
 * bad_area_nosemaphore(regs, error_code, address).  A kprobe there (an
 * ftrace-based one: the entry is not on the kprobe blacklist) checks,
 * without taking any lock, whether the address is in a BAR mapping; if so
 * it sends the call to pciem_fault_emulate() instead, with the same
 * arguments, the way livepatch replaces a function.  The check takes no
 * lock because it sees every unhandled kernel fault: one taken by a
 * nofault access while emulation holds the intercept lock, or one in an
 * NMI, must pass straight through to the kernel's own handling.  That runs as a
 * normal part of the page-fault exception, outside kprobe context, decodes
 * the faulting instruction (insn_decode.c), performs the access against
 * the backing memory with the registers' semantics, writes the result to
 * the faulting context's registers and resumes it after the instruction.
 * Every other fault passes through untouched.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kprobes.h>
#include <linux/ptrace.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <asm/trap_pf.h>

#include "insn_decode.h"
#include "pciem_internal.h"

static unsigned long *gpr(struct pt_regs *regs, int n)
{
	switch (n) {
	case 0: return &regs->ax;
	case 1: return &regs->cx;
	case 2: return &regs->dx;
	case 3: return &regs->bx;
	case 4: return &regs->sp;
	case 5: return &regs->bp;
	case 6: return &regs->si;
	case 7: return &regs->di;
	case 8: return &regs->r8;
	case 9: return &regs->r9;
	case 10: return &regs->r10;
	case 11: return &regs->r11;
	case 12: return &regs->r12;
	case 13: return &regs->r13;
	case 14: return &regs->r14;
	default: return &regs->r15;
	}
}

/* The value a store instruction writes. */
static u64 store_value(struct pt_regs *regs, const struct mmio_insn *insn)
{
	if (insn->has_imm)
		return insn->imm & pciem_width_mask(insn->width);
	if (insn->high_byte)
		return (*gpr(regs, insn->reg) >> 8) & 0xff;
	return *gpr(regs, insn->reg) & pciem_width_mask(insn->width);
}

/* Write a loaded value to its register as the CPU would. */
static void load_result(struct pt_regs *regs, const struct mmio_insn *insn,
			u64 v)
{
	unsigned long *r = gpr(regs, insn->reg);

	if (insn->ext == MMIO_EXT_SIGN)
		v = sign_extend64(v, 8 * insn->width - 1);
	switch (insn->dst_width) {
	case 8:
		*r = v;
		break;
	case 4:
		*r = (u32)v;	/* 32-bit destinations clear bits 63:32 */
		break;
	case 2:
		*r = (*r & ~0xffffUL) | (v & 0xffff);
		break;
	default:
		if (insn->high_byte)
			*r = (*r & ~0xff00UL) | ((v & 0xff) << 8);
		else
			*r = (*r & ~0xffUL) | (v & 0xff);
		break;
	}
}

/*
 * EMU_PARTIAL: more elements of a string instruction to emulate, after the
 * lock was dropped.  EMU_RESUME: the rest of a string instruction touches
 * no trapped page, so the CPU runs it (the registers say where it is).
 */
enum emu_result { EMU_DONE, EMU_PARTIAL, EMU_SYNC, EMU_FAIL, EMU_RESUME };

/*
 * Elements of a string instruction emulated under one hold of the
 * intercept lock (interrupts off): a long memcpy_toio() is emulated in
 * bounded steps, never in one.
 */
#define EMU_STRING_STEP	64

/* State of one fault's emulation. */
struct emu {
	struct pciem_trap_batch batch;	/* events, posted after unlocking */
	struct pciem_bar *sync_bar;	/* EMU_SYNC: the read to ask for */
	u64 sync_off;
};

/* Either side of a movs may be a BAR or ordinary kernel memory. */
static enum emu_result mem_read(unsigned long va, unsigned int width, u64 *v,
				struct emu *emu)
{
	struct pciem_bar *bar;
	u64 off;

	if (pciem_intercept_lookup(va, &bar, &off)) {
		if (off + width > bar->size)
			return EMU_FAIL;
		if (pciem_trap_read(bar, off, width, v, &emu->batch) ==
		    PCIEM_TRAP_SYNC) {
			emu->sync_bar = bar;
			emu->sync_off = off;
			return EMU_SYNC;
		}
		return EMU_DONE;
	}
	*v = 0;
	return copy_from_kernel_nofault(v, (void *)va, width) ? EMU_FAIL :
								  EMU_DONE;
}

/* copy_to_kernel_nofault() is not exported; the fixup is the same. */
static bool kernel_write_nofault(unsigned long va, unsigned int width, u64 v)
{
	u8 v8 = v;
	u16 v16 = v;
	u32 v32 = v;

	pagefault_disable();
	switch (width) {
	case 1:
		__put_kernel_nofault((u8 *)va, &v8, u8, fault);
		break;
	case 2:
		__put_kernel_nofault((u16 *)va, &v16, u16, fault);
		break;
	case 4:
		__put_kernel_nofault((u32 *)va, &v32, u32, fault);
		break;
	default:
		__put_kernel_nofault((u64 *)va, &v, u64, fault);
		break;
	}
	pagefault_enable();
	return true;
fault:
	pagefault_enable();
	return false;
}

static bool mem_write(unsigned long va, unsigned int width, u64 v,
		      struct emu *emu)
{
	struct pciem_bar *bar;
	u64 off;

	if (pciem_intercept_lookup(va, &bar, &off)) {
		if (off + width > bar->size)
			return false;
		pciem_trap_write(bar, off, width, v, &emu->batch);
		return true;
	}
	return kernel_write_nofault(va, width, v);
}

/* After the element at si..di was moved (or stored): the next one. */
static void string_advance(struct pt_regs *regs, const struct mmio_insn *insn)
{
	long step = regs->flags & X86_EFLAGS_DF ? -(long)insn->width :
						   insn->width;

	if (insn->op == MMIO_OP_MOVS)
		regs->si += step;
	regs->di += step;
	if (insn->rep)
		regs->cx--;
}

static bool string_done(struct pt_regs *regs, const struct mmio_insn *insn)
{
	return !insn->rep || !regs->cx;
}

/* Does the element at si/di touch a trapped BAR page?  Intercept lock held. */
static bool element_trapped(struct pt_regs *regs, const struct mmio_insn *insn)
{
	return pciem_intercept_trapped(regs->di) ||
	       pciem_intercept_trapped(regs->di + insn->width - 1) ||
	       (insn->op == MMIO_OP_MOVS &&
		(pciem_intercept_trapped(regs->si) ||
		 pciem_intercept_trapped(regs->si + insn->width - 1)));
}

/*
 * movs/stos: the elements of a rep, as many as the event batch and
 * EMU_STRING_STEP take, while they touch a trapped page.  The registers
 * advance with each element, so the instruction can be resumed (or simply
 * run again) from any point, as after an interruption.
 */
static enum emu_result emulate_string(struct pt_regs *regs,
				      const struct mmio_insn *insn,
				      struct emu *emu)
{
	unsigned int n = 0;
	enum emu_result res;
	u64 v;

	while (!string_done(regs, insn) || !insn->rep) {
		if (emu->batch.n + 2 > PCIEM_TRAP_BATCH || n++ == EMU_STRING_STEP)
			return EMU_PARTIAL;
		if (n > 1 && !element_trapped(regs, insn))
			return EMU_RESUME;
		if (insn->op == MMIO_OP_MOVS) {
			res = mem_read(regs->si, insn->width, &v, emu);
			if (res != EMU_DONE)
				return res;
		} else {
			v = regs->ax & pciem_width_mask(insn->width);
		}
		if (!mem_write(regs->di, insn->width, v, emu))
			return EMU_FAIL;
		string_advance(regs, insn);
		if (!insn->rep)
			break;
	}
	return EMU_DONE;
}

/*
 * Where a READ or WRITE starts.  The fault address is the first byte that
 * faulted: for an access that runs from a direct page onto a trapped one,
 * that is past its start, so the start comes from the operand itself when
 * the fault address lies inside it.
 */
static unsigned long access_start(struct pt_regs *regs,
				  const struct mmio_insn *insn,
				  unsigned long address)
{
	const struct mmio_ea *ea = &insn->ea;
	unsigned long start = ea->disp;

	if (!ea->known)
		return address;
	if (ea->base == MMIO_EA_RIP)
		start += regs->ip + insn->len;
	else if (ea->base != MMIO_EA_NONE)
		start += *gpr(regs, ea->base);
	if (ea->index != MMIO_EA_NONE)
		start += *gpr(regs, ea->index) << ea->scale;
	return address - start < insn->width ? start : address;
}

/* Context: intercept lock held. */
static enum emu_result emulate(struct pt_regs *regs,
			       const struct mmio_insn *insn,
			       unsigned long address, struct emu *emu)
{
	enum emu_result res;
	u64 v;

	if (insn->op == MMIO_OP_READ || insn->op == MMIO_OP_WRITE)
		address = access_start(regs, insn, address);
	switch (insn->op) {
	case MMIO_OP_WRITE:
		return mem_write(address, insn->width, store_value(regs, insn),
				 emu) ? EMU_DONE : EMU_FAIL;
	case MMIO_OP_READ:
		res = mem_read(address, insn->width, &v, emu);
		if (res == EMU_DONE)
			load_result(regs, insn, v);
		return res;
	default:
		return emulate_string(regs, insn, emu);
	}
}

/*
 * The element the process answered: a read completes, a movs stores it
 * and goes on.  Context: intercept lock held.
 */
static enum emu_result complete_sync(struct pt_regs *regs,
				     const struct mmio_insn *insn, u64 v,
				     struct emu *emu)
{
	if (insn->op == MMIO_OP_READ) {
		load_result(regs, insn, v);
		return EMU_DONE;
	}
	if (!mem_write(regs->di, insn->width, v, emu))
		return EMU_FAIL;
	string_advance(regs, insn);
	return string_done(regs, insn) ? EMU_DONE : EMU_PARTIAL;
}

/*
 * Emulation runs under the intercept lock with interrupts off.  A fault
 * it takes itself (a nofault access of the other operand) must never come
 * back here: it would spin on that lock.  The fault hook checks this CPU's
 * mark and leaves such a fault to the kernel's own fixup.
 */
static DEFINE_PER_CPU(bool, emulating);

static unsigned long emu_lock(void)
{
	unsigned long flags = pciem_intercept_lock();

	this_cpu_write(emulating, true);
	return flags;
}

static void emu_unlock(unsigned long flags)
{
	this_cpu_write(emulating, false);
	pciem_intercept_unlock(flags);
}

/* The instruction bytes at @ip, as many as can be read (up to 15). */
static size_t fetch_insn(unsigned long ip, u8 *buf)
{
	size_t n = min_t(size_t, MMIO_INSN_MAX_LEN,
			 PAGE_SIZE - offset_in_page(ip));

	if (!copy_from_kernel_nofault(buf, (void *)ip, MMIO_INSN_MAX_LEN))
		return MMIO_INSN_MAX_LEN;
	return copy_from_kernel_nofault(buf, (void *)ip, n) ? 0 : n;
}

/* Instruction addresses already reported; under the intercept lock. */
static unsigned long reported_ip[32];
static unsigned int nreported;

static bool first_report(unsigned long ip)
{
	unsigned int i;

	for (i = 0; i < min_t(unsigned int, nreported, ARRAY_SIZE(reported_ip)); i++)
		if (reported_ip[i] == ip)
			return false;
	reported_ip[nreported++ % ARRAY_SIZE(reported_ip)] = ip;
	return true;
}

/*
 * An instruction that is no MMIO accessor: the access fails as one to
 * absent hardware would.  A write is dropped; a load into a register
 * leaves all-ones there; the instruction is skipped.  Without even a
 * length for it, the page is mapped directly instead: never a crash.
 * Context: intercept lock held.  Return: true if it skipped the instruction.
 */
static bool fail_safely(struct pt_regs *regs, const u8 *bytes, size_t n,
			unsigned long address)
{
	struct mmio_any_insn any;
	bool skipped = n && !mmio_decode_any(bytes, n, &any);

	if (skipped) {
		if (any.load_reg >= 0) {
			struct mmio_insn load = {
				.reg = any.load_reg, .width = any.load_width,
				.dst_width = any.load_width,
				.high_byte = any.load_high_byte,
			};

			load_result(regs, &load, ~0ULL);
		}
		regs->ip += any.len;
	} else {
		pciem_intercept_untrap(address);
	}
	return skipped;
}

/*
 * May the faulting context sleep?  An MMIO accessor is not expected to,
 * so only where the kernel itself could: interrupts were on, page faults
 * are not disabled, no preemption-disabling lock or RCU read side is held
 * (which only a kernel that counts preemption can tell: without
 * CONFIG_PREEMPT_COUNT the answer is always no), and the task is running,
 * not half-way into a wait loop's set_current_state() (sleeping here would
 * turn the state back to running, and debug kernels warn).
 */
static bool fault_can_sleep(struct pt_regs *regs)
{
	return IS_ENABLED(CONFIG_PREEMPT_COUNT) &&
	       (regs->flags & X86_EFLAGS_IF) && !preempt_count() &&
	       !faulthandler_disabled() && !rcu_preempt_depth() &&
	       task_is_running(current);
}

/*
 * Stands in for bad_area_nosemaphore() for faults on trapped BAR pages.
 * Context: page-fault exception, entered with interrupts off.  Where the
 * faulting context could sleep, this may too (waiting for ring room or for
 * the process's answer), with interrupts on, exactly as the kernel does
 * for faults on user memory.
 */
static noinline void pciem_fault_emulate(struct pt_regs *regs,
					 unsigned long error_code,
					 unsigned long address)
{
	bool can_sleep = fault_can_sleep(regs);
	enum emu_result res = EMU_FAIL;
	u8 bytes[MMIO_INSN_MAX_LEN];
	struct mmio_insn insn;
	unsigned long flags;
	struct emu emu;
	int idx;
	size_t n;

	emu.batch.n = 0;
	idx = pciem_fault_enter();
	flags = emu_lock();
	if (!pciem_intercept_trapped(address)) {
		/*
		 * The page became direct between the CPU's page walk and
		 * here (a region cleared, a page untrapped), or its mapping
		 * went.  Make sure its entry says direct and run the
		 * instruction again; if the mapping went, the next fault is
		 * no longer PCIem's.
		 */
		pciem_intercept_untrap(address);
		emu_unlock(flags);
		pciem_fault_exit(idx);
		return;
	}
	emu_unlock(flags);
	if (can_sleep)
		local_irq_enable();
	n = fetch_insn(regs->ip, bytes);
	if (n && !mmio_decode(bytes, n, &insn)) {
		flags = emu_lock();
		res = emulate(regs, &insn, address, &emu);
		emu_unlock(flags);
	} else {
		unsigned long ip = regs->ip;
		bool skipped, report;

		flags = emu_lock();
		skipped = fail_safely(regs, bytes, n, address);
		report = first_report(ip);
		emu_unlock(flags);
		/* After unlocking: console drivers' locks are not raw. */
		if (report)
			pr_err("cannot emulate %*ph at %pS on a trapped BAR page (%p): %s\n",
			       (int)n, bytes, (void *)ip, (void *)address,
			       skipped ? "skipped it: writes dropped, loads all-ones" :
			       "its page of the mapping is now accessed directly");
		goto out;
	}
	for (;;) {
		pciem_trap_flush(&emu.batch, can_sleep);
		if (res == EMU_SYNC) {
			u64 v = pciem_sync_read(emu.sync_bar, emu.sync_off,
						insn.width, can_sleep);

			flags = emu_lock();
			res = complete_sync(regs, &insn, v, &emu);
			emu_unlock(flags);
			continue;
		}
		if (res != EMU_PARTIAL)
			break;
		if (can_sleep)
			cond_resched();
		flags = emu_lock();
		res = emulate_string(regs, &insn, &emu);
		emu_unlock(flags);
	}
	if (res == EMU_DONE) {
		regs->ip += insn.len;
	} else if (res == EMU_RESUME) {
		/* The CPU runs the rest of the string instruction. */
	} else {
		/*
		 * A known instruction whose other operand is bad memory: run
		 * it against the BAR memory, to fail as it would have anyway.
		 */
		bool report;

		flags = emu_lock();
		pciem_intercept_untrap(address);
		report = first_report(regs->ip);
		emu_unlock(flags);
		if (report)
			pr_err("cannot complete %*ph at %pS on a trapped BAR page (%p): its page of the mapping is now accessed directly\n",
			       (int)n, bytes, (void *)regs->ip, (void *)address);
	}
out:
	if (can_sleep)
		local_irq_disable();
	pciem_fault_exit(idx);
}

/*
 * Proof that the hook is armed: a read-only page of the module's own whose
 * writes only the hook can complete.  kprobes can be disarmed all at once
 * (/sys/kernel/debug/kprobes/enabled), which nothing announces; a trapped
 * BAR page then crashes its driver instead of being emulated.
 */
static struct page *probe_page;
static void *probe_va;
static atomic_t probe_hits;

static noinline void pciem_fault_probe_hit(struct pt_regs *regs,
					   unsigned long error_code,
					   unsigned long address)
{
	u8 bytes[MMIO_INSN_MAX_LEN];
	struct mmio_insn insn;
	size_t n = fetch_insn(regs->ip, bytes);

	/* Our own store (kernel_write_nofault()): it decodes. */
	if (n && !mmio_decode(bytes, n, &insn)) {
		regs->ip += insn.len;
		atomic_inc(&probe_hits);
	}
}

/**
 * pciem_arch_fault_hook_live - is the fault hook armed right now?
 *
 * Context: process or atomic, not NMI.
 */
bool pciem_arch_fault_hook_live(void)
{
	int before = atomic_read(&probe_hits);

	return kernel_write_nofault((unsigned long)probe_va, 4, 0) &&
	       atomic_read(&probe_hits) != before;
}

static int fault_pre(struct kprobe *p, struct pt_regs *regs)
{
	struct pt_regs *fregs = (struct pt_regs *)regs->di;
	unsigned long error_code = regs->si, address = regs->dx;

	if (in_nmi() || user_mode(fregs) || (error_code & X86_PF_INSTR) ||
	    this_cpu_read(emulating))
		return 0;
	if (address == (unsigned long)probe_va && (error_code & X86_PF_WRITE)) {
		regs->ip = (unsigned long)pciem_fault_probe_hit;
		return 1;
	}
	if (!pciem_intercept_claims(address))
		return 0;
	regs->ip = (unsigned long)pciem_fault_emulate;
	return 1;	/* the probed function is not run */
}

static struct kprobe fault_probe = {
	.symbol_name = "bad_area_nosemaphore",
	.pre_handler = fault_pre,
};

/*
 * The hook replaces the probed function by changing regs->ip and
 * returning 1, which only an ftrace-based kprobe honours (an int3 or
 * optimized one would run bad_area_nosemaphore() anyway, and oops), so
 * anything else refuses the load, as does a hook that does not answer.
 */
int pciem_arch_fault_hook_init(void)
{
	int ret;

	probe_page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!probe_page)
		return -ENOMEM;
	probe_va = vmap(&probe_page, 1, VM_MAP, PAGE_KERNEL_RO);
	if (!probe_va) {
		ret = -ENOMEM;
		goto err_page;
	}
	ret = register_kprobe(&fault_probe);
	if (ret) {
		pr_err("cannot probe %s (%d): BAR pages cannot be trapped\n",
		       fault_probe.symbol_name, ret);
		goto err_vmap;
	}
	if (!(fault_probe.flags & KPROBE_FLAG_FTRACE)) {
		pr_err("the probe on %s is not ftrace-based (needs CONFIG_KPROBES_ON_FTRACE); BAR pages cannot be trapped\n",
		       fault_probe.symbol_name);
		ret = -EOPNOTSUPP;
		goto err_probe;
	}
	if (!pciem_arch_fault_hook_live()) {
		pr_err("the probe on %s does not answer (kprobes disarmed in /sys/kernel/debug/kprobes/enabled?); BAR pages cannot be trapped\n",
		       fault_probe.symbol_name);
		ret = -EOPNOTSUPP;
		goto err_probe;
	}
	return 0;

err_probe:
	unregister_kprobe(&fault_probe);
err_vmap:
	vunmap(probe_va);
err_page:
	__free_page(probe_page);
	return ret;
}

void pciem_arch_fault_hook_exit(void)
{
	unregister_kprobe(&fault_probe);
	vunmap(probe_va);
	__free_page(probe_page);
}
