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
#ifndef KEEL_DRIVERS_RISCV_INTC_H
#define KEEL_DRIVERS_RISCV_INTC_H

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

/*
 * One supervisor-level target of a platform controller: a hart, and the
 * index of its entry in the controller's "interrupts-extended" (the PLIC
 * context, the APLIC interrupt delivery control).
 */
struct riscv_intc_target {
	u64 hartid;
	unsigned int index;
};

struct devtree_node;

/*
 * The entries of node's "interrupts-extended" that name a hart's
 * supervisor external interrupt (at most max entries in all), in *out
 * (allocated; NULL and *count 0 when none: a machine-level controller).
 * Entries the firmware hid (phandle 0xffffffff) or of other causes are
 * skipped. -EINVAL for a malformed property, -ENOMEM.
 */
int riscv_intc_supervisor_targets(const struct devtree_node *node,
				  unsigned int max,
				  struct riscv_intc_target **out,
				  unsigned int *count);
/* The index of hart hartid among n targets; -ENODEV if it is not one. */
int riscv_intc_target_index(const struct riscv_intc_target *t, unsigned int n,
			    u64 hartid, unsigned int *index);

/* -EBUSY when another controller already attached. */
int riscv_intc_attach_external(const struct riscv_ext_irqchip *ext);

/*
 * Firmware (SBI) or hardware that can raise a hart's supervisor software
 * interrupt. Until one attaches, Keel has no IPIs.
 */
int riscv_intc_attach_ipi_sender(int (*send)(u64 hartid));

#endif
