/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One-line guests (core/guest_new.c): `guest new <name> kernel=... ...`
 * turned into the same description a device-tree blob gives
 * (docs/guest-config.md), on the board's standard machine: a template
 * (boards/<arch>/<board>/guest-machine.dts, built into Keel by
 * core/guest_machine.S) whose /guest node is copied and completed from
 * the options, and whose /virtio-slots give one virtio-mmio node per
 * disk= and net=.
 */
#ifndef KEEL_GUEST_NEW_H
#define KEEL_GUEST_NEW_H

#include <keel/types.h>

struct devtree_node;

/* More than the terminal's words allow; the template's slots limit first. */
#define GUEST_NEW_MAX_DEVICES 16
/* Guest RAM is a whole number of 2 MiB blocks, the device tree's last. */
#define GUEST_NEW_MEM_ALIGN MiB(2)
#define GUEST_NEW_MEM_MIN MiB(4)

struct guest_new_device {
	const char *type; /* keel,device: "block" (disk=) or "net" (net=) */
	const char *backend; /* keel,backend: the option's value */
};

struct guest_new_args {
	const char *name;
	const char *kernel; /* bundle files */
	const char *initrd; /* NULL when not given, as append */
	const char *append; /* the kernel command line: bootargs */
	u32 vcpus; /* 0: the template's */
	u64 mem; /* bytes; 0: the template's */
	struct guest_new_device devices[GUEST_NEW_MAX_DEVICES];
	unsigned int nr_devices;
	bool dts; /* --dts: print the description, create nothing */
};

/*
 * Read `<name> <option>...` (argv[0] is the name; the strings must outlive
 * args). Files are looked up in the boot bundle; mem_limit (bytes, 0 for
 * none) is the most RAM a guest may ask for. On error, why says which
 * option was wrong and how: -EINVAL for a malformed line (unknown option,
 * missing kernel=, a value that is no number or size), -ENOENT for a file
 * not in the bundle, -ERANGE for a number out of range.
 */
int guest_new_parse(int argc, char *const *argv, u64 mem_limit,
		    struct guest_new_args *args, char *why, size_t len);

/*
 * The description args ask for on the template tmpl (an unflattened
 * guest-machine blob): a tree of its own, / { guests { <name> { ... } } },
 * for guest_create() (its /guests/<name>) or to print as DTS. -E2BIG
 * (why says so) when there are more devices than the template has
 * virtio-mmio slots, -EINVAL for a template without /guest, its machine
 * or a memory node, -ENOMEM.
 */
int guest_new_describe(const struct devtree_node *tmpl,
		       const struct guest_new_args *args,
		       struct devtree_node **out, char *why, size_t len);

/* The board's template as built into Keel (core/guest_machine.S). */
extern const u8 guest_machine_dtb[];
extern const u8 guest_machine_dtb_end[];

#endif
