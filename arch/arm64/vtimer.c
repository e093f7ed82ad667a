// SPDX-License-Identifier: GPL-2.0
/*
 * A guest's EL1 timers (Arm ARM D11, the generic timer). The virtual
 * timer's registers are the CPU's while the vCPU is loaded (vcpu.c); the
 * physical timer's are emulated per vCPU (sysreg_emul.c) and never run
 * in the CPU. Before an entry each timer's condition becomes the level of
 * its PPI in the guest's interrupt model (keel/vgic.h), and a host timer
 * event at the earlier deadline makes a running guest exit when one
 * comes due. The guest writes its virtual timer without trapping, so a
 * deadline it sets and then spins on is seen by no look of Keel's: the
 * host's own interrupt for the virtual timer (the host timer node's
 * third) is enabled, makes the guest exit when the condition holds, and
 * is then kept disabled on that CPU until a look finds the condition
 * gone, so that it does not fire again while Keel runs.
 */
#include <keel/cpu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <keel/timer.h>
#include <keel/vgic.h>
#include <asm/sysreg.h>
#include "vgic_lr.h"
#include "vtimer.h"

/* The host timer node's "interrupts": secure, non-secure, virtual, hyp. */
#define HOST_VTIMER_INDEX 2

/* The host's interrupt for the virtual timer, once registered; else -1. */
static int host_irq = -1;
/* Disabled on that CPU by its handler, until a look finds no condition. */
static bool host_irq_off[CONFIG_MAX_CPUS];

/*
 * It makes a running guest exit (a look follows the exit) and wakes a vCPU
 * that waits in place, loaded (arch_vcpu_timer_wakes_loaded).
 */
static void host_vtimer_interrupt(unsigned int irq, void *arg)
{
	struct vcpu *v = vcpu_current();

	irq_disable(irq);
	host_irq_off[cpu_id()] = true;
	if (v)
		vcpu_kick(v);
}

/* Once, with the first vCPU: a host without it keeps exit-time looks only. */
static void host_irq_init(void)
{
	static bool tried;
	struct devtree_node *node;
	unsigned int irq;
	int err;

	if (tried)
		return;
	tried = true;
	node = devtree_find_compatible(devtree_host_root(), NULL,
				       "arm,armv8-timer");
	if (!node)
		node = devtree_find_compatible(devtree_host_root(), NULL,
					       "arm,armv7-timer");
	err = node ? devtree_irq_get(node, HOST_VTIMER_INDEX, &irq) : -ENODEV;
	if (!err)
		err = irq_register(irq, host_vtimer_interrupt, NULL, "vtimer",
				   IRQ_FLAG_PERCPU);
	if (err) {
		printk(KERN_WARN "vtimer: no host interrupt for guests' "
				 "virtual timers (%d): a spinning guest's "
				 "deadline is seen at its next exit\n",
		       err);
		return;
	}
	host_irq = (int)irq;
}

static __noinline void host_irq_set_off(unsigned int cpu, bool off)
{
	if (off)
		irq_disable((unsigned int)host_irq);
	else
		irq_enable((unsigned int)host_irq);
	host_irq_off[cpu] = off;
}

/* The host's interrupt on this CPU: quiet while the level is raised. */
static inline void host_irq_follow(bool vlevel)
{
	unsigned int cpu = cpu_id();

	if (host_irq >= 0 && vlevel != host_irq_off[cpu])
		host_irq_set_off(cpu, vlevel);
}

/* The timers' PPIs as INTIDs (the guest's /timer node, guest_fdt.c). */
#define VTIMER_PPI 27
#define PTIMER_PPI 30

/* ENABLE set, IMASK clear: the timer will raise its interrupt. */
static bool timer_armed(u64 ctl)
{
	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE;
}

/* A timer's condition: armed, CVAL reached (physical count). */
static bool timer_fires(u64 ctl, u64 cval_phys)
{
	return timer_armed(ctl) && cval_phys <= timer_read_cycles();
}

static bool vtimer_expired(struct vcpu *v)
{
	const struct arm64_el1_state *s = &v->arch.el1;

	/* CVAL + CNTVOFF may wrap: then the deadline is beyond the counter. */
	if (s->cntv_cval > ~0ULL - v->guest->arch.cntvoff)
		return false;
	return timer_fires(s->cntv_ctl, s->cntv_cval + v->guest->arch.cntvoff);
}

static bool ptimer_expired(struct vcpu *v)
{
	return timer_fires(v->arch.ptimer.ctl, v->arch.ptimer.cval);
}

/*
 * Host ns at which the counter reaches cval_phys, or 0 for "never": core
 * saturates a deadline beyond 64-bit ns to TIME_NEVER instead of wrapping
 * it into the past (which would re-arm on every entry and stall the vCPU).
 */
static u64 cycles_deadline_ns(u64 cval_phys)
{
	u64 deadline = timer_cycles_deadline_ns(cval_phys);

	return deadline == TIME_NEVER ? 0 : deadline;
}

/*
 * When the virtual (physical false) or physical timer's condition will
 * hold, in host ns: 0 when it never will (off, masked, or too far ahead
 * to represent), now or earlier when it holds already.
 */
static u64 timer_deadline(struct vcpu *v, bool physical)
{
	const struct arm64_el1_state *s = &v->arch.el1;
	u64 cntvoff = v->guest->arch.cntvoff;

	if (physical)
		return timer_armed(v->arch.ptimer.ctl) ?
			       cycles_deadline_ns(v->arch.ptimer.cval) :
			       0;
	if (!timer_armed(s->cntv_ctl) || s->cntv_cval > ~0ULL - cntvoff)
		return 0;
	return cycles_deadline_ns(s->cntv_cval + cntvoff);
}

/*
 * The count at which a level not raised now would rise (~0: never while
 * the registers stay as they are; a raised level stays raised).
 */
static u64 next_change(struct vcpu *v, bool vlevel, bool plevel)
{
	const struct arm64_el1_state *s = &v->arch.el1;
	u64 cntvoff = v->guest->arch.cntvoff, until = ~0ULL;

	if (!vlevel && timer_armed(s->cntv_ctl) &&
	    s->cntv_cval <= ~0ULL - cntvoff)
		until = s->cntv_cval + cntvoff;
	if (!plevel && timer_armed(v->arch.ptimer.ctl) &&
	    v->arch.ptimer.cval < until)
		until = v->arch.ptimer.cval;
	return until;
}

/* The earlier of two deadlines, 0 standing for "never". */
static u64 earlier(u64 a, u64 b)
{
	if (!a || !b)
		return a | b;
	return a < b ? a : b;
}

u64 arch_vcpu_timer_deadline(struct vcpu *v)
{
	return earlier(timer_deadline(v, false), timer_deadline(v, true));
}

/*
 * The virtual timer's registers are the CPU's while v is loaded, so its
 * deadline raises the host's interrupt, once that is enabled again: a
 * level seen raised at the last look but since lowered by the guest (the
 * handler that ran before this wait) is looked at now. The physical
 * timer is emulated: the event of the last look (arm64_vtimer_flush,
 * before the entry that ended in this wait) is armed for its deadline.
 */
bool arch_vcpu_timer_wakes_loaded(struct vcpu *v)
{
	if (host_irq < 0 || !v->arch.vgic || !v->arch.loaded)
		return false;
	if (host_irq_off[cpu_id()] && !vtimer_expired(v)) {
		host_irq_follow(false);
		v->arch.vtimer_seen.valid = false;
	}
	return !host_irq_off[cpu_id()];
}

/*
 * The timers reach the guest through the vGIC, at the next look; the one
 * thing of its own is the loaded virtual timer's condition, live in the
 * CPU. A vCPU waiting in place finds its deadline here when the CPU's
 * wait ends, before interrupts are unmasked, and the host's interrupt is
 * quieted then: the wake costs no interrupt dispatch and no kick.
 */
bool arch_vcpu_irq_pending(struct vcpu *v)
{
	unsigned long flags;
	bool due = false;
	u64 ctl;

	/* Only v's thread loads v: not loaded now, not loaded until it is. */
	if (!v->arch.loaded || host_irq < 0 || !v->arch.vgic)
		return false;
	/* Loaded means loaded on this CPU: not moved in between. */
	flags = arch_irq_save();
	if (v->arch.loaded) {
		ctl = read_sysreg(cntv_ctl_el0);
		due = timer_armed(ctl) && (ctl & CNT_CTL_ISTATUS);
		if (due)
			host_irq_follow(true);
	}
	arch_irq_restore(flags);
	return due;
}

static void timer_fired(struct timer_event *ev)
{
	vcpu_kick(ev->arg);
}

void arm64_vtimer_load(struct vcpu *v)
{
	/* The host's interrupt on this CPU follows this vCPU's level now. */
	if (v->arch.vtimer_seen.valid)
		host_irq_follow(v->arch.vtimer_seen.vlevel);
}

void arm64_vtimer_vcpu_init(struct vcpu *v)
{
	host_irq_init();
	timer_event_init(&v->arch.timer_event, timer_fired, v);
}

void arm64_vtimer_vcpu_destroy(struct vcpu *v)
{
	timer_event_cancel(&v->arch.timer_event);
}

/* Both timers' levels into the vGIC, and the host event for the next. */
void arm64_vtimer_look(struct vcpu *v)
{
	struct vgic *vg = v->arch.vgic;
	struct arm64_vtimer_seen *seen = &v->arch.vtimer_seen;
	const struct arm64_el1_state *s = &v->arch.el1;
	bool vlevel, plevel;
	u64 deadline;

	/* Without a GIC the timers have nowhere to interrupt. */
	if (!vg)
		return;
	vlevel = vtimer_expired(v);
	plevel = ptimer_expired(v);
	/* A timer whose level is raised needs no event. */
	deadline = earlier(vlevel ? 0 : timer_deadline(v, false),
			   plevel ? 0 : timer_deadline(v, true));
	/*
	 * Not cached here: a device the guest's tree wires to one of these
	 * PPIs drives the same line (vgic_set_line); the model tests an
	 * unchanged level without its lock.
	 */
	arm64_vgic_set_own_line(v, VTIMER_PPI, vlevel);
	arm64_vgic_set_own_line(v, PTIMER_PPI, plevel);
	host_irq_follow(vlevel);
	timer_event_set(&v->arch.timer_event, deadline);
	seen->valid = true;
	seen->vlevel = vlevel;
	seen->vctl = s->cntv_ctl;
	seen->vcval = s->cntv_cval;
	seen->until = next_change(v, vlevel, plevel);
}
