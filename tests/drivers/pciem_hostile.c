// SPDX-License-Identifier: GPL-2.0
/*
 * pciem_hostile - a driver that uses a PCIem device's BARs the way careless
 * drivers do, so the tests can show PCIem stays correct under it.  It binds
 * to nothing: it maps the BARs of a device named by its address, as any
 * code holding the address can.
 *
 * A write to /sys/module/pciem_hostile/parameters/run is a command; a read
 * of .../result shows the last command's result.  DEV is a PCI address
 * (DDDD:BB:DD.F), numbers take a 0x prefix.
 *
 *   ioremap_storm DEV BAR OFF EXPECT THREADS ROUNDS
 *       THREADS kernel threads, started together, each ROUNDS times:
 *       ioremap() the whole BAR and readl() at OFF; then iounmap() all.  Each
 *       thread is preempted as it enters ioremap(), so all are inside at
 *       once however fast the machine is.  Result:
 *       "calls=N bad=N first_bad=0x... most_at_once=N": reads that did not
 *       return EXPECT, and the most threads ever between entering ioremap()
 *       and leaving it at the same time.
 *   atomic_read DEV BAR OFF
 *       readl() at OFF from the contexts where no accessor may sleep:
 *       interrupts off, a spinlock held, preemption off, bottom halves off,
 *       an RCU read side, a hard-irq hrtimer, a softirq timer, and half-way
 *       into a wait loop (after set_current_state()).  Result: the values
 *       read, by context, and "state=kept" if the wait loop's task state
 *       survived the read ("state=lost" if not).
 *   atomic_write DEV BAR OFF N
 *       N writel()s of 0, 1, ... at OFF with interrupts off.  Result:
 *       "writes=N".
 *   atomic_write_all DEV BAR OFF N
 *       On every online CPU at once, a thread bound to it makes N
 *       writel()s at OFF, each with interrupts off and on again after it,
 *       so that the CPUs' interrupts and IPIs run between the writes.
 *       Result: "writes=N cpus=N", the writes made in all.
 *
 * Locking: the module-parameter lock serialises commands; hostile_lock
 * guards the result.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bottom_half.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/hrtimer.h>
#include <linux/io.h>
#include <linux/kprobes.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timer.h>
#include <linux/wait.h>

#define HOSTILE_MAX_THREADS	1024
#define HOSTILE_RESULT_MAX	256

static DEFINE_MUTEX(hostile_lock);
static char hostile_result[HOSTILE_RESULT_MAX];	/* under hostile_lock */

/* A BAR of a device, as the commands name it. */
struct hostile_bar {
	struct pci_dev *pdev;
	resource_size_t start, len;
};

static int hostile_get_bar(const char *addr, unsigned int bar, u64 off,
			   unsigned int width, struct hostile_bar *hb)
{
	unsigned int domain, bus, slot, fn;
	char end;

	if (sscanf(addr, "%x:%x:%x.%x%c", &domain, &bus, &slot, &fn, &end) != 4 ||
	    bus > 0xff || slot > 0x1f || fn > 7) {
		pr_err("'%s' is not a PCI address DDDD:BB:DD.F\n", addr);
		return -EINVAL;
	}
	if (bar >= PCI_STD_NUM_BARS) {
		pr_err("there is no BAR %u\n", bar);
		return -EINVAL;
	}
	hb->pdev = pci_get_domain_bus_and_slot(domain, bus, PCI_DEVFN(slot, fn));
	if (!hb->pdev) {
		pr_err("no device %s\n", addr);
		return -ENODEV;
	}
	hb->start = pci_resource_start(hb->pdev, bar);
	hb->len = pci_resource_len(hb->pdev, bar);
	if (!(pci_resource_flags(hb->pdev, bar) & IORESOURCE_MEM) ||
	    off + width > hb->len) {
		pr_err("%s BAR %u is no memory BAR with 0x%llx+%u in it\n",
		       addr, bar, off, width);
		pci_dev_put(hb->pdev);
		return -EINVAL;
	}
	return 0;
}

/*
 * A command's kernel threads: started together, once all are waiting at
 * the start, and, once all have finished, stopped with kthread_stop(), so
 * that no thread runs this module's code after the command has returned.
 */
struct hostile_crew {
	atomic_t ready;		/* threads waiting at the start */
	bool go;
	wait_queue_head_t start;
	atomic_t running;	/* threads not finished */
	struct completion done;
};

static void hostile_crew_init(struct hostile_crew *c, unsigned int threads)
{
	init_waitqueue_head(&c->start);
	init_completion(&c->done);
	atomic_set(&c->running, threads);
}

/* Context: a crew thread, first. */
static void hostile_crew_wait_start(struct hostile_crew *c)
{
	atomic_inc(&c->ready);
	wait_event(c->start, READ_ONCE(c->go));
}

/* Context: a crew thread, last: its return value. */
static int hostile_crew_finished(struct hostile_crew *c)
{
	if (atomic_dec_and_test(&c->running))
		complete(&c->done);
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

/*
 * Starts the @started threads in @tasks (each created, woken and with a
 * reference held) of the @planned ones, waits for them to finish and stops
 * them.  Threads never started count as finished.
 */
static void hostile_crew_run(struct hostile_crew *c, struct task_struct **tasks,
			     unsigned int started, unsigned int planned)
{
	unsigned int i;

	if (started < planned &&
	    atomic_sub_and_test(planned - started, &c->running))
		complete(&c->done);
	while (atomic_read(&c->ready) < started)
		schedule_timeout_uninterruptible(1);
	WRITE_ONCE(c->go, true);
	wake_up_all(&c->start);
	/* Timed, so a long run is not taken for a hung task. */
	while (started && !wait_for_completion_timeout(&c->done, HZ))
		;
	for (i = 0; i < started; i++) {
		kthread_stop(tasks[i]);
		put_task_struct(tasks[i]);
	}
}

struct hostile_storm {
	struct hostile_bar bar;
	u64 off;
	u32 expect;
	unsigned int rounds;
	struct hostile_crew crew;
	atomic_t inside, most, calls, bad;
	u32 first_bad;
};

static void hostile_note_most(atomic_t *most, int now)
{
	int seen = atomic_read(most);

	while (now > seen && !atomic_try_cmpxchg(most, &seen, now))
		;
}

static int hostile_storm_thread(void *data);

/*
 * Left to the scheduler, a storm thread on a fast machine runs all its
 * rounds in one time slice and few threads overlap.  A kprobe where every
 * ioremap() variant ends asks for the thread's preemption there: it takes
 * effect when the probe's handler re-enables preemption, inside the call
 * (the scenario boots with preempt=full), and the next thread enters.
 */
static int hostile_storm_preempt(struct kprobe *p, struct pt_regs *regs)
{
	if (kthread_func(current) == hostile_storm_thread) {
		set_tsk_need_resched(current);
		set_preempt_need_resched();
	}
	return 0;
}

/* Named as PCIem's own hook names it (module/x86/ioremap_hook.c). */
static const char *const hostile_ioremap_symbols[] = {
	"__ioremap_caller", "__ioremap_caller.constprop.0",
};

static int hostile_storm_probe(struct kprobe *kp)
{
	unsigned int i;
	int ret = -ENOENT;

	for (i = 0; i < ARRAY_SIZE(hostile_ioremap_symbols) && ret == -ENOENT; i++) {
		memset(kp, 0, sizeof(*kp));
		kp->symbol_name = hostile_ioremap_symbols[i];
		kp->pre_handler = hostile_storm_preempt;
		ret = register_kprobe(kp);
	}
	if (ret)
		pr_err("cannot probe ioremap() (%d)\n", ret);
	return ret;
}

/*
 * Mappings are kept until the last round so that the thread's time goes to
 * ioremap() and the readl()s.  The thread then waits for kthread_stop(): no
 * thread runs this module's code once the command has returned.
 */
static int hostile_storm_thread(void *data)
{
	struct hostile_storm *s = data;
	void __iomem **va;
	unsigned int i;

	va = kcalloc(s->rounds, sizeof(*va), GFP_KERNEL);
	hostile_crew_wait_start(&s->crew);
	for (i = 0; va && i < s->rounds; i++) {
		u32 v;

		hostile_note_most(&s->most, atomic_inc_return(&s->inside));
		va[i] = ioremap(s->bar.start, s->bar.len);
		atomic_dec(&s->inside);
		if (!va[i]) {
			atomic_inc(&s->bad);
			continue;
		}
		v = readl(va[i] + s->off);
		atomic_inc(&s->calls);
		if (v != s->expect && atomic_inc_return(&s->bad) == 1)
			s->first_bad = v;
	}
	for (i = 0; va && i < s->rounds; i++)
		if (va[i])
			iounmap(va[i]);
	if (!va)
		atomic_inc(&s->bad);
	kfree(va);
	return hostile_crew_finished(&s->crew);
}

static int hostile_ioremap_storm(char **argv, int argc)
{
	unsigned int barno, threads, rounds, i, started = 0;
	struct task_struct **tasks;
	struct hostile_storm *s;
	struct kprobe kp;
	u64 off;
	u32 expect;
	int ret;

	if (argc != 7 || kstrtouint(argv[2], 0, &barno) ||
	    kstrtou64(argv[3], 0, &off) || kstrtou32(argv[4], 0, &expect) ||
	    kstrtouint(argv[5], 0, &threads) || kstrtouint(argv[6], 0, &rounds) ||
	    !threads || threads > HOSTILE_MAX_THREADS || !rounds) {
		pr_err("usage: ioremap_storm DEV BAR OFF EXPECT THREADS(1-%d) ROUNDS\n",
		       HOSTILE_MAX_THREADS);
		return -EINVAL;
	}
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	tasks = kcalloc(threads, sizeof(*tasks), GFP_KERNEL);
	if (!s || !tasks) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = hostile_get_bar(argv[1], barno, off, 4, &s->bar);
	if (ret)
		goto out_free;
	ret = hostile_storm_probe(&kp);
	if (ret)
		goto out_put;
	s->off = off;
	s->expect = expect;
	s->rounds = rounds;
	hostile_crew_init(&s->crew, threads);
	for (i = 0; i < threads; i++) {
		struct task_struct *t;

		t = kthread_create(hostile_storm_thread, s, "hostile/%u", i);
		if (IS_ERR(t))
			break;
		get_task_struct(t);
		tasks[started++] = t;
		wake_up_process(t);
	}
	hostile_crew_run(&s->crew, tasks, started, threads);
	unregister_kprobe(&kp);
	mutex_lock(&hostile_lock);
	scnprintf(hostile_result, sizeof(hostile_result),
		  "calls=%d bad=%d first_bad=0x%x most_at_once=%d threads=%u\n",
		  atomic_read(&s->calls), atomic_read(&s->bad), s->first_bad,
		  atomic_read(&s->most), started);
	mutex_unlock(&hostile_lock);
	ret = started == threads ? 0 : -EAGAIN;
out_put:
	pci_dev_put(s->bar.pdev);
out_free:
	kfree(tasks);
	kfree(s);
	return ret;
}

struct hostile_irq_read {
	struct hrtimer hrtimer;
	struct timer_list timer;
	void __iomem *reg;
	u32 hardirq, softirq;
	struct completion hard_done, soft_done;
};

static enum hrtimer_restart hostile_hrtimer_fn(struct hrtimer *t)
{
	struct hostile_irq_read *r = container_of(t, struct hostile_irq_read,
						  hrtimer);

	r->hardirq = readl(r->reg);
	complete(&r->hard_done);
	return HRTIMER_NORESTART;
}

static void hostile_timer_fn(struct timer_list *t)
{
	struct hostile_irq_read *r = from_timer(r, t, timer);

	r->softirq = readl(r->reg);
	complete(&r->soft_done);
}

static DEFINE_SPINLOCK(hostile_spin);

static int hostile_atomic_read(char **argv, int argc)
{
	u32 irqoff, spin, preempt, bh, rcu, wait;
	struct hostile_irq_read *r;
	struct hostile_bar hb;
	unsigned int barno;
	unsigned long flags;
	void __iomem *va;
	bool kept;
	u64 off;
	int ret;

	if (argc != 4 || kstrtouint(argv[2], 0, &barno) ||
	    kstrtou64(argv[3], 0, &off)) {
		pr_err("usage: atomic_read DEV BAR OFF\n");
		return -EINVAL;
	}
	ret = hostile_get_bar(argv[1], barno, off, 4, &hb);
	if (ret)
		return ret;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	va = ioremap(hb.start, hb.len);
	if (!r || !va) {
		ret = -ENOMEM;
		goto out;
	}
	r->reg = va + off;

	local_irq_save(flags);
	irqoff = readl(r->reg);
	local_irq_restore(flags);

	spin_lock(&hostile_spin);
	spin = readl(r->reg);
	spin_unlock(&hostile_spin);

	preempt_disable();
	preempt = readl(r->reg);
	preempt_enable();

	local_bh_disable();
	bh = readl(r->reg);
	local_bh_enable();

	rcu_read_lock();
	rcu = readl(r->reg);
	rcu_read_unlock();

	/* A wait loop's condition that reads a register. */
	set_current_state(TASK_UNINTERRUPTIBLE);
	wait = readl(r->reg);
	kept = READ_ONCE(current->__state) == TASK_UNINTERRUPTIBLE;
	__set_current_state(TASK_RUNNING);

	init_completion(&r->hard_done);
	init_completion(&r->soft_done);
	hrtimer_init(&r->hrtimer, CLOCK_MONOTONIC, HRTIMER_MODE_REL_HARD);
	r->hrtimer.function = hostile_hrtimer_fn;
	hrtimer_start(&r->hrtimer, ms_to_ktime(1), HRTIMER_MODE_REL_HARD);
	timer_setup(&r->timer, hostile_timer_fn, 0);
	mod_timer(&r->timer, jiffies + 1);
	wait_for_completion(&r->hard_done);
	wait_for_completion(&r->soft_done);
	hrtimer_cancel(&r->hrtimer);
	del_timer_sync(&r->timer);

	mutex_lock(&hostile_lock);
	scnprintf(hostile_result, sizeof(hostile_result),
		  "irqoff=0x%x spinlock=0x%x preempt=0x%x bh=0x%x rcu=0x%x waitloop=0x%x hardirq=0x%x softirq=0x%x state=%s\n",
		  irqoff, spin, preempt, bh, rcu, wait, r->hardirq, r->softirq,
		  kept ? "kept" : "lost");
	mutex_unlock(&hostile_lock);
	ret = 0;
out:
	if (va)
		iounmap(va);
	kfree(r);
	pci_dev_put(hb.pdev);
	return ret;
}

static int hostile_atomic_write(char **argv, int argc)
{
	struct hostile_bar hb;
	unsigned int barno, n, i;
	unsigned long flags;
	void __iomem *va;
	u64 off;
	int ret;

	if (argc != 5 || kstrtouint(argv[2], 0, &barno) ||
	    kstrtou64(argv[3], 0, &off) || kstrtouint(argv[4], 0, &n)) {
		pr_err("usage: atomic_write DEV BAR OFF N\n");
		return -EINVAL;
	}
	ret = hostile_get_bar(argv[1], barno, off, 4, &hb);
	if (ret)
		return ret;
	va = ioremap(hb.start, hb.len);
	if (!va) {
		pci_dev_put(hb.pdev);
		return -ENOMEM;
	}
	local_irq_save(flags);
	for (i = 0; i < n; i++)
		writel(i, va + off);
	local_irq_restore(flags);
	iounmap(va);
	pci_dev_put(hb.pdev);
	mutex_lock(&hostile_lock);
	scnprintf(hostile_result, sizeof(hostile_result), "writes=%u\n", n);
	mutex_unlock(&hostile_lock);
	return 0;
}

struct hostile_all {
	void __iomem *reg;
	unsigned int n;
	struct hostile_crew crew;
	atomic_t writes;
};

static int hostile_all_thread(void *data)
{
	struct hostile_all *w = data;
	unsigned long flags;
	unsigned int i;

	hostile_crew_wait_start(&w->crew);
	for (i = 0; i < w->n; i++) {
		local_irq_save(flags);
		writel(i, w->reg);
		local_irq_restore(flags);
		atomic_inc(&w->writes);
	}
	return hostile_crew_finished(&w->crew);
}

static int hostile_atomic_write_all(char **argv, int argc)
{
	unsigned int barno, started = 0, cpus, cpu;
	struct task_struct **tasks;
	struct hostile_bar hb;
	struct hostile_all *w;
	u64 off;
	int ret;

	w = kzalloc(sizeof(*w), GFP_KERNEL);
	tasks = kcalloc(nr_cpu_ids, sizeof(*tasks), GFP_KERNEL);
	if (!w || !tasks) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (argc != 5 || kstrtouint(argv[2], 0, &barno) ||
	    kstrtou64(argv[3], 0, &off) || kstrtouint(argv[4], 0, &w->n)) {
		pr_err("usage: atomic_write_all DEV BAR OFF N\n");
		ret = -EINVAL;
		goto out_free;
	}
	ret = hostile_get_bar(argv[1], barno, off, 4, &hb);
	if (ret)
		goto out_free;
	w->reg = ioremap(hb.start, hb.len);
	if (!w->reg) {
		ret = -ENOMEM;
		goto out_put;
	}
	w->reg += off;
	cpus_read_lock();
	cpus = num_online_cpus();
	hostile_crew_init(&w->crew, cpus);
	for_each_online_cpu(cpu) {
		struct task_struct *t;

		t = kthread_create_on_cpu(hostile_all_thread, w, cpu, "hostile_w/%u");
		if (IS_ERR(t))
			break;
		get_task_struct(t);
		tasks[started++] = t;
		wake_up_process(t);
	}
	cpus_read_unlock();
	hostile_crew_run(&w->crew, tasks, started, cpus);
	mutex_lock(&hostile_lock);
	scnprintf(hostile_result, sizeof(hostile_result), "writes=%d cpus=%u\n",
		  atomic_read(&w->writes), started);
	mutex_unlock(&hostile_lock);
	iounmap(w->reg - off);
	ret = started == cpus ? 0 : -EAGAIN;
out_put:
	pci_dev_put(hb.pdev);
out_free:
	kfree(tasks);
	kfree(w);
	return ret;
}

static int hostile_run(const char *val, const struct kernel_param *kp)
{
	char *line, *argv[8], *p, *w;
	int argc = 0, ret;

	line = kstrndup(val, 256, GFP_KERNEL);
	if (!line)
		return -ENOMEM;
	p = strim(line);
	while ((w = strsep(&p, " \t")) && argc < ARRAY_SIZE(argv))
		if (*w)
			argv[argc++] = w;
	if (!argc) {
		ret = -EINVAL;
	} else if (!strcmp(argv[0], "ioremap_storm")) {
		ret = hostile_ioremap_storm(argv, argc);
	} else if (!strcmp(argv[0], "atomic_read")) {
		ret = hostile_atomic_read(argv, argc);
	} else if (!strcmp(argv[0], "atomic_write")) {
		ret = hostile_atomic_write(argv, argc);
	} else if (!strcmp(argv[0], "atomic_write_all")) {
		ret = hostile_atomic_write_all(argv, argc);
	} else {
		pr_err("unknown command '%s'\n", argv[0]);
		ret = -EINVAL;
	}
	kfree(line);
	return ret;
}

static int hostile_result_get(char *buf, const struct kernel_param *kp)
{
	int n;

	mutex_lock(&hostile_lock);
	n = sysfs_emit(buf, "%s", hostile_result);
	mutex_unlock(&hostile_lock);
	return n;
}

static const struct kernel_param_ops hostile_run_ops = {
	.set = hostile_run,
};
module_param_cb(run, &hostile_run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "A command (see the source's header)");

static const struct kernel_param_ops hostile_result_ops = {
	.get = hostile_result_get,
};
module_param_cb(result, &hostile_result_ops, NULL, 0444);
MODULE_PARM_DESC(result, "The last command's result");

MODULE_DESCRIPTION("Careless BAR use, for testing PCIem");
MODULE_LICENSE("GPL");
