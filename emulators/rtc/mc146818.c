// SPDX-License-Identifier: GPL-2.0
/*
 * MC146818A real-time clock and CMOS RAM for guests (the PC's "CMOS" at
 * ports 0x70/0x71; hw/mc146818.h), arch-neutral: its two byte registers
 * are a port window on x86 and may be an MMIO window anywhere.
 *
 * The clock is the host's wall clock plus an offset that setting the
 * time moves; it is battery-backed, so a guest reset keeps the time and
 * the RAM. The 32.768 kHz divider runs with the clock: periodic
 * interrupts fall on its ticks and the seconds roll over on its phase,
 * which setting the time (SET) keeps and a divider reset (DV = 11x, or
 * any time base but 32.768 kHz) restarts half a second from the update.
 * While SET is 1 or the divider is stopped the time registers hold what
 * was last shown or written, as in the chip; otherwise they show the
 * clock. The day of the week follows the date once the clock runs.
 *
 * The flags of register C are kept exactly without a timer: every access
 * first accounts for the divider ticks and second updates since the last
 * one. A timer event is armed only for an enabled interrupt that could
 * raise the line now (not while it is already raised: nothing then
 * changes until C is read), so an idle guest costs nothing.
 *
 * Not emulated: daylight saving (DSE), the square-wave output, and
 * the update cycle's own 2 ms (registers read during it are consistent
 * here; UIP is set for the 244 us before each update, as guests expect).
 * A time set before 1970 is taken as 1970, one after 2499 as
 * 2500-01-01 (the clock counts nanoseconds in 64 bits, to 2554).
 */
#include <keel/devemu.h>
#include <keel/calendar.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/timer.h>

#include <hw/mc146818.h>

#define RESET_A (MC_A_DV_32K | 0x06) /* 1024 Hz periodic rate */
#define RESET_B MC_B_24H
#define NO_EVENT (~0ULL)
/*
 * 2500-01-01 00:00:00: the latest time the clock is set to. It counts
 * nanoseconds in 64 bits, which end in 2554; this leaves it 54 years.
 */
#define MAX_CLOCK_SECONDS 16725225600ULL

struct mc146818 {
	struct devemu_instance *inst;
	u8 regs[MC146818_NR_REGS];
	u8 index;
	u8 flags; /* C's PF, AF and UF since C was last read */
	u64 offset_ns; /* clock = host wall clock + offset, modulo 2^64 */
	u64 seen_ns; /* the clock time register C accounts up to */
	bool held; /* the time registers hold the time */
	bool irq_level;
	struct timer_event timer;
};

/* Seconds since 1970 of a date the guest wrote; 0 before 1970. */
static u64 seconds_from_civil(const struct civil *t)
{
	return MIN(civil_to_seconds(t), MAX_CLOCK_SECONDS);
}

static bool binary(const struct mc146818 *s)
{
	return s->regs[MC_REG_B] & MC_B_DM_BINARY;
}

static u8 encode(const struct mc146818 *s, unsigned int v)
{
	return (u8)(binary(s) ? v : (v / 10) << 4 | v % 10);
}

static unsigned int decode(const struct mc146818 *s, u8 raw)
{
	return binary(s) ? raw : (raw >> 4) * 10U + (raw & 0xfU);
}

static u8 encode_hour(const struct mc146818 *s, unsigned int h)
{
	if (s->regs[MC_REG_B] & MC_B_24H)
		return encode(s, h);
	return encode(s, h % 12 ? h % 12 : 12) | (h >= 12 ? MC_HOURS_PM : 0);
}

static unsigned int decode_hour(const struct mc146818 *s, u8 raw)
{
	if (s->regs[MC_REG_B] & MC_B_24H)
		return decode(s, raw) % 24;
	return decode(s, raw & (u8)~MC_HOURS_PM) % 12 +
	       (raw & MC_HOURS_PM ? 12 : 0);
}

static bool running(const struct mc146818 *s)
{
	return (s->regs[MC_REG_A] & MC_A_DV_MASK) == MC_A_DV_32K;
}

static bool holds_time(const struct mc146818 *s)
{
	return (s->regs[MC_REG_B] & MC_B_SET) || !running(s);
}

static u64 clock_ns(const struct mc146818 *s)
{
	return devemu_wallclock_ns() + s->offset_ns;
}

/* Divider ticks between periodic interrupts; 0: none (RS = 0). */
static u64 period_ticks(const struct mc146818 *s)
{
	unsigned int rs = s->regs[MC_REG_A] & MC_A_RS_MASK;

	if (!rs)
		return 0;
	/* 1 and 2 repeat 8 and 9: 256 Hz and 128 Hz. */
	return 1ULL << (rs < 3 ? rs + 6 : rs - 1);
}

static void show_time(struct mc146818 *s, u64 clock)
{
	struct civil t;

	civil_from_seconds(clock / NSEC_PER_SEC, &t);
	s->regs[MC_SECONDS] = encode(s, t.sec);
	s->regs[MC_MINUTES] = encode(s, t.min);
	s->regs[MC_HOURS] = encode_hour(s, t.hour);
	s->regs[MC_DAY_OF_WEEK] = encode(s, t.wday + 1);
	s->regs[MC_DAY_OF_MONTH] = encode(s, t.mday);
	s->regs[MC_MONTH] = encode(s, t.mon);
	s->regs[MC_YEAR] = encode(s, (unsigned int)(t.year % 100));
	s->regs[MC_CENTURY] = encode(s, (unsigned int)(t.year / 100 % 100));
}

/*
 * The time the registers hold, read as the chip counts: out-of-range
 * fields wrap or clamp, a day past the month's end runs into the next.
 */
static u64 held_seconds(const struct mc146818 *s)
{
	struct civil t = {
		.sec = decode(s, s->regs[MC_SECONDS]) % 60,
		.min = decode(s, s->regs[MC_MINUTES]) % 60,
		.hour = decode_hour(s, s->regs[MC_HOURS]),
		.mday = decode(s, s->regs[MC_DAY_OF_MONTH]),
		.mon = decode(s, s->regs[MC_MONTH]),
		.year = decode(s, s->regs[MC_CENTURY]) % 100 * 100ULL +
			decode(s, s->regs[MC_YEAR]) % 100,
	};

	t.mday = t.mday < 1 ? 1 : t.mday > 31 ? 31 : t.mday;
	t.mon = t.mon < 1 ? 1 : t.mon > 12 ? 12 : t.mon;
	return seconds_from_civil(&t);
}

/* The clock restarts from the held time, on the divider's phase. */
static void release_time(struct mc146818 *s, u64 now)
{
	u64 want = held_seconds(s) * NSEC_PER_SEC + now % NSEC_PER_SEC;

	s->offset_ns += want - now;
	s->seen_ns = want;
}

/* Whether one alarm byte matches a value (an hour goes through hours). */
static bool alarm_field_matches(const struct mc146818 *s, unsigned int reg,
				unsigned int v)
{
	u8 a = s->regs[reg];

	if ((a & MC_ALARM_DONT_CARE) == MC_ALARM_DONT_CARE)
		return true;
	return a == (reg == MC_HOURS_ALARM ? encode_hour(s, v) : encode(s, v));
}

/*
 * The first time of day at or after tod (seconds) the alarm matches, or
 * SECS_PER_DAY if none is left that day: field by field, so at most
 * 24 + 60 + 60 looks, not one per second.
 */
static u64 next_alarm(const struct mc146818 *s, u64 tod)
{
	unsigned int h0 = (unsigned int)(tod / 3600),
		     m0 = (unsigned int)(tod / 60 % 60),
		     s0 = (unsigned int)(tod % 60);

	for (unsigned int h = h0; h < 24; h++) {
		if (!alarm_field_matches(s, MC_HOURS_ALARM, h))
			continue;
		for (unsigned int m = h == h0 ? m0 : 0; m < 60; m++) {
			if (!alarm_field_matches(s, MC_MINUTES_ALARM, m))
				continue;
			for (unsigned int sec = h == h0 && m == m0 ? s0 : 0;
			     sec < 60; sec++)
				if (alarm_field_matches(s, MC_SECONDS_ALARM,
							sec))
					return h * 3600ULL + m * 60ULL + sec;
		}
	}
	return SECS_PER_DAY;
}

/* Whether an update in (from, to] (seconds) matched the alarm. */
static bool alarm_between(const struct mc146818 *s, u64 from, u64 to)
{
	u64 first = from + 1, day = first - first % SECS_PER_DAY;
	u64 t = next_alarm(s, first % SECS_PER_DAY);

	if (t == SECS_PER_DAY) {
		/* None left that day: the next day's first, if any. */
		t = next_alarm(s, 0);
		if (t == SECS_PER_DAY)
			return false; /* it never matches */
		day += SECS_PER_DAY;
	}
	return day + t <= to;
}

/* C's flags for the divider ticks and updates from seen_ns to now. */
static void catch_up(struct mc146818 *s, u64 now)
{
	u64 period = period_ticks(s);

	if (!running(s) || now <= s->seen_ns) {
		s->seen_ns = now;
		return;
	}
	if (period &&
	    ns_to_ticks_at(now, MC_TICKS_PER_SEC) / period !=
		    ns_to_ticks_at(s->seen_ns, MC_TICKS_PER_SEC) / period)
		s->flags |= MC_C_PF;
	if (!(s->regs[MC_REG_B] & MC_B_SET) &&
	    now / NSEC_PER_SEC != s->seen_ns / NSEC_PER_SEC) {
		s->flags |= MC_C_UF;
		if (alarm_between(s, s->seen_ns / NSEC_PER_SEC,
				  now / NSEC_PER_SEC))
			s->flags |= MC_C_AF;
	}
	s->seen_ns = now;
}

static bool irqf(const struct mc146818 *s)
{
	u8 b = s->regs[MC_REG_B];

	return ((s->flags & MC_C_PF) && (b & MC_B_PIE)) ||
	       ((s->flags & MC_C_AF) && (b & MC_B_AIE)) ||
	       ((s->flags & MC_C_UF) && (b & MC_B_UIE));
}

/* The next clock time an enabled interrupt could raise the line. */
static u64 next_event(const struct mc146818 *s, u64 now)
{
	u8 b = s->regs[MC_REG_B];
	u64 period = period_ticks(s), next = NO_EVENT;

	if (!running(s) || s->irq_level)
		return NO_EVENT;
	if ((b & MC_B_PIE) && period)
		next = ticks_to_ns_at(
			(ns_to_ticks_at(now, MC_TICKS_PER_SEC) / period + 1) *
				period,
			MC_TICKS_PER_SEC);
	if ((b & (MC_B_AIE | MC_B_UIE)) && !(b & MC_B_SET))
		next = MIN(next, (now / NSEC_PER_SEC + 1) * NSEC_PER_SEC);
	return next;
}

static void update(struct mc146818 *s, u64 now)
{
	bool level = irqf(s);
	u64 next;

	if (level != s->irq_level) {
		s->irq_level = level;
		devemu_irq_set(s->inst, 0, level);
	}
	next = next_event(s, now);
	timer_event_set_nowait(
		&s->timer,
		next == NO_EVENT ? 0 : timer_now_ns() + (next - now));
}

static void mc146818_timer(struct timer_event *ev)
{
	struct devemu_instance *inst = ev->arg;
	struct mc146818 *s;
	unsigned long flags;

	spin_lock_irqsave(&inst->lock, flags);
	s = inst->priv;
	/* Removed while this callback waited for the lock. */
	if (s) {
		u64 now = clock_ns(s);

		catch_up(s, now);
		update(s, now);
	}
	spin_unlock_irqrestore(&inst->lock, flags);
}

static bool is_time_reg(unsigned int reg)
{
	return reg == MC_SECONDS || reg == MC_MINUTES || reg == MC_HOURS ||
	       (reg >= MC_DAY_OF_WEEK && reg <= MC_YEAR) || reg == MC_CENTURY;
}

static u8 reg_read(struct mc146818 *s, unsigned int reg, u64 now)
{
	u8 v;

	if (is_time_reg(reg) && !s->held)
		show_time(s, now);
	switch (reg) {
	case MC_REG_A:
		v = s->regs[MC_REG_A];
		if (running(s) && !(s->regs[MC_REG_B] & MC_B_SET) &&
		    NSEC_PER_SEC - now % NSEC_PER_SEC <= MC_UIP_NS)
			v |= MC_A_UIP;
		return v;
	case MC_REG_C:
		v = s->flags | (irqf(s) ? MC_C_IRQF : 0);
		s->flags = 0;
		return v;
	case MC_REG_D:
		return MC_D_VRT;
	}
	return s->regs[reg];
}

/* Register A or B changed: hold or release the time, restart the divider. */
static void control_changed(struct mc146818 *s, bool was_running, u64 now)
{
	bool hold = holds_time(s);

	if (!was_running && running(s)) {
		/* Out of reset, the first update comes half a second later. */
		u64 want = now - now % NSEC_PER_SEC + NSEC_PER_SEC / 2;

		s->offset_ns += want - now;
		now = want;
		s->seen_ns = now;
	}
	if (hold && !s->held)
		show_time(s, now);
	else if (!hold && s->held)
		release_time(s, now);
	s->held = hold;
}

static void reg_write(struct mc146818 *s, unsigned int reg, u8 v, u64 now)
{
	bool was_running = running(s);

	if (is_time_reg(reg)) {
		if (s->held) {
			s->regs[reg] = v;
			return;
		}
		/* A running clock takes the field and counts on from it. */
		show_time(s, now);
		s->regs[reg] = v;
		release_time(s, now);
		return;
	}
	switch (reg) {
	case MC_REG_A:
		s->regs[MC_REG_A] = v & (u8)~MC_A_UIP;
		control_changed(s, was_running, now);
		return;
	case MC_REG_B:
		/* Setting the time disables the update-ended interrupt. */
		if (v & MC_B_SET)
			v &= (u8)~MC_B_UIE;
		s->regs[MC_REG_B] = v;
		control_changed(s, was_running, now);
		return;
	case MC_REG_C:
	case MC_REG_D:
		return; /* read-only */
	}
	s->regs[reg] = v;
}

static int mc146818_read(struct devemu_instance *inst, u64 offset,
			 unsigned int size, u64 *value)
{
	struct mc146818 *s = inst->priv;
	u64 now;

	if (size != 1)
		return -EINVAL;
	/* The index register is write-only: reads float high, as on a PC. */
	if (offset != MC146818_DATA) {
		*value = 0xff;
		return 0;
	}
	now = clock_ns(s);
	catch_up(s, now);
	*value = reg_read(s, s->index, now);
	update(s, now);
	return 0;
}

static int mc146818_write(struct devemu_instance *inst, u64 offset,
			  unsigned int size, u64 value)
{
	struct mc146818 *s = inst->priv;
	u64 now;

	if (size != 1)
		return -EINVAL;
	if (offset == MC146818_INDEX) {
		s->index = (u8)value & MC146818_INDEX_MASK;
		return 0;
	}
	if (offset != MC146818_DATA)
		return 0;
	now = clock_ns(s);
	catch_up(s, now);
	reg_write(s, s->index, (u8)value, now);
	/* The clock may have been set: one reading of it from here on. */
	now = clock_ns(s);
	catch_up(s, now);
	update(s, now);
	return 0;
}

/* A machine reset: the clock and RAM are battery-backed and stay. */
static void mc146818_reset(struct devemu_instance *inst)
{
	struct mc146818 *s = inst->priv;
	u64 now = clock_ns(s);

	catch_up(s, now);
	s->regs[MC_REG_B] &= (u8) ~(MC_B_PIE | MC_B_AIE | MC_B_UIE | MC_B_SQWE);
	s->flags = 0;
	s->index = 0;
	update(s, now);
}

static int read_initial(struct devemu_instance *inst,
			const struct devtree_node *node, const char *prop,
			u8 fallback, u8 *out)
{
	u32 v;
	int err = devtree_prop_read_u32(node, prop, &v);

	if (err == -ENOENT) {
		*out = fallback;
		return 0;
	}
	if (err || v > 0xff) {
		devemu_error(inst, "\"%s\" must be one byte", prop);
		return -EINVAL;
	}
	*out = (u8)v;
	return 0;
}

static int mc146818_probe(struct devemu_instance *inst,
			  const struct devtree_node *node)
{
	struct mc146818 *s = inst->priv;
	u64 now;
	int err;

	s->inst = inst;
	/* Linux's binding: the values firmware left in A and B. */
	err = read_initial(inst, node, "freq-reg", RESET_A, &s->regs[MC_REG_A]);
	if (!err)
		err = read_initial(inst, node, "ctrl-reg", RESET_B,
				   &s->regs[MC_REG_B]);
	if (err)
		return err;
	s->regs[MC_REG_A] &= (u8)~MC_A_UIP;
	timer_event_init(&s->timer, mc146818_timer, inst);
	now = clock_ns(s);
	s->seen_ns = now;
	s->held = holds_time(s);
	show_time(s, now);
	update(s, now);
	return 0;
}

static void mc146818_remove(struct devemu_instance *inst)
{
	struct mc146818 *s = inst->priv;

	devemu_remove_timer(inst, &s->timer);
}

static const char *const mc146818_compatible[] = { "motorola,mc146818", NULL };

static const struct emulator mc146818_emulator = {
	.name = "mc146818",
	.compatible = mc146818_compatible,
	.probe = mc146818_probe,
	.read = mc146818_read,
	.write = mc146818_write,
	.reset = mc146818_reset,
	.remove = mc146818_remove,
	.priv_size = sizeof(struct mc146818),
	.min_window = MC146818_WINDOW,
};
EMULATOR_REGISTER(mc146818_emulator);
