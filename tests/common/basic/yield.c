// SPDX-License-Identifier: GPL-2.0
/*
 * yield-count: every vCPU of the guest yields in a loop (Keel's yield
 * hypercall) and counts its yields inside a window of machine time that
 * all guests of the machine share (arch_counter_shared()), so that a
 * benchmark starting many guests at once (tools/bench-scale.py) adds
 * their counts over one common window. The vCPUs yield before the window
 * opens and after it closes too, until a common stop time: every guest's
 * window then sees every other guest's vCPUs busy, whatever order the
 * guests were started in.
 */
#include "commands.h"

/* Counter values, written by the boot vCPU before the others start. */
static uint64_t yc_start, yc_end, yc_stop;
/* Per vCPU, written by that vCPU only: its count and when it arrived. */
static uint64_t yc_count[BASIC_MAX_CPUS];
static uint64_t yc_arrived[BASIC_MAX_CPUS];
static long yc_error[BASIC_MAX_CPUS];

/*
 * One yield, the timer nudged a little ahead first: under -icount QEMU
 * runs one CPU at a time until the next timer deadline, so without a
 * near one a CPU may run for milliseconds of the machine's clock while
 * the others wait, and a short window would count QEMU's turns rather
 * than Keel's. 1/16 ms ahead keeps every turn short (the deadline is
 * moved on before it comes, so it never fires).
 */
static long yield_once(void)
{
	arch_timer_nudge(arch_counter_freq() / 16000);
	return arch_hyp_yield();
}

static bool before(uint64_t t)
{
	return arch_counter_shared() < t;
}

static void yield_count_run(unsigned int cpu)
{
	uint64_t n = 0;
	long rc = 0;

	WRITE_ONCE(yc_arrived[cpu], arch_counter_shared());
	while (!rc && before(yc_start))
		rc = yield_once();
	while (!rc && before(yc_end)) {
		rc = yield_once();
		n++;
	}
	WRITE_ONCE(yc_count[cpu], n);
	while (!rc && before(yc_stop))
		rc = yield_once();
	arch_timer_stop();
	WRITE_ONCE(yc_error[cpu], rc);
}

static uint64_t ms_ticks(uint64_t ms)
{
	return ms * (arch_counter_freq() / 1000);
}

int cmd_yield_count(int argc, char **argv)
{
	uint64_t start, window, stop, total = 0, wait;
	unsigned int cpu, late = 0;

	if (argc != 4 || !parse_u64(argv[1], &start) ||
	    !parse_u64(argv[2], &window) || !parse_u64(argv[3], &stop) ||
	    !window || stop < start + window || stop > 3600000)
		return fail(
			"usage: yield-count <start ms> <window ms> <stop ms>");
	if (basic_start_secondaries())
		return -1;
	yc_start = ms_ticks(start);
	yc_end = ms_ticks(start + window);
	yc_stop = ms_ticks(stop);
	for (cpu = 0; cpu < platform.nr_cpus; cpu++)
		yc_error[cpu] = 0;
	for (cpu = 1; cpu < platform.nr_cpus; cpu++) {
		if (basic_run_on(cpu, yield_count_run))
			return -1;
	}
	yield_count_run(0);
	/* The others stop at the same moment, give or take one yield. */
	wait = arch_counter_freq();
	for (cpu = 1; cpu < platform.nr_cpus; cpu++) {
		if (!basic_run_wait(cpu, wait))
			return fail("vCPU%u did not stop within 1 s", cpu);
	}
	for (cpu = 0; cpu < platform.nr_cpus; cpu++) {
		uint64_t n = READ_ONCE(yc_count[cpu]);

		printf("yield-count vCPU%u %lu yields, arrived at %lu ms\n",
		       cpu, n, READ_ONCE(yc_arrived[cpu]) / ms_ticks(1));
		total += n;
		late += READ_ONCE(yc_arrived[cpu]) >= yc_start;
		if (READ_ONCE(yc_error[cpu]))
			return fail("vCPU%u: yield hypercall returned %ld", cpu,
				    READ_ONCE(yc_error[cpu]));
	}
	printf("yield-count total %lu yields in %lu ms from %lu ms\n", total,
	       window, start);
	if (late)
		return fail(
			"%u vCPUs arrived after the window opened at %lu ms",
			late, start);
	return 0;
}
