// SPDX-License-Identifier: GPL-2.0
/*
 * The vCPU exit profile (keel/vcpu_prof.h): classes of exits and the
 * host counter cycles Keel spent between each exit and the next entry.
 */
#include <keel/devemu.h>
#include <keel/irq.h>
#include <keel/vcpu_prof.h>

static const char *const class_names[VCPU_PROF_CLASSES] = {
	[VCPU_PROF_HYPERCALL] = "hypercall",
	[VCPU_PROF_SYSREG] = "sysreg",
	[VCPU_PROF_MMIO] = "mmio",
	[VCPU_PROF_STAGE2] = "stage2-fault",
	[VCPU_PROF_WFI] = "wfi",
	[VCPU_PROF_YIELD] = "yield",
	[VCPU_PROF_IRQ_TIMER] = "irq-timer",
	[VCPU_PROF_IRQ_IPI] = "irq-ipi",
	[VCPU_PROF_IRQ_OTHER] = "irq-other",
	[VCPU_PROF_OTHER] = "other",
};

const char *vcpu_prof_class_name(enum vcpu_prof_class c)
{
	return (unsigned int)c < VCPU_PROF_CLASSES ? class_names[c] : "?";
}

/* VCPU_PROF_CLASSES: the reason alone does not say (vcpu_prof.h). */
const u8 vcpu_prof_class_of[VCPU_EXIT_REASONS] = {
	[VCPU_EXIT_NONE] = VCPU_PROF_CLASSES,
	[VCPU_EXIT_IRQ] = VCPU_PROF_CLASSES,
	[VCPU_EXIT_MMIO] = VCPU_PROF_MMIO,
	[VCPU_EXIT_PORT_IO] = VCPU_PROF_MMIO,
	[VCPU_EXIT_WFI] = VCPU_PROF_WFI,
	[VCPU_EXIT_YIELD] = VCPU_PROF_YIELD,
	[VCPU_EXIT_HYPERCALL] = VCPU_PROF_HYPERCALL,
	[VCPU_EXIT_SYSREG] = VCPU_PROF_SYSREG,
	/* PSCI CPU_OFF, SBI HSM stop, and the system calls */
	[VCPU_EXIT_CPU_OFF] = VCPU_PROF_HYPERCALL,
	[VCPU_EXIT_SYSTEM_OFF] = VCPU_PROF_HYPERCALL,
	[VCPU_EXIT_SYSTEM_RESET] = VCPU_PROF_HYPERCALL,
	[VCPU_EXIT_FATAL] = VCPU_PROF_OTHER,
};

enum vcpu_prof_class vcpu_prof_classify_slow(const struct vcpu_exit *e,
					     unsigned int irqs_seen)
{
	if (e->reason == VCPU_EXIT_IRQ) {
		/* The timer first: an IPI that came with it is the rarer. */
		if (irqs_seen & IRQ_FLAG_TIMER)
			return VCPU_PROF_IRQ_TIMER;
		if (irqs_seen & IRQ_FLAG_IPI)
			return VCPU_PROF_IRQ_IPI;
		return VCPU_PROF_IRQ_OTHER;
	}
	if (e->reason == VCPU_EXIT_NONE && e->stage2_fault)
		return VCPU_PROF_STAGE2;
	return VCPU_PROF_OTHER;
}

/*
 * How much of the window the thread spent switched out, in ns. Its run
 * time up to a moment it runs at is runtime_ns + (now - last_switch_in_ns);
 * the difference of that at the entry and at the exit is what it ran in
 * the window, and the window less that leaves (last_switch_in_ns at the
 * entry - at the exit) - (runtime_ns at the entry - at the exit): no
 * conversion of the counter needed.
 */
static u64 off_cpu_ns(const struct vcpu_prof_window *w, const struct thread *t)
{
	u64 between = t->last_switch_in_ns - w->switch_in_ns;
	u64 ran = t->runtime_ns - w->runtime_ns;

	return between > ran ? between - ran : 0;
}

void vcpu_prof_off_cpu(struct vcpu_stats *s, unsigned int cls,
		       struct devemu_instance *dev,
		       const struct vcpu_prof_window *w, const struct thread *t)
{
	u64 off = off_cpu_ns(w, t);

	s->prof[cls].off_cpu_ns += off;
	if (dev && off)
		__atomic_fetch_add(&dev->prof_off_cpu_ns, off,
				   __ATOMIC_RELAXED);
}

void vcpu_prof_settle_slow(struct vcpu_stats *s, struct vcpu_prof_window *w,
			   const struct thread *t)
{
	struct vcpu_prof_stat *st = &s->prof[w->cls];

	/* Only a thread switched in again can have been switched out. */
	if (t->switches != w->switches)
		vcpu_prof_off_cpu(s, w->cls, w->dev, w, t);
	/* Waiting in place (a WFI alone on its CPU) is not Keel's time. */
	if (t->halted_cycles != w->halted_cycles) {
		u64 off =
			timer_cycles_to_ns(t->halted_cycles - w->halted_cycles);

		st->off_cpu_ns += off;
		if (w->dev)
			__atomic_fetch_add(&w->dev->prof_off_cpu_ns, off,
					   __ATOMIC_RELAXED);
	}
	w->switches = t->switches;
	w->runtime_ns = t->runtime_ns;
	w->switch_in_ns = t->last_switch_in_ns;
	w->halted_cycles = t->halted_cycles;
}
