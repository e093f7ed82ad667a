/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Interrupt vectors: what the local APIC driver (drivers/irqchip/
 * x86-apic.c) learns from traps.c. x86 names an interrupt by the vector
 * it arrives on, not by a register an irqchip reads, so the trap path
 * notes it for the irqchip's handle(), which core calls next.
 */
#ifndef ASM_VECTOR_H
#define ASM_VECTOR_H

#define X86_FIRST_IRQ_VECTOR 32
#define X86_NR_VECTORS 256

#ifndef __ASSEMBLY__
/* The vector being handled on this CPU (valid inside irqchip handle()). */
unsigned int x86_irq_vector(void);
#endif

#endif
