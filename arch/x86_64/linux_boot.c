// SPDX-License-Identifier: GPL-2.0
/*
 * Linux guests on x86: the boot protocol's 64-bit entry
 * (Documentation/arch/x86/boot.rst). Core loads the bzImage whole at an
 * address chosen so that its protected-mode kernel starts where the
 * kernel runs (the setup sectors fall just below, unused); this file
 * then writes what a boot loader and firmware leave in low memory:
 *
 *   0x00500  a GDT with the protocol's __BOOT_CS (0x10) and __BOOT_DS (0x18)
 *   0x07000  the zero page (struct boot_params, bzimage.c)
 *   0x09000  identity page tables for the first 4 GiB (2 MiB pages)
 *   0x20000  the command line (the description's "bootargs")
 *   0xe0000  the ACPI tables (guest_acpi.c), where a BIOS leaves them
 *
 * and vCPU 0 starts in long mode at the kernel's startup_64 with RSI
 * pointing at the zero page. The memory map (e820) is the guest's RAM
 * with 0x9fc00-0xfffff reserved, as on a PC. The guest learns its CPUs
 * and interrupt controllers from the ACPI MADT, built from its
 * description: ACPI rather than MP tables, since Linux takes the rest of
 * the machine (PM timer, power-off, reset) from ACPI too.
 */
#include <keel/devtree.h>
#include <keel/errno.h>
#include <keel/guest.h>
#include <keel/heap.h>
#include <keel/page_alloc.h>
#include <keel/printf.h>
#include <keel/string.h>
#include <arch/vcpu.h>

#include <hw/acpi_pm.h>
#include <hw/apic.h>

#include "bzimage.h"
#include "guest_acpi.h"
#include "insn_decode.h"
#include "linux_boot.h"

#define LOW_RAM_END 0x100000ULL /* the first MiB: boot data, BIOS area */
#define BIOS_AREA 0x9fc00ULL /* the EBDA and BIOS ROMs, reserved */
#define BOOT_GDT 0x500ULL
#define ZERO_PAGE 0x7000ULL
#define BOOT_PML4 0x9000ULL
#define BOOT_PDPT 0xa000ULL
#define BOOT_PD 0xb000ULL /* four tables: 4 GiB */
#define BOOT_PD_COUNT 4
#define CMDLINE 0x20000ULL
#define CMDLINE_MAX 0x10000ULL
#define ACPI_BASE 0xe0000ULL
#define ACPI_SIZE 0x20000ULL
#define DEFAULT_KERNEL 0x1000000ULL /* 16 MiB, where Linux runs */
#define BP_ACPI_RSDP_ADDR 0x070 /* boot_params, protocol 2.14 */
#define PROTOCOL_ACPI_RSDP 0x020e
#define PTE_PRESENT 0x1ULL
#define PTE_WRITE 0x2ULL
#define PTE_LARGE 0x80ULL
#define PC_RESET_VALUE (RST_CNT_SYS_RST | RST_CNT_RST_CPU)
#define DEFAULT_S5_SLP_TYP 5

static const u64 boot_gdt[] = {
	0, 0, 0x00af9b000000ffffULL, /* 0x10: 64-bit code */
	0x00cf93000000ffffULL, /* 0x18: flat data */
};

static bool is_bzimage(const void *image, size_t size)
{
	const u8 *p = image;

	return size >= 0x206 && p[0x202] == 'H' && p[0x203] == 'd' &&
	       p[0x204] == 'r' && p[0x205] == 'S';
}

int arch_guest_place_kernel(const void *image, size_t size, u64 bank_base,
			    u64 bank_size, struct arch_kernel_placement *out,
			    char *why, size_t why_size)
{
	struct x86_bzimage bz;
	u64 kernel, bank_end = bank_base + bank_size;
	int err;

	if (!is_bzimage(image, size)) {
		/* A raw binary: it runs where it is loaded, at RAM's base. */
		out->load = bank_base;
		out->entry = bank_base;
		return 0;
	}
	err = x86_bzimage_parse(image, size, &bz, why, why_size);
	if (err)
		return err;
	kernel = bz.pref_address;
	if (kernel < bank_base + LOW_RAM_END || kernel > bank_end ||
	    bz.init_size > bank_end - kernel) {
		if (!bz.relocatable) {
			snprintf(why, why_size,
				 "the kernel runs only at 0x%llx, outside the "
				 "first RAM bank",
				 (unsigned long long)bz.pref_address);
			return -EINVAL;
		}
		kernel = ALIGN_UP(MAX(bank_base + LOW_RAM_END, DEFAULT_KERNEL),
				  (u64)bz.kernel_alignment);
	}
	out->load = kernel - bz.setup_size;
	out->entry = kernel + X86_BZIMAGE_ENTRY64_OFFSET;
	return 0;
}

/* The guest's RAM as e820 entries, the BIOS area reserved. */
static unsigned int build_e820(struct guest *g, struct x86_e820_entry *e,
			       unsigned int max)
{
	unsigned int n = 0;

	e[n++] = (struct x86_e820_entry){ 0, BIOS_AREA, X86_E820_RAM };
	e[n++] = (struct x86_e820_entry){ BIOS_AREA, LOW_RAM_END - BIOS_AREA,
					  X86_E820_RESERVED };
	for (unsigned int i = 0; i < g->aspace.nr && n < max; i++) {
		const struct region *r = &g->aspace.regions[i];
		u64 start = r->gpa, end = r->gpa + r->size;

		if (r->type != REGION_RAM || end <= LOW_RAM_END)
			continue;
		start = MAX(start, LOW_RAM_END);
		e[n++] = (struct x86_e820_entry){ start, end - start,
						  X86_E820_RAM };
	}
	return n;
}

/* An ISA or memory "reg" entry's address, without the ISA space cell. */
static int node_reg(const struct devtree_node *n, unsigned int index, u64 *addr)
{
	u64 size;
	int err = devtree_read_reg(n, index, addr, &size);

	if (!err && devtree_is_compatible(n->parent, "isa"))
		*addr &= 0xffffffffULL;
	return err;
}

/*
 * The description's virtio-mmio devices, for the DSDT: Linux finds them
 * there as QEMU's microvm machine gives them (its virtio_mmio driver
 * matches LNRO0005), each with its window and its I/O APIC input (the
 * <GSI type> the ioapic emulator took).
 */
static int describe_virtio(struct devtree_node *machine,
			   struct x86_guest_acpi *m, char *why, size_t why_size)
{
	struct devtree_node *n = NULL;

	while ((n = devtree_find_compatible(machine, n, "virtio,mmio"))) {
		struct x86_guest_acpi_mmio *d = &m->virtio[m->nr_virtio];
		u32 gsi, type;
		u64 addr, size;

		if (m->nr_virtio == GUEST_ACPI_MAX_VIRTIO) {
			snprintf(why, why_size,
				 "%s: more than %u virtio devices for ACPI",
				 n->name, GUEST_ACPI_MAX_VIRTIO);
			return -EINVAL;
		}
		if (devtree_read_reg(n, 0, &addr, &size) ||
		    devtree_prop_read_u32_index(n, "interrupts", 0, &gsi) ||
		    devtree_prop_read_u32_index(n, "interrupts", 1, &type)) {
			snprintf(why, why_size,
				 "%s: a virtio device needs reg and "
				 "interrupts <GSI type>",
				 n->name);
			return -EINVAL;
		}
		if (!size || addr >= (1ULL << 32) ||
		    size > (1ULL << 32) - addr) {
			snprintf(why, why_size,
				 "%s: ACPI describes windows below 4 GiB only",
				 n->name);
			return -EINVAL;
		}
		*d = (struct x86_guest_acpi_mmio){
			.base = (u32)addr,
			.size = (u32)size,
			.gsi = gsi,
			.level = type == IRQ_TYPE_LEVEL_HIGH ||
				 type == IRQ_TYPE_LEVEL_LOW,
			.low = type == IRQ_TYPE_LEVEL_LOW ||
			       type == IRQ_TYPE_EDGE_FALLING,
		};
		m->nr_virtio++;
	}
	return 0;
}

/* The machine of the description, as the MADT and FADT describe it. */
static int describe_machine(struct guest *g, struct x86_guest_acpi *m,
			    char *why, size_t why_size)
{
	struct devtree_node *machine = devtree_child(g->config, "machine");
	struct devtree_node *lapic, *ioapic, *pm;
	u64 addr;
	u32 value;

	lapic = devtree_find_compatible(machine, NULL, "keel,x86-lapic");
	ioapic = devtree_find_compatible(machine, NULL, "keel,x86-ioapic");
	pm = devtree_find_compatible(machine, NULL, "keel,acpi-pm");
	if (!lapic || !ioapic || !pm) {
		snprintf(why, why_size,
			 "a Linux guest needs local APICs, an I/O APIC and "
			 "ACPI PM registers (keel,x86-lapic, keel,x86-ioapic, "
			 "keel,acpi-pm)");
		return -EINVAL;
	}
	*m = (struct x86_guest_acpi){
		.nr_cpus = g->nr_vcpus,
		.pic = devtree_find_compatible(machine, NULL, "intel,8259"),
		.reset_value = PC_RESET_VALUE,
		.s5_slp_typ = DEFAULT_S5_SLP_TYP,
	};
	if (!node_reg(lapic, 0, &addr))
		m->lapic_base = (u32)addr;
	if (!node_reg(ioapic, 0, &addr))
		m->ioapic_base = (u32)addr;
	if (!devtree_prop_read_u32(ioapic, "keel,apic-id", &value))
		m->ioapic_id = (u8)value;
	if (!node_reg(pm, 0, &addr)) {
		m->pm1a_evt = (u16)(addr + ACPI_PM1_STS);
		m->pm1a_cnt = (u16)(addr + ACPI_PM1_CNT);
		m->pm_tmr = (u16)(addr + ACPI_PM_TMR);
	}
	if (!node_reg(pm, 1, &addr))
		m->reset_port = (u16)addr;
	if (!devtree_prop_read_u32(pm, "keel,s5-slp-typ", &value))
		m->s5_slp_typ = (u8)value;
	if (!devtree_prop_read_u32_index(pm, "interrupts", 0, &value))
		m->sci_irq = (u16)value;
	return describe_virtio(machine, m, why, why_size);
}

static int write_page_tables(struct guest *g)
{
	u64 table[512];
	int err;

	memset(table, 0, sizeof(table));
	table[0] = BOOT_PDPT | PTE_PRESENT | PTE_WRITE;
	err = guest_memory_write(g, BOOT_PML4, table, sizeof(table));
	memset(table, 0, sizeof(table));
	for (unsigned int i = 0; i < BOOT_PD_COUNT; i++)
		table[i] = (BOOT_PD + i * PAGE_SIZE) | PTE_PRESENT | PTE_WRITE;
	if (!err)
		err = guest_memory_write(g, BOOT_PDPT, table, sizeof(table));
	for (unsigned int i = 0; !err && i < BOOT_PD_COUNT; i++) {
		for (unsigned int j = 0; j < 512; j++)
			table[j] = ((u64)(i * 512 + j) << 21) | PTE_PRESENT |
				   PTE_WRITE | PTE_LARGE;
		err = guest_memory_write(g, BOOT_PD + i * PAGE_SIZE, table,
					 sizeof(table));
	}
	return err;
}

static int write_acpi(struct guest *g, u64 *rsdp, char *why, size_t why_size)
{
	struct x86_guest_acpi m;
	size_t used;
	void *buf;
	int err;

	err = describe_machine(g, &m, why, why_size);
	if (err)
		return err;
	buf = keel_zalloc(ACPI_SIZE);
	if (!buf)
		return -ENOMEM;
	err = x86_guest_acpi_build(&m, ACPI_BASE, buf, ACPI_SIZE, &used, rsdp,
				   why, why_size);
	if (!err)
		err = guest_memory_write(g, ACPI_BASE, buf, used);
	keel_free(buf);
	return err;
}

int arch_guest_boot_prepare(struct guest *g, struct arch_boot_images *b,
			    char *why, size_t why_size)
{
	struct x86_e820_entry e820[X86_E820_MAX];
	struct x86_boot_layout layout;
	const struct region *low = aspace_find(&g->aspace, 0);
	const char *bootargs = "";
	struct x86_bzimage bz;
	u64 kernel, top, rsdp;
	u8 *zero_page;
	int err;

	g->arch.linux64 = false;
	if (!is_bzimage(b->kernel, b->kernel_size))
		return 0;
	err = x86_bzimage_parse(b->kernel, b->kernel_size, &bz, why, why_size);
	if (err)
		return err;
	if (!low || low->type != REGION_RAM || low->size < LOW_RAM_END) {
		snprintf(why, why_size,
			 "a Linux guest needs RAM from address 0 up to 1 MiB "
			 "at least: its boot data and ACPI tables go there");
		return -EINVAL;
	}
	kernel = b->kernel_load + bz.setup_size;
	top = b->initrd_size ? b->initrd : b->fdt;
	if (kernel > top || bz.init_size > top - kernel) {
		snprintf(why, why_size,
			 "the kernel needs 0x%x bytes from 0x%llx, which the "
			 "%s at 0x%llx cuts short: give it more RAM",
			 bz.init_size, (unsigned long long)kernel,
			 b->initrd_size ? "initrd" : "device tree",
			 (unsigned long long)top);
		return -E2BIG;
	}
	(void)devtree_prop_read_string(g->config, "bootargs", &bootargs);
	layout = (struct x86_boot_layout){
		.kernel = kernel,
		.cmdline = CMDLINE,
		.cmdline_len = strlen(bootargs),
		.initrd = b->initrd_size ? b->initrd : 0,
		.initrd_size = b->initrd_size,
		.e820 = e820,
		.e820_entries = build_e820(g, e820, X86_E820_MAX),
	};
	if (layout.cmdline_len >= CMDLINE_MAX) {
		snprintf(why, why_size,
			 "\"bootargs\" is longer than %llu bytes",
			 (unsigned long long)CMDLINE_MAX - 1);
		return -EINVAL;
	}
	err = write_acpi(g, &rsdp, why, why_size);
	if (err)
		return err;
	zero_page = keel_zalloc(X86_ZERO_PAGE_SIZE);
	if (!zero_page)
		return -ENOMEM;
	err = x86_boot_params_build(zero_page, b->kernel, &bz, &layout, why,
				    why_size);
	if (!err && bz.version >= PROTOCOL_ACPI_RSDP)
		memcpy(zero_page + BP_ACPI_RSDP_ADDR, &rsdp, sizeof(rsdp));
	if (!err)
		err = guest_memory_write(g, ZERO_PAGE, zero_page,
					 X86_ZERO_PAGE_SIZE);
	keel_free(zero_page);
	if (!err)
		err = guest_memory_write(g, CMDLINE, bootargs,
					 layout.cmdline_len + 1);
	if (!err)
		err = guest_memory_write(g, BOOT_GDT, boot_gdt,
					 sizeof(boot_gdt));
	if (!err)
		err = write_page_tables(g);
	if (err) {
		if (!why[0])
			snprintf(why, why_size, "its boot data: %s",
				 error_name(err));
		return err;
	}
	g->arch.linux64 = true;
	b->entry = kernel + X86_BZIMAGE_ENTRY64_OFFSET;
	b->arg = ZERO_PAGE;
	return 0;
}

void x86_linux_boot_state(struct vmcb_save *s, struct svm_gprs *gprs, u64 entry,
			  u64 zero_page)
{
	s->cs = (struct vmcb_segment){ 0x10, SEG_CODE64, 0xffffffff, 0 };
	s->ds = (struct vmcb_segment){ 0x18, SEG_DATA32, 0xffffffff, 0 };
	s->gdtr = (struct vmcb_segment){ 0, 0, sizeof(boot_gdt) - 1, BOOT_GDT };
	s->cr0 = X86_CR0_PE | X86_CR0_ET | X86_CR0_NE | X86_CR0_PG;
	s->cr3 = BOOT_PML4;
	s->cr4 = X86_CR4_PAE;
	s->efer = EFER_SVME | EFER_LME | EFER_LMA;
	s->rip = entry;
	gprs->r[X86_REG_RSI] = zero_page;
	gprs->r[X86_REG_RBX] = 0;
}
