// SPDX-License-Identifier: GPL-2.0
/*
 * The GIC virtual CPU interface: around every guest entry, interrupts
 * move between the arch-neutral vGIC model and the hardware's list
 * registers (the timers' lines reach the model from vtimer.c first). Two
 * kinds of hardware hold the list registers: a GICv3 CPU interface
 * (ICH_* system registers), for guests with a GICv3, and a GICv2's
 * virtual interface control block (GICH, memory-mapped), for guests with
 * a GICv2, whose CPU interface is the GICV frame mapped into them. With
 * a GICv3 the guest's ICC_* accesses reach the virtual interface
 * untrapped, except SGI generation, which is a system-register trap
 * handed to the model. This file calls the interrupt model only
 * (keel/vgic.h), never a register front end.
 */
#include <keel/cpu.h>
#include <keel/errno.h>
#include <keel/gic.h>
#include <keel/guest.h>
#include <keel/io.h>
#include <keel/printk.h>
#include <keel/irq.h>
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

#define MAINTENANCE_PPI 25

/* GICv2 virtual interface control (GICH), banked per CPU */
#define GICH_HCR 0x000
#define GICH_VTR 0x004
#define GICH_VMCR 0x008
#define GICH_APR 0x0f0
#define GICH_LR0 0x100

#define GICH_LR_VIRTUALID_MASK 0x3ffU
#define GICH_LR_CPUID_SHIFT 10
#define GICH_LR_EOI (1U << 19)
#define GICH_LR_PRIORITY_SHIFT 23 /* the top five bits of eight */
#define GICH_LR_PENDING (1U << 28)
#define GICH_LR_ACTIVE (1U << 29)
#define GICH_LR_GROUP1 (1U << 30)

/* How one kind of hardware holds list registers and the interface state. */
struct lr_hw {
	enum vgic_version version;
	u64 (*encode)(const struct vgic_lr *lr);
	bool (*pending)(u64 lr);
	bool (*active)(u64 lr);
	u64 (*lr_access)(unsigned int n, bool write, u64 value);
	/* The interface's state (VMCR, active priorities) in and out. */
	void (*load)(const struct arch_vcpu *a);
	void (*save)(struct arch_vcpu *a);
	/* ICH_HCR / GICH_HCR: on or off, maintenance when LRs run empty. */
	void (*control)(bool on, bool underflow);
};

static const struct lr_hw *hw;
static unsigned int nr_lrs;
/*
 * The interface on this CPU is on without an underflow request: what a
 * quiet entry needs, so that it does not write the control register.
 */
bool arm64_vgic_idle_on[CONFIG_MAX_CPUS];

static void set_control(bool on, bool underflow)
{
	hw->control(on, underflow);
	arm64_vgic_idle_on[cpu_id()] = on && !underflow;
}
static char *gich;

/* The list registers are sixteen distinct system registers. */
#define LR_CASE(n, crm, op2)                                         \
	case n:                                                      \
		if (write)                                           \
			write_sysreg(S3_4_C12_##crm##_##op2, value); \
		else                                                 \
			value = read_sysreg(S3_4_C12_##crm##_##op2); \
		break

static u64 v3_lr_access(unsigned int n, bool write, u64 value)
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

static u64 v3_encode(const struct vgic_lr *lr)
{
	return lr->intid | ((u64)lr->priority << LR_PRIORITY_SHIFT) |
	       (lr->group1 ? LR_GROUP1 : 0) |
	       (lr->pending ? LR_STATE_PENDING : 0) |
	       (lr->active ? LR_STATE_ACTIVE : 0) |
	       (lr->eoi_notify ? LR_EOI : 0);
}

static bool v3_pending(u64 lr)
{
	return lr & LR_STATE_PENDING;
}

static bool v3_active(u64 lr)
{
	return lr & LR_STATE_ACTIVE;
}

static void v3_load(const struct arch_vcpu *a)
{
	write_sysreg(ICH_VMCR_EL2, a->vmcr);
	write_sysreg(ICH_AP0R0_EL2, a->ap0r0);
	write_sysreg(ICH_AP1R0_EL2, a->ap1r0);
}

static void v3_save(struct arch_vcpu *a)
{
	a->vmcr = read_sysreg(ICH_VMCR_EL2);
	a->ap0r0 = read_sysreg(ICH_AP0R0_EL2);
	a->ap1r0 = read_sysreg(ICH_AP1R0_EL2);
}

static void v3_control(bool on, bool underflow)
{
	write_sysreg(ICH_HCR_EL2,
		     (on ? ICH_HCR_EN : 0) | (underflow ? ICH_HCR_UIE : 0));
}

static const struct lr_hw v3_hw = {
	.version = VGIC_V3,
	.encode = v3_encode,
	.pending = v3_pending,
	.active = v3_active,
	.lr_access = v3_lr_access,
	.load = v3_load,
	.save = v3_save,
	.control = v3_control,
};

static u64 v2_encode(const struct vgic_lr *lr)
{
	u32 v = (lr->intid & GICH_LR_VIRTUALID_MASK) |
		((u32)lr->priority >> 3) << GICH_LR_PRIORITY_SHIFT |
		(lr->group1 ? GICH_LR_GROUP1 : 0) |
		(lr->pending ? GICH_LR_PENDING : 0) |
		(lr->active ? GICH_LR_ACTIVE : 0) |
		(lr->eoi_notify ? GICH_LR_EOI : 0);

	if (lr->intid < 16)
		v |= (u32)(lr->source & 7) << GICH_LR_CPUID_SHIFT;
	return v;
}

static bool v2_pending(u64 lr)
{
	return lr & GICH_LR_PENDING;
}

static bool v2_active(u64 lr)
{
	return lr & GICH_LR_ACTIVE;
}

static u64 v2_lr_access(unsigned int n, bool write, u64 value)
{
	if (write) {
		writel((u32)value, gich + GICH_LR0 + 4 * n);
		return value;
	}
	return readl(gich + GICH_LR0 + 4 * n);
}

static void v2_load(const struct arch_vcpu *a)
{
	writel((u32)a->vmcr, gich + GICH_VMCR);
	writel((u32)a->ap0r0, gich + GICH_APR);
}

static void v2_save(struct arch_vcpu *a)
{
	a->vmcr = readl(gich + GICH_VMCR);
	a->ap0r0 = readl(gich + GICH_APR);
}

/* GICH_HCR's En and UIE are where ICH_HCR_EL2 has them. */
static void v2_control(bool on, bool underflow)
{
	writel((on ? ICH_HCR_EN : 0) | (underflow ? ICH_HCR_UIE : 0),
	       gich + GICH_HCR);
}

static const struct lr_hw v2_hw = {
	.version = VGIC_V2,
	.encode = v2_encode,
	.pending = v2_pending,
	.active = v2_active,
	.lr_access = v2_lr_access,
	.load = v2_load,
	.save = v2_save,
	.control = v2_control,
};

/* The maintenance interrupt only has to make the guest exit. */
static void maintenance_interrupt(unsigned int irq, void *arg)
{
	set_control(false, false);
}

/* ID_AA64PFR0_EL1.GIC and ICC_SRE_EL2.SRE: a GICv3 CPU interface in use. */
static bool host_has_v3(void)
{
	return ((read_sysreg(id_aa64pfr0_el1) >> 24) & 0xf) &&
	       (read_sysreg(ICC_SRE_EL2) & 1);
}

static int init_v3(void)
{
	if (!host_has_v3()) {
		printk(KERN_ERR "vgic: the host has no GICv3 CPU interface\n");
		return -ENODEV;
	}
	nr_lrs = (read_sysreg(ICH_VTR_EL2) & 0x1f) + 1;
	hw = &v3_hw;
	return MAINTENANCE_PPI;
}

static int init_v2(void)
{
	const struct gic_v2_virt *virt = gic_v2_virt();

	if (!virt) {
		printk(KERN_ERR "vgic: the host has no GICv2 virtual "
				"interface (GICH)\n");
		return -ENODEV;
	}
	gich = ioremap(virt->gich_base, 0x1000);
	if (!gich)
		return -ENOMEM;
	nr_lrs = (readl(gich + GICH_VTR) & 0x3f) + 1;
	hw = &v2_hw;
	return (int)virt->maintenance_irq;
}

/*
 * Once, when the first guest with a vGIC is created; every later guest
 * must use the same kind, which is the host's.
 */
static int arm64_vgic_init(enum vgic_version version)
{
	int irq, err;

	if (hw) {
		if (hw->version == version)
			return 0;
		printk(KERN_ERR "vgic: this host offers GICv%d guests only\n",
		       (int)hw->version);
		return -ENODEV;
	}
	irq = version == VGIC_V3 ? init_v3() : init_v2();
	if (irq < 0)
		return irq;
	if (nr_lrs > VGIC_MAX_LRS)
		nr_lrs = VGIC_MAX_LRS;
	err = irq_register((unsigned int)irq, maintenance_interrupt, NULL,
			   "vgic-maint", IRQ_FLAG_PERCPU);
	if (err && err != -EBUSY) {
		hw = NULL;
		return err;
	}
	return 0;
}

int arm64_vgic_vcpu_init(struct vcpu *v)
{
	struct vgic *vg = vgic_of(v->guest);
	int err;

	v->arch.vgic = vg;
	if (!vg)
		return 0;
	err = vgic_quiet_probe_init(vg, v, &v->arch.vgic_probe);
	return err ? err : arm64_vgic_init(vgic_version_of(vg));
}

/*
 * The interface's control state stays in the CPU while the vCPU is
 * loaded (vcpu.c); the list registers are empty whenever Keel runs.
 */
void arm64_vgic_load(struct vcpu *v)
{
	if (v->arch.vgic && hw)
		hw->load(&v->arch);
}

void arm64_vgic_put(struct vcpu *v)
{
	if (!v->arch.vgic || !hw)
		return;
	hw->save(&v->arch);
	set_control(false, false);
}

/* The LRs from the first on, the interface on (underflow if more wait). */
static void load_lrs(struct arch_vcpu *a, const struct vgic_lr *lrs,
		     unsigned int n, bool more)
{
	for (unsigned int i = 0; i < n; i++) {
		a->lr_meta[i] = lrs[i];
		hw->lr_access(i, true, hw->encode(&lrs[i]));
	}
	a->lrs_used = n;
	set_control(true, more);
}

static __noinline void fill_lrs(struct vcpu *v, struct vgic *vg)
{
	struct vgic_lr lrs[VGIC_MAX_LRS];
	bool more = false;
	unsigned int n;

	n = vgic_fill_lrs(vg, v, lrs, nr_lrs, &more);
	load_lrs(&v->arch, lrs, n, more);
}

void arm64_vgic_set_own_line(struct vcpu *v, u32 intid, bool level)
{
	struct arch_vcpu *a = &v->arch;
	struct vgic_lr lr;

	/* Only into empty LRs: else arm64_vgic_flush() refills them all. */
	if (a->lrs_used || !hw) {
		vgic_set_private_line(a->vgic, v, intid, level);
		return;
	}
	if (!vgic_set_private_line_to_lr(a->vgic, v, intid, level, &lr))
		return;
	load_lrs(a, &lr, 1, false);
	a->handed_gen = *a->vgic_probe.gen;
}

void arm64_vgic_flush_slow(struct vcpu *v)
{
	struct vgic *vg = v->arch.vgic;

	if (!vg || !hw)
		return;
	/* Quiet, but a maintenance interrupt turned the interface off. */
	if (vgic_quiet(&v->arch.vgic_probe)) {
		set_control(true, false);
		return;
	}
	fill_lrs(v, vg);
}

static __noinline void sync_lrs(struct vcpu *v)
{
	struct arch_vcpu *a = &v->arch;
	struct vgic *vg = a->vgic;
	struct vgic_lr lrs[VGIC_MAX_LRS];

	set_control(true, false);
	for (unsigned int i = 0; i < a->lrs_used; i++) {
		u64 lr = hw->lr_access(i, false, 0);

		lrs[i] = a->lr_meta[i];
		lrs[i].pending = hw->pending(lr);
		lrs[i].active = hw->active(lr);
		hw->lr_access(i, true, 0);
	}
	vgic_sync_lrs(vg, v, lrs, a->lrs_used);
	a->lrs_used = 0;
}

/*
 * The model changed after a PPI went into LR 0 at this entry (the other
 * timer's line, another CPU's interrupt for this vCPU): give it back, as
 * after an exit (the guest has not run, so it is still pending), and
 * fill the LRs as usual, in the model's order.
 */
void arm64_vgic_refill(struct vcpu *v)
{
	sync_lrs(v);
	fill_lrs(v, v->arch.vgic);
}

void arm64_vgic_sync(struct vcpu *v)
{
	/* Empty LRs (the common case) have nothing to give back. */
	if (v->arch.lrs_used)
		sync_lrs(v);
}

/* ICC_SGI1R_EL1 is op0 3, op1 0, CRn 12, CRm 11, op2 5. */
bool arm64_vgic_sysreg(struct vcpu *v, const struct esr_sysreg *access,
		       u64 *reg)
{
	struct vgic *vg = v->arch.vgic;

	if (!vg || vgic_version_of(vg) != VGIC_V3 || access->op0 != 3 ||
	    access->op1 != 0 || access->crn != 12 || access->crm != 11 ||
	    access->op2 != 5)
		return false;
	if (access->read)
		*reg = 0; /* write-only: reads as zero */
	else
		vgic_generate_sgi(vg, v, *reg);
	return true;
}
