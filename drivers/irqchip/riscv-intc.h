/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The RISC-V hart-local interrupt controller ("riscv,cpu-intc"): the root
 * irqchip core/ sees on riscv. It takes the supervisor software, timer and
 * external interrupts of each hart and hands external ones to the platform
 * controller (PLIC, later APLIC) that attaches to it.
 *
 * Keel's host IRQ numbers on riscv, laid out like a GIC's:
 *    0..15   IPIs (enum ipi_type), all carried by the software interrupt
 *   16..31   hart-local interrupts, 16 + cause (21: supervisor timer)
 *   32..     32 + source number of the external controller
 */
#ifndef DRIVERS_RISCV_INTC_H
#define DRIVERS_RISCV_INTC_H

#include <keel/types.h>

#define RISCV_IRQ_IPI_BASE 0
#define RISCV_IRQ_LOCAL_BASE 16
#define RISCV_IRQ_EXT_BASE 32
#define RISCV_IRQ_EXT_MAX_SOURCES 1024
#define RISCV_IRQ_TIMER (RISCV_IRQ_LOCAL_BASE + 5)

/* A platform interrupt controller behind the harts' external interrupt. */
struct riscv_ext_irqchip {
	const char *name; /* what `host info` shows as the IRQ chip */
	/* Claim each pending source, irq_dispatch() it, complete it. */
	void (*handle)(void);
	void (*enable)(unsigned int source);
	void (*disable)(unsigned int source);
	/* A device's "interrupts" cells to a source number. */
	int (*translate)(const u32 *cells, unsigned int ncells,
			 unsigned int *source);
	/* This hart's context; called on every CPU before interrupts. */
	int (*cpu_init)(void);
};

/* -EBUSY when another controller already attached. */
int riscv_intc_attach_external(const struct riscv_ext_irqchip *ext);

/*
 * Firmware (SBI) or hardware that can raise a hart's supervisor software
 * interrupt. Until one attaches, Keel has no IPIs.
 */
int riscv_intc_attach_ipi_sender(int (*send)(u64 hartid));

#endif
