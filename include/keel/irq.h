/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host interrupts (core/irq.c). One root interrupt controller driver
 * registers an irqchip; host IRQ numbers are that controller's numbers
 * (GIC INTIDs on arm64). Handlers run with interrupts masked.
 */
#ifndef KEEL_IRQ_H
#define KEEL_IRQ_H

#include <keel/types.h>

struct devtree_node;

#define IRQ_FLAG_PERCPU (1U << 0) /* banked per CPU: timer, IPIs */
/*
 * What the interrupt is, for the vCPU exit profile: irq_dispatch() ORs
 * these flags of every interrupt it handles into the current thread's
 * irqs_seen.
 */
#define IRQ_FLAG_TIMER (1U << 1) /* Keel's own timer */
#define IRQ_FLAG_IPI (1U << 2) /* an inter-processor interrupt */

enum ipi_type {
	IPI_RESCHEDULE,
	IPI_CALL_FUNCTION,
	IPI_STOP,
	IPI_COUNT,
};

typedef void (*irq_handler_fn)(unsigned int irq, void *arg);

struct irqchip {
	const char *name;
	unsigned int nr_irqs;
	/* Acknowledge and dispatch (irq_dispatch) what is pending, then EOI. */
	void (*handle)(void);
	void (*enable)(unsigned int irq);
	void (*disable)(unsigned int irq);
	/* Deliver an IPI to a CPU (logical number). */
	void (*send_ipi)(unsigned int cpu, enum ipi_type ipi);
	/* The host IRQ number an "interrupts" specifier means. */
	int (*translate)(const u32 *cells, unsigned int ncells,
			 unsigned int *irq);
	/* The IRQ number that carries an IPI type. */
	unsigned int (*ipi_irq)(enum ipi_type ipi);
	/* Bring up this CPU's interface (secondary CPUs). */
	int (*cpu_init)(void);
};

int irqchip_register(const struct irqchip *chip,
		     const struct devtree_node *node);
/* Secondary CPUs call this before enabling interrupts. */
int irq_cpu_init(void);

/*
 * Attach a handler. -EINVAL for a bad number, -EBUSY when taken, -ENODEV
 * when no interrupt controller is registered. The IRQ is enabled.
 */
int irq_register(unsigned int irq, irq_handler_fn fn, void *arg,
		 const char *name, unsigned int flags);
void irq_unregister(unsigned int irq);
void irq_enable(unsigned int irq);
void irq_disable(unsigned int irq);

/* The index-th entry of node's "interrupts", as a host IRQ number. */
int devtree_irq_get(const struct devtree_node *node, unsigned int index,
		    unsigned int *irq);

/* Called by the irqchip's handle() for each acknowledged interrupt. */
void irq_dispatch(unsigned int irq);
/* The IRQ number carrying an IPI type; -ENODEV without IPIs. */
int irq_ipi_number(enum ipi_type ipi, unsigned int *irq);
/* Send an IPI to a CPU. */
void ipi_send(unsigned int cpu, enum ipi_type ipi);

/* Walk registered IRQs for statistics; counts has one slot per CPU. */
struct irq_stat {
	unsigned int irq;
	const char *name;
	const u64 *counts;
	bool percpu;
};
int irq_for_each(int (*fn)(const struct irq_stat *st, void *arg), void *arg);
u64 irq_spurious_count(void);
const char *irqchip_name(void);

#endif
