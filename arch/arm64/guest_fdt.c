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
#include <keel/printf.h>
#include <keel/string.h>

#define IMAGE_MAGIC_OFFSET 0x38
#define IMAGE_MAGIC 0x644d5241U /* "ARM\x64" */
#define IMAGE_DEFAULT_TEXT_OFFSET 0x80000

/* The protocol: an Image's text_offset counts from a 2 MiB boundary. */
static int misaligned(u64 bank_base, char *why, size_t why_size)
{
	snprintf(why, why_size,
		 "an Image goes text_offset above a 2 MiB-aligned base, and "
		 "RAM starts at 0x%llx",
		 (unsigned long long)bank_base);
	return -EINVAL;
}

/*
 * The arm64 boot protocol (Linux Documentation/arch/arm64/booting.rst): an
 * Image goes text_offset bytes above the base of RAM and starts at its
 * first byte; anything without the Image header is a raw binary started at
 * the base of RAM.
 */
int arch_guest_place_kernel(const void *image, size_t size, u64 bank_base,
			    u64 bank_size, struct arch_kernel_placement *out,
			    char *why, size_t why_size)
{
	const u8 *p = image;
	u64 text_offset = 0, image_size;
	u32 magic;

	(void)bank_size; /* whether it fits is core's to check */
	if (size >= 64) {
		memcpy(&magic, p + IMAGE_MAGIC_OFFSET, 4);
		if (magic == IMAGE_MAGIC) {
			memcpy(&text_offset, p + 8, 8);
			memcpy(&image_size, p + 16, 8);
			/* Before Linux 3.17 image_size is 0: 0x80000. */
			if (!image_size)
				text_offset = IMAGE_DEFAULT_TEXT_OFFSET;
			if (!IS_ALIGNED(bank_base, MiB(2)))
				return misaligned(bank_base, why, why_size);
		}
	}
	out->load = bank_base + text_offset;
	out->entry = out->load;
	return 0;
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
