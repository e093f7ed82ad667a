// SPDX-License-Identifier: GPL-2.0
#include <keel/blockdev.h>
#include <keel/errno.h>
#include <keel/printf.h>
#include <keel/spinlock.h>
#include <keel/string.h>
#include <keel/terminal.h>

/* bytes as "512 B", "10.0 KiB", "1.5 GiB": one decimal, rounded down. */
static void human_size(u64 bytes, char *buf, size_t size)
{
	static const char *const units[] = { "KiB", "MiB", "GiB",
					     "TiB", "PiB", "EiB" };
	unsigned int u = 0;
	u64 unit = 1024;

	if (bytes < 1024) {
		snprintf(buf, size, "%llu B", (unsigned long long)bytes);
		return;
	}
	while (u + 1 < ARRAY_SIZE(units) && bytes / unit >= 1024) {
		unit *= 1024;
		u++;
	}
	snprintf(buf, size, "%llu.%llu %s", (unsigned long long)(bytes / unit),
		 (unsigned long long)((bytes % unit) * 10 / unit), units[u]);
}

#define LIST_FORMAT \
	"%-15s %10s %12s %6s %-2s %-9s %-6s %-20s %8s %8s %10s %10s %6s\n"

static int print_device(struct blockdev *bd, void *arg)
{
	unsigned int *count = arg;
	struct blockdev_stats st;
	unsigned long flags;
	char size[16], sectors[24], block[8], claimed[24], num[5][24];

	spin_lock_irqsave(&bd->lock, flags);
	st = bd->stats;
	spin_unlock_irqrestore(&bd->lock, flags);
	human_size(bd->nr_sectors * BLOCKDEV_SECTOR_SIZE, size, sizeof(size));
	snprintf(sectors, sizeof(sectors), "%llu",
		 (unsigned long long)bd->nr_sectors);
	snprintf(block, sizeof(block), "%u", bd->block_size);
	if (bd->owner)
		strlcpy(claimed, bd->owner, sizeof(claimed));
	else if (bd->users)
		snprintf(claimed, sizeof(claimed), "shared(%u)", bd->users);
	else
		strlcpy(claimed, "-", sizeof(claimed));
	snprintf(num[0], sizeof(num[0]), "%llu", (unsigned long long)st.reads);
	snprintf(num[1], sizeof(num[1]), "%llu", (unsigned long long)st.writes);
	human_size(st.read_bytes, num[2], sizeof(num[2]));
	human_size(st.written_bytes, num[3], sizeof(num[3]));
	snprintf(num[4], sizeof(num[4]), "%llu", (unsigned long long)st.errors);
	term_printf(LIST_FORMAT, bd->name, size, sectors, block,
		    bd->read_only ? "ro" : "rw", bd->kind,
		    bd->parent ? bd->parent->name : "-", claimed, num[0],
		    num[1], num[2], num[3], num[4]);
	(*count)++;
	return 0;
}

static int list_devices(void)
{
	unsigned int count = 0;

	term_printf(LIST_FORMAT, "NAME", "SIZE", "SECTORS", "BLOCK", "RO",
		    "KIND", "PARENT", "CLAIMED-BY", "READS", "WRITES", "READ",
		    "WRITTEN", "ERRORS");
	blockdev_for_each(print_device, &count);
	if (!count)
		term_puts("(no block devices)\n");
	return 0;
}

static int create_bundle_disk(int argc, char **argv)
{
	const char *file = argv[2], *name = argv[3];
	bool read_only = false;
	int err;

	if (argc == 5) {
		if (strcmp(argv[4], "ro")) {
			term_printf("error: '%s' is not 'ro' (the disk is "
				    "read-write without it)\n",
				    argv[4]);
			return -ECANCELED;
		}
		read_only = true;
	}
	if (!blockdev_name_valid(name)) {
		term_printf("error: bad name '%s': 1 to %u characters of a-z, "
			    "0-9, '_' and '-'\n",
			    name, BLOCKDEV_NAME_LEN - 1);
		return -ECANCELED;
	}
	err = blockdev_create_bundle(file, name, read_only, NULL);
	switch (err) {
	case 0:
		term_printf("%s: %s, copied on write in RAM%s\n", name, file,
			    read_only ? ", read-only" : "");
		return 0;
	case -ENOENT:
		term_printf("error: no bundle file %s (see 'bundle list')\n",
			    file);
		break;
	case -EEXIST:
		term_printf("error: name %s in use (see 'blockdev list')\n",
			    name);
		break;
	case -EINVAL:
		term_printf("error: bundle file %s is empty\n", file);
		break;
	default:
		term_printf("error: %s: %s\n", name, error_name(err));
		break;
	}
	return -ECANCELED;
}

static int remove_device(const char *name)
{
	struct blockdev *bd = blockdev_find(name);
	int err;

	if (!bd) {
		term_printf("error: no block device %s (see 'blockdev list')\n",
			    name);
		return -ECANCELED;
	}
	/* A driver's disk goes with its driver, not from here. */
	if (strcmp(bd->kind, "bundle")) {
		term_printf("error: %s is a %s: only bundle disks can be "
			    "removed\n",
			    name, bd->kind);
		return -ECANCELED;
	}
	err = blockdev_unregister(bd);
	if (err == -EBUSY) {
		const char *owner = READ_ONCE(bd->owner);

		if (owner)
			term_printf("error: %s is in use by %s\n", name, owner);
		else
			term_printf("error: %s is in use\n", name);
		return -ECANCELED;
	}
	if (err) {
		term_printf("error: %s: %s\n", name, error_name(err));
		return -ECANCELED;
	}
	term_printf("%s removed\n", name);
	return 0;
}

/*
 * Disks of drivers are scanned when they appear; a bundle disk holding a
 * partitioned image only when asked (a guest given the whole image does
 * not need its partitions listed).
 */
static int scan_device(const char *name)
{
	struct blockdev *bd = blockdev_find(name);
	int n;

	if (!bd) {
		term_printf("error: no block device %s (see 'blockdev list')\n",
			    name);
		return -ECANCELED;
	}
	n = blockdev_scan_partitions(bd);
	switch (n) {
	case -EEXIST:
		term_printf("error: %s already has partitions\n", name);
		break;
	case -EINVAL:
		term_printf("error: %s is a partition\n", name);
		break;
	case -EBUSY:
		term_printf("error: %s is in use by %s\n", name,
			    READ_ONCE(bd->owner) ? bd->owner : "a user");
		break;
	default:
		if (n < 0) {
			term_printf("error: %s: %s\n", name, error_name(n));
			break;
		}
		term_printf("%s: %d partition%s\n", name, n, n == 1 ? "" : "s");
		return 0;
	}
	return -ECANCELED;
}

static int blockdev_run(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "list"))
		return list_devices();
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "bundle"))
		return create_bundle_disk(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "remove"))
		return remove_device(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "scan"))
		return scan_device(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "list") && strcmp(argv[1], "bundle") &&
	    strcmp(argv[1], "remove") && strcmp(argv[1], "scan"))
		term_printf("error: unknown subcommand '%s'\n", argv[1]);
	return -EINVAL;
}

static const struct term_command blockdev_cmd = {
	.name = "blockdev",
	.summary = "block devices: list, disks over bundle files, partitions",
	.usage = "blockdev list | blockdev bundle <file> <name> [ro] | "
		 "blockdev remove <name> | blockdev scan <name>",
	.run = blockdev_run,
};
TERM_COMMAND(blockdev_cmd);
