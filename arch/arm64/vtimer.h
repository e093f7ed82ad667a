/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A guest's generic timers (vtimer.c): the EL1 virtual timer, which runs
 * in the CPU while the guest does, and the emulated EL1 physical timer
 * (registers in sysreg_emul.c), as interrupt lines of the guest's GIC.
 */
#ifndef ARM64_VTIMER_H
#define ARM64_VTIMER_H

#include <keel/guest.h>

void arm64_vtimer_vcpu_init(struct vcpu *v);
void arm64_vtimer_vcpu_destroy(struct vcpu *v);
/*
 * Before every entry: both timers' outputs as levels of their PPIs in
 * the interrupt model, and a host event at the earlier deadline of those
 * not yet raised, so that a running guest exits when one is due.
 */
void arm64_vtimer_flush(struct vcpu *v);
/* The vCPU is loaded on this CPU (vcpu.c). */
void arm64_vtimer_load(struct vcpu *v);

#endif
