/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interrupt state behind a guest's GIC, shared by the two register
 * front ends: vgic-v3.c (distributor with affinity routing plus
 * redistributors) and vgic-v2.c (the GICv2 distributor, CPU interface by
 * the hardware's GICV frame). The model owns pending, active, enable,
 * group, priority and trigger state, device lines, SGI latching, which
 * vCPU an SPI goes to, and the hand-over to and from list registers
 * (keel/vgic.h); a front end only decodes registers.
 *
 * An interrupt handed to a list register belongs to it until the arch
 * syncs it back: its pending and active state travel with it, and
 * register reads report the state it had when it was handed out. Changes
 * the guest makes meanwhile through the clear registers are remembered
 * and applied at sync, and the owning vCPU is kicked so that it syncs
 * soon. Level-sensitive interrupts always ask for a maintenance exit on
 * EOI, since only the model knows whether their line is still high.
 *
 * One spinlock covers all state: device lines, SGIs from other vCPUs and
 * register accesses race. vCPUs are kicked only after it is dropped, so
 * that the vCPU's own locks never nest inside it. Front ends take it with
 * vgic_lock() and drop it with vgic_unlock_and_kick(); a register read,
 * which changes nothing, with vgic_lock_read() and vgic_unlock_read(),
 * so that the vCPUs' LRs need no new look after it (vgic_quiet).
 */
#ifndef EMULATORS_VGIC_MODEL_H
#define EMULATORS_VGIC_MODEL_H

#include <hw/gic.h>
#include <keel/devemu.h>
#include <keel/guest.h>
#include <keel/spinlock.h>
#include <keel/vgic.h>

#define DEFAULT_NR_IRQS 288

/* ARM as implementer, product 0: matches no erratum workaround. */
#define GIC_IIDR_VALUE 0x0000043bU

/* struct vgic_irq.flags */
#define IRQ_ENABLED (1U << 0)
#define IRQ_GROUP1 (1U << 1)
#define IRQ_EDGE (1U << 2) /* configuration; level-sensitive when clear */
#define IRQ_LINE (1U << 3) /* input level from the device */
#define IRQ_LATCH (1U << 4) /* pending: an edge or a write to ISPENDR */
#define IRQ_ACTIVE (1U << 5)
#define IRQ_IN_LR (1U << 6) /* owned by a list register of owner */
#define IRQ_LR_PENDING (1U << 7) /* what it had when handed out */
#define IRQ_LR_ACTIVE (1U << 8)
#define IRQ_LR_LATCH (1U << 9) /* its pending state came from the latch */
#define IRQ_CLR_PENDING (1U << 10) /* ICPENDR while in an LR */
#define IRQ_CLR_ACTIVE (1U << 11) /* ICACTIVER while in an LR */
#define IRQ_LR_FLAGS                                                 \
	(IRQ_IN_LR | IRQ_LR_PENDING | IRQ_LR_ACTIVE | IRQ_LR_LATCH | \
	 IRQ_CLR_PENDING | IRQ_CLR_ACTIVE)

#define NO_VCPU 0xff
#define NO_GEN (~0ULL)

/* The GICD_IROUTER bits the model keeps */
#define IROUTER_MASK (GICD_IROUTER_AFF_MASK | GICD_IROUTER_IRM)

struct vgic_irq {
	u16 flags;
	u8 priority;
	u8 owner; /* vCPU whose LRs hold it (IRQ_IN_LR) or last held it */
};

struct vgic_cpu {
	struct vgic_irq priv[GIC_NR_PRIVATE];
	/*
	 * GICv2: which vCPUs have an SGI pending here, one bit per source
	 * (GICv3 SGIs have no source and use IRQ_LATCH alone).
	 */
	u8 sgi_sources[GIC_NR_SGIS];
	/* The source of each SGI now in a list register (GICv2). */
	u8 sgi_lr_source[GIC_NR_SGIS];
	/* Private interrupts pending or active and not in an LR. */
	u32 interest;
	bool asleep; /* GICR_WAKER.ProcessorSleep */
	/*
	 * The generation at which a fill found nothing for this vCPU (or
	 * NO_GEN): while nothing else has taken the lock since, the next
	 * fill has nothing to find either and skips its scan.
	 */
	u64 quiet_gen;
};

struct vgic {
	spinlock_t lock;
	enum vgic_version version;
	struct devemu_instance *inst;
	struct guest *guest;
	unsigned int nr_irqs; /* INTIDs: 32 per ITLinesNumber, at most 1020 */
	unsigned int nr_cpus;
	u32 ctlr; /* GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1 */
	u32 kick; /* vCPUs to kick once the lock is dropped */
	u32 sgi_sent; /* vCPUs sent an SGI under the lock: vcpu_ipi_sent() */
	u64 gen; /* bumped whenever the lock is taken: state may change */
	struct vgic_cpu *cpus;
	struct vgic_irq *spis; /* nr_irqs - 32 */
	/*
	 * SPIs pending or active and not in an LR, a bit each: what a fill
	 * or a pending check has to look at, so that neither scans every
	 * interrupt while almost all are idle.
	 */
	u64 *spi_interest;
	/* Bit w: spi_interest[w] is not zero (at most 16 words). */
	u64 spi_summary;
	/* Where SPIs go: GICv3 affinity routes, GICv2 CPU target masks. */
	u64 *irouter; /* v3: nr_irqs - 32 */
	u8 *itargets; /* v2: nr_irqs - 32 */
	/* v3: distributor window size; redistributors' distance and size */
	u64 dist_size;
	u64 rd_delta;
	u64 rd_size;
};

enum bitreg {
	BR_GROUP,
	BR_SET_ENABLE,
	BR_CLR_ENABLE,
	BR_SET_PENDING,
	BR_CLR_PENDING,
	BR_SET_ACTIVE,
	BR_CLR_ACTIVE,
};

/* ---- set-up (probe) ---- */

/* emulator.xlate of both front ends: <type number flags> to an INTID. */
int vgic_xlate(const struct devtree_node *node, const u32 *cells,
	       unsigned int *line, char *why, size_t why_size);
/* The node's "keel,nr-irqs" (default 288), checked and rounded up. */
int vgic_read_nr_irqs(struct devemu_instance *inst,
		      const struct devtree_node *node, unsigned int *out);
/* The guest's vCPU count for the model, checked; errors named. */
int vgic_read_nr_cpus(struct devemu_instance *inst, unsigned int *out);
/* A model in its reset state, or NULL (out of memory, reported). */
struct vgic *vgic_create(struct devemu_instance *inst,
			 enum vgic_version version, unsigned int nr_cpus,
			 unsigned int nr_irqs);
/* Become the guest's interrupt controller; -EBUSY if it has one. */
int vgic_attach(struct vgic *vg);
void vgic_free(struct vgic *vg);
/* Emulator reset and remove operations, common to both versions. */
void vgic_emu_reset(struct devemu_instance *inst);
void vgic_emu_remove(struct devemu_instance *inst);

/* ---- state, for the front ends (lock held) ---- */

void vgic_lock(struct vgic *vg, unsigned long *flags);
void vgic_unlock_and_kick(struct vgic *vg, unsigned long flags);
void vgic_lock_read(struct vgic *vg, unsigned long *flags);
void vgic_unlock_read(struct vgic *vg, unsigned long flags);
struct vcpu *vgic_vcpu_at(struct vgic *vg, unsigned int i);
int vgic_vcpu_index(struct vgic *vg, const struct vcpu *v);
/* The GICv3 vCPU with this affinity, or -1. */
int vgic_vcpu_by_hwid(struct vgic *vg, u64 hwid);
/* The state of intid as vCPU cpu sees it, or NULL past the last one. */
struct vgic_irq *vgic_irq_of(struct vgic *vg, unsigned int cpu,
			     unsigned int intid);
/* After a change to intid's state: kick whoever must look. */
void vgic_note_change(struct vgic *vg, unsigned int cpu, unsigned int intid);
/* A group came on: anything of it may be waiting anywhere. */
void vgic_note_all(struct vgic *vg);
/* SGI intid from vCPU source (GICv2; any value for GICv3) pends at cpu. */
void vgic_latch_sgi(struct vgic *vg, unsigned int cpu, unsigned int intid,
		    unsigned int source);

/* Register families: 32 interrupts from first, as vCPU cpu sees them. */
u32 vgic_bits_read(struct vgic *vg, unsigned int cpu, unsigned int first,
		   enum bitreg r);
void vgic_bits_write(struct vgic *vg, unsigned int cpu, unsigned int first,
		     enum bitreg r, u32 v);
/* Four priority bytes from first (nbytes written). */
u32 vgic_prio_read(struct vgic *vg, unsigned int cpu, unsigned int first);
void vgic_prio_write(struct vgic *vg, unsigned int cpu, unsigned int first,
		     unsigned int nbytes, u32 v);
/* ICFGR: 16 interrupts from first, bit 1 of each pair = edge. */
u32 vgic_cfg_read(struct vgic *vg, unsigned int cpu, unsigned int first);
void vgic_cfg_write(struct vgic *vg, unsigned int cpu, unsigned int first,
		    u32 v);
/* Which set/clear family off falls in, and its register number. */
bool vgic_bitreg_of(u64 off, enum bitreg *r, unsigned int *n);
/* Aligned, and 32 bits unless bytes (8 bits) or dword (64) allowed. */
bool vgic_access_ok(u64 off, unsigned int size, bool bytes, bool dword);

#endif
