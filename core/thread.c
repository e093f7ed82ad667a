// SPDX-License-Identifier: GPL-2.0
/* Hypervisor threads: creation, start, exit and the global thread list. */
#include <keel/cpu.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/page_alloc.h>
#include <keel/panic.h>
#include <keel/printf.h>
#include <keel/bitops.h>
#include <keel/printk.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <arch/irqflags.h>

static LIST_HEAD(all_threads);
static DEFINE_SPINLOCK(threads_lock);
static unsigned int next_thread_id;
static unsigned int nr_threads;

static const char *const state_names[] = {
	[THREAD_NEW] = "new",	      [THREAD_READY] = "ready",
	[THREAD_RUNNING] = "running", [THREAD_BLOCKED] = "blocked",
	[THREAD_EXITED] = "exited",
};

const char *thread_state_name(enum thread_state s)
{
	return (unsigned int)s < ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

struct thread *thread_current(void)
{
	return this_cpu()->sched.current;
}

static void thread_list_add(struct thread *t)
{
	unsigned long flags;

	spin_lock_irqsave(&threads_lock, flags);
	t->id = next_thread_id++;
	list_add_tail(&t->all_link, &all_threads);
	nr_threads++;
	spin_unlock_irqrestore(&threads_lock, flags);
}

static unsigned int stack_order(void)
{
	return order_base_2(ALIGN_UP(CONFIG_THREAD_STACK_SIZE, PAGE_SIZE) /
			    PAGE_SIZE);
}

struct thread *thread_create(const char *name, thread_fn fn, void *arg,
			     unsigned int prio, u64 affinity)
{
	struct thread *t;

	if (!fn || prio == THREAD_PRIO_IDLE ||
	    prio >= CONFIG_SCHED_PRIORITIES || !affinity)
		return NULL;
	t = keel_zalloc(sizeof(*t));
	if (!t)
		return NULL;
	t->stack = page_alloc(stack_order());
	if (!t->stack) {
		keel_free(t);
		return NULL;
	}
	t->stack_size = PAGE_SIZE << stack_order();
	strlcpy(t->name, name, sizeof(t->name));
	t->prio = prio;
	t->affinity = affinity;
	t->state = THREAD_NEW;
	t->cpu = cpu_id();
	list_init(&t->queue_link);
	timer_event_init(&t->sleep_timer, NULL, t);
	arch_context_init(&t->ctx, (char *)t->stack + t->stack_size, fn, arg);
	thread_list_add(t);
	return t;
}

int thread_start(struct thread *t)
{
	if (t->state != THREAD_NEW)
		return -EALREADY;
	t->state = THREAD_BLOCKED;
	/* Start it where it is allowed and least busy. */
	if (thread_set_affinity(t, t->affinity)) {
		/* Still never run: the caller may reap it. */
		t->state = THREAD_NEW;
		return -EINVAL;
	}
	sched_wake(t);
	return 0;
}

void __noreturn thread_bootstrap(thread_fn entry, void *arg)
{
	sched_finish_new_thread();
	arch_irq_enable();
	entry(arg);
	thread_exit();
}

void __noreturn thread_exit(void)
{
	struct thread *self = thread_current();

	arch_irq_disable();
	self->state = THREAD_EXITED;
	schedule();
	panic("exited thread %s was scheduled again", self->name);
}

void thread_keep_when_ended(struct thread *t)
{
	t->kept = true;
}

void thread_wait_ended(struct thread *t)
{
	/* Else the scheduler frees it as it ends, and this reads freed memory. */
	if (!t->kept)
		panic("waiting for thread %s, which is not kept when it ends",
		      t->name);
	while (!__atomic_load_n(&t->ended, __ATOMIC_ACQUIRE))
		thread_sleep_ms(1);
}

void thread_reap(struct thread *t)
{
	unsigned long flags;

	spin_lock_irqsave(&threads_lock, flags);
	list_del(&t->all_link);
	nr_threads--;
	spin_unlock_irqrestore(&threads_lock, flags);
	page_free(t->stack, stack_order());
	keel_free(t);
}

struct thread *thread_adopt_idle(void *stack_base, size_t stack_size)
{
	struct thread *t = keel_zalloc(sizeof(*t));
	struct sched_cpu *sc = &this_cpu()->sched;

	if (!t)
		return NULL;
	snprintf(t->name, sizeof(t->name), "idle/%u", cpu_id());
	t->is_idle = true;
	t->prio = THREAD_PRIO_IDLE;
	t->affinity = 1ULL << cpu_id();
	t->cpu = cpu_id();
	t->state = THREAD_RUNNING;
	t->on_cpu = true;
	t->stack = stack_base;
	t->stack_size = stack_size;
	t->last_switch_in_ns = timer_now_ns();
	list_init(&t->queue_link);
	sc->idle = t;
	sc->current = t;
	sc->idle_since_ns = t->last_switch_in_ns;
	/* Load is measured from when this CPU started, not from power-on. */
	sc->load_sample_ns = t->last_switch_in_ns;
	sc->load_sample_idle_ns = 0;
	thread_list_add(t);
	return t;
}

int thread_for_each(int (*fn)(struct thread *t, void *arg), void *arg)
{
	struct thread *t;
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&threads_lock, flags);
	list_for_each_entry(t, &all_threads, all_link) {
		ret = fn(t, arg);
		if (ret)
			break;
	}
	spin_unlock_irqrestore(&threads_lock, flags);
	return ret;
}

unsigned int thread_count(void)
{
	return nr_threads;
}
