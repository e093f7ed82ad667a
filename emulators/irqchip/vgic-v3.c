// SPDX-License-Identifier: GPL-2.0
/*
 * GICv3 distributor and redistributors for guests, following the GICv3
 * and GICv4 architecture specification (ARM IHI 0069): the register front
 * end of the interrupt model in vgic-model.c. The CPU interface is the
 * hardware's: the arch glue moves interrupts between the model and the
 * list registers through the calls of keel/vgic.h.
 *
 * The model is a GIC with a single security state (GICD_CTLR.DS reads 1,
 * as on a machine without EL3) and affinity routing always enabled
 * (GICD_CTLR.ARE reads 1), so the GICv2 compatibility registers (SGIR,
 * ITARGETSR, CPENDSGIR/SPENDSGIR) are RAZ/WI and SGIs and PPIs are
 * configured only through each redistributor's SGI_base frame. There are
 * no LPIs, no ITS, no extended SPI/PPI ranges and no NMIs.
 *
 * The node's "reg" has two windows: the distributor (64 KiB) and the
 * redistributors (one 128 KiB frame per vCPU, RD_base then SGI_base).
 * Core hands both to the same read/write operations with offsets counted
 * from the distributor's base (devemu_add_window()), so an offset below
 * inst->size is the distributor's and anything else is the
 * redistributors', rebased by their distance from the distributor. The
 * optional property "keel,nr-irqs" sets the number of INTIDs (rounded up
 * to a multiple of 32, 64 to 1020); the default is 288.
 *
 * GICR_WAKER.ProcessorSleep is kept for the guest's handshake but does
 * not gate delivery: a vCPU that is "asleep" in that sense is not
 * running, and waking it is what the interrupt should do anyway.
 */
#include <hw/gic.h>
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include "vgic-model.h"

/* The hardware id a redistributor reports; 0 while its vCPU is not built. */
static u64 cpu_hwid(struct vgic *vg, unsigned int i)
{
	struct vcpu *v = vgic_vcpu_at(vg, i);

	return v ? arch_vcpu_hwid(v) & GICD_IROUTER_AFF_MASK : 0;
}

static const u8 gic_id_regs[12] = {
	0x44, 0x00, 0x00, 0x00, /* PIDR4-7 */
	0x92, 0xb4, 0x3b, 0x00, /* PIDR0-3: PIDR2 ArchRev 3 */
	0x0d, 0xf0, 0x05, 0xb1, /* CIDR0-3 */
};

static u32 id_read(u64 off)
{
	return gic_id_regs[(off - GICD_PIDR4) / 4];
}

static u32 dist_typer(const struct vgic *vg)
{
	u32 cpus = vg->nr_cpus > 8 ? 7 : vg->nr_cpus - 1;

	return (ALIGN_UP(vg->nr_irqs, 32) / 32 - 1) |
	       cpus << GICD_TYPER_CPUNUMBER_SHIFT |
	       9U << GICD_TYPER_IDBITS_SHIFT | GICD_TYPER_A3V;
}

static int dist_read(struct vgic *vg, u64 off, unsigned int size, u64 *value)
{
	bool bytes = off >= GICD_IPRIORITYR && off < GICD_ICFGR;
	bool dword = off >= GICD_IROUTER && off < GICD_IROUTER_END;
	enum bitreg r;
	unsigned int n;

	if (!vgic_access_ok(off, size,
			    bytes || (off >= GICD_CPENDSGIR &&
				      off < GICD_SPENDSGIR_END),
			    dword))
		return -EINVAL;
	*value = 0;
	if (off == GICD_CTLR) {
		*value = vg->ctlr | GICD_CTLR_ARE | GICD_CTLR_DS;
	} else if (off == GICD_TYPER) {
		*value = dist_typer(vg);
	} else if (off == GICD_IIDR) {
		*value = GIC_IIDR_VALUE;
	} else if (vgic_bitreg_of(off, &r, &n)) {
		/* INTIDs below 32 live in the redistributors (ARE = 1). */
		if (n)
			*value = vgic_bits_read(vg, 0, n * 32, r);
	} else if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		unsigned int first = (unsigned int)(off - GICD_IPRIORITYR);

		if (first >= GIC_NR_PRIVATE)
			*value = vgic_prio_read(vg, 0, first) &
				 (size == 1 ? 0xffU : 0xffffffffU);
	} else if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
		n = (unsigned int)(off - GICD_ICFGR) / 4;
		if (n >= 2)
			*value = vgic_cfg_read(vg, 0, n * 16);
	} else if (dword) {
		unsigned int intid = (unsigned int)(off - GICD_IROUTER) / 8;

		if (intid >= GIC_NR_PRIVATE && intid < vg->nr_irqs) {
			u64 route = vg->irouter[intid - GIC_NR_PRIVATE];

			*value = size == 8 ? route :
				 off & 4   ? route >> 32 :
					     (u32)route;
		}
	} else if (off >= GICD_PIDR4 && off < GICD_V3_SIZE) {
		*value = id_read(off);
	}
	/* Everything else, TYPER2 and STATUSR included, reads as zero. */
	return 0;
}

static int dist_write(struct vgic *vg, u64 off, unsigned int size, u64 value)
{
	bool bytes = off >= GICD_IPRIORITYR && off < GICD_ICFGR;
	bool dword = off >= GICD_IROUTER && off < GICD_IROUTER_END;
	enum bitreg r;
	unsigned int n;

	if (!vgic_access_ok(off, size,
			    bytes || (off >= GICD_CPENDSGIR &&
				      off < GICD_SPENDSGIR_END),
			    dword))
		return -EINVAL;
	if (off == GICD_CTLR) {
		u32 old = vg->ctlr;

		vg->ctlr = (u32)value &
			   (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
		if (vg->ctlr & ~old)
			vgic_note_all(vg);
	} else if (vgic_bitreg_of(off, &r, &n)) {
		if (n)
			vgic_bits_write(vg, 0, n * 32, r, (u32)value);
	} else if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		unsigned int first = (unsigned int)(off - GICD_IPRIORITYR);

		if (first >= GIC_NR_PRIVATE)
			vgic_prio_write(vg, 0, first, size, (u32)value);
	} else if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
		n = (unsigned int)(off - GICD_ICFGR) / 4;
		if (n >= 2)
			vgic_cfg_write(vg, 0, n * 16, (u32)value);
	} else if (dword) {
		unsigned int intid = (unsigned int)(off - GICD_IROUTER) / 8;
		u64 *route;

		if (intid < GIC_NR_PRIVATE || intid >= vg->nr_irqs)
			return 0;
		route = &vg->irouter[intid - GIC_NR_PRIVATE];
		if (size == 8)
			*route = value;
		else if (off & 4)
			*route = (*route & 0xffffffffULL) | value << 32;
		else
			*route = (*route & ~0xffffffffULL) | (u32)value;
		*route &= IROUTER_MASK;
		vgic_note_change(vg, 0, intid);
	}
	/* Everything else is read-only or RAZ/WI in this configuration. */
	return 0;
}

static u64 redist_typer(struct vgic *vg, unsigned int cpu)
{
	return (u64)gic_affinity32(cpu_hwid(vg, cpu)) << GICR_TYPER_AFF_SHIFT |
	       (u64)cpu << GICR_TYPER_PROCNUM_SHIFT |
	       (cpu == vg->nr_cpus - 1 ? GICR_TYPER_LAST : 0);
}

static bool rd_dword(u64 off)
{
	return off == GICR_TYPER || off == GICR_SETLPIR ||
	       off == GICR_CLRLPIR || off == GICR_PROPBASER ||
	       off == GICR_PENDBASER || off == GICR_INVLPIR ||
	       off == GICR_INVALLR;
}

static int rd_read(struct vgic *vg, unsigned int cpu, u64 off,
		   unsigned int size, u64 *value)
{
	if (!vgic_access_ok(off, size, false, rd_dword(off)))
		return -EINVAL;
	*value = 0;
	if (cpu >= vg->nr_cpus)
		return 0;
	if (off == GICR_IIDR) {
		*value = GIC_IIDR_VALUE;
	} else if (off == GICR_TYPER) {
		*value = redist_typer(vg, cpu);
		if (size == 4)
			*value = (u32)*value;
	} else if (off == GICR_TYPER + 4) {
		*value = redist_typer(vg, cpu) >> 32;
	} else if (off == GICR_WAKER) {
		/* The children follow at once: there is nothing to quiesce. */
		if (vg->cpus[cpu].asleep)
			*value = GICR_WAKER_PROCESSOR_SLEEP |
				 GICR_WAKER_CHILDREN_ASLEEP;
	} else if (off >= GICD_PIDR4 && off < GICD_V3_SIZE) {
		/* RD_base ends with the distributor's ID block. */
		*value = id_read(off);
	}
	/* CTLR, STATUSR and the LPI registers read as zero: no LPIs. */
	return 0;
}

static int rd_write(struct vgic *vg, unsigned int cpu, u64 off,
		    unsigned int size, u64 value)
{
	if (!vgic_access_ok(off, size, false, rd_dword(off)))
		return -EINVAL;
	if (cpu < vg->nr_cpus && off == GICR_WAKER)
		vg->cpus[cpu].asleep = value & GICR_WAKER_PROCESSOR_SLEEP;
	return 0;
}

static int sgi_read(struct vgic *vg, unsigned int cpu, u64 off,
		    unsigned int size, u64 *value)
{
	bool bytes = off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR_END;
	enum bitreg r;
	unsigned int n;

	if (!vgic_access_ok(off, size, bytes, false))
		return -EINVAL;
	*value = 0;
	if (cpu >= vg->nr_cpus)
		return 0;
	if (vgic_bitreg_of(off, &r, &n)) {
		if (!n)
			*value = vgic_bits_read(vg, cpu, 0, r);
	} else if (bytes) {
		*value =
			vgic_prio_read(vg, cpu,
				       (unsigned int)(off - GICR_IPRIORITYR0)) &
			(size == 1 ? 0xffU : 0xffffffffU);
	} else if (off == GICR_ICFGR0) {
		*value = vgic_cfg_read(vg, cpu, 0);
	} else if (off == GICR_ICFGR1) {
		*value = vgic_cfg_read(vg, cpu, 16);
	}
	return 0;
}

static int sgi_write(struct vgic *vg, unsigned int cpu, u64 off,
		     unsigned int size, u64 value)
{
	bool bytes = off >= GICR_IPRIORITYR0 && off < GICR_IPRIORITYR_END;
	enum bitreg r;
	unsigned int n;

	if (!vgic_access_ok(off, size, bytes, false))
		return -EINVAL;
	if (cpu >= vg->nr_cpus)
		return 0;
	if (vgic_bitreg_of(off, &r, &n)) {
		if (!n)
			vgic_bits_write(vg, cpu, 0, r, (u32)value);
	} else if (bytes) {
		vgic_prio_write(vg, cpu, (unsigned int)(off - GICR_IPRIORITYR0),
				size, (u32)value);
	} else if (off == GICR_ICFGR1) {
		vgic_cfg_write(vg, cpu, 16, (u32)value);
	}
	/* ICFGR0 is read-only: SGIs are always edge-triggered. */
	return 0;
}

/*
 * Redistributor offsets: the window follows the distributor's at
 * rd_delta from its base; offsets wrap modulo 2^64, which also serves a
 * window placed below the distributor.
 */
static int redist_access(struct vgic *vg, u64 offset, unsigned int size,
			 u64 *value, bool write)
{
	u64 off = offset - vg->rd_delta;
	unsigned int cpu;
	u64 in;

	if (off >= vg->rd_size)
		return -EINVAL;
	cpu = (unsigned int)(off / GICR_V3_SIZE);
	in = off % GICR_V3_SIZE;
	if (in < GICR_SGI_BASE)
		return write ? rd_write(vg, cpu, in, size, *value) :
			       rd_read(vg, cpu, in, size, value);
	in -= GICR_SGI_BASE;
	return write ? sgi_write(vg, cpu, in, size, *value) :
		       sgi_read(vg, cpu, in, size, value);
}

static int vgic_read(struct devemu_instance *inst, u64 offset,
		     unsigned int size, u64 *value)
{
	struct vgic *vg = inst->priv;
	unsigned long flags;
	int err;

	vgic_lock_read(vg, &flags);
	if (offset < vg->dist_size)
		err = dist_read(vg, offset, size, value);
	else
		err = redist_access(vg, offset, size, value, false);
	vgic_unlock_read(vg, flags);
	return err;
}

static int vgic_write(struct devemu_instance *inst, u64 offset,
		      unsigned int size, u64 value)
{
	struct vgic *vg = inst->priv;
	unsigned long flags;
	int err;

	vgic_lock(vg, &flags);
	if (offset < vg->dist_size)
		err = dist_write(vg, offset, size, value);
	else
		err = redist_access(vg, offset, size, &value, true);
	vgic_unlock_and_kick(vg, flags);
	return err;
}

static int vgic_probe(struct devemu_instance *inst,
		      const struct devtree_node *node)
{
	unsigned int nr_irqs, nr_cpus;
	u64 rd_base, rd_size;
	struct vgic *vg;
	int err;

	err = vgic_read_nr_cpus(inst, &nr_cpus);
	if (err)
		return err;
	if (devtree_read_reg(node, 1, &rd_base, &rd_size)) {
		devemu_error(inst, "\"reg\" needs a second entry: the "
				   "redistributors");
		return -EINVAL;
	}
	if (rd_size < nr_cpus * GICR_V3_SIZE) {
		devemu_error(inst,
			     "redistributor window of %#llx bytes is "
			     "too small for %u vCPUs (128 KiB each)",
			     (unsigned long long)rd_size, nr_cpus);
		return -EINVAL;
	}
	if (rd_base < inst->base + inst->size &&
	    inst->base < rd_base + rd_size) {
		devemu_error(inst, "redistributors overlap the distributor");
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
	vg = vgic_create(inst, VGIC_V3, nr_cpus, nr_irqs);
	if (!vg)
		return -ENOMEM;
	vg->dist_size = inst->size;
	vg->rd_delta = rd_base - inst->base;
	vg->rd_size = rd_size;
	/* Core reports why a window could not be added. */
	err = devemu_add_window(inst, rd_base, rd_size);
	if (!err)
		err = vgic_attach(vg);
	if (err)
		vgic_free(vg);
	return err;
}

static const char *const vgic_compatible[] = { "arm,gic-v3", NULL };

static const struct emulator vgic_v3_emulator = {
	.name = "vgic-v3",
	.compatible = vgic_compatible,
	.probe = vgic_probe,
	.read = vgic_read,
	.write = vgic_write,
	.reset = vgic_emu_reset,
	.remove = vgic_emu_remove,
	/* The distributor's registers; the state is the model's to size. */
	.min_window = GICD_V3_SIZE,
	.irq_cells = GIC_SPEC_CELLS,
	.xlate = vgic_xlate,
};
EMULATOR_REGISTER(vgic_v3_emulator);
