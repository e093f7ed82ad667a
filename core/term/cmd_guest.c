// SPDX-License-Identifier: GPL-2.0
/* guest list | create | new | destroy | kick | pause | resume | reset | halt,
 * guest region list, guest dumpmem */
#include <keel/bundle.h>
#include <keel/devemu.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/guest_new.h>
#include <keel/page_alloc.h>
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

static void write_term(void *arg, const char *text)
{
	term_puts(text);
}

/*
 * The description as a DTS file `guest create` takes back once compiled
 * (dtc -I dts -O dtb).
 */
static int print_dts(const struct devtree_node *root)
{
	term_puts("/dts-v1/;\n\n");
	return devtree_write_dts(root, 0, write_term, NULL);
}

/* Create the guest of /guests/<name>, as `guest create` would. */
static int create_described(const struct devtree_node *root, const char *name)
{
	struct devtree_node *guests = devtree_child(root, "guests");
	struct devtree_node *desc = guests ? devtree_child(guests, name) : NULL;
	struct guest *g = NULL;
	int err;

	err = desc ? guest_create(desc, &g) : -ENOENT;
	if (err) {
		/* The reason is on the console already, as for create. */
		term_printf("error: guest %s refused: %s\n", name,
			    error_name(err));
		return -ECANCELED;
	}
	term_printf("guest %s created\n", g->name);
	return 0;
}

/*
 * guest new <name> <option>...: a description on the board's standard
 * machine (include/keel/guest_new.h), printed (--dts) or created.
 */
static int new_guest(int argc, char **argv)
{
	struct page_alloc_stats stats;
	struct devtree_node *tmpl = NULL, *root = NULL;
	struct guest_new_args args;
	char why[160];
	int err;

	page_alloc_get_stats(&stats);
	err = guest_new_parse(argc, argv, stats.free_pages * PAGE_SIZE, &args,
			      why, sizeof(why));
	if (err) {
		term_printf("error: %s\n", why);
		/* -EINVAL also prints the usage. */
		return err == -EINVAL ? err : -ECANCELED;
	}
	if (!args.dts && guest_find(args.name)) {
		term_printf("error: a guest '%s' exists (see 'guest list')\n",
			    args.name);
		return -EEXIST;
	}
	/* Two symbols of one blob (core/guest_machine.S), apart by its size. */
	err = devtree_unflatten_blob(guest_machine_dtb,
				     (uintptr_t)guest_machine_dtb_end -
					     (uintptr_t)guest_machine_dtb,
				     &tmpl, NULL);
	if (err) {
		term_printf("error: the board's guest machine: %s\n",
			    error_name(err));
		return -ECANCELED;
	}
	err = guest_new_describe(tmpl, &args, &root, why, sizeof(why));
	devtree_free(tmpl);
	if (err) {
		term_printf("error: %s\n", why);
		return -ECANCELED;
	}
	err = args.dts ? print_dts(root) : create_described(root, args.name);
	devtree_free(root);
	return err;
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
	/* The I/O-port space's windows (x86), after the memory map. */
	for (unsigned int i = 0; i < g->ports.nr; i++) {
		const struct region *r = &g->ports.regions[i];

		term_printf("port 0x%04llx     port 0x%04llx     %-9s %s %s\n",
			    (unsigned long long)r->gpa,
			    (unsigned long long)(r->gpa + r->size - 1),
			    "emulated", r->name,
			    r->dev->emu ? r->dev->emu->name : "");
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
	if (argc >= 3 && !strcmp(argv[1], "new"))
		return new_guest(argc - 2, argv + 2);
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
		 "guest new <name> kernel=<file> [initrd=<file>] "
		 "[append=\"<command line>\"] [vcpus=<n>] [mem=<size>] "
		 "[disk=<blockdev>|disk=bundle:<file>]... [net=<switch>]... "
		 "[--dts] | "
		 "guest kick|pause|resume|reset|halt|destroy <name> | "
		 "guest region list <name> | guest dumpmem <name> <gpa> <len>",
	.run = guest_run,
};
TERM_COMMAND(guest_cmd);
