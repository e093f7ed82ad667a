// SPDX-License-Identifier: GPL-2.0
/*
 * What an arm64 guest's device tree needs besides its devices: the CPUs
 * (with their MPIDRs), PSCI through HVC, and the generic timer's PPIs.
 */
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/guest.h>
#include <keel/printf.h>
#include <keel/string.h>

#define IMAGE_MAGIC_OFFSET 0x38
#define IMAGE_MAGIC 0x644d5241U /* "ARM\x64" */
#define IMAGE_DEFAULT_TEXT_OFFSET 0x80000

u64 arch_guest_kernel_offset(const void *image, size_t size)
{
	const u8 *p = image;
	u32 magic;
	u64 text_offset, image_size;

	if (size < 64)
		return 0;
	memcpy(&magic, p + IMAGE_MAGIC_OFFSET, 4);
	if (magic != IMAGE_MAGIC)
		return 0;
	memcpy(&text_offset, p + 8, 8);
	memcpy(&image_size, p + 16, 8);
	/* Images older than Linux 3.17 leave image_size 0: offset 0x80000. */
	return image_size ? text_offset : IMAGE_DEFAULT_TEXT_OFFSET;
}

static int set_cells(struct devtree_node *n, const char *name, const u32 *cells,
		     unsigned int count)
{
	u32 be[16];

	for (unsigned int i = 0; i < count; i++)
		be[i] = cpu_to_kfdt32(cells[i]);
	return devtree_prop_set(n, name, be, count * 4);
}

static int add_cpus(struct guest *g, struct devtree_node *root)
{
	struct devtree_node *cpus, *cpu;
	int err;

	if (devtree_child(root, "cpus"))
		return -EEXIST;
	err = devtree_node_add(root, "cpus", &cpus);
	if (!err)
		err = devtree_prop_set_u32(cpus, "#address-cells", 1);
	if (!err)
		err = devtree_prop_set_u32(cpus, "#size-cells", 0);
	for (unsigned int i = 0; !err && i < g->nr_vcpus; i++) {
		char name[24];
		u32 hwid = (u32)arch_vcpu_hwid(g->vcpus[i]);

		snprintf(name, sizeof(name), "cpu@%x", hwid);
		err = devtree_node_add(cpus, name, &cpu);
		if (!err)
			err = devtree_prop_set_string(cpu, "device_type",
						      "cpu");
		if (!err)
			err = devtree_prop_set_string(cpu, "compatible",
						      "arm,armv8");
		if (!err)
			err = devtree_prop_set_u32(cpu, "reg", hwid);
		if (!err)
			err = devtree_prop_set_string(cpu, "enable-method",
						      "psci");
	}
	return err;
}

static int add_psci(struct devtree_node *root)
{
	static const char compat[] = "arm,psci-1.0\0arm,psci-0.2";
	struct devtree_node *psci;
	int err;

	if (devtree_child(root, "psci"))
		return 0; /* the description chose its own */
	err = devtree_node_add(root, "psci", &psci);
	if (!err)
		err = devtree_prop_set(psci, "compatible", compat,
				       sizeof(compat));
	if (!err)
		err = devtree_prop_set_string(psci, "method", "hvc");
	return err;
}

static int add_timer(struct devtree_node *root)
{
	/* Secure, non-secure physical, virtual, hypervisor PPIs. */
	static const u32 ppis[] = { 1, 13, 0x104, 1, 14, 0x104,
				    1, 11, 0x104, 1, 10, 0x104 };
	struct devtree_node *timer;
	int err;

	if (devtree_child(root, "timer"))
		return 0;
	err = devtree_node_add(root, "timer", &timer);
	if (!err)
		err = devtree_prop_set_string(timer, "compatible",
					      "arm,armv8-timer");
	if (!err)
		err = set_cells(timer, "interrupts", ppis, ARRAY_SIZE(ppis));
	if (!err)
		err = devtree_prop_set(timer, "always-on", NULL, 0);
	return err;
}

int arch_guest_fdt_fixup(struct guest *g, struct devtree_node *root)
{
	int err = add_cpus(g, root);

	if (!err)
		err = add_psci(root);
	if (!err)
		err = add_timer(root);
	return err;
}
