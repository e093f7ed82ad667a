/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host GICv2 driver (drivers/irqchip/gic-v2.c) tells the rest of
 * Keel about the controller's virtualization extensions: where the
 * hypervisor control interface (GICH) and the virtual CPU interface
 * (GICV) are, from the fourth and third "reg" entries of its node, and
 * which interrupt signals maintenance.
 */
#ifndef KEEL_GIC_H
#define KEEL_GIC_H

#include <keel/types.h>

struct gic_v2_virt {
	paddr_t gich_base;
	u64 gich_size;
	paddr_t gicv_base;
	u64 gicv_size;
	unsigned int maintenance_irq; /* an INTID (PPI) */
};

/* NULL unless the host has a GICv2 with virtualization extensions. */
#ifdef CONFIG_IRQCHIP_GICV2
const struct gic_v2_virt *gic_v2_virt(void);
#else
/* Without the driver Keel knows of no GICv2 to virtualize. */
static inline const struct gic_v2_virt *gic_v2_virt(void)
{
	return NULL;
}
#endif

#endif
