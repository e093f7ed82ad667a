/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of arch/riscv tell each other (not part of the seam). */
#ifndef RISCV_RISCV_H
#define RISCV_RISCV_H

#include <keel/types.h>
#include <asm/regs.h>

/* head.S calls these, translation off, on their boot stacks. */
void riscv_early_init(u64 hartid, paddr_t fdt_pa);
void riscv_secondary_init(unsigned int cpu, u64 hartid);
/* head.S: a secondary that entered at the boot entry (see there). */
int riscv_misdirected_cpu(u64 hartid);

/* mmu.c */
void riscv_mmu_init(paddr_t fdt_pa);
void riscv_mmu_enable_secondary(void);
unsigned int riscv_mmu_va_bits(void);

/* entry.S calls this for every trap. */
void riscv_trap(struct arch_regs *regs);

/* context.S */
void riscv_thread_trampoline(void);

#endif
