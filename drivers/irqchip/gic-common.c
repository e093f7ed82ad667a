// SPDX-License-Identifier: GPL-2.0
#include <keel/errno.h>
#include "gic-common.h"

int gic_translate(const u32 *cells, unsigned int ncells, unsigned int *irq)
{
	if (ncells < 2)
		return -EINVAL;
	if (cells[0] == 0 && cells[1] < 988)
		*irq = 32 + cells[1];
	else if (cells[0] == 1 && cells[1] < 16)
		*irq = 16 + cells[1];
	else
		return -EINVAL;
	return 0;
}
