// SPDX-License-Identifier: GPL-2.0
/*
 * Keel's own EL2 stage-1 address space: identity-mapped, one set of
 * tables shared by every CPU. Until the page allocator runs, tables come
 * from a small pool in bss.
 */
#include "pgtable.h"
#include <keel/errno.h>
#include <keel/page_alloc.h>
#include <keel/string.h>
#include <arch/barrier.h>
#include <arch/mmu.h>
#include <asm/sysreg.h>

/* MAIR_EL2 slots, referenced by AttrIndx in descriptors. */
#define MAIR_DEVICE_nGnRnE 0
#define MAIR_NORMAL_WB 1
#define MAIR_VALUE \
	(0x00ULL << (8 * MAIR_DEVICE_nGnRnE) | 0xffULL << (8 * MAIR_NORMAL_WB))

#define PTE_ATTRINDX(i) ((u64)(i) << 2)
#define PTE_AP_RO (1ULL << 7)
#define PTE_SH_INNER (3ULL << 8)
#define PTE_AF (1ULL << 10)
#define PTE_XN (1ULL << 54)

#define TCR_EL2_RES1 ((1ULL << 31) | (1ULL << 23))
#define TCR_IRGN0_WBWA (1ULL << 8)
#define TCR_ORGN0_WBWA (1ULL << 10)
#define TCR_SH0_INNER (3ULL << 12)
#define TCR_PS_SHIFT 16

#define SCTLR_EL2_RES1 0x30c50830ULL
#define SCTLR_M (1ULL << 0)
#define SCTLR_C (1ULL << 2)
#define SCTLR_SA (1ULL << 3)
#define SCTLR_I (1ULL << 12)
#define SCTLR_WXN (1ULL << 19)

#define BOOT_TABLES 24

extern char _keel_start[], _text_end[], _rodata_end[], _keel_end[];

static u64 boot_tables[BOOT_TABLES][PT_ENTRIES] __aligned(4096);
static struct pgtable_pool boot_pool = PGTABLE_POOL(boot_tables);
static struct pgtable keel_pt;
static u64 keel_tcr;

static const unsigned int parange_bits[] = { 32, 36, 40, 42, 44, 48, 52 };

static void *alloc_table(void)
{
	return pgtable_pool_alloc(&boot_pool);
}

static void free_table(void *table)
{
	pgtable_pool_free(&boot_pool, table);
}

/* TLBI VAE2 (not VALE2) drops cached table entries of the address too. */
static void flush_el2_range(struct pgtable *pt, u64 va, u64 size)
{
	dsb(ishst);
	if (size > 64 * PAGE_SIZE) {
		__asm__ volatile("tlbi alle2is" ::: "memory");
	} else {
		for (u64 a = va; a < va + size; a += PAGE_SIZE)
			__asm__ volatile("tlbi vae2is, %0" ::"r"(a >> 12)
					 : "memory");
	}
	dsb(ish);
	isb();
}

static u64 attrs_for(enum mmu_attr attr)
{
	switch (attr) {
	case MMU_NORMAL_RW:
		return PTE_ATTRINDX(MAIR_NORMAL_WB) | PTE_SH_INNER | PTE_AF |
		       PTE_XN;
	case MMU_NORMAL_RO:
		return PTE_ATTRINDX(MAIR_NORMAL_WB) | PTE_SH_INNER | PTE_AF |
		       PTE_AP_RO | PTE_XN;
	case MMU_NORMAL_RX:
		return PTE_ATTRINDX(MAIR_NORMAL_WB) | PTE_SH_INNER | PTE_AF |
		       PTE_AP_RO;
	case MMU_DEVICE:
	default:
		return PTE_ATTRINDX(MAIR_DEVICE_nGnRnE) | PTE_AF | PTE_XN;
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

static void mmu_enable_this_cpu(void)
{
	write_sysreg(mair_el2, MAIR_VALUE);
	write_sysreg(tcr_el2, keel_tcr);
	write_sysreg(ttbr0_el2, arch_virt_to_phys(keel_pt.root));
	isb();
	__asm__ volatile("tlbi alle2" ::: "memory");
	dsb(nsh);
	isb();
	write_sysreg(sctlr_el2, SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_I |
					SCTLR_SA | SCTLR_WXN);
	isb();
}

void arm64_mmu_enable_secondary(void);
void arm64_mmu_enable_secondary(void)
{
	mmu_enable_this_cpu();
}

static void map_or_hang(u64 start, u64 end, enum mmu_attr attr)
{
	if (end > start && arch_mmu_map(start, start, end - start, attr) != 0) {
		for (;;)
			__asm__ volatile("wfe");
	}
}

/*
 * Runs on the boot CPU with the MMU off: map Keel's image with W^X and the
 * device tree read-only, then turn the MMU on. RAM and devices are mapped
 * later, once the device tree says where they are.
 */
void arm64_early_init(paddr_t fdt_pa);
void arm64_early_init(paddr_t fdt_pa)
{
	u64 mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	unsigned int parange = mmfr0 & 0xf;
	struct pgtable_format fmt;
	unsigned int pa_bits;

	if (parange >= ARRAY_SIZE(parange_bits))
		parange = ARRAY_SIZE(parange_bits) - 1;
	pa_bits = parange_bits[parange];
	if (pa_bits > CONFIG_ARM64_MAX_PA_BITS)
		pa_bits = CONFIG_ARM64_MAX_PA_BITS;
	if (pa_bits > 48)
		pa_bits = 48;
	for (parange = 0; parange_bits[parange] < pa_bits; parange++)
		;

	if (arm64_stage1_format(&fmt, pa_bits) != 0 ||
	    pgtable_init(&keel_pt, &fmt, alloc_table(), alloc_table, free_table,
			 flush_el2_range) != 0) {
		for (;;)
			__asm__ volatile("wfe");
	}
	keel_tcr = TCR_EL2_RES1 | ((u64)parange << TCR_PS_SHIFT) |
		   TCR_SH0_INNER | TCR_ORGN0_WBWA | TCR_IRGN0_WBWA |
		   (64 - pa_bits);

	map_or_hang((u64)_keel_start, (u64)_text_end, MMU_NORMAL_RX);
	map_or_hang((u64)_text_end, (u64)_rodata_end, MMU_NORMAL_RO);
	map_or_hang((u64)_rodata_end, (u64)_keel_end, MMU_NORMAL_RW);

	/* The header is 8-byte aligned; totalsize is the big-endian word 1. */
	u32 total = __builtin_bswap32(((volatile u32 *)fdt_pa)[1]);
	u64 fdt_start = ALIGN_DOWN(fdt_pa, PAGE_SIZE);
	u64 fdt_end = ALIGN_UP(fdt_pa + total, PAGE_SIZE);

	map_or_hang(fdt_start, fdt_end, MMU_NORMAL_RO);

	/* Tables were written with caches off: drop any stale lines. */
	for (unsigned int i = 0; i < boot_pool.used; i++)
		for (unsigned int off = 0; off < 4096; off += 64)
			__asm__ volatile("dc civac, %0" ::"r"(
						 (char *)boot_tables[i] + off)
					 : "memory");
	dsb(sy);
	mmu_enable_this_cpu();
}
