// SPDX-License-Identifier: GPL-2.0
#include <hw/gic.h>
#include <keel/errno.h>
#include "gic-common.h"

int gic_translate(const u32 *cells, unsigned int ncells, unsigned int *irq)
{
	if (ncells < 2)
		return -EINVAL;
	if (cells[0] == GIC_SPEC_SPI && cells[1] < GIC_NR_SPIS)
		*irq = GIC_SPI_BASE + cells[1];
	else if (cells[0] == GIC_SPEC_PPI && cells[1] < GIC_NR_PPIS)
		*irq = GIC_PPI_BASE + cells[1];
	else
		return -EINVAL;
	return 0;
}
