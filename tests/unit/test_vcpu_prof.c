// SPDX-License-Identifier: GPL-2.0
/*
 * core/vcpu_prof.c: which class each exit falls in (host interrupts by
 * what was handled), and what a window charges: its cycles to the class
 * of the exit that opened it and to that exit's device, the time the
 * thread was switched out in between apart, nothing before a first exit.
 */
#include "unit.h"
#include <string.h>

#include <keel/devemu.h>
#include <keel/irq.h>
#include <keel/vcpu_prof.h>

/* The 62.5 MHz counter of arm64's QEMU virt: 16 ns a cycle. */
u64 timer_cycles_to_ns(u64 cycles)
{
	return cycles * 16;
}

static struct vcpu_exit exit_of(enum vcpu_exit_reason r)
{
	struct vcpu_exit e;

	memset(&e, 0, sizeof(e));
	e.reason = r;
	return e;
}

UNIT_TEST(classes_of_exits)
{
	struct vcpu_exit e = exit_of(VCPU_EXIT_HYPERCALL);

	CHECK_EQ(vcpu_prof_classify(&e, 0), VCPU_PROF_HYPERCALL);
	e = exit_of(VCPU_EXIT_CPU_OFF);
	CHECK_EQ(vcpu_prof_classify(&e, 0), VCPU_PROF_HYPERCALL);
	e = exit_of(VCPU_EXIT_SYSTEM_RESET);
	CHECK_EQ(vcpu_prof_classify(&e, 0), VCPU_PROF_HYPERCALL);
	e = exit_of(VCPU_EXIT_SYSREG);
	CHECK_EQ(vcpu_prof_classify(&e, 0), VCPU_PROF_SYSREG);
	e = exit_of(VCPU_EXIT_MMIO);
	CHECK_EQ(vcpu_prof_classify(&e, 0), VCPU_PROF_MMIO);
	e = exit_of(VCPU_EXIT_WFI);
	CHECK_EQ(vcpu_prof_classify(&e, 0), VCPU_PROF_WFI);
	e = exit_of(VCPU_EXIT_YIELD);
	CHECK_EQ(vcpu_prof_classify(&e, 0), VCPU_PROF_YIELD);
	e = exit_of(VCPU_EXIT_NONE);
	CHECK_EQ(vcpu_prof_classify(&e, 0), VCPU_PROF_OTHER);
	e.stage2_fault = true;
	CHECK_EQ(vcpu_prof_classify(&e, 0), VCPU_PROF_STAGE2);
	e = exit_of(VCPU_EXIT_FATAL);
	CHECK_EQ(vcpu_prof_classify(&e, 0), VCPU_PROF_OTHER);
	/* Host interrupts by what the handlers were: the timer first. */
	e = exit_of(VCPU_EXIT_IRQ);
	CHECK_EQ(vcpu_prof_classify(&e, IRQ_FLAG_PERCPU | IRQ_FLAG_TIMER),
		 VCPU_PROF_IRQ_TIMER);
	CHECK_EQ(vcpu_prof_classify(&e, IRQ_FLAG_IPI | IRQ_FLAG_TIMER),
		 VCPU_PROF_IRQ_TIMER);
	CHECK_EQ(vcpu_prof_classify(&e, IRQ_FLAG_PERCPU | IRQ_FLAG_IPI),
		 VCPU_PROF_IRQ_IPI);
	CHECK_EQ(vcpu_prof_classify(&e, 0), VCPU_PROF_IRQ_OTHER);
	/* Flags of interrupts mean nothing for other exits. */
	e = exit_of(VCPU_EXIT_MMIO);
	CHECK_EQ(vcpu_prof_classify(&e, IRQ_FLAG_TIMER), VCPU_PROF_MMIO);
	CHECK(!strcmp(vcpu_prof_class_name(VCPU_PROF_IRQ_IPI), "irq-ipi"));
	CHECK(!strcmp(vcpu_prof_class_name(VCPU_PROF_CLASSES), "?"));
}

UNIT_TEST(nothing_charged_before_a_first_exit)
{
	struct vcpu_stats s;
	struct vcpu_prof_window w;
	struct thread t;

	memset(&s, 0, sizeof(s));
	memset(&t, 0, sizeof(t));
	vcpu_prof_window_init(&w);
	vcpu_prof_settle(&s, &w, &t);
	vcpu_prof_charge(&s, &w, 1000);
	for (unsigned int c = 0; c < VCPU_PROF_CLASSES; c++)
		CHECK(!s.prof[c].exits && !s.prof[c].cycles);
}

UNIT_TEST(window_charged_to_its_class_and_device)
{
	struct vcpu_stats s;
	struct vcpu_prof_window w;
	struct devemu_instance dev;
	struct thread t;
	struct vcpu_exit e = exit_of(VCPU_EXIT_MMIO);

	memset(&s, 0, sizeof(s));
	memset(&t, 0, sizeof(t));
	memset(&dev, 0, sizeof(dev));
	t.switches = 3;
	t.runtime_ns = 5000;
	t.last_switch_in_ns = 100;
	e.exit_cycles = 1000;
	vcpu_prof_exit(&w, &e, &t);
	w.cls = VCPU_PROF_MMIO;
	w.dev = &dev;
	vcpu_prof_settle(&s, &w, &t);
	vcpu_prof_charge(&s, &w, 1040);
	CHECK_EQ(s.prof[VCPU_PROF_MMIO].exits, 1);
	CHECK_EQ(s.prof[VCPU_PROF_MMIO].cycles, 40);
	CHECK_EQ(s.prof[VCPU_PROF_MMIO].off_cpu_ns, 0);
	CHECK_EQ(dev.prof_cycles, 40);
	/* A second window of another class leaves the first alone. */
	e = exit_of(VCPU_EXIT_HYPERCALL);
	e.exit_cycles = 2000;
	vcpu_prof_exit(&w, &e, &t);
	w.cls = VCPU_PROF_HYPERCALL;
	vcpu_prof_settle(&s, &w, &t);
	vcpu_prof_charge(&s, &w, 2010);
	CHECK_EQ(s.prof[VCPU_PROF_HYPERCALL].cycles, 10);
	CHECK_EQ(s.prof[VCPU_PROF_MMIO].exits, 1);
	CHECK_EQ(dev.prof_cycles, 40);
	/* A new window starts with no class or device of its own. */
	vcpu_prof_exit(&w, &e, &t);
	CHECK_EQ(w.cls, VCPU_PROF_OTHER);
	CHECK(!w.dev);
}

/*
 * The thread exits at cycle 1000 (16,000 ns with a 62.5 MHz counter),
 * having run since 10,000 ns with 5,000 ns before; switched out at 20,000
 * ns, in again at 50,000 ns, enters the guest at cycle 4000 (64,000 ns):
 * of the window's 48,000 ns it ran 4,000 + 14,000, so 30,000 ns were
 * someone else's. Only the scheduler's figures tell: no counter
 * conversion is needed for it.
 */
UNIT_TEST(switched_out_time_kept_apart)
{
	struct vcpu_stats s;
	struct vcpu_prof_window w;
	struct devemu_instance dev;
	struct thread t;
	struct vcpu_exit e = exit_of(VCPU_EXIT_WFI);

	memset(&s, 0, sizeof(s));
	memset(&t, 0, sizeof(t));
	memset(&dev, 0, sizeof(dev));
	t.switches = 7;
	t.runtime_ns = 5000;
	t.last_switch_in_ns = 10000;
	e.exit_cycles = 1000;
	vcpu_prof_exit(&w, &e, &t);
	w.cls = VCPU_PROF_WFI;
	w.dev = &dev;
	/* What the scheduler does at the switch out and back in. */
	t.runtime_ns += 20000 - 10000;
	t.last_switch_in_ns = 50000;
	t.switches++;
	vcpu_prof_settle(&s, &w, &t);
	vcpu_prof_charge(&s, &w, 4000);
	CHECK_EQ(s.prof[VCPU_PROF_WFI].exits, 1);
	CHECK_EQ(s.prof[VCPU_PROF_WFI].cycles, 3000);
	CHECK_EQ(s.prof[VCPU_PROF_WFI].off_cpu_ns, 30000);
	CHECK_EQ(dev.prof_off_cpu_ns, 30000);
	/* Without a switch the scheduler's figures are not even read. */
	t.runtime_ns = 0;
	e.exit_cycles = 5000;
	vcpu_prof_exit(&w, &e, &t);
	t.runtime_ns = 1;
	w.cls = VCPU_PROF_WFI;
	vcpu_prof_settle(&s, &w, &t);
	vcpu_prof_charge(&s, &w, 5100);
	CHECK_EQ(s.prof[VCPU_PROF_WFI].off_cpu_ns, 30000);
	CHECK_EQ(s.prof[VCPU_PROF_WFI].cycles, 3100);
}

/*
 * A wait in place (sched_idle_in_place) switches nothing: the thread's
 * halted cycles tell, converted to ns, and they are off CPU too.
 */
UNIT_TEST(waiting_in_place_kept_apart)
{
	struct vcpu_stats s;
	struct vcpu_prof_window w;
	struct thread t;
	struct vcpu_exit e = exit_of(VCPU_EXIT_WFI);

	memset(&s, 0, sizeof(s));
	memset(&t, 0, sizeof(t));
	t.halted_cycles = 50;
	e.exit_cycles = 1000;
	vcpu_prof_exit(&w, &e, &t);
	w.cls = VCPU_PROF_WFI;
	t.halted_cycles += 900;
	vcpu_prof_settle(&s, &w, &t);
	vcpu_prof_charge(&s, &w, 2000);
	CHECK_EQ(s.prof[VCPU_PROF_WFI].exits, 1);
	CHECK_EQ(s.prof[VCPU_PROF_WFI].cycles, 1000);
	CHECK_EQ(s.prof[VCPU_PROF_WFI].off_cpu_ns, 900 * 16);
	/* Both: switched out, then waited in place after the switch in. */
	t.runtime_ns = 5000;
	t.last_switch_in_ns = 10000;
	e.exit_cycles = 3000;
	vcpu_prof_exit(&w, &e, &t);
	w.cls = VCPU_PROF_WFI;
	t.runtime_ns += 2000;
	t.last_switch_in_ns = 20000;
	t.switches++;
	t.halted_cycles += 100;
	vcpu_prof_settle(&s, &w, &t);
	vcpu_prof_charge(&s, &w, 5000);
	CHECK_EQ(s.prof[VCPU_PROF_WFI].off_cpu_ns, 900 * 16 + 8000 + 100 * 16);
}

/*
 * A window settled before the run (core's vCPU loop) is not charged
 * again for a switch that the run makes itself (vcpu_switch_in_run,
 * which charges its own exit): the charge after the run counts cycles
 * only.
 */
UNIT_TEST(switch_inside_the_run_not_charged_twice)
{
	struct vcpu_stats s;
	struct vcpu_prof_window w;
	struct thread t;
	struct vcpu_exit e = exit_of(VCPU_EXIT_IRQ);

	memset(&s, 0, sizeof(s));
	memset(&t, 0, sizeof(t));
	t.switches = 1;
	t.runtime_ns = 1000;
	t.last_switch_in_ns = 0;
	e.exit_cycles = 1000;
	vcpu_prof_exit(&w, &e, &t);
	w.cls = VCPU_PROF_IRQ_TIMER;
	/* Switched out before the run: 4,000 ns of someone else's. */
	t.runtime_ns += 2000;
	t.last_switch_in_ns = 6000;
	t.switches++;
	vcpu_prof_settle(&s, &w, &t);
	CHECK_EQ(s.prof[VCPU_PROF_IRQ_TIMER].off_cpu_ns, 4000);
	/* In the run, a yield switches again: the yield's, not this one's. */
	t.runtime_ns += 500;
	t.last_switch_in_ns = 20000;
	t.switches++;
	vcpu_prof_charge(&s, &w, 2000);
	CHECK_EQ(s.prof[VCPU_PROF_IRQ_TIMER].cycles, 1000);
	CHECK_EQ(s.prof[VCPU_PROF_IRQ_TIMER].exits, 1);
	CHECK_EQ(s.prof[VCPU_PROF_IRQ_TIMER].off_cpu_ns, 4000);
}

UNIT_MAIN();
