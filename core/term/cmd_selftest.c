// SPDX-License-Identifier: GPL-2.0
/*
 * selftest: white-box tests of the scheduler, timers and allocators run
 * inside the live hypervisor, on the real CPUs, each ending in PASS or
 * FAIL. They create and reap their own threads and leave nothing behind.
 */
#include <keel/cpu.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/page_alloc.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/terminal.h>
#include <keel/timer.h>
#include <arch/barrier.h>
#include <arch/irqflags.h>

#define MAX_WORKERS 4

/* What worker threads report back; guarded by done.lock. */
struct run {
	struct waitqueue done;
	unsigned int finished;
	unsigned int order[MAX_WORKERS];
	u64 first_ns[MAX_WORKERS], last_ns[MAX_WORKERS];
	volatile unsigned int seen_cpu[MAX_WORKERS];
	volatile bool stop;
	u64 spin_ns;
	u64 woken_ns;
};

struct worker {
	struct run *run;
	unsigned int index;
};

static struct run *run_new(void)
{
	struct run *r = keel_zalloc(sizeof(*r));

	if (r)
		waitqueue_init(&r->done);
	return r;
}

static void finish(struct run *r, unsigned int index)
{
	unsigned long flags;

	spin_lock_irqsave(&r->done.lock, flags);
	r->order[r->finished++] = index;
	spin_unlock_irqrestore(&r->done.lock, flags);
	waitqueue_wake_all(&r->done);
}

/* Wait until n workers finished, or give up after timeout_ms. */
static bool wait_finished(struct run *r, unsigned int n, u64 timeout_ms)
{
	u64 deadline = timer_now_ns() + timeout_ms * NSEC_PER_MSEC;

	while (READ_ONCE(r->finished) < n) {
		if (timer_now_ns() > deadline)
			return false;
		thread_sleep_ms(1);
	}
	return true;
}

static struct thread *spawn(const char *name, thread_fn fn, struct worker *w,
			    unsigned int prio, u64 affinity)
{
	return thread_create(name, fn, w, prio, affinity);
}

static unsigned int last_online_cpu(void)
{
	unsigned int c, last = 0;

	for_each_online_cpu(c)
		last = c;
	return last;
}

/* ---- the tests: each returns NULL on success or why it failed ---- */

static void record_and_exit(void *arg)
{
	struct worker *w = arg;

	finish(w->run, w->index);
}

/* A higher-priority thread runs before a lower one queued earlier. */
static const char *test_priority(void)
{
	struct thread *self = thread_current();
	u64 old_affinity = self->affinity;
	unsigned int cpu = last_online_cpu();
	struct worker w[2];
	struct thread *low, *high;
	struct run *r = run_new();
	const char *fail = NULL;
	unsigned long flags;

	if (!r)
		return "out of memory";
	w[0] = (struct worker){ r, 0 };
	w[1] = (struct worker){ r, 1 };
	low = spawn("st-low", record_and_exit, &w[0], THREAD_PRIO_LOW,
		    1ULL << cpu);
	high = spawn("st-high", record_and_exit, &w[1], THREAD_PRIO_HIGH,
		     1ULL << cpu);
	if (!low || !high) {
		fail = "cannot create threads";
		goto out;
	}
	/* Queue both on this CPU before either can run. */
	thread_set_affinity(self, 1ULL << cpu);
	flags = arch_irq_save();
	thread_start(low);
	thread_start(high);
	arch_irq_restore(flags);
	if (!wait_finished(r, 2, 1000))
		fail = "threads did not finish";
	else if (r->order[0] != 1 || r->order[1] != 0)
		fail = "the low-priority thread ran first";
out:
	thread_set_affinity(self, old_affinity);
	if (!fail)
		thread_sleep_ms(5); /* let the exited threads be reaped */
	keel_free(r);
	return fail;
}

static void spin_until_stopped(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	u64 end;

	r->first_ns[w->index] = timer_now_ns();
	end = r->first_ns[w->index] + r->spin_ns;
	while (timer_now_ns() < end)
		r->last_ns[w->index] = timer_now_ns();
	finish(r, w->index);
}

/* Two busy threads of one priority on one CPU share it in time slices. */
static const char *test_timeslice(void)
{
	unsigned int cpu = last_online_cpu();
	struct worker w[2];
	struct thread *t[2];
	struct run *r = run_new();
	const char *fail = NULL;
	u64 slice = (u64)CONFIG_SCHED_TIMESLICE_MS * NSEC_PER_MSEC;

	if (!r)
		return "out of memory";
	r->spin_ns = 8 * slice;
	for (unsigned int i = 0; i < 2; i++) {
		w[i] = (struct worker){ r, i };
		t[i] = spawn(i ? "st-spin1" : "st-spin0", spin_until_stopped,
			     &w[i], THREAD_PRIO_NORMAL, 1ULL << cpu);
	}
	if (!t[0] || !t[1]) {
		keel_free(r);
		return "cannot create threads";
	}
	thread_start(t[0]);
	thread_start(t[1]);
	if (!wait_finished(r, 2, 5000)) {
		fail = "threads did not finish";
	} else {
		/* Round robin: the second started long before the first ended. */
		unsigned int a = r->first_ns[0] < r->first_ns[1] ? 0 : 1;
		unsigned int b = 1 - a;

		if (r->first_ns[b] + 2 * slice > r->last_ns[a])
			fail = "the second thread waited for the first to end";
	}
	thread_sleep_ms(5);
	keel_free(r);
	return fail;
}

/* thread_sleep_ms() sleeps at least as long as asked, and not much more. */
static const char *test_sleep(void)
{
	for (u64 ms = 1; ms <= 64; ms *= 4) {
		u64 start = timer_now_ns();
		u64 slept;

		thread_sleep_ms(ms);
		slept = timer_now_ns() - start;
		if (slept < ms * NSEC_PER_MSEC)
			return "woke up early";
		if (slept > ms * NSEC_PER_MSEC + 50 * NSEC_PER_MSEC)
			return "overslept by more than 50 ms";
	}
	return NULL;
}

struct timed {
	struct waitqueue wq;
	bool set;
};

static void set_after_5ms(void *arg)
{
	struct timed *tw = arg;
	unsigned long flags;

	thread_sleep_ms(5);
	spin_lock_irqsave(&tw->wq.lock, flags);
	tw->set = true;
	spin_unlock_irqrestore(&tw->wq.lock, flags);
	waitqueue_wake_all(&tw->wq);
}

/*
 * waitqueue_sleep_locked_until() gives up at its deadline, not much
 * later, and returns at once when woken before it.
 */
static const char *test_timed_wait(void)
{
	struct timed *tw = keel_zalloc(sizeof(*tw));
	const char *fail = NULL;
	unsigned long flags;
	struct thread *t;
	u64 start, deadline, took;
	bool woken = false;

	if (!tw)
		return "out of memory";
	waitqueue_init(&tw->wq);
	start = timer_now_ns();
	deadline = start + 20 * NSEC_PER_MSEC;
	spin_lock_irqsave(&tw->wq.lock, flags);
	while (timer_now_ns() < deadline)
		woken = waitqueue_sleep_locked_until(&tw->wq, &flags, deadline);
	spin_unlock_irqrestore(&tw->wq.lock, flags);
	took = timer_now_ns() - start;
	if (woken)
		fail = "woken with nobody waking";
	else if (took > 70 * NSEC_PER_MSEC)
		fail = "overslept its deadline by more than 50 ms";

	t = thread_create("st-timed", set_after_5ms, tw, THREAD_PRIO_NORMAL,
			  CPU_MASK_ALL);
	if (!fail && (!t || thread_start(t)))
		fail = "cannot create a thread";
	if (!fail) {
		start = timer_now_ns();
		deadline = start + 2 * NSEC_PER_SEC;
		spin_lock_irqsave(&tw->wq.lock, flags);
		while (!tw->set && timer_now_ns() < deadline)
			waitqueue_sleep_locked_until(&tw->wq, &flags, deadline);
		spin_unlock_irqrestore(&tw->wq.lock, flags);
		took = timer_now_ns() - start;
		if (!tw->set)
			fail = "not woken before the deadline";
		else if (took > NSEC_PER_SEC)
			fail = "woken late";
	}
	thread_sleep_ms(5); /* let the thread end and be reaped */
	keel_free(tw);
	return fail;
}

static void report_cpu_until_stopped(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	bool busy = w->index == 1;

	while (!r->stop) {
		r->seen_cpu[w->index] = cpu_id();
		if (!busy)
			thread_sleep_ms(1);
	}
	finish(r, w->index);
}

static bool wait_seen_on(struct run *r, unsigned int index, unsigned int cpu)
{
	u64 deadline = timer_now_ns() + NSEC_PER_SEC;

	while (timer_now_ns() < deadline) {
		if (r->seen_cpu[index] == cpu)
			return true;
		thread_sleep_ms(1);
	}
	return false;
}

/* Changing affinity moves a sleeping thread and a running one. */
static const char *test_migrate(void)
{
	unsigned int from = 0, to = last_online_cpu();
	struct worker w[2];
	struct thread *t[2];
	struct run *r;
	const char *fail = NULL;

	if (to == from)
		return NULL; /* one CPU: nothing to migrate to */
	r = run_new();
	if (!r)
		return "out of memory";
	for (unsigned int i = 0; i < 2; i++) {
		w[i] = (struct worker){ r, i };
		r->seen_cpu[i] = ~0U;
		t[i] = spawn(i ? "st-busy" : "st-sleepy",
			     report_cpu_until_stopped, &w[i], THREAD_PRIO_LOW,
			     1ULL << from);
	}
	if (!t[0] || !t[1]) {
		keel_free(r);
		return "cannot create threads";
	}
	thread_start(t[0]);
	thread_start(t[1]);
	if (!wait_seen_on(r, 0, from) || !wait_seen_on(r, 1, from)) {
		fail = "threads never ran on their first CPU";
	} else {
		thread_set_affinity(t[0], 1ULL << to);
		thread_set_affinity(t[1], 1ULL << to);
		if (!wait_seen_on(r, 0, to))
			fail = "a sleeping thread did not move";
		else if (!wait_seen_on(r, 1, to))
			fail = "a running thread did not move";
	}
	r->stop = true;
	if (!wait_finished(r, 2, 2000) && !fail)
		fail = "threads did not stop";
	thread_sleep_ms(5);
	keel_free(r);
	return fail;
}

static void wait_for_wakeup(void *arg)
{
	struct worker *w = arg;
	struct run *r = w->run;
	unsigned long flags;

	spin_lock_irqsave(&r->done.lock, flags);
	r->seen_cpu[0] = cpu_id();
	while (!r->stop)
		waitqueue_sleep_locked(&r->done, &flags);
	r->woken_ns = timer_now_ns();
	r->order[r->finished++] = 0;
	spin_unlock_irqrestore(&r->done.lock, flags);
}

/* A thread blocked on one CPU is woken from another, promptly. */
static const char *test_cross_cpu_wakeup(void)
{
	unsigned int cpu = last_online_cpu();
	struct worker w = { NULL, 0 };
	struct thread *t;
	unsigned long flags;
	u64 sent;
	struct run *r = run_new();
	const char *fail = NULL;

	if (!r)
		return "out of memory";
	w.run = r;
	r->seen_cpu[0] = ~0U;
	t = spawn("st-waiter", wait_for_wakeup, &w, THREAD_PRIO_HIGH,
		  1ULL << cpu);
	if (!t) {
		keel_free(r);
		return "cannot create a thread";
	}
	thread_start(t);
	if (!wait_seen_on(r, 0, cpu)) {
		fail = "the waiter never ran";
	} else {
		thread_sleep_ms(5); /* let it block */
		spin_lock_irqsave(&r->done.lock, flags);
		r->stop = true;
		spin_unlock_irqrestore(&r->done.lock, flags);
		sent = timer_now_ns();
		waitqueue_wake_all(&r->done);
		if (!wait_finished(r, 1, 1000))
			fail = "the waiter was never woken";
		else if (r->woken_ns - sent > 20 * NSEC_PER_MSEC)
			fail = "wake-up took more than 20 ms";
	}
	thread_sleep_ms(5);
	keel_free(r);
	return fail;
}

/* ---- sched.balance*: busy threads started on CPU 0 and left to spread ---- */

#define BALANCE_THREADS 9
#define NO_PIN (~0U)

struct balance_run {
	volatile bool stop;
	volatile bool pinned_moved;
	unsigned int pinned; /* the index kept on CPU 0, or NO_PIN */
	volatile unsigned int cpu[BALANCE_THREADS];
	volatile u64 turns[BALANCE_THREADS];
	unsigned int stopped;
	struct thread *t[BALANCE_THREADS];
	unsigned int n;
};

struct balance_worker {
	struct balance_run *run;
	unsigned int index;
};

static void balance_spin(void *arg)
{
	struct balance_worker *w = arg;
	struct balance_run *r = w->run;

	while (!r->stop) {
		unsigned int cpu = cpu_id();

		r->cpu[w->index] = cpu;
		r->turns[w->index]++;
		if (w->index == r->pinned && cpu != 0)
			r->pinned_moved = true;
		thread_yield();
	}
	__atomic_fetch_add(&r->stopped, 1, __ATOMIC_SEQ_CST);
}

/*
 * n busy threads, thread i at prio(i), all started on CPU 0 (affinity
 * 0x1, then widened, which moves nothing; r->pinned keeps it), then
 * 50 ms for the balancer. NULL, or why it could not start them.
 */
static const char *balance_start(struct balance_run *r,
				 struct balance_worker *w, unsigned int n,
				 unsigned int (*prio)(unsigned int i))
{
	r->n = n;
	for (unsigned int i = 0; i < n; i++) {
		w[i] = (struct balance_worker){ r, i };
		r->cpu[i] = ~0U;
		r->t[i] =
			thread_create(i == r->pinned ? "st-pinned" : "st-bal",
				      balance_spin, &w[i], prio(i), 1ULL << 0);
		if (!r->t[i]) {
			for (unsigned int j = 0; j < i; j++)
				thread_reap(r->t[j]);
			return "cannot create threads";
		}
	}
	for (unsigned int i = 0; i < n; i++)
		thread_start(r->t[i]);
	thread_sleep_ms(5);
	for (unsigned int i = 0; i < n; i++)
		if (i != r->pinned)
			thread_set_affinity(r->t[i], CPU_MASK_ALL);
	thread_sleep_ms(50);
	return NULL;
}

static const char *balance_stop(struct balance_run *r, const char *fail)
{
	u64 deadline = timer_now_ns() + 2000 * NSEC_PER_MSEC;

	r->stop = true;
	while (READ_ONCE(r->stopped) < r->n && timer_now_ns() < deadline)
		thread_sleep_ms(1);
	if (READ_ONCE(r->stopped) < r->n && !fail)
		fail = "threads did not stop";
	thread_sleep_ms(5);
	keel_free(r);
	return fail;
}

static unsigned int online_cpus(void)
{
	unsigned int c, n = 0;

	for_each_online_cpu(c)
		n++;
	return n;
}

static unsigned int prio_low(unsigned int i)
{
	return THREAD_PRIO_LOW;
}

/*
 * Eight busy threads and one pinned to CPU 0: the balancer spreads them
 * so that no two CPUs differ by more than one, and the pinned one never
 * runs anywhere else.
 */
static const char *test_balance(void)
{
	struct balance_worker w[BALANCE_THREADS];
	unsigned int per_cpu[CONFIG_MAX_CPUS] = { 0 };
	unsigned int c, lo = ~0U, hi = 0;
	struct balance_run *r;
	const char *fail;

	if (online_cpus() < 2)
		return NULL; /* one CPU: nothing to balance */
	r = keel_zalloc(sizeof(*r));
	if (!r)
		return "out of memory";
	r->pinned = BALANCE_THREADS - 1;
	fail = balance_start(r, w, BALANCE_THREADS, prio_low);
	if (fail) {
		keel_free(r);
		return fail;
	}
	for (unsigned int i = 0; i < BALANCE_THREADS; i++) {
		c = r->cpu[i];
		if (c < CONFIG_MAX_CPUS)
			per_cpu[c]++;
	}
	for_each_online_cpu(c) {
		lo = MIN(lo, per_cpu[c]);
		hi = MAX(hi, per_cpu[c]);
	}
	if (r->pinned_moved)
		fail = "a thread pinned to CPU 0 ran elsewhere";
	else if (hi > lo + 1)
		fail = "busy threads not spread over the CPUs";
	return balance_stop(r, fail);
}

/* Threads 0 and 1 at the terminal's priority (it must still get turns). */
static unsigned int prio_two_normal(unsigned int i)
{
	return i < 2 ? THREAD_PRIO_NORMAL : THREAD_PRIO_LOW;
}

/*
 * Two busy threads of a higher priority and six lower, all from CPU 0:
 * the balancer moves the highest-priority queued thread first, so the
 * two higher ones end on different CPUs and both keep running (queued
 * together, one would wait behind the other while a CPU ran lower work).
 */
static const char *test_balance_priority(void)
{
	struct balance_worker w[BALANCE_THREADS];
	struct balance_run *r;
	const char *fail;
	u64 before[2];

	if (online_cpus() < 2)
		return NULL;
	r = keel_zalloc(sizeof(*r));
	if (!r)
		return "out of memory";
	r->pinned = NO_PIN;
	fail = balance_start(r, w, 8, prio_two_normal);
	if (fail) {
		keel_free(r);
		return fail;
	}
	before[0] = r->turns[0];
	before[1] = r->turns[1];
	/*
	 * Both must go on turning: within 10 ms on a quiet host, but the
	 * host may stall a CPU's QEMU thread for longer, so look again for
	 * up to half a second (one stopped for good never turns).
	 */
	for (unsigned int i = 0; i < 50; i++) {
		thread_sleep_ms(10);
		if (READ_ONCE(r->turns[0]) != before[0] &&
		    READ_ONCE(r->turns[1]) != before[1])
			break;
	}
	if (READ_ONCE(r->t[0]->cpu) == READ_ONCE(r->t[1]->cpu))
		fail = "the two higher-priority threads share a CPU";
	else if (READ_ONCE(r->turns[0]) == before[0] ||
		 READ_ONCE(r->turns[1]) == before[1])
		fail = "a higher-priority thread stopped running";
	return balance_stop(r, fail);
}

/* A CPU with nothing to do takes no timer interrupts at all. */
static const char *test_tickless_idle(void)
{
	unsigned int c, idle_cpu = ~0U;
	u64 before;

	for_each_online_cpu(c)
		if (c != cpu_id())
			idle_cpu = c;
	if (idle_cpu == ~0U) {
		/* One CPU: our own sleep is the only timer event. */
		before = this_cpu()->timers.interrupts;
		thread_sleep_ms(100);
		return this_cpu()->timers.interrupts - before > 2 ?
			       "an idle CPU kept ticking" :
			       NULL;
	}
	before = cpus[idle_cpu].timers.interrupts;
	thread_sleep_ms(100);
	if (cpus[idle_cpu].timers.interrupts - before > 1)
		return "an idle CPU kept ticking";
	return NULL;
}

/* Allocations and frees bring heap and page figures back to baseline. */
static const char *test_memory_baseline(void)
{
	static const size_t sizes[] = { 1, 24, 100, 512, 2000, 5000, 70000 };
	struct heap_stats h0, h1;
	struct page_alloc_stats p0, p1;
	void **ptrs = keel_calloc(512, sizeof(void *));
	const char *fail = NULL;

	if (!ptrs)
		return "out of memory";
	heap_get_stats(&h0);
	page_alloc_get_stats(&p0);
	for (unsigned int i = 0; i < 512; i++) {
		size_t size = sizes[i % ARRAY_SIZE(sizes)];

		ptrs[i] = keel_malloc(size);
		if (!ptrs[i])
			fail = "allocation failed";
		else
			memset(ptrs[i], (int)i, size);
	}
	for (unsigned int i = 0; i < 512; i += 2)
		keel_free(ptrs[i]);
	for (unsigned int i = 1; i < 512; i += 2)
		keel_free(ptrs[i]);
	heap_get_stats(&h1);
	page_alloc_get_stats(&p1);
	if (!fail && (h1.bytes_in_use != h0.bytes_in_use ||
		      h1.live_blocks != h0.live_blocks))
		fail = "heap figures did not return to baseline";
	if (!fail && p1.free_pages != p0.free_pages)
		fail = "free pages did not return to baseline";
	if (!fail && h1.errors_detected != h0.errors_detected)
		fail = "the heap reported errors";
	keel_free(ptrs);
	return fail;
}

/*
 * A thread kept when ended stays, readable and listed, until its creator
 * frees it: vCPU threads rely on it (a scheduler that freed it would
 * leave poisoned memory here, DEBUG_HEAP).
 */
static const char *test_kept_thread(void)
{
	struct run *r = run_new();
	struct worker w;
	struct thread *t;
	const char *fail = NULL;
	unsigned int count;

	if (!r)
		return "out of memory";
	w = (struct worker){ r, 0 };
	t = spawn("st-kept", record_and_exit, &w, THREAD_PRIO_NORMAL,
		  1ULL << last_online_cpu());
	if (!t) {
		keel_free(r);
		return "cannot create a thread";
	}
	thread_keep_when_ended(t);
	thread_start(t);
	if (!wait_finished(r, 1, 1000))
		fail = "the thread did not run";
	/* Long enough for any CPU to have switched away from it. */
	thread_sleep_ms(10);
	count = thread_count();
	if (!fail &&
	    (READ_ONCE(t->state) != THREAD_EXITED || READ_ONCE(t->on_cpu) ||
	     !READ_ONCE(t->ended) || strcmp(t->name, "st-kept")))
		fail = "an ended kept thread was freed or is still on its CPU";
	if (!fail) {
		thread_wait_ended(t);
		thread_reap(t);
		if (thread_count() != count - 1)
			fail = "freeing the kept thread did not unlist it";
	}
	keel_free(r);
	return fail;
}

struct selftest {
	const char *name;
	const char *(*run)(void);
};

static const struct selftest selftests[] = {
	{ "sched.priority", test_priority },
	{ "sched.timeslice", test_timeslice },
	{ "sched.sleep", test_sleep },
	{ "sched.timedwait", test_timed_wait },
	{ "sched.migrate", test_migrate },
	{ "sched.wakeup", test_cross_cpu_wakeup },
	{ "sched.balance", test_balance },
	{ "sched.balance-prio", test_balance_priority },
	{ "sched.kept", test_kept_thread },
	{ "timer.tickless", test_tickless_idle },
	{ "mm.baseline", test_memory_baseline },
};

static int selftest_run(int argc, char **argv)
{
	unsigned int passed = 0, failed = 0;
	bool all;

	if (argc == 2 && !strcmp(argv[1], "list")) {
		for (unsigned int i = 0; i < ARRAY_SIZE(selftests); i++)
			term_printf("%s\n", selftests[i].name);
		return 0;
	}
	if (argc != 2)
		return -EINVAL;
	all = !strcmp(argv[1], "all");
	for (unsigned int i = 0; i < ARRAY_SIZE(selftests); i++) {
		const char *why;

		if (!all && strcmp(argv[1], selftests[i].name))
			continue;
		why = selftests[i].run();
		if (why) {
			term_printf("%s: FAIL (%s)\n", selftests[i].name, why);
			failed++;
		} else {
			term_printf("%s: PASS\n", selftests[i].name);
			passed++;
		}
	}
	if (!passed && !failed) {
		term_printf("error: no selftest '%s' (see 'selftest list')\n",
			    argv[1]);
		return -EINVAL;
	}
	term_printf("selftest: %u passed, %u failed\n", passed, failed);
	return 0;
}

static const struct term_command selftest_cmd = {
	.name = "selftest",
	.summary = "run the built-in scheduler, timer and memory tests",
	.usage = "selftest list | selftest all | selftest <name>",
	.run = selftest_run,
};
TERM_COMMAND(selftest_cmd);
