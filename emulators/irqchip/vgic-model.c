// SPDX-License-Identifier: GPL-2.0
/*
 * The interrupt state of a guest's GIC (see vgic-model.h), following the
 * GICv3/v4 architecture specification (ARM IHI 0069) and, for what only
 * GICv2 has (SGI sources, CPU target masks), the GICv2 specification
 * (ARM IHI 0048). Priorities keep all 8 bits: the list registers drop
 * what the hardware does not implement, so nothing is gained by dropping
 * them here first.
 */
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/printf.h>
#include "vgic-model.h"

static const struct guest_irqchip vgic_irqchip_ops;

/* ---- state ---- */

struct vcpu *vgic_vcpu_at(struct vgic *vg, unsigned int i)
{
	if (i >= vg->nr_cpus || i >= GUEST_MAX_VCPUS)
		return NULL;
	return READ_ONCE(vg->guest->vcpus[i]);
}

int vgic_vcpu_index(struct vgic *vg, const struct vcpu *v)
{
	if (!v || v->index >= vg->nr_cpus)
		return -1;
	return (int)v->index;
}

int vgic_vcpu_by_hwid(struct vgic *vg, u64 hwid)
{
	/*
	 * First the vCPU that Keel's arm64 numbering gives this affinity
	 * (Aff1 * 16 + Aff0, arch/arm64/vcpu.c), checked like any other.
	 */
	u64 guess = ((hwid >> 8) & 0xff) * 16 + (hwid & 0xff);

	if (guess < vg->nr_cpus && !(hwid >> 16)) {
		struct vcpu *v = vgic_vcpu_at(vg, (unsigned int)guess);

		if (v && (arch_vcpu_hwid(v) & GICD_IROUTER_AFF_MASK) == hwid)
			return (int)guess;
	}
	for (unsigned int i = 0; i < vg->nr_cpus; i++) {
		struct vcpu *v = vgic_vcpu_at(vg, i);

		/* IROUTER's affinity fields sit where MPIDR's do. */
		if (v && (arch_vcpu_hwid(v) & GICD_IROUTER_AFF_MASK) == hwid)
			return (int)i;
	}
	return -1;
}

struct vgic_irq *vgic_irq_of(struct vgic *vg, unsigned int cpu,
			     unsigned int intid)
{
	if (intid < GIC_NR_PRIVATE)
		return cpu < vg->nr_cpus ? &vg->cpus[cpu].priv[intid] : NULL;
	if (intid < vg->nr_irqs)
		return &vg->spis[intid - GIC_NR_PRIVATE];
	return NULL;
}

/*
 * Where an SPI goes, or -1 when nobody matches. GICv3: IRM ("any PE")
 * picks vCPU0, otherwise the vCPU with the routed affinity. GICv2: the
 * lowest vCPU of the target mask, which the "1-N" model allows.
 */
static int spi_target(struct vgic *vg, unsigned int intid)
{
	if (vg->version == VGIC_V2) {
		u8 mask = vg->itargets[intid - GIC_NR_PRIVATE];

		/* With one CPU interface, everything targets it (IHI 0048B). */
		if (vg->nr_cpus == 1)
			return 0;
		for (unsigned int c = 0; c < vg->nr_cpus; c++)
			if (mask & (1U << c))
				return (int)c;
		return -1;
	}
	if (vg->irouter[intid - GIC_NR_PRIVATE] & GICD_IROUTER_IRM)
		return 0;
	return vgic_vcpu_by_hwid(vg, vg->irouter[intid - GIC_NR_PRIVATE] &
					     GICD_IROUTER_AFF_MASK);
}

static __always_inline bool is_pending(const struct vgic_irq *s)
{
	return (s->flags & IRQ_LATCH) ||
	       (!(s->flags & IRQ_EDGE) && (s->flags & IRQ_LINE));
}

static __always_inline bool group_enabled(const struct vgic *vg,
					  const struct vgic_irq *s)
{
	return vg->ctlr & (s->flags & IRQ_GROUP1 ? GICD_CTLR_ENABLE_G1 :
						   GICD_CTLR_ENABLE_G0);
}

static __always_inline bool deliverable(const struct vgic *vg,
					const struct vgic_irq *s)
{
	return is_pending(s) && (s->flags & IRQ_ENABLED) &&
	       group_enabled(vg, s) && !(s->flags & IRQ_IN_LR);
}

/* Keep intid's bit of the interest sets in step with its state. */
static __always_inline void update_interest(struct vgic *vg, unsigned int cpu,
					    unsigned int intid,
					    const struct vgic_irq *s)
{
	bool on = !(s->flags & IRQ_IN_LR) &&
		  (is_pending(s) || (s->flags & IRQ_ACTIVE));

	if (intid < GIC_NR_PRIVATE) {
		if (on)
			vg->cpus[cpu].interest |= 1U << intid;
		else
			vg->cpus[cpu].interest &= ~(1U << intid);
	} else {
		unsigned int n = intid - GIC_NR_PRIVATE, w = n / 64;

		if (on)
			vg->spi_interest[w] |= 1ULL << (n % 64);
		else
			vg->spi_interest[w] &= ~(1ULL << (n % 64));
		if (vg->spi_interest[w])
			vg->spi_summary |= 1ULL << w;
		else
			vg->spi_summary &= ~(1ULL << w);
	}
}

/* The first interesting INTID from i on, as vCPU cpu sees them, or nr_irqs. */
static __always_inline unsigned int
next_interesting(struct vgic *vg, unsigned int cpu, unsigned int i)
{
	if (i < GIC_NR_PRIVATE) {
		u32 bits = vg->cpus[cpu].interest >> i;

		if (bits)
			return i + (unsigned int)__builtin_ctz(bits);
		i = GIC_NR_PRIVATE;
	}
	if (i < vg->nr_irqs && vg->spi_summary) {
		unsigned int n = i - GIC_NR_PRIVATE, w = n / 64;
		u64 word = vg->spi_interest[w] >> (n % 64), later;

		if (word)
			return i + (unsigned int)__builtin_ctzll(word);
		/* The next word with a bit set, from the summary. */
		later = w + 1 < 64 ? vg->spi_summary >> (w + 1) << (w + 1) : 0;
		if (later) {
			w = (unsigned int)__builtin_ctzll(later);
			return GIC_NR_PRIVATE + w * 64 +
			       (unsigned int)__builtin_ctzll(
				       vg->spi_interest[w]);
		}
	}
	return vg->nr_irqs;
}

#define for_each_interesting(vg, cpu, i)                              \
	for ((i) = next_interesting(vg, cpu, 0); (i) < (vg)->nr_irqs; \
	     (i) = next_interesting(vg, cpu, (i) + 1))

/*
 * After a change to intid's state: a vCPU that can now take it must look,
 * and so must one whose LRs hold it, so that the change reaches it.
 */
void vgic_note_change(struct vgic *vg, unsigned int cpu, unsigned int intid)
{
	struct vgic_irq *s = vgic_irq_of(vg, cpu, intid);
	int t;

	if (!s)
		return;
	update_interest(vg, cpu, intid, s);
	if (s->flags & IRQ_IN_LR) {
		if (s->owner < vg->nr_cpus)
			vg->kick |= 1U << s->owner;
		return;
	}
	if (!deliverable(vg, s))
		return;
	t = intid < GIC_NR_PRIVATE ? (int)cpu : spi_target(vg, intid);
	if (t >= 0)
		vg->kick |= 1U << t;
}

/*
 * vgic_note_change() for a change made by vCPU cpu's own thread: its
 * private interrupts concern only itself, and it looks at the model
 * before it goes back in, so they need no kick.
 */
static __always_inline void note_own_change(struct vgic *vg, unsigned int cpu,
					    unsigned int intid,
					    const struct vgic_irq *s)
{
	if (intid < GIC_NR_PRIVATE)
		update_interest(vg, cpu, intid, s);
	else
		vgic_note_change(vg, cpu, intid);
}

void vgic_note_all(struct vgic *vg)
{
	for (unsigned int c = 0; c < vg->nr_cpus; c++)
		for (unsigned int i = 0; i < GIC_NR_PRIVATE; i++)
			vgic_note_change(vg, c, i);
	for (unsigned int i = GIC_NR_PRIVATE; i < vg->nr_irqs; i++)
		vgic_note_change(vg, 0, i);
}

void vgic_lock(struct vgic *vg, unsigned long *flags)
{
	spin_lock_irqsave(&vg->lock, *flags);
	vg->gen++;
}

/* A look that changes nothing: gen stays, quiet vCPUs stay quiet. */
void vgic_lock_read(struct vgic *vg, unsigned long *flags)
{
	spin_lock_irqsave(&vg->lock, *flags);
}

void vgic_unlock_read(struct vgic *vg, unsigned long flags)
{
	spin_unlock_irqrestore(&vg->lock, flags);
}

/* fn for each of the model's vCPUs whose bit is set in mask. */
static void each_vcpu_in(struct vgic *vg, u32 mask, void (*fn)(struct vcpu *))
{
	while (mask) {
		struct vcpu *v =
			vgic_vcpu_at(vg, (unsigned int)__builtin_ctz(mask));

		mask &= mask - 1;
		if (v)
			fn(v);
	}
}

void vgic_unlock_and_kick(struct vgic *vg, unsigned long flags)
{
	u32 kick = vg->kick, sent = vg->sgi_sent;

	vg->kick = 0;
	vg->sgi_sent = 0;
	spin_unlock_irqrestore(&vg->lock, flags);
	/*
	 * The calling vCPU's SGIs, latched: their targets may run first.
	 * Before the kicks: a waiting target is still seen waiting, cheaply.
	 */
	if (unlikely(sent))
		each_vcpu_in(vg, sent, vcpu_ipi_sent);
	each_vcpu_in(vg, kick, vcpu_kick);
}

/*
 * The same for a change made by vCPU self's own thread: it is out of its
 * guest and fills its LRs before going back, so it needs no kick.
 */
static inline void unlock_and_kick_others(struct vgic *vg, unsigned int self,
					  unsigned long flags)
{
	vg->kick &= ~(1U << self);
	vgic_unlock_and_kick(vg, flags);
}

void vgic_latch_sgi(struct vgic *vg, unsigned int cpu, unsigned int intid,
		    unsigned int source)
{
	if (cpu >= vg->nr_cpus || intid >= GIC_NR_SGIS)
		return;
	if (vg->version == VGIC_V2)
		vg->cpus[cpu].sgi_sources[intid] |= (u8)(1U << source);
	vg->cpus[cpu].priv[intid].flags |= IRQ_LATCH;
	vg->sgi_sent |= 1U << cpu;
	vgic_note_change(vg, cpu, intid);
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
		struct vgic_cpu *vc = &vg->cpus[c];

		for (unsigned int i = 0; i < GIC_NR_PRIVATE; i++)
			reset_irq(&vc->priv[i], i < GIC_NR_SGIS);
		for (unsigned int i = 0; i < GIC_NR_SGIS; i++)
			vc->sgi_sources[i] = vc->sgi_lr_source[i] = 0;
		vc->asleep = true;
		vc->quiet_gen = NO_GEN;
		vc->interest = 0;
		for (unsigned int i = 0; i < GIC_NR_PRIVATE; i++)
			update_interest(vg, c, i, &vc->priv[i]);
	}
	for (unsigned int i = 0; i < vg->nr_irqs - GIC_NR_PRIVATE; i++) {
		reset_irq(&vg->spis[i], false);
		update_interest(vg, 0, GIC_NR_PRIVATE + i, &vg->spis[i]);
		if (vg->irouter)
			vg->irouter[i] = 0;
		if (vg->itargets)
			vg->itargets[i] = 0;
	}
}

/* A changed line's level; a rising edge latches an edge-triggered one. */
static __always_inline void line_flags_set(struct vgic_irq *s, bool level)
{
	if (level) {
		s->flags |= IRQ_LINE;
		if (s->flags & IRQ_EDGE)
			s->flags |= IRQ_LATCH;
	} else {
		s->flags &= ~IRQ_LINE;
	}
}

/* Drive a line. */
static void set_line_locked(struct vgic *vg, unsigned int cpu,
			    unsigned int intid, bool level)
{
	struct vgic_irq *s = vgic_irq_of(vg, cpu, intid);

	if (!s || !!(s->flags & IRQ_LINE) == level)
		return;
	line_flags_set(s, level);
	vgic_note_change(vg, cpu, intid);
}

/* ---- register families ---- */

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

u32 vgic_bits_read(struct vgic *vg, unsigned int cpu, unsigned int first,
		   enum bitreg r)
{
	u32 v = 0;

	for (unsigned int i = 0; i < 32; i++) {
		const struct vgic_irq *s = vgic_irq_of(vg, cpu, first + i);

		if (s)
			v |= bitreg_get(s, r) << i;
	}
	return v;
}

void vgic_bits_write(struct vgic *vg, unsigned int cpu, unsigned int first,
		     enum bitreg r, u32 v)
{
	for (unsigned int i = 0; i < 32; i++) {
		struct vgic_irq *s = vgic_irq_of(vg, cpu, first + i);

		if (!s)
			continue;
		if (r == BR_GROUP || (v >> i) & 1) {
			bitreg_set(s, r, (v >> i) & 1);
			vgic_note_change(vg, cpu, first + i);
		}
	}
}

u32 vgic_prio_read(struct vgic *vg, unsigned int cpu, unsigned int first)
{
	u32 v = 0;

	for (unsigned int i = 0; i < 4; i++) {
		const struct vgic_irq *s = vgic_irq_of(vg, cpu, first + i);

		if (s)
			v |= (u32)s->priority << (8 * i);
	}
	return v;
}

void vgic_prio_write(struct vgic *vg, unsigned int cpu, unsigned int first,
		     unsigned int nbytes, u32 v)
{
	for (unsigned int i = 0; i < nbytes; i++) {
		struct vgic_irq *s = vgic_irq_of(vg, cpu, first + i);

		if (s)
			s->priority = (u8)(v >> (8 * i));
	}
}

u32 vgic_cfg_read(struct vgic *vg, unsigned int cpu, unsigned int first)
{
	u32 v = 0;

	for (unsigned int i = 0; i < 16; i++) {
		const struct vgic_irq *s = vgic_irq_of(vg, cpu, first + i);

		if (s && (s->flags & IRQ_EDGE))
			v |= 2U << (2 * i);
	}
	return v;
}

/* SGIs are always edge-triggered: callers never pass them here. */
void vgic_cfg_write(struct vgic *vg, unsigned int cpu, unsigned int first,
		    u32 v)
{
	for (unsigned int i = 0; i < 16; i++) {
		struct vgic_irq *s = vgic_irq_of(vg, cpu, first + i);

		if (!s)
			continue;
		if ((v >> (2 * i + 1)) & 1)
			s->flags |= IRQ_EDGE;
		else
			s->flags &= ~IRQ_EDGE;
		vgic_note_change(vg, cpu, first + i);
	}
}

bool vgic_bitreg_of(u64 off, enum bitreg *r, unsigned int *n)
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

bool vgic_access_ok(u64 off, unsigned int size, bool bytes, bool dword)
{
	if (off & (size - 1))
		return false;
	return size == 4 || (size == 1 && bytes) || (size == 8 && dword);
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

	if (irq < GIC_NR_SGIS || irq >= vg->nr_irqs)
		return;
	vgic_lock(vg, &flags);
	set_line_locked(vg, 0, irq, level);
	vgic_unlock_and_kick(vg, flags);
}

static bool has_pending_locked(struct vgic *vg, unsigned int cpu)
{
	unsigned int i;

	for_each_interesting(vg, cpu, i)
	{
		if (deliverable(vg, vgic_irq_of(vg, cpu, i)) &&
		    (i < GIC_NR_PRIVATE || spi_target(vg, i) == (int)cpu))
			return true;
	}
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

enum vgic_version vgic_version_of(const struct vgic *vg)
{
	return vg->version;
}

/*
 * SGI generation through the GICv3 CPU interface (ICC_SGI1R_EL1, IHI 0069
 * 12.2.23): to every vCPU but the sender (IRM), or to those whose
 * affinity is Aff3.Aff2.Aff1 with Aff0 = RS * 16 + n for each bit n of
 * TargetList; affinities no vCPU has are skipped. A GICv2 has no such
 * register: its SGIs come through GICD_SGIR (vgic-v2.c).
 */
void vgic_generate_sgi(struct vgic *vg, struct vcpu *src, u64 sgi1r)
{
	int from = vgic_vcpu_index(vg, src);
	unsigned int intid = ICC_SGI1R_INTID(sgi1r);
	unsigned long flags;

	if (vg->version != VGIC_V3)
		return;
	vgic_lock(vg, &flags);
	if (sgi1r & ICC_SGI1R_IRM) {
		for (unsigned int c = 0; c < vg->nr_cpus; c++) {
			if ((int)c == from)
				continue;
			vgic_latch_sgi(vg, c, intid, 0);
		}
	} else {
		u64 aff = ICC_SGI1R_AFF3(sgi1r) << 32 |
			  ICC_SGI1R_AFF2(sgi1r) << 16 |
			  ICC_SGI1R_AFF1(sgi1r) << 8;
		u32 targets = ICC_SGI1R_TARGETS(sgi1r);

		/* The set bits only: most SGIs have one target. */
		for (; targets; targets &= targets - 1) {
			unsigned int b = (unsigned int)__builtin_ctz(targets);
			int c = vgic_vcpu_by_hwid(
				vg, aff | (ICC_SGI1R_RS(sgi1r) * 16 + b));

			if (c < 0)
				continue;
			vgic_latch_sgi(vg, (unsigned int)c, intid, 0);
		}
	}
	vgic_unlock_and_kick(vg, flags);
}

bool vgic_vcpu_has_pending(struct vgic *vg, struct vcpu *v)
{
	int cpu = vgic_vcpu_index(vg, v);
	unsigned long flags;
	bool ret;

	if (cpu < 0)
		return false;
	vgic_lock_read(vg, &flags);
	ret = has_pending_locked(vg, (unsigned int)cpu);
	vgic_unlock_read(vg, flags);
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
static __always_inline bool lr_insert(struct vgic_lr *lrs, unsigned int first,
				      unsigned int *n, unsigned int max,
				      const struct vgic_lr *c)
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

/*
 * A GICv2 SGI goes out once per source: the lowest source pending, or,
 * when it is active only, the source it was taken from.
 */
static u8 sgi_source(struct vgic *vg, unsigned int cpu, unsigned int intid,
		     bool pending)
{
	u8 sources = vg->cpus[cpu].sgi_sources[intid];

	if (!pending || !sources)
		return vg->cpus[cpu].sgi_lr_source[intid];
	return (u8)__builtin_ctz(sources);
}

static __always_inline void lr_make(struct vgic *vg, unsigned int cpu,
				    const struct vgic_irq *s,
				    unsigned int intid, bool pending,
				    struct vgic_lr *lr)
{
	lr->intid = intid;
	lr->priority = s->priority;
	lr->pending = pending;
	lr->active = s->flags & IRQ_ACTIVE;
	lr->group1 = s->flags & IRQ_GROUP1;
	lr->eoi_notify = !(s->flags & IRQ_EDGE);
	lr->source = 0;
	if (vg->version == VGIC_V2 && intid < GIC_NR_SGIS)
		lr->source = sgi_source(vg, cpu, intid, pending);
}

/* The LR's state now lives in the LR. */
static void hand_out(struct vgic *vg, struct vgic_irq *s,
		     const struct vgic_lr *lr, unsigned int cpu)
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
	if (vg->version == VGIC_V2 && lr->intid < GIC_NR_SGIS) {
		struct vgic_cpu *vc = &vg->cpus[cpu];

		vc->sgi_lr_source[lr->intid] = lr->source;
		if (lr->pending) {
			vc->sgi_sources[lr->intid] &= (u8) ~(1U << lr->source);
			/* Other sources wait for this one to come back. */
			if (vc->sgi_sources[lr->intid])
				s->flags |= IRQ_LATCH;
		}
	}
	update_interest(vg, cpu, lr->intid, s);
}

/*
 * Whether an active interrupt not in an LR belongs to cpu: private ones
 * always, an SPI to the vCPU that last held it, else its target.
 */
static __always_inline bool active_for(struct vgic *vg,
				       const struct vgic_irq *s,
				       unsigned int intid, unsigned int cpu)
{
	if (!(s->flags & IRQ_ACTIVE) || (s->flags & IRQ_IN_LR))
		return false;
	if (intid < GIC_NR_PRIVATE)
		return true;
	if (s->owner != NO_VCPU)
		return s->owner == cpu;
	return spi_target(vg, intid) == (int)cpu;
}

/*
 * What vgic_fill_lrs() would find when a single private interrupt of
 * cpu's is of interest, pending and deliverable, not active, and no SPI
 * is (even one for another vCPU, to keep the test cheap): handed out
 * into *lr without the walk. Lock held.
 */
static __always_inline bool hand_out_alone(struct vgic *vg, unsigned int cpu,
					   struct vgic_lr *lr)
{
	u32 interest = vg->cpus[cpu].interest;
	unsigned int intid;
	struct vgic_irq *s;

	if (!interest || (interest & (interest - 1)) || vg->spi_summary)
		return false;
	intid = (unsigned int)__builtin_ctz(interest);
	s = &vg->cpus[cpu].priv[intid];
	if ((s->flags & IRQ_ACTIVE) || !deliverable(vg, s))
		return false;
	lr_make(vg, cpu, s, intid, true, lr);
	hand_out(vg, s, lr, cpu);
	/* As a fill that handed something out leaves it. */
	vg->cpus[cpu].quiet_gen = NO_GEN;
	return true;
}

unsigned int vgic_fill_lrs(struct vgic *vg, struct vcpu *v, struct vgic_lr *lrs,
			   unsigned int max, bool *more)
{
	int c = vgic_vcpu_index(vg, v);
	unsigned int cpu, i, n = 0, npend = 0;
	struct vgic_lr pend[VGIC_MAX_LRS];
	unsigned long flags;
	bool left = false;

	*more = false;
	if (max > VGIC_MAX_LRS)
		max = VGIC_MAX_LRS;
	if (c < 0)
		return 0;
	cpu = (unsigned int)c;
	vgic_lock_read(vg, &flags);
	/*
	 * Nothing of interest for anyone's walk to find: a look that changes
	 * nothing, which leaves gen, and so the other vCPUs' quiet, alone
	 * (the vCPU switched to after another's exit finds this).
	 */
	if (!vg->cpus[cpu].interest && !vg->spi_summary) {
		vg->cpus[cpu].quiet_gen = vg->gen;
		vgic_unlock_read(vg, flags);
		return 0;
	}
	vg->gen++; /* as vgic_lock() */
	/*
	 * The common case on an exit: nothing happened since the last fill
	 * found nothing, so skip scanning every interrupt.
	 */
	if (vg->cpus[cpu].quiet_gen == vg->gen - 1) {
		vg->cpus[cpu].quiet_gen = vg->gen;
		spin_unlock_irqrestore(&vg->lock, flags);
		return 0;
	}
	/* The common delivery: one interrupt (a timer's, an IPI). */
	if (max && hand_out_alone(vg, cpu, lrs)) {
		spin_unlock_irqrestore(&vg->lock, flags);
		return 1;
	}
	/*
	 * One walk: active ones sorted into lrs, pending ones into pend,
	 * then appended. Active go first: the guest must be able to
	 * deactivate them.
	 */
	for_each_interesting(vg, cpu, i)
	{
		struct vgic_irq *s = vgic_irq_of(vg, cpu, i);
		struct vgic_lr lr;

		if (active_for(vg, s, i, cpu)) {
			/*
			 * An active level interrupt goes out active only:
			 * its line is sampled again when the guest completes
			 * it (eoi_notify), since the handler running now is
			 * what lowers it. Pending from the line as last seen
			 * would deliver it a second time. A GICv2 SGI
			 * pending from another source waits too: one LR
			 * carries one source.
			 */
			lr_make(vg, cpu, s, i,
				is_pending(s) && (s->flags & IRQ_ENABLED) &&
					group_enabled(vg, s) &&
					((s->flags & IRQ_EDGE) ||
					 (s->flags & IRQ_LATCH)) &&
					!(vg->version == VGIC_V2 &&
					  i < GIC_NR_SGIS),
				&lr);
			left |= lr_insert(lrs, 0, &n, max, &lr);
			continue;
		}
		if ((s->flags & IRQ_ACTIVE) || !deliverable(vg, s))
			continue;
		if (i >= GIC_NR_PRIVATE && spi_target(vg, i) != (int)cpu)
			continue;
		lr_make(vg, cpu, s, i, true, &lr);
		left |= lr_insert(pend, 0, &npend, max, &lr);
	}
	for (i = 0; i < npend; i++) {
		if (n == max) {
			left = true;
			break;
		}
		lrs[n++] = pend[i];
	}
	for (i = 0; i < n; i++)
		hand_out(vg, vgic_irq_of(vg, cpu, lrs[i].intid), &lrs[i], cpu);
	vg->cpus[cpu].quiet_gen = (n || left) ? NO_GEN : vg->gen;
	spin_unlock_irqrestore(&vg->lock, flags);
	*more = left;
	return n;
}

int vgic_quiet_probe_init(struct vgic *vg, struct vcpu *v,
			  struct vgic_quiet_probe *p)
{
	int c = vgic_vcpu_index(vg, v);

	if (c < 0)
		return -EINVAL;
	/* A fill that found nothing leaves quiet_gen at the gen it took. */
	p->quiet_gen = &vg->cpus[c].quiet_gen;
	p->gen = &vg->gen;
	return 0;
}

void vgic_sync_lrs(struct vgic *vg, struct vcpu *v, const struct vgic_lr *lrs,
		   unsigned int n)
{
	int c = vgic_vcpu_index(vg, v);
	unsigned long flags;

	/* Nothing was handed out: nothing to take back (keeps gen quiet). */
	if (c < 0 || !n)
		return;
	vgic_lock(vg, &flags);
	for (unsigned int i = 0; i < n; i++) {
		struct vgic_irq *s =
			vgic_irq_of(vg, (unsigned int)c, lrs[i].intid);
		u16 f;

		if (!s || !(s->flags & IRQ_IN_LR) || s->owner != c)
			continue;
		f = s->flags;
		/*
		 * A level interrupt's pending state is its line's unless it
		 * was latched in software; the line is current here.
		 */
		if (lrs[i].pending && !(f & IRQ_CLR_PENDING) &&
		    ((f & IRQ_EDGE) || (f & IRQ_LR_LATCH))) {
			f |= IRQ_LATCH;
			/* A GICv2 SGI not yet taken keeps its source. */
			if (vg->version == VGIC_V2 &&
			    lrs[i].intid < GIC_NR_SGIS)
				vg->cpus[c].sgi_sources[lrs[i].intid] |=
					(u8)(1U << lrs[i].source);
		}
		if (lrs[i].active && !(f & IRQ_CLR_ACTIVE))
			f |= IRQ_ACTIVE;
		s->flags = f & ~IRQ_LR_FLAGS;
		note_own_change(vg, (unsigned int)c, lrs[i].intid, s);
	}
	unlock_and_kick_others(vg, (unsigned int)c, flags);
}

/*
 * Both of the vCPU's own private-line changes; lr NULL: never hand out.
 * Only the vCPU itself drives its private lines, so an unchanged level
 * can be seen without the lock (and leaves gen quiet).
 */
static __always_inline bool set_private_line(struct vgic *vg, struct vcpu *v,
					     u32 intid, bool level,
					     struct vgic_lr *lr)
{
	int c = vgic_vcpu_index(vg, v);
	struct vgic_irq *s;
	unsigned long flags;
	unsigned int cpu;
	bool handed = false;

	if (c < 0 || intid < GIC_NR_SGIS || intid >= GIC_NR_PRIVATE)
		return false;
	cpu = (unsigned int)c;
	s = &vg->cpus[cpu].priv[intid];
	if (!!(READ_ONCE(s->flags) & IRQ_LINE) == level)
		return false;
	vgic_lock(vg, &flags);
	/*
	 * Again under the lock: a device wired to the same PPI
	 * (vgic_set_line) may have set the level meanwhile, and a second
	 * raise would latch an edge-triggered one twice.
	 */
	if (!!(s->flags & IRQ_LINE) != level) {
		line_flags_set(s, level);
		note_own_change(vg, cpu, intid, s);
	}
	/*
	 * What vgic_fill_lrs() would find: this one interrupt, pending and
	 * deliverable, not active, and nothing else (not even an SPI for
	 * another vCPU, to keep the test cheap).
	 */
	if (lr && level && vg->cpus[cpu].interest == 1U << intid)
		handed = hand_out_alone(vg, cpu, lr);
	unlock_and_kick_others(vg, cpu, flags);
	return handed;
}

void vgic_set_private_line(struct vgic *vg, struct vcpu *v, u32 intid,
			   bool level)
{
	set_private_line(vg, v, intid, level, NULL);
}

bool vgic_set_private_line_to_lr(struct vgic *vg, struct vcpu *v, u32 intid,
				 bool level, struct vgic_lr *lr)
{
	return set_private_line(vg, v, intid, level, lr);
}

/* ---- set-up and tear-down ---- */

/* The node's INTIDs; -EINVAL when "keel,nr-irqs" is out of range. */
static int nr_irqs_of(const struct devtree_node *node, unsigned int *out)
{
	u32 n;
	int err = devtree_prop_read_u32(node, "keel,nr-irqs", &n);

	if (err == -ENOENT) {
		*out = DEFAULT_NR_IRQS;
		return 0;
	}
	if (err || n < 64 || n > GIC_NR_INTIDS)
		return -EINVAL;
	/* Whole registers of 32 lines, short of the special INTIDs. */
	*out = MIN(ALIGN_UP(n, 32), GIC_NR_INTIDS);
	return 0;
}

int vgic_read_nr_irqs(struct devemu_instance *inst,
		      const struct devtree_node *node, unsigned int *out)
{
	int err = nr_irqs_of(node, out);

	if (err)
		devemu_error(inst, "keel,nr-irqs must be 64 to %u",
			     GIC_NR_INTIDS);
	return err;
}

/*
 * A GIC interrupt specifier, the same for both front ends (the Linux
 * binding): <type number flags>, type 0 an SPI (INTID 32 + number), 1 a
 * PPI (INTID 16 + number); the flags (trigger) are the guest's to program
 * in GICD_ICFGR. Numbers the architecture has no INTID for are refused
 * with the architecture's range; SPIs past the node's "keel,nr-irqs" are
 * refused too, since the model would drop them.
 */
int vgic_xlate(const struct devtree_node *node, const u32 *cells,
	       unsigned int *line, char *why, size_t why_size)
{
	u32 type = cells[0], number = cells[1];
	unsigned int arch_count, nr_irqs;

	if (type > GIC_SPEC_PPI) {
		snprintf(why, why_size,
			 "type %u is neither SPI (0) nor PPI (1)", type);
		return -EINVAL;
	}
	/* The architecture's INTIDs: PPIs 16-31, SPIs 32-1019. */
	arch_count = type == GIC_SPEC_PPI ? GIC_NR_PPIS : GIC_NR_SPIS;
	if (number >= arch_count) {
		snprintf(why, why_size, "%s %u is out of range (0-%u)",
			 type == GIC_SPEC_PPI ? "PPI" : "SPI", number,
			 arch_count - 1);
		return -EINVAL;
	}
	if (type == GIC_SPEC_PPI) {
		*line = GIC_PPI_BASE + number;
		return 0;
	}
	/* A bad keel,nr-irqs is the probe's to report. */
	if (nr_irqs_of(node, &nr_irqs))
		nr_irqs = GIC_NR_INTIDS;
	if (number >= nr_irqs - GIC_NR_PRIVATE) {
		snprintf(why, why_size,
			 "SPI %u is out of this GIC's range (0-%u, "
			 "keel,nr-irqs = %u)",
			 number, nr_irqs - GIC_NR_PRIVATE - 1, nr_irqs);
		return -EINVAL;
	}
	*line = GIC_SPI_BASE + number;
	return 0;
}

int vgic_read_nr_cpus(struct devemu_instance *inst, unsigned int *out)
{
	struct guest *g = inst->guest;
	u32 n;

	if (devtree_prop_read_u32(g->config, "vcpus", &n))
		n = g->nr_vcpus;
	if (!n || n > GUEST_MAX_VCPUS) {
		devemu_error(inst, "cannot tell the number of vCPUs");
		return -EINVAL;
	}
	*out = n;
	return 0;
}

void vgic_free(struct vgic *vg)
{
	if (!vg)
		return;
	keel_free(vg->cpus);
	keel_free(vg->spis);
	keel_free(vg->spi_interest);
	keel_free(vg->irouter);
	keel_free(vg->itargets);
	keel_free(vg);
}

struct vgic *vgic_create(struct devemu_instance *inst,
			 enum vgic_version version, unsigned int nr_cpus,
			 unsigned int nr_irqs)
{
	unsigned int nr_spis = nr_irqs - GIC_NR_PRIVATE;
	struct vgic *vg = keel_zalloc(sizeof(*vg));

	if (!vg)
		goto nomem;
	vg->cpus = keel_calloc(nr_cpus, sizeof(*vg->cpus));
	vg->spis = keel_calloc(nr_spis, sizeof(*vg->spis));
	vg->spi_interest = keel_calloc(ALIGN_UP(nr_spis, 64) / 64,
				       sizeof(*vg->spi_interest));
	if (version == VGIC_V3)
		vg->irouter = keel_calloc(nr_spis, sizeof(*vg->irouter));
	else
		vg->itargets = keel_calloc(nr_spis, sizeof(*vg->itargets));
	if (!vg->cpus || !vg->spis || !vg->spi_interest ||
	    (!vg->irouter && !vg->itargets))
		goto nomem;
	spin_lock_init(&vg->lock);
	vg->version = version;
	vg->inst = inst;
	vg->guest = inst->guest;
	vg->nr_irqs = nr_irqs;
	vg->nr_cpus = nr_cpus;
	reset_locked(vg);
	return vg;
nomem:
	vgic_free(vg);
	devemu_error(inst, "out of memory");
	return NULL;
}

int vgic_attach(struct vgic *vg)
{
	if (vg->guest->irqchip) {
		devemu_error(vg->inst, "the guest already has an interrupt "
				       "controller");
		return -EBUSY;
	}
	vg->inst->priv = vg;
	guest_set_irqchip(vg->guest, &vgic_irqchip_ops, vg);
	return 0;
}

void vgic_emu_reset(struct devemu_instance *inst)
{
	struct vgic *vg = inst->priv;
	unsigned long flags;

	vgic_lock(vg, &flags);
	reset_locked(vg);
	spin_unlock_irqrestore(&vg->lock, flags);
}

void vgic_emu_remove(struct devemu_instance *inst)
{
	struct vgic *vg = inst->priv;

	if (!vg)
		return;
	if (vg->guest->irqchip_priv == vg)
		guest_set_irqchip(vg->guest, NULL, NULL);
	inst->priv = NULL;
	vgic_free(vg);
}
