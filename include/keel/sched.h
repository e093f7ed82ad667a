/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Threads and the scheduler (core/thread.c, core/sched.c).
 *
 * Every CPU has its own run queue with CONFIG_SCHED_PRIORITIES levels
 * (higher number runs first) and round-robin time slices within a level.
 * A thread runs only on CPUs in its affinity mask; changing the mask
 * migrates it. Idle CPUs wait in arch_cpu_idle() with no periodic tick.
 */
#ifndef KEEL_SCHED_H
#define KEEL_SCHED_H

#include <keel/list.h>
#include <keel/spinlock.h>
#include <keel/timer.h>
#include <keel/types.h>
#include <arch/context.h>

struct vcpu;

#define THREAD_NAME_LEN 32
#define THREAD_PRIO_IDLE 0
#define THREAD_PRIO_LOW 1
#define THREAD_PRIO_NORMAL (CONFIG_SCHED_PRIORITIES / 2)
#define THREAD_PRIO_HIGH (CONFIG_SCHED_PRIORITIES - 1)
#define CPU_MASK_ALL (~0ULL)

enum thread_state {
	THREAD_NEW,
	THREAD_READY,
	THREAD_RUNNING,
	THREAD_BLOCKED,
	THREAD_EXITED,
};

struct thread {
	struct arch_context ctx;
	struct list_head queue_link; /* run queue or wait queue */
	struct list_head all_link;
	char name[THREAD_NAME_LEN];
	unsigned int id;
	volatile enum thread_state state;
	unsigned int prio;
	unsigned int cpu; /* the CPU whose run queue owns it */
	u64 affinity;
	bool on_cpu; /* its context is live on some CPU */
	bool is_idle;
	bool kept; /* not freed when it ends: thread_keep_when_ended() */
	/* Kept, ended and off its CPU: the scheduler's last touch (release). */
	bool ended;
	void *stack;
	size_t stack_size;
	struct timer_event sleep_timer;
	u64 runtime_ns;
	u64 last_switch_in_ns;
	u64 switches;
	/* Counter cycles it waited in place (sched_idle_in_place), not ran. */
	u64 halted_cycles;
	struct vcpu *vcpu; /* the vCPU this thread runs, if any */
	/* IRQ_FLAG_* of interrupts handled on it since a vCPU cleared it */
	unsigned int irqs_seen;
};

/*
 * Ready threads of one CPU by priority (core/runqueue.c): FIFO within a
 * level, highest level first. No locking: the owner's lock covers it.
 */
struct runqueue {
	struct list_head ready[CONFIG_SCHED_PRIORITIES];
	u32 nonempty; /* bit p set when ready[p] has threads */
	unsigned int nr_ready;
};

void runqueue_init(struct runqueue *rq);
/* Append t at its priority (t->prio) and mark it READY. */
void runqueue_add(struct runqueue *rq, struct thread *t);
/* The same, first in its level (a directed yield, sched_yield_to). */
void runqueue_add_head(struct runqueue *rq, struct thread *t);
/* Take t out of the queue it is in. */
void runqueue_remove(struct runqueue *rq, struct thread *t);
/* Remove and return the first thread of the highest priority, or NULL. */
struct thread *runqueue_pop(struct runqueue *rq);
/* Highest priority with a ready thread, or -1 when empty. */
int runqueue_top_priority(const struct runqueue *rq);

struct sched_cpu {
	spinlock_t lock;
	struct runqueue rq;
	struct thread *current;
	struct thread *idle;
	struct thread *last_prev; /* switched out by the last switch */
	volatile bool need_resched;
	/*
	 * The running thread's slice ends at slice_end_ns (0: no slice, the
	 * idle thread runs). slice_timer is only moved when it would fire
	 * late: firing early, it looks at slice_end_ns and arms again.
	 */
	struct timer_event slice_timer;
	u64 slice_end_ns;
	u64 idle_ns; /* time spent in the idle thread */
	/*
	 * A thread waits for an interrupt in place (sched_idle_in_place):
	 * the CPU counts as idle for placing threads; the cycles it waited
	 * count as idle time.
	 */
	volatile bool halting;
	u64 halted_cycles;
	u64 idle_since_ns; /* when the idle thread last started running */
	u64 load_sample_ns, load_sample_idle_ns; /* for load figures */
	unsigned int load_percent;
	u64 context_switches;
	/* Load balancing (core/sched.c): not before next_balance_ns. */
	u64 next_balance_ns;
	u64 balance_moves; /* threads moved away from this CPU */
	/*
	 * Directed yield (sched_yield_to): the thread the running one lends
	 * its CPU to at the next schedule(); then, while that loan runs, the
	 * lender and the end of the lender's own slice. Only compared with
	 * threads taken from the queue, never followed, and cleared by the
	 * next schedule(): a thread gone meanwhile is simply not found.
	 */
	struct thread *lend_to;
	struct thread *lender;
	u64 lender_slice_end_ns;
};

struct waitqueue {
	spinlock_t lock;
	struct list_head waiters;
};

#define WAITQUEUE_INIT(wq)                                  \
	{                                                   \
		SPINLOCK_INIT, LIST_HEAD_INIT((wq).waiters) \
	}

/*
 * Create a thread (state NEW); thread_start() makes it runnable. prio is
 * 1..CONFIG_SCHED_PRIORITIES-1; affinity a mask of CPU numbers.
 */
struct thread *thread_create(const char *name, thread_fn fn, void *arg,
			     unsigned int prio, u64 affinity);
int thread_start(struct thread *t);
void __noreturn thread_exit(void);
struct thread *thread_current(void);
void thread_yield(void);
void thread_sleep_ns(u64 ns);
void thread_sleep_ms(u64 ms);
/* Move t to CPUs in mask (at least one online): -EINVAL otherwise. */
int thread_set_affinity(struct thread *t, u64 mask);
int thread_set_priority(struct thread *t, unsigned int prio);
const char *thread_state_name(enum thread_state s);

/*
 * Visit every thread under the thread-list lock; fn must not sleep or
 * create threads. Stops early when fn returns non-zero.
 */
int thread_for_each(int (*fn)(struct thread *t, void *arg), void *arg);
unsigned int thread_count(void);

/*
 * Free an exited thread once no CPU runs on its stack (the scheduler), or
 * one that was never started, or one kept when ended (its creator).
 */
void thread_reap(struct thread *t);
/*
 * Before thread_start(): when t ends the scheduler leaves it, ended, for
 * its creator to wait for (thread_wait_ended) and free (thread_reap).
 * For threads others may still name after they end: a vCPU's, which its
 * guest's devices and other vCPUs kick until the guest is gone.
 */
void thread_keep_when_ended(struct thread *t);
/* Sleep until t, kept when ended, has ended and left its CPU. */
void thread_wait_ended(struct thread *t);
/* Make the code running on this CPU at boot its idle thread. */
struct thread *thread_adopt_idle(void *stack_base, size_t stack_size);
void sched_init_cpu(void);
/* A new thread's first step: finish the switch that started it. */
void sched_finish_new_thread(void);
void __noreturn sched_run_idle(void);
void schedule(void);
/* Make a BLOCKED thread runnable (any CPU, any context). */
void sched_wake(struct thread *t);
/*
 * Directed yield: let t, ready on this CPU's queue, run now for at most
 * CONFIG_SCHED_LEND_NS, then the caller again with what was left of its
 * slice (the loan counts against it, so threads behind them still get
 * their turns). Only a running thread with no switch already due lends,
 * to a thread of its priority or above that would run next at its level,
 * and never while on a loan itself; a thread on a loan that yields to
 * its lender ends the loan instead. True when a switch is now due.
 */
bool sched_yield_to(struct thread *t);
/*
 * The calling thread, if it runs on a loan, has done what it was lent
 * the CPU for: give it back to the lender at the next schedule() rather
 * than at the loan's end.
 */
void sched_end_loan(void);
/* After an interrupt: switch if something more urgent became ready. */
void sched_irq_exit(void);
/* The reschedule IPI landed on this CPU. */
void sched_reschedule_ipi(void);
/*
 * Wait for interrupts in the calling thread while still_waiting(arg)
 * holds and no other thread is ready on this CPU: a vCPU that waits with
 * the CPU to itself keeps its state loaded instead of two switches
 * through the idle thread. Interrupts are handled between waits, without
 * preemption: the thread stays on this CPU until it returns (a waker on
 * another CPU must send an IPI, as vcpu_kick does for a thread on a CPU).
 * still_waiting is also asked when a wait ends, interrupts still masked,
 * before they are taken: it may quiet an interrupt it will answer itself.
 * False when it stopped because another thread is ready.
 */
bool sched_idle_in_place(bool (*still_waiting)(void *arg), void *arg);

/*
 * Another thread is ready on this CPU (interrupts masked): a wait in
 * place would end at once. A hint, read without the run-queue lock.
 */
bool sched_others_ready(void);
/* Recent load of a CPU in percent (busy time over the last sample). */
unsigned int sched_cpu_load(unsigned int cpu);
/* Time a CPU spent in its idle thread since boot, the current stay too. */
u64 sched_cpu_idle_ns(unsigned int cpu);

void waitqueue_init(struct waitqueue *wq);
/*
 * Sleep on wq. The caller holds wq->lock taken with spin_lock_irqsave
 * (flags); it is released while sleeping and held again on return.
 */
void waitqueue_sleep_locked(struct waitqueue *wq, unsigned long *flags);
/*
 * The same, but give up at deadline_ns (timer_now_ns() time): false when
 * the deadline came first (the thread is then off wq), true when woken.
 * Like every wait queue sleep it may return early: callers re-check their
 * condition and the time.
 */
bool waitqueue_sleep_locked_until(struct waitqueue *wq, unsigned long *flags,
				  u64 deadline_ns);
void waitqueue_wake_all(struct waitqueue *wq);
/* The same, the caller holding wq->lock. */
void waitqueue_wake_all_locked(struct waitqueue *wq);
void waitqueue_wake_one(struct waitqueue *wq);

#endif
