/* SPDX-License-Identifier: GPL-2.0 */
/* Starting a secondary CPU on x86-64 (arch/x86_64/smpboot.c). */
#ifndef ASM_SMPBOOT_H
#define ASM_SMPBOOT_H

#include <keel/types.h>

/*
 * Make the real-mode start page ready for a CPU that is to enter Keel at
 * entry_pa (arch_secondary_entry()) as logical CPU cpu, and return its
 * address, for the STARTUP IPI; 0 when it cannot be set up. One CPU at a
 * time: core starts the next only once this one is online or failed.
 */
paddr_t x86_smp_prepare_start(paddr_t entry_pa, unsigned int cpu);

#endif
