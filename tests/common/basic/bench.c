// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks: one operation measured n times, the median reported in
 * counter ticks and, where a retired-instruction counter runs, in
 * instructions. Medians rather than means so that a host interrupt or a
 * vCPU being descheduled in the middle of one run does not move the
 * figure. The cost of reading the counters themselves is measured the
 * same way and printed as "overhead" rather than subtracted, so the raw
 * numbers stay comparable across hypervisor versions.
 */
#include "commands.h"

/* 65,536: `bench ipi-spin 65536` is how the tests run that many IPIs. */
#define BENCH_MAX 65536U

static uint32_t sample_ticks[BENCH_MAX];
static uint32_t sample_insts[BENCH_MAX];
/*
 * What a prepare step left to undo after the runs, failed ones too (a
 * vCPU it set spinning): cmd_bench calls and clears it, saying whether
 * every run passed (if not, the run's failure is the one to report).
 */
static int (*bench_cleanup)(bool runs_ok);

static int ipi_prepare(void)
{
	if (platform.nr_cpus < 2)
		return fail("needs a second vCPU");
	return basic_start_secondaries();
}

/*
 * One IPI to vCPU1, timed until its handler has acknowledged it; the
 * sender waits between looks with wait (WFE, or the spin hint).
 */
static inline __attribute__((always_inline)) int
ipi_round(struct bench_sample *s, void (*wait)(void))
{
	unsigned int seq = ipi_bench_seq + 1;
	uint64_t start = arch_counter(), second = arch_counter_freq();

	WRITE_ONCE(ipi_bench_seq, seq);
	bench_begin(s);
	arch_ipi_send(1, IPI_BENCH);
	while (READ_ONCE(ipi_bench_ack) != seq) {
		if (arch_counter() - start > second)
			return fail("vCPU1 did not answer within 1 s");
		wait();
	}
	bench_end(s);
	return 0;
}

static int ipi_run(struct bench_sample *s)
{
	return ipi_round(s, arch_wfe);
}

/*
 * An IPI to a vCPU that never waits: vCPU1 spins with interrupts enabled
 * (ipi_spin_receiver) and vCPU0 spins until vCPU1's handler has run, with
 * no WFE, WFI or hypervisor call on either side. When the two share one
 * host CPU only the hypervisor can let vCPU1 run before vCPU0's time
 * slice ends: without that, each IPI waits a whole slice.
 */
static unsigned int ipi_spin_sent, ipi_spin_slow, ipi_spin_handled_before;
static uint64_t ipi_spin_start;

/* vCPU1 back to its WFI loop; every IPI sent was handled once. */
static int ipi_spin_finish(bool runs_ok)
{
	unsigned int handled;

	WRITE_ONCE(ipi_spin_stop, 1);
	if (!basic_run_wait(1, arch_counter_freq()))
		return fail("vCPU1 did not stop spinning within 1 s");
	if (!runs_ok)
		return 0;
	handled = READ_ONCE(ipi_bench_handled) - ipi_spin_handled_before;
	printf("ipi-spin %u IPIs sent, %u handled by vCPU1, %u after more than 1 ms, in %lu us\n",
	       ipi_spin_sent, handled, ipi_spin_slow,
	       ticks_to_ns(arch_counter() - ipi_spin_start) / 1000);
	if (handled != ipi_spin_sent)
		return fail("%u IPIs sent, %u handled", ipi_spin_sent, handled);
	return 0;
}

static int ipi_spin_prepare(void)
{
	if (ipi_prepare())
		return -1;
	ipi_spin_sent = ipi_spin_slow = 0;
	ipi_spin_start = arch_counter();
	ipi_spin_handled_before = READ_ONCE(ipi_bench_handled);
	WRITE_ONCE(ipi_spin_stop, 0);
	if (basic_run_on(1, ipi_spin_receiver))
		return -1;
	bench_cleanup = ipi_spin_finish;
	return 0;
}

static int ipi_spin_run(struct bench_sample *s)
{
	if (ipi_round(s, arch_spin_hint))
		return -1;
	ipi_spin_sent++;
	/* Answered only when the sender's slice ended: no directed yield. */
	if (s->ticks > ticks_from_us(1000))
		ipi_spin_slow++;
	return 0;
}

/* A deadline 100 us ahead, this vCPU sleeping in WFI until it fires. */
static int timer_run(struct bench_sample *s)
{
	uint64_t deadline = arch_counter() + ticks_from_us(100), fired;

	if (!platform.irq_ok)
		return fail("no interrupts");
	if (!timer_oneshot(deadline, &fired))
		return fail("no timer interrupt");
	s->ticks = (uint32_t)(fired - deadline);
	s->insts = 0;
	return 0;
}

/*
 * One yield hypercall. With another guest on the same host CPU spinning
 * in `yield-loop`, it is two vCPU switches and one turn of that loop.
 */
static int switch_prepare(void)
{
	long r = arch_hyp_yield();

	return r ? fail("no yield hypercall (%ld): not under Keel", r) : 0;
}

static int switch_run(struct bench_sample *s)
{
	long r;

	bench_begin(s);
	r = arch_hyp_yield();
	bench_end(s);
	return r ? fail("yield hypercall returned %ld", r) : 0;
}

/*
 * A keel,zero window, found in the device tree as the firmware finds its
 * other devices by compatible: Keel answers every read of it with 0.
 * Bare QEMU has no such device, so there the operation fails at once.
 */
uint64_t bench_zero_base;

int bench_zero_prepare(void)
{
	struct basic_range r;

	if (fdt_find_compatible(platform.fdt, "keel,zero", &r, NULL))
		return fail("no keel,zero window in the device tree");
	bench_zero_base = r.base;
	return 0;
}

/*
 * Trap-free guest work: CPU_LOOP_ITERS turns of a multiply-add whose
 * result feeds the next turn, all in registers. Nothing in the loop may
 * leave the guest (no counter reads, no memory beyond the stack), so
 * whatever Keel adds is time the guest lost to the hypervisor (host timer
 * ticks, scheduling). The empty asm keeps the compiler from folding the
 * loop into a closed form.
 */
#define CPU_LOOP_ITERS 1000000U

static uint64_t cpu_loop_result;

static int cpu_loop_run(struct bench_sample *s)
{
	uint64_t x = 1;
	unsigned int i;

	bench_begin(s);
	for (i = 0; i < CPU_LOOP_ITERS; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		__asm__ __volatile__("" : "+r"(x));
	}
	bench_end(s);
	/* The same value every run: the loop did all its turns. */
	if (cpu_loop_result && x != cpu_loop_result)
		return fail("loop result 0x%lx, then 0x%lx", cpu_loop_result,
			    x);
	cpu_loop_result = x;
	return 0;
}

static const struct bench_op common_ops[] = {
	{ "ipi", "IPI to vCPU1 until it has recorded it", ipi_prepare, ipi_run,
	  true },
	{ "ipi-spin", "IPI to a spinning vCPU1, vCPU0 spinning for the answer",
	  ipi_spin_prepare, ipi_spin_run, true },
	{ "timer", "timer deadline to interrupt handler, from WFI", NULL,
	  timer_run, false },
	{ "switch", "Keel's yield hypercall (a yield-loop partner switches in)",
	  switch_prepare, switch_run, true },
	{ "cpu-loop", "1,000,000 turns of a multiply-add, no traps", NULL,
	  cpu_loop_run, true },
};

static const struct bench_op *find_op(const char *name)
{
	unsigned int i;

	for (i = 0; i < arch_nr_bench_ops; i++) {
		if (!strcmp(arch_bench_ops[i].name, name))
			return &arch_bench_ops[i];
	}
	for (i = 0; i < ARRAY_SIZE(common_ops); i++) {
		if (!strcmp(common_ops[i].name, name))
			return &common_ops[i];
	}
	return NULL;
}

void bench_help(void)
{
	unsigned int i;

	printf("bench operations (n: 1..%u, default 1000):\n", BENCH_MAX);
	for (i = 0; i < arch_nr_bench_ops; i++)
		printf("  %-24s %s\n", arch_bench_ops[i].name,
		       arch_bench_ops[i].help);
	for (i = 0; i < ARRAY_SIZE(common_ops); i++)
		printf("  %-24s %s\n", common_ops[i].name, common_ops[i].help);
}

int cmd_bench(int argc, char **argv)
{
	const struct bench_op *op;
	uint64_t n = 1000;
	uint32_t ovh_ticks, ovh_insts;
	unsigned int i;
	bool insts;

	if (argc < 2 || argc > 3)
		return fail("usage: bench <op> [n]");
	result_name("bench %s", argv[1]);
	op = find_op(argv[1]);
	if (!op)
		return fail("unknown operation; see help");
	if (argc == 3 && (!parse_u64(argv[2], &n) || !n || n > BENCH_MAX))
		return fail("n must be 1..%u", BENCH_MAX);
	if (op->prepare && op->prepare())
		return -1;
	insts = op->counts_insts && arch_inst_counter_start();

	/* What an empty measurement costs. */
	for (i = 0; i < n; i++) {
		struct bench_sample s;

		bench_begin(&s);
		bench_end(&s);
		sample_ticks[i] = s.ticks;
		sample_insts[i] = s.insts;
	}
	sort_u32(sample_ticks, (unsigned int)n);
	sort_u32(sample_insts, (unsigned int)n);
	ovh_ticks = sample_ticks[n / 2];
	ovh_insts = sample_insts[n / 2];

	for (i = 0; i < n; i++) {
		struct bench_sample s;

		if (op->run(&s))
			break;
		sample_ticks[i] = s.ticks;
		sample_insts[i] = s.insts;
	}
	/* Undone whatever happened: the next command finds vCPUs as usual. */
	if (bench_cleanup) {
		int (*cleanup)(bool runs_ok) = bench_cleanup;

		bench_cleanup = NULL;
		if (cleanup(i == n))
			return -1;
	}
	if (i < n)
		return -1;
	sort_u32(sample_ticks, (unsigned int)n);
	sort_u32(sample_insts, (unsigned int)n);

	printf("bench %s median %u ticks = %lu ns (min %u, max %u, overhead %u ticks, %lu runs, counter %lu Hz)\n",
	       op->name, sample_ticks[n / 2], ticks_to_ns(sample_ticks[n / 2]),
	       sample_ticks[0], sample_ticks[n - 1], ovh_ticks, n,
	       arch_counter_freq());
	if (insts)
		printf("bench %s median %u instructions (min %u, max %u, overhead %u)\n",
		       op->name, sample_insts[n / 2], sample_insts[0],
		       sample_insts[n - 1], ovh_insts);
	else
		printf("bench %s instructions not counted\n", op->name);
	return 0;
}
