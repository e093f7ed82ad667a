// SPDX-License-Identifier: GPL-2.0
/*
 * Goldfish real-time clock for guests (Android's emulator device, which
 * QEMU's RISC-V virt machine has at 0x101000): a 64-bit count of
 * nanoseconds since 1970 and one alarm, all in 32-bit registers
 * (hw/goldfish_rtc.h).
 *
 * Writing TIME_HIGH or TIME_LOW sets that half of the clock, the way
 * guests set the time (high first, then low). The clock is the host's
 * wall clock plus an offset that those writes move; it is the machine's
 * battery-backed clock, so it keeps its time across a guest reset.
 *
 * An armed alarm fires when the clock reaches the time it was armed for
 * (an alarm already past fires at once): it disarms itself and the
 * interrupt becomes pending until cleared; the line is high while it is
 * pending and enabled. ALARM_HIGH written alone changes the register,
 * not an armed alarm: guests write it first when setting a new alarm, and
 * the mix of new high and old low half must not fire.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/heap.h>
#include <keel/timer.h>

#include <hw/goldfish_rtc.h>

/*
 * The longest one timer event waits for an alarm before looking again.
 * The guest puts clock and alarm anywhere in 64 bits; an unbounded wait
 * added to Keel's clock could wrap into a deadline already past.
 */
#define MAX_ALARM_WAIT_NS (24 * 3600 * NSEC_PER_SEC)

struct goldfish_rtc {
	struct devemu_instance *inst;
	u64 offset_ns; /* clock = host time + offset, modulo 2^64 */
	u32 time_high; /* latched by reading TIME_LOW */
	u64 alarm; /* the ALARM_HIGH:ALARM_LOW registers */
	u64 armed_for; /* the clock time the armed alarm fires at */
	bool armed;
	bool irq_enabled;
	bool irq_pending;
	bool irq_level; /* the line as last driven */
	struct timer_event alarm_timer;
};

static u64 clock_ns(const struct goldfish_rtc *s)
{
	return devemu_wallclock_ns() + s->offset_ns;
}

static void update_irq(struct goldfish_rtc *s)
{
	bool level = s->irq_pending && s->irq_enabled;

	if (level == s->irq_level)
		return;
	s->irq_level = level;
	devemu_irq_set(s->inst, 0, level);
}

/*
 * The comparator: an armed alarm whose time has come fires. Until then
 * a timer event waits for it, but only while the interrupt is enabled:
 * a far event would be the next deadline of an idle machine, and QEMU's
 * -icount then jumps virtual time to it. A disabled alarm is noticed
 * when the guest next looks at the device, which is as soon as anything
 * of it can be seen.
 */
static void check_alarm(struct goldfish_rtc *s, bool rearm)
{
	u64 now;

	if (!s->armed) {
		timer_event_cancel_nowait(&s->alarm_timer);
		return;
	}
	now = clock_ns(s);
	if (now >= s->armed_for) {
		s->armed = false;
		s->irq_pending = true;
		timer_event_cancel_nowait(&s->alarm_timer);
		return;
	}
	if (!s->irq_enabled) {
		timer_event_cancel_nowait(&s->alarm_timer);
		return;
	}
	/*
	 * Rechecked when it fires, in case the clocks moved meanwhile. An
	 * event already waiting stays unless the alarm or clock was changed.
	 */
	if (rearm || !timer_event_armed(&s->alarm_timer))
		timer_event_set_nowait(&s->alarm_timer,
				       timer_now_ns() +
					       MIN(s->armed_for - now,
						   (u64)MAX_ALARM_WAIT_NS));
}

static void goldfish_alarm_timer(struct timer_event *ev)
{
	struct devemu_instance *inst = ev->arg;
	struct goldfish_rtc *s;
	unsigned long flags;

	spin_lock_irqsave(&inst->lock, flags);
	s = inst->priv;
	/* Removed while this callback waited for the lock. */
	if (s) {
		check_alarm(s, false);
		update_irq(s);
	}
	spin_unlock_irqrestore(&inst->lock, flags);
}

/* Set one half of the clock, keeping the other. */
static void set_clock_half(struct goldfish_rtc *s, bool high, u32 val)
{
	u64 now = clock_ns(s);
	u64 want = high ? ((u64)val << 32) | (u32)now :
			  (now & ~0xffffffffULL) | val;

	s->offset_ns += want - now;
}

static u32 reg_read(struct goldfish_rtc *s, u64 reg)
{
	u64 now;

	switch (reg) {
	case RTC_TIME_LOW:
		now = clock_ns(s);
		s->time_high = (u32)(now >> 32);
		return (u32)now;
	case RTC_TIME_HIGH:
		return s->time_high;
	case RTC_ALARM_LOW:
		return (u32)s->alarm;
	case RTC_ALARM_HIGH:
		return (u32)(s->alarm >> 32);
	case RTC_IRQ_ENABLED:
		return s->irq_enabled ? RTC_IRQ_ENABLED_ALARM : 0;
	case RTC_ALARM_STATUS:
		return s->armed ? RTC_ALARM_STATUS_ARMED : 0;
	}
	return 0; /* CLEAR_ALARM and CLEAR_INTERRUPT are write-only */
}

static void reg_write(struct goldfish_rtc *s, u64 reg, u32 val)
{
	switch (reg) {
	case RTC_TIME_LOW:
		set_clock_half(s, false, val);
		break;
	case RTC_TIME_HIGH:
		set_clock_half(s, true, val);
		break;
	case RTC_ALARM_LOW:
		s->alarm = (s->alarm & ~0xffffffffULL) | val;
		s->armed_for = s->alarm;
		s->armed = true;
		break;
	case RTC_ALARM_HIGH:
		s->alarm = ((u64)val << 32) | (u32)s->alarm;
		break;
	case RTC_IRQ_ENABLED:
		s->irq_enabled = val & RTC_IRQ_ENABLED_ALARM;
		break;
	case RTC_CLEAR_ALARM:
		s->armed = false;
		break;
	case RTC_CLEAR_INTERRUPT:
		s->irq_pending = false;
		break;
	default:
		break; /* ALARM_STATUS and the unused rest: read-only */
	}
}

static int goldfish_rtc_read(struct devemu_instance *inst, u64 offset,
			     unsigned int size, u64 *value)
{
	struct goldfish_rtc *s = inst->priv;

	if (size != 4 || (offset & 3))
		return -EINVAL;
	check_alarm(s, false);
	*value = reg_read(s, offset);
	update_irq(s);
	return 0;
}

static int goldfish_rtc_write(struct devemu_instance *inst, u64 offset,
			      unsigned int size, u64 value)
{
	struct goldfish_rtc *s = inst->priv;

	if (size != 4 || (offset & 3))
		return -EINVAL;
	/* An alarm due before this write changed anything has fired. */
	check_alarm(s, false);
	reg_write(s, offset, (u32)value);
	check_alarm(s, true);
	update_irq(s);
	return 0;
}

static void reset_state(struct goldfish_rtc *s)
{
	s->time_high = 0;
	s->alarm = 0;
	s->armed_for = 0;
	s->armed = false;
	s->irq_enabled = false;
	s->irq_pending = false;
	check_alarm(s, true);
	update_irq(s);
}

static void goldfish_rtc_reset(struct devemu_instance *inst)
{
	reset_state(inst->priv);
}

static int goldfish_rtc_probe(struct devemu_instance *inst,
			      const struct devtree_node *node)
{
	struct goldfish_rtc *s = inst->priv;

	s->inst = inst;
	timer_event_init(&s->alarm_timer, goldfish_alarm_timer, inst);
	reset_state(s);
	return 0;
}

static void goldfish_rtc_remove(struct devemu_instance *inst)
{
	struct goldfish_rtc *s = inst->priv;

	devemu_remove_timer(inst, &s->alarm_timer);
}

static const char *const goldfish_rtc_compatible[] = { "google,goldfish-rtc",
						       NULL };

static const struct emulator goldfish_rtc_emulator = {
	.name = "goldfish-rtc",
	.compatible = goldfish_rtc_compatible,
	.probe = goldfish_rtc_probe,
	.read = goldfish_rtc_read,
	.write = goldfish_rtc_write,
	.reset = goldfish_rtc_reset,
	.remove = goldfish_rtc_remove,
	.priv_size = sizeof(struct goldfish_rtc),
	.min_window = GOLDFISH_RTC_WINDOW,
};
EMULATOR_REGISTER(goldfish_rtc_emulator);
