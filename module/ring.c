// SPDX-License-Identifier: GPL-2.0
/*
 * The event ring shared with the device process, and its eventfd.
 *
 * Producers run in every context: config accessors (under the PCI core's
 * raw pci_lock, interrupts off), interrupt code, and hardware watchpoint
 * handlers, which on x86 run in #DB, an NMI-like context where no lock may
 * be taken.  So:
 *  - non-NMI producers take @lock (raw, irq-safe) and write the ring;
 *  - NMI-like producers write a per-CPU single-producer staging ring and
 *    queue @work; the staging ring of a CPU is drained into the shared ring
 *    only on that CPU, with interrupts off, by @work or by the next
 *    non-NMI producer there (which keeps each CPU's events in order).
 * Nothing here sleeps, so a full ring loses the event: the loss is counted
 * in the shared header and announced by a PCIEM_EVENT_DROPPED event.
 *
 * The process owns head; it may write anything there, so the kernel keeps
 * its own copy of tail and only trusts head modulo the ring size.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/percpu.h>
#include <linux/sched/signal.h>
#include <linux/delay.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "pciem_internal.h"

#define RING_MASK	(PCIEM_RING_SIZE - 1)
#define STAGE_MASK	(PCIEM_STAGE_SIZE - 1)

static_assert((PCIEM_RING_SIZE & (PCIEM_RING_SIZE - 1)) == 0);
static_assert((PCIEM_STAGE_SIZE & (PCIEM_STAGE_SIZE - 1)) == 0);

static u32 ring_room(struct pciem_ring *r)
{
	/* Acquire: the process is done with the slots it handed back. */
	u32 head = smp_load_acquire(&r->shared->head) & RING_MASK;

	return (head - r->tail - 1) & RING_MASK;
}

static void ring_put(struct pciem_ring *r, const struct pciem_event *ev)
{
	r->shared->events[r->tail] = *ev;
	r->tail = (r->tail + 1) & RING_MASK;
	/* Release: the event is complete before the process can see it. */
	smp_store_release(&r->shared->tail, r->tail);
}

static void ring_lose(struct pciem_ring *r, u64 first_seq, u64 count)
{
	if (!r->lost)
		r->first_lost_seq = first_seq;
	r->lost += count;
	r->dropped += count;
	WRITE_ONCE(r->shared->dropped, r->dropped);
}

/* Caller holds @lock.  Numbers @ev and posts it, or counts it lost. */
static bool ring_add(struct pciem_ring *r, struct pciem_event *ev)
{
	ev->seq = r->next_seq++;
	ev->reserved = 0;
	if (ring_room(r) < (r->lost ? 2 : 1)) {
		ring_lose(r, ev->seq, 1);
		return false;
	}
	if (r->lost) {
		struct pciem_event gap = {
			.seq = r->first_lost_seq,
			.type = PCIEM_EVENT_DROPPED,
			.data = r->lost,
			.timestamp = ev->timestamp,
		};

		ring_put(r, &gap);
		r->lost = 0;
	}
	ring_put(r, ev);
	return true;
}

/* Caller holds @lock with interrupts off, so this CPU stays put. */
static void ring_drain_stage(struct pciem_ring *r)
{
	struct pciem_stage *st;
	u64 lost;
	u32 tail;

	if (!r->stage)
		return;
	st = this_cpu_ptr(r->stage);
	/* Acquire: pairs with the producer's release of tail. */
	tail = smp_load_acquire(&st->tail);
	while (st->head != tail) {
		struct pciem_event ev = st->ev[st->head & STAGE_MASK];

		ring_add(r, &ev);
		/* Release: the slot is read before the producer may reuse it. */
		smp_store_release(&st->head, st->head + 1);
	}
	lost = atomic64_xchg(&r->stage_lost, 0);
	if (lost) {
		ring_lose(r, r->next_seq, lost);
		r->next_seq += lost;
	}
}

/*
 * Context: irq_work (a thread on PREEMPT_RT, whose eventfd lock sleeps:
 * hence signalled after the raw lock is dropped).  The eventfd stays valid
 * meanwhile: pciem_ring_set_eventfd() syncs both works before putting one.
 */
static void ring_signal(struct pciem_ring *r)
{
	struct eventfd_ctx *ctx;
	unsigned long flags;

	raw_spin_lock_irqsave(&r->lock, flags);
	ring_drain_stage(r);
	ctx = r->eventfd;
	raw_spin_unlock_irqrestore(&r->lock, flags);
	if (ctx)
		pciem_eventfd_signal(ctx);
}

static void ring_work(struct irq_work *work)
{
	ring_signal(container_of(work, struct pciem_ring, work));
}

static void ring_kick_work(struct irq_work *work)
{
	ring_signal(container_of(work, struct pciem_ring, kick_work));
}

/*
 * Context: the IPI, on another CPU.  Its own irq_work, as @work may be
 * pending on the CPU that kicked, which cannot run it.  @kick is free
 * again already (an async csd is unlocked before its function runs);
 * giving up the bit lets the next kicker have it.  @r is not touched
 * after that.
 */
static void ring_kick(void *data)
{
	struct pciem_ring *r = data;

	irq_work_queue(&r->kick_work);
	clear_bit_unlock(RING_KICK_BUSY, &r->kick_flags);
}

/*
 * Tell the process there is something to take.  The eventfd is signalled
 * from irq_work, as a producer may hold any lock; but with interrupts off
 * here this CPU runs its irq_work only once they are back on, and a
 * producer that then waits with them off (a synchronous read from atomic
 * context, sync.c) would wait for an answer to a question nobody heard.
 * Such a producer also has another CPU signal, through an IPI (the kick;
 * irq_work_queue_on() is not exported to modules).  A kick still in
 * flight will do for this one too, unless it is on its way to this very
 * CPU: then the event waits for this CPU's interrupts, or a read for its
 * timeout.  Preemption is off across the choice, so that CPU stays online
 * until the IPI is sent.
 */
static void ring_notify(struct pciem_ring *r)
{
	unsigned int this, cpu;

	irq_work_queue(&r->work);
	if (!irqs_disabled() || in_nmi())
		return;
	this = get_cpu();
	cpu = cpumask_any_but(cpu_online_mask, this);
	/*
	 * smp_call_function_single_async() tests and sets the csd's lock
	 * flag without an atomic operation: its callers must not use one
	 * csd at once.  Producers on two CPUs may both be here, and both
	 * would queue @kick, each on the other CPU's list, corrupting both
	 * (a WARN in csd_unlock(), then a CPU looping in its IPI handler).
	 * The bit makes one of them the owner until the IPI has run.
	 */
	if (cpu < nr_cpu_ids &&
	    !test_and_set_bit_lock(RING_KICK_BUSY, &r->kick_flags) &&
	    smp_call_function_single_async(cpu, &r->kick))
		clear_bit_unlock(RING_KICK_BUSY, &r->kick_flags);
	put_cpu();
}

/**
 * pciem_ring_post - post an event
 * @r: the device's ring
 * @ev: type, bar, offset, size and data filled in; seq and timestamp are set
 *      here
 *
 * Context: any but NMI.  Does not sleep.
 * Return: true if posted (ev->seq is its number), false if lost.
 */
bool pciem_ring_post(struct pciem_ring *r, struct pciem_event *ev)
{
	unsigned long flags;
	bool posted;

	if (!ev->timestamp)
		ev->timestamp = ktime_get_mono_fast_ns();
	raw_spin_lock_irqsave(&r->lock, flags);
	ring_drain_stage(r);
	posted = ring_add(r, ev);
	raw_spin_unlock_irqrestore(&r->lock, flags);
	ring_notify(r);
	return posted;
}

/*
 * How long a producer that may sleep waits for room.  A device process
 * that stopped consuming (SIGSTOP, a debugger, a hang) must cost its own
 * device events, never the machine its driver runs on: a driver's probe
 * or remove waiting here may hold locks the whole PCI subsystem needs.
 */
static int event_wait_set(const char *val, const struct kernel_param *kp)
{
	return pciem_param_set_uint_range(val, kp, 0, 10000);
}

static const struct kernel_param_ops event_wait_ops = {
	.set = event_wait_set,
	.get = param_get_uint,
};

static unsigned int event_wait_ms = 1000;
module_param_cb(event_wait_ms, &event_wait_ops, &event_wait_ms, 0644);
MODULE_PARM_DESC(event_wait_ms,
		 "Most a producer waits for room in a full event ring, ms (0-10000, default 1000)");

/**
 * pciem_ring_wait_room - wait until the ring has room for one more event
 * @r: the ring
 * @can_sleep: the caller may sleep; otherwise this returns at once
 *
 * The process frees room without telling the kernel, so this polls, every
 * few tens of microseconds, until there is room, the device is closing,
 * the caller is being killed, or event_wait_ms have passed.  Then the ring
 * counts as stalled: nobody waits for it again until the process has
 * freed room, so a stopped process costs each producer at most one wait.
 * Room may be taken again by another CPU before the caller posts; that
 * post may then still be lost, and counted.
 */
void pciem_ring_wait_room(struct pciem_ring *r, bool can_sleep)
{
	u64 deadline = 0;

	while (can_sleep && !READ_ONCE(r->closing) &&
	       !fatal_signal_pending(current)) {
		unsigned long flags;
		bool room;

		raw_spin_lock_irqsave(&r->lock, flags);
		room = ring_room(r) >= (r->lost ? 2 : 1);
		if (room)
			r->stalled = false;
		raw_spin_unlock_irqrestore(&r->lock, flags);
		if (room || READ_ONCE(r->stalled))
			return;
		if (!deadline)
			deadline = ktime_get_ns() +
				   (u64)READ_ONCE(event_wait_ms) * NSEC_PER_MSEC;
		if (ktime_get_ns() >= deadline) {
			if (!xchg(&r->stalled, true))
				pr_warn_ratelimited("%s: the device process has not taken events for %u ms (stopped?); the device's events are lost, and counted, until it does\n",
						    r->name, READ_ONCE(event_wait_ms));
			return;
		}
		irq_work_queue(&r->work);	/* make sure the process knows */
		usleep_range(20, 50);
	}
}

/* No more waiting for room: the device is going away. */
void pciem_ring_close(struct pciem_ring *r)
{
	WRITE_ONCE(r->closing, true);
}

/**
 * pciem_ring_post_nmi - post an event from an NMI-like context
 * @r: the device's ring, with a staging area (pciem_ring_enable_nmi())
 * @ev: as for pciem_ring_post()
 *
 * Context: any, including #DB and NMI; takes no lock.  Producers on one CPU
 * do not nest here (a watchpoint cannot fire inside this function).
 */
void pciem_ring_post_nmi(struct pciem_ring *r, struct pciem_event *ev)
{
	struct pciem_stage *st = this_cpu_ptr(r->stage);
	/* Acquire: pairs with the consumer's release of head. */
	u32 head = smp_load_acquire(&st->head);

	ev->timestamp = ktime_get_mono_fast_ns();
	if (st->tail - head >= PCIEM_STAGE_SIZE) {
		atomic64_inc(&r->stage_lost);
	} else {
		st->ev[st->tail & STAGE_MASK] = *ev;
		/* Release: the slot is written before the consumer reads it. */
		smp_store_release(&st->tail, st->tail + 1);
	}
	irq_work_queue(&r->work);
}

/* Context: process.  Before the first pciem_ring_post_nmi(). */
int pciem_ring_enable_nmi(struct pciem_ring *r)
{
	struct pciem_stage __percpu *stage;
	unsigned long flags;

	if (r->stage)
		return 0;
	stage = alloc_percpu(struct pciem_stage);
	if (!stage)
		return -ENOMEM;
	raw_spin_lock_irqsave(&r->lock, flags);
	r->stage = stage;
	raw_spin_unlock_irqrestore(&r->lock, flags);
	return 0;
}

int pciem_ring_set_eventfd(struct pciem_ring *r, int fd)
{
	struct eventfd_ctx *ctx = NULL, *old;
	unsigned long flags;

	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx)) {
			pciem_user_err("SET_EVENTFD: fd %d is not an eventfd", fd);
			return PTR_ERR(ctx);
		}
	}
	raw_spin_lock_irqsave(&r->lock, flags);
	old = r->eventfd;
	r->eventfd = ctx;
	raw_spin_unlock_irqrestore(&r->lock, flags);
	if (old) {
		/* A signal that read @old before the swap ends first. */
		irq_work_sync(&r->work);
		irq_work_sync(&r->kick_work);
		eventfd_ctx_put(old);
	}
	/* Events may already be waiting: tell the new eventfd at once. */
	irq_work_queue(&r->work);
	return 0;
}

int pciem_ring_mmap(struct pciem_ring *r, struct vm_area_struct *vma)
{
	if (vma->vm_pgoff) {
		pciem_user_err("mmap of the control fd: offset must be 0 (the event ring)");
		return -EINVAL;
	}
	if (vma->vm_end - vma->vm_start > PAGE_ALIGN(sizeof(*r->shared))) {
		pciem_user_err("mmap of the control fd: %lu bytes, the ring has %zu",
			       vma->vm_end - vma->vm_start,
			       PAGE_ALIGN(sizeof(*r->shared)));
		return -EINVAL;
	}
	if (!(vma->vm_flags & VM_SHARED)) {
		pciem_user_err("mmap of the control fd: the ring must be MAP_SHARED");
		return -EINVAL;
	}
	return remap_vmalloc_range(vma, r->shared, 0);
}

int pciem_ring_init(struct pciem_ring *r)
{
	r->shared = vmalloc_user(PAGE_ALIGN(sizeof(*r->shared)));
	if (!r->shared)
		return -ENOMEM;
	raw_spin_lock_init(&r->lock);
	init_irq_work(&r->work, ring_work);
	init_irq_work(&r->kick_work, ring_kick_work);
	INIT_CSD(&r->kick, ring_kick, r);
	return 0;
}

/* Context: process; no producer may be left (watchpoints gone, bus removed). */
void pciem_ring_destroy(struct pciem_ring *r)
{
	while (test_bit(RING_KICK_BUSY, &r->kick_flags))
		cpu_relax();
	irq_work_sync(&r->kick_work);
	irq_work_sync(&r->work);
	if (r->eventfd)
		eventfd_ctx_put(r->eventfd);
	free_percpu(r->stage);
	vfree(r->shared);
}
