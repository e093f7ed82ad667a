// SPDX-License-Identifier: GPL-2.0
/*
 * Timekeeping and per-CPU timer events. Conversions between counter
 * cycles and ns are exact and never need a 128-bit division.
 */
#include <keel/cpu.h>
#include <keel/errno.h>
#include <keel/timer.h>
#include <arch/cpu.h>

static const struct clocksource *clock;
static const struct clockevent *event_dev;
/*
 * A counter whose frequency divides 10^9 (QEMU's 62.5 MHz on arm64, the
 * 10 MHz timebase on riscv64) converts with one multiplication or
 * division: the scheduler reads the time at every switch. 0: it does not.
 */
static u64 ns_per_cycle;
static u64 cycles_max_exact;

int clocksource_register(const struct clocksource *cs)
{
	if (!cs || !cs->read || cs->freq_hz == 0 || cs->freq_hz > 4000000000ULL)
		return -EINVAL;
	if (clock)
		return -EBUSY;
	clock = cs;
	if (NSEC_PER_SEC % cs->freq_hz == 0) {
		ns_per_cycle = NSEC_PER_SEC / cs->freq_hz;
		cycles_max_exact = TIME_NEVER / ns_per_cycle;
	}
	return 0;
}

int clockevent_register(const struct clockevent *ce)
{
	if (!ce || !ce->program || !ce->stop)
		return -EINVAL;
	if (event_dev)
		return -EBUSY;
	event_dev = ce;
	return 0;
}

bool timer_ready(void)
{
	return clock != NULL;
}

u64 timer_read_cycles(void)
{
	return clock ? clock->read() : 0;
}

u64 timer_counter_freq(void)
{
	return clock ? clock->freq_hz : 0;
}

/*
 * Exact conversions without 128-bit division: whole seconds and the
 * remainder separately, each product fitting in 64 bits (frequencies up to
 * 4 GHz). Cycles round down to ns (time never runs ahead of the counter);
 * ns round up to cycles (a deadline is never reached early). A result
 * beyond 64 bits saturates to TIME_NEVER: a far-away value must stay far
 * away, not wrap into the past.
 */
u64 timer_cycles_to_ns(u64 cycles)
{
	u64 freq = clock ? clock->freq_hz : 0;
	u64 secs, part;

	if (!freq)
		return 0;
	if (ns_per_cycle)
		return cycles > cycles_max_exact ? TIME_NEVER :
						   cycles * ns_per_cycle;
	secs = cycles / freq;
	part = cycles % freq * NSEC_PER_SEC / freq;
	if (secs > (TIME_NEVER - part) / NSEC_PER_SEC)
		return TIME_NEVER;
	return secs * NSEC_PER_SEC + part;
}

u64 timer_ns_to_cycles(u64 ns)
{
	u64 freq = clock ? clock->freq_hz : 0;
	u64 secs, part;

	if (!freq)
		return 0;
	if (ns_per_cycle)
		return ns / ns_per_cycle + (ns % ns_per_cycle != 0);
	secs = ns / NSEC_PER_SEC;
	part = (ns % NSEC_PER_SEC * freq + NSEC_PER_SEC - 1) / NSEC_PER_SEC;
	if (secs > (TIME_NEVER - part) / freq)
		return TIME_NEVER;
	return secs * freq + part;
}

/*
 * Exact because cycles_to_ns() is monotonic: every counter value that
 * reads as this deadline or later is past cycles - 1. A deadline in the
 * past is a time already passed, so an event armed for it fires at once.
 */
u64 timer_cycles_deadline_ns(u64 cycles)
{
	if (!cycles)
		return 1;
	return timer_add_ns(timer_cycles_to_ns(cycles - 1), 1);
}

u64 timer_now_ns(void)
{
	return clock ? timer_cycles_to_ns(clock->read()) : 0;
}

void timer_udelay(u64 us)
{
	u64 ns = us > TIME_NEVER / NSEC_PER_USEC ? TIME_NEVER :
						   us * NSEC_PER_USEC;
	u64 end = timer_add_ns(timer_now_ns(), ns);

	while (timer_ready() && timer_now_ns() < end)
		arch_cpu_relax();
}

void timer_cpu_init(struct timer_cpu *tc)
{
	spin_lock_init(&tc->lock);
	list_init(&tc->events);
	tc->programmed = false;
	tc->interrupts = 0;
}

void timer_event_init(struct timer_event *ev, timer_event_fn fn, void *arg)
{
	list_init(&ev->link);
	ev->fn = fn;
	ev->arg = arg;
	ev->deadline_ns = 0;
	ev->cpu = -1;
}

bool timer_event_armed(const struct timer_event *ev)
{
	return READ_ONCE(ev->cpu) >= 0;
}

/* Program the device for the head of this CPU's queue; lock held. */
static void reprogram(struct timer_cpu *tc)
{
	if (!event_dev)
		return;
	if (list_empty(&tc->events)) {
		if (tc->programmed) {
			event_dev->stop();
			tc->programmed = false;
		}
		return;
	}
	struct timer_event *first =
		list_first_entry(&tc->events, struct timer_event, link);

	if (!tc->programmed || tc->programmed_ns != first->deadline_ns) {
		tc->programmed = true;
		tc->programmed_ns = first->deadline_ns;
		event_dev->program(timer_ns_to_cycles(first->deadline_ns));
	}
}

static void insert_sorted(struct timer_cpu *tc, struct timer_event *ev)
{
	struct timer_event *pos;

	list_for_each_entry(pos, &tc->events, link) {
		if (pos->deadline_ns > ev->deadline_ns) {
			list_insert_between(&ev->link, pos->link.prev,
					    &pos->link);
			return;
		}
	}
	list_add_tail(&ev->link, &tc->events);
}

/*
 * After cancel returns, ev's callback is not running anywhere (unless the
 * caller is that callback), so ev's owner may free it.
 */
static void wait_callback_done(struct timer_event *ev)
{
	for (unsigned int c = 0; c < cpus_possible; c++) {
		if (this_cpu() && c == cpu_id())
			continue;
		while (READ_ONCE(cpus[c].timers.running) == ev)
			arch_cpu_relax();
	}
}

/* Off whichever queue holds ev; a callback already running may go on. */
static __always_inline void dequeue(struct timer_event *ev)
{
	for (;;) {
		int cpu = READ_ONCE(ev->cpu);
		unsigned long flags;

		if (cpu < 0)
			return;
		struct timer_cpu *tc = &cpus[cpu].timers;

		spin_lock_irqsave(&tc->lock, flags);
		if (ev->cpu == cpu) {
			list_del(&ev->link);
			ev->cpu = -1;
			if ((unsigned int)cpu == cpu_id())
				reprogram(tc);
			spin_unlock_irqrestore(&tc->lock, flags);
			return;
		}
		/* It moved or fired meanwhile: look again. */
		spin_unlock_irqrestore(&tc->lock, flags);
	}
}

void timer_event_cancel(struct timer_event *ev)
{
	wait_callback_done(ev);
	dequeue(ev);
}

void timer_event_cancel_nowait(struct timer_event *ev)
{
	dequeue(ev);
}

static __always_inline void enqueue_here(struct timer_event *ev,
					 u64 deadline_ns)
{
	unsigned long flags;
	struct timer_cpu *tc;

	flags = arch_irq_save();
	tc = &this_cpu()->timers;
	spin_lock(&tc->lock);
	ev->deadline_ns = deadline_ns;
	ev->cpu = (int)cpu_id();
	insert_sorted(tc, ev);
	reprogram(tc);
	spin_unlock_irqrestore(&tc->lock, flags);
}

void timer_event_arm(struct timer_event *ev, u64 deadline_ns)
{
	timer_event_cancel(ev);
	enqueue_here(ev, deadline_ns);
}

void timer_event_set(struct timer_event *ev, u64 deadline_ns)
{
	if (!deadline_ns) {
		if (timer_event_armed(ev))
			timer_event_cancel(ev);
	} else if (!timer_event_armed(ev) || ev->deadline_ns != deadline_ns) {
		timer_event_arm(ev, deadline_ns);
	}
}

void timer_event_set_nowait(struct timer_event *ev, u64 deadline_ns)
{
	if (!deadline_ns) {
		if (timer_event_armed(ev))
			dequeue(ev);
	} else if (!timer_event_armed(ev) || ev->deadline_ns != deadline_ns) {
		dequeue(ev);
		enqueue_here(ev, deadline_ns);
	}
}

void timer_clockevent_interrupt(void)
{
	struct timer_cpu *tc = &this_cpu()->timers;

	spin_lock(&tc->lock);
	tc->interrupts++;
	tc->programmed = false;
	for (;;) {
		u64 now = timer_now_ns();
		struct timer_event *ev;

		if (list_empty(&tc->events))
			break;
		ev = list_first_entry(&tc->events, struct timer_event, link);
		if (ev->deadline_ns > now)
			break;
		list_del(&ev->link);
		ev->cpu = -1;
		/* Callbacks may arm events on this CPU: drop the lock. */
		tc->running = ev;
		spin_unlock(&tc->lock);
		ev->fn(ev);
		spin_lock(&tc->lock);
		tc->running = NULL;
	}
	if (list_empty(&tc->events) && event_dev)
		event_dev->stop();
	reprogram(tc);
	spin_unlock(&tc->lock);
}
