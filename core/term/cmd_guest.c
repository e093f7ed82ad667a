// SPDX-License-Identifier: GPL-2.0
/* guest list | create | destroy | kick | pause | resume | reset | halt,
 * guest region list, guest dumpmem */
#include <keel/bundle.h>
#include <keel/devemu.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/string.h>
#include <keel/terminal.h>

static u64 ram_bytes(const struct guest *g)
{
	u64 sum = 0;

	for (unsigned int i = 0; i < g->aspace.nr; i++)
		if (g->aspace.regions[i].type == REGION_RAM)
			sum += g->aspace.regions[i].size;
	return sum;
}

static int print_guest(struct guest *g, void *arg)
{
	term_printf("%-4u %-16s %-8s %-5u %8llu\n", g->id, g->name,
		    guest_state_name(g->state), g->nr_vcpus,
		    (unsigned long long)(ram_bytes(g) >> 20));
	return 0;
}

static struct guest *lookup(const char *name)
{
	struct guest *g = guest_find(name);

	if (!g)
		term_printf("error: no guest '%s' (see 'guest list')\n", name);
	return g;
}

static int create(const char *file)
{
	struct bundle_file f;
	struct guest *g = NULL;
	int err;

	if (bundle_find(file, &f)) {
		term_printf("error: no file '%s' in the boot bundle\n", file);
		return -ENOENT;
	}
	err = guest_create_from_fdt(file, f.data, f.size, &g);
	if (err) {
		/*
		 * The reason is on the console already. Reported here, the
		 * error is not the terminal's -EINVAL, which means "usage".
		 */
		term_printf("error: guest description '%s' refused: %s\n", file,
			    error_name(err));
		return -ECANCELED;
	}
	term_printf("guest %s created\n", g->name);
	return 0;
}

static int print_regions(struct guest *g)
{
	term_printf("%-18s %-18s %-9s %s\n", "START", "END", "TYPE", "NAME");
	for (unsigned int i = 0; i < g->aspace.nr; i++) {
		const struct region *r = &g->aspace.regions[i];
		static const char *const types[] = { "ram", "rom", "emulated",
						     "host" };

		if (r->type == REGION_PASSTHROUGH) {
			term_printf("0x%016llx 0x%016llx %-9s %s at host "
				    "0x%llx\n",
				    (unsigned long long)r->gpa,
				    (unsigned long long)(r->gpa + r->size - 1),
				    types[r->type], r->name,
				    (unsigned long long)r->hpa);
			continue;
		}
		term_printf("0x%016llx 0x%016llx %-9s %s%s%s\n",
			    (unsigned long long)r->gpa,
			    (unsigned long long)(r->gpa + r->size - 1),
			    types[r->type], r->name, r->dev ? " " : "",
			    r->dev && r->dev->emu ? r->dev->emu->name : "");
	}
	return 0;
}

static int dumpmem(struct guest *g, const char *gpa_s, const char *len_s)
{
	u64 gpa, len;
	u8 line[16];

	if (str_to_u64(gpa_s, 0, &gpa) || str_to_u64(len_s, 0, &len)) {
		term_printf("error: address and length must be numbers\n");
		return -EINVAL;
	}
	if (!len || len > 4096) {
		term_printf("error: length must be 1 to 4096 bytes\n");
		return -EINVAL;
	}
	for (u64 off = 0; off < len; off += 16) {
		unsigned int n = MIN(16, len - off);

		if (guest_memory_read(g, gpa + off, line, n)) {
			term_printf("error: 0x%llx is not guest RAM or ROM\n",
				    (unsigned long long)(gpa + off));
			return -EFAULT;
		}
		term_printf("0x%016llx:", (unsigned long long)(gpa + off));
		for (unsigned int i = 0; i < n; i++)
			term_printf(" %02x", line[i]);
		term_printf("\n");
	}
	return 0;
}

static const struct {
	const char *name;
	int (*op)(struct guest *g);
	const char *done;
} simple_ops[] = {
	{ "kick", guest_start, "started" },
	{ "pause", guest_pause, "paused" },
	{ "resume", guest_resume, "resumed" },
	{ "reset", guest_reset, "reset" },
	{ "halt", guest_halt, "halted" },
};

static int guest_run(int argc, char **argv)
{
	struct guest *g;
	int err;

	if (argc == 2 && !strcmp(argv[1], "list")) {
		term_printf("%-4s %-16s %-8s %-5s %8s\n", "ID", "NAME", "STATE",
			    "VCPUS", "RAM(MiB)");
		guest_for_each(print_guest, NULL);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "create"))
		return create(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "destroy")) {
		g = lookup(argv[2]);
		if (!g)
			return -ENOENT;
		err = guest_destroy(g);
		if (!err)
			term_printf("guest %s destroyed\n", argv[2]);
		return err;
	}
	for (unsigned int i = 0; argc == 3 && i < ARRAY_SIZE(simple_ops); i++) {
		if (strcmp(argv[1], simple_ops[i].name))
			continue;
		g = lookup(argv[2]);
		if (!g)
			return -ENOENT;
		err = simple_ops[i].op(g);
		if (err == -EINVAL || err == -EALREADY) {
			term_printf("error: guest %s is %s\n", g->name,
				    guest_state_name(g->state));
			return -EBUSY;
		}
		if (!err)
			term_printf("guest %s %s\n", g->name,
				    simple_ops[i].done);
		return err;
	}
	if (argc == 4 && !strcmp(argv[1], "region") &&
	    !strcmp(argv[2], "list")) {
		g = lookup(argv[3]);
		return g ? print_regions(g) : -ENOENT;
	}
	if (argc == 5 && !strcmp(argv[1], "dumpmem")) {
		g = lookup(argv[2]);
		return g ? dumpmem(g, argv[3], argv[4]) : -ENOENT;
	}
	if (argc >= 2)
		term_printf("error: wrong arguments for '%s'\n", argv[1]);
	return -EINVAL;
}

static const struct term_command guest_cmd = {
	.name = "guest",
	.summary = "create, run and inspect guests",
	.usage = "guest list | guest create <dtb-in-bundle> | "
		 "guest kick|pause|resume|reset|halt|destroy <name> | "
		 "guest region list <name> | guest dumpmem <name> <gpa> <len>",
	.run = guest_run,
};
TERM_COMMAND(guest_cmd);
