// SPDX-License-Identifier: GPL-2.0
/*
 * The x86 host device tree (arch/x86_64/pvh.c, host_fdt.c): made from
 * what QEMU 7.2's q35 hands a PVH kernel (start_info, module list,
 * command line and memory map below, with the ACPI tables of
 * x86_q35_acpi.h) and read back through core/devtree.c as keel_main()
 * reads it; then start_info damaged every way pvh.c checks for, buffers
 * too small at every size, and machines without what Keel needs.
 */
#include "unit.h"

#include <keel/bitops.h>
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/fdt.h>
#include <stdlib.h>
#include <string.h>

#include "../../arch/x86_64/host_fdt.h"
#include "x86_q35_acpi.h"

/*
 * Captured from `qemu-system-x86_64 -M q35 -cpu EPYC -m 256 -smp 2
 * -kernel <PVH ELF that halts> -append "console=ttyS0 keel test"
 * -initrd <13-byte file>`: %ebx at the entry was 0x21e0; the rest is
 * what HMP `xp` printed there.
 */
#define SI_PHYS 0x21e0ULL
#define MODLIST_PHYS 0x21c0ULL
#define CMDLINE_PHYS 0x11c0ULL
#define MEMMAP_PHYS 0x5a8ULL
#define LOW_PHYS 0x0ULL /* the page all of the above is in */

static const u32 q35_start_info[14] = {
	0x336ec578, 0x00000001, 0x00000000, 0x00000001, 0x000021c0,
	0x00000000, 0x000011c0, 0x00000000, 0x000f59e0, 0x00000000,
	0x000005a8, 0x00000000, 0x00000009, 0x00000000,
};
static const u32 q35_modlist[8] = { 0x0ffd7000, 0, 0x0000000d, 0, 0, 0, 0, 0 };
static const char q35_cmdline[] = "console=ttyS0 keel test";
static const u64 q35_memmap[9][3] = {
	{ 0x0, 0x9fc00, 1 },
	{ 0x9fc00, 0x400, 2 },
	{ 0xf0000, 0x10000, 2 },
	{ 0x100000, 0xfedf000, 1 },
	{ 0xffdf000, 0x21000, 2 },
	{ 0xb0000000, 0x10000000, 2 },
	{ 0xfed1c000, 0x4000, 2 },
	{ 0xfffc0000, 0x40000, 2 },
	{ 0xfd00000000, 0x300000000, 2 },
};

struct region {
	u64 phys;
	u8 *buf;
	size_t len;
};

static u8 low[0x3000];
static u8 rsdp[36];
static u8 area[sizeof(q35_area)];
static struct region regions[3];
static struct acpi_machine m;
static struct pvh_boot b;
static char why[160];

static const void *map(void *ctx, u64 phys, size_t len)
{
	(void)ctx;
	for (unsigned int i = 0; i < ARRAY_SIZE(regions); i++) {
		struct region *r = &regions[i];

		if (phys >= r->phys && len <= r->len &&
		    phys - r->phys <= r->len - len)
			return r->buf + (phys - r->phys);
	}
	return NULL;
}

static const struct acpi_memory mem = { map, NULL };

static void memmap_entry(unsigned int i, u64 base, u64 size, u32 type)
{
	u8 *e = low + MEMMAP_PHYS + i * 24;

	le64_put(e, base);
	le64_put(e + 8, size);
	le32_put(e + 16, type);
	le32_put(e + 20, 0);
}

static void reset(void)
{
	memset(low, 0, sizeof(low));
	for (unsigned int i = 0; i < ARRAY_SIZE(q35_start_info); i++)
		le32_put(low + SI_PHYS + 4 * i, q35_start_info[i]);
	for (unsigned int i = 0; i < ARRAY_SIZE(q35_modlist); i++)
		le32_put(low + MODLIST_PHYS + 4 * i, q35_modlist[i]);
	memcpy(low + CMDLINE_PHYS, q35_cmdline, sizeof(q35_cmdline));
	for (unsigned int i = 0; i < ARRAY_SIZE(q35_memmap); i++)
		memmap_entry(i, q35_memmap[i][0], q35_memmap[i][1],
			     (u32)q35_memmap[i][2]);
	memset(rsdp, 0, sizeof(rsdp));
	memcpy(rsdp, q35_rsdp, sizeof(q35_rsdp));
	memcpy(area, q35_area, sizeof(area));
	regions[0] = (struct region){ LOW_PHYS, low, sizeof(low) };
	regions[1] = (struct region){ Q35_RSDP_PHYS, rsdp, sizeof(q35_rsdp) };
	regions[2] = (struct region){ Q35_AREA_PHYS, area, sizeof(area) };
	memset(&m, 0, sizeof(m));
	memset(&b, 0, sizeof(b));
}

static int read_pvh(void)
{
	why[0] = 0;
	return pvh_read_start_info(&mem, SI_PHYS, &b, why, sizeof(why));
}

static void check_why(const char *want)
{
	if (!strstr(why, want))
		printf("  \"%s\" lacks \"%s\"\n", why, want);
	CHECK(strstr(why, want) != NULL);
}

/* The tree built for q35 into a buffer of exactly its size, unflattened. */
static struct devtree_node *q35_tree(void **blob)
{
	static u8 big[16384];
	struct devtree_node *root = NULL;
	struct kfdt_fault fault;
	size_t size;

	reset();
	CHECK_EQ(read_pvh(), 0);
	CHECK_EQ(acpi_read_machine(&mem, b.rsdp, &m, why, sizeof(why)), 0);
	CHECK_EQ(x86_host_fdt_build(&m, &b, big, sizeof(big), why, sizeof(why)),
		 0);
	size = kfdt_totalsize(big);
	*blob = malloc(size);
	CHECK(*blob != NULL);
	if (!*blob)
		return NULL;
	/* Exactly its size, so that ASan sees any write past it. */
	CHECK_EQ(x86_host_fdt_build(&m, &b, *blob, size, why, sizeof(why)), 0);
	CHECK_EQ(kfdt_check_full(*blob, size, &fault), 0);
	CHECK_EQ(devtree_unflatten(*blob, &root), 0);
	return root;
}

static u64 reg_base(struct devtree_node *n, unsigned int i, u64 *size)
{
	u64 base = 0;

	CHECK_EQ(devtree_read_reg(n, i, &base, size), 0);
	return base;
}

UNIT_TEST(q35_start_info_read)
{
	reset();
	CHECK_EQ(read_pvh(), 0);
	CHECK_EQ(b.rsdp, Q35_RSDP_PHYS);
	CHECK(!strcmp(b.cmdline, q35_cmdline));
	CHECK(b.has_initrd);
	CHECK_EQ(b.initrd_base, 0xffd7000);
	CHECK_EQ(b.initrd_size, 13);
	/* 0-0x9fc00 is RAM too, but below 1 MiB. */
	CHECK_EQ(b.nr_ram, 1);
	CHECK_EQ(b.ram[0].base, 0x100000);
	CHECK_EQ(b.ram[0].size, 0xfedf000);
}

UNIT_TEST(q35_host_tree)
{
	void *blob = NULL;
	struct devtree_node *root = q35_tree(&blob), *n, *serial;
	const char *s;
	u64 size = 0, v;
	u32 cell;
	unsigned int cpus = 0;

	CHECK(root != NULL);
	if (!root)
		goto out;
	CHECK(devtree_is_compatible(root, "keel,x86-pc"));

	n = devtree_find_path(root, "/chosen");
	CHECK(n != NULL);
	CHECK_EQ(devtree_prop_read_string(n, "bootargs", &s), 0);
	CHECK(!strcmp(s, q35_cmdline));
	CHECK_EQ(devtree_prop_read_u64(n, "linux,initrd-start", &v), 0);
	CHECK_EQ(v, 0xffd7000);
	CHECK_EQ(devtree_prop_read_u64(n, "linux,initrd-end", &v), 0);
	CHECK_EQ(v, 0xffd700d);
	CHECK_EQ(devtree_prop_read_string(n, "stdout-path", &s), 0);
	serial = devtree_find_path(root, s);
	CHECK(serial != NULL);
	CHECK(serial && devtree_is_compatible(serial, "ns16550a"));
	/* The CMOS clock, in I/O space, for the host's date. */
	n = devtree_find_path(root, "/isa/rtc@i70");
	CHECK(n && devtree_is_compatible(n, "motorola,mc146818"));
	CHECK_EQ(reg_base(n, 0, &size), (1ULL << 32) | 0x70);
	CHECK_EQ(size, 2);

	n = devtree_find_path(root, "/memory@100000");
	CHECK(n != NULL);
	CHECK_EQ(devtree_reg_count(n), 1);
	CHECK_EQ(reg_base(n, 0, &size), 0x100000);
	CHECK_EQ(size, 0xfedf000);

	n = devtree_find_path(root, "/cpus");
	CHECK(n != NULL);
	if (n) {
		struct devtree_node *c;

		devtree_for_each_child(c, n) {
			CHECK(devtree_is_available(c));
			CHECK_EQ(reg_base(c, 0, &size), cpus);
			cpus++;
		}
	}
	CHECK_EQ(cpus, 2);

	n = devtree_find_compatible(root, NULL, "keel,x86-lapic");
	CHECK(n != NULL);
	CHECK_EQ(reg_base(n, 0, &size), 0xfee00000);
	n = devtree_find_compatible(root, NULL, "keel,x86-ioapic");
	CHECK(n != NULL);
	CHECK_EQ(reg_base(n, 0, &size), 0xfec00000);
	CHECK_EQ(devtree_prop_read_u32(n, "keel,gsi-base", &cell), 0);
	CHECK_EQ(cell, 0);
	CHECK(devtree_find_compatible(root, n, "keel,x86-ioapic") == NULL);
	/* COM1's line: ISA IRQ 4, no override on q35, edge and high. */
	CHECK_EQ(devtree_prop_read_u32(serial, "interrupt-parent", &cell), 0);
	CHECK(devtree_find_phandle(root, cell) == n);
	CHECK_EQ(devtree_prop_read_u32_index(serial, "interrupts", 0, &cell),
		 0);
	CHECK_EQ(cell, 4);
	CHECK_EQ(devtree_prop_read_u32_index(serial, "interrupts", 1, &cell),
		 0);
	CHECK_EQ(cell, X86_IRQ_EDGE_RISING);
	CHECK_EQ(devtree_prop_read_u32_index(serial, "reg", 1, &cell), 0);
	CHECK_EQ(cell, X86_COM1_PORT);

	n = devtree_find_compatible(root, NULL, "keel,x86-hpet");
	CHECK(n != NULL);
	CHECK_EQ(reg_base(n, 0, &size), 0xfed00000);
	n = devtree_find_compatible(root, NULL, "pci-host-ecam-generic");
	CHECK(n != NULL);
	CHECK_EQ(reg_base(n, 0, &size), 0xb0000000);
	CHECK_EQ(size, 0x10000000);

	n = devtree_find_compatible(root, NULL, "keel,acpi-pm");
	CHECK(n != NULL);
	CHECK_EQ(devtree_prop_read_u32_index(n, "reset-reg", 0, &cell), 0);
	CHECK_EQ(cell, ACPI_SPACE_IO);
	CHECK_EQ(devtree_prop_read_u32_index(n, "reset-reg", 3, &cell), 0);
	CHECK_EQ(cell, 0xcf9);
	CHECK_EQ(devtree_prop_read_u32(n, "reset-value", &cell), 0);
	CHECK_EQ(cell, 0x0f);
	CHECK_EQ(devtree_prop_read_u32_index(n, "pm1a-cnt", 3, &cell), 0);
	CHECK_EQ(cell, 0x604);
	CHECK(devtree_prop_find(n, "pm1b-cnt") == NULL);
	CHECK(devtree_prop_find(n, "s5-slp-typ") != NULL);
	devtree_free(root);
out:
	free(blob);
}

/* q35's overrides: IRQ0 on GSI 2, IRQ9 (the SCI) level and high. */
UNIT_TEST(isa_interrupt_overrides)
{
	u32 gsi, flags;

	reset();
	CHECK_EQ(acpi_read_machine(&mem, Q35_RSDP_PHYS, &m, why, sizeof(why)),
		 0);
	x86_isa_irq(&m, 0, &gsi, &flags);
	CHECK_EQ(gsi, 2);
	CHECK_EQ(flags, X86_IRQ_EDGE_RISING);
	x86_isa_irq(&m, 9, &gsi, &flags);
	CHECK_EQ(gsi, 9);
	CHECK_EQ(flags, X86_IRQ_LEVEL_HIGH);
	x86_isa_irq(&m, 3, &gsi, &flags);
	CHECK_EQ(gsi, 3);
	CHECK_EQ(flags, X86_IRQ_EDGE_RISING);
	m.overrides[0].flags = 0xf; /* level, active low */
	x86_isa_irq(&m, 0, &gsi, &flags);
	CHECK_EQ(flags, X86_IRQ_LEVEL_LOW);
	m.overrides[0].flags = 0x7; /* edge, active low */
	x86_isa_irq(&m, 0, &gsi, &flags);
	CHECK_EQ(flags, X86_IRQ_EDGE_FALLING);
}

UNIT_TEST(start_info_refusals)
{
	reset();
	low[SI_PHYS] ^= 1;
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("bad magic");

	reset();
	le32_put(low + SI_PHYS + 4, 0);
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("version 0");

	reset();
	memset(low + CMDLINE_PHYS, 'x', PVH_CMDLINE_MAX + 8);
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("command line");
	CHECK(b.cmdline != NULL && !b.cmdline[0]);

	reset();
	le64_put(low + SI_PHYS + 24, 0x7ffff000); /* cmdline nowhere */
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("command line");

	reset();
	le64_put(low + SI_PHYS + 16, 0x7ffff000); /* module list nowhere */
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("module list");

	reset();
	le64_put(low + MODLIST_PHYS, ~0ULL - 4);
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("module wraps");

	reset();
	le32_put(low + SI_PHYS + 48, 0);
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("empty memory map");

	reset();
	le32_put(low + SI_PHYS + 48, 100000);
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("implausible");

	reset();
	le64_put(low + SI_PHYS + 40, 0x7ffff000);
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("memory map not in memory");

	reset();
	memmap_entry(5, ~0ULL - 0xfff, 0x2000, 1);
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("wraps");

	reset();
	memmap_entry(5, 0x200000, 0x1000, 1); /* inside 0x100000-0xffdf000 */
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("overlap");

	reset();
	memmap_entry(3, 0x100000, 0xfedf000, 2);
	CHECK_EQ(read_pvh(), -EINVAL);
	check_why("no RAM above 1 MiB");
}

/* Entries out of order, one straddling 1 MiB, empty ones, too many. */
UNIT_TEST(start_info_ram_ranges)
{
	reset();
	memmap_entry(1, 0x100000000ULL, 0x40000000, 1);
	memmap_entry(2, 0x80000, 0x100000, 1); /* 0x80000-0x180000 */
	memmap_entry(3, 0x200000, 0x1000000, 1);
	memmap_entry(4, 0x3000000, 0, 1);
	CHECK_EQ(read_pvh(), 0);
	CHECK_EQ(b.nr_ram, 3);
	CHECK_EQ(b.ram[0].base, 0x100000);
	CHECK_EQ(b.ram[0].size, 0x80000);
	CHECK_EQ(b.ram[1].base, 0x200000);
	CHECK_EQ(b.ram[2].base, 0x100000000ULL);

	reset();
	le32_put(low + SI_PHYS + 48, PVH_MAX_RAM + 1);
	for (unsigned int i = 0; i <= PVH_MAX_RAM; i++)
		memmap_entry(i, 0x100000ULL * (i + 1), 0x1000, 1);
	CHECK_EQ(read_pvh(), -E2BIG);
	check_why("more than");

	reset();
	le32_put(low + SI_PHYS + 12, 0); /* no modules */
	le64_put(low + SI_PHYS + 24, 0); /* no command line */
	CHECK_EQ(read_pvh(), 0);
	CHECK(!b.has_initrd);
	CHECK(!strcmp(b.cmdline, ""));
}

/* Every size short of the tree fails cleanly; none writes past its end. */
UNIT_TEST(buffer_too_small)
{
	void *blob = NULL;
	struct devtree_node *root = q35_tree(&blob);
	size_t need = blob ? kfdt_totalsize(blob) : 0;

	devtree_free(root);
	free(blob);
	CHECK(need > 0);
	for (size_t size = 0; size < need; size += 7) {
		void *buf = malloc(size ? size : 1);

		CHECK_EQ(
			x86_host_fdt_build(&m, &b, buf, size, why, sizeof(why)),
			-ENOSPC);
		free(buf);
	}
	check_why("host device tree");
}

UNIT_TEST(machine_refusals)
{
	u8 buf[8192];
	void *blob = NULL;
	struct devtree_node *root = q35_tree(&blob), *c;

	devtree_free(root);
	free(blob);

	m.cpus[1].enabled = false;
	CHECK_EQ(x86_host_fdt_build(&m, &b, buf, sizeof(buf), why, sizeof(why)),
		 0);
	CHECK_EQ(devtree_unflatten(buf, &root), 0);
	c = devtree_find_path(root, "/cpus/cpu@1");
	CHECK(c != NULL && !devtree_is_available(c));
	devtree_free(root);

	m.cpus[0].enabled = false;
	CHECK_EQ(x86_host_fdt_build(&m, &b, buf, sizeof(buf), why, sizeof(why)),
		 -EINVAL);
	check_why("no enabled CPU");

	m.has_madt = false;
	CHECK_EQ(x86_host_fdt_build(&m, &b, buf, sizeof(buf), why, sizeof(why)),
		 -EINVAL);
	check_why("no MADT");
}

UNIT_MAIN();
