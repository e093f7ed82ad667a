// SPDX-License-Identifier: GPL-2.0
/*
 * An ACPI PC's fixed hardware for guests (hw/acpi_pm.h): the PM1 event
 * and control blocks, the 32-bit power management timer at 3.579545 MHz,
 * and, at the node's second "reg" entry when there is one, the reset
 * control register. What x86 guests' FADT describes
 * (arch/x86_64/guest_acpi.c), and arch-neutral like every emulator.
 *
 * The hardware is always in ACPI mode (SCI_EN reads 1; the FADT has no
 * SMI command port). Writing SLP_EN with the S5 sleep type that the
 * DSDT's \_S5 gives ("keel,s5-slp-typ", 5 when absent) powers the guest
 * off; the DSDT offers no other sleep state and other types do nothing.
 * Writing RST_CPU to the reset register resets the guest, as Linux's
 * ACPI reset (the FADT's reset value 0x06) and reboot=pci both do. The
 * timer status bit is set each time the timer's bit 31 changes (every
 * 20 minutes), and with TMR_EN raises the SCI (the node's interrupt), as
 * the other enabled status bits would; nothing here sets those but the
 * guest itself cannot, so they stay 0.
 */
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/printf.h>
#include <keel/timer.h>

#include <hw/acpi_pm.h>

#define DEFAULT_S5_SLP_TYP 5
#define MAX_SLP_TYP 7
#define TIMER_TOP_BIT 31

struct acpi_pm {
	struct devemu_instance *inst;
	u16 sts, en;
	u16 cnt; /* BM_RLD and SLP_TYP as written; SCI_EN always */
	u8 s5_slp_typ;
	u8 rst_cnt;
	u64 rst_offset; /* from inst->base; 0: no reset register */
	u64 tmr_seen; /* timer ticks up to which TMR_STS accounts */
	bool irq_level;
	struct timer_event timer;
};

/* TMR_STS for every change of bit 31 since the last look. */
static void catch_up(struct acpi_pm *s, u64 now_ticks)
{
	if (now_ticks >> TIMER_TOP_BIT != s->tmr_seen >> TIMER_TOP_BIT)
		s->sts |= ACPI_PM1_TMR;
	s->tmr_seen = now_ticks;
}

static void update(struct acpi_pm *s, u64 now_ticks)
{
	bool level = s->sts & s->en & ACPI_PM1_EN_BITS;

	if (!s->inst->nr_irqs)
		return;
	if (level != s->irq_level) {
		s->irq_level = level;
		devemu_irq_set(s->inst, 0, level);
	}
	/* A wait only while the timer's status could raise the SCI. */
	if ((s->en & ACPI_PM1_TMR) && !(s->sts & ACPI_PM1_TMR))
		timer_event_set_nowait(
			&s->timer,
			ticks_to_ns_at(((now_ticks >> TIMER_TOP_BIT) + 1)
					       << TIMER_TOP_BIT,
				       ACPI_PM_TIMER_HZ));
	else
		timer_event_cancel_nowait(&s->timer);
}

static void acpi_pm_timer(struct timer_event *ev)
{
	struct devemu_instance *inst = ev->arg;
	struct acpi_pm *s;
	unsigned long flags;

	spin_lock_irqsave(&inst->lock, flags);
	/* Removed while this callback waited for the lock. */
	s = inst->priv;
	if (s) {
		u64 t = ns_to_ticks_at(timer_now_ns(), ACPI_PM_TIMER_HZ);

		catch_up(s, t);
		update(s, t);
	}
	spin_unlock_irqrestore(&inst->lock, flags);
}

/* The 32-bit word at reg (0, 4 or 8) as the guest reads it. */
static u32 word_read(struct acpi_pm *s, u64 reg, u64 now_ticks)
{
	switch (reg) {
	case ACPI_PM1_STS:
		return s->sts | (u32)s->en << 16;
	case ACPI_PM1_CNT:
		return s->cnt | ACPI_PM1_CNT_SCI_EN;
	default:
		return (u32)now_ticks;
	}
}

static int cnt_write(struct acpi_pm *s, u16 v)
{
	unsigned int typ =
		(v & ACPI_PM1_CNT_SLP_TYP_MASK) >> ACPI_PM1_CNT_SLP_TYP_SHIFT;

	s->cnt = v & (ACPI_PM1_CNT_BM_RLD | ACPI_PM1_CNT_SLP_TYP_MASK);
	if (!(v & ACPI_PM1_CNT_SLP_EN) || typ != s->s5_slp_typ)
		return 0;
	snprintf(s->inst->power_why, sizeof(s->inst->power_why),
		 "ACPI S5 (soft off)");
	return DEVEMU_POWER_OFF;
}

static int acpi_pm_read(struct devemu_instance *inst, u64 offset,
			unsigned int size, u64 *value)
{
	struct acpi_pm *s = inst->priv;
	u64 t = ns_to_ticks_at(timer_now_ns(), ACPI_PM_TIMER_HZ);
	struct reg32_lanes l;

	if (s->rst_offset && offset == s->rst_offset) {
		if (size != 1)
			return -EINVAL;
		*value = s->rst_cnt;
		return 0;
	}
	if (devemu_reg32_lanes(offset, size, &l) || l.reg >= ACPI_PM_WINDOW)
		return -EINVAL;
	catch_up(s, t);
	*value = (word_read(s, l.reg, t) & l.mask) >> l.shift;
	update(s, t);
	return 0;
}

static int acpi_pm_write(struct devemu_instance *inst, u64 offset,
			 unsigned int size, u64 value)
{
	struct acpi_pm *s = inst->priv;
	u64 t = ns_to_ticks_at(timer_now_ns(), ACPI_PM_TIMER_HZ);
	struct reg32_lanes l;
	u32 v;
	int ret = 0;

	if (s->rst_offset && offset == s->rst_offset) {
		if (size != 1)
			return -EINVAL;
		s->rst_cnt = (u8)value & (RST_CNT_SYS_RST | RST_CNT_FULL_RST);
		return value & RST_CNT_RST_CPU ? DEVEMU_RESET : 0;
	}
	if (devemu_reg32_lanes(offset, size, &l) || l.reg >= ACPI_PM_WINDOW)
		return -EINVAL;
	catch_up(s, t);
	v = ((u32)value << l.shift) & l.mask;
	if (l.reg == ACPI_PM1_STS) {
		/* Status bits clear where 1 is written; enables are written. */
		s->sts &= (u16) ~(v & ACPI_PM1_STS_BITS);
		if (l.mask & 0xffff0000U)
			s->en = (u16)((s->en & ~(l.mask >> 16)) |
				      ((v >> 16) & ACPI_PM1_EN_BITS));
	} else if (l.reg == ACPI_PM1_CNT && (l.mask & 0xffff)) {
		ret = cnt_write(s, (u16)((s->cnt & ~l.mask) | v));
	}
	update(s, t);
	return ret;
}

static void reset_state(struct acpi_pm *s)
{
	s->sts = 0;
	s->en = 0;
	s->cnt = 0;
	s->rst_cnt = 0;
	s->tmr_seen = ns_to_ticks_at(timer_now_ns(), ACPI_PM_TIMER_HZ);
	update(s, s->tmr_seen);
}

static void acpi_pm_reset(struct devemu_instance *inst)
{
	reset_state(inst->priv);
}

static int acpi_pm_probe(struct devemu_instance *inst,
			 const struct devtree_node *node)
{
	struct acpi_pm *s = inst->priv;
	u64 base, size;
	u32 typ;
	int err;

	s->inst = inst;
	err = devtree_prop_read_u32(node, "keel,s5-slp-typ", &typ);
	if (err == -ENOENT) {
		typ = DEFAULT_S5_SLP_TYP;
	} else if (err || typ > MAX_SLP_TYP) {
		devemu_error(inst, "\"keel,s5-slp-typ\" must be 0 to %u",
			     MAX_SLP_TYP);
		return -EINVAL;
	}
	s->s5_slp_typ = (u8)typ;
	err = devemu_read_reg(inst, node, 1, &base, &size);
	if (err && err != -ENOENT)
		return err;
	if (!err) {
		if (size != 1 || base < inst->base + ACPI_PM_WINDOW) {
			devemu_error(inst,
				     "the second \"reg\" (the reset register) "
				     "must be one byte past the PM registers");
			return -EINVAL;
		}
		err = devemu_add_window(inst, base, size);
		if (err)
			return err;
		s->rst_offset = base - inst->base;
	}
	timer_event_init(&s->timer, acpi_pm_timer, inst);
	reset_state(s);
	return 0;
}

static void acpi_pm_remove(struct devemu_instance *inst)
{
	struct acpi_pm *s = inst->priv;

	devemu_remove_timer(inst, &s->timer);
}

static const char *const acpi_pm_compatible[] = { "keel,acpi-pm", NULL };

static const struct emulator acpi_pm_emulator = {
	.name = "acpi-pm",
	.compatible = acpi_pm_compatible,
	.probe = acpi_pm_probe,
	.read = acpi_pm_read,
	.write = acpi_pm_write,
	.reset = acpi_pm_reset,
	.remove = acpi_pm_remove,
	.priv_size = sizeof(struct acpi_pm),
	.min_window = ACPI_PM_WINDOW,
};
EMULATOR_REGISTER(acpi_pm_emulator);
