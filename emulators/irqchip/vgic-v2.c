// SPDX-License-Identifier: GPL-2.0
/*
 * A GICv2 for guests (ARM IHI 0048B): the distributor as an emulator, the
 * register front end of the interrupt model in vgic-model.c, and the CPU
 * interface as the host's own virtual CPU interface (GICV), mapped
 * straight into the guest where its CPU interface belongs. Such a guest
 * needs a host GICv2 with virtualization extensions: the arch glue then
 * moves interrupts through the GICH list registers.
 *
 * The model is a GIC without security extensions: GICD_CTLR has the two
 * group enables, GICD_IGROUPR is read/write, GICD_TYPER.SecurityExtn
 * reads 0. Registers for INTIDs 0-31 are banked: an access reaches the
 * state of the vCPU making it. SGIs are edge-triggered and pend once per
 * source vCPU (GICD_SPENDSGIR/CPENDSGIR show the sources); GICD_SGIR
 * sends them. An SPI goes to the lowest vCPU of its GICD_ITARGETSR mask,
 * and to none while the mask is empty; with one vCPU, always to it.
 *
 * "reg": the distributor (at least 4 KiB) and the CPU interface (at least
 * 8 KiB: GICC_DIR is at 0x1000). "keel,nr-irqs" as for the GICv3.
 */
#include <hw/gic.h>
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/gic.h>
#include <keel/guest.h>
#include <keel/page_alloc.h>
#include <keel/string.h>
#include "vgic-model.h"

/* PIDR4-7, PIDR0-3 (PIDR2 ArchRev 2), CIDR0-3: a GICv2 as ARM numbers it. */
static const u8 gicv2_id_regs[12] = {
	0x04, 0x00, 0x00, 0x00, 0x90, 0xb4, 0x2b, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

/* The vCPU making the access: the banked registers are its own. */
static int accessing_cpu(struct vgic *vg)
{
	return vgic_vcpu_index(vg, vcpu_current());
}

static bool byte_reg(u64 off)
{
	return (off >= GICD_IPRIORITYR && off < GICD_ICFGR) ||
	       (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR_END);
}

static u32 cpu_mask(const struct vgic *vg)
{
	return (1U << vg->nr_cpus) - 1;
}

/* ITARGETSR: four bytes of target masks from first. */
static u32 targets_read(struct vgic *vg, int cpu, unsigned int first)
{
	u32 v = 0;

	for (unsigned int i = 0; i < 4; i++) {
		unsigned int intid = first + i;

		if (intid < GIC_NR_PRIVATE)
			v |= (cpu >= 0 ? 1U << cpu : 0) << (8 * i);
		else if (intid < vg->nr_irqs)
			v |= (u32)vg->itargets[intid - GIC_NR_PRIVATE]
			     << (8 * i);
	}
	return v;
}

static void targets_write(struct vgic *vg, unsigned int first,
			  unsigned int nbytes, u32 v)
{
	for (unsigned int i = 0; i < nbytes; i++) {
		unsigned int intid = first + i;

		/* The private interrupts' bytes are read-only. */
		if (intid < GIC_NR_PRIVATE || intid >= vg->nr_irqs)
			continue;
		vg->itargets[intid - GIC_NR_PRIVATE] =
			(u8)((v >> (8 * i)) & cpu_mask(vg));
		vgic_note_change(vg, 0, intid);
	}
}

/* SPENDSGIR/CPENDSGIR: a byte per SGI, a bit per source vCPU. */
static u32 sgi_sources_read(struct vgic *vg, int cpu, unsigned int first)
{
	u32 v = 0;

	if (cpu < 0)
		return 0;
	for (unsigned int i = 0; i < 4; i++) {
		unsigned int intid = first + i;
		const struct vgic_irq *s = &vg->cpus[cpu].priv[intid];
		u32 src = vg->cpus[cpu].sgi_sources[intid];

		/* One source may be out in a list register, still pending. */
		if ((s->flags & IRQ_IN_LR) && (s->flags & IRQ_LR_PENDING) &&
		    !(s->flags & IRQ_CLR_PENDING))
			src |= 1U << vg->cpus[cpu].sgi_lr_source[intid];
		v |= src << (8 * i);
	}
	return v;
}

static void sgi_sources_write(struct vgic *vg, int cpu, unsigned int first,
			      unsigned int nbytes, u32 v, bool set)
{
	if (cpu < 0)
		return;
	for (unsigned int i = 0; i < nbytes; i++) {
		unsigned int intid = first + i;
		struct vgic_cpu *vc = &vg->cpus[cpu];
		struct vgic_irq *s = &vc->priv[intid];
		u8 bits = (u8)((v >> (8 * i)) & cpu_mask(vg));

		if (!bits)
			continue;
		if (set) {
			for (unsigned int src = 0; src < vg->nr_cpus; src++)
				if (bits & (1U << src))
					vgic_latch_sgi(vg, (unsigned int)cpu,
						       intid, src);
			continue;
		}
		vc->sgi_sources[intid] &= (u8)~bits;
		if (!vc->sgi_sources[intid])
			s->flags &= ~IRQ_LATCH;
		if ((s->flags & IRQ_IN_LR) &&
		    (bits & (1U << vc->sgi_lr_source[intid])))
			s->flags |= IRQ_CLR_PENDING;
		vgic_note_change(vg, (unsigned int)cpu, intid);
	}
}

static void sgir_write(struct vgic *vg, int from, u32 value)
{
	unsigned int intid = value & GICD_SGIR_INTID_MASK;
	u32 targets;

	if (from < 0)
		return;
	switch ((value >> GICD_SGIR_FILTER_SHIFT) & GICD_SGIR_FILTER_MASK) {
	case GICD_SGIR_FILTER_LIST:
		targets = (value >> GICD_SGIR_TARGETS_SHIFT) &
			  GICD_SGIR_TARGETS_MASK;
		break;
	case GICD_SGIR_FILTER_OTHERS:
		targets = cpu_mask(vg) & ~(1U << from);
		break;
	case GICD_SGIR_FILTER_SELF:
		targets = 1U << from;
		break;
	default:
		return; /* reserved filter: no SGI */
	}
	for (unsigned int c = 0; c < vg->nr_cpus; c++)
		if (targets & (1U << c))
			vgic_latch_sgi(vg, c, intid, (unsigned int)from);
}

static u32 dist_typer(const struct vgic *vg)
{
	/* 1020 INTIDs take ITLinesNumber 31, as 1024 would. */
	return (ALIGN_UP(vg->nr_irqs, 32) / 32 - 1) |
	       (vg->nr_cpus - 1) << GICD_TYPER_CPUNUMBER_SHIFT;
}

static int dist_read(struct vgic *vg, u64 off, unsigned int size, u64 *value)
{
	int cpu = accessing_cpu(vg);
	u64 reg = off & ~3ULL; /* a byte read takes its lane of the word */
	enum bitreg r;
	unsigned int n;

	if (!vgic_access_ok(off, size, byte_reg(off), false))
		return -EINVAL;
	*value = 0;
	if (off == GICD_CTLR) {
		*value = vg->ctlr;
	} else if (off == GICD_TYPER) {
		*value = dist_typer(vg);
	} else if (off == GICD_IIDR) {
		*value = GIC_IIDR_VALUE;
	} else if (vgic_bitreg_of(off, &r, &n)) {
		/* Register 0 is the accessing vCPU's own. */
		if (n || cpu >= 0)
			*value = vgic_bits_read(vg, n ? 0 : (unsigned int)cpu,
						n * 32, r);
	} else if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		n = (unsigned int)(reg - GICD_IPRIORITYR);
		if (n >= GIC_NR_PRIVATE || cpu >= 0)
			*value = vgic_prio_read(
				vg, n >= GIC_NR_PRIVATE ? 0 : cpu, n);
	} else if (off >= GICD_ITARGETSR && off < GICD_ICFGR) {
		*value = targets_read(vg, cpu,
				      (unsigned int)(reg - GICD_ITARGETSR));
	} else if (off >= GICD_ICFGR && off < GICD_ICFGR_END) {
		n = (unsigned int)(off - GICD_ICFGR) / 4;
		if (n >= 2 || cpu >= 0)
			*value = vgic_cfg_read(vg, n >= 2 ? 0 : cpu, n * 16);
	} else if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR_END) {
		*value = sgi_sources_read(vg, cpu, (unsigned int)(reg & 0xf));
	} else if (off >= GICD_ICPIDR4 && off < GICD_V2_SIZE) {
		*value = gicv2_id_regs[(off - GICD_ICPIDR4) / 4];
	}
	if (size == 1)
		*value = (*value >> (8 * (off & 3))) & 0xff;
	/* Everything else, GICD_SGIR included, reads as zero. */
	return 0;
}

/* Only the lanes an access covers, as a 32-bit register value. */
static u32 lanes(u64 off, unsigned int size, u64 value)
{
	return size == 1 ? (u32)(value & 0xff) << (8 * (off & 3)) : (u32)value;
}

static int dist_write(struct vgic *vg, u64 off, unsigned int size, u64 value)
{
	int cpu = accessing_cpu(vg);
	u64 reg = off & ~3ULL;
	u32 v = lanes(off, size, value);
	enum bitreg r;
	unsigned int n;

	if (!vgic_access_ok(off, size, byte_reg(off), false))
		return -EINVAL;
	if (off == GICD_CTLR) {
		u32 old = vg->ctlr;

		vg->ctlr = v & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
		if (vg->ctlr & ~old)
			vgic_note_all(vg);
	} else if (vgic_bitreg_of(off, &r, &n)) {
		/* SGIs pend and clear only through SPENDSGIR/CPENDSGIR. */
		if (!n && (r == BR_SET_PENDING || r == BR_CLR_PENDING))
			v &= ~0xffffU;
		if (n || cpu >= 0)
			vgic_bits_write(vg, n ? 0 : (unsigned int)cpu, n * 32,
					r, v);
	} else if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		n = (unsigned int)(off - GICD_IPRIORITYR);
		if (n >= GIC_NR_PRIVATE || cpu >= 0)
			vgic_prio_write(vg, n >= GIC_NR_PRIVATE ? 0 : cpu, n,
					size, (u32)value);
	} else if (off >= GICD_ITARGETSR && off < GICD_ICFGR) {
		targets_write(vg, (unsigned int)(off - GICD_ITARGETSR), size,
			      (u32)value);
	} else if (off >= GICD_ICFGR && off < GICD_ICFGR_END) {
		/* ICFGR0 is read-only: SGIs are always edge-triggered. */
		n = (unsigned int)(reg - GICD_ICFGR) / 4;
		if (n >= 2)
			vgic_cfg_write(vg, 0, n * 16, v);
		else if (n == 1 && cpu >= 0)
			vgic_cfg_write(vg, (unsigned int)cpu, 16, v);
	} else if (off == GICD_SGIR) {
		sgir_write(vg, cpu, v);
	} else if (off >= GICD_CPENDSGIR && off < GICD_SPENDSGIR_END) {
		sgi_sources_write(vg, cpu, (unsigned int)(off & 0xf), size,
				  (u32)value, off >= GICD_SPENDSGIR);
	}
	/* Everything else is read-only or RAZ/WI. */
	return 0;
}

static int vgic_v2_read(struct devemu_instance *inst, u64 offset,
			unsigned int size, u64 *value)
{
	struct vgic *vg = inst->priv;
	unsigned long flags;
	int err;

	/* The window may be larger than the 4 KiB the registers fill. */
	if (offset >= GICD_V2_SIZE) {
		*value = 0;
		return vgic_access_ok(offset, size, false, false) ? 0 : -EINVAL;
	}
	vgic_lock_read(vg, &flags);
	err = dist_read(vg, offset, size, value);
	vgic_unlock_read(vg, flags);
	return err;
}

static int vgic_v2_write(struct devemu_instance *inst, u64 offset,
			 unsigned int size, u64 value)
{
	struct vgic *vg = inst->priv;
	unsigned long flags;
	int err;

	if (offset >= GICD_V2_SIZE)
		return vgic_access_ok(offset, size, false, false) ? 0 : -EINVAL;
	vgic_lock(vg, &flags);
	err = dist_write(vg, offset, size, value);
	vgic_unlock_and_kick(vg, flags);
	return err;
}

/* The guest's CPU interface is the host's GICV frame, untrapped. */
static int map_cpu_interface(struct devemu_instance *inst,
			     const struct devtree_node *node)
{
	const struct gic_v2_virt *hw = gic_v2_virt();
	u64 base, size;
	int err;

	if (devtree_read_reg(node, 1, &base, &size)) {
		devemu_error(inst, "\"reg\" needs a second entry: the CPU "
				   "interface");
		return -EINVAL;
	}
	if (!hw) {
		devemu_error(inst, "the host has no GICv2 virtual CPU "
				   "interface (GICV)");
		return -ENODEV;
	}
	if (size < GICC_V2_SIZE || !IS_ALIGNED(base | size, PAGE_SIZE)) {
		devemu_error(inst,
			     "CPU interface window must be page-aligned "
			     "and at least %llu KiB",
			     GICC_V2_SIZE >> 10);
		return -EINVAL;
	}
	if (hw->gicv_size < GICC_V2_SIZE) {
		devemu_error(inst, "the host's GICV frame is too small");
		return -ENODEV;
	}
	err = guest_map_host_device(inst->guest, inst->name, base,
				    hw->gicv_base, MIN(size, hw->gicv_size));
	if (err)
		devemu_error(inst, "cannot map the CPU interface at 0x%llx: %s",
			     (unsigned long long)base, error_name(err));
	return err;
}

static int vgic_v2_probe(struct devemu_instance *inst,
			 const struct devtree_node *node)
{
	unsigned int nr_irqs, nr_cpus;
	struct vgic *vg;
	int err;

	err = vgic_read_nr_cpus(inst, &nr_cpus);
	if (err)
		return err;
	if (nr_cpus > GICV2_MAX_CPUS) {
		devemu_error(inst, "a GICv2 serves at most %u vCPUs",
			     GICV2_MAX_CPUS);
		return -EINVAL;
	}
	err = vgic_read_nr_irqs(inst, node, &nr_irqs);
	if (err)
		return err;
	if (inst->guest->irqchip) {
		devemu_error(inst, "the guest already has an interrupt "
				   "controller");
		return -EBUSY;
	}
	err = map_cpu_interface(inst, node);
	if (err)
		return err;
	vg = vgic_create(inst, VGIC_V2, nr_cpus, nr_irqs);
	if (!vg)
		return -ENOMEM;
	err = vgic_attach(vg);
	if (err)
		vgic_free(vg);
	return err;
}

static const char *const vgic_v2_compatible[] = { "arm,cortex-a15-gic",
						  "arm,gic-400", NULL };

static const struct emulator vgic_v2_emulator = {
	.name = "vgic-v2",
	.compatible = vgic_v2_compatible,
	.probe = vgic_v2_probe,
	.read = vgic_v2_read,
	.write = vgic_v2_write,
	.reset = vgic_emu_reset,
	.remove = vgic_emu_remove,
	/* The distributor's registers; the state is the model's to size. */
	.min_window = GICD_V2_SIZE,
	.irq_cells = GIC_SPEC_CELLS,
	.xlate = vgic_xlate,
};
EMULATOR_REGISTER(vgic_v2_emulator);
