/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time and timer events (core/timer.c). Keel is tickless: each CPU
 * programs its clock-event device for the earliest pending event only, so
 * an idle CPU with nothing pending takes no timer interrupts at all.
 */
#ifndef KEEL_TIMER_H
#define KEEL_TIMER_H

#include <keel/list.h>
#include <keel/spinlock.h>
#include <keel/types.h>

struct clocksource {
	const char *name;
	u64 (*read)(void); /* free-running, monotonic counter */
	u64 freq_hz;
};

struct clockevent {
	const char *name;
	/* Interrupt this CPU when the counter reaches deadline. */
	void (*program)(u64 deadline_cycles);
	/* No interrupt on this CPU until the next program(). */
	void (*stop)(void);
};

struct timer_event;
typedef void (*timer_event_fn)(struct timer_event *ev);

struct timer_event {
	struct list_head link;
	u64 deadline_ns;
	timer_event_fn fn; /* runs in interrupt context on the armed CPU */
	void *arg;
	int cpu; /* -1 when not armed */
};

/* Per-CPU queue, embedded in struct cpu. */
struct timer_cpu {
	spinlock_t lock;
	struct list_head events; /* sorted by deadline */
	u64 programmed_ns; /* deadline given to the device */
	bool programmed; /* the device holds programmed_ns */
	struct timer_event *volatile running; /* callback in progress */
	u64 interrupts;
};

/*
 * The end of time. Conversions and sums of times saturate here instead of
 * wrapping, so a deadline too far away to be represented stays in the
 * future: an event armed for TIME_NEVER never fires.
 */
#define TIME_NEVER (~0ULL)

/* t + d, or TIME_NEVER if that does not fit in 64 bits. */
static inline u64 timer_add_ns(u64 t, u64 d)
{
	return d > TIME_NEVER - t ? TIME_NEVER : t + d;
}

int clocksource_register(const struct clocksource *cs);
int clockevent_register(const struct clockevent *ce);
bool timer_ready(void);

u64 timer_now_ns(void);
/* Both saturate to TIME_NEVER; 0 before a clock is registered. */
u64 timer_cycles_to_ns(u64 cycles);
u64 timer_ns_to_cycles(u64 ns);
/*
 * The first time in ns at which the counter has reached the absolute value
 * `cycles`, for a timer event that must not fire early: never 0, at or
 * before now if the counter is already there, TIME_NEVER if it lies beyond
 * 64-bit ns (a compare value decades or centuries ahead).
 */
u64 timer_cycles_deadline_ns(u64 cycles);

/*
 * For emulated counters of their own rate hz (at most 4 GHz): the whole
 * ticks in ns, rounded down, and the first ns at which a count reaches
 * ticks, rounded up; seconds and remainder apart, so nothing overflows
 * before the result would.
 */
static inline u64 ns_to_ticks_at(u64 ns, u64 hz)
{
	return ns / NSEC_PER_SEC * hz + ns % NSEC_PER_SEC * hz / NSEC_PER_SEC;
}

static inline u64 ticks_to_ns_at(u64 ticks, u64 hz)
{
	return ticks / hz * NSEC_PER_SEC +
	       (ticks % hz * NSEC_PER_SEC + hz - 1) / hz;
}
u64 timer_counter_freq(void);
u64 timer_read_cycles(void);

void timer_cpu_init(struct timer_cpu *tc);
void timer_event_init(struct timer_event *ev, timer_event_fn fn, void *arg);
/* Arm (or re-arm) ev on the calling CPU for an absolute time. */
void timer_event_arm(struct timer_event *ev, u64 deadline_ns);
/*
 * Disarm ev wherever it is armed; harmless when not armed. It also waits
 * for ev's callback to finish on any other CPU, so that ev may be freed.
 */
void timer_event_cancel(struct timer_event *ev);
/*
 * ev armed for deadline_ns, or not at all for 0, doing only what changed:
 * callers that set the same deadline again and again (a guest's timer at
 * every entry) then neither re-queue nor reprogram the device.
 */
void timer_event_set(struct timer_event *ev, u64 deadline_ns);
/*
 * The same two for a caller that holds a lock its callback takes (an
 * emulator under its device's lock): they do not wait for a callback
 * running on another CPU, which would be waiting for that lock, so that
 * callback may still run once; it finds the state the caller left under
 * the lock. Before freeing ev, drop the lock and timer_event_cancel().
 */
void timer_event_cancel_nowait(struct timer_event *ev);
void timer_event_set_nowait(struct timer_event *ev, u64 deadline_ns);
bool timer_event_armed(const struct timer_event *ev);

/* The clock-event driver calls this from its interrupt on each CPU. */
void timer_clockevent_interrupt(void);

/* Busy-wait (only for early boot and device quirks). */
void timer_udelay(u64 us);

#endif
