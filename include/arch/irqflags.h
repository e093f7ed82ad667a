/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local interrupt masking for the calling CPU:
 *   unsigned long arch_irq_save(void)      mask, return the previous state
 *   void arch_irq_restore(unsigned long)   restore a state from arch_irq_save
 *   void arch_irq_enable(void) / arch_irq_disable(void)
 *   bool arch_irqs_disabled(void)
 */
#ifndef ARCH_IRQFLAGS_H
#define ARCH_IRQFLAGS_H
#include <keel/types.h>
#include <asm/irqflags.h>
#endif
