/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Physical CPUs as core/ sees them (core/cpu.c, core/smp.c). Each CPU's
 * struct cpu is reached through the arch's per-CPU anchor, so this_cpu()
 * costs one register read.
 */
#ifndef KEEL_CPU_H
#define KEEL_CPU_H

#include <keel/types.h>
#include <keel/sched.h>
#include <keel/timer.h>
#include <arch/cpu.h>

enum cpu_state {
	CPU_ABSENT, /* no such CPU */
	CPU_OFFLINE, /* described by the device tree, not running */
	CPU_STARTING, /* asked to start, not yet in Keel */
	CPU_ONLINE,
	CPU_FAILED, /* did not come up */
	CPU_STOPPED, /* halted (panic, power-off) */
};

struct cpu {
	unsigned int id;
	u64 hwid; /* from the device tree "reg" of its cpu node */
	volatile enum cpu_state state;
	struct sched_cpu sched;
	struct timer_cpu timers;
	u64 irqs_taken;
};

extern struct cpu cpus[CONFIG_MAX_CPUS];
extern unsigned int cpus_possible; /* cpu nodes found, at most MAX_CPUS */

static inline struct cpu *this_cpu(void)
{
	return (struct cpu *)arch_cpu_local();
}

static inline unsigned int cpu_id(void)
{
	return this_cpu()->id;
}

static inline bool cpu_is_online(unsigned int cpu)
{
	return cpu < cpus_possible && cpus[cpu].state == CPU_ONLINE;
}

#define for_each_online_cpu(c)              \
	for (c = 0; c < cpus_possible; c++) \
		if (cpu_is_online(c))

const char *cpu_state_name(enum cpu_state state);

/* Find CPUs in the device tree and start the secondaries. */
int smp_init(void);
/*
 * Run fn(arg) on CPU cpu and wait for it to return (IPI for remote CPUs).
 * -ENODEV for an offline CPU, -ETIMEDOUT if it never answers.
 */
int smp_call_on_cpu(unsigned int cpu, void (*fn)(void *), void *arg);
/* Halt every other CPU (panic and power-off). */
void smp_stop_others(void);

#endif
