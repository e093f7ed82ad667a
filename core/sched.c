// SPDX-License-Identifier: GPL-2.0
/*
 * The per-CPU scheduler. Each run queue is owned by one CPU: only that CPU
 * picks threads from it, and a thread changes queue only while its context
 * is saved (on wake-up, on affinity change, or right after being switched
 * out), so a context is never live on two CPUs.
 *
 * The run-queue lock is held across the context switch and released by
 * the thread switched to (sched_finish_switch), the classic way to make
 * "put prev away, pick next, switch" atomic.
 */
#include <keel/cpu.h>
#include <keel/errno.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <arch/irqflags.h>
#include <arch/vcpu.h>

#define SLICE_NS ((u64)CONFIG_SCHED_TIMESLICE_MS * NSEC_PER_MSEC)
#define LEND_NS ((u64)CONFIG_SCHED_LEND_NS)
#define LOAD_SAMPLE_NS NSEC_PER_SEC
#define BALANCE_NS NSEC_PER_MSEC

static void slice_expired(struct timer_event *ev)
{
	struct sched_cpu *sc = ev->arg;
	u64 end = sc->slice_end_ns;

	if (!end)
		return;
	if (timer_now_ns() < end) {
		/* The slice was restarted since this was armed. */
		timer_event_arm(&sc->slice_timer, end);
		return;
	}
	sc->need_resched = true;
}

/*
 * A new slice for the thread about to run, ending at end, without
 * reprogramming the timer on every switch: an armed slice_timer that
 * fires no later than the new end stays (a full slice only ever ends
 * later than the last), and slice_expired() re-arms it then. Only the
 * short slice of a directed yield moves it earlier.
 */
static void slice_start(struct sched_cpu *sc, u64 end)
{
	sc->slice_end_ns = end;
	if (!timer_event_armed(&sc->slice_timer) ||
	    sc->slice_timer.deadline_ns > end)
		timer_event_arm(&sc->slice_timer, end);
}

void sched_init_cpu(void)
{
	struct sched_cpu *sc = &this_cpu()->sched;

	spin_lock_init(&sc->lock);
	runqueue_init(&sc->rq);
	sc->need_resched = false;
	timer_event_init(&sc->slice_timer, slice_expired, sc);
}

static void enqueue(struct sched_cpu *sc, struct thread *t)
{
	runqueue_add(&sc->rq, t);
}

static void dequeue(struct sched_cpu *sc, struct thread *t)
{
	runqueue_remove(&sc->rq, t);
}

static struct thread *pick_next(struct sched_cpu *sc)
{
	struct thread *t = runqueue_pop(&sc->rq);

	return t ? t : sc->idle;
}

static bool cpu_allowed(const struct thread *t, unsigned int cpu)
{
	return (t->affinity >> cpu) & 1;
}

/* Ready threads on CPU c, the running one included (not idle). */
static unsigned int cpu_load(unsigned int c)
{
	const struct sched_cpu *sc = &cpus[c].sched;

	return READ_ONCE(sc->rq.nr_ready) +
	       (READ_ONCE(sc->current) != sc->idle && !READ_ONCE(sc->halting));
}

/* The allowed online CPU with the fewest ready threads. */
static unsigned int pick_cpu(const struct thread *t)
{
	unsigned int best = t->cpu, c;
	unsigned int best_load = ~0U;

	for_each_online_cpu(c) {
		unsigned int load = cpu_load(c);

		if (cpu_allowed(t, c) && load < best_load) {
			best = c;
			best_load = load;
		}
	}
	return best;
}

/*
 * An allowed online CPU that runs its idle thread with nothing queued,
 * or `busy` when none does. Read without the CPUs' locks: a hint, which
 * at worst leaves a thread where it was or queues it behind one.
 */
static unsigned int idle_cpu_for(const struct thread *t, unsigned int busy)
{
	unsigned int c = pick_cpu(t);

	return c != busy && cpu_load(c) == 0 ? c : busy;
}

/*
 * Put t (saved, not current anywhere) on CPU cpu's queue; lock held. A
 * thread that was waiting (wakeup) also preempts one of equal priority:
 * waiters are mostly vCPUs and device threads that should answer an
 * interrupt promptly, not after a whole time slice of a busy neighbour.
 */
static void enqueue_and_kick(unsigned int cpu, struct thread *t, bool wakeup)
{
	struct sched_cpu *sc = &cpus[cpu].sched;

	t->cpu = cpu;
	enqueue(sc, t);
	if (sc->current == sc->idle || t->prio > sc->current->prio ||
	    (wakeup && t->prio == sc->current->prio)) {
		sc->need_resched = true;
		if (cpu != cpu_id())
			ipi_send(cpu, IPI_RESCHEDULE);
	}
}

static void account_switch(struct sched_cpu *sc, struct thread *prev,
			   struct thread *next, u64 now)
{
	u64 ran = now - prev->last_switch_in_ns;

	prev->runtime_ns += ran;
	if (prev == sc->idle)
		sc->idle_ns += ran;
	next->last_switch_in_ns = now;
	if (next == sc->idle)
		sc->idle_since_ns = now;
	next->switches++;
	sc->context_switches++;
}

/* Lock order: two run queues are always taken lowest CPU first. */
static void lock_two(unsigned int a, unsigned int b)
{
	if (a == b) {
		spin_lock(&cpus[a].sched.lock);
	} else if (a < b) {
		spin_lock(&cpus[a].sched.lock);
		spin_lock(&cpus[b].sched.lock);
	} else {
		spin_lock(&cpus[b].sched.lock);
		spin_lock(&cpus[a].sched.lock);
	}
}

static void unlock_two(unsigned int a, unsigned int b)
{
	spin_unlock(&cpus[a].sched.lock);
	if (a != b)
		spin_unlock(&cpus[b].sched.lock);
}

/*
 * Load balancing. Wake-ups place a thread on an idle CPU, but threads that
 * never block (vCPUs spinning, yielding) are never placed again: a CPU
 * that picked up more of them at start keeps them. So at most once per
 * BALANCE_NS, each CPU entering schedule() compares its load (threads
 * ready and running) with the most and the least loaded CPUs and, where
 * they differ by two or more, moves one ready thread: pushes one of its
 * own to the least loaded CPU, or pulls one from the most loaded. Only a
 * thread queued, not current anywhere, and allowed on the destination
 * moves, under both queues' locks, so it is never runnable on two CPUs;
 * the highest-priority such thread moves (it waits behind its equals
 * there), the last queued of its level (the one that would wait longest).
 */
static struct thread *balance_candidate(struct sched_cpu *from, unsigned int to)
{
	for (int p = runqueue_top_priority(&from->rq); p > THREAD_PRIO_IDLE;
	     p--) {
		struct list_head *head = &from->rq.ready[p], *pos;

		for (pos = head->prev; pos != head; pos = pos->prev) {
			struct thread *t =
				list_entry(pos, struct thread, queue_link);

			if (!t->on_cpu && cpu_allowed(t, to))
				return t;
		}
	}
	return NULL;
}

/* Move one thread from CPU from to CPU to if from still has two more. */
static void balance_move(unsigned int from, unsigned int to,
			 unsigned int from_adjust)
{
	struct sched_cpu *src = &cpus[from].sched;
	struct thread *t;

	lock_two(from, to);
	/* Loads again under the locks: another CPU may have moved first. */
	t = cpu_load(from) >= cpu_load(to) + 2 + from_adjust ?
		    balance_candidate(src, to) :
		    NULL;
	if (t) {
		dequeue(src, t);
		enqueue_and_kick(to, t, false);
		src->balance_moves++;
		/* A thread waiting in place there wakes only for an IPI. */
		if (to != cpu_id() && READ_ONCE(cpus[to].sched.halting))
			ipi_send(to, IPI_RESCHEDULE);
	}
	unlock_two(from, to);
}

/* prev: the thread this CPU's schedule() is about to put away. */
static void balance(struct sched_cpu *sc, const struct thread *prev, u64 now)
{
	unsigned int self = cpu_id(), c, lo = self, hi = self;
	/* A thread blocking or exiting here no longer counts. */
	unsigned int leaving =
		prev != sc->idle && prev->state != THREAD_RUNNING;
	unsigned int load = cpu_load(self) - leaving;
	unsigned int lo_load = load, hi_load = load;

	sc->next_balance_ns = now + BALANCE_NS;
	for_each_online_cpu(c) {
		unsigned int l = c == self ? load : cpu_load(c);

		if (l < lo_load) {
			lo = c;
			lo_load = l;
		}
		if (l > hi_load) {
			hi = c;
			hi_load = l;
		}
	}
	if (hi == self && load >= lo_load + 2)
		balance_move(self, lo, leaving);
	else if (hi_load >= load + 2)
		balance_move(hi, self, 0);
}

/*
 * Runs on the CPU that just switched, in the new thread's context, with
 * the run-queue lock taken by schedule(). prev's registers are saved now.
 */
static void sched_finish_switch(struct thread *prev)
{
	struct sched_cpu *sc = &this_cpu()->sched;
	unsigned int self = cpu_id();
	/* Read under the lock: once it is dropped prev may be woken, or freed. */
	enum thread_state state = prev->state;

	prev->on_cpu = false;
	if (state == THREAD_EXITED && prev->kept) {
		/*
		 * The last touch: its waiter (thread_wait_ended) may free it
		 * once it sees this, and must see every store before it (the
		 * saved context, a vCPU's registers put into memory).
		 */
		__atomic_store_n(&prev->ended, true, __ATOMIC_RELEASE);
		spin_unlock(&sc->lock);
		return;
	}
	spin_unlock(&sc->lock);

	if (state == THREAD_EXITED) {
		thread_reap(prev);
		return;
	}

	if (state == THREAD_READY && prev->cpu != self) {
		/* Marked for migration by schedule(): hand it over. */
		unsigned int target = prev->cpu;

		lock_two(self, target);
		enqueue_and_kick(target, prev, false);
		unlock_two(self, target);
	}
}

/*
 * The directed-yield part of schedule(), lock held, prev back in the
 * queue if it still runs, next taken from it: start the loan that
 * sched_yield_to() asked for, or end the one that ran. Returns the thread
 * to run, and its slice's end in *end when that is not a full slice.
 */
static struct thread *lend_switch(struct sched_cpu *sc, struct thread *prev,
				  struct thread *next, u64 now, u64 *end)
{
	struct thread *lender = sc->lender, *to = sc->lend_to;

	sc->lender = NULL;
	sc->lend_to = NULL;
	if (lender && next == lender) {
		/* The loan is over: the lender goes on with its own slice. */
		if (sc->lender_slice_end_ns > now) {
			*end = sc->lender_slice_end_ns;
		} else if (runqueue_top_priority(&sc->rq) >= (int)next->prio) {
			/* Spent meanwhile: its equals first, as at any slice end. */
			enqueue(sc, next);
			next = pick_next(sc);
		}
		return next;
	}
	if (to && next == to && prev->state == THREAD_READY &&
	    cpu_allowed(prev, cpu_id())) {
		/* prev, queued again just now, is first in line after t. */
		dequeue(sc, prev);
		runqueue_add_head(&sc->rq, prev);
		sc->lender = prev;
		sc->lender_slice_end_ns = sc->slice_end_ns;
		*end = now + LEND_NS;
	}
	return next;
}

void schedule(void)
{
	unsigned long flags = arch_irq_save();
	struct cpu *cpu = this_cpu();
	struct sched_cpu *sc = &cpu->sched;
	struct thread *prev, *next;
	u64 now = timer_now_ns(), end;

	if (now >= sc->next_balance_ns)
		balance(sc, sc->current, now);
	spin_lock(&sc->lock);
	prev = sc->current;
	sc->need_resched = false;

	if (prev->state == THREAD_RUNNING && prev != sc->idle) {
		if (cpu_allowed(prev, cpu->id)) {
			enqueue(sc, prev);
		} else {
			/* Leave it off every queue until it is saved. */
			prev->state = THREAD_READY;
			prev->cpu = pick_cpu(prev);
		}
	}
	next = pick_next(sc);
	end = now + SLICE_NS;
	if (unlikely(sc->lend_to || sc->lender))
		next = lend_switch(sc, prev, next, now, &end);
	if (next == prev) {
		next->state = THREAD_RUNNING;
		/*
		 * A busy thread keeps a slice running even when alone, so
		 * that one woken later at its priority gets a turn.
		 */
		if (next != sc->idle)
			slice_start(sc, end);
		spin_unlock(&sc->lock);
		arch_irq_restore(flags);
		return;
	}
	account_switch(sc, prev, next, now);
	next->state = THREAD_RUNNING;
	next->on_cpu = true;
	next->cpu = cpu->id;
	sc->current = next;
	sc->last_prev = prev;

	/* An idle CPU keeps no slice (the timer may fire once, to no effect). */
	if (next == sc->idle)
		sc->slice_end_ns = 0;
	else
		slice_start(sc, end);

	/* A vCPU's registers leave the CPU with it (arch_vcpu_put). */
	if (prev->vcpu)
		arch_vcpu_put(prev->vcpu);
	arch_context_switch(&prev->ctx, &next->ctx);
	/* Back in prev, possibly much later; prev is current again. */
	sched_finish_switch(this_cpu()->sched.last_prev);
	arch_irq_restore(flags);
}

void sched_finish_new_thread(void)
{
	sched_finish_switch(this_cpu()->sched.last_prev);
}

/*
 * Lock the run queue that owns t (interrupts masked by the caller) and
 * return its CPU: t->cpu is stable only under that queue's lock, and the
 * balancer or a wake-up may move t between the read and the lock.
 */
static unsigned int lock_owning_queue(const struct thread *t)
{
	for (;;) {
		unsigned int cpu = READ_ONCE(t->cpu);

		spin_lock(&cpus[cpu].sched.lock);
		if (t->cpu == cpu)
			return cpu;
		spin_unlock(&cpus[cpu].sched.lock);
	}
}

void sched_wake(struct thread *t)
{
	unsigned long flags = arch_irq_save();
	bool moved = false; /* to an idle CPU: once, so no chasing */

	for (;;) {
		unsigned int cpu = lock_owning_queue(t);
		struct sched_cpu *sc = &cpus[cpu].sched;

		if (t->state == THREAD_BLOCKED) {
			unsigned int target =
				cpu_allowed(t, cpu) ? cpu : pick_cpu(t);

			/*
			 * Its CPU is busy and another idles: wake it there
			 * rather than queue it behind the running thread (a
			 * guest's vCPUs, all started from one CPU, would
			 * otherwise share it for good).
			 */
			if (!moved && target == cpu &&
			    sc->current != sc->idle && sc->current != t) {
				target = idle_cpu_for(t, cpu);
				moved = true;
			}

			if (sc->current == t) {
				/* Still on its way into schedule(): let it run on. */
				t->state = THREAD_RUNNING;
			} else if (target != cpu) {
				/*
				 * Its affinity changed while it was running
				 * and it blocked before schedule() could move
				 * it: wake it where it may run.
				 */
				t->cpu = target;
				spin_unlock(&sc->lock);
				continue;
			} else {
				enqueue_and_kick(cpu, t, true);
			}
		}
		spin_unlock(&sc->lock);
		break;
	}
	arch_irq_restore(flags);
}

bool sched_yield_to(struct thread *t)
{
	unsigned long flags = arch_irq_save();
	struct sched_cpu *sc = &this_cpu()->sched;
	unsigned int self = cpu_id();
	struct thread *cur = sc->current;
	bool due = false;

	/*
	 * The usual refusals without the lock: not queued here, or a switch
	 * already due (a target just woken preempts the caller anyway).
	 */
	if (READ_ONCE(t->state) != THREAD_READY || READ_ONCE(t->cpu) != self ||
	    sc->need_resched) {
		arch_irq_restore(flags);
		return false;
	}
	spin_lock(&sc->lock);
	if (sc->lender) {
		/* On a loan: yielding to the lender ends it, nothing more. */
		if (t == sc->lender)
			due = sc->need_resched = true;
	} else if (!sc->lend_to && t != cur && cur != sc->idle &&
		   cur->state == THREAD_RUNNING && t->state == THREAD_READY &&
		   t->cpu == self && !t->on_cpu && cpu_allowed(t, self) &&
		   t->prio >= cur->prio &&
		   (int)t->prio >= runqueue_top_priority(&sc->rq)) {
		/* First at its level: schedule() takes it next (lend_switch). */
		dequeue(sc, t);
		runqueue_add_head(&sc->rq, t);
		sc->lend_to = t;
		due = sc->need_resched = true;
	}
	spin_unlock(&sc->lock);
	arch_irq_restore(flags);
	return due;
}

void sched_end_loan(void)
{
	unsigned long flags = arch_irq_save();
	struct sched_cpu *sc = &this_cpu()->sched;

	/*
	 * Only this CPU's schedule() sets and clears lender, and only while
	 * the borrower runs is it set: a look with interrupts masked.
	 */
	if (sc->lender)
		sc->need_resched = true;
	arch_irq_restore(flags);
}

void sched_irq_exit(void)
{
	struct sched_cpu *sc = &this_cpu()->sched;

	/* A wait in place switches by returning (sched_idle_in_place). */
	if (sc->need_resched && sc->current && !sc->halting)
		schedule();
}

void sched_reschedule_ipi(void)
{
	this_cpu()->sched.need_resched = true;
}

void __noreturn sched_run_idle(void)
{
	struct sched_cpu *sc = &this_cpu()->sched;

	for (;;) {
		arch_irq_disable();
		if (!sc->need_resched && sc->rq.nr_ready == 0)
			arch_cpu_idle();
		arch_irq_enable();
		if (sc->need_resched || sc->rq.nr_ready)
			schedule();
	}
}

bool sched_others_ready(void)
{
	return READ_ONCE(this_cpu()->sched.rq.nr_ready) != 0;
}

bool sched_idle_in_place(bool (*still_waiting)(void *arg), void *arg)
{
	unsigned long flags = arch_irq_save();
	/*
	 * Not preempted while halting (sched_irq_exit): the thread stays on
	 * this CPU, and what it keeps loaded stays live until it returns.
	 */
	struct sched_cpu *sc = &this_cpu()->sched;
	bool others = false;

	WRITE_ONCE(sc->halting, true);
	for (;;) {
		u64 start, halted;
		bool waiting;

		if (READ_ONCE(sc->rq.nr_ready)) {
			others = true;
			break;
		}
		if (!still_waiting(arg))
			break;
		start = timer_read_cycles();
		arch_cpu_idle();
		/* Only this CPU writes them, with interrupts masked. */
		halted = timer_read_cycles() - start;
		sc->halted_cycles += halted;
		sc->current->halted_cycles += halted;
		/*
		 * Asked before interrupts are taken: a wake the waiter keeps
		 * itself (arch_vcpu_irq_pending: its loaded timer) quiets
		 * the interrupt behind it, which then is never dispatched.
		 */
		waiting = still_waiting(arg);
		arch_irq_enable();
		arch_irq_disable();
		if (!waiting)
			break;
	}
	WRITE_ONCE(sc->halting, false);
	arch_irq_restore(flags);
	return !others;
}

void thread_yield(void)
{
	this_cpu()->sched.need_resched = true;
	schedule();
}

static void sleep_timer_fired(struct timer_event *ev)
{
	sched_wake(ev->arg);
}

void thread_sleep_ns(u64 ns)
{
	struct thread *self = thread_current();
	unsigned long flags = arch_irq_save();

	timer_event_init(&self->sleep_timer, sleep_timer_fired, self);
	self->state = THREAD_BLOCKED;
	timer_event_arm(&self->sleep_timer, timer_add_ns(timer_now_ns(), ns));
	schedule();
	arch_irq_restore(flags);
}

void thread_sleep_ms(u64 ms)
{
	u64 ns = ms > TIME_NEVER / NSEC_PER_MSEC ? TIME_NEVER :
						   ms * NSEC_PER_MSEC;

	thread_sleep_ns(ns);
}

int thread_set_affinity(struct thread *t, u64 mask)
{
	unsigned long flags;
	unsigned int c, cpu;
	bool any = false;

	for_each_online_cpu(c)
		any |= (mask >> c) & 1;
	if (!any || t->is_idle)
		return -EINVAL;

	flags = arch_irq_save();
	cpu = lock_owning_queue(t);
	t->affinity = mask;
	if (cpu_allowed(t, cpu)) {
		spin_unlock(&cpus[cpu].sched.lock);
	} else if (t->state == THREAD_READY) {
		unsigned int target = pick_cpu(t);

		spin_unlock(&cpus[cpu].sched.lock);
		lock_two(cpu, target);
		if (t->state == THREAD_READY && t->cpu == cpu && !t->on_cpu) {
			dequeue(&cpus[cpu].sched, t);
			enqueue_and_kick(target, t, false);
		}
		unlock_two(cpu, target);
	} else if (t->state == THREAD_RUNNING) {
		/* schedule() on its CPU moves it once it is switched out. */
		cpus[cpu].sched.need_resched = true;
		spin_unlock(&cpus[cpu].sched.lock);
		if (cpu != cpu_id())
			ipi_send(cpu, IPI_RESCHEDULE);
		else
			schedule();
	} else {
		/* Blocked or new: it starts on an allowed CPU when woken. */
		t->cpu = pick_cpu(t);
		spin_unlock(&cpus[cpu].sched.lock);
	}
	arch_irq_restore(flags);
	return 0;
}

int thread_set_priority(struct thread *t, unsigned int prio)
{
	unsigned long flags;
	unsigned int cpu;

	if (prio == THREAD_PRIO_IDLE || prio >= CONFIG_SCHED_PRIORITIES ||
	    t->is_idle)
		return -EINVAL;
	flags = arch_irq_save();
	/* A thread re-levelled in the wrong queue would corrupt both. */
	cpu = lock_owning_queue(t);
	if (t->state == THREAD_READY && !t->on_cpu) {
		dequeue(&cpus[cpu].sched, t);
		t->prio = prio;
		enqueue(&cpus[cpu].sched, t);
	} else {
		t->prio = prio;
	}
	spin_unlock_irqrestore(&cpus[cpu].sched.lock, flags);
	return 0;
}

/* Idle time since boot: the idle thread's and waits in place; lock held. */
static u64 idle_ns_locked(const struct sched_cpu *sc, u64 now)
{
	u64 idle =
		sc->idle_ns + timer_cycles_to_ns(READ_ONCE(sc->halted_cycles));

	if (sc->current == sc->idle)
		idle += now - sc->idle_since_ns;
	return idle;
}

u64 sched_cpu_idle_ns(unsigned int cpu)
{
	struct sched_cpu *sc = &cpus[cpu].sched;
	unsigned long flags;
	u64 idle;

	spin_lock_irqsave(&sc->lock, flags);
	idle = idle_ns_locked(sc, timer_now_ns());
	spin_unlock_irqrestore(&sc->lock, flags);
	return idle;
}

unsigned int sched_cpu_load(unsigned int cpu)
{
	struct sched_cpu *sc = &cpus[cpu].sched;
	u64 now = timer_now_ns();
	unsigned long flags;
	u64 idle;

	spin_lock_irqsave(&sc->lock, flags);
	idle = idle_ns_locked(sc, now);
	if (now - sc->load_sample_ns >= LOAD_SAMPLE_NS / 4) {
		u64 span = now - sc->load_sample_ns;
		u64 idle_span = idle - sc->load_sample_idle_ns;

		if (idle_span > span)
			idle_span = span;
		sc->load_percent = (unsigned int)((span - idle_span) * 100 /
						  (span ? span : 1));
		sc->load_sample_ns = now;
		sc->load_sample_idle_ns = idle;
	}
	spin_unlock_irqrestore(&sc->lock, flags);
	return sc->load_percent;
}

void waitqueue_init(struct waitqueue *wq)
{
	spin_lock_init(&wq->lock);
	list_init(&wq->waiters);
}

void waitqueue_sleep_locked(struct waitqueue *wq, unsigned long *flags)
{
	struct thread *self = thread_current();

	list_add_tail(&self->queue_link, &wq->waiters);
	self->state = THREAD_BLOCKED;
	spin_unlock(&wq->lock);
	schedule();
	spin_lock(&wq->lock);
	(void)flags; /* interrupts stay masked throughout */
}

struct timed_wait {
	struct waitqueue *wq;
	struct thread *t;
	bool expired;
};

/*
 * The deadline of a timed sleep: take the thread off the queue unless a
 * waker already did (then its wake-up stands and this one is moot).
 */
static void timed_wait_expired(struct timer_event *ev)
{
	struct timed_wait *w = ev->arg;
	struct thread *t;

	spin_lock(&w->wq->lock); /* interrupt context: masked already */
	list_for_each_entry(t, &w->wq->waiters, queue_link) {
		if (t == w->t) {
			list_del(&t->queue_link);
			w->expired = true;
			sched_wake(t);
			break;
		}
	}
	spin_unlock(&w->wq->lock);
}

bool waitqueue_sleep_locked_until(struct waitqueue *wq, unsigned long *flags,
				  u64 deadline_ns)
{
	struct timed_wait w = { wq, thread_current(), false };
	struct timer_event ev;

	if (timer_now_ns() >= deadline_ns)
		return false;
	timer_event_init(&ev, timed_wait_expired, &w);
	/* Interrupts are masked: it cannot fire before we are queued. */
	timer_event_arm(&ev, deadline_ns);
	waitqueue_sleep_locked(wq, flags);
	/*
	 * Woken by a waker: the event may be firing on another CPU and
	 * waiting for wq->lock, which we hold; let it find us gone.
	 */
	spin_unlock(&wq->lock);
	timer_event_cancel(&ev); /* then w and ev may go */
	spin_lock(&wq->lock);
	return !w.expired;
}

static void wake_first(struct waitqueue *wq)
{
	struct thread *t =
		list_first_entry(&wq->waiters, struct thread, queue_link);

	list_del(&t->queue_link);
	sched_wake(t);
}

void waitqueue_wake_one(struct waitqueue *wq)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	if (!list_empty(&wq->waiters))
		wake_first(wq);
	spin_unlock_irqrestore(&wq->lock, flags);
}

void waitqueue_wake_all_locked(struct waitqueue *wq)
{
	while (!list_empty(&wq->waiters))
		wake_first(wq);
}

void waitqueue_wake_all(struct waitqueue *wq)
{
	unsigned long flags;

	spin_lock_irqsave(&wq->lock, flags);
	waitqueue_wake_all_locked(wq);
	spin_unlock_irqrestore(&wq->lock, flags);
}
