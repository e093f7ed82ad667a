/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host test build: a test that hands core/ "physical" addresses backs them
 * with host memory at those same addresses, as Keel's identity map does.
 */
#ifndef HOST_ASM_MMU_H
#define HOST_ASM_MMU_H

#include <keel/types.h>

static inline void *arch_phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline paddr_t arch_virt_to_phys(const void *va)
{
	return (paddr_t)(uintptr_t)va;
}

#endif
