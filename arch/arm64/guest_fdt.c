// SPDX-License-Identifier: GPL-2.0
/*
 * What an arm64 guest's device tree needs besides its devices: the CPUs
 * (with their MPIDRs), PSCI through HVC, and the generic timer's PPIs;
 * and where kernels go (the Image header's text_offset).
 */
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/guest.h>
#include <keel/linux_image.h>
#include <keel/printf.h>
#include <keel/string.h>

/* The arm64 boot protocol (booting.rst): Linux's Image header. */
static const struct linux_image_protocol arm64_image = {
	.name = "an arm64 Image",
	.magic = 0x644d5241U, /* "ARM\x64" */
	/* Images older than Linux 3.17 leave image_size 0: offset 0x80000. */
	.text_offset_if_unsized = 0x80000,
};

int arch_guest_place_kernel(const void *image, size_t size, u64 bank_base,
			    u64 bank_size, struct arch_kernel_placement *out,
			    char *why, size_t why_size)
{
	/* Whether it fits below the initrd and device tree is core's. */
	(void)bank_size;
	return linux_image_place(&arm64_image, image, size, bank_base, out, why,
				 why_size);
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

/* The Image protocol needs nothing but the image and the device tree. */
int arch_guest_boot_prepare(struct guest *g, struct arch_boot_images *b,
			    char *why, size_t why_size)
{
	return 0;
}
