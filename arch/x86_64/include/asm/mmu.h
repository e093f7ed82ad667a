/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_MMU_H
#define ASM_MMU_H

#include <keel/types.h>

/* Keel identity-maps RAM and devices. */
static inline void *arch_phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)pa;
}

static inline paddr_t arch_virt_to_phys(const void *va)
{
	return (paddr_t)(uintptr_t)va;
}

#endif
