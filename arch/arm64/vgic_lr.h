/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARM64_VGIC_LR_H
#define ARM64_VGIC_LR_H

#include <keel/guest.h>

/* Once, when the first guest with a vGIC is created. */
int arm64_vgic_init(enum vgic_version version);
void arm64_vgic_vcpu_init(struct vcpu *v);
void arm64_vgic_vcpu_destroy(struct vcpu *v);
/* Load the list registers before entry; read them back after exit. */
void arm64_vgic_flush(struct vcpu *v);
void arm64_vgic_sync(struct vcpu *v);
/*
 * A trapped system-register access (ESR ISS); true when it was a GIC
 * register Keel emulates (reg: the value written, or where a read goes).
 */
bool arm64_vgic_sysreg(struct vcpu *v, u32 iss, u64 *reg);

/* The guest's virtual timer condition holds (its PPI is raised). */
bool arm64_vtimer_expired(struct vcpu *v);
/* The same for the emulated EL1 physical timer. */
bool arm64_ptimer_expired(struct vcpu *v);
/*
 * When the virtual (physical false) or physical timer's condition will
 * hold, in host ns: 0 when it never will (off, masked, or too far ahead
 * to represent), now or earlier when it holds already.
 */
u64 arm64_timer_deadline(struct vcpu *v, bool physical);

#endif
