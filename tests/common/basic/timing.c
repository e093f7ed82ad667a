// SPDX-License-Identifier: GPL-2.0
/*
 * Time: conversions, waiting, and the tests built on the timer interrupt
 * (timer, wfi) and on a wall clock (rtc). Conversions split a value into
 * whole seconds and a remainder so that nothing overflows 64 bits without
 * needing 128-bit division.
 */
#include "commands.h"

uint64_t ticks_from_us(uint64_t us)
{
	uint64_t f = arch_counter_freq();

	return us / 1000000 * f + us % 1000000 * f / 1000000;
}

uint64_t ticks_to_ns(uint64_t ticks)
{
	uint64_t f = arch_counter_freq();

	return ticks / f * 1000000000UL + ticks % f * 1000000000UL / f;
}

void print_ms(uint64_t ticks)
{
	uint64_t us = ticks_to_ns(ticks) / 1000;

	printf("%lu.%03lu ms", us / 1000, us % 1000);
}

bool wait_count(const volatile unsigned int *p, unsigned int target,
		uint64_t timeout_ticks)
{
	uint64_t start = arch_counter();

	while (*p < target) {
		if (arch_counter() - start >= timeout_ticks)
			return *p >= target;
		arch_wfe();
	}
	return true;
}

/* Heapsort: no recursion, no extra memory, n log n for 16k samples. */
static void sift_down(uint32_t *v, unsigned int root, unsigned int n)
{
	for (;;) {
		unsigned int child = 2 * root + 1;
		uint32_t t;

		if (child >= n)
			return;
		if (child + 1 < n && v[child + 1] > v[child])
			child++;
		if (v[root] >= v[child])
			return;
		t = v[root];
		v[root] = v[child];
		v[child] = t;
		root = child;
	}
}

void sort_u32(uint32_t *v, unsigned int n)
{
	unsigned int i;

	for (i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (i = n; i-- > 1;) {
		uint32_t t = v[0];

		v[0] = v[i];
		v[i] = t;
		sift_down(v, 0, i);
	}
}

/* ---- the timer interrupt, on the boot CPU ---- */

enum timer_mode { TIMER_IDLE, TIMER_PERIODIC, TIMER_ONESHOT };

static struct {
	enum timer_mode mode;
	uint64_t deadline;
	uint64_t period;
	unsigned int ticks;
	unsigned int target;
	unsigned int lost;
	unsigned int early;
	unsigned int stray;
	uint64_t first, last, max_late;
} tmr;

void basic_timer_irq(uint64_t now)
{
	uint64_t late = now - tmr.deadline;

	if (tmr.mode == TIMER_IDLE) {
		tmr.stray++;
		return;
	}
	if ((int64_t)late < 0) {
		tmr.early++;
		late = 0;
	}
	if (late > tmr.max_late)
		tmr.max_late = late;
	if (!tmr.ticks)
		tmr.first = now;
	tmr.last = now;
	if (tmr.mode == TIMER_PERIODIC) {
		/*
		 * Deadlines are absolute, so a late tick delays but does not
		 * drop the next one; it counts as lost when it comes after
		 * the next deadline has passed, as a device counting ticks
		 * would then have seen one too few.
		 */
		if (late >= tmr.period)
			tmr.lost++;
		if (tmr.ticks + 1 < tmr.target) {
			tmr.deadline += tmr.period;
			arch_timer_arm(tmr.deadline);
		} else {
			tmr.mode = TIMER_IDLE;
		}
	} else {
		tmr.mode = TIMER_IDLE;
	}
	/* Last, as it is what the waiting code watches. */
	WRITE_ONCE(tmr.ticks, tmr.ticks + 1);
}

static void timer_reset(enum timer_mode mode, uint64_t deadline,
			uint64_t period, unsigned int target)
{
	arch_irq_disable();
	memset(&tmr, 0, sizeof(tmr));
	tmr.deadline = deadline;
	tmr.period = period;
	tmr.target = target;
	tmr.mode = mode;
	arch_irq_enable();
}

/*
 * Arm a one-shot timer and sleep in WFI until its interrupt has been
 * taken. Other interrupts (console input) wake the loop without ending
 * it. False if nothing but other interrupts came for a second past the
 * deadline.
 */
bool timer_oneshot(uint64_t deadline, uint64_t *fired_at)
{
	uint64_t give_up = deadline + arch_counter_freq();
	bool ok;

	timer_reset(TIMER_ONESHOT, deadline, 0, 1);
	arch_irq_disable();
	arch_timer_arm(deadline);
	while (!READ_ONCE(tmr.ticks) &&
	       (int64_t)(arch_counter() - give_up) < 0) {
		arch_wfi();
		arch_irq_enable();
		arch_irq_disable();
	}
	ok = READ_ONCE(tmr.ticks) != 0;
	if (!ok)
		arch_timer_stop();
	arch_irq_enable();
	*fired_at = tmr.first;
	return ok;
}

void timer_expect(uint64_t deadline)
{
	timer_reset(TIMER_ONESHOT, deadline, 0, 1);
}

unsigned int timer_fired(uint64_t *fired_at)
{
	unsigned int n = READ_ONCE(tmr.ticks);

	*fired_at = tmr.first;
	return n;
}

void delay_ticks(uint64_t ticks)
{
	uint64_t start = arch_counter(), fired;

	if (platform.irq_ok) {
		timer_oneshot(start + ticks, &fired);
		return;
	}
	while (arch_counter() - start < ticks)
		arch_wfe();
}

/*
 * Sleep in WFI until `target` ticks have been counted. The ticks are the
 * wake-ups; sleeping rather than polling also leaves the host CPU to
 * whoever delivers the timer interrupt (QEMU's main loop under TCG). If
 * the timer never interrupts, only console input wakes the loop, and any
 * key then ends the wait once the timeout has passed.
 */
static bool wait_ticks(unsigned int target, uint64_t timeout)
{
	uint64_t start = arch_counter();

	arch_irq_disable();
	while (READ_ONCE(tmr.ticks) < target &&
	       arch_counter() - start < timeout) {
		arch_wfi();
		arch_irq_enable();
		arch_irq_disable();
	}
	arch_irq_enable();
	return READ_ONCE(tmr.ticks) >= target;
}

int cmd_timer(int argc, char **argv)
{
	uint64_t hz = 100, count = 50, freq = arch_counter_freq();
	uint64_t start, span, rate_c, avg, err, timeout;
	bool done;

	if (argc > 3 || (argc > 1 && !parse_u64(argv[1], &hz)) ||
	    (argc > 2 && !parse_u64(argv[2], &count)))
		return fail("usage: timer [hz] [count]");
	if (!platform.irq_ok)
		return fail("no interrupts");
	if (!hz || hz > 100000 || !count || count > 100000)
		return fail("hz must be 1..100000 and count 1..100000");
	if (freq / hz < 10)
		return fail("%lu Hz is too fast for a %lu Hz counter", hz,
			    freq);

	start = arch_counter();
	timer_reset(TIMER_PERIODIC, start + freq / hz, freq / hz,
		    (unsigned int)count);
	arch_timer_arm(tmr.deadline);
	/* Generous: twice the expected time plus a second. */
	timeout = 2 * count * tmr.period + freq;
	done = wait_ticks((unsigned int)count, timeout);
	arch_timer_stop();
	tmr.mode = TIMER_IDLE;
	if (!done)
		return fail("%u of %lu ticks after %lu ms",
			    READ_ONCE(tmr.ticks), count, timeout * 1000 / freq);

	/* The average period: between ticks, or from the start for one. */
	if (count > 1) {
		span = tmr.last - tmr.first;
		avg = span / (count - 1);
		rate_c = span ? freq * 100 * (count - 1) / span : 0;
	} else {
		span = tmr.last - start;
		avg = span;
		rate_c = span ? freq * 100 / span : 0;
	}
	printf("timer measured %lu.%02lu Hz (asked %lu Hz, %lu ticks), period %lu ticks (expected %lu), worst latency ",
	       rate_c / 100, rate_c % 100, hz, count, avg, tmr.period);
	print_ms(tmr.max_late);
	printf(", %u lost\n", tmr.lost);

	err = avg > tmr.period ? avg - tmr.period : tmr.period - avg;
	if (tmr.early)
		return fail("%u ticks before their deadline", tmr.early);
	if (tmr.lost)
		return fail("%u lost ticks", tmr.lost);
	if (err * 10 > tmr.period)
		return fail("rate %lu.%02lu Hz is more than 10%% off %lu Hz",
			    rate_c / 100, rate_c % 100, hz);
	return 0;
}

int cmd_wfi(int argc, char **argv)
{
	uint64_t ten_ms = ticks_from_us(10000), start, fired, woke;
	unsigned int wakeups = 0;

	if (argc > 1)
		return fail("usage: wfi");
	if (!platform.irq_ok)
		return fail("no interrupts");

	timer_reset(TIMER_ONESHOT, 0, 0, 1);
	arch_irq_disable();
	start = arch_counter();
	tmr.deadline = start + ten_ms;
	arch_timer_arm(tmr.deadline);
	/* Interrupts stay masked at the CPU around WFI, taken right after. */
	do {
		arch_wfi();
		wakeups++;
		arch_irq_enable();
		arch_irq_disable();
	} while (!READ_ONCE(tmr.ticks) &&
		 arch_counter() - start < 100 * ten_ms);
	woke = arch_counter();
	fired = tmr.first;
	if (!tmr.ticks)
		arch_timer_stop();
	arch_irq_enable();

	if (!tmr.ticks)
		return fail("no timer interrupt within 1 s");
	printf("wfi woke after ");
	print_ms(woke - start);
	printf(", handler entered ");
	print_ms(fired - start);
	printf(" after arming, %u wake-ups\n", wakeups);
	if (tmr.early || fired - start < ten_ms)
		return fail("timer interrupt before its deadline");
	if (woke - start >= 10 * ten_ms)
		return fail("woke after 100 ms or more");
	return 0;
}

/* ---- the timer's limits ---- */

/* Turns of a loop reading the counter in `ticks`: the vCPU's progress. */
static uint64_t spin_turns(uint64_t ticks)
{
	uint64_t start = arch_counter(), n = 0;

	while (arch_counter() - start < ticks)
		n++;
	return n;
}

/*
 * A compare value decades or centuries ahead: no interrupt, no pending
 * condition, and the vCPU runs at full speed (a hypervisor that converts
 * such a distance with a wrapping sum finds it in the past and stops the
 * vCPU on every entry). Every value is tried; the first failure is the
 * result. Not the last values below 2^64: QEMU 7.2 (arm64) hangs, re-arming
 * its timer for ever, when CVAL + CNTVOFF wraps past 2^64, which a
 * hypervisor cannot prevent (CVAL is the guest's to write).
 */
static int far_deadlines(uint64_t window, uint64_t baseline)
{
	static const uint64_t far[] = { 1UL << 56, 1UL << 61, 1UL << 62,
					1UL << 63, 3UL << 62 };
	unsigned int i;
	int rc = 0;

	for (i = 0; i < ARRAY_SIZE(far); i++) {
		uint64_t turns;
		bool pending;

		if (far[i] <= arch_counter() + window)
			continue;
		timer_reset(TIMER_ONESHOT, far[i], 0, 1);
		arch_timer_arm(far[i]);
		pending = arch_timer_pending();
		turns = spin_turns(window);
		arch_timer_stop();
		tmr.mode = TIMER_IDLE;
		printf("deadline 0x%lx: %lu turns (%lu%% of idle), pending %u, %u interrupts\n",
		       far[i], turns, turns * 100 / baseline, pending,
		       tmr.ticks);
		if (rc)
			continue;
		if (pending || tmr.ticks)
			rc = fail("timer at 0x%lx fired", far[i]);
		/* Stalled, it made no progress at all; allow for a busy host. */
		else if (turns * 4 < baseline)
			rc = fail(
				"at 0x%lx the vCPU ran %lu turns, %lu with no timer",
				far[i], turns, baseline);
	}
	return rc;
}

/*
 * A deadline `ago` ticks in the past (arm64: a negative CNTV_TVAL): the
 * condition shows before interrupts are unmasked, and the interrupt comes
 * as soon as they are, whether the vCPU sleeps in WFI or spins. Prints
 * one line; false if it failed, with the reason given to fail() if
 * `first` (a later one must not replace the first failure's reason).
 */
static bool past_deadline(int64_t ago, bool spin, uint64_t freq, bool first)
{
	uint64_t armed, waited;
	bool pending;

	timer_reset(TIMER_ONESHOT, 0, 0, 1);
	arch_irq_disable();
	armed = arch_counter();
	tmr.deadline = armed - ago;
	arch_timer_arm_relative(-ago);
	pending = arch_timer_pending();
	if (spin) {
		arch_irq_enable();
		while (!READ_ONCE(tmr.ticks) && arch_counter() - armed < freq)
			;
		arch_irq_disable();
	} else {
		while (!READ_ONCE(tmr.ticks) && arch_counter() - armed < freq) {
			arch_wfi();
			arch_irq_enable();
			arch_irq_disable();
		}
	}
	waited = (tmr.ticks ? tmr.first : arch_counter()) - armed;
	if (!tmr.ticks)
		arch_timer_stop();
	tmr.mode = TIMER_IDLE;
	arch_irq_enable();
	printf("%ld ticks ago (%s): pending %u at once, ", ago,
	       spin ? "spinning" : "in WFI", pending);
	if (!tmr.ticks) {
		printf("no interrupt in 1 s\n");
		if (first)
			fail("no interrupt for a deadline %ld ticks ago", ago);
		return false;
	}
	printf("interrupt after ");
	print_ms(waited);
	printf("\n");
	if (!pending) {
		if (first)
			fail("deadline %ld ticks ago not pending at once", ago);
		return false;
	}
	if (waited > freq / 10) {
		if (first)
			fail("interrupt for a deadline %ld ticks ago after %lu ms",
			     ago, waited * 1000 / freq);
		return false;
	}
	return true;
}

/* Each of them; only the first failure, if `first`, gives the reason. */
static int past_deadlines(uint64_t freq, bool first)
{
	const int64_t ago[] = { 0, 1, 1000, (int64_t)(freq / 1000),
				(int64_t)(freq / 10) };
	unsigned int i, spin;
	int rc = 0;

	for (i = 0; i < ARRAY_SIZE(ago); i++) {
		/* The virtual counter starts at 0 with the guest. */
		if ((uint64_t)ago[i] >= arch_counter())
			continue;
		for (spin = 0; spin < 2; spin++) {
			if (!past_deadline(ago[i], spin, freq, first && !rc))
				rc = -1;
		}
	}
	return rc;
}

int cmd_timer_limits(int argc, char **argv)
{
	uint64_t freq = arch_counter_freq(), window = freq / 5, baseline;
	int far, past;

	if (argc > 1)
		return fail("usage: timer-limits");
	if (!platform.irq_ok)
		return fail("no interrupts");
	arch_timer_stop();
	baseline = spin_turns(window);
	printf("no timer: %lu turns in 200 ms\n", baseline);
	if (!baseline)
		return fail("the counter does not advance");
	far = far_deadlines(window, baseline);
	past = past_deadlines(freq, !far);
	return far ? far : past;
}

/* Busy vCPUs, e.g. for a hypervisor's CPU-time accounting. */
int cmd_spin(int argc, char **argv)
{
	uint64_t secs;

	if (argc != 2 || !parse_u64(argv[1], &secs) || !secs || secs > 3600)
		return fail("usage: spin <seconds, 1 to 3600>");
	printf("spinning for %lu s\n", secs);
	return basic_spin_all(secs * arch_counter_freq());
}

/* ---- wall clock ---- */

/* Days since 1970-01-01 to a civil date (proleptic Gregorian). */
static void civil_from_days(uint64_t days, unsigned int *y, unsigned int *m,
			    unsigned int *d)
{
	/* Count from 0000-03-01 so that leap days end each 400-year era. */
	uint64_t z = days + 719468;
	uint64_t era = z / 146097, doe = z % 146097;
	uint64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	uint64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	uint64_t mp = (5 * doy + 2) / 153;

	*d = (unsigned int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (unsigned int)(yoe + era * 400 + (*m <= 2));
}

int test_rtc(uint32_t (*read_seconds)(void))
{
	uint64_t t0, t1;
	uint32_t r0, r1, s;
	unsigned int y, m, d;

	r0 = read_seconds();
	t0 = arch_counter();
	delay_ticks(ticks_from_us(1100000));
	r1 = read_seconds();
	t1 = arch_counter();

	s = r1 % 86400;
	civil_from_days(r1 / 86400, &y, &m, &d);
	printf("rtc %u seconds since 1970 (%04u-%02u-%02u %02u:%02u:%02u UTC), advanced %u in ",
	       r1, y, m, d, s / 3600, s / 60 % 60, s % 60, r1 - r0);
	print_ms(t1 - t0);
	printf("\n");
	if (r1 <= 1600000000)
		return fail("%u is before 2020", r1);
	if (r1 - r0 < 1 || r1 - r0 > 2)
		return fail("advanced by %u in 1.1 s", r1 - r0);
	return 0;
}
