// SPDX-License-Identifier: GPL-2.0
/* host info | host cpu info | host cpu time | host ram info | host irq stats */
#include <keel/cpu.h>
#include <keel/errno.h>
#include <keel/irq.h>
#include <keel/memory.h>
#include <keel/page_alloc.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/terminal.h>
#include <keel/timer.h>
#include <keel/version.h>

static unsigned int online_count(void)
{
	unsigned int c, n = 0;

	for_each_online_cpu(c)
		n++;
	return n;
}

static int host_info(void)
{
	char cpu[128];
	u64 ns = timer_now_ns();

	arch_cpu_describe(cpu, sizeof(cpu));
	term_printf("Keel:        %s (%s)\n", KEEL_VERSION, KEEL_ARCH_NAME);
	term_printf("CPU:         %s\n", cpu);
	term_printf("CPUs:        %u online, %u possible\n", online_count(),
		    cpus_possible);
	term_printf("RAM:         %llu MiB\n",
		    (unsigned long long)(memory_get_map()->ram_bytes >> 20));
	term_printf("IRQ chip:    %s\n", irqchip_name());
	term_printf("Clock:       %llu Hz\n",
		    (unsigned long long)timer_counter_freq());
	term_printf("Uptime:      %llu.%06llu s\n",
		    (unsigned long long)(ns / NSEC_PER_SEC),
		    (unsigned long long)(ns % NSEC_PER_SEC / 1000));
	term_printf("Threads:     %u\n", thread_count());
	return 0;
}

static void read_hwid(void *arg)
{
	*(u64 *)arg = arch_cpu_hwid();
}

static int host_cpu_info(void)
{
	term_printf("%-4s %-12s %-9s %-16s %s\n", "CPU", ARCH_CPU_HWID_NAME,
		    "STATE", "THREAD", "LOAD");
	for (unsigned int c = 0; c < cpus_possible; c++) {
		struct cpu *cp = &cpus[c];
		struct thread *cur = cp->sched.current;
		u64 hwid = cp->hwid;
		bool online = cpu_is_online(c);

		/* Asked of the CPU itself, through an IPI when remote. */
		if (online && smp_call_on_cpu(c, read_hwid, &hwid))
			hwid = cp->hwid;
		term_printf("%-4u 0x%-10llx %-9s %-16s %u%%\n", c,
			    (unsigned long long)hwid, cpu_state_name(cp->state),
			    online && cur ? cur->name : "-",
			    online ? sched_cpu_load(c) : 0);
	}
	return 0;
}

/*
 * Busy and idle time per CPU since boot, in ns: under QEMU's -icount the
 * busy time is the instructions the CPU ran (make bench reads it).
 */
static int host_cpu_time(void)
{
	u64 now = timer_now_ns();

	term_printf("%-4s %16s %16s %16s\n", "CPU", "UPTIME(ns)", "BUSY(ns)",
		    "IDLE(ns)");
	for (unsigned int c = 0; c < cpus_possible; c++) {
		u64 idle;

		if (!cpu_is_online(c))
			continue;
		idle = sched_cpu_idle_ns(c);
		if (idle > now)
			idle = now;
		term_printf("%-4u %16llu %16llu %16llu\n", c,
			    (unsigned long long)now,
			    (unsigned long long)(now - idle),
			    (unsigned long long)idle);
	}
	return 0;
}

static void print_size(const char *label, u64 bytes)
{
	term_printf("%-13s%llu KiB (%llu MiB)\n", label,
		    (unsigned long long)(bytes >> 10),
		    (unsigned long long)(bytes >> 20));
}

static int host_ram_info(void)
{
	const struct memory_map *m = memory_get_map();
	struct page_alloc_stats st;

	page_alloc_get_stats(&st);
	term_printf("RAM banks:\n");
	for (unsigned int i = 0; i < m->nr_banks; i++)
		term_printf("  0x%010llx-0x%010llx %llu MiB\n",
			    (unsigned long long)m->banks[i].start,
			    (unsigned long long)m->banks[i].end,
			    (unsigned long long)((m->banks[i].end -
						  m->banks[i].start) >>
						 20));
	term_printf("Reserved:\n");
	for (unsigned int i = 0; i < m->nr_reserved; i++)
		term_printf("  0x%010llx-0x%010llx %s\n",
			    (unsigned long long)m->reserved[i].start,
			    (unsigned long long)m->reserved[i].end,
			    m->reserved[i].what);
	print_size("Total:", m->ram_bytes);
	print_size("Managed:", st.total_pages * PAGE_SIZE);
	print_size("Free:", st.free_pages * PAGE_SIZE);
	print_size("Used:", (st.total_pages - st.free_pages) * PAGE_SIZE);
	return 0;
}

static int print_irq(const struct irq_stat *st, void *arg)
{
	u64 total = 0;

	term_printf("%-5u %-16s", st->irq, st->name);
	for (unsigned int c = 0; c < cpus_possible; c++) {
		term_printf(" %10llu", (unsigned long long)st->counts[c]);
		total += st->counts[c];
	}
	term_printf(" %10llu %s\n", (unsigned long long)total,
		    st->percpu ? "per-cpu" : "");
	return 0;
}

static int host_irq_stats(void)
{
	term_printf("%-5s %-16s", "IRQ", "NAME");
	for (unsigned int c = 0; c < cpus_possible; c++)
		term_printf("       CPU%-2u", c);
	term_printf(" %10s\n", "TOTAL");
	irq_for_each(print_irq, NULL);
	term_printf("spurious: %llu\n",
		    (unsigned long long)irq_spurious_count());
	return 0;
}

static int host_run(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "info"))
		return host_info();
	if (argc == 3 && !strcmp(argv[1], "cpu") && !strcmp(argv[2], "info"))
		return host_cpu_info();
	if (argc == 3 && !strcmp(argv[1], "cpu") && !strcmp(argv[2], "time"))
		return host_cpu_time();
	if (argc == 3 && !strcmp(argv[1], "ram") && !strcmp(argv[2], "info"))
		return host_ram_info();
	if (argc == 3 && !strcmp(argv[1], "irq") && !strcmp(argv[2], "stats"))
		return host_irq_stats();
	if (argc >= 2)
		term_printf("error: unknown subcommand '%s%s%s'\n", argv[1],
			    argc > 2 ? " " : "", argc > 2 ? argv[2] : "");
	return -EINVAL;
}

static const struct term_command host_cmd = {
	.name = "host",
	.summary = "the physical machine: CPUs, RAM, interrupts",
	.usage = "host info | host cpu info | host cpu time | host ram info | "
		 "host irq stats",
	.run = host_run,
};
TERM_COMMAND(host_cmd);
