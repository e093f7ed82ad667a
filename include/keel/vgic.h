/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtual GIC: one interrupt model (emulators/irqchip/vgic-model.c)
 * behind two register front ends, GICv3 (vgic-v3.c, compatible
 * "arm,gic-v3": distributor and redistributors) and GICv2 (vgic-v2.c,
 * "arm,cortex-a15-gic": distributor; the CPU interface is the host's GICV
 * frame mapped into the guest). The CPU interface itself is the
 * hardware's: the arch glue (arch/arm64/vgic_lr.c) moves interrupts
 * between the model and the list registers around every guest entry.
 *
 * Interrupt numbers are GIC INTIDs: SGIs 0-15 and PPIs 16-31 are banked per
 * vCPU, SPIs from 32 are shared and routed by GICD_IROUTER (v3) or
 * GICD_ITARGETSR (v2).
 */
#ifndef KEEL_VGIC_H
#define KEEL_VGIC_H

#include <keel/types.h>

struct guest;
struct vcpu;
struct vgic;

enum vgic_version {
	VGIC_V2 = 2,
	VGIC_V3 = 3,
};

/* One list register's worth of interrupt, in arch-neutral form. */
struct vgic_lr {
	u32 intid;
	u8 priority;
	bool pending;
	bool active;
	bool group1;
	/* Level-sensitive: ask for a maintenance exit when EOIed. */
	bool eoi_notify;
	/* GICv2 SGIs: the vCPU that sent it (GICV_IAR.CPUID); else 0. */
	u8 source;
};

/*
 * The most list registers Keel uses: a GICv3 has at most 16 (ICH_LR0_EL2
 * to ICH_LR15_EL2); a GICv2's beyond 16 stay unused.
 */
#define VGIC_MAX_LRS 16

/* The guest's model, or NULL when its machine has no GIC. */
struct vgic *vgic_of(struct guest *g);
/* Which architecture version the guest's GIC is. */
enum vgic_version vgic_version_of(const struct vgic *vg);

/*
 * Before entering vCPU v: hand up to max interrupts to the list registers,
 * active ones first, then pending by priority (lower value first). Those
 * handed out belong to the LRs until vgic_sync_lrs(). *more is set when
 * pending interrupts were left out (the arch then asks for an underflow
 * maintenance exit). Returns the number filled; max above VGIC_MAX_LRS
 * counts as VGIC_MAX_LRS.
 */
unsigned int vgic_fill_lrs(struct vgic *vg, struct vcpu *v, struct vgic_lr *lrs,
			   unsigned int max, bool *more);
/*
 * Without the lock, and without a call at every entry: v is quiet when
 * vgic_fill_lrs() would find nothing for it, because its last fill found
 * nothing and the model has not changed since. A change made
 * concurrently kicks v, so entering on a stale "quiet" only delays the
 * interrupt to the exit the kick causes. The probe is set once per vCPU
 * (-EINVAL when v has no place in the model).
 */
struct vgic_quiet_probe {
	const volatile u64 *quiet_gen; /* the vCPU's */
	const volatile u64 *gen; /* the model's */
};

int vgic_quiet_probe_init(struct vgic *vg, struct vcpu *v,
			  struct vgic_quiet_probe *p);

static inline bool vgic_quiet(const struct vgic_quiet_probe *p)
{
	return *p->quiet_gen == *p->gen;
}
/*
 * After the guest exits: the LRs' states as the guest left them (an
 * interrupt neither pending nor active was completed). Level-sensitive
 * interrupts whose line is still high become pending again.
 */
void vgic_sync_lrs(struct vgic *vg, struct vcpu *v, const struct vgic_lr *lrs,
		   unsigned int n);
/*
 * SGI generation, GICv3: vCPU src wrote ICC_SGI1R_EL1 (the register value
 * as written: TargetList, Aff1-3, INTID, IRM, RS). The model latches the
 * SGI at every target; ignored for a GICv2 guest.
 */
void vgic_generate_sgi(struct vgic *vg, struct vcpu *src, u64 sgi1r);
/*
 * Drive a vCPU's private (PPI) line, e.g. its virtual timer: from v's own
 * thread, out of its guest, which fills its LRs before its next entry (v
 * is not kicked).
 */
void vgic_set_private_line(struct vgic *vg, struct vcpu *v, u32 intid,
			   bool level);
/*
 * The same, at v's entry with its LRs empty (between the exit's sync and
 * the next fill): when raising the line leaves that interrupt the only
 * one v has to be given (no other private one of interest, no SPI of
 * interest to any vCPU), it is handed out into *lr now, as the fill
 * would have done, and true says the caller loads it as v's only LR and
 * skips the fill. Otherwise false, and the fill finds it as usual.
 */
bool vgic_set_private_line_to_lr(struct vgic *vg, struct vcpu *v, u32 intid,
				 bool level, struct vgic_lr *lr);
/* Something deliverable is pending for v (WFI must not sleep). */
bool vgic_vcpu_has_pending(struct vgic *vg, struct vcpu *v);

#endif
