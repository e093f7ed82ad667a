/* SPDX-License-Identifier: GPL-2.0 */
/* What the GICv2 and GICv3 drivers share. */
#ifndef DRIVERS_GIC_COMMON_H
#define DRIVERS_GIC_COMMON_H

#include <keel/types.h>

/*
 * A GIC "interrupts" specifier, <type number flags> (hw/gic.h): an SPI
 * or a PPI to its INTID.
 */
int gic_translate(const u32 *cells, unsigned int ncells, unsigned int *irq);

#endif
