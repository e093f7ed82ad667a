// SPDX-License-Identifier: GPL-2.0
/*
 * What a riscv64 guest's device tree needs besides its devices: /cpus
 * with the host's timebase, a cpu node per vCPU (hart id = vCPU index)
 * with its hart-local interrupt controller, and the PLIC's
 * interrupts-extended wired to those controllers as QEMU virt does
 * (context 2i = hart i's M-mode external interrupt, 2i+1 its S-mode one).
 * Where kernels go: the RISC-V Image header's text_offset
 * (arch_guest_place_kernel()).
 */
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <keel/guest.h>
#include <keel/linux_image.h>
#include <keel/printf.h>
#include <keel/string.h>
#include <asm/isa.h>
#include "vhart.h"

#define IRQ_M_EXT 11
#define IRQ_S_EXT 9

/* What every guest hart offers: the G and C extensions, no vector. */
#define GUEST_ISA "rv64imafdc_zicsr_zifencei"

/*
 * The RISC-V boot protocol: Linux's Image header as arm64 has it, with
 * "RSC\x05" at byte 56 (boot-image-header.rst), and the kernel on a PMD
 * boundary, 2 MiB on rv64 (boot.rst). Raw binaries (SBI payloads) start
 * at the base of RAM.
 */
static const struct linux_image_protocol riscv_image = {
	.name = "a RISC-V Image",
	.magic = 0x05435352U,
};

int arch_guest_place_kernel(const void *image, size_t size, u64 bank_base,
			    u64 bank_size, struct arch_kernel_placement *out,
			    char *why, size_t why_size)
{
	/* Whether it fits below the initrd and device tree is core's. */
	(void)bank_size;
	return linux_image_place(&riscv_image, image, size, bank_base, out, why,
				 why_size);
}

static u32 host_timebase(void)
{
	struct devtree_node *cpus =
		devtree_find_path(devtree_host_root(), "/cpus");
	u32 freq = 0;

	if (cpus)
		devtree_prop_read_u32(cpus, "timebase-frequency", &freq);
	return freq;
}

/* The largest phandle in the tree: new ones go above it. */
static u32 max_phandle(struct devtree_node *root)
{
	struct devtree_node *n = root;
	u32 max = 0;

	for (; n; n = devtree_next(root, n))
		if (n->phandle > max)
			max = n->phandle;
	return max;
}

static int add_cpu(struct devtree_node *cpus, unsigned int hart, u32 phandle,
		   bool sstc)
{
	struct devtree_node *cpu, *intc;
	char name[24];
	int err;

	snprintf(name, sizeof(name), "cpu@%x", hart);
	err = devtree_node_add(cpus, name, &cpu);
	if (!err)
		err = devtree_prop_set_string(cpu, "device_type", "cpu");
	if (!err)
		err = devtree_prop_set_string(cpu, "compatible", "riscv");
	if (!err)
		err = devtree_prop_set_u32(cpu, "reg", hart);
	if (!err)
		err = devtree_prop_set_string(
			cpu, "riscv,isa", sstc ? GUEST_ISA "_sstc" : GUEST_ISA);
	if (!err)
		err = devtree_prop_set_string(cpu, "mmu-type", "riscv,sv39");
	if (!err)
		err = devtree_prop_set_string(cpu, "status", "okay");
	if (!err)
		err = devtree_node_add(cpu, "interrupt-controller", &intc);
	if (!err)
		err = devtree_prop_set_string(intc, "compatible",
					      "riscv,cpu-intc");
	if (!err)
		err = devtree_prop_set_u32(intc, "#interrupt-cells", 1);
	if (!err)
		err = devtree_prop_set(intc, "interrupt-controller", NULL, 0);
	if (!err)
		err = devtree_prop_set_u32(intc, "phandle", phandle);
	return err;
}

/* The PLIC's contexts, two per hart, unless the description gave them. */
static int wire_plic(struct guest *g, struct devtree_node *root, u32 first)
{
	struct devtree_node *plic =
		devtree_find_compatible(root, NULL, "riscv,plic0");
	u32 cells[4 * GUEST_MAX_VCPUS];

	if (!plic)
		plic = devtree_find_compatible(root, NULL, "sifive,plic-1.0.0");
	if (!plic || devtree_prop_find(plic, "interrupts-extended"))
		return 0;
	for (unsigned int i = 0; i < g->nr_vcpus; i++) {
		cells[4 * i] = cpu_to_kfdt32(first + i);
		cells[4 * i + 1] = cpu_to_kfdt32(IRQ_M_EXT);
		cells[4 * i + 2] = cpu_to_kfdt32(first + i);
		cells[4 * i + 3] = cpu_to_kfdt32(IRQ_S_EXT);
	}
	return devtree_prop_set(plic, "interrupts-extended", cells,
				g->nr_vcpus * 16);
}

int arch_guest_fdt_fixup(struct guest *g, struct devtree_node *root)
{
	bool sstc = riscv_guest_has_sstc();
	u32 first = max_phandle(root) + 1;
	struct devtree_node *cpus;
	int err;

	if (devtree_child(root, "cpus"))
		return -EEXIST;
	err = devtree_node_add(root, "cpus", &cpus);
	if (!err)
		err = devtree_prop_set_u32(cpus, "#address-cells", 1);
	if (!err)
		err = devtree_prop_set_u32(cpus, "#size-cells", 0);
	if (!err)
		err = devtree_prop_set_u32(cpus, "timebase-frequency",
					   host_timebase());
	for (unsigned int i = 0; !err && i < g->nr_vcpus; i++)
		err = add_cpu(cpus, (unsigned int)arch_vcpu_hwid(g->vcpus[i]),
			      first + i, sstc);
	return err ? err : wire_plic(g, root, first);
}

/* The Image protocol needs nothing but the image and the device tree. */
int arch_guest_boot_prepare(struct guest *g, struct arch_boot_images *b,
			    char *why, size_t why_size)
{
	return 0;
}
