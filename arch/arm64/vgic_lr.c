// SPDX-License-Identifier: GPL-2.0
/*
 * The GICv3 virtual CPU interface: around every guest entry, interrupts
 * move between the arch-neutral vGIC model and the ICH_LR list registers,
 * and the guest's virtual timer is turned into its PPI. The guest's own
 * ICC_* accesses go to the hardware's virtual interface untrapped, except
 * SGI generation, which reaches Keel as a system-register trap.
 */
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printk.h>
#include <keel/irq.h>
#include <keel/timer.h>
#include <keel/vgic.h>
#include <asm/sysreg.h>
#include "vgic_lr.h"

#define ICH_HCR_EL2 S3_4_C12_C11_0
#define ICH_VTR_EL2 S3_4_C12_C11_1
#define ICH_VMCR_EL2 S3_4_C12_C11_7
#define ICH_AP0R0_EL2 S3_4_C12_C8_0
#define ICH_AP1R0_EL2 S3_4_C12_C9_0

#define ICH_HCR_EN (1ULL << 0)
#define ICH_HCR_UIE (1ULL << 1)

#define LR_STATE_PENDING (1ULL << 62)
#define LR_STATE_ACTIVE (1ULL << 63)
#define LR_GROUP1 (1ULL << 60)
#define LR_EOI (1ULL << 41)
#define LR_PRIORITY_SHIFT 48

#define VTIMER_PPI 27
#define MAINTENANCE_PPI 25

static unsigned int nr_lrs;

/* The list registers are sixteen distinct system registers. */
#define LR_CASE(n, crm, op2)                                         \
	case n:                                                      \
		if (write)                                           \
			write_sysreg(S3_4_C12_##crm##_##op2, value); \
		else                                                 \
			value = read_sysreg(S3_4_C12_##crm##_##op2); \
		break

static u64 lr_access(unsigned int n, bool write, u64 value)
{
	switch (n) {
		LR_CASE(0, C12, 0);
		LR_CASE(1, C12, 1);
		LR_CASE(2, C12, 2);
		LR_CASE(3, C12, 3);
		LR_CASE(4, C12, 4);
		LR_CASE(5, C12, 5);
		LR_CASE(6, C12, 6);
		LR_CASE(7, C12, 7);
		LR_CASE(8, C13, 0);
		LR_CASE(9, C13, 1);
		LR_CASE(10, C13, 2);
		LR_CASE(11, C13, 3);
		LR_CASE(12, C13, 4);
		LR_CASE(13, C13, 5);
		LR_CASE(14, C13, 6);
		LR_CASE(15, C13, 7);
	default:
		break;
	}
	return value;
}

/* The maintenance interrupt only has to make the guest exit. */
static void maintenance_interrupt(unsigned int irq, void *arg)
{
	write_sysreg(ICH_HCR_EL2, 0);
}

int arm64_vgic_init(void)
{
	static bool done;
	int err;

	if (done)
		return 0;
	/* ID_AA64PFR0_EL1.GIC: the GICv3 system-register interface exists. */
	if (!((read_sysreg(id_aa64pfr0_el1) >> 24) & 0xf) ||
	    !(read_sysreg(ICC_SRE_EL2) & 1)) {
		printk(KERN_ERR "vgic: the host has no GICv3 CPU interface\n");
		return -ENODEV;
	}
	nr_lrs = (read_sysreg(ICH_VTR_EL2) & 0x1f) + 1;
	if (nr_lrs > VGIC_MAX_LRS)
		nr_lrs = VGIC_MAX_LRS;
	err = irq_register(MAINTENANCE_PPI, maintenance_interrupt, NULL,
			   "vgic-maint", IRQ_FLAG_PERCPU);
	if (err && err != -EBUSY)
		return err;
	done = true;
	return 0;
}

static void vtimer_fired(struct timer_event *ev)
{
	vcpu_kick(ev->arg);
}

void arm64_vgic_vcpu_init(struct vcpu *v)
{
	timer_event_init(&v->arch.vtimer_event, vtimer_fired, v);
}

void arm64_vgic_vcpu_destroy(struct vcpu *v)
{
	timer_event_cancel(&v->arch.vtimer_event);
}

/*
 * The virtual timer's output as a level for the vGIC. Its physical PPI
 * stays off at the host: while the guest runs, a host timer event at the
 * deadline forces an exit, and the level is recomputed before every entry.
 */
static void sync_vtimer(struct vgic *vg, struct vcpu *v)
{
	bool level = arm64_vtimer_expired(v);
	u64 deadline = level ? 0 : arch_vcpu_timer_deadline(v);

	vgic_set_private_line(vg, v, VTIMER_PPI, level);
	if (deadline) {
		if (!timer_event_armed(&v->arch.vtimer_event) ||
		    v->arch.vtimer_event.deadline_ns != deadline)
			timer_event_arm(&v->arch.vtimer_event, deadline);
	} else {
		timer_event_cancel(&v->arch.vtimer_event);
	}
}

void arm64_vgic_flush(struct vcpu *v)
{
	struct vgic *vg = vgic_of(v->guest);
	struct vgic_lr lrs[VGIC_MAX_LRS];
	struct arch_vcpu *a = &v->arch;
	bool more = false;
	unsigned int n;

	a->lrs_used = 0;
	if (!vg)
		return;
	sync_vtimer(vg, v);
	n = vgic_fill_lrs(vg, v, lrs, nr_lrs, &more);
	for (unsigned int i = 0; i < nr_lrs; i++) {
		u64 lr = 0;

		if (i < n) {
			lr = lrs[i].intid |
			     ((u64)lrs[i].priority << LR_PRIORITY_SHIFT) |
			     (lrs[i].group1 ? LR_GROUP1 : 0) |
			     (lrs[i].pending ? LR_STATE_PENDING : 0) |
			     (lrs[i].active ? LR_STATE_ACTIVE : 0) |
			     (lrs[i].eoi_notify ? LR_EOI : 0);
			a->lr_intid[i] = lrs[i].intid;
			a->lr_meta[i] = lrs[i];
		}
		lr_access(i, true, lr);
	}
	a->lrs_used = n;
	write_sysreg(ICH_VMCR_EL2, a->vmcr);
	write_sysreg(ICH_AP0R0_EL2, a->ap0r0);
	write_sysreg(ICH_AP1R0_EL2, a->ap1r0);
	write_sysreg(ICH_HCR_EL2, ICH_HCR_EN | (more ? ICH_HCR_UIE : 0));
}

void arm64_vgic_sync(struct vcpu *v)
{
	struct vgic *vg = vgic_of(v->guest);
	struct vgic_lr lrs[VGIC_MAX_LRS];
	struct arch_vcpu *a = &v->arch;

	if (!vg)
		return;
	a->vmcr = read_sysreg(ICH_VMCR_EL2);
	a->ap0r0 = read_sysreg(ICH_AP0R0_EL2);
	a->ap1r0 = read_sysreg(ICH_AP1R0_EL2);
	write_sysreg(ICH_HCR_EL2, 0);
	for (unsigned int i = 0; i < a->lrs_used; i++) {
		u64 lr = lr_access(i, false, 0);

		lrs[i] = a->lr_meta[i];
		lrs[i].pending = lr & LR_STATE_PENDING;
		lrs[i].active = lr & LR_STATE_ACTIVE;
		lr_access(i, true, 0);
	}
	vgic_sync_lrs(vg, v, lrs, a->lrs_used);
	a->lrs_used = 0;
}

/* ICC_SGI1R_EL1 is op0 3, op1 0, CRn 12, CRm 11, op2 5. */
bool arm64_vgic_sysreg(struct vcpu *v, u32 iss, u64 *reg)
{
	struct vgic *vg = vgic_of(v->guest);
	u32 op0 = (iss >> 20) & 3, op2 = (iss >> 17) & 7, op1 = (iss >> 14) & 7;
	u32 crn = (iss >> 10) & 0xf, crm = (iss >> 1) & 0xf;
	bool read = iss & 1;

	if (!vg || op0 != 3 || op1 != 0 || crn != 12 || crm != 11 || op2 != 5)
		return false;
	if (read)
		*reg = 0; /* write-only: reads as zero */
	else
		vgic_sgi1r_write(vg, v, *reg);
	return true;
}
