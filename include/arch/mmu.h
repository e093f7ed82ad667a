/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Keel's own address space. RAM and devices are identity-mapped on every
 * arch so far, which the inline conversions in asm/mmu.h express:
 *   void *arch_phys_to_virt(paddr_t pa), paddr_t arch_virt_to_phys(p)
 *
 *   arch_mmu_map(va, pa, size, attr)   map a page-aligned range; uses the
 *                                      largest blocks alignment allows
 *   arch_mmu_unmap(va, size)           remove it and flush the TLBs
 *   arch_image_range(start, end)       Keel's own image, bss included
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include <keel/types.h>
#include <asm/mmu.h>

enum mmu_attr {
	MMU_NORMAL_RW, /* data: read/write, never executable */
	MMU_NORMAL_RO, /* read-only data */
	MMU_NORMAL_RX, /* code: read/execute, never writable */
	MMU_DEVICE, /* MMIO: uncached, no speculation, no merging */
};

int arch_mmu_map(vaddr_t va, paddr_t pa, u64 size, enum mmu_attr attr);
int arch_mmu_unmap(vaddr_t va, u64 size);
void arch_image_range(paddr_t *start, paddr_t *end);

#endif
