/* SPDX-License-Identifier: GPL-2.0 */
/* What the files of arch/x86_64 tell each other (not part of the seam). */
#ifndef X86_X86_64_H
#define X86_X86_64_H

#include <keel/types.h>
#include <asm/regs.h>

/* head.S calls these on their boot stacks. */
paddr_t x86_early_init(u32 start_info_pa);
void x86_secondary_init(unsigned int cpu);

/* early.c: before the console exists, straight to COM1, then stop. */
void __noreturn x86_early_fatal(const char *what);

/* cpu.c: this CPU's GDT, TSS and the IDT; control registers. */
void x86_cpu_tables_init(unsigned int cpu);
void x86_cpu_features_init(void);

/* svm.c: SVM on this CPU (arch_cpu_init). */
void x86_svm_cpu_init(void);

/* mmu.c */
void x86_mmu_init(paddr_t fdt_pa, u64 fdt_size);
void x86_mmu_enable_secondary(void);
u64 x86_mmu_root(void);

/* entry.S */
extern char x86_vector_stubs[];
void x86_trap(struct arch_regs *regs);

/* context.S */
void x86_thread_trampoline(void);

/* head.S: the secondary CPUs' way in. */
extern char x86_trampoline_start[], x86_trampoline_end[];
extern u32 x86_trampoline_cr3[];
extern u64 x86_trampoline_entry[];
extern volatile u32 x86_starting_cpu;
extern char x86_secondary_entry[];

#endif
