// SPDX-License-Identifier: GPL-2.0
/*
 * What one guest must never see of another on the same CPU, and the EL1
 * physical timer.
 *
 * mark <value> writes value to registers that a hypervisor might leave
 * shared between guests (the EL1 physical timer's CVAL, PMU counters and
 * their configuration, a breakpoint and a watchpoint value); leak <value>,
 * run in another guest on the same host CPU, reads them and fails if one
 * holds that value (as far as the register keeps the bits written). A
 * register that faults counts as absent: nothing leaks through it.
 *
 * ptimer [rounds] checks the EL1 physical timer (CNTP_*, PPI 14 = INTID
 * 30) against the architecture: its interrupt in TVAL and CVAL form,
 * ISTATUS set at the deadline while the interrupt is masked and not yet
 * taken, IMASK, TVAL as a signed 32-bit view of CVAL - CNTPCT, a CVAL
 * far in the future that never fires and reads back unchanged after other
 * vCPUs ran, and both timers due at once, the physical one at a higher
 * priority: it must be taken first.
 */
#include "arm64.h"

#define CTL_ENABLE 1UL
#define CTL_IMASK 2UL
#define CTL_ISTATUS 4UL

struct marked_reg {
	const char *name;
	uint64_t mask; /* the bits the register keeps */
	void (*write)(uint64_t v);
	uint64_t (*read)(void);
};

#define MARKED(reg, m)                                                        \
	static void write_##reg(uint64_t v)                                   \
	{                                                                     \
		write_sysreg(v, reg);                                         \
		isb();                                                        \
	}                                                                     \
	static uint64_t read_##reg(void)                                      \
	{                                                                     \
		return read_sysreg(reg);                                      \
	}                                                                     \
	static const struct marked_reg marked_##reg = { #reg, m, write_##reg, \
							read_##reg }

MARKED(cntp_cval_el0, ~0UL);
MARKED(pmccntr_el0, ~0UL);
MARKED(pmevcntr5_el0, 0xffffffffUL);
MARKED(pmevtyper5_el0, 0xfe00ffffUL);
MARKED(pmccfiltr_el0, 0xfc000000UL);
MARKED(pmuserenr_el0, 0xfUL);
MARKED(dbgbvr1_el1, 0xfffffffffffcUL);
MARKED(dbgwvr1_el1, 0xfffffffffffcUL);

static const struct marked_reg *const marked[] = {
	&marked_cntp_cval_el0,	&marked_pmccntr_el0,   &marked_pmevcntr5_el0,
	&marked_pmevtyper5_el0, &marked_pmccfiltr_el0, &marked_pmuserenr_el0,
	&marked_dbgbvr1_el1,	&marked_dbgwvr1_el1,
};

static bool parse_marker(int argc, char **argv, uint64_t *marker,
			 const char *usage)
{
	if (argc != 2 || !parse_u64(argv[1], marker) || !*marker) {
		fail("usage: %s <non-zero value>", usage);
		return false;
	}
	return true;
}

int cmd_mark(int argc, char **argv)
{
	struct basic_fault f;
	uint64_t marker, back = 0;
	unsigned int i;

	if (!parse_marker(argc, argv, &marker, "mark"))
		return -1;
	/* The physical timer off: the marker is a value, not a deadline. */
	fault_catch_begin();
	write_sysreg(0, cntp_ctl_el0);
	fault_catch_end(&f);
	for (i = 0; i < ARRAY_SIZE(marked); i++) {
		fault_catch_begin();
		marked[i]->write(marker);
		back = marked[i]->read();
		if (fault_catch_end(&f))
			printf("mark %s: faults (ESR 0x%lx)\n", marked[i]->name,
			       f.syndrome);
		else
			printf("mark %s: reads back 0x%lx\n", marked[i]->name,
			       back);
	}
	return 0;
}

int cmd_leak(int argc, char **argv)
{
	struct basic_fault f;
	uint64_t marker, v = 0;
	unsigned int i, leaks = 0;

	if (!parse_marker(argc, argv, &marker, "leak"))
		return -1;
	for (i = 0; i < ARRAY_SIZE(marked); i++) {
		uint64_t m = marked[i]->mask;

		fault_catch_begin();
		v = marked[i]->read();
		if (fault_catch_end(&f)) {
			printf("leak %s: faults (ESR 0x%lx), absent\n",
			       marked[i]->name, f.syndrome);
			continue;
		}
		printf("leak %s: 0x%lx\n", marked[i]->name, v);
		if ((marker & m) && (v & m) == (marker & m)) {
			leaks++;
			fail("%s holds the marker 0x%lx", marked[i]->name,
			     marker);
		}
	}
	return leaks ? -1 : 0;
}

/* ---- the EL1 physical timer ---- */

static volatile unsigned int ptimer_irqs;
static volatile uint64_t ptimer_irq_at, ptimer_irq_ctl;

static uint64_t cntpct(void)
{
	isb();
	return read_sysreg(cntpct_el0);
}

static void ptimer_ctl(uint64_t ctl)
{
	write_sysreg(ctl, cntp_ctl_el0);
	isb();
}

void arm64_ptimer_irq(void)
{
	ptimer_irq_at = cntpct();
	ptimer_irq_ctl = read_sysreg(cntp_ctl_el0);
	/* Level-triggered: silence it before returning. */
	ptimer_ctl(0);
	ptimer_irqs++;
}

/* Interrupts unmasked until n interrupts were taken or timeout ticks. */
static bool wait_irqs(unsigned int n, uint64_t timeout, bool use_wfi)
{
	uint64_t start = cntpct();

	while (ptimer_irqs < n && cntpct() - start < timeout) {
		if (use_wfi)
			arch_wfi(); /* masked: wakes on the pending interrupt */
		arch_irq_enable();
		arch_irq_disable();
	}
	return ptimer_irqs >= n;
}

static void spin_ticks(uint64_t ticks, bool irqs)
{
	uint64_t start = cntpct();

	if (irqs)
		arch_irq_enable();
	while (cntpct() - start < ticks)
		;
	arch_irq_disable();
}

static int ptimer_tval_form(uint64_t wait)
{
	uint64_t before, before_read, cval, now;
	uint64_t second = ticks_from_us(1000000);
	unsigned int irqs = ptimer_irqs;
	int64_t tval;

	ptimer_ctl(0);
	before = cntpct();
	write_sysreg(wait, cntp_tval_el0);
	ptimer_ctl(CTL_ENABLE);
	cval = read_sysreg(cntp_cval_el0);
	now = cntpct();
	if (cval < before + wait || cval > now + wait)
		return fail("TVAL %lu at count 0x%lx..0x%lx gave CVAL 0x%lx",
			    wait, before, now, cval);
	/*
	 * TVAL is CVAL minus the count when it was read: between the counts
	 * just before and after (a hypervisor may run others in between).
	 */
	before_read = cntpct();
	tval = (int32_t)read_sysreg(cntp_tval_el0);
	now = cntpct();
	if (tval > (int64_t)(cval - before_read) ||
	    tval < (int64_t)(cval - now))
		return fail("TVAL reads %ld, CVAL 0x%lx, count 0x%lx..0x%lx",
			    tval, cval, before_read, now);
	/* Masked: ISTATUS must rise by itself, the interrupt stay pending. */
	while (!(read_sysreg(cntp_ctl_el0) & CTL_ISTATUS)) {
		if (cntpct() - before > second)
			return fail("ISTATUS not set 1 s after TVAL %lu", wait);
	}
	now = cntpct();
	if (now < cval)
		return fail("ISTATUS set at 0x%lx, before CVAL 0x%lx", now,
			    cval);
	tval = (int32_t)read_sysreg(cntp_tval_el0);
	if (tval > 0)
		return fail("TVAL reads %ld after the deadline", tval);
	if (ptimer_irqs != irqs)
		return fail("interrupt taken while masked");
	if (!wait_irqs(irqs + 1, second, false))
		return fail("no interrupt (TVAL form) within 1 s of "
			    "unmasking, CTL 0x%lx",
			    read_sysreg(cntp_ctl_el0));
	if (ptimer_irq_at < cval || !(ptimer_irq_ctl & CTL_ISTATUS))
		return fail("interrupt at 0x%lx (CVAL 0x%lx), CTL 0x%lx",
			    ptimer_irq_at, cval, ptimer_irq_ctl);
	return 0;
}

static int ptimer_cval_form(uint64_t wait)
{
	uint64_t cval = cntpct() + wait, second = ticks_from_us(1000000);
	unsigned int irqs = ptimer_irqs;

	write_sysreg(cval, cntp_cval_el0);
	ptimer_ctl(CTL_ENABLE);
	if (!wait_irqs(irqs + 1, second, true))
		return fail("no interrupt (CVAL form) within 1 s, CTL 0x%lx",
			    read_sysreg(cntp_ctl_el0));
	if (ptimer_irq_at < cval)
		return fail("CVAL interrupt at 0x%lx, before CVAL 0x%lx",
			    ptimer_irq_at, cval);
	return 0;
}

static int ptimer_imask(uint64_t wait)
{
	unsigned int irqs = ptimer_irqs;
	uint64_t ctl;

	write_sysreg(cntpct() - 1, cntp_cval_el0);
	ptimer_ctl(CTL_ENABLE | CTL_IMASK);
	ctl = read_sysreg(cntp_ctl_el0);
	if (ctl != (CTL_ENABLE | CTL_IMASK | CTL_ISTATUS))
		return fail("CTL reads 0x%lx with IMASK, CVAL past", ctl);
	spin_ticks(wait, true);
	ptimer_ctl(0);
	if (ptimer_irqs != irqs)
		return fail("interrupt taken with IMASK set");
	return 0;
}

static int ptimer_negative_tval(uint64_t wait)
{
	uint64_t before, cval, now;

	ptimer_ctl(CTL_ENABLE | CTL_IMASK);
	before = cntpct();
	write_sysreg((uint32_t)-1000, cntp_tval_el0);
	cval = read_sysreg(cntp_cval_el0);
	now = cntpct();
	if (cval > now - 1000 || cval < before - 1000)
		return fail("TVAL -1000 at 0x%lx..0x%lx gave CVAL 0x%lx",
			    before, now, cval);
	if (!(read_sysreg(cntp_ctl_el0) & CTL_ISTATUS))
		return fail("ISTATUS clear after TVAL -1000");
	ptimer_ctl(0);
	return 0;
}

static int ptimer_far_future(uint64_t wait)
{
	/* Unique per run: another vCPU on this CPU writes its own. */
	uint64_t cval = 0x2000000000000000UL + (cntpct() & 0xffffffffUL);
	unsigned int irqs = ptimer_irqs;
	uint64_t ctl, back;

	write_sysreg(cval, cntp_cval_el0);
	ptimer_ctl(CTL_ENABLE);
	/* Longer than a time slice: other vCPUs on this CPU run meanwhile. */
	spin_ticks(10 * wait, true);
	ctl = read_sysreg(cntp_ctl_el0);
	back = read_sysreg(cntp_cval_el0);
	ptimer_ctl(0);
	if (ptimer_irqs != irqs)
		return fail("interrupt for CVAL 0x%lx", cval);
	if (ctl != CTL_ENABLE)
		return fail("CTL reads 0x%lx with CVAL 0x%lx, not 0x1", ctl,
			    cval);
	if (back != cval)
		return fail("CVAL reads 0x%lx, not the 0x%lx written", back,
			    cval);
	return 0;
}

/* The timers' interrupts in the order taken, while a step records them. */
static volatile unsigned int timer_order[2], timer_order_n;
static volatile bool timer_order_on;

void arm64_timer_irq_order(unsigned int intid)
{
	if (timer_order_on && timer_order_n < ARRAY_SIZE(timer_order))
		timer_order[timer_order_n++] = intid;
}

/*
 * Both timers due at the same moment while interrupts are masked, the
 * physical timer's interrupt at a higher priority (0x80) than the
 * virtual one's (PRIORITY): once unmasked, the physical one must come
 * first. A hypervisor that gave the guest only the first of two lines
 * raised together (a fast path for the virtual timer's PPI) delivers the
 * virtual timer's first and the other only after some later exit.
 */
static int ptimer_beside_vtimer_once(uint64_t wait)
{
	uint64_t p, v, pctl, vctl, start;

	gic->set_private_priority(INTID_PTIMER, 0x80);
	timer_order_n = 0;
	timer_order_on = true;
	ptimer_ctl(0);
	arch_timer_stop();
	/* The same moment on both counters, read back to back. */
	p = cntpct();
	v = read_sysreg(cntvct_el0);
	write_sysreg(p + wait, cntp_cval_el0);
	ptimer_ctl(CTL_ENABLE);
	write_sysreg(v + wait, cntv_cval_el0);
	write_sysreg(CTL_ENABLE, cntv_ctl_el0);
	isb();
	spin_ticks(2 * wait, false);
	pctl = read_sysreg(cntp_ctl_el0);
	vctl = read_sysreg(cntv_ctl_el0);
	/*
	 * Both due now: unmasked, both are taken, at once with Keel; wait
	 * for them as long as a stalled host might take, since the order is
	 * the point.
	 */
	start = cntpct();
	arch_irq_enable();
	while (timer_order_n < 2 && cntpct() - start < 100 * wait)
		;
	arch_irq_disable();
	timer_order_on = false;
	arch_timer_stop();
	ptimer_ctl(0);
	gic->set_private_priority(INTID_PTIMER, PRIORITY_DEFAULT);
	if (timer_order_n < 2)
		return fail("%u of the two timers' interrupts taken (CNTP_CTL "
			    "0x%lx CNTV_CTL 0x%lx when unmasked)",
			    timer_order_n, pctl, vctl);
	if (timer_order[0] != INTID_PTIMER)
		return fail("INTID %u taken first, not the physical timer's "
			    "(higher priority)",
			    timer_order[0]);
	return 0;
}

/*
 * Several times: the two lines reach the hypervisor together only when
 * both deadlines pass between two of its looks, which is likely, not
 * certain.
 */
static int ptimer_beside_vtimer(uint64_t wait)
{
	int err = 0;

	for (unsigned int i = 0; i < 64 && !err; i++)
		err = ptimer_beside_vtimer_once(wait / 2);
	return err;
}

int cmd_ptimer(int argc, char **argv)
{
	uint64_t rounds = 1, ms = ticks_from_us(1000);
	int (*const steps[])(uint64_t) = {
		ptimer_tval_form,     ptimer_cval_form,	 ptimer_imask,
		ptimer_negative_tval, ptimer_far_future, ptimer_beside_vtimer,
	};
	int err = 0;

	if (argc > 2 || (argc == 2 && (!parse_u64(argv[1], &rounds) ||
				       !rounds || rounds > 100000)))
		return fail("usage: ptimer [rounds, 1 to 100000]");
	if (!platform.irq_ok)
		return fail("no interrupts");
	arch_irq_disable();
	for (uint64_t r = 0; r < rounds && !err; r++) {
		for (unsigned int i = 0; i < ARRAY_SIZE(steps) && !err; i++)
			err = steps[i](2 * ms);
	}
	ptimer_ctl(0);
	arch_irq_enable();
	if (!err)
		printf("ptimer: %lu rounds, %u interrupts\n", rounds,
		       ptimer_irqs);
	return err;
}
