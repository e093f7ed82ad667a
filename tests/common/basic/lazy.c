// SPDX-License-Identifier: GPL-2.0
/*
 * State a hypervisor may switch lazily, and the wake-ups that laziness
 * can lose. Meant for two vCPUs sharing one host CPU, so that each yield
 * really hands the CPU to the other vCPU.
 *
 * lazy-state [rounds]: vCPU 0 and vCPU 1 each write their own values
 * (vCPU 1's are vCPU 0's complement, so every bit differs) into every
 * register of the arch's lazy set (arch_lazy_*(): system registers, FP,
 * timer and interrupt-controller state), take an exit and read them all
 * back: after a firmware call and after emulated register reads that the
 * hypervisor answers at once, and after a yield that runs the other vCPU,
 * which has written its own values meanwhile. New values each time, so a
 * copy saved once and restored for ever is caught too. Each round also
 * takes an IPI to itself and, inside the handler, yields and compares the
 * interrupt controller's view of the active interrupt. PASS only if both
 * vCPUs ran every round without a mismatch, and each saw the other make
 * progress across most of its yields (they interleaved).
 *
 * lazy-wake [rounds]: interrupts that must not be lost while vCPUs share
 * a CPU. vCPU 0 arms its timer and spins without WFI and without exits
 * (the counter read aside) while vCPU 1 yields in a loop with its own
 * timer armed; then the same with the deadline moved earlier after an
 * exit (a yield; a firmware call). The interrupt must come within the
 * bound given (LAZY_TIMER_BOUND_US by default) of the deadline; one
 * that never comes, or comes at the deadline before the move, fails. Then vCPU 1 sleeps in WFI and
 * must wake for an IPI from vCPU 0, and for its own timer, while vCPU 0
 * spins; and the `sgi`/`ipi` check runs, the sender waiting in WFE.
 */
#include "commands.h"

#define LAZY_ROUNDS_DEFAULT 50
#define LAZY_ROUNDS_MAX 100000
#define WAKE_ROUNDS_DEFAULT 3
#define WAKE_ROUNDS_MAX 1000
/* lazy-wake's default bound for a timer interrupt after its deadline. */
#define LAZY_TIMER_BOUND_US 10000
/*
 * A vCPU woken while the only other vCPU on its CPU spins: the spinner
 * gives the CPU up at the end of its time slice at the latest.
 */
#define LAZY_WAKE_BOUND_US 100000
#define SPIN_CHECK_EVERY 65536

/* One vCPU's run of lazy-state; only that vCPU writes it. */
struct lazy_result {
	unsigned int rounds;
	/* Yields across which the other vCPU made progress. */
	unsigned int overlaps;
	unsigned int yields;
	unsigned int irq_checks;
	bool failed;
	char why[120];
};

static struct lazy_result results[2];
/* Each vCPU's own: steps done (progress), started, interrupts handled. */
static unsigned int progress[2];
static unsigned int ready[2];
static unsigned int irqs[2];
static uint64_t lazy_rounds, lazy_run;

/* splitmix64: a fresh, well-mixed word for each (run, round, step, i). */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15UL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
	return x ^ (x >> 31);
}

static void lazy_mismatch(unsigned int cpu, const char *when, const char *name,
			  uint64_t got, uint64_t want)
{
	struct lazy_result *r = &results[cpu];

	if (r->failed)
		return;
	r->failed = true;
	snprintf(r->why, sizeof(r->why),
		 "vCPU%u round %u %s: %s 0x%lx, expected 0x%lx", cpu, r->rounds,
		 when, name, got, want);
}

/* Values for step `step` of the current round; vCPU 1's are inverted. */
static void lazy_values(unsigned int cpu, unsigned int step, uint64_t *v,
			unsigned int n)
{
	uint64_t seed =
		lazy_run << 40 ^ (uint64_t)results[cpu].rounds << 8 ^ step;
	unsigned int i;

	for (i = 0; i < n; i++) {
		uint64_t raw = mix(seed * 131 + i);

		v[i] = arch_lazy_value(i, cpu ? ~raw : raw);
	}
}

static bool lazy_compare(unsigned int cpu, const char *when,
			 const uint64_t *want, unsigned int n)
{
	uint64_t got[LAZY_MAX_WORDS];
	unsigned int i;

	arch_lazy_read(got);
	for (i = 0; i < n; i++) {
		if (got[i] != want[i]) {
			char name[32];

			arch_lazy_name(i, name, sizeof(name));
			lazy_mismatch(cpu, when, name, got[i], want[i]);
			return false;
		}
	}
	return true;
}

static bool lazy_yield(unsigned int cpu)
{
	unsigned int other = READ_ONCE(progress[!cpu]);
	long rc = arch_hyp_yield();

	results[cpu].yields++;
	if (READ_ONCE(progress[!cpu]) != other)
		results[cpu].overlaps++;
	if (rc) {
		results[cpu].failed = true;
		snprintf(results[cpu].why, sizeof(results[cpu].why),
			 "vCPU%u: yield hypercall returned %ld", cpu, rc);
		return false;
	}
	return true;
}

/*
 * IPI_LAZY, in the handler: the interrupt is active here, so the running
 * and active priorities show it; they, with the saved PC and status,
 * must be the same after the other vCPU ran in its own handler.
 */
static void lazy_irq_check(unsigned int cpu)
{
	uint64_t before[8], after[8];
	const char *names[8];
	unsigned int n, i;

	n = arch_lazy_irq_state(before, names);
	if (lazy_yield(cpu)) {
		arch_lazy_irq_state(after, names);
		for (i = 0; i < n; i++) {
			if (after[i] != before[i]) {
				lazy_mismatch(
					cpu,
					"in the IPI handler, after a yield",
					names[i], after[i], before[i]);
				break;
			}
		}
	}
	results[cpu].irq_checks++;
}

static bool lazy_irq_round(unsigned int cpu)
{
	uint64_t start = arch_counter(), second = arch_counter_freq();
	unsigned int before = READ_ONCE(irqs[cpu]);

	arch_ipi_send(cpu, IPI_LAZY);
	arch_irq_enable();
	while (READ_ONCE(irqs[cpu]) == before &&
	       arch_counter() - start < second)
		;
	arch_irq_disable();
	if (READ_ONCE(irqs[cpu]) != before)
		return true;
	results[cpu].failed = true;
	snprintf(results[cpu].why, sizeof(results[cpu].why),
		 "vCPU%u round %u: no IPI to itself within 1 s", cpu,
		 results[cpu].rounds);
	return false;
}

/* Both vCPUs here before either starts, yielding while it waits. */
static bool lazy_barrier(unsigned int cpu)
{
	uint64_t start = arch_counter(), second = arch_counter_freq();

	WRITE_ONCE(ready[cpu], 1);
	while (!READ_ONCE(ready[!cpu])) {
		if (arch_counter() - start > second) {
			results[cpu].failed = true;
			snprintf(results[cpu].why, sizeof(results[cpu].why),
				 "vCPU%u: vCPU%u did not start within 1 s", cpu,
				 !cpu);
			return false;
		}
		arch_hyp_yield();
	}
	return true;
}

static void lazy_worker(unsigned int cpu)
{
	struct lazy_result *r = &results[cpu];
	uint64_t want[LAZY_MAX_WORDS];
	unsigned int n = arch_lazy_begin(), k;
	bool ok = lazy_barrier(cpu);

	arch_irq_disable();
	while (ok && r->rounds < lazy_rounds) {
		/* With the firmware's own masks, so that the IPI comes. */
		ok = lazy_irq_round(cpu);
		/* Exits answered at once, each after new values. */
		for (k = 0; ok && k < LAZY_EXITS; k++) {
			const char *what;
			char when[32];

			lazy_values(cpu, k, want, n);
			arch_lazy_write(want);
			what = arch_lazy_exit(k);
			snprintf(when, sizeof(when), "after %s", what);
			ok = lazy_compare(cpu, when, want, n);
			WRITE_ONCE(progress[cpu], progress[cpu] + 1);
		}
		/* Written after those exits: the yield must keep these. */
		if (ok) {
			lazy_values(cpu, LAZY_EXITS, want, n);
			arch_lazy_write(want);
			ok = lazy_yield(cpu) &&
			     lazy_compare(cpu, "after a yield", want, n);
			WRITE_ONCE(progress[cpu], progress[cpu] + 1);
		}
		arch_lazy_restore();
		if (ok && !r->failed)
			r->rounds++;
		ok = ok && !r->failed;
	}
	arch_lazy_restore();
	arch_irq_enable();
	arch_lazy_end();
	/* Let the other vCPU finish its rounds while this one waits. */
	WRITE_ONCE(progress[cpu], progress[cpu] + 1);
}

int cmd_lazy_state(int argc, char **argv)
{
	uint64_t rounds = LAZY_ROUNDS_DEFAULT;
	unsigned int cpu, n;
	long rc;

	if (argc > 2 || (argc == 2 && (!parse_u64(argv[1], &rounds) ||
				       !rounds || rounds > LAZY_ROUNDS_MAX)))
		return fail("usage: lazy-state [rounds 1..%u]",
			    LAZY_ROUNDS_MAX);
	if (platform.nr_cpus < 2)
		return fail("needs 2 vCPUs, this machine has %u",
			    platform.nr_cpus);
	rc = arch_hyp_yield();
	if (rc)
		return fail("yield hypercall returned %ld (no Keel?)", rc);
	if (basic_start_secondaries())
		return -1;
	n = arch_lazy_begin();
	arch_lazy_end();
	memset(results, 0, sizeof(results));
	memset(ready, 0, sizeof(ready));
	lazy_rounds = rounds;
	lazy_run++;
	if (basic_run_on(1, lazy_worker))
		return -1;
	lazy_worker(0);
	if (!basic_run_wait(1, 10 * arch_counter_freq() +
				       rounds * arch_counter_freq() / 10))
		return fail("vCPU1 still busy: %u of %lu rounds done",
			    READ_ONCE(results[1].rounds), rounds);
	for (cpu = 0; cpu < 2; cpu++)
		printf("lazy-state vCPU%u %u of %lu rounds, %u words, %u exits, %u of %u yields with vCPU%u in between, %u in-handler checks\n",
		       cpu, results[cpu].rounds, rounds, n,
		       results[cpu].rounds * (LAZY_EXITS + 1),
		       results[cpu].overlaps, results[cpu].yields, !cpu,
		       results[cpu].irq_checks);
	for (cpu = 0; cpu < 2; cpu++) {
		if (results[cpu].failed)
			return fail("%s", results[cpu].why);
	}
	for (cpu = 0; cpu < 2; cpu++) {
		/* The last vCPU to finish yields alone for its last round. */
		if (results[cpu].overlaps * 2 < results[cpu].yields)
			return fail(
				"vCPU%u: vCPU%u ran across only %u of %u yields: not interleaved (share one CPU?)",
				cpu, !cpu, results[cpu].overlaps,
				results[cpu].yields);
	}
	return 0;
}

/* ---- lazy-wake ---- */

static unsigned int wake_count[2];
static uint64_t wake_at[2];
/* vCPU 1's yield loop runs while vCPU 0 keeps this set. */
static unsigned int yield_loop_on;
static unsigned int yield_loops;
static uint64_t sleep_deadline;

void lazy_ipi(unsigned int kind, uint64_t now)
{
	unsigned int cpu = arch_cpu_id();

	if (cpu >= 2)
		return;
	if (kind == IPI_LAZY) {
		lazy_irq_check(cpu);
		WRITE_ONCE(irqs[cpu], irqs[cpu] + 1);
	} else {
		WRITE_ONCE(wake_at[cpu], now);
		WRITE_ONCE(wake_count[cpu], wake_count[cpu] + 1);
	}
}

/*
 * Spin until *p differs from `before` or `timeout` ticks passed, never
 * WFI and no exit but an occasional counter read: only the hypervisor's
 * own mechanisms (its timer, its scheduler) let something else happen.
 */
static bool spin_changed(const volatile unsigned int *p, unsigned int before,
			 uint64_t timeout)
{
	uint64_t start = arch_counter();
	unsigned long n = 0;

	while (*p == before) {
		if (++n % SPIN_CHECK_EVERY == 0 &&
		    arch_counter() - start >= timeout)
			return *p != before;
	}
	return true;
}

/* vCPU 1: its own timer armed far ahead, re-armed, yielding in a loop. */
static void yield_loop(unsigned int cpu)
{
	uint64_t far = 0x2000000000000000UL + (arch_counter() & 0xffffffffUL);

	while (READ_ONCE(yield_loop_on)) {
		arch_timer_arm(far + yield_loops);
		arch_hyp_yield();
		WRITE_ONCE(yield_loops, yield_loops + 1);
	}
	arch_timer_stop();
}

/* vCPU 1: sleep in WFI until its own timer fires. */
static void timer_sleep(unsigned int cpu)
{
	uint64_t fired;

	if (timer_oneshot(READ_ONCE(sleep_deadline), &fired))
		WRITE_ONCE(wake_at[cpu], fired);
	else
		WRITE_ONCE(wake_at[cpu], 0);
	WRITE_ONCE(wake_count[cpu], wake_count[cpu] + 1);
}

struct wake_stats {
	const char *name;
	uint64_t bound, worst;
	unsigned int runs;
};

enum { W_SPIN, W_YIELD, W_CALL, W_IPI, W_TIMER, W_NR };

static struct wake_stats wake_stats[W_NR] = {
	{ .name = "timer, spinning" },
	{ .name = "timer moved earlier after a yield" },
	{ .name = "timer moved earlier after a firmware call" },
	{ .name = "IPI to vCPU1 in WFI, sender spinning" },
	{ .name = "vCPU1's timer in WFI, vCPU0 spinning" },
};

static int wake_record(unsigned int w, bool came, uint64_t deadline,
		       uint64_t at)
{
	struct wake_stats *s = &wake_stats[w];
	uint64_t late = at - deadline;

	if (!came) {
		return fail("%s: no interrupt within 1 s", s->name);
	}
	if ((int64_t)late < 0)
		return fail("%s: interrupt %lu ticks before its deadline",
			    s->name, deadline - at);
	s->runs++;
	if (late > s->worst)
		s->worst = late;
	if (late > s->bound)
		return fail("%s: %lu us late (bound %lu us)", s->name,
			    ticks_to_ns(late) / 1000,
			    ticks_to_ns(s->bound) / 1000);
	return 0;
}

/* vCPU 0's timer at `d1`, moved to `ahead` from now after an exit. */
static int timer_spin(unsigned int w, uint64_t d1, uint64_t ahead)
{
	uint64_t second = arch_counter_freq(), deadline, at, start;
	unsigned long n = 0;
	unsigned int fired;

	if (d1) {
		timer_expect(d1);
		arch_timer_arm(d1);
		if (w == W_YIELD)
			arch_hyp_yield();
		else
			arch_lazy_exit(0);
	}
	deadline = arch_counter() + ahead;
	timer_expect(deadline);
	arch_timer_arm(deadline);
	start = arch_counter();
	while (!timer_fired(&at)) {
		if (++n % SPIN_CHECK_EVERY == 0 &&
		    arch_counter() - start >= second)
			break;
	}
	fired = timer_fired(&at);
	if (!fired)
		arch_timer_stop();
	return wake_record(w, fired, deadline, at);
}

static int wake_round(void)
{
	uint64_t ms = ticks_from_us(1000), second = arch_counter_freq();
	unsigned int before, w;
	uint64_t sent;
	bool came;
	int rc = 0;

	/* vCPU 1 busy yielding, its own timer armed: vCPU 0's timer. */
	WRITE_ONCE(yield_loop_on, 1);
	if (basic_run_on(1, yield_loop))
		return -1;
	for (w = W_SPIN; w <= W_CALL && !rc; w++)
		rc = timer_spin(w, w == W_SPIN ? 0 : arch_counter() + 200 * ms,
				2 * ms);
	WRITE_ONCE(yield_loop_on, 0);
	if (!basic_run_wait(1, second))
		return rc ? rc : fail("vCPU1's yield loop did not end");
	if (rc)
		return rc;

	/* vCPU 1 parked in WFI; vCPU 0 spins after the IPI. */
	before = READ_ONCE(wake_count[1]);
	sent = arch_counter();
	arch_ipi_send(1, IPI_LAZY_WAKE);
	/* The wake-up time only once it came: arguments have no order. */
	came = spin_changed(&wake_count[1], before, second);
	rc = wake_record(W_IPI, came, sent, READ_ONCE(wake_at[1]));
	if (rc)
		return rc;

	/* vCPU 1 sleeps for its own timer while vCPU 0 spins. */
	before = READ_ONCE(wake_count[1]);
	WRITE_ONCE(sleep_deadline, arch_counter() + 2 * ms);
	if (basic_run_on(1, timer_sleep))
		return -1;
	came = spin_changed(&wake_count[1], before, 2 * second) &&
	       READ_ONCE(wake_at[1]);
	rc = wake_record(W_TIMER, came, READ_ONCE(sleep_deadline),
			 READ_ONCE(wake_at[1]));
	if (!basic_run_wait(1, second))
		return rc ? rc : fail("vCPU1 did not finish its timer sleep");
	return rc;
}

int cmd_lazy_wake(int argc, char **argv)
{
	uint64_t rounds = WAKE_ROUNDS_DEFAULT, bound = LAZY_TIMER_BOUND_US, r;
	unsigned int w;
	int rc = 0;
	long y;

	if (argc > 3 ||
	    (argc >= 2 && (!parse_u64(argv[1], &rounds) || !rounds ||
			   rounds > WAKE_ROUNDS_MAX)) ||
	    (argc == 3 &&
	     (!parse_u64(argv[2], &bound) || !bound || bound > 500000)))
		return fail(
			"usage: lazy-wake [rounds 1..%u] [timer bound, us, up to 500000]",
			WAKE_ROUNDS_MAX);
	if (platform.nr_cpus < 2)
		return fail("needs 2 vCPUs, this machine has %u",
			    platform.nr_cpus);
	if (!platform.irq_ok)
		return fail("no interrupts");
	y = arch_hyp_yield();
	if (y)
		return fail("yield hypercall returned %ld (no Keel?)", y);
	if (basic_start_secondaries())
		return -1;
	for (w = 0; w < W_NR; w++) {
		wake_stats[w].worst = 0;
		wake_stats[w].runs = 0;
		wake_stats[w].bound =
			ticks_from_us(w < W_IPI ? bound : LAZY_WAKE_BOUND_US);
	}
	for (r = 0; r < rounds && !rc; r++)
		rc = wake_round();
	for (w = 0; w < W_NR; w++) {
		printf("lazy-wake %s: %u runs, worst ", wake_stats[w].name,
		       wake_stats[w].runs);
		print_ms(wake_stats[w].worst);
		printf(" late (bound ");
		print_ms(wake_stats[w].bound);
		printf(")\n");
	}
	if (rc)
		return rc;
	/* The sender waits in WFE: the existing IPI check. */
	return test_ipi();
}
