/* SPDX-License-Identifier: GPL-2.0 */
/* sstatus.SIE is the one switch for every interrupt Keel takes in HS-mode. */
#ifndef ASM_IRQFLAGS_H
#define ASM_IRQFLAGS_H

#include <keel/types.h>
#include <asm/csr.h>

static inline unsigned long arch_irq_save(void)
{
	return csr_read_clear(CSR_SSTATUS, SR_SIE) & SR_SIE;
}

static inline void arch_irq_restore(unsigned long flags)
{
	if (flags & SR_SIE)
		csr_set(CSR_SSTATUS, SR_SIE);
	else
		csr_clear(CSR_SSTATUS, SR_SIE);
}

static inline void arch_irq_enable(void)
{
	csr_set(CSR_SSTATUS, SR_SIE);
}

static inline void arch_irq_disable(void)
{
	csr_clear(CSR_SSTATUS, SR_SIE);
}

static inline bool arch_irqs_disabled(void)
{
	return !(csr_read(CSR_SSTATUS) & SR_SIE);
}

#endif
