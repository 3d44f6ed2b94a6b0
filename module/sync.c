// SPDX-License-Identifier: GPL-2.0
/*
 * Synchronous reads: a driver read of a PCIEM_REGION_SYNC_READ register
 * waits for the device process to answer the MMIO_READ event it posted
 * (PCIEM_IOCTL_RESPOND), as a CPU waits for a read completion.
 *
 * The reader waits in the page-fault path of the driver's own context:
 * asleep if that context could sleep, spinning otherwise.  After
 * read_timeout_ms it gets all-ones, as from a completion timeout, and the
 * process gets READ_TIMEOUT.  A stopped or dead process therefore costs a
 * driver at most the timeout per read; device teardown releases every
 * waiter at once.  A reader spinning with interrupts off has another CPU
 * tell the process (ring.c), but cannot let a process queued on its own
 * CPU run: that read is answered only if the process has another CPU, and
 * times out otherwise.
 *
 * Locking: @sync.lock (irq-safe, raw: drivers read from hard interrupt
 * context, also on PREEMPT_RT) covers the waiter list and the answers;
 * a waiter lives on its reader's stack and leaves the list before it
 * returns.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/moduleparam.h>
#include <linux/ktime.h>
#include <linux/wait.h>

#include "pciem_internal.h"

/*
 * PCIe's default completion timeout range A is 50 us to 50 ms; a device
 * process needs the upper end of it to be scheduled under load, and a
 * driver reading a stopped process should not stall for much longer.  A
 * reader that may not sleep spins with interrupts off as long as the
 * timeout, so it is bounded, as hardware's is (range D tops at 64 s;
 * nothing here needs more than a second).
 */
#define READ_TIMEOUT_MAX_MS	1000

static int read_timeout_set(const char *val, const struct kernel_param *kp)
{
	return pciem_param_set_uint_range(val, kp, 1, READ_TIMEOUT_MAX_MS);
}

static const struct kernel_param_ops read_timeout_ops = {
	.set = read_timeout_set,
	.get = param_get_uint,
};

static unsigned int read_timeout_ms = 50;
module_param_cb(read_timeout_ms, &read_timeout_ops, &read_timeout_ms, 0644);
MODULE_PARM_DESC(read_timeout_ms,
		 "Synchronous read completion timeout, ms (1-1000, default 50)");

struct pciem_sync_read {
	struct list_head node;
	u64 seq;
	u64 data;
	s32 status;
	bool done;
};

void pciem_sync_init(struct pciem_sync *sync)
{
	raw_spin_lock_init(&sync->lock);
	INIT_LIST_HEAD(&sync->pending);
	init_waitqueue_head(&sync->wq);
}

/* Context: process.  Every waiting read ends now, with all-ones. */
void pciem_sync_kill(struct pciem_device *dev)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&dev->sync.lock, flags);
	dev->sync.dead = true;
	raw_spin_unlock_irqrestore(&dev->sync.lock, flags);
	wake_up_all(&dev->sync.wq);
}

static bool answered(struct pciem_sync *sync, struct pciem_sync_read *w)
{
	return READ_ONCE(w->done) || READ_ONCE(sync->dead);
}

static void wait_answer(struct pciem_sync *sync, struct pciem_sync_read *w,
			bool can_sleep)
{
	unsigned int ms = READ_ONCE(read_timeout_ms);
	u64 deadline;

	if (can_sleep) {
		wait_event_timeout(sync->wq, answered(sync, w),
				   msecs_to_jiffies(ms));
		return;
	}
	deadline = ktime_get_ns() + (u64)ms * NSEC_PER_MSEC;
	while (!answered(sync, w) && ktime_get_ns() < deadline)
		cpu_relax();
}

/**
 * pciem_sync_read - a driver read the device process must answer
 * @bar: the BAR
 * @off: offset of the read
 * @width: its size
 * @can_sleep: the driver's context may sleep
 *
 * Context: page-fault path inside pciem_fault_enter(), intercept lock not
 * held; interrupts on if and only if @can_sleep.
 * Return: the answer, or all-ones without one.
 */
u64 pciem_sync_read(struct pciem_bar *bar, u64 off, unsigned int width,
		    bool can_sleep)
{
	u64 ones = pciem_width_mask(width);
	struct pciem_device *dev = bar->dev;
	struct pciem_sync *sync = &dev->sync;
	struct pciem_event ev = {
		.type = PCIEM_EVENT_MMIO_READ, .bar = bar->index,
		.offset = off, .size = width,
	};
	struct pciem_sync_read w = {};
	unsigned long flags;
	bool posted = false;

	pciem_ring_wait_room(&dev->ring, can_sleep);
	/* Listed before the process can see the event, so no answer is missed. */
	raw_spin_lock_irqsave(&sync->lock, flags);
	if (!sync->dead) {
		posted = pciem_ring_post(&dev->ring, &ev);
		if (posted) {
			w.seq = ev.seq;
			list_add_tail(&w.node, &sync->pending);
		}
	}
	raw_spin_unlock_irqrestore(&sync->lock, flags);
	if (!posted)
		return ones;	/* nobody will ever see the question */

	wait_answer(sync, &w, can_sleep);

	raw_spin_lock_irqsave(&sync->lock, flags);
	list_del(&w.node);
	raw_spin_unlock_irqrestore(&sync->lock, flags);
	if (w.done)
		return w.status ? ones : w.data & ones;
	if (!READ_ONCE(sync->dead)) {
		struct pciem_event timeout = {
			.type = PCIEM_EVENT_READ_TIMEOUT, .bar = bar->index,
			.offset = off, .size = width, .data = w.seq,
		};

		pciem_ring_post(&dev->ring, &timeout);
		if (!xchg(&sync->reported, true))
			pr_warn("%s: no answer to a read of BAR %u offset 0x%llx within %u ms; the driver got all-ones (reported once per device)\n",
				dev->name, bar->index, off,
				READ_ONCE(read_timeout_ms));
	}
	return ones;
}

/**
 * pciem_sync_respond - the RESPOND ioctl
 * @dev: registered device
 * @rsp: the answer
 *
 * Return: 0, -EINVAL for reserved bits, -ENOENT when no read waits for
 * that seq (answered already, timed out, or never asked): the answer is
 * dropped.
 */
int pciem_sync_respond(struct pciem_device *dev,
		       const struct pciem_response *rsp)
{
	struct pciem_sync_read *w;
	unsigned long flags;
	int ret = -ENOENT;

	if (rsp->reserved) {
		pciem_user_err("RESPOND: reserved field must be 0");
		return -EINVAL;
	}
	raw_spin_lock_irqsave(&dev->sync.lock, flags);
	list_for_each_entry(w, &dev->sync.pending, node) {
		if (w->seq != rsp->seq || w->done)
			continue;
		w->data = rsp->data;
		w->status = rsp->status;
		WRITE_ONCE(w->done, true);
		ret = 0;
		break;
	}
	raw_spin_unlock_irqrestore(&dev->sync.lock, flags);
	if (ret) {
		pciem_user_err("RESPOND: no read waits for seq %llu (answered, timed out, or never asked)",
			       rsp->seq);
		return ret;
	}
	wake_up_all(&dev->sync.wq);
	return 0;
}
