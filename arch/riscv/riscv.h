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

/* cpu.c: whether this hart's "riscv,isa" lists the H extension. */
bool riscv_hart_has_h(void);

/* mmu.c */
void riscv_mmu_init(paddr_t fdt_pa);
void riscv_mmu_enable_secondary(void);
unsigned int riscv_mmu_va_bits(void);
/* Whether any secondary hart runs: TLB fences must then reach it. */
bool riscv_secondaries_started(void);

/* gstage.c: a guest's G-stage tables and VMID. */
struct arch_guest;
enum guest_mem_type;
int riscv_gstage_init(struct arch_guest *ag);
void riscv_gstage_destroy(struct arch_guest *ag);
int riscv_gstage_map(struct arch_guest *ag, u64 gpa, paddr_t hpa, u64 size,
		     enum guest_mem_type type);
int riscv_gstage_unmap(struct arch_guest *ag, u64 gpa, u64 size);

/* entry.S calls this for every trap. */
void riscv_trap(struct arch_regs *regs);

/* context.S */
void riscv_thread_trampoline(void);

#endif
