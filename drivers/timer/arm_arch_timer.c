// SPDX-License-Identifier: GPL-2.0
/*
 * ARM generic timer: the physical counter is Keel's clock source and each
 * CPU's EL2 physical timer (CNTHP) its clock-event device. The EL1
 * timers stay free for guests.
 */
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <keel/timer.h>
#include <asm/sysreg.h>

#define CNTHP_CTL_ENABLE (1U << 0)
#define CNTHP_CTL_IMASK (1U << 1)
/* "interrupts" order in the binding: secure, non-secure, virtual, hyp. */
#define HYP_TIMER_INDEX 3

static u64 arch_counter_read(void)
{
	__asm__ volatile("isb" ::: "memory");
	return read_sysreg(cntpct_el0);
}

static void hyp_timer_program(u64 deadline)
{
	write_sysreg(CNTHP_CVAL_EL2, deadline);
	write_sysreg(CNTHP_CTL_EL2, CNTHP_CTL_ENABLE);
	__asm__ volatile("isb" ::: "memory");
}

static void hyp_timer_stop(void)
{
	write_sysreg(CNTHP_CTL_EL2, CNTHP_CTL_IMASK);
	__asm__ volatile("isb" ::: "memory");
}

static void hyp_timer_interrupt(unsigned int irq, void *arg)
{
	/* Masked until the timer core programs the next deadline. */
	write_sysreg(CNTHP_CTL_EL2, CNTHP_CTL_ENABLE | CNTHP_CTL_IMASK);
	timer_clockevent_interrupt();
}

static struct clocksource arch_clocksource = {
	.name = "arm-arch-counter",
	.read = arch_counter_read,
};

static const struct clockevent hyp_clockevent = {
	.name = "arm-hyp-timer",
	.program = hyp_timer_program,
	.stop = hyp_timer_stop,
};

static int arch_timer_probe(struct devtree_node *node)
{
	unsigned int irq;
	u32 freq;
	int err;

	if (devtree_prop_read_u32(node, "clock-frequency", &freq))
		freq = (u32)read_sysreg(cntfrq_el0);
	if (!freq)
		return -EINVAL;
	err = devtree_irq_get(node, HYP_TIMER_INDEX, &irq);
	if (err)
		return err;
	arch_clocksource.freq_hz = freq;
	err = clocksource_register(&arch_clocksource);
	if (err)
		return err;
	err = clockevent_register(&hyp_clockevent);
	if (err)
		return err;
	hyp_timer_stop();
	err = irq_register(irq, hyp_timer_interrupt, NULL, "arch-timer",
			   IRQ_FLAG_PERCPU | IRQ_FLAG_TIMER);
	if (err)
		return err;
	printk(KERN_INFO "arch-timer: %u Hz, EL2 physical timer on IRQ %u\n",
	       freq, irq);
	return 0;
}

static const char *const arch_timer_compatible[] = { "arm,armv8-timer",
						     "arm,armv7-timer", NULL };

static const struct driver arch_timer_driver = {
	.name = "arm-arch-timer",
	.compatible = arch_timer_compatible,
	.stage = DRIVER_STAGE_TIMER,
	.probe = arch_timer_probe,
};
DRIVER_REGISTER(arch_timer_driver);
