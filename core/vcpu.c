// SPDX-License-Identifier: GPL-2.0
/*
 * vCPUs: each is a hypervisor thread that enters its guest through the
 * arch and dispatches the exits it gets back. The scheduler shares CPUs
 * between vCPU threads like any others.
 */
#include <keel/bitops.h>
#include <keel/cpu.h>
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/irq.h>
#include <keel/panic.h>
#include <keel/printf.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <arch/barrier.h>
#include <keel/vcpu_prof.h>
#include <keel/vcpu_reentry.h>
#include <arch/irqflags.h>

static const char *const exit_names[VCPU_EXIT_REASONS] = {
	[VCPU_EXIT_NONE] = "handled",
	[VCPU_EXIT_IRQ] = "irq",
	[VCPU_EXIT_MMIO] = "mmio",
	[VCPU_EXIT_WFI] = "wfi",
	[VCPU_EXIT_YIELD] = "yield",
	[VCPU_EXIT_HYPERCALL] = "hypercall",
	[VCPU_EXIT_SYSREG] = "sysreg",
	[VCPU_EXIT_CPU_OFF] = "cpu-off",
	[VCPU_EXIT_SYSTEM_OFF] = "system-off",
	[VCPU_EXIT_SYSTEM_RESET] = "system-reset",
	[VCPU_EXIT_FATAL] = "fatal",
	[VCPU_EXIT_PORT_IO] = "port-io",
};

const char *vcpu_exit_name(enum vcpu_exit_reason r)
{
	return (unsigned int)r < VCPU_EXIT_REASONS && exit_names[r] ?
		       exit_names[r] :
		       "?";
}

static const char *const state_names[] = {
	[VCPU_OFF] = "off",	      [VCPU_RUNNING] = "running",
	[VCPU_WAITING] = "waiting",   [VCPU_PAUSED] = "paused",
	[VCPU_STOPPING] = "stopping",
};

const char *vcpu_state_name(enum vcpu_state s)
{
	return (unsigned int)s < ARRAY_SIZE(state_names) ? state_names[s] : "?";
}

struct vcpu *vcpu_current(void)
{
	struct thread *t = thread_current();

	return t ? t->vcpu : NULL;
}

struct vcpu *vcpu_find_by_hwid(struct guest *g, u64 hwid)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++)
		if (arch_vcpu_hwid(g->vcpus[i]) == hwid)
			return g->vcpus[i];
	return NULL;
}

/* A waiting vCPU may run again (a kick, or an interrupt found pending). */
static inline void end_wait_locked(struct vcpu *v)
{
	if (v->state == VCPU_WAITING)
		v->state = VCPU_RUNNING;
}

static inline void end_wait(struct vcpu *v)
{
	unsigned long flags;

	spin_lock_irqsave(&v->wait.lock, flags);
	end_wait_locked(v);
	spin_unlock_irqrestore(&v->wait.lock, flags);
}

void vcpu_kick(struct vcpu *v)
{
	unsigned long flags;
	bool in_guest_elsewhere;
	unsigned int cpu;

	/*
	 * From its own thread (an exit's handling, or an interrupt taken
	 * while it waits in place): nobody sleeps on its queue and no other
	 * CPU must be made to look. Still RUNNING needs nothing: the thread
	 * looks for pending interrupts after it sets WAITING.
	 */
	if (v->thread == thread_current()) {
		if (READ_ONCE(v->state) == VCPU_WAITING)
			end_wait(v);
		return;
	}
	/* A stopped vCPU's thread lives, ended, until vcpu_destroy(). */
	spin_lock_irqsave(&v->wait.lock, flags);
	end_wait_locked(v);
	waitqueue_wake_all_locked(&v->wait);
	cpu = READ_ONCE(v->thread->cpu);
	in_guest_elsewhere = v->thread->on_cpu && cpu != cpu_id();
	spin_unlock_irqrestore(&v->wait.lock, flags);
	/* Any interrupt makes it exit. */
	if (in_guest_elsewhere)
		ipi_send(cpu, IPI_RESCHEDULE);
}

/*
 * Without this, a target that is ready but never waits (it spins, with
 * interrupts enabled) takes the interrupt only when the sender's slice
 * ends, and a sender spinning for its answer wastes all of it.
 */
void vcpu_ipi_sent(struct vcpu *to)
{
	/* sched_yield_to() refuses the sender itself (a self-IPI). */
	if (READ_ONCE(to->state) == VCPU_RUNNING)
		sched_yield_to(to->thread);
}

void vcpu_interrupt_completed(void)
{
	sched_end_loan();
}

int vcpu_power_on(struct vcpu *v, u64 entry, u64 arg)
{
	unsigned long flags;

	spin_lock_irqsave(&v->wait.lock, flags);
	if (v->state != VCPU_OFF) {
		spin_unlock_irqrestore(&v->wait.lock, flags);
		return -EALREADY;
	}
	/*
	 * Not reset here: a vCPU that has just powered itself off may not
	 * be parked yet, its registers still live on another CPU.
	 */
	v->reset_entry = entry;
	v->reset_arg = arg;
	v->reset_pending = true;
	v->state = VCPU_RUNNING;
	spin_unlock_irqrestore(&v->wait.lock, flags);
	waitqueue_wake_all(&v->wait);
	return 0;
}

void vcpu_power_off(struct vcpu *v)
{
	unsigned long flags;

	spin_lock_irqsave(&v->wait.lock, flags);
	if (v->state == VCPU_RUNNING || v->state == VCPU_WAITING)
		v->state = VCPU_OFF;
	spin_unlock_irqrestore(&v->wait.lock, flags);
}

static void wakeup_timer_fired(struct timer_event *ev)
{
	vcpu_kick(ev->arg);
}

/*
 * Sleep until the vCPU may enter its guest; false when it must stop.
 * While asleep the vCPU is "parked": not in guest mode, all its state in
 * memory.
 */
static bool wait_until_runnable(struct vcpu *v)
{
	unsigned long flags;
	bool run, reset = false;
	u64 entry = 0, arg = 0;

	/* The common case, without the lock: a kick makes it look again. */
	if (likely(vcpu_runnable_now(v)))
		return true;
	spin_lock_irqsave(&v->wait.lock, flags);
	while (v->state != VCPU_RUNNING && v->state != VCPU_STOPPING) {
		/*
		 * Parked means its state may be reset by others: all of it
		 * to memory first, visible before parked is.
		 */
		arch_vcpu_put(v);
		smp_mb();
		v->parked = true;
		waitqueue_sleep_locked(&v->wait, &flags);
	}
	v->parked = false;
	run = v->state == VCPU_RUNNING;
	if (run && v->reset_pending) {
		reset = true;
		entry = v->reset_entry;
		arg = v->reset_arg;
		v->reset_pending = false;
	}
	spin_unlock_irqrestore(&v->wait.lock, flags);
	/* A power-on's (vcpu_power_on): by this thread, loaded or not. */
	if (reset)
		arch_vcpu_reset(v, entry, arg);
	return run;
}

static bool wake_pending(struct vcpu *v)
{
	return guest_irq_pending(v) || arch_vcpu_irq_pending(v);
}

/*
 * A pending interrupt the arch keeps ends a waiting vCPU's wait without a
 * kick, and ends it at once: one seen on the loaded vCPU (arm64's virtual
 * timer) is not seen again once the thread is preempted and the vCPU put.
 */
static inline bool end_wait_on_arch_irq(struct vcpu *v)
{
	if (!arch_vcpu_irq_pending(v))
		return false;
	end_wait(v);
	return true;
}

static bool still_waiting(void *arg)
{
	struct vcpu *v = arg;

	return READ_ONCE(v->state) == VCPU_WAITING && !end_wait_on_arch_irq(v);
}

/*
 * Armed only when the deadline moved, and left armed after a wake that
 * came first: guests wait for the same deadline again and again, and a
 * late kick only ends some later wait early, which WFI allows.
 */
static void arm_wakeup(struct vcpu *v, u64 deadline)
{
	if (deadline)
		timer_event_set(&v->wakeup, deadline);
}

static void wait_for_interrupt(struct vcpu *v)
{
	unsigned long flags;

	spin_lock_irqsave(&v->wait.lock, flags);
	if (v->state == VCPU_RUNNING)
		v->state = VCPU_WAITING;
	spin_unlock_irqrestore(&v->wait.lock, flags);
	/*
	 * One look, once WAITING: an interrupt made pending before was
	 * kicked while the vCPU still looked RUNNING, which woke nobody, and
	 * any later kick finds it WAITING.
	 */
	if (wake_pending(v)) {
		end_wait(v);
		return;
	}
	/*
	 * Alone on its CPU, it waits there, loaded: a wake-up then costs
	 * no switch through the idle thread and back, and the guest's own
	 * timer may wake it (arch_vcpu_timer_wakes_loaded). Another thread
	 * ready here ends that, and it sleeps as usual, put, with the host
	 * timer event armed. The deadline is worked out only when that
	 * event is needed.
	 */
	/* Not put between the look and the wait. */
	flags = arch_irq_save();
	if (sched_others_ready()) {
		/*
		 * It would end at once: sleep, put, as below (arm64 leaves
		 * the host's timer interrupt as the last look set it; the
		 * next load and look set it again).
		 */
		arm_wakeup(v, arch_vcpu_timer_deadline(v));
	} else if (arch_vcpu_timer_wakes_loaded(v)) {
		if (!sched_idle_in_place(still_waiting, v))
			arm_wakeup(v, arch_vcpu_timer_deadline(v));
	} else {
		arm_wakeup(v, arch_vcpu_timer_deadline(v));
		sched_idle_in_place(still_waiting, v);
	}
	arch_irq_restore(flags);
	/* A wait left for another thread may not have looked since. */
	if (READ_ONCE(v->state) == VCPU_WAITING)
		end_wait_on_arch_irq(v);
	wait_until_runnable(v);
}

/*
 * A write that asked to power the guest off or reset it (DEVEMU_POWER_OFF,
 * DEVEMU_RESET): the exit becomes that request, which the vCPU loop
 * carries out once the device's lock is long dropped.
 */
static void take_power_request(struct vcpu *v, struct vcpu_exit *e,
			       struct devemu_instance *dev, int request)
{
	unsigned long flags;

	if (request == DEVEMU_RESET) {
		e->reason = VCPU_EXIT_SYSTEM_RESET;
		return;
	}
	/* Copied under the lock: another vCPU's write may change it. */
	spin_lock_irqsave(&dev->lock, flags);
	strlcpy(v->power_why, dev->power_why, sizeof(v->power_why));
	spin_unlock_irqrestore(&dev->lock, flags);
	e->reason = VCPU_EXIT_SYSTEM_OFF;
	e->why = v->power_why[0] ? v->power_why : NULL;
}

/* Out of line: the common answer stays a tail call. */
static __noinline void mmio_answer_unusual(struct vcpu *v, struct vcpu_exit *e,
					   struct devemu_instance *dev, int err,
					   u64 value)
{
	bool request =
		e->write && (err == DEVEMU_POWER_OFF || err == DEVEMU_RESET);

	if (err > 0 && !request)
		printk(KERN_ERR "guest %s: %s: the %s emulator answered %d "
				"to a %s\n",
		       v->guest->name, dev->name, dev->emu->name, err,
		       e->write ? "write" : "read");
	if (!request) {
		arch_vcpu_inject_abort(v, e);
		return;
	}
	arch_vcpu_mmio_done(v, e, value);
	take_power_request(v, e, dev, err);
}

/* The device's answer to an access to its window r. */
static __always_inline void device_answer(struct vcpu *v, struct vcpu_exit *e,
					  struct region *r)
{
	struct devemu_instance *dev = r->dev;
	unsigned long flags;
	u64 value = 0;
	int err = -EINVAL;

	e->dev = dev;
	spin_lock_irqsave(&dev->lock, flags);
	if (e->write) {
		dev->writes++;
		if (dev->emu->write)
			err = dev->emu->write(dev, e->gpa - dev->base, e->size,
					      e->value);
	} else {
		dev->reads++;
		if (dev->emu->read)
			err = dev->emu->read(dev, e->gpa - dev->base, e->size,
					     &value);
	}
	spin_unlock_irqrestore(&dev->lock, flags);
	if (likely(!err))
		arch_vcpu_mmio_done(v, e, value);
	else
		mmio_answer_unusual(v, e, dev, err, value);
}

void vcpu_mmio_answer(struct vcpu *v, struct vcpu_exit *e)
{
	struct region *r = v->mmio_hint;

	e->answered = true;
	if (!r || e->gpa - r->gpa >= r->size) {
		r = aspace_find(&v->guest->aspace, e->gpa);
		v->mmio_hint = r;
	}
	if (!r || r->type != REGION_EMULATED || !e->size) {
		arch_vcpu_inject_abort(v, e);
		return;
	}
	device_answer(v, e, r);
}

/*
 * A port nobody claims: a PC's bus answers reads with all ones and drops
 * writes; there is no fault to give.
 */
void vcpu_port_answer(struct vcpu *v, struct vcpu_exit *e)
{
	struct region *r = aspace_find(&v->guest->ports, e->gpa);

	e->answered = true;
	if (!r || !e->size) {
		arch_vcpu_mmio_done(v, e, ~0ULL);
		return;
	}
	device_answer(v, e, r);
}

#define EXITS_HANDLED_HERE                                                 \
	(BIT(VCPU_EXIT_MMIO) | BIT(VCPU_EXIT_WFI) | BIT(VCPU_EXIT_YIELD) | \
	 BIT(VCPU_EXIT_CPU_OFF) | BIT(VCPU_EXIT_SYSTEM_OFF) |              \
	 BIT(VCPU_EXIT_SYSTEM_RESET) | BIT(VCPU_EXIT_FATAL) |              \
	 BIT(VCPU_EXIT_PORT_IO))
_Static_assert(VCPU_EXIT_REASONS <= 32, "EXITS_HANDLED_HERE");

/* Handle an exit; an MMIO exit's device, for the profile. */
static struct devemu_instance *handle_exit(struct vcpu *v, struct vcpu_exit *e)
{
	/* Most exits were answered by the arch: a test, not a jump table. */
	if (!((EXITS_HANDLED_HERE >> e->reason) & 1))
		return NULL;
	/* First: a device's answer may turn it into a power request. */
	if (e->reason == VCPU_EXIT_MMIO && !e->answered)
		vcpu_mmio_answer(v, e);
	else if (e->reason == VCPU_EXIT_PORT_IO && !e->answered)
		vcpu_port_answer(v, e);
	switch (e->reason) {
	case VCPU_EXIT_MMIO:
	case VCPU_EXIT_PORT_IO:
		return e->dev;
	case VCPU_EXIT_WFI:
		wait_for_interrupt(v);
		break;
	case VCPU_EXIT_YIELD:
		if (!e->answered)
			thread_yield();
		break;
	case VCPU_EXIT_CPU_OFF:
		vcpu_power_off(v);
		break;
	case VCPU_EXIT_SYSTEM_OFF:
		v->requests->halt(v->guest, e->why ? e->why : "powered off");
		break;
	case VCPU_EXIT_SYSTEM_RESET:
		v->requests->reset(v->guest);
		break;
	case VCPU_EXIT_FATAL:
		printk(KERN_ERR "guest %s: vCPU%u: %s\n", v->guest->name,
		       v->index, e->why ? e->why : "fatal exit");
		v->requests->halt(v->guest, e->why ? e->why : "fatal exit");
		break;
	default:
		break;
	}
	return NULL;
}

void vcpu_switch_in_run(struct vcpu *v, struct vcpu_exit *e)
{
	struct thread *self = v->thread;
	struct vcpu_prof_window window;

	vcpu_prof_exit(&window, e, self);
	if (e->reason == VCPU_EXIT_YIELD) {
		e->answered = true;
		thread_yield();
	} else {
		schedule();
	}
	if (self->switches != window.switches)
		vcpu_prof_off_cpu(&v->stats, vcpu_prof_class_of[e->reason],
				  e->dev, &window, self);
}

static void vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	struct thread *self = thread_current();
	struct vcpu_prof_window window;

	self->vcpu = v;
	vcpu_prof_window_init(&window);
	while (wait_until_runnable(v)) {
		struct vcpu_exit e;

		/*
		 * Interrupts stay masked over the run: once they are
		 * unmasked, the interrupt that ended it is handled, and that
		 * is Keel's time, part of the window the exit opens. The
		 * entry closes the last exit's window (keel/vcpu_prof.h).
		 */
		arch_irq_disable();
		/*
		 * The last exit's time off the CPU, before the run: the run
		 * may switch in the loop, and charges that to its own exit.
		 */
		vcpu_prof_settle(&v->stats, &window, self);
		arch_vcpu_run(v, &e);
		vcpu_prof_charge(&v->stats, &window, e.first_entry_cycles);
		v->stats.run_cycles += e.exit_cycles - e.entry_cycles;
		v->stats.exits[e.reason]++;
		vcpu_prof_exit(&window, &e, self);
		if (e.reason == VCPU_EXIT_IRQ)
			self->irqs_seen = 0;
		arch_irq_enable();
		/* An IRQ exit's interrupts have been handled by now. */
		window.cls = vcpu_prof_classify(&e, self->irqs_seen);
		window.dev = handle_exit(v, &e);
		if (this_cpu()->sched.need_resched)
			schedule();
	}
	/*
	 * The switch away from the ended thread puts v's registers: v and
	 * the thread live until vcpu_destroy() has seen it leave its CPU.
	 */
}

int vcpu_create(struct guest *g, unsigned int index, u64 affinity,
		const struct vcpu_guest_requests *requests, struct vcpu **out)
{
	struct vcpu *v = keel_zalloc(sizeof(*v));
	char name[THREAD_NAME_LEN];
	int err;

	if (!v)
		return -ENOMEM;
	v->guest = g;
	v->index = index;
	v->state = VCPU_OFF;
	v->affinity = affinity;
	v->requests = requests;
	waitqueue_init(&v->wait);
	timer_event_init(&v->wakeup, wakeup_timer_fired, v);
	err = arch_vcpu_init(v);
	if (err) {
		keel_free(v);
		return err;
	}
	snprintf(name, sizeof(name), "%s/vcpu%u", g->name, index);
	v->thread = thread_create(name, vcpu_thread, v, THREAD_PRIO_NORMAL,
				  v->affinity ? v->affinity : CPU_MASK_ALL);
	if (!v->thread) {
		arch_vcpu_destroy(v);
		keel_free(v);
		return -ENOMEM;
	}
	thread_keep_when_ended(v->thread);
	err = thread_start(v->thread);
	if (err) {
		/* A new thread that never ran: nothing else references it. */
		thread_reap(v->thread);
		arch_vcpu_destroy(v);
		keel_free(v);
		return err;
	}
	*out = v;
	return 0;
}

void vcpu_request_stop(struct vcpu *v)
{
	unsigned long flags;

	spin_lock_irqsave(&v->wait.lock, flags);
	v->state = VCPU_STOPPING;
	spin_unlock_irqrestore(&v->wait.lock, flags);
	vcpu_kick(v); /* wakes it too */
}

void vcpu_wait_stopped(struct vcpu *v)
{
	thread_wait_ended(v->thread);
}

void vcpu_destroy(struct vcpu *v)
{
	/* Else it would wait for ever: nothing else ends the thread. */
	if (READ_ONCE(v->state) != VCPU_STOPPING)
		panic("guest %s: vCPU%u destroyed without a stop request",
		      v->guest->name, v->index);
	vcpu_wait_stopped(v);
	timer_event_cancel(&v->wakeup);
	arch_vcpu_destroy(v);
	/* Nothing kicks it any more (include/keel/guest.h). */
	thread_reap(v->thread);
	keel_free(v);
}
