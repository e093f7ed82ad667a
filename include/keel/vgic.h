/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The virtual GICv3 model (emulators/irqchip/vgic-v3.c): the guest's
 * distributor and redistributors as an emulator (compatible "arm,gic-v3"),
 * and the interrupt state behind them. The CPU interface itself is the
 * hardware's: the arch glue (arch/arm64/vgic_lr.c) moves interrupts
 * between this model and the list registers around every guest entry.
 *
 * Interrupt numbers are GIC INTIDs: SGIs 0-15 and PPIs 16-31 are banked per
 * vCPU, SPIs from 32 are shared and routed by GICD_IROUTER.
 */
#ifndef KEEL_VGIC_H
#define KEEL_VGIC_H

#include <keel/types.h>

struct guest;
struct vcpu;
struct vgic;

/* One list register's worth of interrupt, in arch-neutral form. */
struct vgic_lr {
	u32 intid;
	u8 priority;
	bool pending;
	bool active;
	bool group1;
	/* Level-sensitive: ask for a maintenance exit when EOIed. */
	bool eoi_notify;
};

/* The guest's model, or NULL when its machine has no GICv3. */
struct vgic *vgic_of(struct guest *g);

/*
 * Before entering vCPU v: hand up to max interrupts to the list registers,
 * active ones first, then pending by priority (lower value first). Those
 * handed out belong to the LRs until vgic_sync_lrs(). *more is set when
 * pending interrupts were left out (the arch then asks for an underflow
 * maintenance exit). Returns the number filled.
 */
unsigned int vgic_fill_lrs(struct vgic *vg, struct vcpu *v, struct vgic_lr *lrs,
			   unsigned int max, bool *more);
/*
 * After the guest exits: the LRs' states as the guest left them (an
 * interrupt neither pending nor active was completed). Level-sensitive
 * interrupts whose line is still high become pending again.
 */
void vgic_sync_lrs(struct vgic *vg, struct vcpu *v, const struct vgic_lr *lrs,
		   unsigned int n);
/*
 * The guest wrote ICC_SGI1R_EL1 on vCPU src: the register value as
 * written (TargetList, Aff1-3, INTID, IRM).
 */
void vgic_sgi1r_write(struct vgic *vg, struct vcpu *src, u64 value);
/* Drive a vCPU's private (PPI) line, e.g. its virtual timer. */
void vgic_set_private_line(struct vgic *vg, struct vcpu *v, u32 intid,
			   bool level);
/* Something deliverable is pending for v (WFI must not sleep). */
bool vgic_vcpu_has_pending(struct vgic *vg, struct vcpu *v);

#endif
