// SPDX-License-Identifier: GPL-2.0
/*
 * Keel's own address space: identity-mapped through four-level long-mode
 * tables (pgtable_format.c) built by the one walker, one set shared by
 * every CPU, W^X from the first instruction after the switch. Until the
 * page allocator runs, tables come from a small pool in bss.
 */
#include "pgtable.h"
#include "x86_64.h"
#include <keel/cpu.h>
#include <keel/errno.h>
#include <keel/page_alloc.h>
#include <keel/printk.h>
#include <arch/barrier.h>
#include <arch/mmu.h>
#include <asm/x86.h>

#define BOOT_TABLES 24
/* Above this many pages one full flush is cheaper than one per page. */
#define FLUSH_PAGES_MAX 64

extern char _keel_start[], _text_end[], _rodata_end[], _keel_end[];

static u64 boot_tables[BOOT_TABLES][512] __aligned(4096);
static struct pgtable_pool boot_pool = PGTABLE_POOL(boot_tables);
static struct pgtable keel_pt;
/* Set once a secondary CPU runs on these tables: flushes must reach it. */
static volatile bool others_share_tables;

static void *alloc_table(void)
{
	return pgtable_pool_alloc(&boot_pool);
}

static void free_table(void *table)
{
	pgtable_pool_free(&boot_pool, table);
}

struct flush_range {
	u64 va, size;
};

static void local_flush(void *arg)
{
	const struct flush_range *r = arg;

	if (r->size > FLUSH_PAGES_MAX * PAGE_SIZE) {
		x86_write_cr3(x86_read_cr3());
		return;
	}
	for (u64 a = r->va; a < r->va + r->size; a += PAGE_SIZE)
		__asm__ volatile("invlpg (%0)" ::"r"(a) : "memory");
}

/*
 * INVLPG reaches only the CPU that runs it: the others flush on request
 * (a call IPI each), and this returns once they all have. New entries
 * need no flush anywhere, since x86 TLBs never hold non-present ones;
 * only unmaps and changes reach here with others running.
 */
static void flush_keel_range(struct pgtable *pt, u64 va, u64 size)
{
	struct flush_range r = { va, size };
	unsigned int c;

	smp_mb();
	local_flush(&r);
	if (!others_share_tables)
		return;
	for_each_online_cpu(c) {
		if (c != cpu_id() && smp_call_on_cpu(c, local_flush, &r))
			printk(KERN_ERR "mmu: CPU %u did not flush its TLB: it "
					"may use stale translations\n",
			       c);
	}
}

static u64 attrs_for(enum mmu_attr attr)
{
	/* A and D preset: no CPU has to set them on first use. */
	u64 common = X86_PTE_A | X86_PTE_D;

	switch (attr) {
	case MMU_NORMAL_RW:
		return common | X86_PTE_RW | X86_PTE_NX;
	case MMU_NORMAL_RO:
		return common | X86_PTE_NX;
	case MMU_NORMAL_RX:
		return common;
	case MMU_DEVICE:
	default:
		/* PCD and PWT with the reset PAT: strong uncacheable. */
		return common | X86_PTE_RW | X86_PTE_NX | X86_PTE_PCD |
		       X86_PTE_PWT;
	}
}

int arch_mmu_map(vaddr_t va, paddr_t pa, u64 size, enum mmu_attr attr)
{
	return pgtable_map(&keel_pt, va, pa, size, attrs_for(attr));
}

int arch_mmu_unmap(vaddr_t va, u64 size)
{
	return pgtable_unmap(&keel_pt, va, size);
}

void arch_image_range(paddr_t *start, paddr_t *end)
{
	*start = arch_virt_to_phys(_keel_start);
	*end = arch_virt_to_phys(_keel_end);
}

u64 x86_mmu_root(void)
{
	return arch_virt_to_phys(keel_pt.root);
}

static void map_or_fail(u64 start, u64 end, enum mmu_attr attr)
{
	if (end > start && arch_mmu_map(start, start, end - start, attr) != 0)
		x86_early_fatal("out of boot page tables for Keel's image");
}

/*
 * Runs on the boot CPU on head.S's 4 GiB identity map: map Keel's image
 * with W^X (the host device tree is in its bss), then switch. RAM and
 * devices are mapped later, once the device tree says where they are.
 */
void x86_mmu_init(paddr_t fdt_pa, u64 fdt_size)
{
	struct pgtable_format fmt;
	bool gib = x86_cpuid(0x80000001, 0).edx & CPUIDX1_EDX_GIB_PAGES;

	if (x86_longmode_format(&fmt, gib) != 0)
		x86_early_fatal("no long-mode page-table format");
	/* Only the lower half: identity addresses must be canonical. */
	fmt.input_limit /= 2;
	if (pgtable_init(&keel_pt, &fmt, alloc_table(), alloc_table, free_table,
			 flush_keel_range) != 0)
		x86_early_fatal("cannot set up Keel's page tables");
	map_or_fail((u64)_keel_start, (u64)_text_end, MMU_NORMAL_RX);
	map_or_fail((u64)_text_end, (u64)_rodata_end, MMU_NORMAL_RO);
	map_or_fail((u64)_rodata_end, (u64)_keel_end, MMU_NORMAL_RW);
	if (fdt_pa < (u64)_keel_start || fdt_pa + fdt_size > (u64)_keel_end)
		x86_early_fatal("the host device tree is outside Keel's image");
	x86_write_cr3(x86_mmu_root());
}

void x86_mmu_enable_secondary(void)
{
	others_share_tables = true;
}
