/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Going back into the guest from inside arch_vcpu_run(), after an exit
 * answered without sleeping or switching (a firmware call, a
 * system-register trap, an access to a device Keel emulates), instead of
 * returning to the vCPU thread's loop in core/vcpu.c: that loop's
 * accounting, its unmasking of interrupts and its checks cost as much as
 * the answer itself. After each exit the arch asks
 * vcpu_answer_for_reentry(), and at the next entry counts the exit with
 * vcpu_prof_reentry() exactly as core would have. A yield, and a thread
 * the answer woke (need_resched), switch right there, without leaving
 * the loop (vcpu_switch_in_run()): the switch to another vCPU and back
 * then skips core's loop at both ends. (A wait for an interrupt does not:
 * done here it made the timer's wake-up dearer, 656 to 752 instructions
 * on arm64, and the IPI no cheaper.) What else wants the vCPU sends the
 * run back to core: a change of the vCPU's state (pause, stop, a power-on
 * reset), and a host interrupt the arch sees pending (every kick from
 * another CPU is one). Interrupts stay masked throughout, as they are
 * under the device's lock in any case, and across the switch.
 */
#ifndef KEEL_VCPU_REENTRY_H
#define KEEL_VCPU_REENTRY_H

#include <keel/cpu.h>
#include <keel/devemu.h>
#include <keel/guest.h>
#include <keel/sched.h>
#include <keel/vcpu_prof.h>

/*
 * An MMIO exit: the device's answer (or the guest's fault), its register
 * written and its pc moved on; e->answered and e->dev say so to core and
 * to the profile. Core calls it too, for the exits the arch returns. A
 * write the device answers with DEVEMU_POWER_OFF or DEVEMU_RESET turns
 * the exit into VCPU_EXIT_SYSTEM_OFF (why: the device's power_why) or
 * VCPU_EXIT_SYSTEM_RESET.
 */
void vcpu_mmio_answer(struct vcpu *v, struct vcpu_exit *e);
/* The same for a port exit; a port nobody claims reads as all ones. */
void vcpu_port_answer(struct vcpu *v, struct vcpu_exit *e);

/*
 * The vCPU may enter its guest as it is: running, no reset to do first.
 * Read without the lock; a change comes with a kick that makes it look
 * again (core/vcpu.c's wait_until_runnable()).
 */
static inline bool vcpu_runnable_now(const struct vcpu *v)
{
	return READ_ONCE(v->state) == VCPU_RUNNING &&
	       !READ_ONCE(v->reset_pending);
}

/*
 * Give the CPU away from inside the run: exit e was a yield, which it
 * then answers (e->answered), or the scheduler wants the CPU for a thread
 * woken meanwhile. The time the vCPU then spends switched out is charged
 * as off-CPU time to the exit's class, as core's window does.
 */
void vcpu_switch_in_run(struct vcpu *v, struct vcpu_exit *e);

/*
 * Exits answered once arch_vcpu_run() has them, or by vcpu_mmio_answer(),
 * and the yield (vcpu_switch_in_run()).
 */
#define VCPU_EXITS_REENTERABLE                                    \
	((1U << VCPU_EXIT_HYPERCALL) | (1U << VCPU_EXIT_SYSREG) | \
	 (1U << VCPU_EXIT_MMIO) | (1U << VCPU_EXIT_PORT_IO) |     \
	 (1U << VCPU_EXIT_YIELD))

/*
 * Answer exit e if it is of a kind that allows going straight back in,
 * switching to another thread first when the CPU is wanted, and say
 * whether core lets the vCPU go in (the arch adds its look at pending
 * host interrupts). An MMIO exit or a yield answered here and still sent
 * back to core is not answered twice (e->answered).
 */
static inline bool vcpu_answer_for_reentry(struct vcpu *v, struct vcpu_exit *e)
{
	if (!((VCPU_EXITS_REENTERABLE >> e->reason) & 1))
		return false;
	/* A device's power request is core's to carry out. */
	if (e->reason == VCPU_EXIT_MMIO) {
		vcpu_mmio_answer(v, e);
		if (e->reason != VCPU_EXIT_MMIO)
			return false;
	} else if (e->reason == VCPU_EXIT_PORT_IO) {
		vcpu_port_answer(v, e);
		if (e->reason != VCPU_EXIT_PORT_IO)
			return false;
	}
	if (unlikely(e->reason == VCPU_EXIT_YIELD ||
		     this_cpu()->sched.need_resched))
		vcpu_switch_in_run(v, e);
	return vcpu_runnable_now(v);
}

/*
 * Before going back in, what of the last exit the next one may leave in
 * place: an MMIO exit writes gpa, size and write (and value when it
 * writes) before anyone reads them, and why goes with FATAL and a
 * device's power-off only, which never come back in. Cheaper than
 * vcpu_exit_clear() on this path.
 */
static inline void vcpu_exit_clear_for_reentry(struct vcpu_exit *e)
{
	e->reason = VCPU_EXIT_NONE;
	e->answered = false;
	e->dev = NULL;
	e->stage2_fault = false;
}

/*
 * Exit e, which the arch went back in from, ended at the entry at
 * entry_cycles: its guest time, its count and Keel's time for it, in the
 * class core would have given it, and to its device (keel/vcpu_prof.h).
 */
static inline void vcpu_prof_reentry(struct vcpu_stats *s,
				     const struct vcpu_exit *e,
				     u64 entry_cycles)
{
	s->run_cycles += e->exit_cycles - e->entry_cycles;
	s->exits[e->reason]++;
	vcpu_prof_stat_add(&s->prof[vcpu_prof_class_of[e->reason]], e->dev,
			   entry_cycles - e->exit_cycles);
}

/*
 * The arch is about to enter the guest, at host counter entry: after an
 * exit it answered (again), that exit is counted and cleared; the run's
 * first entry closes core's window instead (first_entry_cycles).
 */
static inline void vcpu_exit_entering(struct vcpu *v, struct vcpu_exit *e,
				      u64 entry, bool again)
{
	if (again) {
		vcpu_prof_reentry(&v->stats, e, entry);
		vcpu_exit_clear_for_reentry(e);
	} else {
		e->first_entry_cycles = entry;
	}
	e->entry_cycles = entry;
}

#endif
