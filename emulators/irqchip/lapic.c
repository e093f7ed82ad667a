// SPDX-License-Identifier: GPL-2.0
/*
 * The guest's local APICs in xAPIC mode (include/keel/vlapic.h,
 * hw/apic.h): one bank of registers per vCPU behind one window, which
 * each vCPU's accesses reach as its own bank, as on a PC.
 *
 * What a bank does: the IRR, ISR and TMR with the priorities of the TPR
 * and the in-service vector (PPR), EOI (level-triggered vectors are
 * reported to the I/O APICs), the spurious-vector register's software
 * enable, the timer in one-shot and periodic modes at the bus clock
 * below, the error status register, and interprocessor interrupts
 * through the ICR: fixed and lowest-priority, physical and logical (flat
 * and cluster) destinations and shorthands, INIT and start-up IPIs.
 *
 * What it does not: NMI and SMI messages (dropped: guests get no NMIs),
 * the TSC-deadline timer mode and x2APIC mode (the guest's CPUID offers
 * neither), the thermal and performance counter LVTs (nothing raises
 * them), and LINT0/LINT1 (no 8259 or NMI pin wired to them: Linux masks
 * the 8259 on a machine with I/O APICs).
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include <keel/timer.h>
#include <keel/vlapic.h>

#include <hw/apic.h>

#define NR_VECTORS 256
#define VECTOR_WORDS (NR_VECTORS / 32)
#define FIRST_LEGAL_VECTOR 16
/* xAPIC version 0x14 with six LVT entries (max LVT index 5 in 23:16). */
#define LAPIC_VERSION_VALUE (0x14U | (5U << 16))
/*
 * The bus clock the timer counts (VLAPIC_BUS_HZ): one tick per ns.
 * Guests calibrate it against the PIT or HPET, or read it in CPUID.
 */
#define BUS_NS_PER_TICK (1000000000ULL / VLAPIC_BUS_HZ)
/*
 * The shortest wait between a periodic timer's host events: a guest that
 * programs a period of a few ns gets its ticks coalesced (timer_fired
 * delivers one interrupt for the periods passed) instead of a host CPU
 * kept busy with events.
 */
#define LAPIC_MIN_EVENT_NS 20000ULL
#define MAX_IOAPICS 4

enum lvt_index {
	LVT_TIMER,
	LVT_THERMAL,
	LVT_PERF,
	LVT_LINT0,
	LVT_LINT1,
	LVT_ERROR,
	NR_LVT,
};

/* The writable bits of each LVT entry (SDM 11.5.1, Figure 11-8). */
static const u32 lvt_writable[NR_LVT] = {
	[LVT_TIMER] =
		LVT_VECTOR_MASK | LVT_MASKED | (1U << LVT_TIMER_MODE_SHIFT),
	[LVT_THERMAL] = LVT_VECTOR_MASK | LVT_DELIVERY_MASK | LVT_MASKED,
	[LVT_PERF] = LVT_VECTOR_MASK | LVT_DELIVERY_MASK | LVT_MASKED,
	[LVT_LINT0] = LVT_VECTOR_MASK | LVT_DELIVERY_MASK | LVT_ACTIVE_LOW |
		      LVT_LEVEL | LVT_MASKED,
	[LVT_LINT1] = LVT_VECTOR_MASK | LVT_DELIVERY_MASK | LVT_ACTIVE_LOW |
		      LVT_LEVEL | LVT_MASKED,
	[LVT_ERROR] = LVT_VECTOR_MASK | LVT_MASKED,
};

struct vlapic;

struct lapic_bank {
	struct vlapic *vl;
	unsigned int index;
	u32 id; /* the register: the APIC ID in bits 31:24 */
	u32 irr[VECTOR_WORDS], isr[VECTOR_WORDS], tmr[VECTOR_WORDS];
	u32 tpr, ldr, dfr, svr;
	u32 esr; /* as last latched by a write */
	u32 esr_pending; /* errors since */
	u32 lvt[NR_LVT];
	u32 icr_lo, icr_hi;
	u32 timer_initial, divide_conf;
	unsigned int divide; /* 1 to 128 */
	u64 timer_start_ns; /* the count's load (periodic: its period's) */
	bool timer_running; /* counting down (one-shot: not yet at 0) */
	struct timer_event timer;
	bool hw_enabled; /* IA32_APIC_BASE.EN */
	/* INIT and start-up IPIs (vlapic_run_state) */
	bool wait_sipi; /* off (never started): a start-up IPI powers it on */
	bool init_pending; /* running: stop at the next entry */
	bool held_for_sipi; /* stopped by an INIT, its thread waiting */
	bool sipi_pending; /* for a vCPU stopped or stopping by INIT */
	u8 sipi_vector;
	volatile bool output; /* a vector above the PPR waits in the IRR */
	bool kick;
};

struct ioapic_slot {
	unsigned int gsi_base, nr_pins;
	const struct vlapic_ioapic_ops *ops;
	void *priv;
};

struct vlapic {
	/*
	 * route_lock: the I/O APICs and calls into them (device lines and
	 * EOIs). lock: the banks. Order: route_lock, an I/O APIC's own
	 * lock, lock. Kicks come after lock is dropped.
	 */
	spinlock_t route_lock;
	spinlock_t lock;
	struct guest *guest;
	u64 base;
	bool removed; /* timers that fire late find nothing to do */
	struct ioapic_slot ioapics[MAX_IOAPICS];
	struct lapic_bank bank[GUEST_MAX_VCPUS];
};

/* ---- vectors and priorities ---- */

static bool vec_test(const u32 *set, unsigned int v)
{
	return set[v / 32] & (1U << (v % 32));
}

static void vec_set(u32 *set, unsigned int v, bool on)
{
	if (on)
		set[v / 32] |= 1U << (v % 32);
	else
		set[v / 32] &= ~(1U << (v % 32));
}

/* The highest vector in set, or -1. */
static int vec_highest(const u32 *set)
{
	for (int w = VECTOR_WORDS - 1; w >= 0; w--)
		if (set[w])
			return w * 32 + 31 - __builtin_clz(set[w]);
	return -1;
}

static bool sw_enabled(const struct lapic_bank *b)
{
	return b->hw_enabled && (b->svr & SVR_ENABLE);
}

/* SDM 11.8.3.1: the TPR or the in-service vector's class, if higher. */
static u32 ppr(const struct lapic_bank *b)
{
	int isrv = vec_highest(b->isr);
	u32 isr_class = isrv < 0 ? 0 : (u32)isrv & 0xf0;

	return (b->tpr & 0xf0) >= isr_class ? b->tpr & 0xff : isr_class;
}

/* AMD APM 16.6.2: the highest of the TPR, ISR and IRR classes. */
static u32 apr(const struct lapic_bank *b)
{
	int isrv = vec_highest(b->isr), irrv = vec_highest(b->irr);
	u32 a = b->tpr & 0xff;

	if (isrv >= 0 && ((u32)isrv & 0xf0) > (a & 0xf0))
		a = (u32)isrv & 0xf0;
	if (irrv >= 0 && ((u32)irrv & 0xf0) > (a & 0xf0))
		a = (u32)irrv & 0xf0;
	return a;
}

/* The vector the CPU would take now, or -1. */
static int deliverable(const struct lapic_bank *b)
{
	int v = vec_highest(b->irr);

	if (v < 0 || !sw_enabled(b))
		return -1;
	return ((u32)v & 0xf0) > (ppr(b) & 0xf0) ? v : -1;
}

static void update_output(struct lapic_bank *b)
{
	bool out = deliverable(b) >= 0;

	if (out && !b->output)
		b->kick = true;
	WRITE_ONCE(b->output, out);
}

static void raise_error(struct lapic_bank *b, u32 bits);

/* A fixed interrupt arrives (SDM 11.5.5, 11.6.1). */
static void accept_fixed(struct lapic_bank *b, unsigned int vector, bool level)
{
	if (!sw_enabled(b))
		return; /* a disabled APIC takes no fixed interrupts */
	if (vector < FIRST_LEGAL_VECTOR) {
		raise_error(b, ESR_RECEIVE_ILLEGAL_VECTOR);
		return;
	}
	vec_set(b->irr, vector, true);
	vec_set(b->tmr, vector, level);
	update_output(b);
}

/* A local interrupt source through its LVT entry. */
static void fire_lvt(struct lapic_bank *b, enum lvt_index i)
{
	u32 e = b->lvt[i];

	if (e & LVT_MASKED)
		return;
	/* The timer and error entries deliver fixed interrupts only. */
	accept_fixed(b, e & LVT_VECTOR_MASK, false);
}

static void raise_error(struct lapic_bank *b, u32 bits)
{
	bool first = !(b->esr_pending & bits);

	b->esr_pending |= bits;
	/* The error LVT's own illegal vector must not recurse. */
	if (first && !(b->lvt[LVT_ERROR] & LVT_MASKED) &&
	    (b->lvt[LVT_ERROR] & LVT_VECTOR_MASK) >= FIRST_LEGAL_VECTOR)
		fire_lvt(b, LVT_ERROR);
}

/* ---- the timer ---- */

static u64 tick_ns(const struct lapic_bank *b)
{
	return (u64)b->divide * BUS_NS_PER_TICK;
}

static bool timer_periodic(const struct lapic_bank *b)
{
	return (b->lvt[LVT_TIMER] >> LVT_TIMER_MODE_SHIFT) & 1;
}

static u32 timer_current(const struct lapic_bank *b, u64 now)
{
	u64 elapsed;

	if (!b->timer_running || !b->timer_initial)
		return 0;
	elapsed = (now - b->timer_start_ns) / tick_ns(b);
	if (timer_periodic(b))
		return b->timer_initial - (u32)(elapsed % b->timer_initial);
	return elapsed >= b->timer_initial ? 0 :
					     b->timer_initial - (u32)elapsed;
}

static u64 timer_period_ns(const struct lapic_bank *b)
{
	return (u64)b->timer_initial * tick_ns(b);
}

static void timer_arm(struct lapic_bank *b)
{
	u64 deadline = b->timer_start_ns + timer_period_ns(b);

	if (timer_periodic(b))
		deadline = MAX(deadline, timer_now_ns() + LAPIC_MIN_EVENT_NS);
	timer_event_set_nowait(&b->timer, deadline);
}

static void timer_stop(struct lapic_bank *b)
{
	b->timer_running = false;
	timer_event_cancel_nowait(&b->timer);
}

static void timer_load(struct lapic_bank *b, u32 count)
{
	b->timer_initial = count;
	if (!count) {
		timer_stop(b);
		return;
	}
	b->timer_start_ns = timer_now_ns();
	b->timer_running = true;
	timer_arm(b);
}

static void kick_banks(struct vlapic *vl, u32 mask, u32 ipi_mask);

static void timer_fired(struct timer_event *ev)
{
	struct lapic_bank *b = ev->arg;
	struct vlapic *vl = b->vl;
	unsigned long flags;
	u64 now, period;
	bool kick;

	spin_lock_irqsave(&vl->lock, flags);
	if (vl->removed || !b->timer_running) {
		spin_unlock_irqrestore(&vl->lock, flags);
		return;
	}
	now = timer_now_ns();
	period = timer_period_ns(b);
	if (now < b->timer_start_ns + period) {
		timer_arm(b); /* early: the count was reloaded meanwhile */
		spin_unlock_irqrestore(&vl->lock, flags);
		return;
	}
	fire_lvt(b, LVT_TIMER);
	if (timer_periodic(b)) {
		/* Late periods are coalesced into this one interrupt. */
		b->timer_start_ns +=
			(now - b->timer_start_ns) / period * period;
		timer_arm(b);
	} else {
		b->timer_running = false;
	}
	kick = b->kick;
	b->kick = false;
	spin_unlock_irqrestore(&vl->lock, flags);
	if (kick)
		kick_banks(vl, 1U << b->index, 0);
}

/* The divide configuration register: bits 3, 1:0 (SDM Figure 11-10). */
static unsigned int divide_of(u32 conf)
{
	unsigned int code = ((conf >> 1) & 4) | (conf & 3);

	return code == 7 ? 1 : 2U << code;
}

static void set_divide(struct lapic_bank *b, u32 conf)
{
	u64 now = timer_now_ns();
	u32 current = timer_current(b, now);

	b->divide_conf = conf & TIMER_DIVIDE_MASK;
	b->divide = divide_of(b->divide_conf);
	if (!b->timer_running || !current)
		return;
	/* The count goes on from where it is, at the new rate. */
	b->timer_start_ns =
		now - (u64)(b->timer_initial - current) * tick_ns(b);
	timer_arm(b);
}

/* ---- states ---- */

/* Power-up and INIT state (SDM 11.4.7.1); the ID is kept. */
static void bank_reset(struct lapic_bank *b)
{
	timer_stop(b);
	memset(b->irr, 0, sizeof(b->irr));
	memset(b->isr, 0, sizeof(b->isr));
	memset(b->tmr, 0, sizeof(b->tmr));
	b->tpr = 0;
	b->ldr = 0;
	b->dfr = LAPIC_DFR_FLAT;
	b->svr = SVR_VECTOR_MASK;
	b->esr = 0;
	b->esr_pending = 0;
	for (unsigned int i = 0; i < NR_LVT; i++)
		b->lvt[i] = LVT_MASKED;
	b->icr_lo = 0;
	b->icr_hi = 0;
	b->timer_initial = 0;
	b->divide_conf = 0;
	b->divide = divide_of(0);
	b->init_pending = false;
	b->held_for_sipi = false;
	b->sipi_pending = false;
	b->output = false;
}

static void bank_power_on(struct lapic_bank *b)
{
	b->id = b->index << LAPIC_ID_SHIFT;
	b->hw_enabled = true;
	bank_reset(b);
	/* vCPU 0 runs from power-on; the others wait for INIT-SIPI. */
	b->wait_sipi = b->index != 0;
}

static struct vcpu *bank_vcpu(const struct lapic_bank *b)
{
	return READ_ONCE(b->vl->guest->vcpus[b->index]);
}

/* Kick the vCPUs in mask; those in ipi_mask were sent an IPI. */
static void kick_banks(struct vlapic *vl, u32 mask, u32 ipi_mask)
{
	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++) {
		struct vcpu *v;

		if (!(mask & (1U << i)))
			continue;
		v = READ_ONCE(vl->guest->vcpus[i]);
		if (!v)
			continue;
		if (ipi_mask & (1U << i))
			vcpu_ipi_sent(v);
		vcpu_kick(v);
	}
}

/* Collect the kicks the banks asked for, under the lock. */
static u32 take_kicks(struct vlapic *vl)
{
	u32 mask = 0;

	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++) {
		if (vl->bank[i].kick)
			mask |= 1U << i;
		vl->bank[i].kick = false;
	}
	return mask;
}

/* ---- interrupt messages ---- */

static bool bank_exists(const struct lapic_bank *b)
{
	return bank_vcpu(b) != NULL;
}

/* SDM 11.6.2: does bank b answer to dest? */
static bool matches(const struct lapic_bank *b, u8 dest, bool logical)
{
	u8 ldr = (u8)(b->ldr >> 24);

	if (!logical)
		return dest == 0xff || (u8)(b->id >> LAPIC_ID_SHIFT) == dest;
	if (dest == 0xff)
		return true;
	if ((b->dfr >> 28) == 0xf) /* flat */
		return ldr & dest;
	/* cluster: the cluster in bits 7:4, a member mask in 3:0 */
	return (ldr >> 4) == (dest >> 4) && (ldr & dest & 0xf);
}

struct deliveries {
	u32 kick, ipi;
	u32 power_on; /* start-up IPIs to vCPUs that are off */
	u8 sipi_vector[GUEST_MAX_VCPUS];
};

static void deliver_one(struct lapic_bank *b, unsigned int delivery, u8 vector,
			bool level, struct deliveries *d)
{
	struct vcpu *v = bank_vcpu(b);

	switch (delivery) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		accept_fixed(b, vector, level);
		break;
	case APIC_DM_INIT:
		if (v && READ_ONCE(v->state) != VCPU_OFF) {
			b->init_pending = true;
			b->sipi_pending = false;
			b->kick = true;
		} else {
			bank_reset(b);
			b->wait_sipi = true;
		}
		break;
	case APIC_DM_STARTUP:
		if (b->init_pending || b->held_for_sipi) {
			b->sipi_pending = true;
			b->sipi_vector = vector;
			b->kick = true;
		} else if (b->wait_sipi && v) {
			b->wait_sipi = false;
			d->power_on |= 1U << b->index;
			d->sipi_vector[b->index] = vector;
		}
		/* Else it is not waiting for one: ignored, as the SDM says. */
		break;
	default:
		/*
		 * SMI and NMI (not modelled: guests get no NMIs) and ExtINT,
		 * which no message may carry, are dropped.
		 */
		break;
	}
}

/*
 * Deliver to every bank in targets, or, for lowest priority, to the one
 * with the lowest arbitration priority among them (SDM 11.6.2.4 leaves
 * the choice to the platform).
 */
static void deliver_to(struct vlapic *vl, u32 targets, unsigned int delivery,
		       u8 vector, bool level, struct deliveries *d)
{
	if (delivery == APIC_DM_LOWEST && targets) {
		unsigned int best = GUEST_MAX_VCPUS;

		for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++) {
			if (!(targets & (1U << i)) || !sw_enabled(&vl->bank[i]))
				continue;
			if (best == GUEST_MAX_VCPUS ||
			    apr(&vl->bank[i]) < apr(&vl->bank[best]))
				best = i;
		}
		targets = best < GUEST_MAX_VCPUS ? 1U << best : 0;
	}
	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++)
		if (targets & (1U << i))
			deliver_one(&vl->bank[i], delivery, vector, level, d);
}

static u32 dest_targets(struct vlapic *vl, u8 dest, bool logical)
{
	u32 targets = 0;

	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++) {
		struct lapic_bank *b = &vl->bank[i];

		if (bank_exists(b) && b->hw_enabled &&
		    matches(b, dest, logical))
			targets |= 1U << i;
	}
	return targets;
}

/* After the lock: start-up IPIs and kicks. */
static void finish_deliveries(struct vlapic *vl, const struct deliveries *d)
{
	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++) {
		struct vcpu *v = READ_ONCE(vl->guest->vcpus[i]);

		if (v && (d->power_on & (1U << i)))
			(void)vcpu_power_on(v, (u64)d->sipi_vector[i] << 12,
					    VLAPIC_SIPI_ARG);
	}
	kick_banks(vl, d->kick, d->ipi);
}

void vlapic_deliver(struct vlapic *vl, const struct vlapic_msg *m)
{
	struct deliveries d = { 0 };
	unsigned long flags;

	spin_lock_irqsave(&vl->lock, flags);
	if (!vl->removed)
		deliver_to(vl, dest_targets(vl, m->dest, m->logical),
			   m->delivery, m->vector, m->level, &d);
	d.kick = take_kicks(vl);
	spin_unlock_irqrestore(&vl->lock, flags);
	finish_deliveries(vl, &d);
}

/* An ICR write sends an IPI (SDM 11.6.1). */
static void send_ipi(struct vlapic *vl, struct lapic_bank *src,
		     struct deliveries *d)
{
	u32 lo = src->icr_lo;
	unsigned int delivery = (lo & ICR_DELIVERY_MASK) >> ICR_DELIVERY_SHIFT;
	u8 vector = lo & ICR_VECTOR_MASK;
	u32 self = 1U << src->index, targets;

	/* An INIT level de-assert only resynchronises arbitration IDs. */
	if (delivery == APIC_DM_INIT && (lo & ICR_LEVEL) && !(lo & ICR_ASSERT))
		return;
	if ((delivery == APIC_DM_FIXED || delivery == APIC_DM_LOWEST) &&
	    vector < FIRST_LEGAL_VECTOR) {
		raise_error(src, ESR_SEND_ILLEGAL_VECTOR);
		return;
	}
	switch ((lo & ICR_SHORTHAND_MASK) >> ICR_SHORTHAND_SHIFT) {
	case ICR_SELF:
		targets = self;
		break;
	case ICR_ALL:
		targets = dest_targets(vl, 0xff, false);
		break;
	case ICR_ALL_BUT_SELF:
		targets = dest_targets(vl, 0xff, false) & ~self;
		break;
	default:
		targets =
			dest_targets(vl, (u8)(src->icr_hi >> ICR_HI_DEST_SHIFT),
				     lo & ICR_LOGICAL);
		break;
	}
	deliver_to(vl, targets, delivery, vector, false, d);
	d->ipi |= targets & ~self;
}

/* ---- the registers ---- */

static struct lapic_bank *bank_of_current(struct vlapic *vl)
{
	struct vcpu *v = vcpu_current();

	if (!v || v->guest != vl->guest || v->index >= GUEST_MAX_VCPUS)
		return NULL;
	return &vl->bank[v->index];
}

static u32 lvt_index_of(u64 reg)
{
	return (u32)(reg - LAPIC_LVT_TIMER) / 16;
}

static bool is_lvt(u64 reg)
{
	return reg >= LAPIC_LVT_TIMER && reg <= LAPIC_LVT_ERROR;
}

/* 0 and *value, or -ENOENT for a reserved offset. */
static int reg_read(struct lapic_bank *b, u64 reg, u32 *value)
{
	if (reg >= LAPIC_ISR && reg < LAPIC_ISR + 0x80) {
		*value = b->isr[(reg - LAPIC_ISR) / 16];
		return 0;
	}
	if (reg >= LAPIC_TMR && reg < LAPIC_TMR + 0x80) {
		*value = b->tmr[(reg - LAPIC_TMR) / 16];
		return 0;
	}
	if (reg >= LAPIC_IRR && reg < LAPIC_IRR + 0x80) {
		*value = b->irr[(reg - LAPIC_IRR) / 16];
		return 0;
	}
	if (is_lvt(reg)) {
		*value = b->lvt[lvt_index_of(reg)];
		return 0;
	}
	switch (reg) {
	case LAPIC_ID:
		*value = b->id;
		return 0;
	case LAPIC_VERSION:
		*value = LAPIC_VERSION_VALUE;
		return 0;
	case LAPIC_TPR:
		*value = b->tpr;
		return 0;
	case LAPIC_APR:
		*value = apr(b);
		return 0;
	case LAPIC_PPR:
		*value = ppr(b);
		return 0;
	case LAPIC_EOI:
		*value = 0; /* write-only; reads give 0 */
		return 0;
	case LAPIC_LDR:
		*value = b->ldr;
		return 0;
	case LAPIC_DFR:
		*value = b->dfr;
		return 0;
	case LAPIC_SVR:
		*value = b->svr;
		return 0;
	case LAPIC_ESR:
		*value = b->esr;
		return 0;
	case LAPIC_ICR_LO:
		*value = b->icr_lo & ~ICR_PENDING; /* sent at once */
		return 0;
	case LAPIC_ICR_HI:
		*value = b->icr_hi;
		return 0;
	case LAPIC_TIMER_INITIAL:
		*value = b->timer_initial;
		return 0;
	case LAPIC_TIMER_CURRENT:
		*value = timer_current(b, timer_now_ns());
		return 0;
	case LAPIC_TIMER_DIVIDE:
		*value = b->divide_conf;
		return 0;
	default:
		return -ENOENT;
	}
}

/* The EOI of the highest in-service vector; its vector if level. */
static int do_eoi(struct lapic_bank *b)
{
	int v = vec_highest(b->isr);
	bool level;

	if (v < 0)
		return -1;
	vec_set(b->isr, (unsigned int)v, false);
	level = vec_test(b->tmr, (unsigned int)v);
	update_output(b);
	return level ? v : -1;
}

static void svr_write(struct lapic_bank *b, u32 value)
{
	b->svr = value & (SVR_VECTOR_MASK | SVR_ENABLE | SVR_FOCUS_DISABLED);
	/* Software-disabled: every LVT entry masked (SDM 11.4.7.2). */
	if (!(b->svr & SVR_ENABLE))
		for (unsigned int i = 0; i < NR_LVT; i++)
			b->lvt[i] |= LVT_MASKED;
	update_output(b);
}

/*
 * A write: 0 (a read-only register ignores it, as the SDM's table of
 * registers says), or -ENOENT for a reserved one. *eoi gets a
 * level-triggered vector whose EOI the I/O APICs must hear.
 */
static int reg_write(struct vlapic *vl, struct lapic_bank *b, u64 reg,
		     u32 value, int *eoi, struct deliveries *d)
{
	if (is_lvt(reg)) {
		u32 i = lvt_index_of(reg);

		/* A timer mode change takes effect at the next expiry. */
		b->lvt[i] = (b->lvt[i] & ~lvt_writable[i]) |
			    (value & lvt_writable[i]);
		if (!(b->svr & SVR_ENABLE))
			b->lvt[i] |= LVT_MASKED;
		return 0;
	}
	switch (reg) {
	case LAPIC_ID:
		b->id = value & (0xffU << LAPIC_ID_SHIFT);
		return 0;
	case LAPIC_TPR:
		b->tpr = value & LAPIC_TPR_MASK;
		update_output(b);
		return 0;
	case LAPIC_EOI:
		*eoi = do_eoi(b);
		return 0;
	case LAPIC_LDR:
		b->ldr = value & 0xff000000U;
		return 0;
	case LAPIC_DFR:
		b->dfr = value | 0x0fffffffU;
		return 0;
	case LAPIC_SVR:
		svr_write(b, value);
		return 0;
	case LAPIC_ESR:
		b->esr = b->esr_pending;
		b->esr_pending = 0;
		return 0;
	case LAPIC_ICR_LO:
		b->icr_lo = value & ~(ICR_PENDING | (1U << 13) | 0xfff30000U);
		send_ipi(vl, b, d);
		return 0;
	case LAPIC_ICR_HI:
		b->icr_hi = value & (0xffU << ICR_HI_DEST_SHIFT);
		return 0;
	case LAPIC_TIMER_INITIAL:
		timer_load(b, value);
		return 0;
	case LAPIC_TIMER_DIVIDE:
		set_divide(b, value);
		return 0;
	default: {
		u32 ignored;

		/* Read-only: every other register reg_read() knows. */
		return reg_read(b, reg, &ignored);
	}
	}
}

/* EOIs of level-triggered vectors go to every I/O APIC (broadcast). */
static void eoi_to_ioapics(struct vlapic *vl, u8 vector)
{
	unsigned long flags;

	spin_lock_irqsave(&vl->route_lock, flags);
	for (unsigned int i = 0; i < MAX_IOAPICS; i++)
		if (vl->ioapics[i].ops)
			vl->ioapics[i].ops->eoi(vl->ioapics[i].priv, vector);
	spin_unlock_irqrestore(&vl->route_lock, flags);
}

/*
 * A register write from v's bank, with the lock taken and everything
 * after it (kicks, start-up IPIs, EOIs to the I/O APICs) done.
 */
static void bank_write(struct vlapic *vl, struct lapic_bank *b, u64 reg,
		       u32 value)
{
	struct deliveries d = { 0 };
	unsigned long flags;
	int eoi = -1;

	spin_lock_irqsave(&vl->lock, flags);
	if (b->hw_enabled && reg_write(vl, b, reg, value, &eoi, &d))
		raise_error(b, ESR_ILLEGAL_REGISTER);
	d.kick = take_kicks(vl);
	spin_unlock_irqrestore(&vl->lock, flags);
	finish_deliveries(vl, &d);
	if (eoi >= 0)
		eoi_to_ioapics(vl, (u8)eoi);
	if (reg == LAPIC_EOI)
		vcpu_interrupt_completed();
}

static int lapic_read(struct devemu_instance *inst, u64 offset,
		      unsigned int size, u64 *value)
{
	struct vlapic *vl = inst->priv;
	struct lapic_bank *b = bank_of_current(vl);
	unsigned long flags;
	u32 v = 0, kicks;

	if (!b || size != 4 || (offset & 0xf) || offset >= LAPIC_WINDOW)
		return -EINVAL;
	spin_lock_irqsave(&vl->lock, flags);
	/* A disabled APIC's window reads as zeros. */
	if (b->hw_enabled && reg_read(b, offset, &v)) {
		v = 0;
		raise_error(b, ESR_ILLEGAL_REGISTER);
	}
	kicks = take_kicks(vl);
	spin_unlock_irqrestore(&vl->lock, flags);
	kick_banks(vl, kicks, 0);
	*value = v;
	return 0;
}

static int lapic_write(struct devemu_instance *inst, u64 offset,
		       unsigned int size, u64 value)
{
	struct vlapic *vl = inst->priv;
	struct lapic_bank *b = bank_of_current(vl);

	if (!b || size != 4 || (offset & 0xf) || offset >= LAPIC_WINDOW)
		return -EINVAL;
	bank_write(vl, b, offset, (u32)value);
	return 0;
}

/* ---- the guest's interrupt controller ---- */

static void lapic_set_line(void *priv, unsigned int gsi, bool level)
{
	struct vlapic *vl = priv;
	unsigned long flags;

	spin_lock_irqsave(&vl->route_lock, flags);
	for (unsigned int i = 0; i < MAX_IOAPICS; i++) {
		struct ioapic_slot *s = &vl->ioapics[i];

		if (s->ops && gsi - s->gsi_base < s->nr_pins) {
			s->ops->set_pin(s->priv, gsi - s->gsi_base, level);
			break;
		}
	}
	spin_unlock_irqrestore(&vl->route_lock, flags);
}

static struct lapic_bank *bank_of(struct vlapic *vl, struct vcpu *v)
{
	if (!v || v->guest != vl->guest || v->index >= GUEST_MAX_VCPUS)
		return NULL;
	return &vl->bank[v->index];
}

static bool lapic_pending(void *priv, struct vcpu *v)
{
	struct lapic_bank *b = bank_of(priv, v);

	return b && (READ_ONCE(b->output) || READ_ONCE(b->init_pending) ||
		     READ_ONCE(b->sipi_pending));
}

static const volatile bool *lapic_output(void *priv, struct vcpu *v)
{
	struct lapic_bank *b = bank_of(priv, v);

	return b ? &b->output : NULL;
}

/* The CPU takes the highest deliverable vector: IRR to ISR. */
static int lapic_acknowledge(void *priv, struct vcpu *v)
{
	struct vlapic *vl = priv;
	struct lapic_bank *b = bank_of(vl, v);
	unsigned long flags;
	int vector;

	if (!b)
		return -1;
	spin_lock_irqsave(&vl->lock, flags);
	vector = deliverable(b);
	if (vector >= 0) {
		vec_set(b->irr, (unsigned int)vector, false);
		vec_set(b->isr, (unsigned int)vector, true);
		update_output(b);
	}
	b->kick = false; /* v itself is taking it */
	spin_unlock_irqrestore(&vl->lock, flags);
	return vector;
}

static const struct guest_irqchip lapic_irqchip_ops = {
	.set_line = lapic_set_line,
	.pending = lapic_pending,
	.output = lapic_output,
	.acknowledge = lapic_acknowledge,
};

/* ---- for the arch and the I/O APICs (keel/vlapic.h) ---- */

/* For `vcpu dumpreg`: what a vCPU's local APIC holds and waits for. */
void vlapic_dump(struct vlapic *vl, struct vcpu *v,
		 int (*print)(const char *fmt, ...))
{
	struct lapic_bank *b = bank_of(vl, v);
	unsigned long flags;
	int irr, isr;
	u32 tpr, ppr_value, lvt, initial, current;
	bool running, output;

	if (!b)
		return;
	spin_lock_irqsave(&vl->lock, flags);
	irr = vec_highest(b->irr);
	isr = vec_highest(b->isr);
	tpr = b->tpr;
	ppr_value = ppr(b);
	lvt = b->lvt[LVT_TIMER];
	initial = b->timer_initial;
	current = timer_current(b, timer_now_ns());
	running = b->timer_running;
	output = b->output;
	spin_unlock_irqrestore(&vl->lock, flags);
	print("lapic: IRR top %d, ISR top %d, TPR 0x%x, PPR 0x%x, %s\n", irr,
	      isr, tpr, ppr_value,
	      output ? "an interrupt to take" : "nothing to take");
	print("lapic timer: LVT 0x%x, initial %u, current %u, %s\n", lvt,
	      initial, current, running ? "running" : "stopped");
}

struct vlapic *vlapic_of(struct guest *g)
{
	if (!g || g->irqchip != &lapic_irqchip_ops)
		return NULL;
	return g->irqchip_priv;
}

int vlapic_add_ioapic(struct vlapic *vl, unsigned int gsi_base,
		      unsigned int nr_pins, const struct vlapic_ioapic_ops *ops,
		      void *priv)
{
	struct ioapic_slot *free = NULL;
	unsigned long flags;
	int err = 0;

	spin_lock_irqsave(&vl->route_lock, flags);
	for (unsigned int i = 0; i < MAX_IOAPICS; i++) {
		struct ioapic_slot *s = &vl->ioapics[i];

		if (!s->ops) {
			if (!free)
				free = s;
		} else if (gsi_base < s->gsi_base + s->nr_pins &&
			   s->gsi_base < gsi_base + nr_pins) {
			err = -EBUSY;
		}
	}
	if (!err && !free)
		err = -ENOSPC;
	if (!err)
		*free = (struct ioapic_slot){ gsi_base, nr_pins, ops, priv };
	spin_unlock_irqrestore(&vl->route_lock, flags);
	return err;
}

void vlapic_remove_ioapic(struct vlapic *vl, void *priv)
{
	unsigned long flags;

	spin_lock_irqsave(&vl->route_lock, flags);
	for (unsigned int i = 0; i < MAX_IOAPICS; i++)
		if (vl->ioapics[i].priv == priv)
			vl->ioapics[i] = (struct ioapic_slot){ 0 };
	spin_unlock_irqrestore(&vl->route_lock, flags);
}

u8 vlapic_cr8_read(struct vlapic *vl, struct vcpu *v)
{
	struct lapic_bank *b = bank_of(vl, v);

	return b ? (u8)((READ_ONCE(b->tpr) >> 4) & 0xf) : 0;
}

void vlapic_cr8_write(struct vlapic *vl, struct vcpu *v, u8 cr8)
{
	struct lapic_bank *b = bank_of(vl, v);

	if (b)
		bank_write(vl, b, LAPIC_TPR, (u32)(cr8 & 0xf) << 4);
}

u64 vlapic_base_msr_read(struct vlapic *vl, struct vcpu *v)
{
	struct lapic_bank *b = bank_of(vl, v);

	if (!b)
		return 0;
	return vl->base | (b->hw_enabled ? APIC_BASE_ENABLE : 0) |
	       (b->index == 0 ? APIC_BASE_BSP : 0);
}

int vlapic_base_msr_write(struct vlapic *vl, struct vcpu *v, u64 value)
{
	struct lapic_bank *b = bank_of(vl, v);
	u64 keep = vl->base | (b && b->index == 0 ? APIC_BASE_BSP : 0);
	unsigned long flags;
	bool enable = value & APIC_BASE_ENABLE;

	/* The BSP flag stays the hardware's: a write of it is ignored. */
	if (!b || (value & ~(APIC_BASE_ENABLE | APIC_BASE_BSP)) !=
			  (keep & ~APIC_BASE_BSP))
		return -EINVAL;
	spin_lock_irqsave(&vl->lock, flags);
	if (b->hw_enabled && !enable) {
		/* Disabled, the APIC loses its state (SDM 11.4.3). */
		bank_reset(b);
	}
	b->hw_enabled = enable;
	update_output(b);
	b->kick = false; /* v's own thread: it looks again before entry */
	spin_unlock_irqrestore(&vl->lock, flags);
	return 0;
}

enum vlapic_run_state vlapic_run_state(struct vlapic *vl, struct vcpu *v,
				       u64 *entry)
{
	struct lapic_bank *b = bank_of(vl, v);
	enum vlapic_run_state state = VLAPIC_RUN;
	unsigned long flags;

	if (!b || (!READ_ONCE(b->init_pending) && !READ_ONCE(b->held_for_sipi)))
		return VLAPIC_RUN;
	spin_lock_irqsave(&vl->lock, flags);
	if (b->init_pending) {
		bool sipi = b->sipi_pending;
		u8 vector = b->sipi_vector;

		bank_reset(b);
		b->held_for_sipi = true;
		b->sipi_pending = sipi;
		b->sipi_vector = vector;
	}
	if (b->held_for_sipi) {
		state = VLAPIC_WAIT_SIPI;
		if (b->sipi_pending) {
			*entry = (u64)b->sipi_vector << 12;
			b->sipi_pending = false;
			b->held_for_sipi = false;
			state = VLAPIC_START;
		}
	}
	spin_unlock_irqrestore(&vl->lock, flags);
	return state;
}

/* ---- the emulator ---- */

static int lapic_probe(struct devemu_instance *inst,
		       const struct devtree_node *node)
{
	struct vlapic *vl = inst->priv;
	struct guest *g = inst->guest;

	(void)node;
	if (inst->in_ports || inst->size != LAPIC_WINDOW ||
	    (inst->base & (LAPIC_WINDOW - 1))) {
		devemu_error(inst, "the local APIC's \"reg\" must be one 4 KiB "
				   "page of memory");
		return -EINVAL;
	}
	if (g->irqchip) {
		devemu_error(inst,
			     "the guest already has an interrupt controller");
		return -EBUSY;
	}
	spin_lock_init(&vl->route_lock);
	spin_lock_init(&vl->lock);
	vl->guest = g;
	vl->base = inst->base;
	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++) {
		struct lapic_bank *b = &vl->bank[i];

		b->vl = vl;
		b->index = i;
		timer_event_init(&b->timer, timer_fired, b);
		bank_power_on(b);
	}
	guest_set_irqchip(g, &lapic_irqchip_ops, vl);
	return 0;
}

static void lapic_reset(struct devemu_instance *inst)
{
	struct vlapic *vl = inst->priv;
	unsigned long flags;

	spin_lock_irqsave(&vl->lock, flags);
	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++) {
		bank_power_on(&vl->bank[i]);
		vl->bank[i].kick = false;
	}
	spin_unlock_irqrestore(&vl->lock, flags);
}

static void lapic_remove(struct devemu_instance *inst)
{
	struct vlapic *vl = inst->priv;
	unsigned long flags;

	spin_lock_irqsave(&vl->lock, flags);
	vl->removed = true;
	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++)
		timer_stop(&vl->bank[i]);
	spin_unlock_irqrestore(&vl->lock, flags);
	/* Callbacks already running finish before the state goes. */
	for (unsigned int i = 0; i < GUEST_MAX_VCPUS; i++)
		timer_event_cancel(&vl->bank[i].timer);
	if (inst->guest->irqchip_priv == vl)
		guest_set_irqchip(inst->guest, NULL, NULL);
}

static const char *const lapic_compatible[] = { "keel,x86-lapic", NULL };

static const struct emulator lapic_emulator = {
	.name = "lapic",
	.compatible = lapic_compatible,
	.probe = lapic_probe,
	.read = lapic_read,
	.write = lapic_write,
	.reset = lapic_reset,
	.remove = lapic_remove,
	.priv_size = sizeof(struct vlapic),
	.min_window = LAPIC_WINDOW,
};
EMULATOR_REGISTER(lapic_emulator);
