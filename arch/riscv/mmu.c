// SPDX-License-Identifier: GPL-2.0
/*
 * Keel's own address space: identity-mapped through satp (Sv48 when the
 * hart has it, else Sv39), one set of tables shared by every hart. Until
 * the page allocator runs, tables come from a small pool in bss.
 */
#include "pgtable.h"
#include "riscv.h"
#include <keel/errno.h>
#include <keel/page_alloc.h>
#include <keel/printk.h>
#include <arch/barrier.h>
#include <arch/mmu.h>
#include <asm/csr.h>
#include <asm/sbi.h>

#ifdef CONFIG_RISCV_SV48
#define TRY_SV48 true
#else
#define TRY_SV48 false
#endif

#define BOOT_TABLES 24
/* Above this many pages one full fence is cheaper than one per page. */
#define FLUSH_PAGES_MAX 64

extern char _keel_start[], _text_end[], _rodata_end[], _keel_end[];

static u64 boot_tables[BOOT_TABLES][PT_ENTRIES] __aligned(4096);
static struct pgtable_pool boot_pool = PGTABLE_POOL(boot_tables);
static struct pgtable keel_pt;
static u64 keel_satp;
/* Set once a secondary hart runs on these tables: fences must reach it. */
static volatile bool others_share_tables;

static void *alloc_table(void)
{
	return pgtable_pool_alloc(&boot_pool);
}

static void free_table(void *table)
{
	pgtable_pool_free(&boot_pool, table);
}

static void local_flush(u64 va, u64 size)
{
	if (size > FLUSH_PAGES_MAX * PAGE_SIZE) {
		__asm__ volatile("sfence.vma" ::: "memory");
		return;
	}
	for (u64 a = va; a < va + size; a += PAGE_SIZE)
		__asm__ volatile("sfence.vma %0" ::"r"(a) : "memory");
}

/*
 * SFENCE.VMA reaches only the hart that runs it; the others are fenced
 * by the firmware (SBI RFENCE), which returns once they all have been.
 * A fence by address drops only leaf entries; the walker asks to drop a
 * freed table with its whole span (2 MiB or more), always past
 * FLUSH_PAGES_MAX, so that takes the full fence, which drops them all.
 */
static void flush_keel_range(struct pgtable *pt, u64 va, u64 size)
{
	static bool reported;
	struct sbiret ret;

	smp_mb();
	local_flush(va, size);
	if (!others_share_tables)
		return;
	ret = sbi_ecall(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 0,
			SBI_HART_MASK_BASE_ALL, va, size, 0);
	if (ret.error && !reported) {
		reported = true;
		printk(KERN_ERR "mmu: SBI remote fence failed (%ld): other "
				"harts may use stale translations\n",
		       ret.error);
	}
}

static u64 attrs_for(enum mmu_attr attr)
{
	/* A and D preset: no hart has to update them (or fault instead). */
	u64 common = PTE_G | PTE_A | PTE_D;

	switch (attr) {
	case MMU_NORMAL_RW:
		return common | PTE_R | PTE_W;
	case MMU_NORMAL_RO:
		return common | PTE_R;
	case MMU_NORMAL_RX:
		return common | PTE_R | PTE_X;
	case MMU_DEVICE:
	default:
		/* Without Svpbmt the platform's PMAs make MMIO uncached. */
		return common | PTE_R | PTE_W;
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

/* Bits of identity map Keel has: 2^47 with Sv48, 2^38 with Sv39. */
unsigned int riscv_mmu_va_bits(void)
{
	return keel_pt.fmt.levels == 4 ? 47 : 38;
}

/* Before translation and the console: nowhere to report a failure. */
static void hang(void)
{
	for (;;)
		__asm__ volatile("wfi");
}

static void map_or_hang(u64 start, u64 end, enum mmu_attr attr)
{
	if (end > start && arch_mmu_map(start, start, end - start, attr) != 0)
		hang();
}

static void build_tables(unsigned int levels, paddr_t fdt_pa)
{
	struct pgtable_format fmt;

	pgtable_pool_reset(&boot_pool);
	if (riscv_sv_format(&fmt, levels) != 0)
		hang();
	/* Only the lower half: identity addresses must be canonical. */
	fmt.input_limit /= 2;
	if (pgtable_init(&keel_pt, &fmt, alloc_table(), alloc_table, free_table,
			 flush_keel_range) != 0)
		hang();

	map_or_hang((u64)_keel_start, (u64)_text_end, MMU_NORMAL_RX);
	map_or_hang((u64)_text_end, (u64)_rodata_end, MMU_NORMAL_RO);
	map_or_hang((u64)_rodata_end, (u64)_keel_end, MMU_NORMAL_RW);

	/* The header is 8-byte aligned; totalsize is the big-endian word 1. */
	u32 total = __builtin_bswap32(((volatile u32 *)fdt_pa)[1]);

	map_or_hang(ALIGN_DOWN(fdt_pa, PAGE_SIZE),
		    ALIGN_UP(fdt_pa + total, PAGE_SIZE), MMU_NORMAL_RO);
}

/*
 * satp is WARL: a write naming a mode the hart lacks changes nothing, so
 * reading it back tells whether translation is now on.
 */
static bool try_enable(u64 mode)
{
	u64 satp = mode << SATP_MODE_SHIFT |
		   (arch_virt_to_phys(keel_pt.root) >> 12);

	csr_write(CSR_SATP, satp);
	if (csr_read(CSR_SATP) != satp)
		return false;
	__asm__ volatile("sfence.vma" ::: "memory");
	keel_satp = satp;
	return true;
}

/*
 * Runs on the boot hart with translation off: map Keel's image with W^X
 * and the device tree read-only, then turn translation on. RAM and
 * devices are mapped later, once the device tree says where they are.
 */
void riscv_mmu_init(paddr_t fdt_pa)
{
	if (TRY_SV48) {
		build_tables(4, fdt_pa);
		if (try_enable(SATP_MODE_SV48))
			return;
	}
	build_tables(3, fdt_pa);
	if (try_enable(SATP_MODE_SV39))
		return;
	/* Neither mode: nowhere safe to go, and no console yet either. */
	hang();
}

bool riscv_secondaries_started(void)
{
	return others_share_tables;
}

void riscv_mmu_enable_secondary(void)
{
	others_share_tables = true;
	csr_write(CSR_SATP, keel_satp);
	__asm__ volatile("sfence.vma" ::: "memory");
}
