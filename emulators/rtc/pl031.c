// SPDX-License-Identifier: GPL-2.0
/*
 * ARM PrimeCell Real Time Clock (PL031) r1p3 for guests, following its
 * Technical Reference Manual (ARM DDI 0224C): a 32-bit seconds counter,
 * a match register that raises the interrupt when the counter reaches it,
 * and a load register that sets the counter.
 *
 * The counter is the host's wall clock plus an offset that loads move; it
 * is the battery-backed clock of the emulated machine, so it keeps its
 * time across a guest reset like a real one across a reboot.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/timer.h>

#include <hw/pl031.h>

/*
 * Within the last second before a match the counter's second boundaries
 * need not line up with ours; check this often until it ticks over.
 */
#define MATCH_POLL_NS (10 * NSEC_PER_MSEC)

/* RTCPeriphID0-3, then RTCPCellID0-3. */
static const u8 pl031_id[] = {
	RTCPERIPHID0_VALUE, RTCPERIPHID1_VALUE, RTCPERIPHID2_VALUE,
	RTCPERIPHID3_VALUE, RTCPCELLID0_VALUE,	RTCPCELLID1_VALUE,
	RTCPCELLID2_VALUE,  RTCPCELLID3_VALUE,
};

struct pl031 {
	struct devemu_instance *inst;
	u32 offset; /* counter = wall clock + offset, modulo 2^32 */
	u32 mr, lr, cr, imsc, ris;
	bool irq_level;
	struct timer_event match_timer;
	/* Seconds to the match when the timer was armed. */
	u32 armed_ticks;
};

static u32 counter(const struct pl031 *s)
{
	return (u32)devemu_wallclock_seconds() + s->offset;
}

static void update_irq(struct pl031 *s)
{
	bool level = (s->ris & s->imsc) != 0;

	if (level == s->irq_level)
		return;
	s->irq_level = level;
	devemu_irq_set(s->inst, 0, level);
}

/* Sleep until about when the counter, ticks seconds short, matches. */
static void arm_match(struct pl031 *s, u32 ticks)
{
	u64 now = timer_now_ns();
	u64 deadline;

	s->armed_ticks = ticks;
	if (ticks > 1) {
		deadline = now + (u64)(ticks - 1) * NSEC_PER_SEC;
	} else {
		deadline = now + MATCH_POLL_NS;
	}
	timer_event_set_nowait(&s->match_timer, deadline);
}

/*
 * The comparator: the interrupt is raised when the counter equals the
 * match register. On hardware that moment comes by counting; here, when
 * a load or a new match value makes them equal, or when the timer finds
 * the counter there (or already past it, if the timer came late).
 */
static void check_match(struct pl031 *s)
{
	u32 ticks = s->mr - counter(s); /* wraps as the counter does */

	if (ticks == 0 || ticks > s->armed_ticks) {
		s->ris |= RTCINT_MATCH;
		return;
	}
	/*
	 * Keep no timer for a masked match (the usual case: MR is 0 after
	 * reset, a match some 68 years away). A far event would be the next
	 * deadline of an idle machine, and QEMU's -icount then jumps virtual
	 * time to it. Masked, RTCRIS shows a match only when the counter
	 * equals MR as it is read; unmasking starts the comparator again.
	 */
	if (!(s->imsc & RTCINT_MATCH)) {
		timer_event_cancel_nowait(&s->match_timer);
		return;
	}
	arm_match(s, ticks);
}

static void match_changed(struct pl031 *s)
{
	timer_event_cancel_nowait(&s->match_timer);
	/* Any distance counts as "not passed yet" right after a change. */
	s->armed_ticks = ~0U;
	check_match(s);
}

static void pl031_match_timer(struct timer_event *ev)
{
	struct devemu_instance *inst = ev->arg;
	unsigned long flags;
	struct pl031 *s;

	spin_lock_irqsave(&inst->lock, flags);
	s = inst->priv;
	/* Removed while this callback waited for the lock. */
	if (s) {
		check_match(s);
		update_irq(s);
	}
	spin_unlock_irqrestore(&inst->lock, flags);
}

static u32 reg_read(struct pl031 *s, u64 reg)
{
	switch (reg) {
	case RTCDR:
		return counter(s);
	case RTCMR:
		return s->mr;
	case RTCLR:
		return s->lr;
	case RTCCR:
		return s->cr;
	case RTCIMSC:
		return s->imsc;
	case RTCRIS:
		if (!(s->imsc & RTCINT_MATCH) && counter(s) == s->mr)
			s->ris |= RTCINT_MATCH;
		return s->ris;
	case RTCMIS:
		return s->ris & s->imsc;
	}
	if (reg >= RTCPERIPHID0 && reg <= RTCPCELLID3)
		return pl031_id[(reg - RTCPERIPHID0) / 4];
	return 0; /* RTCICR is write-only; the rest is reserved */
}

static u32 merge(u32 old, u32 val, u32 mask)
{
	return (old & ~mask) | (val & mask);
}

static void reg_write(struct pl031 *s, u64 reg, u32 val, u32 mask)
{
	switch (reg) {
	case RTCMR:
		s->mr = merge(s->mr, val, mask);
		match_changed(s);
		break;
	case RTCLR:
		s->lr = merge(s->lr, val, mask);
		s->offset = s->lr - (u32)devemu_wallclock_seconds();
		match_changed(s);
		break;
	case RTCCR:
		/*
		 * The start bit: once set, writes have no effect until reset.
		 * The counter itself never stops (see the top of the file):
		 * a guest's clock must not lag the host by however long the
		 * guest took to boot before setting the bit.
		 */
		s->cr |= val & mask & RTCCR_START;
		break;
	case RTCIMSC:
		s->imsc = merge(s->imsc, val, mask) & RTCINT_MATCH;
		match_changed(s);
		break;
	case RTCICR:
		/* Any write clears the interrupt, as the TRM says. */
		s->ris = 0;
		break;
	default:
		break; /* read-only and reserved registers */
	}
}

static int pl031_read(struct devemu_instance *inst, u64 offset,
		      unsigned int size, u64 *value)
{
	struct pl031 *s = inst->priv;
	struct reg32_lanes l;
	int err = devemu_reg32_lanes(offset, size, &l);

	if (err)
		return err;
	*value = (reg_read(s, l.reg) & l.mask) >> l.shift;
	return 0;
}

static int pl031_write(struct devemu_instance *inst, u64 offset,
		       unsigned int size, u64 value)
{
	struct pl031 *s = inst->priv;
	struct reg32_lanes l;
	int err = devemu_reg32_lanes(offset, size, &l);

	if (err)
		return err;
	reg_write(s, l.reg, ((u32)value << l.shift) & l.mask, l.mask);
	update_irq(s);
	return 0;
}

static void reset_state(struct pl031 *s)
{
	timer_event_cancel_nowait(&s->match_timer);
	s->mr = 0;
	s->lr = 0;
	s->cr = 0;
	s->imsc = 0;
	s->ris = 0;
	s->armed_ticks = 0;
	update_irq(s);
	/*
	 * Match and counter may be equal right after reset, as on hardware
	 * (the interrupt is masked, but RTCRIS shows it).
	 */
	match_changed(s);
}

static void pl031_reset(struct devemu_instance *inst)
{
	reset_state(inst->priv);
}

static int pl031_probe(struct devemu_instance *inst,
		       const struct devtree_node *node)
{
	struct pl031 *s = inst->priv;

	s->inst = inst;
	timer_event_init(&s->match_timer, pl031_match_timer, inst);
	reset_state(s);
	return 0;
}

static void pl031_remove(struct devemu_instance *inst)
{
	struct pl031 *s = inst->priv;

	devemu_remove_timer(inst, &s->match_timer);
}

static const char *const pl031_compatible[] = { "arm,pl031", NULL };

static const struct emulator pl031_emulator = {
	.name = "pl031",
	.compatible = pl031_compatible,
	.probe = pl031_probe,
	.read = pl031_read,
	.write = pl031_write,
	.reset = pl031_reset,
	.remove = pl031_remove,
	.priv_size = sizeof(struct pl031),
	.min_window = PL031_WINDOW,
};
EMULATOR_REGISTER(pl031_emulator);
