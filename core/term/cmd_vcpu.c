// SPDX-License-Identifier: GPL-2.0
/*
 * vcpu list | vcpu dumpreg <guest>/<n> | vcpu stats <guest>/<n> |
 * vcpu profile <guest>[/<n>]
 */
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/string.h>
#include <keel/terminal.h>
#include <keel/timer.h>

static int print_vcpus(struct guest *g, void *arg)
{
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		struct vcpu *v = g->vcpus[i];
		char name[GUEST_NAME_LEN + 8];

		snprintf(name, sizeof(name), "%s/%u", g->name, i);
		term_printf("%-20s %-9s 0x%-10llx %-4u %s\n", name,
			    vcpu_state_name(v->state),
			    (unsigned long long)arch_vcpu_hwid(v),
			    v->thread->cpu,
			    thread_state_name(v->thread->state));
	}
	return 0;
}

/* "<guest>/<index>" to a vCPU, or a message naming what is wrong. */
static struct vcpu *parse(const char *spec)
{
	char name[GUEST_NAME_LEN];
	const char *slash = strchr(spec, '/');
	struct guest *g;
	u64 index;

	if (!slash || (size_t)(slash - spec) >= sizeof(name)) {
		term_printf("error: '%s' is not <guest>/<vcpu>\n", spec);
		return NULL;
	}
	memcpy(name, spec, slash - spec);
	name[slash - spec] = 0;
	g = guest_find(name);
	if (!g) {
		term_printf("error: no guest '%s'\n", name);
		return NULL;
	}
	if (str_to_u64(slash + 1, 10, &index) || index >= g->nr_vcpus) {
		term_printf("error: guest %s has no vCPU '%s'\n", name,
			    slash + 1);
		return NULL;
	}
	return g->vcpus[index];
}

static int print_stats(struct vcpu *v)
{
	term_printf("%-14s %12s\n", "EXIT", "COUNT");
	for (unsigned int r = 0; r < VCPU_EXIT_REASONS; r++)
		term_printf("%-14s %12llu\n", vcpu_exit_name(r),
			    (unsigned long long)v->stats.exits[r]);
	term_printf(
		"time in guest: %llu us\n",
		(unsigned long long)(timer_cycles_to_ns(v->stats.run_cycles) /
				     1000));
	return 0;
}

/*
 * One profile line: exits, Keel's time on the CPU (the window less the
 * time its thread was switched out), that per exit, and the time out.
 */
static void print_prof_line(const char *name, u64 exits, u64 cycles, u64 off_ns)
{
	u64 ns = timer_cycles_to_ns(cycles);
	u64 keel = ns > off_ns ? ns - off_ns : 0;

	term_printf("%-22s %10llu %14llu %9llu %14llu\n", name,
		    (unsigned long long)exits, (unsigned long long)keel,
		    (unsigned long long)(exits ? keel / exits : 0),
		    (unsigned long long)off_ns);
}

/*
 * The exit profile of one vCPU, or (v NULL) of all of g's summed, with
 * the MMIO exits by device. Times in ns: instructions under QEMU's
 * -icount shift=0 (docs/architecture.md, "The exit profile").
 */
static int print_profile(struct guest *g, struct vcpu *v)
{
	struct vcpu_prof_stat sum[VCPU_PROF_CLASSES] = { 0 };
	struct vcpu_prof_stat all = { 0 };
	struct devemu_instance *d;
	u64 guest_cycles = 0;

	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		const struct vcpu_stats *s = &g->vcpus[i]->stats;

		if (v && g->vcpus[i] != v)
			continue;
		guest_cycles += s->run_cycles;
		for (unsigned int c = 0; c < VCPU_PROF_CLASSES; c++) {
			sum[c].exits += s->prof[c].exits;
			sum[c].cycles += s->prof[c].cycles;
			sum[c].off_cpu_ns += s->prof[c].off_cpu_ns;
		}
	}
	term_printf("%-22s %10s %14s %9s %14s\n", "CLASS", "EXITS", "KEEL_NS",
		    "PER_EXIT", "OFF_CPU_NS");
	for (unsigned int c = 0; c < VCPU_PROF_CLASSES; c++) {
		print_prof_line(vcpu_prof_class_name(c), sum[c].exits,
				sum[c].cycles, sum[c].off_cpu_ns);
		all.exits += sum[c].exits;
		all.cycles += sum[c].cycles;
		all.off_cpu_ns += sum[c].off_cpu_ns;
	}
	print_prof_line("all", all.exits, all.cycles, all.off_cpu_ns);
	term_printf("guest mode: %llu ns\n",
		    (unsigned long long)timer_cycles_to_ns(guest_cycles));
	if (v)
		return 0;
	term_printf("%-22s %10s %14s %9s %14s\n", "MMIO DEVICE", "EXITS",
		    "KEEL_NS", "PER_EXIT", "OFF_CPU_NS");
	list_for_each_entry(d, &g->devices, link)
		if (d->reads + d->writes)
			print_prof_line(d->name, d->reads + d->writes,
					READ_ONCE(d->prof_cycles),
					READ_ONCE(d->prof_off_cpu_ns));
	return 0;
}

static int profile(const char *spec)
{
	struct guest *g;

	if (strchr(spec, '/')) {
		struct vcpu *v = parse(spec);

		return v ? print_profile(v->guest, v) : -ENOENT;
	}
	g = guest_find(spec);
	if (!g) {
		term_printf("error: no guest '%s'\n", spec);
		return -ENOENT;
	}
	return print_profile(g, NULL);
}

static int vcpu_run(int argc, char **argv)
{
	struct vcpu *v;

	if (argc == 2 && !strcmp(argv[1], "list")) {
		term_printf("%-20s %-9s %-12s %-4s %s\n", "VCPU", "STATE",
			    "HWID", "CPU", "THREAD");
		return guest_for_each(print_vcpus, NULL);
	}
	if (argc == 3 && !strcmp(argv[1], "dumpreg")) {
		v = parse(argv[2]);
		if (!v)
			return -ENOENT;
		arch_vcpu_dump(v, term_printf);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "stats")) {
		v = parse(argv[2]);
		return v ? print_stats(v) : -ENOENT;
	}
	if (argc == 3 && !strcmp(argv[1], "profile"))
		return profile(argv[2]);
	if (argc >= 2)
		term_printf("error: wrong arguments for '%s'\n", argv[1]);
	return -EINVAL;
}

static const struct term_command vcpu_cmd = {
	.name = "vcpu",
	.summary = "inspect guests' virtual CPUs",
	.usage =
		"vcpu list | vcpu dumpreg <guest>/<n> | vcpu stats <guest>/<n> | "
		"vcpu profile <guest>[/<n>]",
	.run = vcpu_run,
};
TERM_COMMAND(vcpu_cmd);
