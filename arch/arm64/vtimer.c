// SPDX-License-Identifier: GPL-2.0
/*
 * A guest's EL1 timers (Arm ARM D11, the generic timer). The virtual
 * timer's registers are the CPU's while the guest runs (switched with the
 * other EL1 registers, vcpu.c); the physical timer's are emulated per vCPU
 * (sysreg_emul.c) and never run in the CPU. Neither interrupts the host:
 * the virtual timer's physical PPI stays off at the host, and before every
 * entry each timer's condition becomes the level of its PPI in the
 * guest's interrupt model (keel/vgic.h), while a host timer event at the
 * earlier deadline makes a running guest exit when one comes due.
 */
#include <keel/guest.h>
#include <keel/timer.h>
#include <keel/vgic.h>
#include "vtimer.h"

/* The timers' PPIs as INTIDs (the guest's /timer node, guest_fdt.c). */
#define VTIMER_PPI 27
#define PTIMER_PPI 30

#define CNT_CTL_ENABLE (1ULL << 0)
#define CNT_CTL_IMASK (1ULL << 1)

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

static void timer_fired(struct timer_event *ev)
{
	vcpu_kick(ev->arg);
}

void arm64_vtimer_vcpu_init(struct vcpu *v)
{
	timer_event_init(&v->arch.timer_event, timer_fired, v);
}

void arm64_vtimer_vcpu_destroy(struct vcpu *v)
{
	timer_event_cancel(&v->arch.timer_event);
}

/*
 * Before each entry. The levels and the host event depend only on the
 * two timers' registers and on the count; while the registers are what
 * the last look saw and the count has not reached the earliest deadline
 * then pending, the same look would change nothing (most exits).
 */
void arm64_vtimer_flush(struct vcpu *v)
{
	struct vgic *vg = v->arch.vgic;
	struct arm64_vtimer_seen *seen = &v->arch.vtimer_seen;
	const struct arm64_el1_state *s = &v->arch.el1;
	bool vlevel, plevel;
	u64 deadline;

	/* Without a GIC the timers have nowhere to interrupt. */
	if (!vg)
		return;
	if (seen->valid && seen->vctl == s->cntv_ctl &&
	    seen->vcval == s->cntv_cval && seen->pctl == v->arch.ptimer.ctl &&
	    seen->pcval == v->arch.ptimer.cval &&
	    timer_read_cycles() < seen->until)
		return;
	vlevel = vtimer_expired(v);
	plevel = ptimer_expired(v);
	/* A timer whose level is raised needs no event. */
	deadline = earlier(vlevel ? 0 : timer_deadline(v, false),
			   plevel ? 0 : timer_deadline(v, true));
	vgic_set_private_line(vg, v, VTIMER_PPI, vlevel);
	vgic_set_private_line(vg, v, PTIMER_PPI, plevel);
	if (deadline) {
		if (!timer_event_armed(&v->arch.timer_event) ||
		    v->arch.timer_event.deadline_ns != deadline)
			timer_event_arm(&v->arch.timer_event, deadline);
	} else if (timer_event_armed(&v->arch.timer_event)) {
		timer_event_cancel(&v->arch.timer_event);
	}
	seen->valid = true;
	seen->vctl = s->cntv_ctl;
	seen->vcval = s->cntv_cval;
	seen->pctl = v->arch.ptimer.ctl;
	seen->pcval = v->arch.ptimer.cval;
	seen->until = next_change(v, vlevel, plevel);
}
