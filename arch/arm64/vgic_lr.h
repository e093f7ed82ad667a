/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARM64_VGIC_LR_H
#define ARM64_VGIC_LR_H

#include <keel/cpu.h>
#include <keel/guest.h>
#include <keel/vgic.h>
#include "esr.h"

/*
 * A new vCPU: when its guest has a GIC, the host's list registers must be
 * of the same kind (set up when the first such guest is created).
 */
int arm64_vgic_vcpu_init(struct vcpu *v);
/* The interface on this CPU is on without an underflow request. */
extern bool arm64_vgic_idle_on[CONFIG_MAX_CPUS];
void arm64_vgic_flush_slow(struct vcpu *v);

/*
 * Load the list registers before entry (arm64_vgic_sync reads them back
 * after the exit). Inline: nothing changed for this vCPU since a fill
 * found nothing, and the interface is on, at most exits.
 */
void arm64_vgic_refill(struct vcpu *v);
static inline void arm64_vgic_flush(struct vcpu *v)
{
	if (!v->arch.vgic)
		return;
	/*
	 * LRs in use here were filled at this entry with a timer's PPI
	 * (arm64_vgic_set_own_line): enough while the model is unchanged.
	 */
	if (v->arch.lrs_used) {
		if (*v->arch.vgic_probe.gen != v->arch.handed_gen)
			arm64_vgic_refill(v);
		return;
	}
	if (vgic_quiet(&v->arch.vgic_probe) && arm64_vgic_idle_on[cpu_id()])
		return;
	arm64_vgic_flush_slow(v);
}
/*
 * The vCPU's own private line (its timers, vtimer.c), at its entry before
 * arm64_vgic_flush(): a raise that leaves it the only interrupt to give
 * goes straight into LR 0 (vgic_set_private_line_to_lr), without the
 * fill's scan.
 */
void arm64_vgic_set_own_line(struct vcpu *v, u32 intid, bool level);
/* The virtual interface's state into the CPU when the vCPU is loaded, and back. */
void arm64_vgic_load(struct vcpu *v);
void arm64_vgic_put(struct vcpu *v);
void arm64_vgic_sync(struct vcpu *v);
/*
 * A trapped system-register access (decoded from the ESR's ISS); true
 * when it was a GIC register Keel emulates (reg: the value written, or
 * where a read goes).
 */
bool arm64_vgic_sysreg(struct vcpu *v, const struct esr_sysreg *access,
		       u64 *reg);

#endif
