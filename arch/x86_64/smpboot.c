// SPDX-License-Identifier: GPL-2.0
/*
 * Secondary CPUs start in real mode at a page below 1 MiB (the STARTUP
 * IPI's vector names it). Keel keeps that first megabyte out of its RAM
 * (pvh.c), so the page at X86_TRAMPOLINE_PA is Keel's alone: the
 * trampoline (head.S) is copied there once and mapped read-execute in
 * Keel's tables, which the new CPU switches to before it jumps into the
 * image.
 */
#include "x86_64.h"
#include <keel/page_alloc.h>
#include <keel/printk.h>
#include <keel/string.h>
#include <arch/barrier.h>
#include <arch/mmu.h>
#include <asm/smpboot.h>
#include <asm/x86.h>

static bool trampoline_ready;
static paddr_t trampoline_entry;

/* Where a symbol of head.S's trampoline lies in it (symbols, not objects). */
static size_t trampoline_offset(const void *sym)
{
	return (uintptr_t)sym - (uintptr_t)x86_trampoline_start;
}

static int install_trampoline(paddr_t entry_pa)
{
	size_t size = trampoline_offset(x86_trampoline_end);
	u8 *page = arch_phys_to_virt(X86_TRAMPOLINE_PA);
	u32 cr3 = (u32)x86_mmu_root();
	u64 entry = entry_pa;

	if (size > PAGE_SIZE || x86_mmu_root() >> 32)
		return -1;
	if (arch_mmu_map(X86_TRAMPOLINE_PA, X86_TRAMPOLINE_PA, PAGE_SIZE,
			 MMU_NORMAL_RW))
		return -1;
	memcpy(page, x86_trampoline_start, size);
	memcpy(page + trampoline_offset(x86_trampoline_cr3), &cr3, sizeof(cr3));
	memcpy(page + trampoline_offset(x86_trampoline_entry), &entry,
	       sizeof(entry));
	if (arch_mmu_unmap(X86_TRAMPOLINE_PA, PAGE_SIZE) ||
	    arch_mmu_map(X86_TRAMPOLINE_PA, X86_TRAMPOLINE_PA, PAGE_SIZE,
			 MMU_NORMAL_RX))
		return -1;
	trampoline_entry = entry_pa;
	trampoline_ready = true;
	return 0;
}

paddr_t x86_smp_prepare_start(paddr_t entry_pa, unsigned int cpu)
{
	if (!trampoline_ready && install_trampoline(entry_pa)) {
		printk(KERN_ERR "smp: cannot set up the start page at 0x%x\n",
		       X86_TRAMPOLINE_PA);
		return 0;
	}
	if (entry_pa != trampoline_entry)
		return 0;
	x86_starting_cpu = cpu;
	x86_mmu_enable_secondary();
	smp_mb();
	return X86_TRAMPOLINE_PA;
}
