// SPDX-License-Identifier: GPL-2.0
/*
 * core/timer.c over a counter the test sets by hand and a per-CPU
 * compare device that only records what it was told. timer.c keeps its
 * clock for good once registered, so each case runs in a child process per
 * counter frequency: ones whose conversions are exact (62.5 MHz, 1 GHz,
 * 10 MHz: they divide 10^9, which timer.c converts by one multiplication)
 * and ones whose are not (24 MHz, 19.2 MHz; 100 MHz divides 10^9 too).
 */
#include "unit.h"
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <keel/cpu.h>
#include <keel/errno.h>
#include <keel/timer.h>

struct cpu cpus[CONFIG_MAX_CPUS];
unsigned int cpus_possible;

typedef unsigned __int128 u128;

static const u64 all_freqs[] = { 62500000, 1000000000, 24000000,
				 19200000, 10000000,   100000000 };
static const u64 exact_freqs[] = { 62500000, 1000000000, 10000000 };
/* Also above 1 GHz (up to the 4 GHz limit), where ns to cycles grows. */
static const u64 wide_freqs[] = { 62500000,	1000000000, 24000000,
				  19200000,	100000000,  2500000000ULL,
				  4000000000ULL };
static const u64 no_clock[] = { 0 };

#define SEC NSEC_PER_SEC
#define MS NSEC_PER_MSEC
#define US NSEC_PER_USEC
#define HOUR (3600 * SEC)
#define DAY (24 * HOUR)

static u64 freq;
static u64 counter;
static u64 counter_step; /* added on each read, so that busy-waits end */

static u64 fake_read(void)
{
	u64 v = counter;

	counter += counter_step;
	return v;
}

static struct clocksource fake_clock = { "fake", fake_read, 0 };

struct fake_dev {
	bool armed;
	u64 deadline; /* in cycles */
	unsigned int programs, stops;
};

static struct fake_dev devs[CONFIG_MAX_CPUS];

/* Like a real compare timer, each CPU's device is its own. */
static void fake_program(u64 deadline)
{
	struct fake_dev *d = &devs[cpu_id()];

	d->armed = true;
	d->deadline = deadline;
	d->programs++;
}

static void fake_stop(void)
{
	struct fake_dev *d = &devs[cpu_id()];

	d->armed = false;
	d->stops++;
}

static const struct clockevent fake_event = { "fake", fake_program, fake_stop };

static void become_cpu(unsigned int n)
{
	arch_set_cpu_local(&cpus[n]);
}

static void boot(u64 hz)
{
	freq = hz;
	counter = 0;
	counter_step = 0;
	cpus_possible = 2;
	for (unsigned int i = 0; i < CONFIG_MAX_CPUS; i++) {
		cpus[i].id = i;
		cpus[i].state = i < cpus_possible ? CPU_ONLINE : CPU_ABSENT;
		timer_cpu_init(&cpus[i].timers);
	}
	become_cpu(0);
	if (!hz)
		return;
	fake_clock.freq_hz = hz;
	CHECK_EQ(clocksource_register(&fake_clock), 0);
	CHECK_EQ(clockevent_register(&fake_event), 0);
}

/*
 * Run body in a fresh child per frequency (0: no clock registered); the
 * child's failure becomes the test's.
 */
static void at_each(const u64 *hz, unsigned int n, void (*body)(void))
{
	for (unsigned int i = 0; i < n; i++) {
		int status = 0;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid == 0) {
			unit_current_failed = 0;
			alarm(30); /* a corrupted queue loops for ever */
			boot(hz[i]);
			body();
			if (unit_current_failed)
				printf("  (counter at %llu Hz)\n",
				       (unsigned long long)hz[i]);
			fflush(stdout);
			_exit(unit_current_failed ? 1 : 0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid ||
		    !WIFEXITED(status) || WEXITSTATUS(status)) {
			if (pid > 0 && !WIFEXITED(status))
				printf("  child at %llu Hz died, status %#x\n",
				       (unsigned long long)hz[i], status);
			unit_current_failed = 1;
		}
	}
}

#define AT_EACH(freqs, body) at_each(freqs, ARRAY_SIZE(freqs), body)

/* The first counter value at or past ns, in exact arithmetic. */
static u64 cycle_of(u64 ns)
{
	u128 num = (u128)ns * freq;

	return (u64)((num + NSEC_PER_SEC - 1) / NSEC_PER_SEC);
}

/* got is within one unit of num / den. */
static bool within_one(u64 got, u128 num, u64 den)
{
	u64 lo = (u64)(num / den);
	u64 hi = lo + (num % den != 0);

	return got + 1 >= hi && got <= lo + 1;
}

/* c is within a cycle of where the counter reaches ns. */
static bool near_cycle(u64 c, u64 ns)
{
	u128 num = (u128)ns * freq;
	u64 lo = (u64)(num / NSEC_PER_SEC);

	return c + 2 >= lo && c <= cycle_of(ns) + 1;
}

struct tev {
	struct timer_event ev;
	unsigned int id;
	unsigned int fired;
	bool punctual; /* armed before its deadline: must fire on time */
	u64 period; /* re-arm this much later from the callback... */
	unsigned int rearms; /* ...this many more times */
	struct tev *cancel; /* cancel this one from the callback */
	struct tev *arm; /* arm this one from the callback... */
	u64 arm_at; /* ...for this time */
};

#define NTEV 64
static struct tev tevs[NTEV];
static unsigned int fire_log[8192];
static u64 fire_now[8192];
static unsigned int nfired;

static void arm(struct tev *t, u64 deadline)
{
	t->punctual = deadline > timer_now_ns();
	timer_event_arm(&t->ev, deadline);
}

static void on_fire(struct timer_event *ev)
{
	struct tev *t = ev->arg;
	u64 now = timer_now_ns();

	CHECK(ev->deadline_ns <= now);
	/* Nor late: the counter one cycle ago had not reached it. */
	if (t->punctual && counter)
		CHECK(timer_cycles_to_ns(counter - 1) < ev->deadline_ns);
	CHECK(!timer_event_armed(ev));
	/* The handler lets go of the queue before calling out. */
	CHECK(!spin_is_locked(&this_cpu()->timers.lock));
	if (nfired < ARRAY_SIZE(fire_log)) {
		fire_log[nfired] = t->id;
		fire_now[nfired] = now;
	}
	nfired++;
	t->fired++;
	if (t->rearms) {
		t->rearms--;
		arm(t, ev->deadline_ns + t->period);
	}
	if (t->cancel)
		timer_event_cancel(&t->cancel->ev);
	if (t->arm)
		arm(t->arm, t->arm_at);
}

static struct tev *tev(unsigned int id)
{
	struct tev *t = &tevs[id];

	memset(t, 0, sizeof(*t));
	t->id = id;
	timer_event_init(&t->ev, on_fire, t);
	return t;
}

/*
 * Move this CPU's counter up to end, taking each interrupt its device
 * raises on the way, as a compare timer would: when the counter reaches
 * the programmed value, and at once again while the handler leaves it
 * programmed in the past, by which time the counter has moved on a cycle.
 * Returns how many interrupts fired nothing.
 */
static unsigned long run_to(u64 end)
{
	struct fake_dev *d = &devs[cpu_id()];
	unsigned long spurious = 0;

	while (d->armed && d->deadline <= end) {
		unsigned int before = nfired;

		if (d->deadline > counter)
			counter = d->deadline;
		timer_clockevent_interrupt();
		if (nfired != before)
			continue;
		spurious++;
		if (counter >= end)
			break;
		counter++;
	}
	if (counter < end)
		counter = end;
	return spurious;
}

/*
 * The first counter value at which timer.c's own clock reads ns or more,
 * which is when an event for ns is due.
 */
static u64 due_cycle(u64 ns)
{
	u64 c = cycle_of(ns);

	while (timer_cycles_to_ns(c) < ns)
		c++;
	return c;
}

static unsigned long run_to_ns(u64 ns)
{
	return run_to(due_cycle(ns));
}

/*
 * Set for deadline_ns: by timer.c's own conversion, or within a cycle of
 * exact time (so that these checks hold whichever way it rounds).
 */
static bool dev_set_for(u64 deadline_ns)
{
	const struct fake_dev *d = &devs[cpu_id()];

	return d->armed && (d->deadline == timer_ns_to_cycles(deadline_ns) ||
			    near_cycle(d->deadline, deadline_ns));
}

static bool dev_off(void)
{
	return !devs[cpu_id()].armed;
}

static u64 rng_state;

static u64 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void no_clock_yet(void)
{
	static const struct clocksource no_read = { "bad", NULL, 1000 };
	static const struct clocksource no_freq = { "bad", fake_read, 0 };
	static const struct clockevent no_program = { "bad", NULL, fake_stop };
	static const struct clockevent no_stop = { "bad", fake_program, NULL };

	counter = 12345;
	CHECK(!timer_ready());
	CHECK_EQ(timer_now_ns(), 0);
	CHECK_EQ(timer_read_cycles(), 0);
	CHECK_EQ(timer_counter_freq(), 0);
	/* Early boot may ask for a delay before there is a clock. */
	timer_udelay(1000);

	CHECK_EQ(clocksource_register(NULL), -EINVAL);
	CHECK_EQ(clocksource_register(&no_read), -EINVAL);
	CHECK_EQ(clocksource_register(&no_freq), -EINVAL);
	CHECK(!timer_ready());
	fake_clock.freq_hz = 24000000;
	CHECK_EQ(clocksource_register(&fake_clock), 0);
	CHECK_EQ(clocksource_register(&fake_clock), -EBUSY);
	CHECK(timer_ready());
	CHECK_EQ(timer_counter_freq(), 24000000);
	CHECK_EQ(timer_read_cycles(), 12345);

	CHECK_EQ(clockevent_register(NULL), -EINVAL);
	CHECK_EQ(clockevent_register(&no_program), -EINVAL);
	CHECK_EQ(clockevent_register(&no_stop), -EINVAL);
	CHECK_EQ(clockevent_register(&fake_event), 0);
	CHECK_EQ(clockevent_register(&fake_event), -EBUSY);
}

UNIT_TEST(registration)
{
	AT_EACH(no_clock, no_clock_yet);
}

/*
 * Both conversions against exact arithmetic at points spread over
 * [0, limit_ns], and each value against the next one up.
 */
static bool conversions_hold(u64 limit_ns)
{
	u64 limit_cycles = cycle_of(limit_ns);
	bool ok = true;
	u64 x;

	for (x = 0; x < limit_cycles; x += 1 + x / 4096 + rnd() % 16) {
		u64 ns = timer_cycles_to_ns(x);

		if (!within_one(ns, (u128)x * NSEC_PER_SEC, freq) ||
		    timer_cycles_to_ns(x + 1) < ns) {
			printf("  %llu cycles (%.3f s) -> %llu ns\n",
			       (unsigned long long)x, (double)x / freq,
			       (unsigned long long)ns);
			ok = false;
			break;
		}
	}
	for (x = 0; x < limit_ns; x += 1 + x / 4096 + rnd() % 16) {
		u64 c = timer_ns_to_cycles(x);

		if (!within_one(c, (u128)x * freq, NSEC_PER_SEC) ||
		    timer_ns_to_cycles(x + 1) < c) {
			printf("  %llu ns (%.3f s) -> %llu cycles, exact %.2f\n",
			       (unsigned long long)x, (double)x / SEC,
			       (unsigned long long)c,
			       (double)x * (double)freq / SEC);
			ok = false;
			break;
		}
	}
	return ok;
}

static void conversions_to_a_month(void)
{
	rng_state = 0x1234567 ^ freq;
	CHECK(conversions_hold(30 * DAY));
}

/*
 * Also where the frequency does not divide 10^9: truncated fixed-point
 * factors drifted by thousands of cycles a day there, so deadlines came
 * early in proportion to uptime.
 */
UNIT_TEST(conversions_track_exact_math)
{
	AT_EACH(all_freqs, conversions_to_a_month);
}

static void monotonic_everywhere(void)
{
	/* Dense runs at the edges of ranges where rounding changes. */
	static const u64 starts[] = { 0, SEC, HOUR, DAY, 365 * DAY };
	u64 last_ns = 0, last_c = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(starts); i++) {
		for (u64 x = starts[i]; x < starts[i] + 100000; x++) {
			u64 c = timer_ns_to_cycles(x);
			u64 ns = timer_cycles_to_ns(x);

			if (x != starts[i]) {
				CHECK(c >= last_c && c <= last_c + 1);
				CHECK(ns >= last_ns);
			}
			last_c = c;
			last_ns = ns;
		}
	}
}

UNIT_TEST(conversions_monotonic)
{
	AT_EACH(all_freqs, monotonic_everywhere);
}

static void now_tracks_counter(void)
{
	static const u64 at[] = { 0, 1, 1000, 123456789, 1ULL << 40 };

	for (unsigned int i = 0; i < ARRAY_SIZE(at); i++) {
		counter = at[i];
		CHECK_EQ(timer_read_cycles(), at[i]);
		CHECK_EQ(timer_now_ns(), timer_cycles_to_ns(at[i]));
	}
	CHECK_EQ(timer_counter_freq(), freq);
}

UNIT_TEST(now_follows_the_counter)
{
	AT_EACH(all_freqs, now_tracks_counter);
}

static void udelay_waits(void)
{
	u64 start;

	counter = cycle_of(SEC);
	counter_step = 3;
	start = timer_now_ns();
	timer_udelay(250);
	counter_step = 0;
	CHECK(timer_now_ns() >= start + 250 * US);
	/* Done within a few reads of the end. */
	CHECK(timer_now_ns() <= start + 250 * US + 1 + timer_cycles_to_ns(12));
}

UNIT_TEST(udelay_waits_for_the_counter)
{
	AT_EACH(all_freqs, udelay_waits);
}

static void in_deadline_order(void)
{
	/* Ties (ids 3, 7 and 2, 5, 9) fire in the order they were armed. */
	static const u64 at_ns[] = { 900001,  40007,  300003, 55011,
				     1000000, 300003, 2005,   55011,
				     777013,  300003, 10001,  5000999 };
	static const unsigned int want[] = { 6, 10, 1, 3, 7, 2,
					     5, 9,  8, 0, 4, 11 };
	u64 base = 5 * MS;
	unsigned int n = ARRAY_SIZE(want);

	counter = cycle_of(base);
	nfired = 0;
	for (unsigned int i = 0; i < n; i++)
		arm(tev(i), base + at_ns[i]);
	CHECK(dev_set_for(base + 2005));
	for (unsigned int i = 0; i < n; i++)
		CHECK(timer_event_armed(&tevs[i].ev));

	/* Step to just short of each deadline, then onto it. */
	for (unsigned int k = 0; k < n; k++) {
		u64 due = tevs[want[k]].ev.deadline_ns;

		if (k && due == tevs[want[k - 1]].ev.deadline_ns)
			continue;
		run_to(due_cycle(due) - 1);
		CHECK_EQ(tevs[want[k]].fired, 0);
		run_to_ns(due);
		CHECK_EQ(tevs[want[k]].fired, 1);
	}
	CHECK_EQ(nfired, n);
	for (unsigned int k = 0; k < n && k < nfired; k++)
		CHECK_EQ(fire_log[k], want[k]);
	CHECK(dev_off());
}

UNIT_TEST(fire_in_deadline_order_when_due)
{
	AT_EACH(all_freqs, in_deadline_order);
}

static void all_due_in_one_interrupt(void)
{
	u64 base = 2 * SEC;

	counter = cycle_of(base);
	nfired = 0;
	for (unsigned int i = 0; i < 10; i++) {
		arm(tev(i), base + (10 - i) * US);
		tevs[i].punctual = false; /* the interrupt comes late */
	}
	/* The CPU was busy: the counter is far past all of them. */
	counter = cycle_of(base + MS);
	timer_clockevent_interrupt();
	CHECK_EQ(nfired, 10);
	for (unsigned int k = 0; k < 10 && k < nfired; k++)
		CHECK_EQ(fire_log[k], 9 - k);
	CHECK_EQ(cpus[0].timers.interrupts, 1);
	CHECK(dev_off());
}

UNIT_TEST(late_interrupt_runs_everything_due)
{
	AT_EACH(all_freqs, all_due_in_one_interrupt);
}

static void rearm_moves(void)
{
	struct tev *a = tev(0), *b = tev(1);
	u64 base = SEC;

	counter = cycle_of(base);
	nfired = 0;
	arm(a, base + 100 * US);
	arm(b, base + 200 * US);
	CHECK(dev_set_for(base + 100 * US));

	/* Later: the other event is now first, and a is armed once. */
	arm(a, base + 300 * US);
	CHECK(dev_set_for(base + 200 * US));
	CHECK(timer_event_armed(&a->ev));
	CHECK_EQ(a->ev.deadline_ns, base + 300 * US);
	run_to_ns(base + 250 * US);
	CHECK_EQ(a->fired, 0);
	CHECK_EQ(b->fired, 1);
	CHECK(dev_set_for(base + 300 * US));

	/* Earlier. */
	arm(b, base + 400 * US);
	arm(a, base + 500 * US);
	arm(a, base + 260 * US);
	CHECK(dev_set_for(base + 260 * US));
	run_to_ns(base + SEC);
	CHECK_EQ(a->fired, 1);
	CHECK_EQ(b->fired, 2);
	CHECK_EQ(nfired, 3);
	CHECK(dev_off());
}

UNIT_TEST(rearm_moves_the_event)
{
	AT_EACH(all_freqs, rearm_moves);
}

static void cancels(void)
{
	struct tev *a = tev(0), *b = tev(1), *c = tev(2), *never = tev(3);
	unsigned int programs;
	u64 base = 3 * SEC;

	counter = cycle_of(base);
	nfired = 0;

	/* An event that was never armed, twice over. */
	timer_event_cancel(&never->ev);
	timer_event_cancel(&never->ev);
	CHECK(!timer_event_armed(&never->ev));
	CHECK_EQ(devs[0].programs + devs[0].stops, 0);

	arm(a, base + 10 * US);
	arm(b, base + 20 * US);
	arm(c, base + 30 * US);
	programs = devs[0].programs;

	/* Not the head: the device keeps its deadline. */
	timer_event_cancel(&b->ev);
	CHECK(!timer_event_armed(&b->ev));
	CHECK_EQ(devs[0].programs, programs);
	CHECK(dev_set_for(base + 10 * US));
	timer_event_cancel(&b->ev);

	/* The head: the device moves to the next one. */
	timer_event_cancel(&a->ev);
	CHECK(dev_set_for(base + 30 * US));

	/* The last: nothing left, so the device stops. */
	timer_event_cancel(&c->ev);
	CHECK(dev_off());
	CHECK(devs[0].stops >= 1);

	run_to_ns(base + SEC);
	CHECK_EQ(nfired, 0);

	/* After it fired, cancelling is harmless. */
	arm(a, base + SEC + 5 * US);
	run_to_ns(base + 2 * SEC);
	CHECK_EQ(a->fired, 1);
	timer_event_cancel(&a->ev);
	CHECK(!timer_event_armed(&a->ev));
	CHECK(dev_off());
}

UNIT_TEST(cancel_removes_the_event)
{
	AT_EACH(all_freqs, cancels);
}

static void periodic(void)
{
	struct tev *p = tev(0), *q = tev(1);
	u64 base = 7 * SEC;

	counter = cycle_of(base);
	nfired = 0;
	p->period = 250 * US;
	p->rearms = 9;
	q->period = 1 * MS;
	q->rearms = 2;
	arm(p, base + 100 * US);
	arm(q, base + 1 * MS);
	run_to_ns(base + 100 * MS);
	CHECK_EQ(p->fired, 10);
	CHECK_EQ(q->fired, 3);
	CHECK_EQ(nfired, 13);
	/* Each firing saw its own deadline, none ran ahead. */
	for (unsigned int k = 1; k < nfired && k < ARRAY_SIZE(fire_now); k++)
		CHECK(fire_now[k] >= fire_now[k - 1]);
	CHECK(!timer_event_armed(&p->ev));
	CHECK(dev_off());

	/* Re-armed into the past: runs again within the same interrupt. */
	p = tev(2);
	p->period = 0;
	p->rearms = 4;
	arm(p, base + 200 * MS);
	u64 irqs = cpus[0].timers.interrupts;
	unsigned long spurious = run_to_ns(base + 300 * MS);

	CHECK_EQ(p->fired, 5);
	CHECK_EQ(cpus[0].timers.interrupts - irqs - spurious, 1);
	CHECK(dev_off());
}

UNIT_TEST(callback_rearms_itself)
{
	AT_EACH(all_freqs, periodic);
}

static void callbacks_touch_others(void)
{
	struct tev *a = tev(0), *b = tev(1), *c = tev(2), *d = tev(3);
	u64 base = 11 * SEC;

	counter = cycle_of(base);
	nfired = 0;
	/* a cancels b (due with it) and arms c ahead of d. */
	a->cancel = b;
	a->arm = c;
	a->arm_at = base + 50 * US;
	arm(a, base + 10 * US);
	arm(b, base + 10 * US);
	arm(d, base + 90 * US);
	run_to_ns(base + 10 * US);
	CHECK_EQ(a->fired, 1);
	CHECK_EQ(b->fired, 0);
	CHECK(!timer_event_armed(&b->ev));
	CHECK(timer_event_armed(&c->ev));
	CHECK(dev_set_for(base + 50 * US));
	run_to_ns(base + MS);
	CHECK_EQ(c->fired, 1);
	CHECK_EQ(d->fired, 1);
	CHECK_EQ(b->fired, 0);
	CHECK(dev_off());

	/*
	 * Re-armed and then cancelled by its own callback: cancel must not
	 * wait for the very callback that calls it.
	 */
	a = tev(4);
	a->period = US;
	a->rearms = 5;
	a->cancel = a;
	arm(a, base + 2 * MS);
	run_to_ns(base + 3 * MS);
	CHECK_EQ(a->fired, 1);
	CHECK(!timer_event_armed(&a->ev));
	CHECK(dev_off());
}

UNIT_TEST(callbacks_arm_and_cancel_others)
{
	AT_EACH(all_freqs, callbacks_touch_others);
}

static void tickless(void)
{
	struct tev *a = tev(0);
	u64 base = 13 * SEC;

	counter = cycle_of(base);
	nfired = 0;
	/* Nothing pending: the device is never even set. */
	run_to_ns(base + HOUR);
	CHECK_EQ(devs[0].programs, 0);
	CHECK_EQ(cpus[0].timers.interrupts, 0);

	arm(a, base + HOUR + 5 * MS);
	CHECK_EQ(devs[0].programs, 1);
	run_to_ns(base + HOUR + SEC);
	CHECK_EQ(a->fired, 1);
	CHECK(dev_off());
	CHECK(devs[0].stops >= 1);

	/* A stray interrupt with nothing queued leaves the device off. */
	timer_clockevent_interrupt();
	CHECK(dev_off());
	CHECK_EQ(nfired, 1);
}

UNIT_TEST(tickless_device_follows_the_queue)
{
	AT_EACH(all_freqs, tickless);
}

static void per_cpu_queues(void)
{
	struct tev *a = tev(0), *b = tev(1), *c = tev(2);
	u64 base = 17 * SEC;

	counter = cycle_of(base);
	nfired = 0;
	become_cpu(1);
	arm(a, base + 10 * US);
	CHECK_EQ(a->ev.cpu, 1);
	CHECK(dev_set_for(base + 10 * US));
	become_cpu(0);
	arm(b, base + 20 * US);
	arm(c, base + 30 * US);
	CHECK(dev_set_for(base + 20 * US));

	/* Cancelled from CPU 0: off CPU 1's queue, CPU 0's device as it was. */
	timer_event_cancel(&a->ev);
	CHECK(!timer_event_armed(&a->ev));
	CHECK(dev_set_for(base + 20 * US));

	/* CPU 1 takes the interrupt it was set for and finds nothing. */
	become_cpu(1);
	CHECK_EQ(run_to_ns(base + 15 * US), 1);
	CHECK(dev_off());
	CHECK_EQ(a->fired, 0);

	/* Moving an event to another CPU by arming it there. */
	arm(c, base + 25 * US);
	CHECK_EQ(c->ev.cpu, 1);
	become_cpu(0);
	CHECK(dev_set_for(base + 20 * US));
	run_to_ns(base + 22 * US);
	CHECK_EQ(b->fired, 1);
	CHECK(dev_off());
	become_cpu(1);
	run_to_ns(base + 26 * US);
	CHECK_EQ(c->fired, 1);
	CHECK(dev_off());
}

UNIT_TEST(per_cpu_queues_and_remote_cancel)
{
	AT_EACH(all_freqs, per_cpu_queues);
}

/*
 * While ev's callback runs on CPU 1 (waiting there, in an emulator, for
 * the device lock CPU 0 holds), CPU 0 can still move and stop ev with the
 * nowait calls: they return instead of waiting for that callback, which
 * would never finish. Setting the same deadline again changes nothing.
 */
static void nowait_beside_a_running_callback(void)
{
	struct tev *a = tev(0);
	u64 base = 1 * SEC;
	unsigned int arms;

	counter = cycle_of(base);
	become_cpu(1);
	arm(a, base + 10 * US);
	cpus[1].timers.running = &a->ev;
	become_cpu(0);
	timer_event_set_nowait(&a->ev, base + 50 * US);
	CHECK_EQ(a->ev.cpu, 0);
	CHECK(dev_set_for(base + 50 * US));
	arms = devs[0].programs;
	timer_event_set_nowait(&a->ev, base + 50 * US);
	CHECK_EQ(devs[0].programs, arms);
	timer_event_cancel_nowait(&a->ev);
	CHECK(!timer_event_armed(&a->ev));
	timer_event_set_nowait(&a->ev, base + 60 * US);
	timer_event_set_nowait(&a->ev, 0);
	CHECK(!timer_event_armed(&a->ev));
	cpus[1].timers.running = NULL;
	CHECK(dev_off());
	CHECK_EQ(a->fired, 0);
}

UNIT_TEST(nowait_calls_beside_a_running_callback)
{
	AT_EACH(exact_freqs, nowait_beside_a_running_callback);
}

static void interrupts_restored(void)
{
	struct tev *a = tev(0);

	counter = cycle_of(SEC);
	arm(a, 2 * SEC);
	CHECK_EQ(host_irqs_masked, 0);
	timer_event_cancel(&a->ev);
	CHECK_EQ(host_irqs_masked, 0);
	arch_irq_disable();
	arm(a, 2 * SEC);
	CHECK_EQ(host_irqs_masked, 1);
	timer_event_cancel(&a->ev);
	CHECK_EQ(host_irqs_masked, 1);
	arch_irq_enable();
	CHECK(!spin_is_locked(&cpus[0].timers.lock));
}

UNIT_TEST(arm_and_cancel_restore_interrupt_state)
{
	AT_EACH(exact_freqs, interrupts_restored);
}

/* Sort key of the model: deadline, then the order events were armed. */
struct armed {
	u64 deadline;
	u64 seq;
	unsigned int id;
};

static void random_vs_model(void)
{
	enum { N = 32 };
	bool armed[N] = { 0 };
	u64 deadline[N] = { 0 }, seq[N] = { 0 }, next_seq = 0;
	u64 now = 31 * SEC;

	rng_state = 0x9e3779b97f4a7c15ULL ^ freq;
	counter = cycle_of(now);
	nfired = 0;
	for (unsigned int i = 0; i < N; i++)
		tev(i);
	for (unsigned int step = 0; step < 6000; step++) {
		unsigned int id = rnd() % N, op = rnd() % 10;
		bool ok = true;

		if (op < 5) {
			/* Some in the past, some sharing a deadline. */
			u64 d = now + rnd() % (20 * MS) - MS;

			if (op == 0 && armed[(id + 1) % N])
				d = deadline[(id + 1) % N];
			arm(&tevs[id], d);
			armed[id] = true;
			deadline[id] = d;
			seq[id] = next_seq++;
		} else if (op < 7) {
			timer_event_cancel(&tevs[id].ev);
			armed[id] = false;
		} else {
			struct armed due[N];
			unsigned int ndue = 0, first = nfired;

			run_to_ns(now + rnd() % (8 * MS));
			now = timer_now_ns();
			for (unsigned int i = 0; i < N; i++) {
				if (armed[i] && deadline[i] <= now) {
					due[ndue++] =
						(struct armed){ deadline[i],
								seq[i], i };
					armed[i] = false;
				}
			}
			for (unsigned int i = 1; i < ndue; i++) {
				for (unsigned int j = i; j > 0; j--) {
					struct armed t = due[j];

					if (due[j - 1].deadline < t.deadline ||
					    (due[j - 1].deadline ==
						     t.deadline &&
					     due[j - 1].seq < t.seq))
						break;
					due[j] = due[j - 1];
					due[j - 1] = t;
				}
			}
			ok = nfired - first == ndue;
			for (unsigned int k = 0; ok && k < ndue; k++)
				ok = fire_log[first + k] == due[k].id;
			if (nfired >= ARRAY_SIZE(fire_log) - 64)
				nfired = 0;
		}

		/* The device is set for the earliest armed event, or off. */
		u64 head = ~0ULL;

		for (unsigned int i = 0; i < N; i++) {
			if (timer_event_armed(&tevs[i].ev) != armed[i])
				ok = false;
			if (armed[i] && deadline[i] < head)
				head = deadline[i];
		}
		if (ok)
			ok = head == ~0ULL ? dev_off() : dev_set_for(head);
		if (!ok) {
			printf("  diverged at step %u (op %u)\n", step, op);
			CHECK(ok);
			return;
		}
	}
}

UNIT_TEST(random_arm_cancel_vs_model)
{
	AT_EACH(all_freqs, random_vs_model);
}

static void head_due_at_programmed_cycle(void)
{
	static const u64 uptimes[] = { MS, SEC, HOUR, DAY };
	bool ok = true;

	rng_state = 0xabcdef ^ freq;
	for (unsigned int i = 0; i < ARRAY_SIZE(uptimes); i++) {
		unsigned long worst = 0;

		for (unsigned int k = 0; k < 8; k++) {
			struct tev *a = tev(0);
			u64 d = uptimes[i] + rnd() % MS;
			unsigned long extra;

			counter = cycle_of(d - MS);
			arm(a, d);
			extra = run_to_ns(d + US);
			CHECK_EQ(a->fired, 1);
			if (extra > worst)
				worst = extra;
		}
		if (worst) {
			printf("  uptime %g s: up to %lu interrupts before the "
			       "deadline\n",
			       (double)uptimes[i] / SEC, worst);
			ok = false;
		}
	}
	CHECK(ok);
}

/*
 * An interrupt before the head is due finds nothing to run and sets the
 * device for the same, already passed, value: a storm until the counter
 * catches up. So the programmed value must round up, and stay exact
 * however long the uptime.
 */
UNIT_TEST(device_interrupts_only_when_head_is_due)
{
	AT_EACH(all_freqs, head_due_at_programmed_cycle);
}

static void deadline_zero(void)
{
	struct tev *a = tev(0);

	counter = cycle_of(SEC);
	nfired = 0;
	arm(a, 0);
	run_to_ns(2 * SEC);
	CHECK_EQ(a->fired, 1);
}

/*
 * Time 0 ("as soon as possible") once stood for "device not set", and
 * such an event on an idle queue waited for somebody else's interrupt.
 */
UNIT_TEST(event_armed_for_time_zero_fires)
{
	AT_EACH(exact_freqs, deadline_zero);
}

/* Exact x * num / den rounded down (up if up), saturated to 64 bits. */
static u64 exact_sat(u64 x, u64 num, u64 den, bool up)
{
	u128 v = ((u128)x * num + (up ? den - 1 : 0)) / den;

	return v > TIME_NEVER ? TIME_NEVER : (u64)v;
}

/* Both conversions exact, or TIME_NEVER, and monotonic over [lo, hi]. */
static bool saturating_over(u64 lo, u64 hi)
{
	u64 x = lo;

	for (;;) {
		u64 ns = timer_cycles_to_ns(x), c = timer_ns_to_cycles(x);

		if (ns != exact_sat(x, NSEC_PER_SEC, freq, false) ||
		    c != exact_sat(x, freq, NSEC_PER_SEC, true) ||
		    (x < TIME_NEVER && (timer_cycles_to_ns(x + 1) < ns ||
					timer_ns_to_cycles(x + 1) < c))) {
			printf("  %#llx: %#llx ns, %#llx cycles\n",
			       (unsigned long long)x, (unsigned long long)ns,
			       (unsigned long long)c);
			return false;
		}
		if (x >= hi)
			return true;
		x++;
	}
}

static void saturate_at_the_end_of_time(void)
{
	/* The last values whose exact results still fit in 64 bits. */
	u128 last_c = ((u128)TIME_NEVER * freq + freq - 1) / NSEC_PER_SEC;
	u128 last_ns = ((u128)TIME_NEVER * NSEC_PER_SEC) / freq;
	u64 edges[] = { last_c > TIME_NEVER ? TIME_NEVER : (u64)last_c,
			last_ns > TIME_NEVER ? TIME_NEVER : (u64)last_ns,
			1ULL << 56,
			1ULL << 61,
			1ULL << 63,
			TIME_NEVER };

	for (unsigned int i = 0; i < ARRAY_SIZE(edges); i++) {
		u64 lo = edges[i] > 2000 ? edges[i] - 2000 : 0;
		u64 hi = edges[i] < TIME_NEVER - 2000 ? edges[i] + 2000 :
							TIME_NEVER;

		CHECK(saturating_over(lo, hi));
	}
	rng_state = 0xfeed ^ freq;
	for (unsigned int i = 0; i < 200000; i++) {
		u64 x = rnd() >> (rnd() % 64);

		if (!saturating_over(x, x)) {
			CHECK(false);
			break;
		}
	}
	/* A counter 2^61 cycles ahead is beyond 64-bit ns below 1 GHz. */
	if (freq < NSEC_PER_SEC)
		CHECK(timer_cycles_to_ns(1ULL << 61) == TIME_NEVER);
	if (freq > NSEC_PER_SEC)
		CHECK(timer_ns_to_cycles(TIME_NEVER) == TIME_NEVER);
}

/*
 * A guest's compare value 2^61 cycles ahead once converted to ns modulo
 * 2^64, so now + wait wrapped to a deadline in the past, re-armed on every
 * entry: the vCPU stalled. Far away must stay far away.
 */
UNIT_TEST(conversions_saturate_at_the_end_of_time)
{
	AT_EACH(wide_freqs, saturate_at_the_end_of_time);
}

UNIT_TEST(time_sums_saturate)
{
	CHECK(timer_add_ns(0, 0) == 0);
	CHECK(timer_add_ns(1, 2) == 3);
	CHECK(timer_add_ns(TIME_NEVER - 5, 5) == TIME_NEVER);
	CHECK(timer_add_ns(TIME_NEVER - 5, 4) == TIME_NEVER - 1);
	CHECK(timer_add_ns(TIME_NEVER - 5, 6) == TIME_NEVER);
	CHECK(timer_add_ns(5, TIME_NEVER) == TIME_NEVER);
	CHECK(timer_add_ns(TIME_NEVER, TIME_NEVER) == TIME_NEVER);
	CHECK(timer_add_ns(1ULL << 63, 1ULL << 63) == TIME_NEVER);
	CHECK(timer_add_ns(1ULL << 62, 1ULL << 62) == 1ULL << 63);
}

/*
 * The deadline for a compare value c: a time at which the counter has
 * reached c, never earlier (a wake-up would find the guest's timer not
 * yet due) and no later than needed: the first time whose counter
 * reading is c or more, or above 1 GHz, where several cycles read as
 * one ns, within a ns of it. Never 0 (callers read 0 as "no timer").
 */
static bool deadline_exact(u64 c)
{
	u64 d = timer_cycles_deadline_ns(c);

	if (!d)
		return false;
	if (c == 0)
		return true;
	if (timer_cycles_to_ns(c - 1) == TIME_NEVER)
		return d == TIME_NEVER;
	return timer_cycles_to_ns(c - 1) < d &&
	       d <= timer_cycles_to_ns(c) + (freq > NSEC_PER_SEC);
}

static void deadlines_of_cycles(void)
{
	u128 last = ((u128)TIME_NEVER * freq + freq - 1) / NSEC_PER_SEC;
	u64 edge = last > TIME_NEVER ? TIME_NEVER - 2000 : (u64)last;
	u64 now = cycle_of(DAY), d;

	for (u64 c = 0; c < 3000; c++)
		CHECK(deadline_exact(c));
	for (u64 c = edge - 2000; c < edge + 2000 && c >= edge - 2000; c++)
		CHECK(deadline_exact(c));
	rng_state = 0xd00d ^ freq;
	for (unsigned int i = 0; i < 100000; i++) {
		u64 c = rnd() >> (rnd() % 64);

		if (!deadline_exact(c)) {
			printf("  deadline of %#llx cycles\n",
			       (unsigned long long)c);
			CHECK(false);
			break;
		}
	}
	CHECK(timer_cycles_deadline_ns(TIME_NEVER) != 0);

	/* Relative to a counter a day on: passed, now, ahead, far ahead. */
	counter = now;
	CHECK(timer_cycles_deadline_ns(now - cycle_of(SEC)) <= timer_now_ns());
	CHECK(timer_cycles_deadline_ns(now) <= timer_now_ns());
	d = timer_cycles_deadline_ns(now + 1);
	CHECK(d > timer_now_ns() && d <= timer_cycles_to_ns(now + 1) + 1);
	d = timer_cycles_deadline_ns(now + (1ULL << 56));
	CHECK(d > timer_now_ns() && d != TIME_NEVER);
	if (freq < NSEC_PER_SEC) {
		CHECK(timer_cycles_deadline_ns(now + (1ULL << 61)) ==
		      TIME_NEVER);
		CHECK(timer_cycles_deadline_ns(TIME_NEVER) == TIME_NEVER);
	}
}

UNIT_TEST(deadline_of_a_counter_value)
{
	AT_EACH(wide_freqs, deadlines_of_cycles);
}

static void never_is_never(void)
{
	struct tev *a = tev(0), *b = tev(1), *c = tev(2);
	u64 base = cycle_of(HOUR);
	unsigned long spurious;

	counter = base;
	nfired = 0;
	arm(a, TIME_NEVER);
	/* The device waits for the end of time, not a wrapped value. */
	CHECK(devs[0].armed && devs[0].deadline > counter);
	CHECK_EQ(run_to(counter + 1000000), 0);
	arm(b, timer_cycles_deadline_ns(counter + (TIME_NEVER >> 2)));
	arm(c, timer_now_ns() + MS);
	CHECK(dev_set_for(c->ev.deadline_ns));
	spurious = run_to(counter + cycle_of(SEC));
	CHECK_EQ(spurious, 0);
	CHECK_EQ(c->fired, 1);
	CHECK_EQ(a->fired + b->fired, 0);
	CHECK(timer_event_armed(&a->ev) && timer_event_armed(&b->ev));
	CHECK(devs[0].armed && devs[0].deadline > counter);
	CHECK_EQ(run_to(counter + 1000000), 0);
	CHECK_EQ(nfired, 1);
	timer_event_cancel(&a->ev);
	timer_event_cancel(&b->ev);
	CHECK(dev_off());
}

/*
 * An event for TIME_NEVER (or a deadline that saturated to it) is armed
 * but never due: the device is set for a counter value no uptime
 * reaches, and earlier events still fire on time.
 */
UNIT_TEST(event_at_the_end_of_time_never_fires)
{
	AT_EACH(wide_freqs, never_is_never);
}

static void convert_without_clock(void)
{
	CHECK_EQ(timer_cycles_to_ns(1000), 0);
	CHECK_EQ(timer_ns_to_cycles(1000), 0);
}

/*
 * Before clocksource_register() the conversions answer 0, as the rest of
 * the API (timer_now_ns(), timer_read_cycles(), timer_counter_freq())
 * does, instead of dividing by a frequency there is none of.
 */
UNIT_TEST(conversions_before_any_clock)
{
	AT_EACH(no_clock, convert_without_clock);
}

UNIT_MAIN();
