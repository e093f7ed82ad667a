/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vCPU exit profile (core/vcpu_prof.c): which exits a guest takes and
 * how long Keel spends on each class, from the counter reads the arch
 * takes around its world switch (struct vcpu_exit's entry_cycles and
 * exit_cycles). The time from one exit to the next entry is charged to
 * the class of that exit when the next entry comes; in between, the
 * window remembers the exit. Per exit this costs a few loads, stores and
 * adds; the cycles become ns only when printed, and the scheduler's
 * figures (in ns) are read only when the thread was switched out.
 */
#ifndef KEEL_VCPU_PROF_H
#define KEEL_VCPU_PROF_H

#include <keel/devemu.h>
#include <keel/guest.h>
#include <keel/sched.h>

/* The last exit of a vCPU, until its next entry. */
struct vcpu_prof_window {
	u64 exit_cycles;
	enum vcpu_prof_class cls; /* VCPU_PROF_CLASSES: no exit yet */
	struct devemu_instance *dev; /* MMIO to this device */
	/* The thread's scheduler accounting at the exit. */
	u64 switches;
	u64 runtime_ns;
	u64 switch_in_ns;
	u64 halted_cycles;
};

/*
 * An exit's class: by its reason alone, from a table, at most exits; an
 * IRQ exit by irqs_seen, the IRQ_FLAG_* of the host interrupts handled
 * after it (struct thread's irqs_seen), a VCPU_EXIT_NONE by whether it
 * was a stage-2 fault.
 */
extern const u8 vcpu_prof_class_of[VCPU_EXIT_REASONS];
enum vcpu_prof_class vcpu_prof_classify_slow(const struct vcpu_exit *e,
					     unsigned int irqs_seen);

static inline enum vcpu_prof_class vcpu_prof_classify(const struct vcpu_exit *e,
						      unsigned int irqs_seen)
{
	unsigned int c = (unsigned int)e->reason < VCPU_EXIT_REASONS ?
				 vcpu_prof_class_of[e->reason] :
				 VCPU_PROF_OTHER;

	return c < VCPU_PROF_CLASSES ? (enum vcpu_prof_class)c :
				       vcpu_prof_classify_slow(e, irqs_seen);
}

static inline void vcpu_prof_window_init(struct vcpu_prof_window *w)
{
	w->cls = VCPU_PROF_CLASSES;
	w->dev = NULL;
}

/*
 * Open the window of exit e on thread t, right after the run (before
 * anything could switch t out). Its class and device are the caller's
 * to fill in (cls, dev) before the next entry.
 */
static inline void vcpu_prof_exit(struct vcpu_prof_window *w,
				  const struct vcpu_exit *e,
				  const struct thread *t)
{
	w->exit_cycles = e->exit_cycles;
	w->cls = VCPU_PROF_OTHER;
	w->dev = NULL;
	w->switches = t->switches;
	w->runtime_ns = t->runtime_ns;
	w->switch_in_ns = t->last_switch_in_ns;
	w->halted_cycles = t->halted_cycles;
}

/*
 * The time thread t spent switched out or waiting in place since window
 * w opened (or was last settled), added to w's class in s as off-CPU
 * time (and to its device's); w then counts from now. Done before the
 * run that closes w, with interrupts masked: the run itself may switch
 * the thread (vcpu_switch_in_run), and charges that to its own exit.
 */
void vcpu_prof_settle_slow(struct vcpu_stats *s, struct vcpu_prof_window *w,
			   const struct thread *t);
/*
 * The time thread t spent switched out since window w opened, added to
 * class cls of s as off-CPU time (and to dev's).
 */
void vcpu_prof_off_cpu(struct vcpu_stats *s, unsigned int cls,
		       struct devemu_instance *dev,
		       const struct vcpu_prof_window *w,
		       const struct thread *t);

/* An exit's Keel cycles to its class, and to its device if MMIO. */
static inline void vcpu_prof_stat_add(struct vcpu_prof_stat *st,
				      struct devemu_instance *dev, u64 cycles)
{
	st->exits++;
	st->cycles += cycles;
	/* Other vCPUs charge the same device, without its lock. */
	if (dev)
		__atomic_fetch_add(&dev->prof_cycles, cycles, __ATOMIC_RELAXED);
}

/* Inline for the common window: the thread was not switched out or halted. */
static inline void vcpu_prof_settle(struct vcpu_stats *s,
				    struct vcpu_prof_window *w,
				    const struct thread *t)
{
	if (w->cls < VCPU_PROF_CLASSES &&
	    (t->switches != w->switches ||
	     t->halted_cycles != w->halted_cycles))
		vcpu_prof_settle_slow(s, w, t);
}

/*
 * The vCPU entered its guest again at entry_cycles: charge the window
 * (settled before the run) to its class in s and to its device. Nothing
 * for a window never opened.
 */
static inline void vcpu_prof_charge(struct vcpu_stats *s,
				    const struct vcpu_prof_window *w,
				    u64 entry_cycles)
{
	if (w->cls >= VCPU_PROF_CLASSES)
		return;
	vcpu_prof_stat_add(&s->prof[w->cls], w->dev,
			   entry_cycles - w->exit_cycles);
}

#endif
