/* SPDX-License-Identifier: GPL-2.0 */
/* Host test build: a flag stands in for the CPU's interrupt mask. */
#ifndef HOST_ASM_IRQFLAGS_H
#define HOST_ASM_IRQFLAGS_H
extern int host_irqs_masked;
static inline unsigned long arch_irq_save(void)
{
	unsigned long old = host_irqs_masked;
	host_irqs_masked = 1;
	return old;
}
static inline void arch_irq_restore(unsigned long flags)
{
	host_irqs_masked = (int)flags;
}
static inline void arch_irq_enable(void)
{
	host_irqs_masked = 0;
}
static inline void arch_irq_disable(void)
{
	host_irqs_masked = 1;
}
static inline bool arch_irqs_disabled(void)
{
	return host_irqs_masked;
}
#endif
