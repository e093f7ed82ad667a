/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ASM_IRQFLAGS_H
#define ASM_IRQFLAGS_H

#include <keel/types.h>

static inline unsigned long arch_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("mrs %0, daif\n\tmsr daifset, #2"
			 : "=r"(flags)
			 :
			 : "memory");
	return flags;
}

static inline void arch_irq_restore(unsigned long flags)
{
	__asm__ volatile("msr daif, %0" ::"r"(flags) : "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" ::: "memory");
}

static inline bool arch_irqs_disabled(void)
{
	unsigned long flags;

	__asm__ volatile("mrs %0, daif" : "=r"(flags));
	return flags & (1UL << 7);
}

#endif
