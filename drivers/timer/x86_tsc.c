// SPDX-License-Identifier: GPL-2.0
/*
 * x86 time: the TSC as clock source and each CPU's local APIC timer as
 * its clock-event device, both measured against the HPET's main counter
 * ("keel,x86-hpet"), whose period the HPET states itself. Neither the
 * TSC's nor the APIC bus clock's rate is architectural, and CPUID gives
 * them on few CPUs (never on QEMU's AMD models), so Keel measures them
 * once at boot, over CALIBRATE_NS of the HPET's time.
 *
 * The TSC must run at one rate on every CPU, in step (an invariant TSC,
 * or QEMU's, which reads one clock for all CPUs).
 */
#include <keel/devtree.h>
#include <keel/driver.h>
#include <keel/errno.h>
#include <keel/io.h>
#include <keel/irq.h>
#include <keel/printk.h>
#include <keel/timer.h>
#include <asm/x86.h>
#include <drivers/x86_apic.h>

#define HPET_WINDOW 0x400
#define HPET_CAPABILITIES 0x000
#define HPET_CONFIG 0x010
#define HPET_COUNTER 0x0f0
#define HPET_CONFIG_ENABLE 1U
/* Bits 63:32 of the capabilities: the counter's period in fs (<= 100 ns). */
#define HPET_MAX_PERIOD_FS 100000000U
#define FS_PER_NS 1000000ULL
#define NS_PER_S 1000000000ULL

#define CALIBRATE_NS 10000000ULL /* 10 ms */
#define CALIBRATE_MAX_SPINS (1ULL << 32)
#define HPET_CAP_COUNT_64 (1ULL << 13) /* else a 32-bit main counter */
#define APIC_TIMER_MAX 0xffffffffU

static u64 tsc_read(void)
{
	return x86_rdtsc();
}

static struct clocksource tsc_clocksource = {
	.name = "tsc",
	.read = tsc_read,
};

/* APIC timer counts per TSC cycle, as a 32.32 fixed-point factor. */
static u64 apic_per_tsc;

/*
 * Deadlines are kept within a second, as on riscv (riscv_timer.c): under
 * QEMU's -icount sleep=off a machine with no timer armed at all lets its
 * clock run to the end of time. A later deadline is reprogrammed when
 * this one fires.
 */
static u64 keepalive_cycles(void)
{
	return tsc_clocksource.freq_hz;
}

static void apic_timer_program(u64 deadline)
{
	u64 now = tsc_read();
	u64 delta = deadline > now ? deadline - now : 0;
	unsigned __int128 count;

	if (delta > keepalive_cycles())
		delta = keepalive_cycles();
	count = ((unsigned __int128)delta * apic_per_tsc + 0xffffffffU) >> 32;
	if (count == 0)
		count = 1; /* 0 would stop the timer */
	if (count > APIC_TIMER_MAX)
		count = APIC_TIMER_MAX;
	x86_apic_timer_start((u32)count);
}

static void apic_timer_stop(void)
{
	apic_timer_program(tsc_read() + keepalive_cycles());
}

static void apic_timer_interrupt(unsigned int irq, void *arg)
{
	timer_clockevent_interrupt();
}

static const struct clockevent apic_timer_clockevent = {
	.name = "x86-apic-timer",
	.program = apic_timer_program,
	.stop = apic_timer_stop,
};

static u64 hpet_count(char *hpet, bool wide)
{
	return wide ? readq(hpet + HPET_COUNTER) : readl(hpet + HPET_COUNTER);
}

/* (a << 32) / b by long division: no 128-bit divide in a freestanding build. */
static u64 ratio_32_32(u64 a, u64 b)
{
	u64 q = a / b, r = a % b;

	for (unsigned int i = 0; i < 32; i++) {
		bool carry = r >> 63;

		q <<= 1;
		r <<= 1;
		if (carry || r >= b) {
			r -= b;
			q |= 1;
		}
	}
	return q;
}

/*
 * Over CALIBRATE_NS of HPET time: TSC cycles and APIC timer counts.
 * Interrupts are masked (boot, before they are first enabled), and the
 * APIC timer's interrupt is masked until irq_register() enables it.
 */
static int calibrate(char *hpet, u64 *tsc_hz, u64 *apic_hz)
{
	u64 caps = readq(hpet + HPET_CAPABILITIES);
	u32 period_fs = (u32)(caps >> 32);
	bool wide = caps & HPET_CAP_COUNT_64;
	u64 mask = wide ? ~0ULL : 0xffffffffULL;
	u64 ticks, h0, h1, t0, t1, ns;
	u32 a0, a1;

	if (!period_fs || period_fs > HPET_MAX_PERIOD_FS)
		return -EINVAL;
	writeq(readq(hpet + HPET_CONFIG) | HPET_CONFIG_ENABLE,
	       hpet + HPET_CONFIG);
	ticks = CALIBRATE_NS * FS_PER_NS / period_fs;
	x86_apic_timer_start(APIC_TIMER_MAX);
	h0 = hpet_count(hpet, wide);
	t0 = tsc_read();
	a0 = x86_apic_timer_remaining();
	for (u64 spins = 0;; spins++) {
		h1 = hpet_count(hpet, wide);
		if (((h1 - h0) & mask) >= ticks)
			break;
		/* An HPET that does not count: give up, not hang. */
		if (spins > CALIBRATE_MAX_SPINS ||
		    (h1 == h0 && spins > 1000000))
			return -EIO;
	}
	h1 = h0 + ((h1 - h0) & mask);
	t1 = tsc_read();
	a1 = x86_apic_timer_remaining();
	x86_apic_timer_start(0);
	/*
	 * Rates = counts / elapsed time; about 10^7 ns elapse, so counts
	 * up to 10^10 (a 1 THz clock) times 10^9 stay within 64 bits.
	 */
	ns = (h1 - h0) * period_fs / FS_PER_NS;
	if (!ns || a1 == 0)
		return -EIO;
	*tsc_hz = (t1 - t0) * NS_PER_S / ns;
	*apic_hz = (u64)(a0 - a1) * NS_PER_S / ns;
	if (!*tsc_hz || !*apic_hz)
		return -EIO;
	return 0;
}

static int hpet_probe(struct devtree_node *node)
{
	u64 addr, size, tsc_hz, apic_hz;
	char *hpet;
	int err;

	if (tsc_clocksource.freq_hz)
		return -EBUSY;
	if (!x86_apic_ready())
		return -ENODEV;
	err = devtree_read_reg(node, 0, &addr, &size);
	if (err)
		return err;
	hpet = ioremap(addr, HPET_WINDOW);
	if (!hpet)
		return -ENOMEM;
	err = calibrate(hpet, &tsc_hz, &apic_hz);
	if (err) {
		printk(KERN_ERR "x86-tsc: cannot measure the TSC and APIC "
				"timer against the HPET (%s)\n",
		       error_name(err));
		return err;
	}
	tsc_clocksource.freq_hz = tsc_hz;
	apic_per_tsc = ratio_32_32(apic_hz, tsc_hz);
	printk(KERN_INFO "x86-tsc: TSC %llu kHz, APIC timer %llu kHz\n",
	       (unsigned long long)(tsc_hz / 1000),
	       (unsigned long long)(apic_hz / 1000));
	err = clocksource_register(&tsc_clocksource);
	if (err)
		return err;
	err = clockevent_register(&apic_timer_clockevent);
	if (err)
		return err;
	apic_timer_stop();
	return irq_register(X86_VECTOR_APIC_TIMER, apic_timer_interrupt, NULL,
			    "x86-apic-timer", IRQ_FLAG_PERCPU | IRQ_FLAG_TIMER);
}

static const char *const hpet_compatible[] = { "keel,x86-hpet", NULL };

static const struct driver hpet_driver = {
	.name = "x86-tsc",
	.compatible = hpet_compatible,
	.stage = DRIVER_STAGE_TIMER,
	.probe = hpet_probe,
};
DRIVER_REGISTER(hpet_driver);
