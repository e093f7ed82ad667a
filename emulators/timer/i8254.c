// SPDX-License-Identifier: GPL-2.0
/*
 * Intel 8254 interval timer for guests (hw/i8254.h): counters 0-2 in all
 * six modes, binary and BCD, the counter latch and read-back commands,
 * status bytes, and (when the node's second "reg" entry gives it) the
 * PC's port 0x61 with counter 2's gate and output, which is how Linux
 * calibrates the TSC. Counter 0's output drives the node's interrupt.
 *
 * Counters are computed, not ticked: each keeps the 1.193182 MHz tick at
 * which it started, and its count and output follow from the ticks since
 * (Keel's clock, so they keep counting whether or not the guest runs). A
 * timer event waits for counter 0's next output change while an
 * interrupt is wired, so the line moves when the chip's would.
 *
 * Counters 0 and 1 have their gates tied high, as on a PC. A count
 * written while a counter runs takes effect at once (the chip waits for
 * the end of the current period in modes 2 and 3). A count of 1 is
 * taken as 2 in modes 2 and 3, where the data sheet forbids it.
 * Counter 0's output is looked at no more often than 50,000 times a
 * second; rising edges between two looks (a faster rate, a late timer
 * event, a one-tick strobe) make one interrupt at the second look.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/timer.h>

#include <hw/i8254.h>

#define NEVER (~0ULL)
/*
 * Counter 0 wakes Keel at most this often (50 kHz): a guest that asks
 * for more gets its periodic interrupts coalesced, not Keel's CPU.
 */
#define I8254_MIN_EVENT_NS 20000ULL

struct counter {
	u8 mode, rw, bcd;
	u8 mode_bits; /* M2-M0 as written (6 and 7 are modes 2 and 3) */
	bool loaded; /* a full count was written since the control word */
	bool gate;
	bool triggered; /* modes 1 and 5: a gate edge started the count */
	bool paused; /* modes 0 and 4 with the gate low: frozen at pause_d */
	u32 n; /* the count, 1-65536 (1-10000 in BCD) */
	u64 start; /* tick at which the count (or the trigger) began */
	u64 pause_d;
	u8 lsb_written; /* RW_WORD: the low byte waits for the high */
	bool msb_next_write, msb_next_read;
	bool count_latched, status_latched;
	u16 latched_count;
	u8 latched_status;
	bool latch_msb_next;
	u64 last_d; /* counter 0: the count's ticks at the last look */
};

struct i8254 {
	struct devemu_instance *inst;
	struct counter c[I8254_COUNTERS];
	u64 port61_offset; /* from inst->base; 0: no port 0x61 */
	u8 port61;
	bool irq_level;
	struct timer_event timer;
};

static bool periodic(const struct counter *c)
{
	return c->mode == 2 || c->mode == 3;
}

static bool needs_trigger(const struct counter *c)
{
	return c->mode == 1 || c->mode == 5;
}

/* Ticks counted since the start, or NEVER while the counter waits. */
static u64 elapsed(const struct counter *c, u64 now_ticks)
{
	if (!c->loaded || (needs_trigger(c) && !c->triggered))
		return NEVER;
	if (c->paused)
		return c->pause_d;
	if (periodic(c) && !c->gate)
		return NEVER; /* held, output high, until the gate rises */
	return now_ticks - c->start;
}

static bool output_at(const struct counter *c, u64 d)
{
	u64 n = c->n;

	if (!c->loaded)
		return c->mode != 0; /* after a control word */
	if (d == NEVER)
		return true; /* waiting for a trigger, or a held mode 2/3 */
	switch (c->mode) {
	case 0:
	case 1:
		return d >= n;
	case 2:
		return d % n != n - 1;
	case 3:
		return d % n < (n + 1) / 2;
	default: /* 4, 5: one tick low when the count runs out */
		return d != n;
	}
}

/* The d after the given one at which the output changes, or NEVER. */
static u64 next_change(const struct counter *c, u64 d)
{
	u64 n = c->n, r;

	if (d == NEVER)
		return NEVER;
	switch (c->mode) {
	case 0:
	case 1:
		return d < n ? n : NEVER;
	case 2:
		r = d % n;
		return r < n - 1 ? d - r + n - 1 : d - r + n;
	case 3:
		r = d % n;
		return r < (n + 1) / 2 ? d - r + (n + 1) / 2 : d - r + n;
	default:
		return d < n ? n : d == n ? n + 1 : NEVER;
	}
}

static u16 to_bcd(u32 v)
{
	return (u16)((v / 1000 % 10) << 12 | (v / 100 % 10) << 8 |
		     (v / 10 % 10) << 4 | v % 10);
}

static u32 from_bcd(u16 v)
{
	return (v >> 12 & 0xfU) * 1000U + (v >> 8 & 0xfU) * 100U +
	       (v >> 4 & 0xfU) * 10U + (v & 0xfU);
}

/* The counting element as the guest reads it. */
static u16 count_at(const struct counter *c, u64 d)
{
	u64 modulus = c->bcd ? 10000 : 65536, n = c->n, v;

	if (d == NEVER)
		v = n % modulus;
	else if (c->mode == 2)
		v = n - d % n;
	else if (c->mode == 3)
		v = (n - 2 * d % n) & ~1ULL;
	else
		v = (n + modulus - d % modulus) % modulus;
	return c->bcd ? to_bcd((u32)(v % 10000)) : (u16)v;
}

static u8 status_of(const struct counter *c, u64 now_ticks)
{
	return (output_at(c, elapsed(c, now_ticks)) ? I8254_STATUS_OUT : 0) |
	       (c->loaded ? 0 : I8254_STATUS_NULL_COUNT) |
	       (u8)(c->rw << I8254_RW_SHIFT) |
	       (u8)(c->mode_bits << I8254_MODE_SHIFT) | c->bcd;
}

/* Whether the output rose at some tick in (from, to]. */
static bool rose_between(const struct counter *c, u64 from, u64 to)
{
	u64 n = c->n;

	if (from == NEVER || to == NEVER || to <= from)
		return false;
	switch (c->mode) {
	case 0:
	case 1:
		return from < n && n <= to;
	case 2:
	case 3:
		return to / n != from / n; /* at every multiple of n */
	default:
		return from < n + 1 && n + 1 <= to;
	}
}

static void update_irq(struct i8254 *s)
{
	const struct counter *c = &s->c[0];
	u64 now = timer_now_ns(),
	    d = elapsed(c, ns_to_ticks_at(now, I8254_FREQ_HZ)), next;
	bool level = output_at(c, d), rose;

	if (!s->inst->nr_irqs)
		return; /* nothing wired: nothing to drive or wait for */
	/*
	 * A rising edge between two looks (a timer event that came late,
	 * a strobe one tick long) is the interrupt, so it still happens,
	 * once, whatever the two looks saw.
	 */
	rose = rose_between(c, c->last_d, d);
	if (level == s->irq_level) {
		if (rose) {
			devemu_irq_set(s->inst, 0, !level);
			devemu_irq_set(s->inst, 0, level);
		}
	} else {
		/* Going low, having been up again in between. */
		if (rose && !level) {
			devemu_irq_set(s->inst, 0, false);
			devemu_irq_set(s->inst, 0, true);
		}
		s->irq_level = level;
		devemu_irq_set(s->inst, 0, level);
	}
	s->c[0].last_d = d;
	next = next_change(c, d);
	timer_event_set_nowait(
		&s->timer,
		next == NEVER || c->paused ?
			0 :
			MAX(ticks_to_ns_at(c->start + next, I8254_FREQ_HZ),
			    now + I8254_MIN_EVENT_NS));
}

static void i8254_timer(struct timer_event *ev)
{
	struct devemu_instance *inst = ev->arg;
	unsigned long flags;

	spin_lock_irqsave(&inst->lock, flags);
	/* Removed while this callback waited for the lock. */
	if (inst->priv)
		update_irq(inst->priv);
	spin_unlock_irqrestore(&inst->lock, flags);
}

static void latch_count(struct counter *c, u64 now_ticks)
{
	if (c->count_latched)
		return; /* a second latch before the read is ignored */
	c->latched_count = count_at(c, elapsed(c, now_ticks));
	c->count_latched = true;
	c->latch_msb_next = false;
}

static void control_word(struct i8254 *s, u8 v, u64 now_ticks)
{
	unsigned int sc = v >> I8254_SC_SHIFT, rw;
	struct counter *c;

	if (sc == I8254_SC_READ_BACK) {
		for (unsigned int i = 0; i < I8254_COUNTERS; i++) {
			c = &s->c[i];
			if (!(v & I8254_RB_COUNTER(i)))
				continue;
			if (!(v & I8254_RB_NO_COUNT))
				latch_count(c, now_ticks);
			if (!(v & I8254_RB_NO_STATUS) && !c->status_latched) {
				c->latched_status = status_of(c, now_ticks);
				c->status_latched = true;
			}
		}
		return;
	}
	c = &s->c[sc];
	rw = (v >> I8254_RW_SHIFT) & 3;
	if (rw == I8254_RW_LATCH) {
		latch_count(c, now_ticks);
		return;
	}
	c->rw = (u8)rw;
	c->mode_bits = (v >> I8254_MODE_SHIFT) & 7;
	c->mode = c->mode_bits > 5 ? c->mode_bits - 4 : c->mode_bits;
	c->last_d = NEVER;
	c->bcd = v & I8254_BCD;
	c->loaded = false;
	c->triggered = false;
	c->paused = false;
	c->msb_next_write = false;
	c->msb_next_read = false;
	c->count_latched = false;
	c->status_latched = false;
}

static void load_count(struct counter *c, u16 raw, u64 now_ticks)
{
	u32 n = c->bcd ? from_bcd(raw) : raw;

	if (!n)
		n = c->bcd ? 10000 : 65536;
	if (periodic(c) && n == 1)
		n = 2;
	c->n = n;
	c->loaded = true;
	c->start = now_ticks;
	c->paused = (c->mode == 0 || c->mode == 4) && !c->gate;
	c->pause_d = 0;
	c->last_d = 0;
	/* Modes 1 and 5 wait for the next rising edge of the gate. */
	c->triggered = false;
}

static void count_write(struct counter *c, u8 v, u64 now_ticks)
{
	switch (c->rw) {
	case I8254_RW_LSB:
		load_count(c, v, now_ticks);
		break;
	case I8254_RW_MSB:
		load_count(c, (u16)(v << 8), now_ticks);
		break;
	default:
		if (!c->msb_next_write) {
			c->lsb_written = v;
			c->msb_next_write = true;
			/* Mode 0: the first byte stops the count. */
			if (c->mode == 0)
				c->loaded = false;
			break;
		}
		c->msb_next_write = false;
		load_count(c, (u16)(c->lsb_written | v << 8), now_ticks);
		break;
	}
}

static u8 count_read(struct counter *c, u64 now_ticks)
{
	u16 v;
	bool msb;

	if (c->status_latched) {
		c->status_latched = false;
		return c->latched_status;
	}
	if (c->count_latched) {
		v = c->latched_count;
		msb = c->rw == I8254_RW_MSB ||
		      (c->rw == I8254_RW_WORD && c->latch_msb_next);
		if (c->rw == I8254_RW_WORD && !c->latch_msb_next)
			c->latch_msb_next = true;
		else
			c->count_latched = false;
		return (u8)(msb ? v >> 8 : v);
	}
	v = count_at(c, elapsed(c, now_ticks));
	msb = c->rw == I8254_RW_MSB ||
	      (c->rw == I8254_RW_WORD && c->msb_next_read);
	if (c->rw == I8254_RW_WORD)
		c->msb_next_read = !c->msb_next_read;
	return (u8)(msb ? v >> 8 : v);
}

/* Counter 2's gate, from port 0x61. */
static void set_gate(struct counter *c, bool gate, u64 now_ticks)
{
	if (gate == c->gate)
		return;
	if (c->loaded && (c->mode == 0 || c->mode == 4)) {
		/* Counting stops while the gate is low and goes on after. */
		if (!gate) {
			c->pause_d = now_ticks - c->start;
			c->paused = true;
		} else if (c->paused) {
			c->start = now_ticks - c->pause_d;
			c->paused = false;
		}
	} else if (c->loaded && gate) {
		/* A rising edge (re)starts modes 1, 5 and reloads 2, 3. */
		c->start = now_ticks;
		c->triggered = true;
		c->last_d = 0;
	}
	c->gate = gate;
}

static u8 port61_read(struct i8254 *s, u64 now_ns, u64 now_ticks)
{
	const struct counter *c2 = &s->c[2];
	u8 v = s->port61 & PORT61_WRITABLE;

	if ((now_ns / PORT61_REFRESH_NS) & 1)
		v |= PORT61_REFRESH;
	if (output_at(c2, elapsed(c2, now_ticks)))
		v |= PORT61_OUT2;
	return v;
}

static int i8254_read(struct devemu_instance *inst, u64 offset,
		      unsigned int size, u64 *value)
{
	struct i8254 *s = inst->priv;
	u64 now = timer_now_ns(), t = ns_to_ticks_at(now, I8254_FREQ_HZ);

	if (size != 1)
		return -EINVAL;
	if (offset < I8254_COUNTERS)
		*value = count_read(&s->c[offset], t);
	else if (s->port61_offset && offset == s->port61_offset)
		*value = port61_read(s, now, t);
	else
		*value = 0xff; /* the control word is write-only */
	return 0;
}

static int i8254_write(struct devemu_instance *inst, u64 offset,
		       unsigned int size, u64 value)
{
	struct i8254 *s = inst->priv;
	u64 t = ns_to_ticks_at(timer_now_ns(), I8254_FREQ_HZ);

	if (size != 1)
		return -EINVAL;
	if (offset < I8254_COUNTERS) {
		count_write(&s->c[offset], (u8)value, t);
	} else if (offset == I8254_CONTROL) {
		control_word(s, (u8)value, t);
	} else if (s->port61_offset && offset == s->port61_offset) {
		s->port61 = (u8)value & PORT61_WRITABLE;
		set_gate(&s->c[2], value & PORT61_GATE2, t);
	}
	update_irq(s);
	return 0;
}

static void reset_state(struct i8254 *s)
{
	for (unsigned int i = 0; i < I8254_COUNTERS; i++)
		s->c[i] = (struct counter){ .gate = i < 2, .n = 65536 };
	s->port61 = 0;
	update_irq(s);
}

static void i8254_reset(struct devemu_instance *inst)
{
	reset_state(inst->priv);
}

static int i8254_probe(struct devemu_instance *inst,
		       const struct devtree_node *node)
{
	struct i8254 *s = inst->priv;
	u64 base, size;

	s->inst = inst;
	/* The second reg entry, where the PC has it: port 0x61. */
	int err = node ? devemu_read_reg(inst, node, 1, &base, &size) : -ENOENT;

	if (err && err != -ENOENT)
		return err;
	if (!err) {
		if (base < inst->base + I8254_WINDOW || size != 1) {
			devemu_error(inst,
				     "the second \"reg\" (port 0x61) must be "
				     "one byte past the counters");
			return -EINVAL;
		}
		err = devemu_add_window(inst, base, size);
		if (err)
			return err;
		s->port61_offset = base - inst->base;
	}
	timer_event_init(&s->timer, i8254_timer, inst);
	reset_state(s);
	return 0;
}

static void i8254_remove(struct devemu_instance *inst)
{
	struct i8254 *s = inst->priv;

	devemu_remove_timer(inst, &s->timer);
}

static const char *const i8254_compatible[] = { "intel,8254", "intel,8253",
						NULL };

static const struct emulator i8254_emulator = {
	.name = "i8254",
	.compatible = i8254_compatible,
	.probe = i8254_probe,
	.read = i8254_read,
	.write = i8254_write,
	.reset = i8254_reset,
	.remove = i8254_remove,
	.priv_size = sizeof(struct i8254),
	.min_window = I8254_WINDOW,
};
EMULATOR_REGISTER(i8254_emulator);
