// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V Platform-Level Interrupt Controller for guests, following the
 * RISC-V PLIC specification 1.0.0 (the memory map of <hw/plic.h>, sources
 * 1 .. riscv,ndev) with the contexts of QEMU's virt machine.
 *
 * vCPU i owns two contexts: 2i for machine mode and 2i + 1 for supervisor
 * mode. Guests run in (V)S mode, so only the S contexts drive a vCPU's
 * external interrupt (guest_irq_pending(), from which the arch sets
 * hvip.VSEIP); the M contexts are registers and nothing else, kept so
 * that a guest probing them reads back what it wrote.
 *
 * Every source is level-triggered, as QEMU's devices are. Its gateway
 * forwards the line while it is high and the source is not claimed: a
 * pending bit follows the line, a claim hides it until the completion,
 * and a line still high then is pending again at once.
 *
 * Priorities and thresholds keep three bits (QEMU virt's seven levels):
 * the registers are WARL, so software that writes all ones and reads back
 * 7 learns what is implemented. A context is interrupted by a pending,
 * enabled source whose priority is above its threshold; a claim returns
 * the highest-priority such source, the lowest ID among equals.
 *
 * A completion is taken only from the context that claimed the source;
 * any other is ignored, so a guest cannot release another hart's
 * interrupt or one it never claimed.
 *
 * Device lines arrive from other emulators (guest_irqchip.set_line) while
 * vCPUs access the registers, so one spinlock covers all state. vCPUs are
 * kicked when their S context's answer changes, after the lock is dropped
 * so that the vCPU's own locks never nest inside it.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/printf.h>
#include <keel/spinlock.h>
#include <hw/plic.h>

/* The priority and threshold bits kept (QEMU virt's seven levels). */
#define PRIORITY_MASK 0x7U

#define CONTEXTS_PER_VCPU 2
#define MAX_CONTEXTS (GUEST_MAX_VCPUS * CONTEXTS_PER_VCPU)
#define NOBODY 0xff

struct plic {
	spinlock_t lock;
	struct guest *guest;
	unsigned int ndev; /* sources 1..ndev */
	unsigned int nr_words; /* 32-bit words of per-source bits */
	unsigned int nr_cpus;
	unsigned int nr_contexts;
	u32 *line; /* input levels from the devices */
	u32 *claimed; /* claimed and not yet completed */
	u8 *priority; /* by source ID */
	u8 *claimer; /* by source ID: the context that claimed it */
	u32 *enable; /* nr_words per context */
	u8 threshold[MAX_CONTEXTS];
	bool output[GUEST_MAX_VCPUS]; /* each S context's answer, as kicked */
	u32 kick; /* vCPUs to kick once the lock is dropped */
};

static const struct guest_irqchip plic_irqchip_ops;

static u32 *enable_words(struct plic *p, unsigned int ctx)
{
	return &p->enable[ctx * p->nr_words];
}

/* The bits of word w that name real sources (not 0, not past ndev). */
static u32 valid_bits(const struct plic *p, unsigned int w)
{
	u32 bits = ~0U;
	unsigned int last = p->ndev - 32 * w; /* highest valid bit, if < 32 */

	if (w == 0)
		bits &= ~1U;
	if (p->ndev < 32 * w + 31)
		bits &= (2U << last) - 1;
	return bits;
}

static u32 pending_word(const struct plic *p, unsigned int w)
{
	return p->line[w] & ~p->claimed[w];
}

/* The source a claim by ctx would return now; 0 when there is none. */
static unsigned int best_source(struct plic *p, unsigned int ctx)
{
	const u32 *en = enable_words(p, ctx);
	unsigned int best = 0, best_prio = p->threshold[ctx];

	for (unsigned int w = 0; w < p->nr_words; w++) {
		u32 bits = pending_word(p, w) & en[w];

		while (bits) {
			unsigned int id = 32 * w + __builtin_ctz(bits);

			bits &= bits - 1;
			/*
			 * Above the threshold and the best so far; among
			 * equals the lowest ID, found first, stays.
			 */
			if (p->priority[id] > best_prio) {
				best = id;
				best_prio = p->priority[id];
			}
		}
	}
	return best;
}

static unsigned int s_context(unsigned int cpu)
{
	return cpu * CONTEXTS_PER_VCPU + 1;
}

/* After any change: note the vCPUs whose external interrupt changed. */
static void update_outputs(struct plic *p)
{
	for (unsigned int cpu = 0; cpu < p->nr_cpus; cpu++) {
		bool out = best_source(p, s_context(cpu)) != 0;

		if (out != p->output[cpu]) {
			p->output[cpu] = out;
			p->kick |= 1U << cpu;
		}
	}
}

static void unlock_and_kick(struct plic *p, unsigned long flags)
{
	u32 kick;

	update_outputs(p);
	kick = p->kick;
	p->kick = 0;
	spin_unlock_irqrestore(&p->lock, flags);
	for (unsigned int i = 0; kick; i++, kick >>= 1) {
		struct vcpu *v;

		if (!(kick & 1) || i >= GUEST_MAX_VCPUS)
			continue;
		v = READ_ONCE(p->guest->vcpus[i]);
		if (v)
			vcpu_kick(v);
	}
}

static unsigned int claim(struct plic *p, unsigned int ctx)
{
	unsigned int id = best_source(p, ctx);

	if (id) {
		p->claimed[id / 32] |= 1U << (id % 32);
		p->claimer[id] = (u8)ctx;
	}
	return id;
}

static void complete(struct plic *p, unsigned int ctx, u32 id)
{
	if (id == 0 || id > p->ndev || p->claimer[id] != ctx)
		return;
	p->claimed[id / 32] &= ~(1U << (id % 32));
	p->claimer[id] = NOBODY;
}

static void reset_locked(struct plic *p)
{
	/* The lines are the devices' outputs: they keep their levels. */
	for (unsigned int w = 0; w < p->nr_words; w++)
		p->claimed[w] = 0;
	for (unsigned int id = 0; id <= p->ndev; id++) {
		p->priority[id] = 0;
		p->claimer[id] = NOBODY;
	}
	for (unsigned int i = 0; i < p->nr_contexts * p->nr_words; i++)
		p->enable[i] = 0;
	for (unsigned int c = 0; c < MAX_CONTEXTS; c++)
		p->threshold[c] = 0;
}

/* ---- the register interface ---- */

static u32 reg_read(struct plic *p, u64 off)
{
	if (off < PLIC_PENDING_BASE) {
		u64 id = off / 4;

		return id >= 1 && id <= p->ndev ? p->priority[id] : 0;
	}
	if (off < PLIC_ENABLE_BASE) {
		u64 w = (off - PLIC_PENDING_BASE) / 4;

		return w < p->nr_words ? pending_word(p, (unsigned int)w) : 0;
	}
	if (off < PLIC_CONTEXT_BASE) {
		u64 ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		u64 w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		if (ctx >= p->nr_contexts || w >= p->nr_words)
			return 0;
		return enable_words(p, (unsigned int)ctx)[w];
	}
	{
		u64 ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		u64 reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

		if (ctx >= p->nr_contexts)
			return 0;
		if (reg == PLIC_CONTEXT_THRESHOLD)
			return p->threshold[ctx];
		if (reg == PLIC_CONTEXT_CLAIM)
			return claim(p, (unsigned int)ctx);
	}
	return 0;
}

static void reg_write(struct plic *p, u64 off, u32 val)
{
	if (off < PLIC_PENDING_BASE) {
		u64 id = off / 4;

		if (id >= 1 && id <= p->ndev)
			p->priority[id] = (u8)(val & PRIORITY_MASK);
		return;
	}
	if (off < PLIC_ENABLE_BASE)
		return; /* pending bits are read-only */
	if (off < PLIC_CONTEXT_BASE) {
		u64 ctx = (off - PLIC_ENABLE_BASE) / PLIC_ENABLE_STRIDE;
		u64 w = (off - PLIC_ENABLE_BASE) % PLIC_ENABLE_STRIDE / 4;

		if (ctx < p->nr_contexts && w < p->nr_words)
			enable_words(p, (unsigned int)ctx)[w] =
				val & valid_bits(p, (unsigned int)w);
		return;
	}
	{
		u64 ctx = (off - PLIC_CONTEXT_BASE) / PLIC_CONTEXT_STRIDE;
		u64 reg = (off - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE;

		if (ctx >= p->nr_contexts)
			return;
		if (reg == PLIC_CONTEXT_THRESHOLD)
			p->threshold[ctx] = (u8)(val & PRIORITY_MASK);
		else if (reg == PLIC_CONTEXT_CLAIM)
			complete(p, (unsigned int)ctx, val);
	}
}

static int plic_read(struct devemu_instance *inst, u64 offset,
		     unsigned int size, u64 *value)
{
	struct plic *p = inst->priv;
	unsigned long flags;

	if (size != 4 || (offset & 3))
		return -EINVAL;
	spin_lock_irqsave(&p->lock, flags);
	*value = reg_read(p, offset);
	/* Only a claim changes anything: no outputs to look at after others. */
	if (offset >= PLIC_CONTEXT_BASE &&
	    (offset - PLIC_CONTEXT_BASE) % PLIC_CONTEXT_STRIDE ==
		    PLIC_CONTEXT_CLAIM)
		unlock_and_kick(p, flags);
	else
		spin_unlock_irqrestore(&p->lock, flags);
	return 0;
}

static int plic_write(struct devemu_instance *inst, u64 offset,
		      unsigned int size, u64 value)
{
	struct plic *p = inst->priv;
	unsigned long flags;

	if (size != 4 || (offset & 3))
		return -EINVAL;
	spin_lock_irqsave(&p->lock, flags);
	reg_write(p, offset, (u32)value);
	unlock_and_kick(p, flags);
	return 0;
}

/* ---- the guest's interrupt controller ---- */

static void plic_set_line(void *priv, unsigned int irq, bool level)
{
	struct plic *p = priv;
	unsigned long flags;

	if (irq == 0 || irq > p->ndev)
		return;
	spin_lock_irqsave(&p->lock, flags);
	if (level)
		p->line[irq / 32] |= 1U << (irq % 32);
	else
		p->line[irq / 32] &= ~(1U << (irq % 32));
	unlock_and_kick(p, flags);
}

/*
 * Looked at before every entry, so without the lock: an output that
 * changes after the look is followed by a kick (unlock_and_kick), which
 * makes the vCPU look again.
 */
static bool plic_pending(void *priv, struct vcpu *v)
{
	struct plic *p = priv;

	if (!v || v->index >= p->nr_cpus)
		return false;
	return READ_ONCE(p->output[v->index]);
}

/* The same answer, read by the hart's entry itself (riscv hvip.VSEIP). */
static const volatile bool *plic_output(void *priv, struct vcpu *v)
{
	struct plic *p = priv;

	if (!v || v->index >= p->nr_cpus)
		return NULL;
	return &p->output[v->index];
}

static const struct guest_irqchip plic_irqchip_ops = {
	.set_line = plic_set_line,
	.pending = plic_pending,
	.output = plic_output,
};

/* ---- the emulator ---- */

/* The tables sized by the node; struct plic itself is core's (priv_size). */
static void plic_free_tables(struct plic *p)
{
	keel_free(p->line);
	keel_free(p->claimed);
	keel_free(p->priority);
	keel_free(p->claimer);
	keel_free(p->enable);
}

static int read_config(struct devemu_instance *inst,
		       const struct devtree_node *node, u32 *ndev, u32 *nr_cpus)
{
	struct guest *g = inst->guest;
	u64 need;

	if (devtree_prop_read_u32(node, "riscv,ndev", ndev) || *ndev < 1 ||
	    *ndev > PLIC_MAX_SOURCES) {
		devemu_error(inst, "riscv,ndev must be 1 to %u",
			     PLIC_MAX_SOURCES);
		return -EINVAL;
	}
	if (devtree_prop_read_u32(g->config, "vcpus", nr_cpus))
		*nr_cpus = g->nr_vcpus;
	if (!*nr_cpus || *nr_cpus > GUEST_MAX_VCPUS) {
		devemu_error(inst, "cannot tell the number of vCPUs");
		return -EINVAL;
	}
	need = PLIC_CONTEXT_BASE +
	       PLIC_CONTEXT_STRIDE * CONTEXTS_PER_VCPU * (u64)*nr_cpus;
	if (inst->size < need) {
		devemu_error(inst,
			     "register window of %#llx bytes is too small for "
			     "%u vCPUs (%#llx needed)",
			     (unsigned long long)inst->size, *nr_cpus,
			     (unsigned long long)need);
		return -EINVAL;
	}
	return 0;
}

static int plic_probe(struct devemu_instance *inst,
		      const struct devtree_node *node)
{
	struct guest *g = inst->guest;
	struct plic *p = inst->priv;
	u32 ndev, nr_cpus;
	int err;

	err = read_config(inst, node, &ndev, &nr_cpus);
	if (err)
		return err;
	if (g->irqchip) {
		devemu_error(inst, "the guest already has an interrupt "
				   "controller");
		return -EBUSY;
	}
	p->ndev = ndev;
	p->nr_words = (ndev + 1 + 31) / 32;
	p->nr_cpus = nr_cpus;
	p->nr_contexts = nr_cpus * CONTEXTS_PER_VCPU;
	p->line = keel_calloc(p->nr_words, sizeof(*p->line));
	p->claimed = keel_calloc(p->nr_words, sizeof(*p->claimed));
	p->priority = keel_calloc(ndev + 1, sizeof(*p->priority));
	p->claimer = keel_calloc(ndev + 1, sizeof(*p->claimer));
	p->enable = keel_calloc((size_t)p->nr_contexts * p->nr_words,
				sizeof(*p->enable));
	if (!p->line || !p->claimed || !p->priority || !p->claimer ||
	    !p->enable) {
		plic_free_tables(p);
		devemu_error(inst, "out of memory");
		return -ENOMEM;
	}
	spin_lock_init(&p->lock);
	p->guest = g;
	reset_locked(p);
	guest_set_irqchip(g, &plic_irqchip_ops, p);
	return 0;
}

static void plic_reset(struct devemu_instance *inst)
{
	struct plic *p = inst->priv;
	unsigned long flags;

	spin_lock_irqsave(&p->lock, flags);
	reset_locked(p);
	/* The vCPUs are stopped for the reset and ask again before running. */
	update_outputs(p);
	p->kick = 0;
	spin_unlock_irqrestore(&p->lock, flags);
}

static void plic_remove(struct devemu_instance *inst)
{
	struct plic *p = inst->priv;

	if (p->guest->irqchip_priv == p)
		guest_set_irqchip(p->guest, NULL, NULL);
	plic_free_tables(p);
}

/*
 * A one-cell specifier: the source ID. 0 means "no interrupt" and the map
 * has room for 1023; past the node's riscv,ndev the source does not exist
 * (a bad riscv,ndev is the probe's to report).
 */
static int plic_xlate(const struct devtree_node *node, const u32 *cells,
		      unsigned int *line, char *why, size_t why_size)
{
	u32 ndev;

	if (!cells[0] || cells[0] > PLIC_MAX_SOURCES) {
		snprintf(why, why_size, "line %u is out of range (1-%u)",
			 cells[0], (unsigned int)PLIC_MAX_SOURCES);
		return -EINVAL;
	}
	if (!devtree_prop_read_u32(node, "riscv,ndev", &ndev) &&
	    ndev <= PLIC_MAX_SOURCES && cells[0] > ndev) {
		snprintf(why, why_size,
			 "line %u is out of this PLIC's range (1-%u, "
			 "riscv,ndev)",
			 cells[0], ndev);
		return -EINVAL;
	}
	*line = cells[0];
	return 0;
}

static const char *const plic_compatible[] = { "sifive,plic-1.0.0",
					       "riscv,plic0", NULL };

static const struct emulator plic_emulator = {
	.name = "plic",
	.compatible = plic_compatible,
	.probe = plic_probe,
	.read = plic_read,
	.write = plic_write,
	.reset = plic_reset,
	.remove = plic_remove,
	.priv_size = sizeof(struct plic),
	.irq_cells = 1,
	.xlate = plic_xlate,
};
EMULATOR_REGISTER(plic_emulator);
