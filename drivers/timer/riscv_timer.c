// SPDX-License-Identifier: GPL-2.0
/*
 * RISC-V timer: the time CSR is Keel's clock source (at the /cpus
 * "timebase-frequency"), and each hart's supervisor timer interrupt its
 * clock-event device, compared in hardware through the Sstc stimecmp CSR
 * when every hart's "riscv,isa" lists sstc, else through SBI set_timer.
 *
 * There is no timer node on most boards: the driver binds to the harts
 * (compatible "riscv") and to "riscv,timer" nodes where a tree has them.
 */
#include <drivers/sbi.h>
#include <drivers/riscv-intc.h>
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <keel/timer.h>
#include <asm/csr.h>
#include <asm/isa.h>
#include <asm/sbi.h>

static bool use_sstc;
static bool registered;

static u64 time_read(void)
{
	return csr_read(CSR_TIME);
}

static struct clocksource time_clocksource = {
	.name = "riscv-time",
	.read = time_read,
};

/*
 * A hart never idles without a deadline of its own at most a second
 * away: with nothing to wait for, the timer is a keep-alive.
 *
 * OpenSBI (1.1 at least) "clears" each hart's machine timer at boot by
 * setting mtimecmp to -1 and, when the harts have Sstc, never touches it
 * again; a compare register at -1 is a timer at the end of time. Under
 * QEMU's -icount sleep=off an idle machine's clock moves at once to its
 * earliest timer: with no other armed, to the end of time (INT64_MAX ns),
 * where QEMU fires every timer armed after that at once and the machine
 * livelocks (a guest's console input is never read again). An earlier
 * deadline of Keel's own keeps the clock out of there; on hardware it
 * costs one interrupt a second on an idle hart. For the same reason
 * Keel never writes -1 itself: a deadline further away is the keep-alive.
 */
static u64 keepalive_cycles(void)
{
	return time_clocksource.freq_hz;
}

static void timer_program(u64 deadline)
{
	u64 now = time_read();

	if (deadline > now && deadline - now > keepalive_cycles())
		deadline = now + keepalive_cycles();
	/* A future compare value also clears the pending interrupt. */
	if (use_sstc)
		csr_write(CSR_STIMECMP, deadline);
	else
		sbi_set_timer(deadline);
}

static void timer_stop(void)
{
	timer_program(time_read() + keepalive_cycles());
}

/* The core reprograms the timer or stops it (the keep-alive again). */
static void timer_interrupt(unsigned int irq, void *arg)
{
	timer_clockevent_interrupt();
}

static const struct clockevent timer_clockevent = {
	.name = "riscv-timer",
	.program = timer_program,
	.stop = timer_stop,
};

static int read_timebase(const struct devtree_node *node, u32 *freq)
{
	for (const struct devtree_node *n = node; n; n = n->parent)
		if (!devtree_prop_read_u32(n, "timebase-frequency", freq))
			return *freq ? 0 : -EINVAL;
	return -ENOENT;
}

static bool hart_has_sstc(const struct devtree_node *node)
{
	const char *isa;

	return !devtree_prop_read_string(node, "riscv,isa", &isa) &&
	       riscv_isa_has(isa, "sstc");
}

static int register_timer(const struct devtree_node *node)
{
	u32 freq;
	int err;

	err = read_timebase(node, &freq);
	if (err)
		return err;
	if (!use_sstc && !sbi_has_extension(SBI_EXT_TIME)) {
		printk(KERN_ERR "riscv-timer: neither Sstc nor SBI TIME\n");
		return -ENODEV;
	}
	time_clocksource.freq_hz = freq;
	err = clocksource_register(&time_clocksource);
	if (err)
		return err;
	err = clockevent_register(&timer_clockevent);
	if (err)
		return err;
	timer_stop();
	err = irq_register(RISCV_IRQ_TIMER, timer_interrupt, NULL,
			   "riscv-timer", IRQ_FLAG_PERCPU | IRQ_FLAG_TIMER);
	if (err)
		return err;
	registered = true;
	return 0;
}

/*
 * Probed once per hart node. The first registers the devices; every hart
 * must list Sstc for Keel to use it, so a later hart without it moves all
 * of them back to the SBI (before any secondary runs).
 */
static int riscv_timer_probe(struct devtree_node *node)
{
	bool is_hart = devtree_is_compatible(node, "riscv");
	int err;

	if (registered) {
		if (is_hart && use_sstc && !hart_has_sstc(node)) {
			use_sstc = false;
			printk(KERN_INFO
			       "riscv-timer: %s lacks Sstc, using the "
			       "SBI timer\n",
			       node->name);
		}
		return 0;
	}
	use_sstc = is_hart && hart_has_sstc(node);
	if (use_sstc && riscv_stimecmp_probe()) {
		printk(KERN_INFO "riscv-timer: Sstc listed but not enabled by "
				 "the firmware, using the SBI timer\n");
		use_sstc = false;
	}
	err = register_timer(node);
	if (err)
		return err;
	printk(KERN_INFO
	       "riscv-timer: %llu Hz, deadlines through %s on IRQ %u\n",
	       (unsigned long long)time_clocksource.freq_hz,
	       use_sstc ? "stimecmp (Sstc)" : "SBI set_timer", RISCV_IRQ_TIMER);
	return 0;
}

static const char *const riscv_timer_compatible[] = { "riscv,timer", "riscv",
						      NULL };

static const struct driver riscv_timer_driver = {
	.name = "riscv-timer",
	.compatible = riscv_timer_compatible,
	.stage = DRIVER_STAGE_TIMER,
	.probe = riscv_timer_probe,
};
DRIVER_REGISTER(riscv_timer_driver);
