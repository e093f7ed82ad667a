// SPDX-License-Identifier: GPL-2.0
/*
 * Secondary CPUs and inter-processor interrupts. Every shared variable has
 * exactly one writer (a CPU's own counters, or CPU 0), so no atomic
 * read-modify-write is needed: exclusives are not guaranteed to work on
 * the non-cacheable memory the firmware uses with its MMU off.
 */
#include "commands.h"

static unsigned int online[BASIC_MAX_CPUS] = { 1 };
static unsigned int pings[BASIC_MAX_CPUS];
/* pings[] as vCPU 0's answer handler last saw them. */
static unsigned int answers[BASIC_MAX_CPUS];
/* `spin`: busy until this counter value (vCPU 0 writes it), and turns. */
static uint64_t spin_until;
static unsigned int spins[BASIC_MAX_CPUS];
/* basic_run_on(): vCPU 0 writes fn and seq, the CPU itself done. */
static void (*run_fn[BASIC_MAX_CPUS])(unsigned int cpu);
static unsigned int run_seq[BASIC_MAX_CPUS];
static unsigned int run_done[BASIC_MAX_CPUS];

static bool spin_due(void)
{
	return (int64_t)(READ_ONCE(spin_until) - arch_counter()) > 0;
}

unsigned int ipi_bench_seq;
unsigned int ipi_bench_ack;
unsigned int ipi_bench_handled;
unsigned int ipi_spin_stop;

void ipi_spin_receiver(unsigned int cpu)
{
	while (!READ_ONCE(ipi_spin_stop))
		arch_spin_hint();
}

bool basic_cpu_online(unsigned int cpu)
{
	return cpu < BASIC_MAX_CPUS && READ_ONCE(online[cpu]);
}

void basic_secondary_main(unsigned int cpu)
{
	WRITE_ONCE(online[cpu], 1);
	arch_sev();
	/*
	 * Parked for good: WFI with the interrupt taken after it, never a
	 * spin, as the hypervisor may share the physical CPU.
	 */
	for (;;) {
		arch_irq_disable();
		/* Work posted while the last was running: no IPI to wait for. */
		if (READ_ONCE(run_done[cpu]) == READ_ONCE(run_seq[cpu]))
			arch_wfi();
		arch_irq_enable();
		/* Woken by IPI_SPIN: busy on purpose (`spin`). */
		if (spin_due()) {
			while (spin_due())
				;
			WRITE_ONCE(spins[cpu], spins[cpu] + 1);
			arch_sev();
		}
		/* Woken by IPI_RUN: work handed over by basic_run_on(). */
		while (READ_ONCE(run_done[cpu]) != READ_ONCE(run_seq[cpu])) {
			READ_ONCE(run_fn[cpu])(cpu);
			WRITE_ONCE(run_done[cpu], run_done[cpu] + 1);
			arch_sev();
		}
	}
}

void basic_ipi_irq(unsigned int kind, uint64_t now)
{
	unsigned int cpu = arch_cpu_id();

	switch (kind) {
	case IPI_PING:
		WRITE_ONCE(pings[cpu], pings[cpu] + 1);
		arch_ipi_send(0, IPI_PONG);
		break;
	case IPI_PONG:
		/*
		 * Several CPUs' answers may merge into one interrupt (a GICv3
		 * SGI pends once per target, whatever the sources), so count
		 * what each sender recorded before sending, not interrupts:
		 * each record is followed by an interrupt taken after it.
		 */
		for (cpu = 0; cpu < platform.nr_cpus; cpu++)
			WRITE_ONCE(answers[cpu], READ_ONCE(pings[cpu]));
		break;
	case IPI_LAZY:
	case IPI_LAZY_WAKE:
		lazy_ipi(kind, now);
		break;
	case IPI_BENCH:
		WRITE_ONCE(ipi_bench_handled, ipi_bench_handled + 1);
		WRITE_ONCE(ipi_bench_ack, READ_ONCE(ipi_bench_seq));
		arch_sev();
		break;
	default:
		break;
	}
}

int basic_start_secondaries(void)
{
	uint64_t second = arch_counter_freq();
	unsigned int cpu;

	if (!platform.irq_ok && platform.nr_cpus > 1)
		return fail("no interrupts to talk to other vCPUs with");
	for (cpu = 1; cpu < platform.nr_cpus; cpu++) {
		int rc;

		if (READ_ONCE(online[cpu]))
			continue;
		rc = arch_cpu_start(cpu);
		if (rc)
			return fail("starting vCPU%u failed (%d)", cpu, rc);
		if (!wait_count(&online[cpu], 1, second))
			return fail("vCPU%u did not come up within 1 s", cpu);
		printf("vCPU%u started\n", cpu);
	}
	return 0;
}

int basic_run_on(unsigned int cpu, void (*fn)(unsigned int cpu))
{
	if (!cpu || cpu >= platform.nr_cpus)
		return fail("no vCPU%u to run on", cpu);
	if (basic_start_secondaries())
		return -1;
	if (READ_ONCE(run_done[cpu]) != run_seq[cpu])
		return fail("vCPU%u is still busy with earlier work", cpu);
	WRITE_ONCE(run_fn[cpu], fn);
	WRITE_ONCE(run_seq[cpu], run_seq[cpu] + 1);
	arch_ipi_send(cpu, IPI_RUN);
	return 0;
}

bool basic_run_wait(unsigned int cpu, uint64_t timeout_ticks)
{
	return wait_count(&run_done[cpu], run_seq[cpu], timeout_ticks);
}

/*
 * Keep every vCPU busy (never WFI, no hypervisor call) for `ticks`: the
 * secondaries, started if need be and woken by an IPI, and this one.
 */
int basic_spin_all(uint64_t ticks)
{
	unsigned int before[BASIC_MAX_CPUS], cpu, done = 1;
	uint64_t n = 0;

	if (basic_start_secondaries())
		return -1;
	for (cpu = 1; cpu < platform.nr_cpus; cpu++)
		before[cpu] = READ_ONCE(spins[cpu]);
	WRITE_ONCE(spin_until, arch_counter() + ticks);
	for (cpu = 1; cpu < platform.nr_cpus; cpu++)
		arch_ipi_send(cpu, IPI_SPIN);
	while (spin_due())
		n++;
	for (cpu = 1; cpu < platform.nr_cpus; cpu++) {
		if (wait_count(&spins[cpu], before[cpu] + 1,
			       arch_counter_freq()))
			done++;
		else
			printf("vCPU%u did not spin\n", cpu);
	}
	printf("spun %u of %u vCPUs, %lu turns on vCPU0\n", done,
	       platform.nr_cpus, n);
	if (done != platform.nr_cpus)
		return fail("%u of %u vCPUs spun", done, platform.nr_cpus);
	return 0;
}

/*
 * Every vCPU, the boot one included (an IPI to oneself is legal and is
 * the only case on a single vCPU), gets one ping and answers with an IPI
 * to vCPU 0.
 */
int test_ipi(void)
{
	unsigned int before[BASIC_MAX_CPUS], cpu, got = 0, answered = 0;
	uint64_t second = arch_counter_freq();

	if (!platform.irq_ok)
		return fail("no interrupts");
	if (basic_start_secondaries())
		return -1;
	for (cpu = 0; cpu < platform.nr_cpus; cpu++)
		before[cpu] = READ_ONCE(pings[cpu]);
	for (cpu = 0; cpu < platform.nr_cpus; cpu++)
		arch_ipi_send(cpu, IPI_PING);
	for (cpu = 0; cpu < platform.nr_cpus; cpu++) {
		if (wait_count(&pings[cpu], before[cpu] + 1, second))
			got++;
		else
			printf("ipi vCPU%u: no interrupt\n", cpu);
		if (wait_count(&answers[cpu], before[cpu] + 1, second))
			answered++;
		else
			printf("ipi vCPU%u: no answer on vCPU0\n", cpu);
	}
	printf("ipi %u of %u vCPUs interrupted, %u answers back on vCPU0\n",
	       got, platform.nr_cpus, answered);
	if (got != platform.nr_cpus)
		return fail("%u of %u vCPUs got the interrupt", got,
			    platform.nr_cpus);
	if (answered != platform.nr_cpus)
		return fail("%u of %u answers arrived", answered,
			    platform.nr_cpus);
	return 0;
}

volatile uint64_t cpu_cycle_count;

/*
 * vCPU1 powered on at the arch's cpu_cycle_entry, which uses FP and powers
 * itself off, n times, each power-on as soon as vCPU1 reads off: the
 * hypervisor may then still be leaving the guest on vCPU1's host CPU,
 * its registers live there, while the power-on comes in on another.
 * vCPU1 must be off to start with (nothing else started it).
 */
int cmd_cpu_cycle(int argc, char **argv)
{
	uint64_t n = 100, give_up;

	if (argc > 2 ||
	    (argc == 2 && (!parse_u64(argv[1], &n) || !n || n > 1000000)))
		return fail("usage: cpu-cycle [n, 1 to 1000000]");
	if (platform.nr_cpus < 2)
		return fail("one vCPU: nothing to power on");
	if (arch_cpu_is_off(1) != 1)
		return fail("vCPU1 is not off");
	cpu_cycle_count = 0;
	for (uint64_t i = 0; i < n; i++) {
		long r = arch_cpu_cycle_start(1);

		if (r)
			return fail("power-on %lu of %lu returned %ld", i + 1,
				    n, r);
		give_up = arch_counter() + arch_counter_freq();
		while (arch_cpu_is_off(1) != 1)
			if ((int64_t)(arch_counter() - give_up) > 0)
				return fail(
					"vCPU1 not off 1 s after power-on %lu",
					i + 1);
		if (READ_ONCE(cpu_cycle_count) != i + 1)
			return fail("vCPU1 ran %lu times after %lu power-ons",
				    READ_ONCE(cpu_cycle_count), i + 1);
	}
	printf("cpu-cycle: vCPU1 on and off %lu times\n", n);
	return 0;
}
