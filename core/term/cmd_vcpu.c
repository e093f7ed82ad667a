// SPDX-License-Identifier: GPL-2.0
/* vcpu list | vcpu dumpreg <guest>/<n> | vcpu stats <guest>/<n> */
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/string.h>
#include <keel/terminal.h>

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
	term_printf("time in guest: %llu us\n",
		    (unsigned long long)(v->stats.run_ns / 1000));
	return 0;
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
	if (argc >= 2)
		term_printf("error: wrong arguments for '%s'\n", argv[1]);
	return -EINVAL;
}

static const struct term_command vcpu_cmd = {
	.name = "vcpu",
	.summary = "inspect guests' virtual CPUs",
	.usage =
		"vcpu list | vcpu dumpreg <guest>/<n> | vcpu stats <guest>/<n>",
	.run = vcpu_run,
};
TERM_COMMAND(vcpu_cmd);
