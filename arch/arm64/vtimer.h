/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's generic timers (vtimer.c): the EL1 virtual timer, which runs
 * in the CPU while the guest does, and the emulated EL1 physical timer
 * (registers in sysreg_emul.c), as interrupt lines of the guest's GIC.
 */
#ifndef ARM64_VTIMER_H
#define ARM64_VTIMER_H

#include <keel/guest.h>
#include <asm/sysreg.h>

void arm64_vtimer_vcpu_init(struct vcpu *v);
void arm64_vtimer_vcpu_destroy(struct vcpu *v);
/*
 * Before every entry: both timers' outputs as levels of their PPIs in
 * the interrupt model, and a host event at the earlier deadline of those
 * not yet raised, so that a running guest exits when one is due.
 */
void arm64_vtimer_look(struct vcpu *v);

/*
 * Inline, before each entry. The levels and the host event depend only
 * on the two timers' registers and on the count; while the registers are
 * what the last look saw and the count has not reached the earliest
 * deadline then pending, the same look would change nothing (most
 * exits). The physical timer's emulation clears valid when written;
 * without a GIC nothing is ever valid.
 */
static inline void arm64_vtimer_flush(struct vcpu *v)
{
	const struct arm64_vtimer_seen *seen = &v->arch.vtimer_seen;
	const struct arm64_el1_state *s = &v->arch.el1;

	if (seen->valid && seen->vctl == s->cntv_ctl &&
	    seen->vcval == s->cntv_cval &&
	    read_sysreg(cntpct_el0) < seen->until)
		return;
	arm64_vtimer_look(v);
}
/* The vCPU is loaded on this CPU (vcpu.c). */
void arm64_vtimer_load(struct vcpu *v);

#endif
