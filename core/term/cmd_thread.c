// SPDX-License-Identifier: GPL-2.0
#include <keel/cpu.h>
#include <keel/errno.h>
#include <keel/sched.h>
#include <keel/string.h>
#include <keel/terminal.h>

/* Affinity as far as it concerns CPUs that exist. */
static u64 possible_mask(void)
{
	return cpus_possible >= 64 ? ~0ULL : (1ULL << cpus_possible) - 1;
}

static int print_thread(struct thread *t, void *arg)
{
	term_printf("%-4u %-16s %-8s %-4u %-3u 0x%-8llx %10llu %8llu\n", t->id,
		    t->name, thread_state_name(t->state), t->prio, t->cpu,
		    (unsigned long long)(t->affinity & possible_mask()),
		    (unsigned long long)(t->runtime_ns / 1000),
		    (unsigned long long)t->switches);
	return 0;
}

static int thread_run(int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "list")) {
		if (argc >= 2)
			term_printf("error: unknown subcommand '%s'\n",
				    argv[1]);
		return -EINVAL;
	}
	term_printf("%-4s %-16s %-8s %-4s %-3s %-10s %10s %8s\n", "ID", "NAME",
		    "STATE", "PRIO", "CPU", "AFFINITY", "RUN(us)", "SWITCHES");
	thread_for_each(print_thread, NULL);
	return 0;
}

static const struct term_command thread_cmd = {
	.name = "thread",
	.summary = "hypervisor threads",
	.usage = "thread list",
	.run = thread_run,
};
TERM_COMMAND(thread_cmd);
