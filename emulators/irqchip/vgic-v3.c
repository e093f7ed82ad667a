// SPDX-License-Identifier: GPL-2.0
/*
 * GICv3 distributor and redistributors for guests, following the GICv3
 * and GICv4 architecture specification (ARM IHI 0069). The CPU interface
 * is the hardware's: the arch glue moves interrupts between this model
 * and the list registers through the calls of keel/vgic.h.
 *
 * The model is a GIC with a single security state (GICD_CTLR.DS reads 1,
 * as on a machine without EL3) and affinity routing always enabled
 * (GICD_CTLR.ARE reads 1), so the GICv2 compatibility registers (SGIR,
 * ITARGETSR, CPENDSGIR/SPENDSGIR) are RAZ/WI and SGIs and PPIs are
 * configured only through each redistributor's SGI_base frame. There are
 * no LPIs, no ITS, no extended SPI/PPI ranges and no NMIs. Priorities keep
 * all 8 bits: the list registers carry 8 bits and the hardware CPU
 * interface drops what it does not implement, so nothing is gained by
 * dropping them here first.
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
 * An interrupt handed to a list register belongs to it until the arch
 * syncs it back: its pending and active state travel with it, and
 * register reads report the state it had when it was handed out. Changes
 * the guest makes meanwhile through the clear registers are remembered
 * and applied at sync, and the owning vCPU is kicked so that it syncs
 * soon. Level-sensitive interrupts always ask for a maintenance exit on
 * EOI, since only this model knows whether their line is still high.
 *
 * GICR_WAKER.ProcessorSleep is kept for the guest's handshake but does
 * not gate delivery: a vCPU that is "asleep" in that sense is not
 * running, and waking it is what the interrupt should do anyway.
 *
 * One spinlock covers all state: device lines, SGIs from other vCPUs and
 * register accesses race. vCPUs are kicked only after it is dropped, so
 * that the vCPU's own locks never nest inside it.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/spinlock.h>
#include <keel/vgic.h>

#define GIC_DIST_SIZE 0x10000ULL
#define GIC_RD_FRAME 0x20000ULL /* RD_base + SGI_base */
#define GIC_SGI_BASE 0x10000ULL

#define NR_PRIVATE 32
#define NR_SGIS 16
#define DEFAULT_NR_IRQS 288
#define MAX_NR_IRQS 1020 /* 1020-1023 are special INTIDs */

/* Distributor */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_TYPER2 0x000c
#define GICD_STATUSR 0x0010
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR 0x0800
#define GICD_ICFGR 0x0c00
#define GICD_IGRPMODR 0x0d00
#define GICD_NSACR 0x0e00
#define GICD_SGIR 0x0f00
#define GICD_CPENDSGIR 0x0f10
#define GICD_SPENDSGIR 0x0f20
#define GICD_IROUTER 0x6000
#define GICD_IROUTER_END 0x7fe0

/* The ID block, in the distributor and each RD_base frame */
#define GIC_PIDR4 0xffd0
#define GIC_PIDR0 0xffe0
#define GIC_PIDR2 0xffe8
#define GIC_CIDR0 0xfff0
#define GIC_ID_END 0x10000

#define CTLR_ENABLE_G0 (1U << 0)
#define CTLR_ENABLE_G1 (1U << 1)
#define CTLR_ARE (1U << 4)
#define CTLR_DS (1U << 6)

#define TYPER_CPUNUMBER_SHIFT 5
#define TYPER_IDBITS_SHIFT 19
#define TYPER_A3V (1U << 24)

/* ARM as implementer, product 0: matches no erratum workaround. */
#define GIC_IIDR_VALUE 0x0000043bU

#define IROUTER_IRM (1ULL << 31)
#define AFF_MASK 0xff00ffffffULL
#define IROUTER_MASK (AFF_MASK | IROUTER_IRM)

/* Redistributor, RD_base frame */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_STATUSR 0x0010
#define GICR_WAKER 0x0014
#define GICR_SETLPIR 0x0040
#define GICR_CLRLPIR 0x0048
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_INVLPIR 0x00a0
#define GICR_INVALLR 0x00b0

#define GICR_TYPER_LAST (1ULL << 4)
#define GICR_TYPER_PROCNUM_SHIFT 8
#define GICR_TYPER_AFF_SHIFT 32

#define WAKER_PROCESSOR_SLEEP (1U << 1)
#define WAKER_CHILDREN_ASLEEP (1U << 2)

/* Redistributor, SGI_base frame: the distributor's layout for INTID < 32 */
#define GICR_IGROUPR0 0x0080
#define GICR_IPRIORITYR_END 0x0420
#define GICR_ICFGR0 0x0c00
#define GICR_ICFGR1 0x0c04

/* ICC_SGI1R_EL1 */
#define SGI1R_TARGETS(v) ((v)&0xffffU)
#define SGI1R_AFF1(v) (((v) >> 16) & 0xff)
#define SGI1R_INTID(v) (((v) >> 24) & 0xf)
#define SGI1R_AFF2(v) (((v) >> 32) & 0xff)
#define SGI1R_IRM (1ULL << 40)
#define SGI1R_RS(v) (((v) >> 44) & 0xf)
#define SGI1R_AFF3(v) (((v) >> 48) & 0xff)

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

struct vgic_irq {
	u16 flags;
	u8 priority;
	u8 owner; /* vCPU whose LRs hold it (IRQ_IN_LR) or last held it */
};

struct vgic_cpu {
	struct vgic_irq priv[NR_PRIVATE];
	bool asleep; /* GICR_WAKER.ProcessorSleep */
	/*
	 * The generation at which a fill found nothing for this vCPU (or
	 * NO_GEN): while nothing else has taken the lock since, the next
	 * fill has nothing to find either and skips its scan.
	 */
	u64 quiet_gen;
};

#define NO_GEN (~0ULL)

struct vgic {
	spinlock_t lock;
	struct devemu_instance *inst;
	struct guest *guest;
	u64 dist_size; /* offsets below this are the distributor's */
	u64 rd_delta; /* redistributor base - distributor base */
	u64 rd_size;
	unsigned int nr_irqs; /* INTIDs: 32 per ITLinesNumber, at most 1020 */
	unsigned int nr_cpus;
	u32 ctlr; /* CTLR_ENABLE_G0 | CTLR_ENABLE_G1 */
	u32 kick; /* vCPUs to kick once the lock is dropped */
	u64 gen; /* bumped whenever the lock is taken: state may change */
	struct vgic_cpu *cpus;
	struct vgic_irq *spis; /* nr_irqs - 32 */
	u64 *irouter; /* nr_irqs - 32 */
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

static const struct guest_irqchip vgic_irqchip_ops;

/* ---- state ---- */

static struct vcpu *vcpu_at(struct vgic *vg, unsigned int i)
{
	if (i >= vg->nr_cpus || i >= GUEST_MAX_VCPUS)
		return NULL;
	return READ_ONCE(vg->guest->vcpus[i]);
}

static int vcpu_index(struct vgic *vg, const struct vcpu *v)
{
	if (!v || v->index >= vg->nr_cpus)
		return -1;
	return (int)v->index;
}

/* The hardware id a redistributor reports; 0 while its vCPU is not built. */
static u64 cpu_hwid(struct vgic *vg, unsigned int i)
{
	struct vcpu *v = vcpu_at(vg, i);

	return v ? arch_vcpu_hwid(v) & AFF_MASK : 0;
}

static int vcpu_by_hwid(struct vgic *vg, u64 hwid)
{
	for (unsigned int i = 0; i < vg->nr_cpus; i++) {
		struct vcpu *v = vcpu_at(vg, i);

		if (v && (arch_vcpu_hwid(v) & AFF_MASK) == hwid)
			return (int)i;
	}
	return -1;
}

/* The state of intid as vCPU cpu sees it, or NULL past the last one. */
static struct vgic_irq *irq_of(struct vgic *vg, unsigned int cpu,
			       unsigned int intid)
{
	if (intid < NR_PRIVATE)
		return cpu < vg->nr_cpus ? &vg->cpus[cpu].priv[intid] : NULL;
	if (intid < vg->nr_irqs)
		return &vg->spis[intid - NR_PRIVATE];
	return NULL;
}

/* Where an SPI goes: IRM ("any PE") picks vCPU0; -1 when nobody matches. */
static int spi_target(struct vgic *vg, unsigned int intid)
{
	u64 route = vg->irouter[intid - NR_PRIVATE];

	if (route & IROUTER_IRM)
		return 0;
	return vcpu_by_hwid(vg, route & AFF_MASK);
}

static bool is_pending(const struct vgic_irq *s)
{
	return (s->flags & IRQ_LATCH) ||
	       (!(s->flags & IRQ_EDGE) && (s->flags & IRQ_LINE));
}

static bool group_enabled(const struct vgic *vg, const struct vgic_irq *s)
{
	return vg->ctlr &
	       (s->flags & IRQ_GROUP1 ? CTLR_ENABLE_G1 : CTLR_ENABLE_G0);
}

static bool deliverable(const struct vgic *vg, const struct vgic_irq *s)
{
	return is_pending(s) && (s->flags & IRQ_ENABLED) &&
	       group_enabled(vg, s) && !(s->flags & IRQ_IN_LR);
}

/*
 * After a change to intid's state: a vCPU that can now take it must look,
 * and so must one whose LRs hold it, so that the change reaches it.
 */
static void note_change(struct vgic *vg, unsigned int cpu, unsigned int intid)
{
	struct vgic_irq *s = irq_of(vg, cpu, intid);
	int t;

	if (!s)
		return;
	if (s->flags & IRQ_IN_LR) {
		if (s->owner < vg->nr_cpus)
			vg->kick |= 1U << s->owner;
		return;
	}
	if (!deliverable(vg, s))
		return;
	t = intid < NR_PRIVATE ? (int)cpu : spi_target(vg, intid);
	if (t >= 0)
		vg->kick |= 1U << t;
}

static void vgic_lock(struct vgic *vg, unsigned long *flags)
{
	spin_lock_irqsave(&vg->lock, *flags);
	vg->gen++;
}

static void unlock_and_kick(struct vgic *vg, unsigned long flags)
{
	u32 kick = vg->kick;

	vg->kick = 0;
	spin_unlock_irqrestore(&vg->lock, flags);
	for (unsigned int i = 0; kick; i++, kick >>= 1) {
		struct vcpu *v;

		if (!(kick & 1))
			continue;
		v = vcpu_at(vg, i);
		if (v)
			vcpu_kick(v);
	}
}

/* Reset state of one interrupt; the input line is the device's, kept. */
static void reset_irq(struct vgic_irq *s, bool edge)
{
	s->flags = (s->flags & IRQ_LINE) | (edge ? IRQ_EDGE : 0);
	s->priority = 0;
	s->owner = NO_VCPU;
}

static void reset_locked(struct vgic *vg)
{
	vg->ctlr = 0;
	for (unsigned int c = 0; c < vg->nr_cpus; c++) {
		for (unsigned int i = 0; i < NR_PRIVATE; i++)
			reset_irq(&vg->cpus[c].priv[i], i < NR_SGIS);
		vg->cpus[c].asleep = true;
		vg->cpus[c].quiet_gen = NO_GEN;
	}
	for (unsigned int i = 0; i < vg->nr_irqs - NR_PRIVATE; i++) {
		reset_irq(&vg->spis[i], false);
		vg->irouter[i] = 0;
	}
}

/* Drive a line; a rising edge latches an edge-triggered interrupt. */
static void set_line_locked(struct vgic *vg, unsigned int cpu,
			    unsigned int intid, bool level)
{
	struct vgic_irq *s = irq_of(vg, cpu, intid);

	if (!s || !!(s->flags & IRQ_LINE) == level)
		return;
	if (level) {
		s->flags |= IRQ_LINE;
		if (s->flags & IRQ_EDGE)
			s->flags |= IRQ_LATCH;
	} else {
		s->flags &= ~IRQ_LINE;
	}
	note_change(vg, cpu, intid);
}

/* ---- the register interface ---- */

/* One bit of a set/clear register; reads report the state in an LR. */
static u32 bitreg_get(const struct vgic_irq *s, enum bitreg r)
{
	bool lr = s->flags & IRQ_IN_LR;

	switch (r) {
	case BR_GROUP:
		return !!(s->flags & IRQ_GROUP1);
	case BR_SET_ENABLE:
	case BR_CLR_ENABLE:
		return !!(s->flags & IRQ_ENABLED);
	case BR_SET_PENDING:
	case BR_CLR_PENDING:
		return is_pending(s) || (lr && (s->flags & IRQ_LR_PENDING) &&
					 !(s->flags & IRQ_CLR_PENDING));
	case BR_SET_ACTIVE:
	case BR_CLR_ACTIVE:
		return (s->flags & IRQ_ACTIVE) ||
		       (lr && (s->flags & IRQ_LR_ACTIVE) &&
			!(s->flags & IRQ_CLR_ACTIVE));
	}
	return 0;
}

static void bitreg_set(struct vgic_irq *s, enum bitreg r, bool bit)
{
	switch (r) {
	case BR_GROUP:
		s->flags = bit ? s->flags | IRQ_GROUP1 : s->flags & ~IRQ_GROUP1;
		break;
	case BR_SET_ENABLE:
		if (bit)
			s->flags |= IRQ_ENABLED;
		break;
	case BR_CLR_ENABLE:
		if (bit)
			s->flags &= ~IRQ_ENABLED;
		break;
	case BR_SET_PENDING:
		if (bit) {
			s->flags |= IRQ_LATCH;
			s->flags &= ~IRQ_CLR_PENDING;
		}
		break;
	case BR_CLR_PENDING:
		/* A level interrupt stays pending while its line is high. */
		if (bit) {
			s->flags &= ~IRQ_LATCH;
			if (s->flags & IRQ_IN_LR)
				s->flags |= IRQ_CLR_PENDING;
		}
		break;
	case BR_SET_ACTIVE:
		if (bit) {
			s->flags |= IRQ_ACTIVE;
			s->flags &= ~IRQ_CLR_ACTIVE;
		}
		break;
	case BR_CLR_ACTIVE:
		if (bit) {
			s->flags &= ~IRQ_ACTIVE;
			if (s->flags & IRQ_IN_LR)
				s->flags |= IRQ_CLR_ACTIVE;
		}
		break;
	}
}

/* 32 interrupts from first, as vCPU cpu sees them. */
static u32 bits_read(struct vgic *vg, unsigned int cpu, unsigned int first,
		     enum bitreg r)
{
	u32 v = 0;

	for (unsigned int i = 0; i < 32; i++) {
		const struct vgic_irq *s = irq_of(vg, cpu, first + i);

		if (s)
			v |= bitreg_get(s, r) << i;
	}
	return v;
}

static void bits_write(struct vgic *vg, unsigned int cpu, unsigned int first,
		       enum bitreg r, u32 v)
{
	for (unsigned int i = 0; i < 32; i++) {
		struct vgic_irq *s = irq_of(vg, cpu, first + i);

		if (!s)
			continue;
		if (r == BR_GROUP || (v >> i) & 1) {
			bitreg_set(s, r, (v >> i) & 1);
			note_change(vg, cpu, first + i);
		}
	}
}

/* Four priority bytes from first; lanes is the byte mask accessed. */
static u32 prio_read(struct vgic *vg, unsigned int cpu, unsigned int first)
{
	u32 v = 0;

	for (unsigned int i = 0; i < 4; i++) {
		const struct vgic_irq *s = irq_of(vg, cpu, first + i);

		if (s)
			v |= (u32)s->priority << (8 * i);
	}
	return v;
}

static void prio_write(struct vgic *vg, unsigned int cpu, unsigned int first,
		       unsigned int nbytes, u32 v)
{
	for (unsigned int i = 0; i < nbytes; i++) {
		struct vgic_irq *s = irq_of(vg, cpu, first + i);

		if (s)
			s->priority = (u8)(v >> (8 * i));
	}
}

/* ICFGR: two bits per interrupt from first, bit 1 of each = edge. */
static u32 cfg_read(struct vgic *vg, unsigned int cpu, unsigned int first)
{
	u32 v = 0;

	for (unsigned int i = 0; i < 16; i++) {
		const struct vgic_irq *s = irq_of(vg, cpu, first + i);

		if (s && (s->flags & IRQ_EDGE))
			v |= 2U << (2 * i);
	}
	return v;
}

/* SGIs are always edge-triggered: callers never pass them here. */
static void cfg_write(struct vgic *vg, unsigned int cpu, unsigned int first,
		      u32 v)
{
	for (unsigned int i = 0; i < 16; i++) {
		struct vgic_irq *s = irq_of(vg, cpu, first + i);

		if (!s)
			continue;
		if ((v >> (2 * i + 1)) & 1)
			s->flags |= IRQ_EDGE;
		else
			s->flags &= ~IRQ_EDGE;
		note_change(vg, cpu, first + i);
	}
}

/* The set/clear register families, by offset from their first register. */
static bool bitreg_of(u64 off, enum bitreg *r, unsigned int *n)
{
	static const struct {
		u64 base;
		enum bitreg r;
	} map[] = {
		{ GICD_IGROUPR, BR_GROUP },
		{ GICD_ISENABLER, BR_SET_ENABLE },
		{ GICD_ICENABLER, BR_CLR_ENABLE },
		{ GICD_ISPENDR, BR_SET_PENDING },
		{ GICD_ICPENDR, BR_CLR_PENDING },
		{ GICD_ISACTIVER, BR_SET_ACTIVE },
		{ GICD_ICACTIVER, BR_CLR_ACTIVE },
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(map); i++) {
		if (off >= map[i].base && off < map[i].base + 0x80) {
			*r = map[i].r;
			*n = (unsigned int)(off - map[i].base) / 4;
			return true;
		}
	}
	return false;
}

/* Sizes other than 32 bits are allowed only where the spec allows them. */
static bool access_ok(u64 off, unsigned int size, bool bytes, bool dword)
{
	if (off & (size - 1))
		return false;
	return size == 4 || (size == 1 && bytes) || (size == 8 && dword);
}

static const u8 gic_id_regs[12] = {
	0x44, 0x00, 0x00, 0x00, /* PIDR4-7 */
	0x92, 0xb4, 0x3b, 0x00, /* PIDR0-3: PIDR2 ArchRev 3 */
	0x0d, 0xf0, 0x05, 0xb1, /* CIDR0-3 */
};

static u32 id_read(u64 off)
{
	return gic_id_regs[(off - GIC_PIDR4) / 4];
}

static u32 dist_typer(const struct vgic *vg)
{
	u32 cpus = vg->nr_cpus > 8 ? 7 : vg->nr_cpus - 1;

	return (ALIGN_UP(vg->nr_irqs, 32) / 32 - 1) |
	       cpus << TYPER_CPUNUMBER_SHIFT | 9U << TYPER_IDBITS_SHIFT |
	       TYPER_A3V;
}

static int dist_read(struct vgic *vg, u64 off, unsigned int size, u64 *value)
{
	bool bytes = off >= GICD_IPRIORITYR && off < GICD_ICFGR;
	bool dword = off >= GICD_IROUTER && off < GICD_IROUTER_END;
	enum bitreg r;
	unsigned int n;

	if (!access_ok(off, size,
		       bytes || (off >= GICD_CPENDSGIR &&
				 off < GICD_SPENDSGIR + 0x10),
		       dword))
		return -EINVAL;
	*value = 0;
	if (off == GICD_CTLR) {
		*value = vg->ctlr | CTLR_ARE | CTLR_DS;
	} else if (off == GICD_TYPER) {
		*value = dist_typer(vg);
	} else if (off == GICD_IIDR) {
		*value = GIC_IIDR_VALUE;
	} else if (bitreg_of(off, &r, &n)) {
		/* INTIDs below 32 live in the redistributors (ARE = 1). */
		if (n)
			*value = bits_read(vg, 0, n * 32, r);
	} else if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		unsigned int first = (unsigned int)(off - GICD_IPRIORITYR);

		if (first >= NR_PRIVATE)
			*value = prio_read(vg, 0, first) &
				 (size == 1 ? 0xffU : 0xffffffffU);
	} else if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
		n = (unsigned int)(off - GICD_ICFGR) / 4;
		if (n >= 2)
			*value = cfg_read(vg, 0, n * 16);
	} else if (dword) {
		unsigned int intid = (unsigned int)(off - GICD_IROUTER) / 8;

		if (intid >= NR_PRIVATE && intid < vg->nr_irqs) {
			u64 route = vg->irouter[intid - NR_PRIVATE];

			*value = size == 8 ? route :
				 off & 4   ? route >> 32 :
					     (u32)route;
		}
	} else if (off >= GIC_PIDR4 && off < GIC_ID_END) {
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

	if (!access_ok(off, size,
		       bytes || (off >= GICD_CPENDSGIR &&
				 off < GICD_SPENDSGIR + 0x10),
		       dword))
		return -EINVAL;
	if (off == GICD_CTLR) {
		u32 old = vg->ctlr;

		vg->ctlr = (u32)value & (CTLR_ENABLE_G0 | CTLR_ENABLE_G1);
		if (vg->ctlr & ~old) {
			/* A group came on: anything of it may be waiting. */
			for (unsigned int c = 0; c < vg->nr_cpus; c++)
				for (unsigned int i = 0; i < NR_PRIVATE; i++)
					note_change(vg, c, i);
			for (unsigned int i = NR_PRIVATE; i < vg->nr_irqs; i++)
				note_change(vg, 0, i);
		}
	} else if (bitreg_of(off, &r, &n)) {
		if (n)
			bits_write(vg, 0, n * 32, r, (u32)value);
	} else if (off >= GICD_IPRIORITYR && off < GICD_ITARGETSR) {
		unsigned int first = (unsigned int)(off - GICD_IPRIORITYR);

		if (first >= NR_PRIVATE)
			prio_write(vg, 0, first, size, (u32)value);
	} else if (off >= GICD_ICFGR && off < GICD_IGRPMODR) {
		n = (unsigned int)(off - GICD_ICFGR) / 4;
		if (n >= 2)
			cfg_write(vg, 0, n * 16, (u32)value);
	} else if (dword) {
		unsigned int intid = (unsigned int)(off - GICD_IROUTER) / 8;
		u64 *route;

		if (intid < NR_PRIVATE || intid >= vg->nr_irqs)
			return 0;
		route = &vg->irouter[intid - NR_PRIVATE];
		if (size == 8)
			*route = value;
		else if (off & 4)
			*route = (*route & 0xffffffffULL) | value << 32;
		else
			*route = (*route & ~0xffffffffULL) | (u32)value;
		*route &= IROUTER_MASK;
		note_change(vg, 0, intid);
	}
	/* Everything else is read-only or RAZ/WI in this configuration. */
	return 0;
}

static u64 redist_typer(struct vgic *vg, unsigned int cpu)
{
	u64 hwid = cpu_hwid(vg, cpu);
	u64 aff = (hwid & 0xffffff) | ((hwid >> 32) & 0xff) << 24;

	return aff << GICR_TYPER_AFF_SHIFT |
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
	if (!access_ok(off, size, false, rd_dword(off)))
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
			*value = WAKER_PROCESSOR_SLEEP | WAKER_CHILDREN_ASLEEP;
	} else if (off >= GIC_PIDR4 && off < GIC_ID_END) {
		*value = id_read(off);
	}
	/* CTLR, STATUSR and the LPI registers read as zero: no LPIs. */
	return 0;
}

static int rd_write(struct vgic *vg, unsigned int cpu, u64 off,
		    unsigned int size, u64 value)
{
	if (!access_ok(off, size, false, rd_dword(off)))
		return -EINVAL;
	if (cpu < vg->nr_cpus && off == GICR_WAKER)
		vg->cpus[cpu].asleep = value & WAKER_PROCESSOR_SLEEP;
	return 0;
}

static int sgi_read(struct vgic *vg, unsigned int cpu, u64 off,
		    unsigned int size, u64 *value)
{
	bool bytes = off >= GICD_IPRIORITYR && off < GICR_IPRIORITYR_END;
	enum bitreg r;
	unsigned int n;

	if (!access_ok(off, size, bytes, false))
		return -EINVAL;
	*value = 0;
	if (cpu >= vg->nr_cpus)
		return 0;
	if (bitreg_of(off, &r, &n)) {
		if (!n)
			*value = bits_read(vg, cpu, 0, r);
	} else if (bytes) {
		*value = prio_read(vg, cpu,
				   (unsigned int)(off - GICD_IPRIORITYR)) &
			 (size == 1 ? 0xffU : 0xffffffffU);
	} else if (off == GICR_ICFGR0) {
		*value = cfg_read(vg, cpu, 0);
	} else if (off == GICR_ICFGR1) {
		*value = cfg_read(vg, cpu, 16);
	}
	return 0;
}

static int sgi_write(struct vgic *vg, unsigned int cpu, u64 off,
		     unsigned int size, u64 value)
{
	bool bytes = off >= GICD_IPRIORITYR && off < GICR_IPRIORITYR_END;
	enum bitreg r;
	unsigned int n;

	if (!access_ok(off, size, bytes, false))
		return -EINVAL;
	if (cpu >= vg->nr_cpus)
		return 0;
	if (bitreg_of(off, &r, &n)) {
		if (!n)
			bits_write(vg, cpu, 0, r, (u32)value);
	} else if (bytes) {
		prio_write(vg, cpu, (unsigned int)(off - GICD_IPRIORITYR), size,
			   (u32)value);
	} else if (off == GICR_ICFGR1) {
		cfg_write(vg, cpu, 16, (u32)value);
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
	cpu = (unsigned int)(off / GIC_RD_FRAME);
	in = off % GIC_RD_FRAME;
	if (in < GIC_SGI_BASE)
		return write ? rd_write(vg, cpu, in, size, *value) :
			       rd_read(vg, cpu, in, size, value);
	in -= GIC_SGI_BASE;
	return write ? sgi_write(vg, cpu, in, size, *value) :
		       sgi_read(vg, cpu, in, size, value);
}

static int vgic_read(struct devemu_instance *inst, u64 offset,
		     unsigned int size, u64 *value)
{
	struct vgic *vg = inst->priv;
	unsigned long flags;
	int err;

	vgic_lock(vg, &flags);
	if (offset < vg->dist_size)
		err = dist_read(vg, offset, size, value);
	else
		err = redist_access(vg, offset, size, value, false);
	unlock_and_kick(vg, flags);
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
	unlock_and_kick(vg, flags);
	return err;
}

/* ---- lines from devices ---- */

/*
 * Devices raise SPIs; a device wired to a PPI (16-31) drives vCPU0's,
 * which is the only meaning a single shared wire can have. SGIs have no
 * lines.
 */
static void vgic_set_line(void *priv, unsigned int irq, bool level)
{
	struct vgic *vg = priv;
	unsigned long flags;

	if (irq < NR_SGIS || irq >= vg->nr_irqs)
		return;
	vgic_lock(vg, &flags);
	set_line_locked(vg, 0, irq, level);
	unlock_and_kick(vg, flags);
}

static bool has_pending_locked(struct vgic *vg, unsigned int cpu)
{
	for (unsigned int i = 0; i < NR_PRIVATE; i++)
		if (deliverable(vg, &vg->cpus[cpu].priv[i]))
			return true;
	for (unsigned int i = NR_PRIVATE; i < vg->nr_irqs; i++)
		if (deliverable(vg, &vg->spis[i - NR_PRIVATE]) &&
		    spi_target(vg, i) == (int)cpu)
			return true;
	return false;
}

static bool vgic_pending(void *priv, struct vcpu *v)
{
	return vgic_vcpu_has_pending(priv, v);
}

static const struct guest_irqchip vgic_irqchip_ops = {
	.set_line = vgic_set_line,
	.pending = vgic_pending,
};

/* ---- the list-register interface (keel/vgic.h) ---- */

struct vgic *vgic_of(struct guest *g)
{
	if (!g || g->irqchip != &vgic_irqchip_ops)
		return NULL;
	return g->irqchip_priv;
}

bool vgic_vcpu_has_pending(struct vgic *vg, struct vcpu *v)
{
	int cpu = vcpu_index(vg, v);
	unsigned long flags;
	bool ret;

	if (cpu < 0)
		return false;
	vgic_lock(vg, &flags);
	ret = has_pending_locked(vg, (unsigned int)cpu);
	spin_unlock_irqrestore(&vg->lock, flags);
	return ret;
}

/* Lower priority value first; equal priorities by INTID. */
static bool lr_before(const struct vgic_lr *a, const struct vgic_lr *b)
{
	return a->priority < b->priority ||
	       (a->priority == b->priority && a->intid < b->intid);
}

/*
 * Keep the best candidates in lrs[first..max) sorted; true when one was
 * left out (the candidate itself or the one it displaced).
 */
static bool lr_insert(struct vgic_lr *lrs, unsigned int first, unsigned int *n,
		      unsigned int max, const struct vgic_lr *c)
{
	unsigned int i;
	bool dropped = false;

	if (*n == max) {
		if (*n == first || !lr_before(c, &lrs[*n - 1]))
			return true;
		(*n)--;
		dropped = true;
	}
	for (i = *n; i > first && lr_before(c, &lrs[i - 1]); i--)
		lrs[i] = lrs[i - 1];
	lrs[i] = *c;
	(*n)++;
	return dropped;
}

static void lr_make(const struct vgic_irq *s, unsigned int intid, bool pending,
		    struct vgic_lr *lr)
{
	lr->intid = intid;
	lr->priority = s->priority;
	lr->pending = pending;
	lr->active = s->flags & IRQ_ACTIVE;
	lr->group1 = s->flags & IRQ_GROUP1;
	lr->eoi_notify = !(s->flags & IRQ_EDGE);
}

/* The LR's state now lives in the LR. */
static void hand_out(struct vgic_irq *s, const struct vgic_lr *lr,
		     unsigned int cpu)
{
	s->flags &= ~(IRQ_LR_FLAGS | IRQ_ACTIVE);
	s->flags |= IRQ_IN_LR;
	if (lr->pending) {
		s->flags |= IRQ_LR_PENDING;
		if (s->flags & IRQ_LATCH)
			s->flags |= IRQ_LR_LATCH;
		s->flags &= ~IRQ_LATCH;
	}
	if (lr->active)
		s->flags |= IRQ_LR_ACTIVE;
	s->owner = (u8)cpu;
}

/*
 * Whether an active interrupt not in an LR belongs to cpu: private ones
 * always, an SPI to the vCPU that last held it, else its target.
 */
static bool active_for(struct vgic *vg, const struct vgic_irq *s,
		       unsigned int intid, unsigned int cpu)
{
	if (!(s->flags & IRQ_ACTIVE) || (s->flags & IRQ_IN_LR))
		return false;
	if (intid < NR_PRIVATE)
		return true;
	if (s->owner != NO_VCPU)
		return s->owner == cpu;
	return spi_target(vg, intid) == (int)cpu;
}

unsigned int vgic_fill_lrs(struct vgic *vg, struct vcpu *v, struct vgic_lr *lrs,
			   unsigned int max, bool *more)
{
	int c = vcpu_index(vg, v);
	unsigned int cpu, n = 0, nactive;
	unsigned long flags;
	bool left = false;

	*more = false;
	if (c < 0)
		return 0;
	cpu = (unsigned int)c;
	vgic_lock(vg, &flags);
	/*
	 * The common case on an exit: nothing happened since the last fill
	 * found nothing, so skip scanning every interrupt.
	 */
	if (vg->cpus[cpu].quiet_gen == vg->gen - 1) {
		vg->cpus[cpu].quiet_gen = vg->gen;
		spin_unlock_irqrestore(&vg->lock, flags);
		return 0;
	}
	/* Active first: the guest must be able to deactivate them. */
	for (unsigned int i = 0; i < vg->nr_irqs; i++) {
		struct vgic_irq *s = irq_of(vg, cpu, i);
		struct vgic_lr lr;

		if (!active_for(vg, s, i, cpu))
			continue;
		/*
		 * An active level interrupt goes out active only: its line is
		 * sampled again when the guest completes it (eoi_notify), since
		 * the handler running now is what lowers it. Pending from the
		 * line as last seen would deliver it a second time.
		 */
		lr_make(s, i,
			is_pending(s) && (s->flags & IRQ_ENABLED) &&
				group_enabled(vg, s) &&
				((s->flags & IRQ_EDGE) ||
				 (s->flags & IRQ_LATCH)),
			&lr);
		left |= lr_insert(lrs, 0, &n, max, &lr);
	}
	nactive = n;
	for (unsigned int i = 0; i < vg->nr_irqs; i++) {
		struct vgic_irq *s = irq_of(vg, cpu, i);
		struct vgic_lr lr;

		if ((s->flags & IRQ_ACTIVE) || !deliverable(vg, s))
			continue;
		if (i >= NR_PRIVATE && spi_target(vg, i) != (int)cpu)
			continue;
		lr_make(s, i, true, &lr);
		left |= lr_insert(lrs, nactive, &n, max, &lr);
	}
	for (unsigned int i = 0; i < n; i++)
		hand_out(irq_of(vg, cpu, lrs[i].intid), &lrs[i], cpu);
	vg->cpus[cpu].quiet_gen = (n || left) ? NO_GEN : vg->gen;
	spin_unlock_irqrestore(&vg->lock, flags);
	*more = left;
	return n;
}

void vgic_sync_lrs(struct vgic *vg, struct vcpu *v, const struct vgic_lr *lrs,
		   unsigned int n)
{
	int c = vcpu_index(vg, v);
	unsigned long flags;

	/* Nothing was handed out: nothing to take back (keeps gen quiet). */
	if (c < 0 || !n)
		return;
	vgic_lock(vg, &flags);
	for (unsigned int i = 0; i < n; i++) {
		struct vgic_irq *s = irq_of(vg, (unsigned int)c, lrs[i].intid);
		u16 f;

		if (!s || !(s->flags & IRQ_IN_LR) || s->owner != c)
			continue;
		f = s->flags;
		/*
		 * A level interrupt's pending state is its line's unless it
		 * was latched in software; the line is current here.
		 */
		if (lrs[i].pending && !(f & IRQ_CLR_PENDING) &&
		    ((f & IRQ_EDGE) || (f & IRQ_LR_LATCH)))
			f |= IRQ_LATCH;
		if (lrs[i].active && !(f & IRQ_CLR_ACTIVE))
			f |= IRQ_ACTIVE;
		s->flags = f & ~IRQ_LR_FLAGS;
		note_change(vg, (unsigned int)c, lrs[i].intid);
	}
	/* v is out of the guest and fills its LRs before going back. */
	vg->kick &= ~(1U << c);
	unlock_and_kick(vg, flags);
}

void vgic_sgi1r_write(struct vgic *vg, struct vcpu *src, u64 value)
{
	int from = vcpu_index(vg, src);
	unsigned int intid = SGI1R_INTID(value);
	unsigned long flags;

	vgic_lock(vg, &flags);
	if (value & SGI1R_IRM) {
		for (unsigned int c = 0; c < vg->nr_cpus; c++) {
			if ((int)c == from)
				continue;
			vg->cpus[c].priv[intid].flags |= IRQ_LATCH;
			note_change(vg, c, intid);
		}
	} else {
		u64 aff = SGI1R_AFF3(value) << 32 | SGI1R_AFF2(value) << 16 |
			  SGI1R_AFF1(value) << 8;
		u32 targets = SGI1R_TARGETS(value);

		for (unsigned int b = 0; b < 16; b++) {
			int c;

			if (!(targets & (1U << b)))
				continue;
			c = vcpu_by_hwid(vg, aff | (SGI1R_RS(value) * 16 + b));
			if (c < 0)
				continue;
			vg->cpus[c].priv[intid].flags |= IRQ_LATCH;
			note_change(vg, (unsigned int)c, intid);
		}
	}
	unlock_and_kick(vg, flags);
}

void vgic_set_private_line(struct vgic *vg, struct vcpu *v, u32 intid,
			   bool level)
{
	int c = vcpu_index(vg, v);
	unsigned long flags;

	if (c < 0 || intid < NR_SGIS || intid >= NR_PRIVATE)
		return;
	/*
	 * Only the vCPU itself drives its private lines, so an unchanged
	 * level can be seen without the lock (and leaves gen quiet).
	 */
	if (!!(READ_ONCE(vg->cpus[c].priv[intid].flags) & IRQ_LINE) == level)
		return;
	vgic_lock(vg, &flags);
	set_line_locked(vg, (unsigned int)c, intid, level);
	unlock_and_kick(vg, flags);
}

/* ---- the emulator ---- */

static int read_nr_irqs(struct devemu_instance *inst,
			const struct devtree_node *node, unsigned int *out)
{
	u32 n;
	int err = devtree_prop_read_u32(node, "keel,nr-irqs", &n);

	if (err == -ENOENT) {
		*out = DEFAULT_NR_IRQS;
		return 0;
	}
	if (err || n < 64 || n > MAX_NR_IRQS) {
		devemu_error(inst, "keel,nr-irqs must be 64 to %u",
			     MAX_NR_IRQS);
		return -EINVAL;
	}
	/* Whole registers of 32 lines, short of the special INTIDs. */
	*out = MIN(ALIGN_UP(n, 32), MAX_NR_IRQS);
	return 0;
}

static int vgic_probe(struct devemu_instance *inst,
		      const struct devtree_node *node)
{
	struct guest *g = inst->guest;
	u64 rd_base, rd_size;
	unsigned int nr_irqs;
	struct vgic *vg;
	u32 nr_cpus;
	int err;

	if (inst->size < GIC_DIST_SIZE) {
		devemu_error(inst,
			     "distributor window of %#llx bytes is "
			     "smaller than 64 KiB",
			     (unsigned long long)inst->size);
		return -EINVAL;
	}
	if (devtree_prop_read_u32(g->config, "vcpus", &nr_cpus))
		nr_cpus = g->nr_vcpus;
	if (!nr_cpus || nr_cpus > GUEST_MAX_VCPUS) {
		devemu_error(inst, "cannot tell the number of vCPUs");
		return -EINVAL;
	}
	if (devtree_read_reg(node, 1, &rd_base, &rd_size)) {
		devemu_error(inst, "\"reg\" needs a second entry: the "
				   "redistributors");
		return -EINVAL;
	}
	if (rd_size < nr_cpus * GIC_RD_FRAME) {
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
	err = read_nr_irqs(inst, node, &nr_irqs);
	if (err)
		return err;
	if (g->irqchip) {
		devemu_error(inst, "the guest already has an interrupt "
				   "controller");
		return -EBUSY;
	}
	vg = keel_zalloc(sizeof(*vg));
	if (!vg)
		goto nomem;
	vg->cpus = keel_calloc(nr_cpus, sizeof(*vg->cpus));
	vg->spis = keel_calloc(nr_irqs - NR_PRIVATE, sizeof(*vg->spis));
	vg->irouter = keel_calloc(nr_irqs - NR_PRIVATE, sizeof(*vg->irouter));
	if (!vg->cpus || !vg->spis || !vg->irouter)
		goto nomem;
	spin_lock_init(&vg->lock);
	vg->inst = inst;
	vg->guest = g;
	vg->dist_size = inst->size;
	vg->rd_delta = rd_base - inst->base;
	vg->rd_size = rd_size;
	vg->nr_irqs = nr_irqs;
	vg->nr_cpus = nr_cpus;
	reset_locked(vg);
	/* Core reports why a window could not be added. */
	err = devemu_add_window(inst, rd_base, rd_size);
	if (err)
		goto fail;
	inst->priv = vg;
	guest_set_irqchip(g, &vgic_irqchip_ops, vg);
	return 0;
nomem:
	devemu_error(inst, "out of memory");
	err = -ENOMEM;
fail:
	if (vg) {
		keel_free(vg->cpus);
		keel_free(vg->spis);
		keel_free(vg->irouter);
		keel_free(vg);
	}
	return err;
}

static void vgic_reset(struct devemu_instance *inst)
{
	struct vgic *vg = inst->priv;
	unsigned long flags;

	vgic_lock(vg, &flags);
	reset_locked(vg);
	spin_unlock_irqrestore(&vg->lock, flags);
}

static void vgic_remove(struct devemu_instance *inst)
{
	struct vgic *vg = inst->priv;

	if (!vg)
		return;
	if (vg->guest->irqchip_priv == vg)
		guest_set_irqchip(vg->guest, NULL, NULL);
	inst->priv = NULL;
	keel_free(vg->cpus);
	keel_free(vg->spis);
	keel_free(vg->irouter);
	keel_free(vg);
}

static const char *const vgic_compatible[] = { "arm,gic-v3", NULL };

static const struct emulator vgic_v3_emulator = {
	.name = "vgic-v3",
	.compatible = vgic_compatible,
	.probe = vgic_probe,
	.read = vgic_read,
	.write = vgic_write,
	.reset = vgic_reset,
	.remove = vgic_remove,
};
EMULATOR_REGISTER(vgic_v3_emulator);
